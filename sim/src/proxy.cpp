// The TLS termination proxy: decrypts the request, routes it by Host to a pool, forwards plain
// HTTP with X-Forwarded-For/Proto, and turns upstream trouble into 502/504.
#include "path.hpp"

namespace deploysim::path {

void PathModel::proxy_receive(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Time now = w.engine.now();
  const Time d = hop(c.node, w.proxy_node);
  if (!w.proxy_up) {
    emit(r, {.t = now, .kind = "tcp.rst", .stage = Stage::tcp, .actor = w.proxy_node,
             .from = w.proxy_node, .to = c.node, .dur = d, .conn = conns[q.conn].id,
             .narration = "tcp.rst.proxy_gone"},
         {{"ip", conns[q.conn].ip}, {"port", c.url->port}});
    w.engine.schedule(d, [m = this, r] { m->fail(r, cause::connection_reset); });
    return;
  }
  const RouteSpec* route = nullptr;
  for (const auto& rt : sc.proxy->routes)
    if (rt.host == c.url->host) route = &rt;
  if (!route) {
    emit(r, {.t = now, .kind = "proxy.no_route", .stage = Stage::proxy, .actor = w.proxy_node},
         {{"host", c.url->host}});
    return proxy_relay(r, 404, "no route for this Host");
  }
  emit(r, {.t = now, .kind = "proxy.route", .stage = Stage::proxy, .actor = w.proxy_node},
       {{"host", c.url->host}, {"pool", route->pool}});
  const uint32_t service = w.service_index(route->pool);
  const ProcId worker = service == UINT32_MAX ? ProcId::none : pick_worker(service);
  if (worker == ProcId::none) {
    // Kubernetes: no pod of the Service is Ready (starting, crashed, terminating, failing its
    // readiness probe), so its endpoints are empty and the ingress answers 503 (domain-facts.md,
    // Kubernetes) instead of trying a dead one. An endpoint the proxy still lists (the change
    // has not reached it yet) is tried and refuses the connection: 502.
    bool listed = false;
    for (const Process& p : w.processes) listed = listed || (p.service == service && p.ready);
    if (service != UINT32_MAX && sc.services[service].supervisor.kind == SupervisorKind::kubernetes && !listed) {
      emit(r, {.t = now, .kind = "proxy.no_endpoints", .stage = Stage::proxy, .actor = w.proxy_node},
           {{"pool", route->pool}});
      return proxy_relay(r, 503, "no ready endpoints");
    }
    return proxy_upstream_failed(r, "connection refused");
  }
  proxy_forward(r, worker);
}

void PathModel::proxy_forward(uint32_t r, ProcId worker) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Process& p = w.processes[raw(worker)];
  const Time now = w.engine.now();
  const Time d = hop(w.proxy_node, p.node);
  q.worker = raw(worker);
  q.forwarded = now;
  q.at_worker = true;
  emit(r, {.t = now, .kind = "proxy.forward", .stage = Stage::proxy, .actor = w.proxy_node,
           .from = w.proxy_node, .to = p.node, .dur = d, .proc = worker},
       {{"method", "GET"}, {"path", c.url->path}, {"host", c.url->host},
        {"x_forwarded_for", c.ip}, {"x_forwarded_proto", "https"},
        {"protocol", speaks_h2(p.service) && conns[q.conn].h2 ? "h2c" : "HTTP/1.1"},
        {"encrypted", false}});
  q.timeout = w.engine.schedule(sc.proxy->upstream_timeout, [m = this, r] { m->proxy_timeout(r); });
  w.engine.schedule(d, [m = this, r] { m->worker_receive(r); });
}

void PathModel::proxy_relay(uint32_t r, int status, std::string_view reason) {
  Request& q = reqs[r];
  if (q.relayed) return;
  q.relayed = true;
  w.engine.cancel(q.timeout);
  const ClientState& c = clients[q.client];
  const Time d = hop(c.node, w.proxy_node);
  // Headers plus a small JSON body, in TLS records: about 1.2 kB.
  w.metrics.bytes_received += 1200;
  emit(r, {.t = w.engine.now(), .kind = "http.response", .stage = Stage::http, .actor = w.proxy_node,
           .from = w.proxy_node, .to = c.node, .dur = d, .conn = conns[q.conn].id,
           .narration = status < 300 ? "http.response" : "http.response.error"},
       {{"status", status}, {"reason", reason}, {"encrypted", true}});
  w.engine.schedule(d, [m = this, r, status] { m->receive_response(r, status); });
}

void PathModel::proxy_timeout(uint32_t r) {
  Request& q = reqs[r];
  q.timeout = EventId{};
  emit(r, {.t = w.engine.now(), .kind = "proxy.timeout", .stage = Stage::proxy, .actor = w.proxy_node,
           .proc = static_cast<ProcId>(q.worker)},
       {{"after", sc.proxy->upstream_timeout}, {"worker", w.processes[q.worker].name}});
  proxy_relay(r, 504, "upstream timed out");
}

void PathModel::proxy_upstream_failed(uint32_t r, std::string_view reason) {
  Request& q = reqs[r];
  const RouteSpec* route = nullptr;
  for (const auto& rt : sc.proxy->routes)
    if (rt.host == clients[q.client].url->host) route = &rt;
  emit(r, {.t = w.engine.now(), .kind = "proxy.upstream_error", .stage = Stage::proxy,
           .actor = w.proxy_node,
           .proc = q.worker == UINT32_MAX ? ProcId::none : static_cast<ProcId>(q.worker)},
       {{"reason", reason}, {"pool", route ? route->pool : ""}});
  proxy_relay(r, 502, "bad gateway");
}

}  // namespace deploysim::path
