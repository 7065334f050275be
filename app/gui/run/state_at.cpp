#include "gui/run/state_at.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "deploysim/kinds.hpp"

namespace deploysim::gui {

namespace {

// Okabe-Ito colours, as theme.cpp's outcomes; the status line beside the worker names the state.
ImU32 state_color(ProcState st) {
  switch (st) {
    case ProcState::running:
      return IM_COL32(0, 158, 115, 255);
    case ProcState::starting:
      return IM_COL32(86, 180, 233, 255);
    case ProcState::backing_off:
      return IM_COL32(230, 159, 0, 255);
    case ProcState::crashed:
      return IM_COL32(213, 94, 0, 255);
    case ProcState::failed:
      return IM_COL32(150, 60, 0, 255);
    case ProcState::hung:
      return IM_COL32(240, 228, 66, 255);
    case ProcState::stopping:
      return IM_COL32(204, 121, 167, 255);
    case ProcState::exited:
    case ProcState::stopped:
    case ProcState::none:
      break;
  }
  return IM_COL32(130, 130, 130, 255);
}

// The latest record that sets a process state, at or before t in a time-sorted list
// (UINT32_MAX: none).
uint32_t latest(const Trace& trace, const std::vector<uint32_t>& list, int64_t t_ns) {
  auto it = std::partition_point(list.begin(), list.end(), [&](uint32_t i) { return trace[i].t_ns <= t_ns; });
  while (it != list.begin()) {
    --it;
    if (trace[*it].state != ProcState::none) return *it;
  }
  return UINT32_MAX;
}

// How many of the times (sorted) are at or before t.
uint32_t count_until(const std::vector<int64_t>& times, int64_t t_ns) {
  return static_cast<uint32_t>(std::upper_bound(times.begin(), times.end(), t_ns) - times.begin());
}

// A supervisor's own word for a state when it is a name of its own (CrashLoopBackOff, FATAL,
// "activating (auto-restart)"); empty when it is a plain English word (failed, exited,
// restarting), which the learner reads as the translated process state instead.
std::string tool_word(std::string_view state) {
  const bool plain = std::all_of(state.begin(), state.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
  return plain ? std::string() : std::string(state);
}

}  // namespace

ProcView proc_state_at(const Model& m, const NodeInfo& node, int64_t t_ns, const Messages& words) {
  ProcView v;
  const Trace& trace = m.run.trace;
  // A worker follows its own records and its unit's (exit, back-off, restart of the whole service).
  uint32_t best = UINT32_MAX;
  if (node.proc != ProcId::none && raw(node.proc) < m.index.by_proc.size())
    best = latest(trace, m.index.by_proc[raw(node.proc)], t_ns);
  const std::string unit = node.name.substr(0, node.name.find('/'));
  if (auto it = m.index.by_unit.find(unit); it != m.index.by_unit.end()) {
    const uint32_t u = latest(trace, it->second, t_ns);
    if (u != UINT32_MAX &&
        (best == UINT32_MAX || trace[u].t_ns > trace[best].t_ns || (trace[u].t_ns == trace[best].t_ns && u > best)))
      best = u;
  }
  // Restarts so far, as the metrics count them: the unit's restarts by its supervisor (every worker
  // shares them) and this worker's respawns by the server's manager. A start the supervisor
  // refused (systemd's start limit) is no restart.
  if (auto it = m.index.unit_restarts.find(unit); it != m.index.unit_restarts.end())
    v.unit_restarts = count_until(it->second, t_ns);
  if (node.proc != ProcId::none && raw(node.proc) < m.index.respawns.size())
    v.respawns = count_until(m.index.respawns[raw(node.proc)], t_ns);
  v.restarts = v.unit_restarts + v.respawns;
  if (best == UINT32_MAX && m.index.spare_units.contains(unit)) {
    // A spare place of a rolling update: no pod runs there until the Deployment creates one,
    // so none of its workers runs either.
    v.state = ProcState::stopped;
    v.label = words("canvas.no_pod_yet");
    v.color = state_color(v.state);
    return v;
  }
  if (best == UINT32_MAX) {  // no lifecycle record yet: started with the run (World's default)
    v.state = ProcState::running;
    v.label = words.proc_state(v.state);
    v.color = state_color(v.state);
    return v;
  }
  const Record& r = trace[best];
  v.state = r.state;
  v.label = tool_word(trace.detail_str(r, "state"));
  if (v.label.empty()) v.label = words.proc_state(v.state);
  if (v.state == ProcState::exited || v.state == ProcState::stopped)
    if (auto it = m.index.pod_changes.find(unit); it != m.index.pod_changes.end()) {
      // Scaled down by a rolling update: the pod is deleted, not waiting to run again.
      auto c =
          std::partition_point(it->second.begin(), it->second.end(), [&](const auto& e) { return e.first <= t_ns; });
      if (c != it->second.begin() && !std::prev(c)->second) v.label = words("canvas.pod_deleted");
    }
  if (v.state == ProcState::backing_off) {
    const int64_t delay = trace.detail_int(r, "delay", -1);
    if (delay >= 0) v.next_restart_ns = r.t_ns + delay;
  }
  v.last = static_cast<RecordId>(best);
  v.color = state_color(v.state);
  return v;
}

StackState stack_state_at(const Model& m, std::span<const size_t> stack, int64_t t_ns, const Messages& words) {
  StackState v;
  bool flagged = false;
  uint32_t unit_restarts = 0, respawns = 0;
  for (size_t k : stack) {
    const ProcView pv = proc_state_at(m, m.index.nodes[k], t_ns, words);
    auto it = std::find_if(v.counts.begin(), v.counts.end(), [&](const auto& c) { return c.first == pv.label; });
    if (it == v.counts.end())
      v.counts.emplace_back(pv.label, 1);
    else
      ++it->second;
    // Restarts of the unit (the pod's, the service's) every worker shares: one pod restarted once
    // is one restart, not one per worker. A respawn by the server's manager is one worker's own.
    unit_restarts = std::max(unit_restarts, pv.unit_restarts);
    respawns += pv.respawns;
    const bool trouble = pv.state != ProcState::running && pv.state != ProcState::none;
    if (v.color == 0 || (trouble && !flagged)) v.color = pv.color;
    flagged = flagged || trouble;
  }
  v.restarts = unit_restarts + respawns;
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
  // The series has a point a day and one at every change of the serving certificate: between
  // points the time left runs down with the clock, so a playhead 4 h after the last point reads
  // 4 h less than it (not the point's value, which was the time left at t = 0).
  if (auto it = m.run.metrics.cert_days_left.find(domain); it != m.run.metrics.cert_days_left.end()) {
    const auto& series = it->second;
    auto after =
        std::partition_point(series.begin(), series.end(), [&](const GaugePoint& g) { return g.t.ns() <= t_ns; });
    if (after != series.begin()) {
      const GaugePoint& last = *(after - 1);
      return last.value - static_cast<double>(t_ns - last.t.ns()) / 86400e9;
    }
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
