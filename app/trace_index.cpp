#include "trace_index.hpp"

#include <array>
#include <map>
#include <numeric>

#include "deploysim/playhead.hpp"

namespace deploysim::gui {

namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

int host_index(const Scenario& sc, std::string_view name) {
  for (size_t i = 0; i < sc.hosts.size(); ++i)
    if (sc.hosts[i].name == name) return static_cast<int>(i);
  return -1;
}

// "api/worker-2" or "api-2/worker-1": the service and replica a worker belongs to.
int worker_host(const Scenario& sc, std::string_view name) {
  const std::string_view prefix = name.substr(0, name.find('/'));
  for (const ServiceSpec& svc : sc.services) {
    if (prefix == svc.name) return host_index(sc, svc.hosts.empty() ? svc.host : svc.hosts.front());
    if (prefix.size() > svc.name.size() + 1 && prefix.substr(0, svc.name.size()) == svc.name &&
        prefix[svc.name.size()] == '-') {
      const int replica = std::atoi(std::string(prefix.substr(svc.name.size() + 1)).c_str()) - 1;
      // Past the last host: a spare pod place of a rolling update, on the host of replica % hosts.
      if (replica >= 0 && !svc.hosts.empty())
        return host_index(sc, svc.hosts[static_cast<size_t>(replica) % svc.hosts.size()]);
      return host_index(sc, svc.host);
    }
  }
  return -1;
}

NodeRole classify(const Scenario& sc, std::string_view name, Stage first_stage) {
  for (const ClientSpec& c : sc.clients)
    if (c.name == name) return NodeRole::client;
  if (name == sc.resolver.name) return NodeRole::resolver;
  if (sc.proxy && name == sc.proxy->name) return NodeRole::proxy;
  if (host_index(sc, name) >= 0) return NodeRole::host;
  if (contains(name, "/worker") || contains(name, "/manager")) return NodeRole::worker;
  for (const ServiceSpec& svc : sc.services)
    if (name == svc.name) return NodeRole::worker;
  if (contains(name, "systemd") || contains(name, "docker") || contains(name, "kubelet") ||
      contains(name, "supervisor"))
    return NodeRole::supervisor;
  if (contains(name, "letsencrypt") || contains(name, "acme") || name == "ca" ||
      contains(name, "certbot") || contains(name, "cert-manager"))
    return NodeRole::ca;
  if (contains(name, "root") || contains(name, "tld") || contains(name, "auth") ||
      contains(name, "dns") || first_stage == Stage::dns)
    return NodeRole::dns_server;
  if (first_stage == Stage::client) return NodeRole::client;
  if (first_stage == Stage::cert) return NodeRole::ca;
  if (first_stage == Stage::supervisor) return NodeRole::supervisor;
  if (first_stage == Stage::process) return NodeRole::worker;
  return NodeRole::other;
}

void spread(std::vector<NodeInfo*>& group, float x0, float y0, float x1, float y1) {
  const size_t n = group.size();
  for (size_t i = 0; i < n; ++i) {
    const float f = n == 1 ? 0.5f : static_cast<float>(i) / static_cast<float>(n - 1);
    group[i]->x = x0 + (x1 - x0) * f;
    group[i]->y = y0 + (y1 - y0) * f;
  }
}

void place_nodes(std::vector<NodeInfo>& nodes) {
  std::vector<NodeInfo*> by_role[9];
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
  spread(group(NodeRole::ca), 0.62f, 0.08f, 0.80f, 0.08f);
  spread(group(NodeRole::supervisor), 0.66f, 0.84f, 0.72f, 0.84f);
  spread(group(NodeRole::host), 0.30f, 0.88f, 0.40f, 0.88f);
  spread(group(NodeRole::other), 0.10f, 0.88f, 0.30f, 0.88f);
}

bool reports_failure(const Trace& trace, const Record& r) {
  if (r.stage == Stage::fault) return true;
  const std::string_view k = trace.kind(r);
  for (std::string_view w : {"fail", "alert", "error", "reset", "nxdomain", "servfail", "timeout",
                             "crash", "oom", "refused", "expired", "reject"})
    if (contains(k, w)) return true;
  return trace.detail_int(r, "status", 0) >= 500;
}

}  // namespace

