#include "deploysim/engine.hpp"

namespace deploysim {

// A 4-ary implicit heap: shallower than a binary heap, and its four children share a cache line.
static constexpr size_t arity = 4;

EventId Engine::push(Time t, int8_t priority, InlineHandler&& fn) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.live = true;
  const uint64_t prio = static_cast<uint64_t>(static_cast<int>(priority) + 128) << 56;
  heap_.push_back(Key{t.ns(), prio | (seq_++ & ((1ULL << 56) - 1)), slot, s.gen});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId{slot, s.gen};
}

void Engine::sift_up(size_t i) {
  Key k = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / arity;
    if (!k.before(heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void Engine::sift_down(size_t i) {
  const size_t n = heap_.size();
  Key k = heap_[i];
  for (;;) {
    const size_t first = i * arity + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t last = first + arity < n ? first + arity : n;
    for (size_t c = first + 1; c < last; ++c)
      if (heap_[c].before(heap_[best])) best = c;
    if (!heap_[best].before(k)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = k;
}

void Engine::pop_top() {
  heap_[0] = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

bool Engine::cancel(EventId id) {
  if (id.slot >= slots_.size()) return false;
  Slot& s = slots_[id.slot];
  if (!s.live || s.gen != id.gen) return false;
  s.live = false;
  s.fn.reset();
  --live_;
  return true;  // the heap key stays as a tombstone until it reaches the top
}

void Engine::drop_dead_top() {
  while (!heap_.empty()) {
    const Key& top = heap_[0];
    Slot& s = slots_[top.slot];
    if (s.live && s.gen == top.gen) return;
    if (s.gen == top.gen) {  // cancelled: recycle the slot now that its key is gone
      ++s.gen;
      free_.push_back(top.slot);
    }
    pop_top();
  }
}

std::optional<Time> Engine::peek() {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  return ns(heap_[0].t);
}

bool Engine::step() {
  drop_dead_top();
  if (heap_.empty()) return false;
  const Key top = heap_[0];
  pop_top();
  Slot& s = slots_[top.slot];
  InlineHandler fn = std::move(s.fn);
  s.live = false;
  ++s.gen;
  free_.push_back(top.slot);
  --live_;
  now_ = ns(top.t);
  ++dispatched_;
  fn();
  return true;
}

void Engine::run_until(Time t) {
  for (;;) {
    auto next = peek();
    if (!next || *next > t) break;
    step();
  }
  if (t > now_) now_ = t;
}

void Engine::run() {
  while (step()) {
  }
}

}  // namespace deploysim
