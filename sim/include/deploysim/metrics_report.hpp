#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "deploysim/metrics.hpp"

namespace deploysim {

class Messages;
struct NarrationStyle;

/// The metrics of a run as JSON text: `{"schema": "deploysim-metrics/1", "scenario", "seed",
/// "requests", "succeeded", "failures", "latency_ns": {stage: {count, p50, p90, p99, max}}, ...}`.
std::string metrics_to_json(const Metrics& metrics, const std::string& scenario, uint64_t seed, int indent = 2);

/// A readable table of every metrics field for a terminal (`deploysim run --summary`); fields a
/// run did not fill (no restarts model, no certificates) are shown only when present.
/// `records` is the run's trace size: the "events" that `check`, `tour` and the GUI count, last
/// under its own head (the engine's dispatch count, Metrics::events, is another number and is
/// left to --metrics-json).
std::string format_summary(const Metrics& metrics, std::optional<size_t> records = std::nullopt);
/// The same in `words`' language (the [summary] table; durations in its units), failure causes
/// translated by a narration's `style` when given ("bad gateway": its "value.bad gateway").
std::string format_summary(const Metrics& metrics, const Messages& words, const NarrationStyle* style = nullptr,
                           std::optional<size_t> records = std::nullopt);

}  // namespace deploysim
