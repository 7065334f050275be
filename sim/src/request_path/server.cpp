// The app server: a manager and N workers per replica (Uvicorn/Hypercorn/Daphne/Gunicorn
// presets). The workers share the replica's listening socket, and the kernel hands each accepted
// connection to one of them. Each worker runs one event loop, so CPU-bound handlers queue FIFO
// behind each other; the service time is lognormal per request from the worker's own stream.
#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "request_path/path.hpp"

namespace deploysim::path {

bool PathModel::reachable(uint32_t ri) const {
  // An app bound to 127.0.0.1 (Uvicorn's default --host) takes connections from its own host
  // only: a proxy on another host is refused.
  const ReplicaState& rs = replicas[ri];
  return rs.host == proxy_host || sc.services[rs.service].bind == "0.0.0.0";
}

const std::string& PathModel::upstream_address(uint32_t ri) const {
  if (upstream_addresses.size() < replicas.size()) upstream_addresses.resize(replicas.size());
  std::string& a = upstream_addresses[ri];
  if (a.empty()) {
    const ReplicaState& rs = replicas[ri];
    const std::string& ip = rs.host == proxy_host ? std::string("127.0.0.1") : sc.hosts[rs.host].ip;
    a = fmt::format("{}:{}", ip, sc.services[rs.service].port);
  }
  return a;
}

bool PathModel::socket_open(uint32_t ri) const {
  for (uint32_t pi : replicas[ri].procs)
    if (w.processes[pi].listening && w.processes[pi].ready) return true;
  return false;
}

ProcId PathModel::pick_pod_worker(uint32_t service, uint32_t* replica, uint64_t exclude, bool every_replica) {
  // A Kubernetes ingress balances over the pods it lists in the Service's endpoints, round robin
  // (Traefik's default WRR, ingress-nginx load-balance=round_robin). A listed pod that no longer
  // accepts (terminating, crashed: the removal has not reached the proxy yet) is still tried
  // and refuses the connection; inside a pod, its workers share one listening socket.
  // Without Kubernetes the proxy lists every replica it was configured with (nginx's upstream
  // servers, Traefik's or Caddy's), running or not: it learns that one is down only by trying it.
  std::vector<uint32_t> listed;
  for (const Process& p : w.processes)
    if (p.service == service && (every_replica || p.ready) && reachable(replica_of[raw(p.id)]) &&
        !((exclude >> (replica_of[raw(p.id)] % 64)) & 1) && (listed.empty() || listed.back() != p.replica))
      listed.push_back(p.replica);
  if (listed.empty()) return ProcId::none;
  if (next_pod.size() <= service) next_pod.resize(service + 1, 0);
  const uint32_t pod = listed[next_pod[service]++ % listed.size()];
  ProcId best = ProcId::none, any = ProcId::none;
  size_t best_load = SIZE_MAX;
  for (const Process& p : w.processes) {
    if (p.service != service || p.replica != pod) continue;
    *replica = replica_of[raw(p.id)];
    if (any == ProcId::none || p.state == ProcState::hung) any = p.id;
    const WorkerState& ws = workers[raw(p.id)];
    const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
    if (p.state == ProcState::running && load < best_load) {
      best = p.id;
      best_load = load;
    }
  }
  if (best != ProcId::none) return best;
  if (w.processes[raw(any)].state == ProcState::hung) return any;
  // Its manager still holds the socket with every worker dead: the connection waits in the backlog.
  if (socket_open(*replica)) return ProcId::none;
  return any;
}

ProcId PathModel::pick_worker(uint32_t service, uint32_t* replica, uint64_t exclude) {
  if (sc.services[service].supervisor.kind == SupervisorKind::kubernetes)
    return pick_pod_worker(service, replica, exclude);
  // Several replicas: the proxy balances over them round robin (nginx's, Traefik's and HAProxy's
  // default; Caddy's is random), a dead one included.
  if (sc.services[service].hosts.size() > 1) return pick_pod_worker(service, replica, exclude, true);
  // The kernel gives a connection to a worker waiting in accept(): the least loaded running
  // one stands for that. A hung worker still has its socket open, so when no worker runs, the
  // kernel queues the connection to it and the request waits for the proxy's timeout.
  ProcId best = ProcId::none, hung = ProcId::none;
  size_t best_load = SIZE_MAX, hung_load = SIZE_MAX;
  for (const Process& p : w.processes) {
    if (p.service != service || !p.ready) continue;  // out of the endpoints (readiness probe)
    if (!reachable(replica_of[raw(p.id)]) || ((exclude >> (replica_of[raw(p.id)] % 64)) & 1)) continue;
    const WorkerState& ws = workers[raw(p.id)];
    const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
    if (p.state == ProcState::running && load < best_load) {
      best = p.id;
      best_load = load;
    } else if (p.state == ProcState::hung && load < hung_load) {
      hung = p.id;
      hung_load = load;
    }
  }
  const ProcId chosen = best != ProcId::none ? best : hung;
  if (chosen != ProcId::none) *replica = replica_of[raw(chosen)];
  return chosen;
}

bool PathModel::has_upstream(uint32_t service, uint64_t exclude) const {
  const bool kubernetes = sc.services[service].supervisor.kind == SupervisorKind::kubernetes;
  for (const Process& p : w.processes) {
    const uint32_t ri = replica_of[raw(p.id)];
    if (p.service != service || !p.ready || !reachable(ri) || ((exclude >> (ri % 64)) & 1)) continue;
    // A listed pod is tried whatever its state; elsewhere the kernel needs a worker in accept().
    if (kubernetes || p.state == ProcState::running || p.state == ProcState::hung) return true;
  }
  return backlog_replica(service, exclude) != UINT32_MAX;
}

uint32_t PathModel::backlog_replica(uint32_t service, uint64_t exclude) const {
  // No worker can take the connection, but a manager still holds the listening socket (Uvicorn
  // before 0.30 with every worker dead, or while the manager respawns them): the kernel
  // completes the handshake and keeps the connection in the accept backlog.
  uint32_t best = UINT32_MAX;
  for (uint32_t ri = 0; ri < replicas.size(); ++ri) {
    const ReplicaState& rs = replicas[ri];
    if (rs.service != service || !reachable(ri) || ((exclude >> (ri % 64)) & 1)) continue;
    if (socket_open(ri) && (best == UINT32_MAX || rs.backlog.size() < replicas[best].backlog.size())) best = ri;
  }
  return best;
}

void PathModel::accept_backlog(uint32_t ri) {
  ReplicaState& rs = replicas[ri];
  while (!rs.backlog.empty()) {
    ProcId best = ProcId::none;
    size_t best_load = SIZE_MAX;
    for (uint32_t pi : rs.procs) {
      const WorkerState& ws = workers[pi];
      const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
      if (w.processes[pi].state == ProcState::running && load < best_load) {
        best = static_cast<ProcId>(pi);
        best_load = load;
      }
    }
    if (best == ProcId::none) return;
    const uint32_t r = rs.backlog.front();
    rs.backlog.pop_front();
    reqs[r].worker = raw(best);
    // The proxy gave up on it (504) and closed its end: the worker reads nothing and moves on.
    if (reqs[r].relayed) {
      reqs[r].at_worker = false;
      release(r);
      continue;
    }
    worker_receive(r);
  }
}

void PathModel::drop_backlog(uint32_t ri) {
  ReplicaState& rs = replicas[ri];
  for (uint32_t pi : rs.procs)
    if (w.processes[pi].listening) return;
  // The socket is closed (the manager exited): the kernel resets what waited in its backlog.
  std::deque<uint32_t> lost;
  lost.swap(rs.backlog);
  for (uint32_t r : lost) {
    reqs[r].at_worker = false;
    if (!reqs[r].relayed)
      upstream_error(r, "connection reset", true);
    else
      release(r);
  }
}

void PathModel::worker_receive(uint32_t r) {
  Request& q = reqs[r];
  const uint32_t wi = q.worker;
  const Process& p = w.processes[wi];
  WorkerState& ws = workers[wi];
  const Time now = w.engine.now();
  if (p.state != ProcState::running && p.state != ProcState::hung) {
    q.at_worker = false;
    if (!q.relayed) return upstream_error(r, "connection refused", false);
    return release(r);
  }
  if (answer_too_early(r)) return;  // resumption.cpp
  const ServiceSpec& svc = sc.services[p.service];
  const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
  if (svc.concurrency_limit > 0 && load >= static_cast<size_t>(svc.concurrency_limit)) {
    // Uvicorn --limit-concurrency (domain-facts.md "App servers"): 503 beyond the limit.
    q.at_worker = false;
    const Time d = hop(p.node, w.proxy_node);
    emit(r,
         {.t = now,
          .kind = kinds::server_reject,
          .stage = Stage::process,
          .actor = p.node,
          .from = p.node,
          .to = w.proxy_node,
          .dur = d,
          .proc = p.id,
          .reports_failure = true},
         {{"status", 503}, {"limit", svc.concurrency_limit}, {"load", static_cast<uint64_t>(load)}});
    w.engine.schedule(d, [m = this, r] { m->proxy_relay(r, 503, "service unavailable"); });
    return;
  }
  ws.queue.push_back(r);
  if (ws.current == UINT32_MAX && p.state == ProcState::running) return worker_start(wi);
  emit(r,
       {.t = now,
        .kind = kinds::server_queued,
        .stage = Stage::process,
        .actor = p.node,
        .proc = p.id,
        .narration = p.state == ProcState::hung ? kinds::server_queued_hung : kinds::server_queued},
       {{"ahead", static_cast<uint64_t>(ws.queue.size() - 1 + (ws.current != UINT32_MAX ? 1 : 0))}});
}

void PathModel::worker_start(uint32_t wi) {
  WorkerState& ws = workers[wi];
  Process& p = w.processes[wi];
  if (ws.queue.empty() || ws.current != UINT32_MAX || (p.state != ProcState::running && p.state != ProcState::stopping))
    return;
  const uint32_t r = ws.queue.front();
  ws.queue.pop_front();
  ws.current = r;
  p.active = 1;
  Request& q = reqs[r];
  const ServiceSpec& svc = sc.services[p.service];
  const Time now = w.engine.now();
  q.service_start = now;
  const Time st = ws.rng.lognormal(svc.service_time.median, svc.service_time.p99);
  // What the app sees of the original request (FastAPI "Behind a Proxy"; Uvicorn settings,
  // --proxy-headers and --forwarded-allow-ips): the connection comes from the proxy, and only
  // X-Forwarded-* from a trusted address replaces that peer with the browser and http with https.
  const std::string_view peer = p.host == proxy_host ? std::string_view("127.0.0.1") : std::string_view(proxy_ip);
  const bool sent = proxy_sets_forwarded_headers(*sc.proxy);
  const bool reads = server_reads_proxy_headers(svc);
  const bool trusted = reads && trusts_proxy_address(svc, peer);
  const bool fixed = sent && trusted;
  emit(r,
       {.t = now,
        .kind = kinds::server_handle,
        .stage = Stage::process,
        .actor = p.node,
        .proc = p.id,
        .narration = fixed    ? kinds::server_handle
                     : !sent  ? kinds::server_handle_no_headers
                     : !reads ? kinds::server_handle_headers_off
                              : kinds::server_handle_untrusted},
       {{"path", clients[q.client].url->path},
        {"service_time", st},
        {"waited", now - q.forwarded},
        {"scheme", fixed ? "https" : "http"},
        {"client", fixed ? clients[q.client].ip : peer},
        {"peer", peer},
        {"forwarded_allow_ips", allow_ips_text[p.service]}});
  ws.done = w.engine.schedule(st, [m = this, wi] { m->worker_complete(wi); });
}

void PathModel::worker_complete(uint32_t wi) {
  WorkerState& ws = workers[wi];
  Process& p = w.processes[wi];
  ws.done = EventId{};
  // Hung: never answers. Stopping (SIGTERM): it still finishes what it holds.
  if ((p.state != ProcState::running && p.state != ProcState::stopping) || ws.current == UINT32_MAX) return;
  const uint32_t r = ws.current;
  Request& q = reqs[r];
  const Time now = w.engine.now();
  p.busy += now - q.service_start;
  ++p.served;
  p.active = 0;
  ws.current = UINT32_MAX;
  q.service_end = now;
  q.at_worker = false;
  if (q.relayed) {
    release(r);  // the proxy gave up on it already (504)
  } else {
    const Time d = hop(p.node, w.proxy_node);
    emit(r,
         {.t = now,
          .kind = kinds::server_response,
          .stage = Stage::process,
          .actor = p.node,
          .from = p.node,
          .to = w.proxy_node,
          .dur = d,
          .proc = p.id},
         {{"status", 200}, {"encrypted", false}});
    w.engine.schedule(d, [m = this, r] { m->proxy_relay(r, 200, "OK"); });
  }
  worker_start(wi);
  if (p.state == ProcState::stopping) on_process_stopping(p.id);
}

void PathModel::on_process_stopping(ProcId pid) {
  // Uvicorn's shutdown closes the listening socket and waits for the connections it holds.
  if (raw(pid) >= workers.size()) return;
  const WorkerState& ws = workers[raw(pid)];
  if (ws.current != UINT32_MAX || !ws.queue.empty()) return;
  for (auto& f : w.on_process_drained) f(pid);
}

void PathModel::on_process_down(ProcId pid, RecordId) {
  if (raw(pid) >= workers.size()) return;
  WorkerState& ws = workers[raw(pid)];
  w.engine.cancel(ws.done);
  ws.done = EventId{};
  std::vector<uint32_t> lost(ws.queue.begin(), ws.queue.end());
  if (ws.current != UINT32_MAX) lost.insert(lost.begin(), ws.current);
  ws.queue.clear();
  ws.current = UINT32_MAX;
  w.processes[raw(pid)].active = 0;
  for (uint32_t r : lost) {
    reqs[r].at_worker = false;
    if (!reqs[r].relayed)
      upstream_error(r, "worker exited", true);
    else
      release(r);
  }
  drop_backlog(replica_of[raw(pid)]);
}

void PathModel::on_process_up(ProcId pid, RecordId) {
  if (raw(pid) >= workers.size()) return;
  worker_start(raw(pid));
  accept_backlog(replica_of[raw(pid)]);
}

}  // namespace deploysim::path
