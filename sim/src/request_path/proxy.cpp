// The TLS termination proxy: decrypts the request, routes it by Host to a pool, forwards plain
// HTTP with X-Forwarded-For/Proto, and turns upstream trouble into 502/504.
#include <array>

#include "deploysim/presets.hpp"
#include "request_path/path.hpp"

namespace deploysim::path {

void PathModel::proxy_receive(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Time now = w.engine.now();
  const Time d = hop(c.node, w.proxy_node);
  if (!w.proxy_up) {
    emit(r,
         {.t = now,
          .kind = kinds::tcp_rst,
          .stage = Stage::tcp,
          .actor = w.proxy_node,
          .from = w.proxy_node,
          .to = c.node,
          .dur = d,
          .conn = conns[q.conn].id,
          .narration = kinds::tcp_rst_proxy_gone},
         {{"ip", conns[q.conn].ip}, {"port", c.url->port}});
    w.engine.schedule(d, [m = this, r] { m->fail(r, FailureCause::connection_reset); });
    return;
  }
  // nginx checks the client certificate per request, before any location (tls_client_auth.cpp).
  if (!q.tls.http_refusal.empty()) return client_cert_refused(r);
  const RouteSpec* route = nullptr;
  for (const auto& rt : sc.proxy->routes)
    if (rt.host == c.url->host) route = &rt;
  if (!route) {
    emit(r, {.t = now, .kind = kinds::proxy_no_route, .stage = Stage::proxy, .actor = w.proxy_node},
         {{"host", c.url->host}});
    return proxy_relay(r, 404, "no route for this Host");
  }
  emit(r, {.t = now, .kind = kinds::proxy_route, .stage = Stage::proxy, .actor = w.proxy_node},
       {{"host", c.url->host}, {"pool", route->pool}});
  const uint32_t service = w.service_index(route->pool);
  uint32_t ri = UINT32_MAX;
  const ProcId worker = service == UINT32_MAX ? ProcId::none : pick_worker(service, &ri);
  if (worker != ProcId::none) return proxy_forward(r, ri, worker);
  if (service != UINT32_MAX) {
    // Kubernetes: no pod of the Service is Ready (starting, crashed, terminating, failing its
    // readiness probe), so its endpoints are empty and the ingress answers 503 (domain-facts.md,
    // Kubernetes) instead of trying a dead one. An endpoint the proxy still lists (the change
    // has not reached it yet) is tried and refuses the connection: 502.
    bool listed = false;
    for (const Process& p : w.processes) listed = listed || (p.service == service && p.ready);
    if (sc.services[service].supervisor.kind == SupervisorKind::kubernetes && !listed) {
      emit(r, {.t = now, .kind = kinds::proxy_no_endpoints, .stage = Stage::proxy, .actor = w.proxy_node},
           {{"pool", route->pool}});
      return proxy_relay(r, 503, "no ready endpoints");
    }
    // No worker takes the connection, but a manager still holds the socket: the backlog.
    if (ri == UINT32_MAX) ri = backlog_replica(service);
    if (ri != UINT32_MAX && socket_open(ri)) return proxy_forward(r, ri, ProcId::none);
  }
  return proxy_upstream_failed(r, "connection refused");
}

void PathModel::proxy_forward(uint32_t r, uint32_t ri, ProcId worker) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  ReplicaState& rs = replicas[ri];
  const Process& p = w.processes[worker != ProcId::none ? raw(worker) : rs.procs.front()];
  const Time now = w.engine.now();
  const Time d = hop(w.proxy_node, p.node);
  const ProxySpec& px = *sc.proxy;
  q.worker = worker != ProcId::none ? raw(worker) : UINT32_MAX;
  q.replica = ri;
  q.tries = static_cast<uint8_t>(std::min(q.tries + 1, 255));
  q.tried |= uint64_t{1} << (ri % 64);
  q.forwarded = now;
  q.at_worker = true;
  bool h2c = false;
  for (const auto& rt : px.routes)
    if (rt.host == c.url->host) h2c = rt.upstream_h2c;
  const bool fwd = proxy_sets_forwarded_headers(px);
  const std::string& upstream = upstream_address(ri);
  // The proxy connects to the replica's address; the kernel, not the proxy, picks the worker.
  const std::string_view narration = worker == ProcId::none ? kinds::proxy_forward_backlog
                                     : fwd                  ? kinds::proxy_forward
                                                            : kinds::proxy_forward_plain;
  const NodeId to = worker != ProcId::none ? p.node : rs.manager;
  // The forwarded headers sit between the upstream and the protocol, where they always did.
  std::array<FieldArg, 10> fields{{{"method", c.spec->method},
                                   {"path", c.url->path},
                                   {"host", c.url->host},
                                   {"upstream", upstream},
                                   {"x_forwarded_for", c.ip},
                                   {"x_forwarded_proto", "https"},
                                   {"protocol", h2c ? "h2c" : "HTTP/1.1"},
                                   {"encrypted", false},
                                   {"x_client_verify", ""},  // slots for the optional details below
                                   {"early_data", ""}}};
  size_t n = fields.size() - 2;
  if (!fwd) {
    fields[4] = fields[6];
    fields[5] = fields[7];
    n = 6;
  }
  // Mutual TLS: the proxy is configured to pass its verification result on (docs/tls.md).
  if (!conns[q.conn].client_verify.empty()) fields[n++] = {"x_client_verify", conns[q.conn].client_verify};
  // RFC 8470 5.1: a request that came as 0-RTT data goes on with Early-Data: 1.
  if (q.early) fields[n++] = {"early_data", "1"};
  emit(r,
       {.t = now,
        .kind = kinds::proxy_forward,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .from = w.proxy_node,
        .to = to,
        .dur = d,
        .proc = worker,
        .narration = q.early && worker != ProcId::none ? kinds::proxy_forward_early_data : narration},
       std::span<const FieldArg>(fields.data(), n));
  if (const auto limit = proxy_upstream_timeout(px))
    q.timeout = w.engine.schedule(*limit, [m = this, r] { m->proxy_timeout(r); });
  if (worker == ProcId::none) {
    rs.backlog.push_back(r);
    return;
  }
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
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::http_response,
        .stage = Stage::http,
        .actor = w.proxy_node,
        .from = w.proxy_node,
        .to = c.node,
        .dur = d,
        .conn = conns[q.conn].id,
        .narration = status < 300 ? kinds::http_response : kinds::http_response_error,
        .reports_failure = status >= 500},
       {{"status", status}, {"reason", reason}, {"encrypted", true}});
  w.engine.schedule(d, [m = this, r, status] { m->receive_response(r, status); });
}

