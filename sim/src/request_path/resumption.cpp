// A second visit: the session tickets a client keeps, the ticket it offers on its next connection
// (and whether the proxy instance it lands on can read it), 0-RTT data, the proxy's Early-Data
// header and the app's 425 Too Early (RFC 8446 2.2-2.3, RFC 5077, RFC 8470).
#include <algorithm>

#include "request_path/path.hpp"
#include "core/join.hpp"

namespace deploysim::path {

namespace {

uint8_t highest_common(uint8_t a, uint8_t b) {
  const uint8_t both = a & b;
  return (both & tls13) ? tls13 : (both & tls12) ? tls12 : 0;
}

bool is_safe(std::string_view method) { return method == "GET" || method == "HEAD"; }  // RFC 9110 9.2.1

// A browser keeps a few tickets per site and uses each once (RFC 8446 appendix C.4).
constexpr size_t tickets_kept = 4;

uint64_t handshake_bytes(const TlsVerdict& v) {
  uint64_t sum = 0;
  for (const TlsMessage& m : v.messages)
    if (m.kind != kinds::tls_early_data && m.kind != kinds::tls_new_session_ticket) sum += tls_message_bytes(v, m);
  return sum;
}

}  // namespace

void PathModel::pick_ticket(uint32_t r) {
  Request& q = reqs[r];
  ClientState& c = clients[q.client];
  Connection& k = conns[q.conn];
  const ProxySpec& p = *sc.proxy;
  // Several instances behind one address: the load balancer in front picks one per connection.
  k.instance = p.instances > 1 ? static_cast<uint32_t>(instance_rng.below(static_cast<uint64_t>(p.instances))) : 0;
  q.offer = TicketOffer::none;
  q.offer_why = {};
  q.offer_early = false;
  q.early = false;
  q.resend = {};
  if (!c.spec->resume || !c.url) return;
  const auto it = c.tickets.find(c.url->host);
  if (it == c.tickets.end() || it->second.empty()) return;
  const SessionTicket t = it->second.back();
  it->second.pop_back();
  if (t.version != highest_common(c.spec->tls_versions, p.tls_versions)) return;
  q.offer = TicketOffer::known;
  // Key files (nginx ssl_session_ticket_key) are read again at every start; keys made at start
  // are lost with a restart.
  if (!p.shared_ticket_keys && t.key_epoch != w.proxy_restarts) {
    q.offer = TicketOffer::unknown;
    q.offer_why = "proxy restarted";
  } else if (!p.shared_ticket_keys && t.instance != k.instance) {
    q.offer = TicketOffer::unknown;
    q.offer_why = "other instance";
  }
  q.offer_early = c.spec->early_data && t.early_data;
}

void PathModel::resumption_fields(uint32_t r, const TlsConfig& cfg, std::vector<FieldArg>& fields,
                                  std::array<std::string, 2>& keep) const {
  const Request& q = reqs[r];
  const TlsConfig plain;
  if (cfg.client_groups != plain.client_groups) {
    keep[0] = join_with(cfg.client_groups, ",");
    fields.push_back({"groups", keep[0]});
    fields.push_back({"key_share", cfg.client_groups.front()});
  }
  if (cfg.server_groups != plain.server_groups) {
    keep[1] = join_with(cfg.server_groups, ",");
    fields.push_back({"server_groups", keep[1]});
  }
  if (cfg.ticket != TicketOffer::none)
    fields.push_back({"ticket", cfg.ticket == TicketOffer::known ? "known" : "unknown"});
  if (cfg.ticket == TicketOffer::unknown) fields.push_back({"ticket_rejected", q.offer_why});
  if (cfg.early_data) fields.push_back({"early_data", true});
  if (cfg.server_early_data) fields.push_back({"server_early_data", true});
  if (cfg.tickets > 0) fields.push_back({"tickets", cfg.tickets});
  if (sc.proxy->instances > 1) fields.push_back({"instance", conns[q.conn].instance + 1});
}

std::string_view PathModel::hello_narration(uint32_t r, std::string_view fallback) const {
  const Request& q = reqs[r];
  if (fallback != kinds::tls_client_hello || q.offer == TicketOffer::none) return fallback;
  return q.tls.early_data_sent ? kinds::tls_client_hello_resume_early_data : kinds::tls_client_hello_resume;
}

void PathModel::send_early_data(uint32_t r) {
  Request& q = reqs[r];
  const TlsVerdict& v = q.tls;
  if (!v.early_data_sent) return;
  const ClientState& c = clients[q.client];
  const Time d = hop(c.node, w.proxy_node);
  w.metrics.bytes_sent += tls_message_bytes(v, {kinds::tls_early_data, true, 0});
  ++(v.early_data_accepted ? w.metrics.early_data_accepted : w.metrics.early_data_refused);
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::tls_early_data,
        .stage = Stage::tls,
        .actor = c.node,
        .from = c.node,
        .to = w.proxy_node,
        .dur = d,
        .conn = conns[q.conn].id,
        .narration = !v.early_data_accepted    ? kinds::tls_early_data_refused
                     : is_safe(c.spec->method) ? kinds::tls_early_data
                                               : kinds::tls_early_data_unsafe},
       {{"method", c.spec->method},
        {"path", c.url->path},
        {"host", c.url->host},
        {"accepted", v.early_data_accepted},
        {"reason", v.early_data_accepted ? ""
                   : !v.resumed          ? "ticket rejected"
                   : v.hello_retry       ? "HelloRetryRequest"
                                         : "proxy refuses"},
        {"encrypted", true}});
  if (!v.early_data_accepted) return;
  // The proxy decrypts the request with the early traffic secret as soon as the flight arrives
  // and hands it on before the handshake completes (nginx ssl_early_data).
  q.early = true;
  w.engine.schedule(d, [m = this, r] { m->proxy_receive(r); });
}

