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
  Time t;              ///< Window start.
  uint64_t ok = 0;     ///< Successful requests in the window.
  uint64_t failed = 0; ///< Failed requests in the window.
};

/// A sample of a gauge over time (memory per host, certificate days left, ...).
struct GaugePoint {
  Time t;
  double value = 0;
};

/// What a run measured. Filled by the models; written by `--metrics-json`.
struct Metrics {
  uint64_t requests = 0;                      ///< Requests started by clients.
  uint64_t succeeded = 0;                     ///< 2xx answers received.
  uint64_t in_flight = 0;                     ///< Requests neither answered nor failed when the run stopped.
  std::map<std::string, uint64_t> failures;   ///< By cause: "nxdomain", "certificate_expired", "502", "503", ...
  std::map<std::string, Percentiles> latency; ///< By stage ("dns", "tcp", "tls", "http", "total").
  uint64_t bytes_sent = 0;                    ///< Client -> server bytes (approximate, from the model).
  uint64_t bytes_received = 0;                ///< Server -> client bytes.
  std::map<std::string, double> worker_utilisation;  ///< "api/worker-1" -> busy fraction.
  std::vector<AvailabilityPoint> availability;       ///< Per window.
  Time availability_window = s(1);
  uint64_t restarts = 0;                      ///< Supervisor restarts.
  Time time_in_backoff;                       ///< Summed over processes.
  std::map<std::string, std::vector<GaugePoint>> memory;          ///< Per host, bytes.
  std::map<std::string, std::vector<GaugePoint>> cert_days_left;  ///< Per domain.
  uint64_t dns_cache_hits = 0, dns_cache_misses = 0;
  uint64_t tls_handshakes = 0, connections_reused = 0;
  uint64_t events = 0;                        ///< Events the engine dispatched.
  /// Fraction of requests that succeeded (1 when there were none).
  double availability_ratio() const {
    return requests == 0 ? 1.0 : static_cast<double>(succeeded) / static_cast<double>(requests);
  }
};

}  // namespace deploysim
