#pragma once
#include <cassert>
#include <cstdint>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "deploysim/time.hpp"

namespace deploysim {

/// A handle to a scheduled event, for cancellation. Stale handles are harmless.
struct EventId {
  uint32_t slot = UINT32_MAX;  ///< Slot in the engine's handler table.
  uint32_t gen = 0;            ///< Generation of the slot when scheduled.
  bool operator==(const EventId&) const = default;
};

/// A move-only callable `void()` stored inline (no heap allocation): captures up to 48 bytes.
class InlineHandler {
public:
  /// Bytes available for captures.
  static constexpr size_t capacity = 48;
  InlineHandler() = default;
  /// Stores a callable (implicit by design, so lambdas convert).
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InlineHandler>>>
  InlineHandler(F&& f) {  // NOLINT: implicit by design
    construct<D>(std::forward<F>(f));
  }
  /// Takes over o's callable; o becomes empty.
  InlineHandler(InlineHandler&& o) noexcept { take(o); }
  /// Destroys the current callable and takes over o's.
  InlineHandler& operator=(InlineHandler&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  InlineHandler(const InlineHandler&) = delete;
  InlineHandler& operator=(const InlineHandler&) = delete;
  ~InlineHandler() { reset(); }
  /// Replaces the stored callable by f, constructed in place (no intermediate move).
  template <class F>
  void emplace(F&& f) {
    using D = std::decay_t<F>;
    if constexpr (std::is_same_v<D, InlineHandler>) {
      *this = std::move(f);
    } else {
      reset();
      construct<D>(std::forward<F>(f));
    }
  }
  /// Calls the stored callable.
  void operator()() { ops_->call(buf_); }
  /// Whether a callable is stored.
  explicit operator bool() const { return ops_ != nullptr; }
  /// Destroys the stored callable.
  void reset() {
    if (ops_) {
      if (ops_->destroy) ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src);  // nullptr: trivially copyable, memcpy is a move
    void (*destroy)(void*);              // nullptr: trivially destructible
  };
  template <class D>
  static constexpr Ops ops_for = {
      [](void* p) { (*static_cast<D*>(p))(); },
      std::is_trivially_copyable_v<D> ? nullptr
                                      : +[](void* dst, void* src) {
                                          ::new (dst) D(std::move(*static_cast<D*>(src)));
                                          static_cast<D*>(src)->~D();
                                        },
      std::is_trivially_destructible_v<D> ? nullptr
                                          : +[](void* p) { static_cast<D*>(p)->~D(); }};
  template <class D, class F>
  void construct(F&& f) {
    static_assert(sizeof(D) <= capacity, "event handler captures too much; capture an index");
    static_assert(alignof(D) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<D>);
    ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
    ops_ = &ops_for<D>;
  }
  void take(InlineHandler& o) noexcept {
    ops_ = o.ops_;
    if (!ops_) return;
    if (ops_->move) ops_->move(buf_, o.buf_);
    else std::memcpy(buf_, o.buf_, capacity);
    o.ops_ = nullptr;
  }
  alignas(std::max_align_t) unsigned char buf_[capacity];
  const Ops* ops_ = nullptr;
};

/// The discrete-event engine: a total order on events by (time, priority, seq), lazy
/// cancellation, step-able. Lower priority values run first at equal times.
class Engine {
public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  /// Engines move (pending handlers move with them).
  Engine(Engine&&) noexcept = default;
  /// Engines move (pending handlers move with them).
  Engine& operator=(Engine&&) noexcept = default;

