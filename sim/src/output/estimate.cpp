// The size of a run from its scenario: requests from the clients, the share of them that opens a
// connection, and the lifecycle's work (starts, crashes, renewals, memory samples, probes, faults),
// each times a cost per item measured on real runs (tests/test_estimate.cpp: the figures below
// came from its calibration print-out; a model change that moves them fails its factor check).
#include "deploysim/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim {

namespace {

// Per request, measured (test_estimate.cpp, "calibration"): a request on a connection that is
// already open, and the extra of one that opens a new connection (DNS, TCP, TLS handshake).
struct Cost {
  double events, records;
};
// (The soak scenario's keep-alive requests: 6.0 events and 9.1 records each; cert-renewal's
// hourly requests without keep-alive, DNS asked every time: 15 and 24.)
constexpr Cost reused_request{6, 9};
constexpr Cost new_connection{9, 15};  // on top of reused_request
constexpr Cost plain_http_connection{4, 6};
// Per lifecycle item (start or restart of a process, a crash, a renewal, a fault, a probe).
constexpr Cost process_start{2, 2};
constexpr Cost crash{8, 6};
constexpr Cost renewal{20, 15};
constexpr Cost fault{10, 8};
constexpr Cost probe{1, 0.1};
// Metric samples per answered request: queue, service, http, total always; dns, tcp, tls with a
// new connection. Bounded per stage (request_path/samples.hpp).
constexpr double sample_bytes_per_value = 8;
constexpr double max_exact_samples = 4194304;
constexpr double histogram_bytes = 60 * 1024;
// Wall time per event: RelWithDebInfo on the project's machine (bench/NOTES.md); a Debug build is
// several times slower.
#ifdef NDEBUG
constexpr double seconds_per_event = 180e-9;
#else
constexpr double seconds_per_event = 1.2e-6;
#endif

// Fraction of a client's requests that open a new connection.
double new_connection_share(const Scenario& sc, const ClientSpec& c, double requests) {
  if (!c.keep_alive || requests <= 1) return 1;
  const Time idle = sc.proxy ? proxy_preset(sc.proxy->preset).idle_timeout : s(60);
  if (c.requests > 0) return c.interval > idle ? 1 : 1 / requests;
  // Poisson arrivals: a gap longer than the proxy's idle timeout closes the connection; otherwise
  // a few connections serve everything.
  const double gap_closes = std::exp(-c.rate_per_s * idle.seconds());
  return std::min(1.0, gap_closes + 8 / requests);
}

}  // namespace

double trace_bytes_per_record(TraceLevel level) {
  // The record plus its share of the detail sets, shapes and strings (test_estimate.cpp prints
  // them): at the outcomes level a response's detail set (status, latency, url) is nearly always
  // new, so it costs more per record than the full level, where many records share sets.
  switch (level) {
    // Measured on the soak scenario's first 6 h (3.95 million records at full, 432,752 at
    // outcomes): 47.5 and 82.9 bytes with the trace storage of commit ff10660, 20.4 and 73.4 with
    // the compacted storage being written at the time; the figures sit between the two, within
    // test_estimate's factor of both. Re-measure (test_estimate -s) when the storage changes.
    case TraceLevel::full:
      return 32;
    case TraceLevel::outcomes:
      return 78;
    case TraceLevel::none:
      return 0;
  }
  return 0;
}

double RunEstimate::trace_bytes(TraceLevel level) const { return records(level) * trace_bytes_per_record(level); }

