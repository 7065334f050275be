#include "core/event_queue.hpp"

#include "core/compat.hpp"

namespace deploysim {

namespace {

// A 4-ary implicit heap: shallower than a binary heap, and its four children share a cache line.
constexpr size_t arity = 4;
// Below this many keys tombstones cost too little to be worth a sweep.
constexpr size_t compact_min = 4096;

}  // namespace

#define DEPLOYSIM_KEY(k) compat::order_key((k).t, (k).order)

uint32_t EventQueue::acquire_slot() {
  if (!free_.empty()) {
    const uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  if ((slot_count_ >> chunk_bits) == chunks_.size()) chunks_.push_back(std::make_unique<Slot[]>(chunk_size));
  return slot_count_++;
}

EventId EventQueue::push_key(int64_t t_ns, int8_t priority, uint32_t slot, int64_t delay) {
  Slot& s = slot_at(slot);
  ++live_;
  const uint64_t prio = static_cast<uint64_t>(static_cast<int>(priority) + 128) << 56;
  const Key k{t_ns, prio | (seq_++ & ((1ULL << 56) - 1)), slot, s.gen};
  if (delay >= 0 && push_lane(k, delay)) return EventId{slot, s.gen};
  if (top_consumed_) {
    // The running event's key is still at the root: replacing it costs one sift instead of two.
    top_consumed_ = false;
    heap_[0] = k;
    sift_down(0);
  } else {
    heap_.push_back(k);
    sift_up(heap_.size() - 1);
  }
  return EventId{slot, s.gen};
}

bool EventQueue::push_lane(const Key& k, int64_t delay) {
  const uint64_t prio = k.order >> 56;
  Lane* lane = nullptr;
  for (Lane& l : lanes_)
    if (l.delay == delay && l.prio == prio) lane = &l;
  if (!lane) {
    // A lane is worth opening only for a delay that repeats; random delays go to the heap.
    const bool repeat = delay == last_heap_delay_ && prio == last_heap_prio_;
    last_heap_delay_ = delay;
    last_heap_prio_ = prio;
    if (!repeat) return false;
    if (lanes_.size() < max_lanes) {
      lane = &lanes_.emplace_back();
    } else {
      for (Lane& l : lanes_)
        if (l.empty()) lane = &l;
      if (!lane) return false;
    }
    lane->delay = delay;  // an empty lane: its keys are reset below
    lane->prio = prio;
  }
  const bool was_empty = lane->empty();
  if (was_empty) {
    lane->keys.clear();
    lane->head = 0;
  } else if (lane->head >= 1024 && 2 * lane->head >= lane->keys.size()) {
    lane->keys.erase(lane->keys.begin(), lane->keys.begin() + static_cast<std::ptrdiff_t>(lane->head));
    lane->head = 0;
  }
  lane->keys.push_back(k);
  if (was_empty) {
    const int i = static_cast<int>(lane - lanes_.data());
    if (next_lane_ < 0) {
      next_lane_ = i;
    } else {
      const Lane& best = lanes_[static_cast<size_t>(next_lane_)];
      if (DEPLOYSIM_KEY(k) < DEPLOYSIM_KEY(best.keys[best.head])) next_lane_ = i;
    }
  }
  return true;
}

void EventQueue::pick_lane() {
  next_lane_ = -1;
  for (size_t i = 0; i < lanes_.size(); ++i) {
    const Lane& l = lanes_[i];
    if (l.empty()) continue;
    if (next_lane_ < 0) {
      next_lane_ = static_cast<int>(i);
      continue;
    }
    const Lane& best = lanes_[static_cast<size_t>(next_lane_)];
    if (DEPLOYSIM_KEY(l.keys[l.head]) < DEPLOYSIM_KEY(best.keys[best.head])) next_lane_ = static_cast<int>(i);
  }
}

void EventQueue::sift_up(size_t i) {
  const Key k = heap_[i];
  const auto kk = DEPLOYSIM_KEY(k);
  while (i > 0) {
    const size_t parent = (i - 1) / arity;
    if (!(kk < DEPLOYSIM_KEY(heap_[parent]))) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void EventQueue::sift_down(size_t i) {
  const size_t n = heap_.size();
  const Key k = heap_[i];
  const auto kk = DEPLOYSIM_KEY(k);
  for (;;) {
    const size_t first = i * arity + 1;
    if (first >= n) break;
    size_t best = first;
    auto best_key = DEPLOYSIM_KEY(heap_[first]);
    const size_t last = first + arity < n ? first + arity : n;
    for (size_t c = first + 1; c < last; ++c) {
      const auto ck = DEPLOYSIM_KEY(heap_[c]);
      if (ck < best_key) {
        best = c;
        best_key = ck;
      }
    }
    if (!(best_key < kk)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = k;
}

void EventQueue::pop_top() {
  heap_[0] = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::settle() {
  if (top_consumed_) {  // re-entered from a running handler that has not scheduled anything
    top_consumed_ = false;
    pop_top();
  }
}

bool EventQueue::cancel(EventId id) {
  if (id.slot >= slot_count_) return false;
  Slot& s = slot_at(id.slot);
  if (s.gen != id.gen) return false;
  ++s.gen;
  s.fn.reset();
  free_.push_back(id.slot);
  --live_;
  // The key stays behind as a tombstone (its generation no longer matches). Tombstones far in
  // the future (timeouts cancelled by the answer) would otherwise pile up and make every sift
  // deeper: once they outnumber the live keys, they are swept out in one O(n) pass.
  size_t keys = heap_.size();
  for (const Lane& l : lanes_) keys += l.keys.size() - l.head;
  if (keys >= compact_min && keys > 2 * live_) compact();
  return true;
}

void EventQueue::compact() {
  settle();
  size_t kept = 0;
  for (const Key& k : heap_) {
    if (is_live(k)) heap_[kept++] = k;
  }
  heap_.resize(kept);
  for (Lane& l : lanes_) {
    size_t n = 0;
    for (size_t i = l.head; i < l.keys.size(); ++i) {
      if (is_live(l.keys[i])) l.keys[n++] = l.keys[i];
    }
    l.keys.resize(n);
    l.head = 0;
  }
  pick_lane();
  // Keys are unique (seq), so rebuilding the heap cannot change the order events run in.
  if (kept > 1)
    for (size_t i = (kept - 2) / arity + 1; i-- > 0;) sift_down(i);
}

void EventQueue::drop_dead_top() {
  settle();
  while (!heap_.empty()) {
    if (is_live(heap_[0])) return;
    pop_top();
  }
}

bool EventQueue::next_key(Key& k, int& lane) {
  for (;;) {
    drop_dead_top();
    lane = -1;
    if (next_lane_ >= 0) {
      const Lane& l = lanes_[static_cast<size_t>(next_lane_)];
      if (heap_.empty() || DEPLOYSIM_KEY(l.keys[l.head]) < DEPLOYSIM_KEY(heap_[0])) lane = next_lane_;
    }
    if (lane < 0) {
      if (heap_.empty()) return false;
      k = heap_[0];
      return true;
    }
    Lane& l = lanes_[static_cast<size_t>(lane)];
    k = l.keys[l.head];
    if (is_live(k)) return true;
    ++l.head;  // a cancelled key at the lane's front
    pick_lane();
  }
}

bool EventQueue::peek(int64_t& t_ns) {
  Key k{};
  int lane = -1;
  if (!next_key(k, lane)) return false;
  t_ns = k.t;
  return true;
}

bool EventQueue::dispatch(Time& now, uint64_t& dispatched) {
  Key top{};
  int lane = -1;
  if (!next_key(top, lane)) return false;
  if (lane >= 0) {
    ++lanes_[static_cast<size_t>(lane)].head;
    pick_lane();
  }
  // The next event is most likely one of the root's children: start loading their slots now,
  // a whole handler ahead (on big queues a slot is a cache miss).
  if (lane < 0)
    for (size_t c = 1; c <= arity && c < heap_.size(); ++c) compat::prefetch(&slot_at(heap_[c].slot));
  Slot& s = slot_at(top.slot);
  ++s.gen;  // from here on the handle is stale: a handler cannot cancel itself
  --live_;
  top_consumed_ = lane < 0;
  now = ns(top.t);
  ++dispatched;
  // Free the slot even if the handler throws, so the queue stays consistent.
  struct Release {
    EventQueue* q;
    uint32_t slot;
    ~Release() {
      q->slot_at(slot).fn.reset();
      q->free_.push_back(slot);
      q->settle();
      // The next event's slot is a likely cache miss on large queues: start loading it now.
      if (!q->heap_.empty()) compat::prefetch(&q->slot_at(q->heap_[0].slot));
    }
  } release{this, top.slot};
  s.fn();
  return true;
}

#undef DEPLOYSIM_KEY

}  // namespace deploysim
