#pragma once
#include <cassert>
#include <cstdint>
#include <cstddef>
#include <cstring>
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
  static constexpr size_t capacity = 48;
  InlineHandler() = default;
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InlineHandler>>>
  InlineHandler(F&& f) {  // NOLINT: implicit by design
    static_assert(sizeof(D) <= capacity, "event handler captures too much; capture an index");
    static_assert(alignof(D) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<D>);
    ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
    ops_ = &ops_for<D>;
  }
  InlineHandler(InlineHandler&& o) noexcept : ops_(o.ops_) {
    if (ops_) { ops_->move(buf_, o.buf_); o.ops_ = nullptr; }
  }
  InlineHandler& operator=(InlineHandler&& o) noexcept {
    if (this != &o) {
      reset();
      ops_ = o.ops_;
      if (ops_) { ops_->move(buf_, o.buf_); o.ops_ = nullptr; }
    }
    return *this;
  }
  InlineHandler(const InlineHandler&) = delete;
  InlineHandler& operator=(const InlineHandler&) = delete;
  ~InlineHandler() { reset(); }
  /// Calls the stored callable.
  void operator()() { ops_->call(buf_); }
  /// Whether a callable is stored.
  explicit operator bool() const { return ops_ != nullptr; }
  /// Destroys the stored callable.
  void reset() {
    if (ops_) { ops_->destroy(buf_); ops_ = nullptr; }
  }

private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src);
    void (*destroy)(void*);
  };
  template <class D>
  static constexpr Ops ops_for = {
      [](void* p) { (*static_cast<D*>(p))(); },
      [](void* dst, void* src) {
        ::new (dst) D(std::move(*static_cast<D*>(src)));
        static_cast<D*>(src)->~D();
      },
      [](void* p) { static_cast<D*>(p)->~D(); }};
  alignas(std::max_align_t) unsigned char buf_[capacity];
  const Ops* ops_ = nullptr;
};

/// The discrete-event engine: a total order on events by (time, priority, seq), lazy
/// cancellation, step-able. Lower priority values run first at equal times.
class Engine {
public:
  /// Schedules f to run `delay` after now (saturating at Time::max(), "never").
  /// A negative delay is a programmer error and throws std::logic_error.
  template <class F>
  EventId schedule(Time delay, F&& f, int8_t priority = 0) {
    if (delay < Time{}) throw std::logic_error("Engine::schedule: negative delay");
    const Time t = delay > Time::max() - now_ ? Time::max() : now_ + delay;
    return push(t, priority, InlineHandler(std::forward<F>(f)));
  }
  /// Schedules f at absolute time t (>= now, else std::logic_error).
  template <class F>
  EventId schedule_at(Time t, F&& f, int8_t priority = 0) {
    if (t < now_) throw std::logic_error("Engine::schedule_at: time in the past");
    return push(t, priority, InlineHandler(std::forward<F>(f)));
  }
  /// Cancels a pending event; returns false when it already ran or was cancelled.
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
  struct Key {
    int64_t t;
    uint64_t order;  // priority in the top 8 bits (offset by 128), seq in the low 56
    uint32_t slot;
    uint32_t gen;
    bool before(const Key& o) const { return t < o.t || (t == o.t && order < o.order); }
  };
  struct Slot {
    InlineHandler fn;
    uint32_t gen = 0;
    bool live = false;
  };
  EventId push(Time t, int8_t priority, InlineHandler&& fn);
  void sift_up(size_t i);
  void sift_down(size_t i);
  void pop_top();
  void drop_dead_top();

  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  Time now_;
  uint64_t seq_ = 0;
  uint64_t dispatched_ = 0;
  size_t live_ = 0;
};

}  // namespace deploysim
