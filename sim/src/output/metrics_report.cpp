#include "deploysim/metrics_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace deploysim {

namespace {

nlohmann::json series(const std::vector<GaugePoint>& points) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : points) out.push_back({{"t_ns", p.t.ns()}, {"value", p.value}});
  return out;
}

}  // namespace

std::string metrics_to_json(const Metrics& m, const std::string& scenario, uint64_t seed, int indent) {
  nlohmann::ordered_json j;
  j["schema"] = "deploysim-metrics/1";
  j["scenario"] = scenario;
  j["seed"] = seed;
  j["requests"] = m.requests;
  j["succeeded"] = m.succeeded;
  j["in_flight"] = m.in_flight;
  j["availability_ratio"] = m.availability_ratio();
  j["failures"] = nlohmann::ordered_json::object();
  for (const auto& [cause, n] : m.failures) j["failures"][cause] = n;
  j["latency_ns"] = nlohmann::ordered_json::object();
  for (const auto& [stage, p] : m.latency)
    j["latency_ns"][stage] = {
        {"count", p.count}, {"p50", p.p50.ns()}, {"p90", p.p90.ns()}, {"p99", p.p99.ns()}, {"max", p.max.ns()}};
  j["bytes_sent"] = m.bytes_sent;
  j["bytes_received"] = m.bytes_received;
  j["worker_utilisation"] = nlohmann::ordered_json::object();
  for (const auto& [name, u] : m.worker_utilisation) j["worker_utilisation"][name] = u;
  j["availability_window_ns"] = m.availability_window.ns();
  j["availability"] = nlohmann::ordered_json::array();
  for (const auto& p : m.availability)
    j["availability"].push_back({{"t_ns", p.t.ns()}, {"ok", p.ok}, {"failed", p.failed}});
  j["slo"] = m.slo;
  j["error_budget_consumed"] = m.error_budget_consumed;
  j["burn_rate"] = series(m.burn_rate);
  j["budget_consumed"] = series(m.budget_consumed);
  j["restarts"] = m.restarts;
  j["time_in_backoff_ns"] = m.time_in_backoff.ns();
  j["restarts_over_time"] = series(m.restarts_over_time);
  j["backoff_over_time_s"] = series(m.backoff_over_time);
  j["memory"] = nlohmann::ordered_json::object();
  for (const auto& [host, pts] : m.memory) j["memory"][host] = series(pts);
  j["cert_days_left"] = nlohmann::ordered_json::object();
  for (const auto& [domain, pts] : m.cert_days_left) j["cert_days_left"][domain] = series(pts);
  j["dns_cache_hits"] = m.dns_cache_hits;
  j["dns_cache_misses"] = m.dns_cache_misses;
  j["tls_handshakes"] = m.tls_handshakes;
  j["connections_reused"] = m.connections_reused;
  j["events"] = m.events;
  return j.dump(indent) + "\n";
}

std::string format_summary(const Metrics& m) {
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    out += fmt::format("  {:<28} {}\n", label, value);
  };
  out += "Requests\n";
  line("requests", std::to_string(m.requests));
  line("succeeded", std::to_string(m.succeeded));
  line("in flight at the end", std::to_string(m.in_flight));
  line("availability", fmt::format("{:.2f} %", 100.0 * m.availability_ratio()));
  for (const auto& [cause, n] : m.failures) line(fmt::format("failed: {}", cause), std::to_string(n));
  if (!m.latency.empty()) {
    out += "Latency (successful requests)\n";
    out += fmt::format("  {:<10} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "stage", "count", "p50", "p90", "p99", "max");
    for (const char* stage : {"dns", "tcp", "tls", "queue", "service", "http", "total"}) {
      auto it = m.latency.find(stage);
      if (it == m.latency.end()) continue;
      const Percentiles& p = it->second;
      out += fmt::format("  {:<10} {:>8} {:>12} {:>12} {:>12} {:>12}\n", stage, p.count, format_time(p.p50),
                         format_time(p.p90), format_time(p.p99), format_time(p.max));
    }
  }
  out += "Traffic\n";
  line("bytes sent", std::to_string(m.bytes_sent));
  line("bytes received", std::to_string(m.bytes_received));
  line("DNS cache hits / misses", fmt::format("{} / {}", m.dns_cache_hits, m.dns_cache_misses));
  line("TLS handshakes", std::to_string(m.tls_handshakes));
  line("connections reused", std::to_string(m.connections_reused));
  if (!m.worker_utilisation.empty()) {
    out += "Workers (busy fraction)\n";
    for (const auto& [name, u] : m.worker_utilisation) line(name, fmt::format("{:.1f} %", 100.0 * u));
  }
  if (!m.availability.empty()) {
    uint64_t worst_failed = 0;
    Time worst_t;
    for (const auto& p : m.availability)
      if (p.failed > worst_failed) {
        worst_failed = p.failed;
        worst_t = p.t;
      }
    out += fmt::format("Availability over time ({} windows of {})\n", m.availability.size(),
                       format_time(m.availability_window));
    if (worst_failed > 0)
      line("worst window", fmt::format("{} failed at {}", worst_failed, format_time(worst_t)));
    else
      line("worst window", "no failures");
    out += fmt::format("Error budget (SLO {:g} %)\n", 100.0 * m.slo);
    line("budget consumed", fmt::format("{:.1f} %{}", 100.0 * m.error_budget_consumed,
                                        m.error_budget_consumed > 1.0 ? " (exhausted)" : ""));
    const GaugePoint* peak = nullptr;
    for (const auto& p : m.burn_rate)
      if (!peak || p.value > peak->value) peak = &p;
    if (peak && peak->value > 0)
      line("peak burn rate", fmt::format("{:.1f}x at {}", peak->value, format_time(peak->t)));
    else
      line("peak burn rate", "0 (no failures)");
  }
  if (m.restarts > 0 || m.time_in_backoff > Time{}) {
    out += "Lifecycle\n";
    line("restarts", std::to_string(m.restarts));
    line("time in back-off", format_time(m.time_in_backoff));
  }
  if (!m.memory.empty()) {
    out += "Memory (last sample, peak)\n";
    for (const auto& [host, pts] : m.memory) {
      if (pts.empty()) continue;
      double peak = 0;
      for (const auto& p : pts) peak = std::max(peak, p.value);
      line(host, fmt::format("{:.0f} MiB, peak {:.0f} MiB", pts.back().value / 1048576.0, peak / 1048576.0));
    }
  }
  if (!m.cert_days_left.empty()) {
    out += "Certificates (days left: last sample, minimum)\n";
    for (const auto& [domain, pts] : m.cert_days_left) {
      if (pts.empty()) continue;
      double low = pts.front().value;
      for (const auto& p : pts) low = std::min(low, p.value);
      line(domain, fmt::format("{:.1f}, min {:.1f}", pts.back().value, low));
    }
  }
  line("events", std::to_string(m.events));
  return out;
}

}  // namespace deploysim
