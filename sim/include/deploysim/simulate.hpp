#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "deploysim/metrics.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// Options of one run.
struct Options {
  std::optional<uint64_t> seed;  ///< Overrides the scenario's seed.
  std::optional<Time> until;     ///< Overrides the scenario's duration.
  TraceLevel level = TraceLevel::full;
  /// Called every `progress_every` events (and once at the end) with the simulated time reached
  /// and the run's end time; runs on the simulating thread.
  std::function<void(Time now, Time end)> progress;
  /// Events between two progress calls / cancel checks.
  uint64_t progress_every = 4096;
  /// When set and it becomes true, the run stops at the next check and returns `cancelled`.
  const std::atomic<bool>* cancel = nullptr;
};

/// The result of a run: the trace and what was measured.
struct Run {
  Trace trace;
  Metrics metrics;
  uint64_t seed = 0;                    ///< Seed actually used.
  Time end;                             ///< Simulated end time.
  TraceLevel level = TraceLevel::full;  ///< The level its trace was recorded at.
  bool cancelled = false;               ///< Stopped early by Options::cancel: trace and metrics cover [0, end) only.
};

/// Builds the world from the scenario and runs it: pure and deterministic (same scenario and
/// seed -> byte-identical trace).
Run simulate(const Scenario& scenario, const Options& options = {});

}  // namespace deploysim