RunEstimate estimate_run(const Scenario& sc, const Options& options) {
  RunEstimate e;
  e.end = options.until.value_or(sc.info.duration);
  const double span_s = std::max(0.0, e.end.seconds());
  auto add = [&](const Cost& c, double n, bool outcome) {
    e.events += c.events * n;
    e.records_full += c.records * n;
    if (outcome) e.records_outcomes += c.records * n;
  };
  double answered_new = 0, answered_reused = 0;
  for (const ClientSpec& c : sc.clients) {
    const double stop = std::min(span_s, c.stop ? c.stop->seconds() : span_s);
    const double active = std::max(0.0, stop - c.start.seconds());
    double n = 0;
    if (c.requests > 0)
      n = std::min(static_cast<double>(c.requests), std::floor(active / std::max(1e-9, c.interval.seconds())) + 1);
    else
      n = c.rate_per_s * active;
    if (active <= 0) n = 0;
    const double share = new_connection_share(sc, c, n);
    const bool https = c.url.rfind("https://", 0) == 0;
    e.requests += n;
    e.connections += n * share;
    add(reused_request, n, false);
    add(https ? new_connection : plain_http_connection, n * share, false);
    e.records_outcomes += n;  // one outcome record per request
    answered_new += n * share;
    answered_reused += n * (1 - share);
  }
  const double hours_run = span_s / 3600;
  for (const ServiceSpec& svc : sc.services) {
    const double replicas = std::max<double>(1, static_cast<double>(svc.hosts.size()));
    const double processes = replicas * std::max(1, svc.workers);
    add(process_start, processes, false);
    const double crashes = svc.crash_rate_per_hour * processes * hours_run;
    add(crash, crashes, true);
    add(process_start, crashes, true);
    const SupervisorSpec& sup = svc.supervisor;
    for (const ProbeSpec* p : {&sup.liveness, &sup.readiness, &sup.startup})
      if (p->enabled && p->period > Time{}) add(probe, replicas * span_s / p->period.seconds(), false);
  }
  for (const CertificateSpec& cert : sc.certificates) {
    // Renewed about once per two thirds of its lifetime.
    const double every = std::max(1.0, cert.lifetime.seconds() * 2 / 3);
    add(renewal, span_s / every, true);
  }
  add(fault, static_cast<double>(sc.faults.size()), true);
  // Host memory samples: one a minute, at most about 200 per run and host (host_memory.cpp).
  e.events += std::min(200.0, span_s / 60) * static_cast<double>(sc.hosts.size());
  // Samples of the answered requests, per stage up to the exact limit, then a histogram.
  auto stage_bytes = [](double n) {
    return n <= max_exact_samples ? n * sample_bytes_per_value
                                  : max_exact_samples * sample_bytes_per_value + histogram_bytes;
  };
  const double answered = answered_new + answered_reused;
  e.sample_bytes = 4 * stage_bytes(answered) + 3 * stage_bytes(answered_new);
  e.seconds = e.events * seconds_per_event;
  (void)options.level;
  return e;
}

uint64_t default_trace_memory_budget() {
  if (const char* v = std::getenv("DEPLOYSIM_MAX_TRACE_MEMORY"))
    if (const auto b = detail::parse_size(v); b && *b > 0) return *b;
  const uint64_t physical = physical_memory_bytes();
  return physical > 0 ? physical / 4 : uint64_t{2} << 30;
}

TraceLevel level_that_fits(const RunEstimate& estimate, TraceLevel wanted, uint64_t budget) {
  for (TraceLevel l : {TraceLevel::full, TraceLevel::outcomes}) {
    if (static_cast<int>(l) < static_cast<int>(wanted)) continue;
    if (estimate.trace_bytes(l) <= static_cast<double>(budget)) return l;
  }
  return TraceLevel::none;
}

std::optional<uint64_t> parse_memory_size(std::string_view text) { return detail::parse_size(text); }

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(units)) bytes /= 1024, ++u;
  if (u == 0) return fmt::format("{:.0f} B", bytes);
  return bytes < 10 ? fmt::format("{:.1f} {}", bytes, units[u]) : fmt::format("{:.0f} {}", bytes, units[u]);
}

std::string format_count(double n) {
  const char* units[] = {"", " k", " M", " G"};
  size_t u = 0;
  while (n >= 1000 && u + 1 < std::size(units)) n /= 1000, ++u;
  if (u == 0) return fmt::format("{:.0f}", n);
  return n < 10 ? fmt::format("{:.1f}{}", n, units[u]) : fmt::format("{:.0f}{}", n, units[u]);
}

const char* trace_level_name(TraceLevel level) {
  return level == TraceLevel::full ? "full" : level == TraceLevel::outcomes ? "outcomes" : "none";
}

}  // namespace deploysim
