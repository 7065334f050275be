#pragma once
// How big a run will be, estimated from the scenario alone before it runs (no simulation):
// engine events, trace records per trace level, the trace's memory and the metrics' samples, and
// a rough wall time. Front ends use it to pick a trace level that fits in memory (the bounded
// mode, docs/trace-format.md "Trace levels and the memory budget") and to decide whether a run
// is long enough to show its progress. The per-request and per-lifecycle-event figures are
// calibrated against real runs (tests/test_estimate.cpp checks the stated factor).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// What a run of a scenario is expected to take.
struct RunEstimate {
  Time end;                     ///< Simulated end of the run.
  double requests = 0;          ///< Requests the clients start.
  double connections = 0;       ///< New connections among them (the rest reuse one).
  double events = 0;            ///< Engine events.
  double records_full = 0;      ///< Trace records at TraceLevel::full.
  double records_outcomes = 0;  ///< Trace records at TraceLevel::outcomes.
  double sample_bytes = 0;      ///< Latency samples the metrics keep (bounded, see samples.hpp).
  double seconds = 0;           ///< Wall time on the project's machine (this build type; rough).

  /// Records the trace keeps at a level.
  double records(TraceLevel level) const {
    return level == TraceLevel::full ? records_full : level == TraceLevel::outcomes ? records_outcomes : 0;
  }
  /// Bytes the trace takes at a level.
  double trace_bytes(TraceLevel level) const;
};

/// Bytes one record costs in a trace at `level`, record and its share of the detail sets, shapes
/// and strings: the one place these figures live (the trace's storage changes; re-measure with
/// tests/test_estimate.cpp, which prints the measured figures when run with -s).
double trace_bytes_per_record(TraceLevel level);

/// The estimate for `scenario` run with `options` (its `until` and `level` count; `seed` not).
RunEstimate estimate_run(const Scenario& scenario, const Options& options = {});

/// The trace memory a front end allows by default: DEPLOYSIM_MAX_TRACE_MEMORY (a size, "2GiB")
/// when set, else a quarter of the machine's physical memory, or 2 GiB where the system does not
/// say (sim/src/core/platform_memory.cpp).
uint64_t default_trace_memory_budget();

/// The machine's physical memory in bytes; 0 when the system does not say.
uint64_t physical_memory_bytes() noexcept;

/// The richest level at or below `wanted` (full, outcomes, none) whose trace fits in `budget`
/// bytes; none always fits.
TraceLevel level_that_fits(const RunEstimate& estimate, TraceLevel wanted, uint64_t budget);

/// A size in the scenario files' notation ("512MiB", "2GiB", "300MB"); nullopt when not one.
std::optional<uint64_t> parse_memory_size(std::string_view text);

/// A byte count for people: "812 KiB", "3.4 MiB", "17.2 GiB".
std::string format_bytes(double bytes);

/// A count for people: "950", "12.3 k", "4.1 M", "630 M", "2.2 G".
std::string format_count(double n);

/// A trace level's name as the command line spells it ("full", "outcomes", "none").
const char* trace_level_name(TraceLevel level);

}  // namespace deploysim