void PathModel::proxy_timeout(uint32_t r) {
  Request& q = reqs[r];
  q.timeout = EventId{};
  const bool waiting_in_backlog = q.worker == UINT32_MAX;
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_timeout,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .proc = waiting_in_backlog ? ProcId::none : static_cast<ProcId>(q.worker),
        .narration = waiting_in_backlog ? kinds::proxy_timeout_backlog : kinds::proxy_timeout,
        .reports_failure = true},
       {{"after", proxy_upstream_timeout(*sc.proxy).value_or(Time{})},
        {"upstream", upstream_address(q.replica)},
        {"worker", waiting_in_backlog ? std::string_view("-") : std::string_view(w.processes[q.worker].name)},
        {"preset", preset_name(sc.proxy->preset)}});
  proxy_relay(r, 504, "upstream timed out");
}

void PathModel::proxy_upstream_failed(uint32_t r, std::string_view reason) {
  Request& q = reqs[r];
  // HAProxy retries a refused connection on the same server (`retries 3`, no `option
  // redispatch`) and then answers 503 (termination state SC); a server that fails after it
  // took the connection gets 502 (SH).
  const bool refused_503 = sc.proxy->preset == ProxyPreset::haproxy && reason == "connection refused";
  const RouteSpec* route = nullptr;
  for (const auto& rt : sc.proxy->routes)
    if (rt.host == clients[q.client].url->host) route = &rt;
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_upstream_error,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .proc = q.worker == UINT32_MAX ? ProcId::none : static_cast<ProcId>(q.worker),
        .narration = refused_503 ? kinds::proxy_upstream_error_haproxy : std::string_view{},
        .reports_failure = true},
       {{"reason", reason}, {"pool", route ? route->pool : ""}});
  if (refused_503) return proxy_relay(r, 503, "service unavailable");
  proxy_relay(r, 502, "bad gateway");
}

void PathModel::upstream_error(uint32_t r, std::string_view reason, bool sent) {
  Request& q = reqs[r];
  const ProxySpec& px = *sc.proxy;
  const int limit = proxy_preset(px.preset).next_upstream_tries;
  const std::string& method = clients[q.client].spec->method;
  // nginx passes a request on after an error unless the upstream had it and its method is not
  // idempotent (POST, LOCK, PATCH: ngx_http_upstream.c, proxy_next_upstream without
  // non_idempotent); proxy_next_upstream_tries counts every try, the first one too.
  const bool non_idempotent = method == "POST" || method == "LOCK" || method == "PATCH";
  if (limit < 0 || q.replica == UINT32_MAX || (sent && non_idempotent) || (limit > 0 && q.tries >= limit))
    return proxy_upstream_failed(r, reason);
  const uint32_t service = replicas[q.replica].service;
  // Only an upstream this request has not tried yet: nginx takes each server once.
  if (!has_upstream(service, q.tried)) return proxy_upstream_failed(r, reason);
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_next_upstream,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .proc = q.worker == UINT32_MAX ? ProcId::none : static_cast<ProcId>(q.worker),
        .narration = sent ? kinds::proxy_next_upstream_sent : kinds::proxy_next_upstream},
       {{"reason", reason},
        {"method", method},
        {"upstream", upstream_address(q.replica)},
        {"tries", q.tries},
        {"max_tries", limit},
        {"preset", preset_name(px.preset)}});
  // The error reaches the proxy one hop later; then it connects to the next upstream.
  const Time back = hop(replicas[q.replica].manager, w.proxy_node);
  w.engine.cancel(q.timeout);
  q.timeout = EventId{};
  q.at_worker = true;  // still the proxy's: not released while it waits to try again
  w.engine.schedule(back, [m = this, r, service, reason] {
    Request& rq = m->reqs[r];
    rq.at_worker = false;
    if (rq.relayed) return m->release(r);
    uint32_t next = UINT32_MAX;
    const ProcId worker = m->pick_worker(service, &next, rq.tried);
    if (worker != ProcId::none) return m->proxy_forward(r, next, worker);
    next = m->backlog_replica(service, rq.tried);
    if (next != UINT32_MAX) return m->proxy_forward(r, next, ProcId::none);
    m->proxy_upstream_failed(r, reason);
  });
}

}  // namespace deploysim::path
