// Clients: the request schedule (fixed count or Poisson), URL parsing, keep-alive reuse and the
// outcome each request ends with.
#include <bit>
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

namespace {

bool is_actionable(const Connection& k) { return k.inflight == 0 || (k.open && k.h2); }

void set_bit(std::vector<uint64_t>& bits, size_t i, bool on) {
  if (i / 64 >= bits.size()) bits.resize(i / 64 + 1, 0);
  const uint64_t mask = uint64_t{1} << (i % 64);
  bits[i / 64] = on ? bits[i / 64] | mask : bits[i / 64] & ~mask;
}

bool get_bit(const std::vector<uint64_t>& bits, size_t i) {
  return i / 64 < bits.size() && (bits[i / 64] >> (i % 64)) & 1;
}

// The first entry at or after `i` with its bit set; conns.size() when none.
size_t next_actionable(const ClientState& c, size_t i) {
  const size_t n = c.conns.size();
  size_t word = i / 64;
  if (i >= n || word >= c.actionable.size()) return n;
  uint64_t bits = c.actionable[word] & (~uint64_t{0} << (i % 64));
  while (bits == 0) {
    if (++word >= c.actionable.size()) return n;
    bits = c.actionable[word];
  }
  return std::min(n, word * 64 + static_cast<size_t>(std::countr_zero(bits)));
}

}  // namespace

void PathModel::list_conn(uint32_t conn) {
  Connection& k = conns[conn];
  ClientState& c = clients[k.client];
  k.slot = static_cast<uint32_t>(c.conns.size());
  c.conns.push_back(conn);
  set_bit(c.actionable, k.slot, is_actionable(k));
}

void PathModel::unlist_conn(uint32_t ci, size_t slot) {
  ClientState& c = clients[ci];
  conns[c.conns[slot]].slot = UINT32_MAX;
  const size_t last = c.conns.size() - 1;
  if (slot != last) {
    c.conns[slot] = c.conns[last];
    conns[c.conns[slot]].slot = static_cast<uint32_t>(slot);
    set_bit(c.actionable, slot, get_bit(c.actionable, last));
  }
  set_bit(c.actionable, last, false);
  c.conns.pop_back();
}

void PathModel::relist_conn(uint32_t conn) {
  const Connection& k = conns[conn];
  if (k.slot != UINT32_MAX) set_bit(clients[k.client].actionable, k.slot, is_actionable(k));
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
  // The same walk as over every entry in order; while the proxy is up the entries it would pass
  // over (clear bits) are jumped, which changes nothing: passing over one has no effect.
  for (size_t i = 0;; ++i) {
    if (w.proxy_up) i = next_actionable(c, i);
    if (i >= c.conns.size()) break;
    const uint32_t ki = c.conns[i];
    Connection& k = conns[ki];
    const bool expired = k.inflight == 0 && now - k.idle_since > idle_timeout;
    const bool lost = k.proxy_epoch != w.proxy_restarts;  // the proxy went down since
    if (!k.open || expired || !w.proxy_up || lost) {
      // The proxy closed it (idle timeout) or lost it (restart): a new connection is needed.
      k.open = false;
      if (k.inflight > 0) {
        relist_conn(ki);
        continue;
      }
      free_conns.push_back(ki);
      unlist_conn(ci, i);
      --i;  // the entry moved here from the end is looked at next
      continue;
    }
    if (k.inflight == 0 || k.h2) {
      ++k.inflight;
      relist_conn(ki);
      reqs[r].conn = ki;
      ++w.metrics.connections_reused;
      emit(r, {.t = now, .kind = kinds::tcp_reuse, .stage = Stage::tcp, .actor = c.node, .conn = k.id},
           {{"ip", k.ip}, {"protocol", k.alpn.empty() ? "http/1.1" : k.alpn}});
      send_request(r);
      return;
    }
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
  relist_conn(q.conn);
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
    if (!k.open && k.slot == UINT32_MAX)
      free_conns.push_back(q.conn);  // never established, so never listed
    else if (why == FailureCause::connection_reset)
      k.open = false;  // pruned on the next request
    relist_conn(q.conn);
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
