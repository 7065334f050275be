// The TLS termination proxy: decrypts the request, routes it by Host to a pool, forwards plain
// HTTP with X-Forwarded-For/Proto, and turns upstream trouble into 502/504.
#include <array>

#include "deploysim/presets.hpp"
#include "request_path/path.hpp"

namespace deploysim::path {

namespace {
constexpr std::string_view refused = "connection refused";
constexpr std::string_view timed_out = "connection timed out";
// HAProxy's `retries` default: connection attempts after the first one, on the same server.
constexpr uint8_t haproxy_retries = 3;
}  // namespace

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
    // Its one replica (without Kubernetes): a host that is down answers nothing at all, a host
    // that is up refuses (RST), which HAProxy retries and nginx may pass on.
    for (uint32_t i = 0; ri == UINT32_MAX && i < replicas.size(); ++i)
      if (replicas[i].service == service) ri = i;
    if (ri != UINT32_MAX) {
      q.replica = ri;
      if (!w.hosts[replicas[ri].host].up) return proxy_syn_unanswered(r, ri);
      return upstream_error(r, refused, false);
    }
  }
  return proxy_upstream_failed(r, refused);
}

void PathModel::proxy_forward(uint32_t r, uint32_t ri, ProcId worker) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  ReplicaState& rs = replicas[ri];
  if (!w.hosts[rs.host].up) return proxy_syn_unanswered(r, ri);
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
  // HAProxy answers 503 once its connection retries are spent (termination state SC, or sC after
  // a connect timeout); a server that fails after it took the connection gets 502 (SH). A connect
  // timeout is 504 elsewhere: nginx (NGX_HTTP_UPSTREAM_FT_TIMEOUT), Traefik and Caddy (a net.Error
  // whose Timeout() is true), an ALB ("failed to establish a connection to the target").
  const bool connect_failed = reason == refused || reason == timed_out;
  const bool haproxy_503 = sc.proxy->preset == ProxyPreset::haproxy && connect_failed;
  const bool gateway_timeout = !haproxy_503 && reason == timed_out;
  const RouteSpec* route = nullptr;
  for (const auto& rt : sc.proxy->routes)
    if (rt.host == clients[q.client].url->host) route = &rt;
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_upstream_error,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .proc = q.worker == UINT32_MAX ? ProcId::none : static_cast<ProcId>(q.worker),
        .narration = haproxy_503       ? kinds::proxy_upstream_error_haproxy
                     : gateway_timeout ? kinds::proxy_upstream_error_timeout
                                       : std::string_view{},
        .reports_failure = true},
       {{"reason", reason}, {"pool", route ? route->pool : ""}});
  if (haproxy_503) return proxy_relay(r, 503, "service unavailable");
  if (gateway_timeout) return proxy_relay(r, 504, "gateway timeout");
  proxy_relay(r, 502, "bad gateway");
}

void PathModel::proxy_syn_unanswered(uint32_t r, uint32_t ri) {
  Request& q = reqs[r];
  const ReplicaState& rs = replicas[ri];
  const ProxySpec& px = *sc.proxy;
  const Time limit = proxy_connect_timeout(px);
  q.worker = UINT32_MAX;
  q.replica = ri;
  q.tries = static_cast<uint8_t>(std::min(q.tries + 1, 255));
  q.tried |= uint64_t{1} << (ri % 64);
  q.at_worker = true;  // the proxy's until its connect timeout
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_syn_unanswered,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .from = w.proxy_node,
        .to = rs.manager,
        .dur = hop(w.proxy_node, rs.manager),
        .narration = q.retries > 0 ? kinds::proxy_syn_unanswered_again : std::string_view{}},
       {{"upstream", upstream_address(ri)},
        {"host", sc.hosts[rs.host].name},
        {"connect_timeout", limit},
        {"preset", preset_name(px.preset)}});
  w.engine.cancel(q.timeout);
  q.timeout = w.engine.schedule(limit, [m = this, r] { m->proxy_connect_timed_out(r); });
}