std::optional<RecordId> PathModel::resumption_record(uint32_t r, const TlsMessage& msg, RecordSpec spec) {
  const Request& q = reqs[r];
  const TlsVerdict& v = q.tls;
  const std::vector<std::string>& groups = clients[q.client].spec->groups;
  if (msg.kind == kinds::tls_hello_retry_request)
    return w.trace.append(spec, {{"group", v.group}, {"client_group", groups.front()}, {"encrypted", false}});
  if (msg.kind == kinds::tls_client_hello) {
    spec.narration = kinds::tls_client_hello_retry;
    return w.trace.append(spec, {{"retry", true}, {"key_share", v.group}, {"encrypted", false}});
  }
  if (msg.kind == kinds::tls_end_of_early_data) return w.trace.append(spec, {{"encrypted", true}});
  if (msg.kind == kinds::tls_new_session_ticket) {
    spec.narration = kinds::tls_new_session_ticket_tls12;
    return w.trace.append(spec, {{"ticket", 1}, {"of", 1}, {"early_data", false}, {"encrypted", false}});
  }
  if (msg.kind == kinds::tls_server_hello && v.offered_ticket) {
    spec.narration = v.ticket_spent       ? kinds::tls_server_hello_ticket_spent
                     : !v.resumed         ? kinds::tls_server_hello_ticket_rejected
                     : v.version == tls12 ? kinds::tls_server_hello_resumed_tls12
                                          : kinds::tls_server_hello_resumed;
    const std::string_view why = v.ticket_spent ? "single-use ticket spent" : q.offer_why;
    // ALPN rides in the TLS 1.3 ServerHello's EncryptedExtensions, not in it (tls_flow.cpp).
    if (v.version == tls13)
      return w.trace.append(
          spec, {{"version", tls_version_name(v.version)}, {"resumed", v.resumed}, {"ticket_rejected", why}});
    return w.trace.append(spec, {{"version", tls_version_name(v.version)},
                                 {"alpn", v.alpn.empty() ? "(none)" : v.alpn},
                                 {"resumed", v.resumed},
                                 {"ticket_rejected", why}});
  }
  if (msg.kind == kinds::tls_encrypted_extensions && v.early_data_sent) {
    spec.narration = v.early_data_accepted ? kinds::tls_encrypted_extensions_early_data_accepted
                                           : kinds::tls_encrypted_extensions_early_data_refused;
    return w.trace.append(spec, {{"encrypted", true},
                                 {"alpn", v.alpn.empty() ? "(none)" : v.alpn},
                                 {"early_data", v.early_data_accepted ? "accepted" : "refused"}});
  }
  if (msg.kind == kinds::tls_finished && msg.from_client && v.resumed) {
    spec.narration =
        v.early_data_accepted ? kinds::tls_finished_client_resumed_early_data : kinds::tls_finished_client_resumed;
    return w.trace.append(spec, {{"encrypted", true}});
  }
  return std::nullopt;
}

void PathModel::keep_ticket(uint32_t r) {
  const Request& q = reqs[r];
  ClientState& c = clients[q.client];
  const ProxySpec& p = *sc.proxy;
  auto& kept = c.tickets[c.url->host];
  kept.push_back({.version = q.tls.version,
                  .instance = conns[q.conn].instance,
                  .key_epoch = w.proxy_restarts,
                  .early_data = q.tls.early_data_tickets && p.early_data});
  if (kept.size() > tickets_kept) kept.erase(kept.begin());
}

