#pragma once
#include <memory>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/loopback/transcript.hpp"
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
/// ms), so it runs off the UI thread; the loopback keeps the transcripts themselves. The browser
/// build looks them up in the transcripts the desktop build recorded (recorded_tls.hpp).
struct HandshakeJobs {
  /// What a job found.
  struct Found {
    const loopback::Transcript* transcript = nullptr;  ///< nullptr: none (still running, or none recorded).
    bool exact = false;      ///< Made for this very configuration (recorded ones: else other dates).
    bool looked_up = false;  ///< The job has ended (with transcript == nullptr: nothing recorded).
  };
  std::mutex mutex;  ///< Guards `running` (the UI thread asks, workers answer through futures).
  std::unordered_map<TlsConfig, std::shared_future<Found>, TlsConfigHash> running;  ///< By configuration.
  bool waiting = false;  ///< The last lookup waits for the recorded transcripts to arrive (the browser).
};

/// The sequence diagram's connection and its messages: collecting them scans the trace over the
/// connection's lifetime, too slow to redo every frame for a long keep-alive connection, so they
/// are kept while the same connection is shown.
struct SequenceCache {
  std::mutex mutex;  ///< The UI thread draws; tests may ask from others.
  ConnId conn = ConnId::none;
  std::vector<uint32_t> messages;
};

/// One simulated scenario as the panels see it: immutable once built (shared between the UI
/// thread and the worker that built it).
struct Model {
  Scenario scenario;                 ///< The scenario that was run (with what-if overrides applied).
  Run run;                           ///< Its trace and metrics.
  TraceIndex index;                  ///< Lookups over the trace.
  LatencyWindows latency;            ///< Latency percentiles per window (computed once per run).
  mutable HandshakeJobs handshakes;  ///< Real handshakes behind its TLS records, as the inspector asks.
  mutable SequenceCache sequence;    ///< The sequence diagram's last connection (sequence_rows).
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
