#include "core/engine.hpp"

namespace deploysim {

bool Engine::cancel(EventId id) { return queue_.cancel(id); }

std::optional<Time> Engine::peek() {
  int64_t t = 0;
  if (!queue_.peek(t)) return std::nullopt;
  return ns(t);
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
  while (step()) {}
}

}  // namespace deploysim