void PathModel::after_handshake(uint32_t r) {
  Request& q = reqs[r];
  const TlsVerdict& v = q.tls;
  Metrics& mt = w.metrics;
  ++(v.resumed ? mt.tls_resumed : mt.tls_full_handshakes);
  if (q.offer == TicketOffer::unknown || v.ticket_spent) ++mt.tls_tickets_rejected;
  if (v.resumed || v.early_data_accepted) {
    // What the same connection would have cost without its ticket.
    uint32_t cert = UINT32_MAX;
    TlsConfig cfg = tls_config(r, &cert);
    cfg.ticket = TicketOffer::none;
    cfg.early_data = false;
    const TlsVerdict full_handshake = decide_tls(cfg);
    mt.tls_round_trips_saved += static_cast<uint64_t>(std::max(0, round_trips(full_handshake) - round_trips(v)));
    pay_rtt_debt();
    const uint64_t full_bytes = handshake_bytes(full_handshake), bytes = handshake_bytes(v);
    if (full_bytes > bytes) mt.tls_bytes_saved += full_bytes - bytes;
  }
  if (v.tickets > 0 && v.version == tls12) keep_ticket(r);  // it came in the server's last flight
  if (v.tickets > 0 && v.version == tls13) {
    // TLS 1.3 tickets follow the handshake: the proxy sends them once it has the client's
    // Finished (RFC 8446 4.6.1); the client keeps them when they arrive.
    const ClientState& c = clients[q.client];
    uint32_t slot = static_cast<uint32_t>(deliveries.size());
    if (!free_deliveries.empty()) {
      slot = free_deliveries.back();
      free_deliveries.pop_back();
    } else {
      deliveries.emplace_back();
    }
    deliveries[slot] = {.client = q.client,
                        .host = c.url->host,
                        .ticket = {.version = tls13,
                                   .instance = conns[q.conn].instance,
                                   .key_epoch = w.proxy_restarts,
                                   .early_data = v.early_data_tickets && sc.proxy->early_data},
                        .count = v.tickets,
                        .bytes = tls_message_bytes(v, {kinds::tls_new_session_ticket, false, 0}),
                        .instances = static_cast<uint32_t>(sc.proxy->instances),
                        .conn = conns[q.conn].id,
                        .cause = q.last};
    w.engine.schedule(hop(c.node, w.proxy_node), [m = this, slot] { m->send_tickets(slot); });
  }
  if (q.early) return;  // the request is on its way already (0-RTT)
  if (v.early_data_sent) q.resend = kinds::http_request_early_data_refused;
  send_request(r);
}

void PathModel::send_tickets(uint32_t slot) {
  const TicketDelivery& t = deliveries[slot];
  const NodeId node = clients[t.client].node;
  const Time d = hop(node, w.proxy_node);
  for (int i = 0; i < t.count; ++i) {
    w.metrics.bytes_received += t.bytes;
    if (!full) continue;
    std::vector<FieldArg> fields = {
        {"ticket", i + 1}, {"of", t.count}, {"early_data", t.ticket.early_data}, {"encrypted", true}};
    if (t.instances > 1) fields.push_back({"instance", t.ticket.instance + 1});
    w.trace.append(
        {.t = w.engine.now(),
         .kind = kinds::tls_new_session_ticket,
         .stage = Stage::tls,
         .actor = w.proxy_node,
         .from = w.proxy_node,
         .to = node,
         .dur = d,
         .conn = t.conn,
         .cause = t.cause,
         .narration = t.ticket.early_data ? kinds::tls_new_session_ticket_early_data : kinds::tls_new_session_ticket},
        std::span<const FieldArg>(fields));
  }
  w.engine.schedule(d, [m = this, slot] { m->receive_tickets(slot); });
}

void PathModel::receive_tickets(uint32_t slot) {
  const TicketDelivery& t = deliveries[slot];
  auto& kept = clients[t.client].tickets[t.host];
  for (int i = 0; i < t.count; ++i) kept.push_back(t.ticket);
  while (kept.size() > tickets_kept) kept.erase(kept.begin());
  free_deliveries.push_back(slot);
}

void PathModel::pay_rtt_debt() {
  const uint64_t paid = std::min(rtt_debt, w.metrics.tls_round_trips_saved);
  w.metrics.tls_round_trips_saved -= paid;
  rtt_debt -= paid;
}

bool PathModel::answer_too_early(uint32_t r) {
  Request& q = reqs[r];
  if (!q.early || q.worker == UINT32_MAX) return false;
  const Process& p = w.processes[q.worker];
  const std::string& method = clients[q.client].spec->method;
  if (!sc.services[p.service].too_early || is_safe(method)) return false;
  // RFC 8470 5.2: a request that might be replayed is refused with 425; the client sends it
  // again once the handshake is complete.
  q.at_worker = false;
  ++w.metrics.too_early_answers;
  // The round trip 0-RTT saved is spent again: the request waits for the handshake after all.
  // The 425 can come before the handshake's saving is counted (after_handshake pays it then).
  rtt_debt += static_cast<uint64_t>(q.tls.flights / 2);
  pay_rtt_debt();
  const Time d = hop(p.node, w.proxy_node);
  emit(r,
       {.t = w.engine.now(),
        .kind = kinds::server_response,
        .stage = Stage::process,
        .actor = p.node,
        .from = p.node,
        .to = w.proxy_node,
        .dur = d,
        .proc = p.id,
        .narration = kinds::server_response_too_early},
       {{"status", 425}, {"method", method}, {"encrypted", false}});
  w.engine.schedule(d, [m = this, r] { m->proxy_relay(r, 425, "Too Early"); });
  return true;
}

bool PathModel::retry_too_early(uint32_t r, int status) {
  Request& q = reqs[r];
  if (status != 425 || !q.early) return false;
  q.early = false;
  q.relayed = false;
  q.resend = kinds::http_request_too_early_retry;
  send_request(r);
  return true;
}

}  // namespace deploysim::path
