#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "deploysim/time.hpp"

namespace deploysim {

/// Latency percentiles of one stage or end to end.
struct Percentiles {
  uint64_t count = 0;
  Time p50, p90, p99, max;
};

/// One window of the availability time series.
struct AvailabilityPoint {
  Time t;               ///< Window start.
  uint64_t ok = 0;      ///< Successful requests in the window.
  uint64_t failed = 0;  ///< Failed requests in the window.
};

/// A sample of a gauge over time (memory per host, certificate days left, ...).
struct GaugePoint {
  Time t;
  double value = 0;
};

/// A stage of Metrics::latency with the message key of its name.
struct LatencyStage {
  const char* name;
  const char* key;
};
/// The stages in the order a request goes through them: the run summary and the metrics panel
/// list them so.
inline constexpr LatencyStage latency_stages[] = {
    {"dns", "latency_stage.dns"},     {"tcp", "latency_stage.tcp"},         {"tls", "latency_stage.tls"},
    {"queue", "latency_stage.queue"}, {"service", "latency_stage.service"}, {"http", "latency_stage.http"},
    {"total", "latency_stage.total"}};

/// What a run measured. Filled by the models; written by `--metrics-json`.
struct Metrics {
  uint64_t requests = 0;                             ///< Requests started by clients.
  uint64_t succeeded = 0;                            ///< 2xx answers received.
  uint64_t in_flight = 0;                            ///< Requests neither answered nor failed when the run stopped.
  std::map<std::string, uint64_t> failures;          ///< By cause: "nxdomain", "certificate_expired", "502", "503", ...
  std::map<std::string, Percentiles> latency;        ///< By stage ("dns", "tcp", "tls", "http", "total").
  uint64_t bytes_sent = 0;                           ///< Client -> server bytes (approximate, from the model).
  uint64_t bytes_received = 0;                       ///< Server -> client bytes.
  std::map<std::string, double> worker_utilisation;  ///< "api/worker-1" -> busy fraction.
  std::vector<AvailabilityPoint> availability;       ///< Per window.
  Time availability_window = s(1);
  uint64_t restarts = 0;  ///< Supervisor restarts.
  Time time_in_backoff;   ///< Summed over processes.
  double slo = 0.999;     ///< Availability objective of the run (scenario `slo`).
  /// Per availability window (same t): error rate / (1 - slo); 1 spends the budget exactly as
  /// fast as the SLO allows, 0 for a window without answered requests.
  std::vector<GaugePoint> burn_rate;
  /// Per availability window (same t): fraction of the run's error budget, (1 - slo) x answered
  /// requests, spent by failures up to the end of that window (1 = exhausted).
  std::vector<GaugePoint> budget_consumed;
  double error_budget_consumed = 0;            ///< The whole run's budget consumed (last budget_consumed point).
  std::vector<GaugePoint> restarts_over_time;  ///< Per availability window (same t): restarts in it.
  std::vector<GaugePoint>
      backoff_over_time;  ///< Per availability window (same t): seconds of back-off in it, summed over replicas.
  std::map<std::string, std::vector<GaugePoint>> memory;          ///< Per host, bytes.
  std::map<std::string, std::vector<GaugePoint>> cert_days_left;  ///< Per domain.
  uint64_t dns_cache_hits = 0, dns_cache_misses = 0;
  uint64_t tls_handshakes = 0, connections_reused = 0;
  uint64_t tls_full_handshakes = 0;    ///< Completed handshakes with a certificate (no ticket, or one refused).
  uint64_t tls_resumed = 0;            ///< Completed handshakes resumed from a session ticket.
  uint64_t tls_tickets_rejected = 0;   ///< Offered tickets the proxy could not read (restart, other instance).
  uint64_t tls_hello_retries = 0;      ///< HelloRetryRequests (the client's key share was not accepted).
  uint64_t early_data_accepted = 0;    ///< Requests sent as 0-RTT data and read by the proxy.
  uint64_t early_data_refused = 0;     ///< Requests sent as 0-RTT data and sent again after the handshake.
  uint64_t too_early_answers = 0;      ///< 425 Too Early answers to 0-RTT requests (RFC 8470).
  uint64_t tls_round_trips_saved = 0;  ///< Round trips resumption and 0-RTT saved before requests could go.
  uint64_t tls_bytes_saved = 0;        ///< Handshake bytes resumption saved (no certificate, no key exchange).
  uint64_t events = 0;                 ///< Events the engine dispatched.
  /// Fraction of requests that succeeded (1 when there were none).
  double availability_ratio() const {
    return requests == 0 ? 1.0 : static_cast<double>(succeeded) / static_cast<double>(requests);
  }
};

/// Fills burn_rate, budget_consumed and error_budget_consumed from `availability` and `slo`.
void compute_error_budget(Metrics& metrics);

}  // namespace deploysim
