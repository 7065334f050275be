#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/event_queue.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

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
    return queue_.push((saturated ? Time::max() : now_ + delay).ns(), priority, std::forward<F>(f),
                       saturated ? -1 : delay.ns());
  }
  /// Schedules f at absolute time t (>= now, else std::logic_error).
  template <class F>
  EventId schedule_at(Time t, F&& f, int8_t priority = 0) {
    if (t < now_) throw std::logic_error("Engine::schedule_at: time in the past");
    return queue_.push(t.ns(), priority, std::forward<F>(f), -1);
  }
  /// Cancels a pending event; returns false when it already ran, is running or was cancelled.
  bool cancel(EventId id);
  /// The time of the next live event, if any.
  std::optional<Time> peek();
  /// Runs the next live event; returns false when none is left.
  bool step() { return queue_.dispatch(now_, dispatched_); }
  /// Runs every event with time <= t, then sets now to t (when t is later).
  void run_until(Time t);
  /// Runs until no event is left.
  void run();
  /// The current simulated time.
  Time now() const { return now_; }
  /// Number of live pending events.
  size_t pending() const { return queue_.live(); }
  /// Number of events dispatched so far.
  uint64_t dispatched() const { return dispatched_; }

 private:
  EventQueue queue_;
  Time now_;
  uint64_t dispatched_ = 0;
};

}  // namespace deploysim