TraceIndex build_index(const Trace& trace, const Scenario& scenario, Time run_end) {
  TraceIndex ix;
  const size_t n = trace.size();
  // The (t, seq) order is the sim's Playhead's (no sort at all when records came in time order).
  Playhead playhead(trace);
  playhead.sync();
  ix.order.resize(n);
  for (size_t p = 0; p < n; ++p) ix.order[p] = raw(playhead.at(p));
  ix.rank.resize(n);
  ix.order_t.resize(n);
  ix.by_stage.resize(static_cast<size_t>(Stage::count));
  ix.end_ns = run_end.ns();
  std::vector<Stage> first_stage(trace.node_count(), Stage::count);
  for (size_t p = 0; p < n; ++p) {
    const uint32_t i = ix.order[p];
    const Record& r = trace[i];
    ix.rank[i] = static_cast<uint32_t>(p);
    ix.order_t[p] = r.t_ns;
    if (r.stage < Stage::count) ix.by_stage[static_cast<size_t>(r.stage)].push_back(static_cast<uint32_t>(p));
    if (r.is_message()) {
      ix.messages.push_back(i);
      ix.max_message_ns = std::max(ix.max_message_ns, r.dur_ns);
    }
    ix.end_ns = std::max(ix.end_ns, r.t_ns + r.dur_ns);
    if (r.proc != ProcId::none) {
      if (raw(r.proc) >= ix.by_proc.size()) ix.by_proc.resize(raw(r.proc) + 1);
      ix.by_proc[raw(r.proc)].push_back(i);
    }
    if (r.stage == Stage::process || r.stage == Stage::supervisor || r.stage == Stage::memory || r.stage == Stage::fault)
      if (const std::string_view unit = trace.detail_str(r, "unit"); !unit.empty()) ix.by_unit[std::string(unit)].push_back(i);
    if (r.conn != ConnId::none) {
      if (raw(r.conn) >= ix.by_conn.size()) ix.by_conn.resize(raw(r.conn) + 1);
      ix.by_conn[raw(r.conn)].push_back(i);
    }
    for (NodeId id : {r.actor, r.from, r.to})
      if (id != NodeId::none && raw(id) < first_stage.size() && first_stage[raw(id)] == Stage::count)
        first_stage[raw(id)] = r.stage;
  }
  ix.failure.resize(n);
  std::map<std::pair<uint32_t, uint32_t>, std::array<uint32_t, static_cast<size_t>(Stage::count)>> pairs;
  for (uint32_t i = 0; i < n; ++i) {
    const Record& r = trace[i];
    ix.failure[i] = reports_failure(trace, r) ? 1 : 0;
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
    node.role = classify(scenario, node.name, first_stage[k]);
    if (node.role == NodeRole::worker) node.host = worker_host(scenario, node.name);
    if (node.role == NodeRole::proxy && scenario.proxy) node.host = host_index(scenario, scenario.proxy->host);
    if (const size_t slash = node.name.find('/'); slash != std::string::npos && node.host < 0)
      node.host = host_index(scenario, std::string_view(node.name).substr(0, slash));  // "edge-1/systemd"
    if (node.role == NodeRole::supervisor)  // a supervisor runs on the host of what it supervises
      for (const ServiceSpec& svc : scenario.services)
        if (svc.supervisor.kind != SupervisorKind::none && node.host < 0) node.host = host_index(scenario, svc.host);
  }
  for (size_t p = 0; p < n; ++p) {
    const Record& r = trace[ix.order[p]];
    if (r.proc != ProcId::none && r.actor != NodeId::none && raw(r.actor) < ix.nodes.size() &&
        ix.nodes[raw(r.actor)].role == NodeRole::worker && ix.nodes[raw(r.actor)].proc == ProcId::none)
      ix.nodes[raw(r.actor)].proc = r.proc;
  }
  place_nodes(ix.nodes);
  return ix;
}

int64_t TraceIndex::last_at_or_before(int64_t t_ns) const {
  auto it = std::upper_bound(order_t.begin(), order_t.end(), t_ns);
  return static_cast<int64_t>(it - order_t.begin()) - 1;
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
  const Stage current = pos >= 0 ? trace[order[static_cast<size_t>(pos)]].stage : Stage::count;
  for (int64_t p = next_pos(pos, filter); p >= 0; p = next_pos(p, filter))
    if (trace[order[static_cast<size_t>(p)]].stage != current) return p;
  return -1;
}

int64_t TraceIndex::prev_stage_pos(int64_t pos, uint32_t filter, const Trace& trace) const {
  if (pos < 0) return -1;
  const Stage current = trace[order[static_cast<size_t>(pos)]].stage;
  int64_t p = prev_pos(pos, filter);
  while (p >= 0 && trace[order[static_cast<size_t>(p)]].stage == current) p = prev_pos(p, filter);
  if (p < 0) return -1;
  const Stage target = trace[order[static_cast<size_t>(p)]].stage;
  for (int64_t q = prev_pos(p, filter); q >= 0 && trace[order[static_cast<size_t>(q)]].stage == target;
       q = prev_pos(q, filter))
    p = q;
  return p;
}

bool TraceIndex::any_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const { return count_in(stage, t0_ns, t1_ns) > 0; }

size_t TraceIndex::count_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const {
  const auto& lane = by_stage[static_cast<size_t>(stage)];
  auto key = [&](uint32_t p) { return order_t[p]; };
  auto lo = std::partition_point(lane.begin(), lane.end(), [&](uint32_t p) { return key(p) < t0_ns; });
  auto hi = std::partition_point(lo, lane.end(), [&](uint32_t p) { return key(p) < t1_ns; });
  return static_cast<size_t>(hi - lo);
}

bool gauge_at(std::span<const GaugePoint> series, int64_t t_ns, double& value) {
  auto it = std::partition_point(series.begin(), series.end(),
                                 [&](const GaugePoint& g) { return g.t.ns() <= t_ns; });
  if (it == series.begin()) return false;
  value = (it - 1)->value;
  return true;
}

}  // namespace deploysim::gui
