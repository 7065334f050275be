// Wires the request-path models into the World: builds the clients and workers, registers the
// lifecycle listeners, and folds the per-request samples into Metrics at the end of the run.
#include <algorithm>
#include <fmt/format.h>
#include <memory>

#include "deploysim/presets.hpp"
#include "request_path/path.hpp"

namespace deploysim {

namespace path {

namespace {

// A proxy and the workers on its own host talk over loopback: tens of microseconds.
constexpr Time loopback = us(50);

Percentiles percentiles(PathModel::Samples& samples) {
  if (!samples.exact()) return samples.histogram_percentiles();  // a huge run: samples.hpp
  auto& v = samples.values();
  Percentiles p;
  p.count = v.size();
  if (v.empty()) return p;
  // Nearest-rank percentiles: the smallest sample with at least q of the samples at or below it.
  // Ranks rise, and after selecting rank k everything behind it is at least v[k], so each next
  // selection only searches the part behind the previous one.
  size_t from = 0;
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999999);
    k = std::clamp<size_t>(k, 1, v.size()) - 1;
    if (k >= from) {
      std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(k),
                       v.end());
      from = k + 1;
    }
    return ns(v[k]);
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.max = ns(*std::max_element(v.begin() + static_cast<std::ptrdiff_t>(from - 1), v.end()));
  return p;
}

// A window that gives at most about 1000 availability points over the run.
Time availability_window(Time duration) {
  for (Time t :
       {s(1), s(2), s(5), s(10), s(30), minutes(1), minutes(5), minutes(10), minutes(30), hours(1), hours(6), days(1)})
    if (duration / t <= 1000) return t;
  return days(7);
}

}  // namespace

PathModel::PathModel(World& world) : w(world), sc(world.scenario), full(world.level == TraceLevel::full) {
  instance_rng = w.rng("proxy.instances");
  if (sc.proxy) {
    idle_timeout = proxy_preset(sc.proxy->preset).idle_timeout;  // presets.cpp
    for (uint32_t i = 0; i < sc.hosts.size(); ++i)
      if (sc.hosts[i].name == sc.proxy->host) {
        proxy_host = i;
        proxy_ip = sc.hosts[i].ip;
      }
  }
  for (const ServiceSpec& svc : sc.services) {
    std::string& text = allow_ips_text.emplace_back();
    for (const auto& a : svc.forwarded_allow_ips) text += (text.empty() ? "" : ",") + a;
  }
  for (uint32_t i = 0; i < sc.clients.size(); ++i) {
    const ClientSpec& spec = sc.clients[i];
    ClientState c;
    c.spec = &spec;
    c.node = w.trace.node(spec.name, NodeRole::client);
    c.url = parse_url(spec.url);
    c.ip = fmt::format("198.51.100.{}", 10 + i % 240);  // RFC 5737 documentation range
    c.rng = w.rng(spec.name.c_str());
    c.stop = spec.stop.value_or(sc.info.duration);
    clients.push_back(std::move(c));
  }
  workers.resize(w.processes.size());
  for (size_t i = 0; i < w.processes.size(); ++i) workers[i].rng = w.rng(w.processes[i].name.c_str());
  replica_of.resize(w.processes.size());
  for (const Process& p : w.processes) {
    uint32_t ri = 0;
    while (ri < replicas.size() && !(replicas[ri].service == p.service && replicas[ri].replica == p.replica)) ++ri;
    if (ri == replicas.size()) {
      ReplicaState rs;
      rs.service = p.service;
      rs.replica = p.replica;
      rs.host = p.host;
      // The lifecycle names the replica's main process "api/manager" ("api-2/manager").
      const std::string_view name = p.name;
      rs.manager = sc.services[p.service].workers > 1
                       ? w.trace.node(fmt::format("{}/manager", name.substr(0, name.find('/'))), NodeRole::worker,
                                      static_cast<int32_t>(p.host))
                       : p.node;
      replicas.push_back(std::move(rs));
    }
    replicas[ri].procs.push_back(raw(p.id));
    replica_of[raw(p.id)] = ri;
  }
  w.metrics.availability_window = availability_window(sc.info.duration);
  hop_nodes = w.trace.node_count();
  hop_ns.assign(hop_nodes * hop_nodes, -1);
}

void PathModel::start() {
  if (!sc.proxy) return;
  // Room for the expected samples up front: growing seven vectors by doubling would copy them
  // and fault their pages in again. Untouched reserved pages cost no memory.
  double expected = 0;
  for (const ClientState& c : clients) {
    if (c.spec->requests > 0)
      expected += static_cast<double>(c.spec->requests);
    else if (c.stop > c.spec->start)
      expected += c.spec->rate_per_s * (c.stop - c.spec->start).seconds();
  }
  const auto n = static_cast<size_t>(std::min(expected * 1.01 + 64, 4e6));
  for (auto* v : {&lat_dns, &lat_tcp, &lat_tls, &lat_queue, &lat_service, &lat_http, &lat_total}) v->reserve(n);
  for (uint32_t i = 0; i < clients.size(); ++i) schedule_next(i);
}

uint32_t PathModel::new_request(uint32_t client) {
  uint32_t r;
  if (!free_reqs.empty()) {
    r = free_reqs.back();
    free_reqs.pop_back();
  } else {
    r = static_cast<uint32_t>(reqs.size());
    reqs.emplace_back();
  }
  Request& q = reqs[r];
  q.client = client;
  q.conn = UINT32_MAX;
  q.worker = UINT32_MAX;
  q.replica = UINT32_MAX;
  q.last = RecordId::none;
  q.timeout = EventId{};
  q.start = w.engine.now();
  q.did_dns = q.did_tcp = q.did_tls = false;
  q.finished = q.at_worker = q.relayed = false;
  q.tries = 0;
  q.tried = 0;
  q.retries = 0;
  q.answer.clear();
  return r;
}

