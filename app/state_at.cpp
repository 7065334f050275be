#include "state_at.hpp"

#include <fmt/format.h>

namespace deploysim::gui {

namespace {

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

ImU32 state_color(std::string_view st) {
  if (st == "running") return IM_COL32(70, 200, 90, 255);
  if (st == "starting") return IM_COL32(90, 170, 255, 255);
  if (st == "backing_off") return IM_COL32(255, 165, 0, 255);
  if (st == "crashed") return IM_COL32(255, 70, 70, 255);
  if (st == "failed") return IM_COL32(170, 20, 20, 255);
  if (st == "hung") return IM_COL32(200, 200, 60, 255);
  if (st == "stopping") return IM_COL32(170, 150, 230, 255);
  return IM_COL32(130, 130, 130, 255);  // exited, stopped, unknown
}

// What a lifecycle record means for the processes it concerns ("" = nothing).
std::string_view category(const Trace& trace, const Record& r) {
  const std::string_view k = trace.kind(r);
  if (starts(k, "supervisor.restart_scheduled") || starts(k, "server.respawn_scheduled")) return "backing_off";
  if (starts(k, "supervisor.give_up")) return "failed";
  if (starts(k, "supervisor.no_restart") || starts(k, "host.reboot")) return "stopped";
  if (starts(k, "process.exit") || starts(k, "process.worker_exit") || starts(k, "server.worker_lost") ||
      starts(k, "memory.oom_kill") || starts(k, "memory.limit_kill") || starts(k, "fault.random_crash")) {
    // Exit 0, or killed by the SIGTERM it was sent to stop (Uvicorn re-raises it: 143).
    const int64_t code = trace.detail_int(r, "code", 1), signal = trace.detail_int(r, "signal", 0);
    return (code == 0 && signal == 0) || signal == 15 ? "exited" : "crashed";
  }
  // Told to stop: finishing its requests (or, with nothing running, gone at once).
  if (starts(k, "process.terminate")) return trace.detail_str(r, "app").empty() ? "stopped" : "stopping";
  if (starts(k, "process.hang")) return "hung";
  if (starts(k, "process.ready")) return "running";
  if (starts(k, "process.start") || starts(k, "supervisor.restart") || starts(k, "server.respawn") ||
      starts(k, "supervisor.boot_start"))
    return "starting";
  return {};
}

// The latest categorised record at or before t in a time-sorted list (UINT32_MAX: none).
uint32_t latest(const Trace& trace, const std::vector<uint32_t>& list, int64_t t_ns) {
  auto it = std::partition_point(list.begin(), list.end(), [&](uint32_t i) { return trace[i].t_ns <= t_ns; });
  while (it != list.begin()) {
    --it;
    if (!category(trace, trace[*it]).empty()) return *it;
  }
  return UINT32_MAX;
}

}  // namespace

ProcView proc_state_at(const Model& m, const NodeInfo& node, int64_t t_ns) {
  ProcView v;
  const Trace& trace = m.run.trace;
  // A worker follows its own records and its unit's (exit, back-off, restart of the whole service).
  uint32_t best = UINT32_MAX;
  if (node.proc != ProcId::none && raw(node.proc) < m.index.by_proc.size())
    best = latest(trace, m.index.by_proc[raw(node.proc)], t_ns);
  const std::string unit = node.name.substr(0, node.name.find('/'));
  if (auto it = m.index.by_unit.find(unit); it != m.index.by_unit.end()) {
    const uint32_t u = latest(trace, it->second, t_ns);
    if (u != UINT32_MAX && (best == UINT32_MAX || trace[u].t_ns > trace[best].t_ns ||
                            (trace[u].t_ns == trace[best].t_ns && u > best)))
      best = u;
  }
  if (best == UINT32_MAX && node.proc != ProcId::none && raw(node.proc) < m.index.by_proc.size() &&
      !m.index.by_proc[raw(node.proc)].empty() &&
      trace.kind(trace[m.index.by_proc[raw(node.proc)].front()]) == "deploy.scale_up") {
    // A spare place of a rolling update: no pod runs there until the Deployment creates one.
    v.state = "stopped";
    v.label = "no pod yet";
    v.color = state_color(v.state);
    return v;
  }
  if (best == UINT32_MAX) {  // no lifecycle record yet: started with the run (World's default)
    v.state = v.label = "running";
    v.color = state_color(v.state);
    return v;
  }
  const Record& r = trace[best];
  v.state = std::string(category(trace, r));
  v.label = std::string(trace.detail_str(r, "state"));
  if (v.label.empty()) v.label = v.state;
  v.restarts = static_cast<uint32_t>(trace.detail_int(r, "restarts", 0));
  if (v.state == "backing_off") {
    const int64_t delay = trace.detail_int(r, "delay", -1);
    if (delay >= 0) v.next_restart_ns = r.t_ns + delay;
  }
  v.last = static_cast<RecordId>(best);
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
