#pragma once
// The event queue's storage: handler slots in fixed chunks, a 4-ary heap of keys and sorted
// "lanes" for fixed delays. The Engine (engine.hpp) keeps the clock and the schedule/step API.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/inline_handler.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

/// A handle to a scheduled event, for cancellation. Stale handles are harmless.
struct EventId {
  uint32_t slot = UINT32_MAX;  ///< Slot in the engine's handler table.
  uint32_t gen = 0;            ///< Generation of the slot when scheduled.
  bool operator==(const EventId&) const = default;
};

/// Pending events in (time, priority, seq) order, with lazy cancellation.
class EventQueue {
 public:
  /// Adds f at time t_ns; `delay` is the delay it was scheduled with (-1: an absolute time),
  /// which lets events of one repeated delay bypass the heap.
  template <class F>
  EventId push(int64_t t_ns, int8_t priority, F&& f, int64_t delay) {
    const uint32_t slot = acquire_slot();
    Slot& s = slot_at(slot);
    try {
      s.fn.emplace(std::forward<F>(f));
    } catch (...) {
      free_.push_back(slot);
      throw;
    }
    return push_key(t_ns, priority, slot, delay);
  }
  /// Cancels a pending event; false when it already ran, is running or was cancelled.
  bool cancel(EventId id);
  /// The time of the next live event; false when none is left.
  bool peek(int64_t& t_ns);
  /// Runs the next live event: sets `now` to its time and counts it in `dispatched` before its
  /// handler runs (its id is stale from then on). False when none is left. One function with
  /// the taking and freeing of the slot: the hot loop of every run.
  bool dispatch(Time& now, uint64_t& dispatched);
  /// Number of live pending events.
  size_t live() const { return live_; }

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

  Slot& slot_at(uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
  uint32_t acquire_slot();
  EventId push_key(int64_t t_ns, int8_t priority, uint32_t slot, int64_t delay);
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

  std::vector<Key> heap_;
  std::vector<Lane> lanes_;
  int next_lane_ = -1;            // the lane with the smallest front, -1 when all are empty
  int64_t last_heap_delay_ = -1;  // a delay seen twice in a row earns a lane
  uint64_t last_heap_prio_ = 0;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::vector<uint32_t> free_;
  uint32_t slot_count_ = 0;
  bool top_consumed_ = false;  // heap_[0] is the running event: the next push replaces it
  uint64_t seq_ = 0;
  size_t live_ = 0;
};

}  // namespace deploysim
