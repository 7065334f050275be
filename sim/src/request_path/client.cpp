// Clients: the request schedule (fixed count or Poisson), URL parsing, keep-alive reuse and the
// outcome each request ends with.
#include <cctype>
#include <cmath>

#include "request_path/path.hpp"

namespace deploysim::path {

std::optional<Url> parse_url(std::string_view text) {
  Url u;
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  for (char c : text.substr(0, sep)) u.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "https" && u.scheme != "http") return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  u.port = u.scheme == "https" ? 443 : 80;
  if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    int p = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return std::nullopt;
    u.port = p;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return std::nullopt;
  for (char c : authority) {
    const auto uc = static_cast<unsigned char>(c);
    if (!std::isalnum(uc) && c != '.' && c != '-') return std::nullopt;
    u.host += static_cast<char>(std::tolower(uc));
  }
  return u;
}

void PathModel::schedule_next(uint32_t ci) {
  ClientState& c = clients[ci];
  const ClientSpec& spec = *c.spec;
  Time at;
  if (spec.requests > 0) {
    if (c.sent >= static_cast<uint64_t>(spec.requests)) return;
    at = spec.start + spec.interval * static_cast<int64_t>(c.sent);
  } else if (spec.rate_per_s > 0) {
    const double gap_s = c.rng.exponential(1.0 / spec.rate_per_s);
    const Time base = c.sent == 0 ? spec.start : w.engine.now();
    at = base + ns(static_cast<int64_t>(std::llround(gap_s * 1e9)));
  } else {
    return;
  }
  if (at >= c.stop || at < w.engine.now()) return;
  w.engine.schedule_at(at, [m = this, ci] { m->begin_request(ci); });
}

void PathModel::begin_request(uint32_t ci) {
  ClientState& c = clients[ci];
  ++c.sent;
  schedule_next(ci);
  ++w.metrics.requests;
  const uint32_t r = new_request(ci);
  const Time now = w.engine.now();
  emit(r, {.t = now, .kind = kinds::client_request, .stage = Stage::client, .actor = c.node},
       {{"url", c.spec->url}, {"method", c.spec->method}});
  if (!c.url) {
    fail(r, FailureCause::bad_url);
    return;
  }
  for (size_t i = 0; i < c.conns.size();) {
    Connection& k = conns[c.conns[i]];
    const bool expired = k.inflight == 0 && now - k.idle_since > idle_timeout;
    if (!k.open || expired || !w.proxy_up) {
      // The proxy closed it (idle timeout) or lost it (restart): a new connection is needed.
      k.open = false;
      if (k.inflight > 0) {
        ++i;
        continue;
      }
      free_conns.push_back(c.conns[i]);
      c.conns[i] = c.conns.back();
      c.conns.pop_back();
      continue;
    }
    if (k.inflight == 0 || k.h2) {
      ++k.inflight;
      reqs[r].conn = c.conns[i];
      ++w.metrics.connections_reused;
      emit(r, {.t = now, .kind = kinds::tcp_reuse, .stage = Stage::tcp, .actor = c.node, .conn = k.id},
           {{"ip", k.ip}, {"protocol", k.alpn.empty() ? "http/1.1" : k.alpn}});
      send_request(r);
      return;
    }
    ++i;
  }
  dns_lookup(r);
}

void PathModel::after_dns(uint32_t r) { tcp_connect(r); }

void PathModel::send_request(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Connection& k = conns[q.conn];
  const Time d = hop(c.node, w.proxy_node);
  // A GET with a browser's usual headers, inside one TLS record: about 450 bytes.
  w.metrics.bytes_sent += 450;
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::http_request,
        .stage = Stage::http,
        .actor = c.node,
        .from = c.node,
        .to = w.proxy_node,
        .dur = d,
        .conn = k.id,
        .narration = q.resend},
       {{"method", c.spec->method},
        {"path", c.url->path},
        {"host", c.url->host},
        {"protocol", k.h2 ? "HTTP/2" : "HTTP/1.1"},
        {"encrypted", true}});
  w.engine.schedule(d, [m = this, r] { m->proxy_receive(r); });
}

void PathModel::receive_response(uint32_t r, int status) {
  if (retry_too_early(r, status)) return;  // 425 to a 0-RTT request: again, after the handshake
  Request& q = reqs[r];
  ClientState& c = clients[q.client];
  Connection& k = conns[q.conn];
  const Time now = w.engine.now();
  if (k.inflight > 0) --k.inflight;
  k.idle_since = now;
  if (!c.spec->keep_alive && k.inflight == 0) k.open = false;
  const bool ok = status >= 200 && status < 300;
  emit(r,
       {.t = now,
        .kind = ok ? kinds::client_response : kinds::client_error,
        .stage = Stage::client,
        .actor = c.node,
        .conn = k.id,
        .narration = ok ? kinds::client_response : kinds::client_error_http,
        .outcome = ok ? Outcome::ok : Outcome::failed,
        .failure = ok ? FailureCause::none : failure_cause_of_status(status),
        .reports_failure = !ok},
       {{"status", status}, {"latency", now - q.start}, {"url", c.spec->url}}, true);
  q.finished = true;
  count_outcome(r, ok ? FailureCause::none : failure_cause_of_status(status));
  release(r);
}

void PathModel::fail(uint32_t r, FailureCause why, int status) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const Time now = w.engine.now();
  ConnId conn = ConnId::none;
  if (q.conn != UINT32_MAX) {
    Connection& k = conns[q.conn];
    conn = k.id;
    if (k.inflight > 0) --k.inflight;
    if (!k.open)
      free_conns.push_back(q.conn);  // never established, so never listed
    else if (why == FailureCause::connection_reset)
      k.open = false;  // pruned on the next request
    q.conn = UINT32_MAX;
  }
  emit(r,
       {.t = now,
        .kind = kinds::client_error,
        .stage = Stage::client,
        .actor = c.node,
        .conn = conn,
        .outcome = Outcome::failed,
        .failure = why,
        .reports_failure = true},
       {{"cause", failure_cause_name(why)}, {"status", status}, {"latency", now - q.start}, {"url", c.spec->url}},
       true);
  q.finished = true;
  count_outcome(r, why);
  release(r);
}

}  // namespace deploysim::path
