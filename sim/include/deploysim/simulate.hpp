#pragma once
#include <cstdint>
#include <optional>

#include "deploysim/metrics.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// Options of one run.
struct Options {
  std::optional<uint64_t> seed;    ///< Overrides the scenario's seed.
  std::optional<Time> until;       ///< Overrides the scenario's duration.
  TraceLevel level = TraceLevel::full;
};

/// The result of a run: the trace and what was measured.
struct Run {
  Trace trace;
  Metrics metrics;
  uint64_t seed = 0;     ///< Seed actually used.
  Time end;              ///< Simulated end time.
};

/// Builds the world from the scenario and runs it: pure and deterministic (same scenario and
/// seed -> byte-identical trace).
Run simulate(const Scenario& scenario, const Options& options = {});

}  // namespace deploysim