void PathModel::proxy_connect_timed_out(uint32_t r) {
  Request& q = reqs[r];
  q.timeout = EventId{};
  q.at_worker = false;
  if (q.relayed) return release(r);
  emit(r, {.t = w.engine.now(), .kind = kinds::proxy_connect_timeout, .stage = Stage::proxy, .actor = w.proxy_node},
       {{"after", proxy_connect_timeout(*sc.proxy)},
        {"upstream", upstream_address(q.replica)},
        {"preset", preset_name(sc.proxy->preset)}});
  upstream_error(r, timed_out, false);
}

void PathModel::haproxy_retry(uint32_t r, std::string_view reason) {
  Request& q = reqs[r];
  if (q.retries >= haproxy_retries) return proxy_upstream_failed(r, reason);
  ++q.retries;
  // HAProxy waits min(timeout connect, 1 s) before it retries after an error (a refusal), and
  // not after a connect timeout (doc/configuration.txt, `retries`; back_handle_st_cer in
  // src/backend.c).
  const bool after_timeout = reason == timed_out;
  const Time wait = after_timeout ? Time{} : std::min(proxy_connect_timeout(*sc.proxy), s(1));
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::proxy_retry,
        .stage = Stage::proxy,
        .actor = w.proxy_node,
        .narration = after_timeout ? kinds::proxy_retry_timeout : std::string_view{}},
       {{"reason", reason}, {"upstream", upstream_address(q.replica)}, {"attempt", q.retries + 1}, {"delay", wait}});
  // A refusal reaches the proxy one hop after its SYN; a timeout is the proxy's own clock.
  const Time back = after_timeout ? Time{} : hop(replicas[q.replica].manager, w.proxy_node);
  w.engine.cancel(q.timeout);
  q.timeout = EventId{};
  q.at_worker = true;  // still the proxy's while it waits to try again
  w.engine.schedule(back + wait, [m = this, r] {
    Request& rq = m->reqs[r];
    rq.at_worker = false;
    if (rq.relayed) return m->release(r);
    m->proxy_try_replica(r, rq.replica);
  });
}

void PathModel::proxy_try_replica(uint32_t r, uint32_t ri) {
  const ReplicaState& rs = replicas[ri];
  if (!w.hosts[rs.host].up) return proxy_syn_unanswered(r, ri);
  if (reachable(ri)) {
    ProcId best = ProcId::none, hung = ProcId::none;
    size_t best_load = SIZE_MAX;
    for (uint32_t pi : rs.procs) {
      const Process& p = w.processes[pi];
      if (!p.ready) continue;
      const WorkerState& ws = workers[pi];
      const size_t load = ws.queue.size() + (ws.current != UINT32_MAX ? 1 : 0);
      if (p.state == ProcState::running && load < best_load) {
        best = p.id;
        best_load = load;
      } else if (p.state == ProcState::hung && hung == ProcId::none) {
        hung = p.id;
      }
    }
    if (best != ProcId::none) return proxy_forward(r, ri, best);
    if (hung != ProcId::none) return proxy_forward(r, ri, hung);
    if (socket_open(ri)) return proxy_forward(r, ri, ProcId::none);
  }
  upstream_error(r, refused, false);
}

void PathModel::upstream_error(uint32_t r, std::string_view reason, bool sent) {
  Request& q = reqs[r];
  const ProxySpec& px = *sc.proxy;
  const int limit = proxy_preset(px.preset).next_upstream_tries;
  // HAProxy tries the same server again after a failed connection (not after one that had the
  // request): `retries 3`, no `option redispatch`.
  if (px.preset == ProxyPreset::haproxy && !sent && q.replica != UINT32_MAX) return haproxy_retry(r, reason);
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
        .narration = sent                  ? kinds::proxy_next_upstream_sent
                     : reason == timed_out ? kinds::proxy_next_upstream_timeout
                                           : kinds::proxy_next_upstream},
       {{"reason", reason},
        {"method", method},
        {"upstream", upstream_address(q.replica)},
        {"tries", q.tries},
        {"max_tries", limit},
        {"preset", preset_name(px.preset)}});
  // The error reaches the proxy one hop later; then it connects to the next upstream.
  const Time back = reason == timed_out ? Time{} : hop(replicas[q.replica].manager, w.proxy_node);
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
