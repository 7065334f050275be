#include "state_at.hpp"

#include <fmt/format.h>

namespace deploysim::gui {

namespace {

bool has(std::string_view s, std::string_view w) { return s.find(w) != std::string_view::npos; }

ImU32 state_color(std::string_view st) {
  if (st == "running") return IM_COL32(70, 200, 90, 255);
  if (st == "starting") return IM_COL32(90, 170, 255, 255);
  if (st == "backing_off") return IM_COL32(255, 165, 0, 255);
  if (st == "crashed" || st == "exited") return IM_COL32(255, 70, 70, 255);
  if (st == "failed") return IM_COL32(170, 20, 20, 255);
  if (st == "hung") return IM_COL32(200, 200, 60, 255);
  return IM_COL32(130, 130, 130, 255);
}

// The trace names states in details ("state") where the model knows them; otherwise the kind
// says what happened ("process.crash", "supervisor.backoff", ...).
std::string state_of(const Trace& trace, const Record& r) {
  const std::string_view explicit_state = trace.detail_str(r, "state");
  if (!explicit_state.empty()) return std::string(explicit_state);
  const std::string_view k = trace.kind(r);
  if (has(k, "give_up") || has(k, "gave_up") || has(k, "fatal") || has(k, "failed") || has(k, "start_limit"))
    return "failed";
  if (has(k, "backoff") || has(k, "restart_scheduled") || has(k, "scheduled")) return "backing_off";
  if (has(k, "crash") || has(k, "exit") || has(k, "oom") || has(k, "kill")) return "crashed";
  if (has(k, "hang") || has(k, "hung")) return "hung";
  if (has(k, "stop")) return "stopped";
  if (has(k, "spawn") || has(k, "starting") || has(k, "exec") || has(k, "start")) return "starting";
  if (has(k, "ready") || has(k, "running") || has(k, "restart") || has(k, "up")) return "running";
  return "";
}

}  // namespace

ProcView proc_state_at(const Model& m, ProcId p, int64_t t_ns) {
  ProcView v;
  const Trace& trace = m.run.trace;
  if (raw(p) < m.index.by_proc.size()) {
    for (uint32_t i : m.index.by_proc[raw(p)]) {
      const Record& r = trace[i];
      if (r.t_ns > t_ns) break;
      if (r.stage != Stage::process && r.stage != Stage::supervisor && r.stage != Stage::fault &&
          r.stage != Stage::memory && r.stage != Stage::deploy)
        continue;
      std::string st = state_of(trace, r);
      if (st.empty()) continue;
      if (has(trace.kind(r), "restart") && st == "running") ++v.restarts;
      if (st == "backing_off") {
        int64_t at = trace.detail_int(r, "next_restart", -1);
        if (at < 0) at = trace.detail_int(r, "restart_at", -1);
        if (at < 0) {
          const int64_t delay = trace.detail_int(r, "delay", -1);
          if (delay >= 0) at = r.t_ns + delay;
        }
        v.next_restart_ns = at;
      } else {
        v.next_restart_ns = -1;
      }
      v.state = std::move(st);
      v.last = static_cast<RecordId>(i);
    }
  }
  v.color = state_color(v.state);
  return v;
}

uint64_t host_memory_at(const Model& m, size_t host, int64_t t_ns) {
  if (host >= m.scenario.hosts.size()) return 0;
  if (auto it = m.run.metrics.memory.find(m.scenario.hosts[host].name); it != m.run.metrics.memory.end()) {
    double v = 0;
    if (gauge_at(it->second, t_ns, v)) return static_cast<uint64_t>(v);
  }
  uint64_t sum = 0;  // no measurement yet: what the scenario asks for
  for (const ServiceSpec& svc : m.scenario.services)
    if (svc.host == m.scenario.hosts[host].name) sum += static_cast<uint64_t>(svc.workers) * svc.memory_per_worker;
  return sum;
}

std::optional<double> cert_days_left_at(const Model& m, const std::string& domain, int64_t t_ns) {
  if (auto it = m.run.metrics.cert_days_left.find(domain); it != m.run.metrics.cert_days_left.end()) {
    double v = 0;
    if (gauge_at(it->second, t_ns, v)) return v;
  }
  for (const CertificateSpec& c : m.scenario.certificates)
    if (c.domain == domain) return static_cast<double>((c.issued + c.lifetime).ns() - t_ns) / 86400e9;
  return std::nullopt;
}

std::string format_bytes(uint64_t b) {
  if (b >= (1ULL << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(b) / (1ULL << 30));
  if (b >= (1ULL << 20)) return fmt::format("{:.0f} MiB", static_cast<double>(b) / (1ULL << 20));
  return fmt::format("{} KiB", b >> 10);
}

}  // namespace deploysim::gui
