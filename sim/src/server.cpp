// The app server: a manager and N workers per replica (Uvicorn/Hypercorn/Daphne/Gunicorn
// presets). Each worker runs one event loop, so CPU-bound handlers queue FIFO behind each other;
// the service time is lognormal per request from the worker's own random stream.
#include "path.hpp"

namespace deploysim::path {

bool PathModel::speaks_h2(uint32_t service) const {
  // domain-facts.md "App servers": Hypercorn speaks HTTP/2 (ALPN h2); Uvicorn is HTTP/1.1 only;
  // Daphne needs an optional extra for HTTP/2; Gunicorn's workers speak HTTP/1.1.
  return service < sc.services.size() && sc.services[service].server == ServerPreset::hypercorn;
}

ProcId PathModel::pick_pod_worker(uint32_t service) {
  // A Kubernetes ingress balances over the pods it lists in the Service's endpoints, round robin
  // (Traefik's default WRR, ingress-nginx load-balance=round_robin). A listed pod that no longer
  // accepts (terminating, crashed: the removal has not reached the proxy yet) is still tried
  // and refuses the connection; inside a pod, its workers share one listening socket.
  std::vector<uint32_t> listed;
  for (const Process& p : w.processes)
    if (p.service == service && p.ready && (listed.empty() || listed.back() != p.replica)) listed.push_back(p.replica);
  if (listed.empty()) return ProcId::none;
  if (next_pod.size() <= service) next_pod.resize(service + 1, 0);
  const uint32_t replica = listed[next_pod[service]++ % listed.size()];
  ProcId best = ProcId::none, any = ProcId::none;
  size_t best_load = SIZE_MAX;
  for (const Process& p : w.processes) {
    if (p.service != service || p.replica != replica) continue;
    if (any == ProcId::none || p.state == ProcState::hung) any = p.id;
    const WorkerState& ws = workers[raw(p.id)];
    const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
    if (p.state == ProcState::running && load < best_load) {
      best = p.id;
      best_load = load;
    }
  }
  return best != ProcId::none ? best : any;
}

ProcId PathModel::pick_worker(uint32_t service) {
  if (sc.services[service].supervisor.kind == SupervisorKind::kubernetes) return pick_pod_worker(service);
  // The manager's shared listening socket hands a connection to a worker that is waiting in
  // accept(): the least loaded running one. A hung worker still has its socket open, so when no
  // worker runs, the kernel queues the connection to it and the request waits for the timeout.
  ProcId best = ProcId::none, hung = ProcId::none;
  size_t best_load = SIZE_MAX, hung_load = SIZE_MAX;
  for (const Process& p : w.processes) {
    if (p.service != service || !p.ready) continue;  // out of the endpoints (readiness probe)
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
  return best != ProcId::none ? best : hung;
}

void PathModel::worker_receive(uint32_t r) {
  Request& q = reqs[r];
  const uint32_t wi = q.worker;
  const Process& p = w.processes[wi];
  WorkerState& ws = workers[wi];
  const Time now = w.engine.now();
  if (p.state != ProcState::running && p.state != ProcState::hung) {
    q.at_worker = false;
    if (!q.relayed) return proxy_upstream_failed(r, "connection refused");
    return release(r);
  }
  const ServiceSpec& svc = sc.services[p.service];
  const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
  if (svc.concurrency_limit > 0 && load >= static_cast<size_t>(svc.concurrency_limit)) {
    // Uvicorn --limit-concurrency (domain-facts.md "App servers"): 503 beyond the limit.
    q.at_worker = false;
    const Time d = hop(p.node, w.proxy_node);
    emit(r, {.t = now, .kind = "server.reject", .stage = Stage::process, .actor = p.node,
             .from = p.node, .to = w.proxy_node, .dur = d, .proc = p.id},
         {{"status", 503}, {"limit", svc.concurrency_limit}, {"load", static_cast<uint64_t>(load)}});
    w.engine.schedule(d, [m = this, r] { m->proxy_relay(r, 503, "service unavailable"); });
    return;
  }
  ws.queue.push_back(r);
  if (ws.current == UINT32_MAX && p.state == ProcState::running) return worker_start(wi);
  emit(r, {.t = now, .kind = "server.queued", .stage = Stage::process, .actor = p.node, .proc = p.id,
           .narration = p.state == ProcState::hung ? "server.queued.hung" : "server.queued"},
       {{"ahead", static_cast<uint64_t>(ws.queue.size() - 1 + (ws.current != UINT32_MAX ? 1 : 0))}});
}

void PathModel::worker_start(uint32_t wi) {
  WorkerState& ws = workers[wi];
  Process& p = w.processes[wi];
  if (ws.queue.empty() || ws.current != UINT32_MAX ||
      (p.state != ProcState::running && p.state != ProcState::stopping))
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
  emit(r, {.t = now, .kind = "server.handle", .stage = Stage::process, .actor = p.node, .proc = p.id},
       {{"path", clients[q.client].url->path}, {"service_time", st}, {"waited", now - q.forwarded}});
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
    emit(r, {.t = now, .kind = "server.response", .stage = Stage::process, .actor = p.node,
             .from = p.node, .to = w.proxy_node, .dur = d, .proc = p.id},
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
    if (!reqs[r].relayed) proxy_upstream_failed(r, "worker exited");
    else release(r);
  }
}

void PathModel::on_process_up(ProcId pid, RecordId) {
  if (raw(pid) < workers.size()) worker_start(raw(pid));
}

}  // namespace deploysim::path
