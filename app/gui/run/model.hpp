#pragma once
#include <memory>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"
#include "gui/run/trace_index.hpp"

namespace deploysim::gui {

/// End-to-end latency percentiles per availability window, from the trace's client.response
/// records (kept at the outcomes trace level too): the metrics panel's plot.
struct LatencyWindows {
  std::vector<float> t;       ///< Window start, seconds.
  std::vector<float> p50_ms;  ///< Median of the window's successful requests.
  std::vector<float> p99_ms;  ///< 99th percentile.
};

/// The real OpenSSL handshakes of a run's TLS configurations, started on demand by the
/// inspector. The first run of a configuration generates certificates and runs OpenSSL (tens of
/// ms), so it runs off the UI thread; the loopback keeps the transcripts themselves.
struct HandshakeJobs {
  std::mutex mutex;  ///< Guards `running` (the UI thread asks, workers answer through futures).
  std::unordered_map<TlsConfig, std::shared_future<const loopback::Transcript*>, TlsConfigHash>
      running;  ///< By configuration.
};

/// One simulated scenario as the panels see it: immutable once built (shared between the UI
/// thread and the worker that built it).
struct Model {
  Scenario scenario;                 ///< The scenario that was run (with what-if overrides applied).
  Run run;                           ///< Its trace and metrics.
  TraceIndex index;                  ///< Lookups over the trace.
  LatencyWindows latency;            ///< Latency percentiles per window (computed once per run).
  mutable HandshakeJobs handshakes;  ///< Real handshakes behind its TLS records, as the inspector asks.
  double build_seconds = 0;          ///< Wall time of simulate + index (shown in the status bar).
};

/// Simulates a scenario and indexes the trace (pure; runs on a worker thread). `options` carries
/// the progress callback and cancel flag; a cancelled run returns nullptr.
std::shared_ptr<const Model> build_model(Scenario scenario, const Options& options = {});
/// Wraps an already-built run (tests, benchmarks).
std::shared_ptr<const Model> model_from_run(Scenario scenario, Run run);
/// An empty model (nothing open yet).
const Model& empty_model();

}  // namespace deploysim::gui