  /// Schedules f to run `delay` after now (saturating at Time::max(), "never").
  /// A negative delay is a programmer error and throws std::logic_error.
  template <class F>
  EventId schedule(Time delay, F&& f, int8_t priority = 0) {
    if (delay < Time{}) throw std::logic_error("Engine::schedule: negative delay");
    const bool saturated = delay > Time::max() - now_;
    return emplace(saturated ? Time::max() : now_ + delay, priority, std::forward<F>(f),
                   saturated ? -1 : delay.ns());
  }
  /// Schedules f at absolute time t (>= now, else std::logic_error).
  template <class F>
  EventId schedule_at(Time t, F&& f, int8_t priority = 0) {
    if (t < now_) throw std::logic_error("Engine::schedule_at: time in the past");
    return emplace(t, priority, std::forward<F>(f), -1);
  }
  /// Cancels a pending event; returns false when it already ran, is running or was cancelled.
  bool cancel(EventId id);
  /// The time of the next live event, if any.
  std::optional<Time> peek();
  /// Runs the next live event; returns false when none is left.
  bool step();
  /// Runs every event with time <= t, then sets now to t (when t is later).
  void run_until(Time t);
  /// Runs until no event is left.
  void run();
  /// The current simulated time.
  Time now() const { return now_; }
  /// Number of live pending events.
  size_t pending() const { return live_; }
  /// Number of events dispatched so far.
  uint64_t dispatched() const { return dispatched_; }

private:
  // 24 bytes. A key carries its slot's generation: a cancelled event's slot is recycled at
  // once (while its cache line is warm) and its key, left behind as a tombstone, no longer
  // matches the slot.
  struct Key {
    int64_t t;
    uint64_t order;  // priority in the top 8 bits (offset by 128), seq in the low 56
    uint32_t slot;
    uint32_t gen;
  };
  // One cache line; slots live in fixed chunks so a running handler's storage never moves
  // while it schedules more events.
  struct alignas(64) Slot {
    InlineHandler fn;
    uint32_t gen = 0;  // bumped when the event runs or is cancelled: only a pending event's id matches
  };
  static constexpr uint32_t chunk_bits = 10;
  static constexpr uint32_t chunk_size = 1u << chunk_bits;

  // Events scheduled with one fixed delay (a link's latency, a timeout) arrive in key order, so
  // they wait in a sorted FIFO "lane" per delay instead of the heap: no sifts. The next event
  // is the smallest of the heap's root and the lanes' fronts, so the order is unchanged.
  struct Lane {
    int64_t delay = -1;
    uint64_t prio = 0;  // keys of equal time order by priority first: one lane per priority
    std::vector<Key> keys;
    size_t head = 0;
    bool empty() const { return head == keys.size(); }
  };
  static constexpr size_t max_lanes = 8;

  template <class F>
  EventId emplace(Time t, int8_t priority, F&& f, int64_t delay) {
    const uint32_t slot = acquire_slot();
    Slot& s = slot_at(slot);
    try {
      s.fn.emplace(std::forward<F>(f));
    } catch (...) {
      free_.push_back(slot);
      throw;
    }
    return push_key(t, priority, slot, delay);
  }
  Slot& slot_at(uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
  uint32_t acquire_slot();
  EventId push_key(Time t, int8_t priority, uint32_t slot, int64_t delay);
  bool push_lane(const Key& k, int64_t delay);
  void pick_lane();
  bool next_key(Key& k, int& lane);
  bool is_live(const Key& k) { return slot_at(k.slot).gen == k.gen; }
  void sift_up(size_t i);
  void sift_down(size_t i);
  void pop_top();
  void settle();
  void drop_dead_top();
  void compact();
  void finish_step(uint32_t slot);

  std::vector<Key> heap_;
  std::vector<Lane> lanes_;
  int next_lane_ = -1;              // the lane with the smallest front, -1 when all are empty
  int64_t last_heap_delay_ = -1;    // a delay seen twice in a row earns a lane
  uint64_t last_heap_prio_ = 0;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<uint32_t> free_;
  uint32_t slot_count_ = 0;
  bool top_consumed_ = false;  // heap_[0] is the running event: the next push replaces it
  Time now_;
  uint64_t seq_ = 0;
  uint64_t dispatched_ = 0;
  size_t live_ = 0;
};

}  // namespace deploysim