uint32_t PathModel::new_conn(uint32_t client) {
  uint32_t k;
  if (!free_conns.empty()) {
    k = free_conns.back();
    free_conns.pop_back();
  } else {
    k = static_cast<uint32_t>(conns.size());
    conns.emplace_back();
  }
  Connection& c = conns[k];
  c = Connection{};
  c.id = static_cast<ConnId>(next_conn_id++);
  c.client = client;
  return k;
}

void PathModel::release(uint32_t r) {
  if (reqs[r].finished && !reqs[r].at_worker) free_reqs.push_back(r);
}

RecordId PathModel::emit_spec(uint32_t r, RecordSpec& spec, std::span<const FieldArg> fields, bool outcome) {
  if (!w.tracing(outcome)) return RecordId::none;
  spec.cause = reqs[r].last;
  reqs[r].last = w.trace.append(spec, fields);
  return reqs[r].last;
}

Time PathModel::hop(std::string_view a, std::string_view b) const {
  for (const auto& l : sc.network.links)
    if ((l.from == a && l.to == b) || (l.from == b && l.to == a)) return l.latency;
  if (sc.proxy && (a == sc.proxy->name || b == sc.proxy->name)) {
    const std::string_view other = a == sc.proxy->name ? b : a;
    for (const Process& p : w.processes)
      if (p.name == other) {
        if (p.host == proxy_host) return loopback;
        return w.latency(sc.proxy->host, sc.hosts[p.host].name);
      }
  }
  return w.latency(a, b);
}

Time PathModel::hop(NodeId a, NodeId b) {
  if (raw(a) >= hop_nodes || raw(b) >= hop_nodes) return hop(w.trace.node_name(a), w.trace.node_name(b));
  int64_t& d = hop_ns[raw(a) * hop_nodes + raw(b)];
  if (d < 0) d = hop(w.trace.node_name(a), w.trace.node_name(b)).ns();
  return ns(d);
}

uint32_t PathModel::host_by_ip(std::string_view ip) const {
  for (uint32_t i = 0; i < sc.hosts.size(); ++i)
    if (sc.hosts[i].ip == ip) return i;
  return UINT32_MAX;
}

void PathModel::count_outcome(uint32_t r, FailureCause why) {
  const Request& q = reqs[r];
  const Time now = w.engine.now();
  const auto window = static_cast<size_t>(now / w.metrics.availability_window);
  if (avail.size() <= window) {
    const size_t old = avail.size();
    avail.resize(window + 1);
    for (size_t i = old; i < avail.size(); ++i) avail[i].t = w.metrics.availability_window * static_cast<int64_t>(i);
  }
  if (why != FailureCause::none) {
    ++avail[window].failed;
    ++w.metrics.failures[std::string(failure_cause_name(why))];
    return;
  }
  ++avail[window].ok;
  ++w.metrics.succeeded;
  const Time tcp_from = q.did_dns ? q.dns_done : q.start;
  if (q.did_dns) lat_dns.push_back((q.dns_done - q.start).ns());
  if (q.did_tcp) lat_tcp.push_back((q.tcp_done - tcp_from).ns());
  if (q.did_tls) lat_tls.push_back((q.tls_done - q.tcp_done).ns());
  lat_queue.push_back((q.service_start - q.forwarded).ns());
  lat_service.push_back((q.service_end - q.service_start).ns());
  lat_http.push_back((now - (q.did_tls ? q.tls_done : q.start)).ns());
  lat_total.push_back((now - q.start).ns());
}

void PathModel::finish_metrics(Time end) {
  Metrics& m = w.metrics;
  const std::pair<const char*, Samples*> stages[] = {
      {"dns", &lat_dns},         {"tcp", &lat_tcp},   {"tls", &lat_tls},    {"queue", &lat_queue},
      {"service", &lat_service}, {"http", &lat_http}, {"total", &lat_total}};
  for (auto& [name, v] : stages)
    if (!v->empty()) m.latency[name] = percentiles(*v);
  const Time span = end > Time{} ? end : s(1);
  for (size_t i = 0; i < w.processes.size(); ++i) {
    const Process& p = w.processes[i];
    Time busy = p.busy;
    if (workers[i].current != UINT32_MAX && p.state == ProcState::running)
      busy += end - reqs[workers[i].current].service_start;
    m.worker_utilisation[p.name] = busy.seconds() / span.seconds();
  }
  const auto windows = static_cast<size_t>((end - ns(1)) / m.availability_window) + 1;
  if (end > Time{} && avail.size() < windows) {
    const size_t old = avail.size();
    avail.resize(windows);
    for (size_t i = old; i < windows; ++i) avail[i].t = m.availability_window * static_cast<int64_t>(i);
  }
  m.availability = avail;
  uint64_t ended = m.succeeded;
  for (const auto& [why, n] : m.failures) ended += n;
  m.in_flight = m.requests - ended;
}

}  // namespace path

void install_request_path(World& world) {
  auto model = std::make_shared<path::PathModel>(world);
  world.on_process_down.push_back([model](ProcId p, RecordId cause) { model->on_process_down(p, cause); });
  world.on_process_up.push_back([model](ProcId p, RecordId cause) { model->on_process_up(p, cause); });
  world.on_process_stopping.push_back([model](ProcId p) { model->on_process_stopping(p); });
  world.on_run_end.push_back([model](Time end) { model->finish_metrics(end); });
  model->start();
}

}  // namespace deploysim
