#include "core/engine.hpp"

namespace deploysim {

bool Engine::cancel(EventId id) { return queue_.cancel(id); }

std::optional<Time> Engine::peek() {
  int64_t t = 0;
  if (!queue_.peek(t)) return std::nullopt;
  return ns(t);
}

bool Engine::step() {
  int64_t t = 0;
  uint32_t slot = 0;
  if (!queue_.pop(t, slot)) return false;
  now_ = ns(t);
  ++dispatched_;
  // Clean up even if the handler throws, so the queue stays consistent.
  struct Release {
    EventQueue* q;
    uint32_t slot;
    ~Release() { q->release(slot); }
  } release{&queue_, slot};
  queue_.run(slot);
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
