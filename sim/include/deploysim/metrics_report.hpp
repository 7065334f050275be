#pragma once
#include <cstdint>
#include <string>

#include "deploysim/metrics.hpp"

namespace deploysim {

/// The metrics of a run as JSON text: `{"schema": "deploysim-metrics/1", "scenario", "seed",
/// "requests", "succeeded", "failures", "latency_ns": {stage: {count, p50, p90, p99, max}}, ...}`.
std::string metrics_to_json(const Metrics& metrics, const std::string& scenario, uint64_t seed, int indent = 2);

/// A readable table of every metrics field for a terminal (`deploysim run --summary`); fields a
/// run did not fill (no restarts model, no certificates) are shown only when present.
std::string format_summary(const Metrics& metrics);

}  // namespace deploysim
