#include "gui/run/trace_index.hpp"

#include <array>
#include <map>
#include <numeric>
#include <set>

#include "deploysim/kinds.hpp"
#include "deploysim/playhead.hpp"

namespace deploysim::gui {

namespace {

void spread(std::vector<NodeInfo*>& group, float x0, float y0, float x1, float y1) {
  const size_t n = group.size();
  for (size_t i = 0; i < n; ++i) {
    const float f = n == 1 ? 0.5f : static_cast<float>(i) / static_cast<float>(n - 1);
    group[i]->x = x0 + (x1 - x0) * f;
    group[i]->y = y0 + (y1 - y0) * f;
  }
}

void place_nodes(std::vector<NodeInfo>& nodes) {
  std::vector<NodeInfo*> by_role[node_role_count];
  for (NodeInfo& n : nodes) by_role[static_cast<int>(n.role)].push_back(&n);
  auto group = [&](NodeRole r) -> std::vector<NodeInfo*>& { return by_role[static_cast<int>(r)]; };
  std::sort(group(NodeRole::worker).begin(), group(NodeRole::worker).end(),
            [](const NodeInfo* a, const NodeInfo* b) { return a->name < b->name; });
  spread(group(NodeRole::client), 0.07f, 0.35f, 0.07f, 0.80f);
  spread(group(NodeRole::dns_server), 0.09f, 0.08f, 0.36f, 0.08f);
  spread(group(NodeRole::resolver), 0.24f, 0.38f, 0.24f, 0.55f);
  spread(group(NodeRole::proxy), 0.58f, 0.52f, 0.58f, 0.68f);
  auto& workers = group(NodeRole::worker);
  if (workers.size() <= 6) {
    spread(workers, 0.86f, 0.26f, 0.86f, 0.80f);
  } else {  // two staggered columns so labels do not collide
    std::vector<NodeInfo*> left, right;
    for (size_t i = 0; i < workers.size(); ++i) (i % 2 ? right : left).push_back(workers[i]);
    spread(left, 0.78f, 0.24f, 0.78f, 0.80f);
    spread(right, 0.92f, 0.28f, 0.92f, 0.84f);
  }
  // The ACME clients (certbot, cert-manager) on the CA's row, in the trace's order, beside it.
  std::vector<NodeInfo*> certs;
  for (NodeInfo& n : nodes)
    if (n.role == NodeRole::ca || n.role == NodeRole::acme_client) certs.push_back(&n);
  spread(certs, 0.62f, 0.08f, 0.80f, 0.08f);
  spread(group(NodeRole::supervisor), 0.66f, 0.84f, 0.72f, 0.84f);
  spread(group(NodeRole::host), 0.30f, 0.88f, 0.40f, 0.88f);
  spread(group(NodeRole::other), 0.10f, 0.88f, 0.30f, 0.88f);
}

}  // namespace

TraceIndex build_index(const Trace& trace, Time run_end) {
  TraceIndex ix;
  const size_t n = trace.size();
  // The (t, seq) order is the sim's Playhead's (no sort at all when records came in time order).
  ix.time.emplace(trace);
  ix.by_stage.resize(static_cast<size_t>(Stage::count));
  ix.end_ns = run_end.ns();
  std::set<std::string, std::less<>> seen_units;
  for (size_t p = 0; p < n; ++p) {
    const uint32_t i = ix.at(p);
    const Record& r = trace[i];
    if (r.stage < Stage::count) ix.by_stage[static_cast<size_t>(r.stage)].push_back(static_cast<uint32_t>(p));
    if (r.reports_failure) ix.failures.push_back(static_cast<uint32_t>(p));
    if (r.is_message()) {
      ix.messages.push_back(i);
      ix.max_message_ns = std::max(ix.max_message_ns, r.dur_ns);
    }
    ix.end_ns = std::max(ix.end_ns, r.t_ns + r.dur_ns);
    if (r.proc != ProcId::none) {
      if (raw(r.proc) >= ix.by_proc.size()) ix.by_proc.resize(raw(r.proc) + 1);
      ix.by_proc[raw(r.proc)].push_back(i);
      if (trace.kind(r) == kinds::server_respawn) {
        if (raw(r.proc) >= ix.respawns.size()) ix.respawns.resize(raw(r.proc) + 1);
        ix.respawns[raw(r.proc)].push_back(r.t_ns);
      }
    }
    if (r.stage == Stage::process || r.stage == Stage::supervisor || r.stage == Stage::memory ||
        r.stage == Stage::fault || r.stage == Stage::deploy)
      if (const std::string_view unit = trace.detail_str(r, "unit"); !unit.empty()) {
        if (!seen_units.contains(unit)) {
          seen_units.emplace(unit);
          if (trace.kind(r) == kinds::deploy_scale_up) ix.spare_units.emplace(unit);
        }
        if (trace.kind(r) == kinds::supervisor_restart) ix.unit_restarts[std::string(unit)].push_back(r.t_ns);
        if (r.stage != Stage::deploy)
          ix.by_unit[std::string(unit)].push_back(i);
        else if (trace.kind(r) == kinds::deploy_scale_up || trace.kind(r) == kinds::deploy_scale_down)
          ix.pod_changes[std::string(unit)].emplace_back(r.t_ns, trace.kind(r) == kinds::deploy_scale_up);
      }
    if (r.conn != ConnId::none) {
      if (raw(r.conn) >= ix.by_conn.size()) ix.by_conn.resize(raw(r.conn) + 1);
      ix.by_conn[raw(r.conn)].push_back(i);
    }
  }
  std::map<std::pair<uint32_t, uint32_t>, std::array<uint32_t, static_cast<size_t>(Stage::count)>> pairs;
  for (uint32_t i = 0; i < n; ++i) {
    const Record& r = trace[i];
    if (!r.is_message() || r.stage >= Stage::count) continue;
    auto& counts = pairs[{std::min(raw(r.from), raw(r.to)), std::max(raw(r.from), raw(r.to))}];
    ++counts[static_cast<size_t>(r.stage)];
  }
  for (const auto& [key, counts] : pairs) {
    Link link{static_cast<NodeId>(key.first), static_cast<NodeId>(key.second), Stage::client, 0};
    uint32_t best = 0;
    for (size_t s = 0; s < counts.size(); ++s) {
      link.messages += counts[s];
      if (counts[s] > best) best = counts[s], link.stage = static_cast<Stage>(s);
    }
    ix.links.push_back(link);
  }
  ix.message_t.reserve(ix.messages.size());
  for (uint32_t i : ix.messages) ix.message_t.push_back(trace[i].t_ns);

  ix.nodes.resize(trace.node_count());
  for (size_t k = 0; k < ix.nodes.size(); ++k) {
    NodeInfo& node = ix.nodes[k];
    node.name = std::string(trace.node_name(static_cast<NodeId>(k)));
    node.role = trace.node_role(static_cast<NodeId>(k));
    node.host = trace.node_host(static_cast<NodeId>(k));
  }
  for (size_t p = 0; p < n; ++p) {
    const Record& r = trace[ix.at(p)];
    if (r.proc == ProcId::none || r.actor == NodeId::none || raw(r.actor) >= ix.nodes.size()) continue;
    NodeInfo& node = ix.nodes[raw(r.actor)];
    if (node.role != NodeRole::worker || node.proc != ProcId::none) continue;
    // A server's manager acts on a worker's behalf (server.worker_lost, server.respawn_scheduled,
    // server.respawn): the record carries the worker's process, which is not the manager's.
    if (const std::string_view worker = trace.detail_str(r, "worker"); !worker.empty() && worker != node.name) continue;
    node.proc = r.proc;
  }
  place_nodes(ix.nodes);
  return ix;
}

size_t TraceIndex::node_of(ProcId p) const {
  if (p == ProcId::none) return SIZE_MAX;
  for (size_t k = 0; k < nodes.size(); ++k)
    if (nodes[k].proc == p) return k;
  return SIZE_MAX;
}

int64_t TraceIndex::last_at_or_before(int64_t t_ns) const {
  const std::optional<size_t> p = time->last_at_or_before(ns(t_ns));
  return p ? static_cast<int64_t>(*p) : -1;
}

int64_t TraceIndex::next_pos(int64_t pos, uint32_t filter) const {
  // Walk the per-stage lists: the nearest later position among the stages that pass.
  int64_t best = -1;
  for (size_t s = 0; s < by_stage.size(); ++s) {
    if (!(filter & (1u << s))) continue;
    const auto& lane = by_stage[s];
    auto it = std::upper_bound(lane.begin(), lane.end(), pos < 0 ? -1 : pos,
                               [](int64_t v, uint32_t e) { return v < static_cast<int64_t>(e); });
    if (it != lane.end() && (best < 0 || *it < best)) best = *it;
  }
  return best;
}

int64_t TraceIndex::prev_pos(int64_t pos, uint32_t filter) const {
  int64_t best = -1;
  for (size_t s = 0; s < by_stage.size(); ++s) {
    if (!(filter & (1u << s))) continue;
    const auto& lane = by_stage[s];
    auto it = std::lower_bound(lane.begin(), lane.end(), pos,
                               [](uint32_t e, int64_t v) { return static_cast<int64_t>(e) < v; });
    if (it != lane.begin() && static_cast<int64_t>(*(it - 1)) > best) best = *(it - 1);
  }
  return best;
}

int64_t TraceIndex::next_stage_pos(int64_t pos, uint32_t filter, const Trace& trace) const {
  const Stage current = pos >= 0 ? trace[at(static_cast<size_t>(pos))].stage : Stage::count;
  for (int64_t p = next_pos(pos, filter); p >= 0; p = next_pos(p, filter))
    if (trace[at(static_cast<size_t>(p))].stage != current) return p;
  return -1;
}

int64_t TraceIndex::prev_stage_pos(int64_t pos, uint32_t filter, const Trace& trace) const {
  if (pos < 0) return -1;
  const Stage current = trace[at(static_cast<size_t>(pos))].stage;
  int64_t p = prev_pos(pos, filter);
  while (p >= 0 && trace[at(static_cast<size_t>(p))].stage == current) p = prev_pos(p, filter);
  if (p < 0) return -1;
  const Stage target = trace[at(static_cast<size_t>(p))].stage;
  for (int64_t q = prev_pos(p, filter); q >= 0 && trace[at(static_cast<size_t>(q))].stage == target;
       q = prev_pos(q, filter))
    p = q;
  return p;
}

bool TraceIndex::any_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const { return count_in(stage, t0_ns, t1_ns) > 0; }

size_t TraceIndex::count_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const {
  const auto& lane = by_stage[static_cast<size_t>(stage)];
  auto key = [&](uint32_t p) { return time->t_ns_at(p); };
  auto lo = std::partition_point(lane.begin(), lane.end(), [&](uint32_t p) { return key(p) < t0_ns; });
  auto hi = std::partition_point(lo, lane.end(), [&](uint32_t p) { return key(p) < t1_ns; });
  return static_cast<size_t>(hi - lo);
}

bool gauge_at(std::span<const GaugePoint> series, int64_t t_ns, double& value) {
  auto it = std::partition_point(series.begin(), series.end(), [&](const GaugePoint& g) { return g.t.ns() <= t_ns; });
  if (it == series.begin()) return false;
  value = (it - 1)->value;
  return true;
}

}  // namespace deploysim::gui
