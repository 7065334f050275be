// The TLS handshake on a client connection: the proxy picks a certificate by SNI, decide_tls()
// settles the course, and each flight becomes message records one link latency apart.
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "deploysim/observer.hpp"
#include "deploysim/presets.hpp"
#include "request_path/path.hpp"
#include "core/join.hpp"

namespace deploysim::path {

namespace {

// Wire sizes (bytes, record header included) for the byte counters and the bytes-saved metric,
// estimated from this program's own real handshakes (`deploysim handshake`, `--resume`,
// `--early-data --no-anti-replay`, `--tls 1.2 --resume`, `--hrr`: OpenSSL 3.0, X25519, the ECDSA
// P-256 leaf the program generates, without intermediates), so that they agree with the real bytes
// the inspector shows. Each handshake message travels in a record of its own: 5 bytes of header;
// encrypted in TLS 1.3, 17 more (the inner content type and a 16-byte AEAD tag); TLS 1.2's
// encrypted Finished (AES-GCM) is 16 + 5 + 8 (explicit nonce) + 16. Fixed numbers rather than a
// transcript's: an ECDSA signature's length varies by a byte from run to run, and the same
// scenario and seed must give the same trace. A real chain (a leaf and its intermediate) is larger.
uint64_t wire_bytes(const TlsVerdict& v, std::string_view kind) {
  const bool t13 = v.version != tls12;
  if (kind == kinds::tls_client_hello) return 336;  // 331 + 5
  if (kind == kinds::tls_server_hello) return t13 ? (v.resumed ? 133 : 127) : (v.resumed ? 99 : 79);
  if (kind == kinds::tls_encrypted_extensions) return 37;      // 15 + 22
  if (kind == kinds::tls_certificate) return t13 ? 527 : 508;  // 505 + 22 encrypted; 503 + 5 in clear
  if (kind == kinds::tls_certificate_verify) return 100;       // 78-79 + 22
  if (kind == kinds::tls_finished) return t13 ? 74 : 45;       // 52 + 22; 16 + 29
  if (kind == kinds::tls_server_key_exchange) return 120;      // 115 + 5
  if (kind == kinds::tls_server_hello_done) return 9;          // 4 + 5
  if (kind == kinds::tls_client_key_exchange) return 42;       // 37 + 5
  if (kind == kinds::tls_change_cipher_spec) return 6;         // 1 + 5
  if (kind == kinds::tls_hello_retry_request) return 93;       // 88 + 5
  if (kind == kinds::tls_end_of_early_data) return 26;         // 4 + 22
  if (kind == kinds::tls_early_data) return 450;               // the request itself
  return 40;
}

}  // namespace

uint64_t tls_message_bytes(const TlsVerdict& v, const TlsMessage& m) {
  // A ClientHello that offers a ticket grows by the ticket and, in TLS 1.3, the PSK binder
  // (measured as above: +287 bytes for a stateless TLS 1.3 ticket, +291 for one that allows early
  // data, +99 for a stateful single-use one; +208 in TLS 1.2). NewSessionTicket records: 249 + 22
  // stateless, 257 + 22 with early_data, 65 + 22 single use; TLS 1.2's 186 + 5.
  if (m.kind == kinds::tls_client_hello && v.offered_ticket)
    return wire_bytes(v, m.kind) + (v.version == tls12     ? 208
                                    : v.single_use_tickets ? 99
                                    : v.early_data_sent    ? 291
                                                           : 287);
  if (m.kind == kinds::tls_new_session_ticket)
    return v.version == tls12 ? 191 : v.single_use_tickets ? 87 : v.early_data_tickets ? 279 : 271;
  return wire_bytes(v, m.kind);
}

namespace {

std::string versions(uint8_t bits) {
  std::string out;
  if (bits & tls12) out = "1.2";
  if (bits & tls13) out += out.empty() ? "1.3" : ",1.3";
  return out;
}

}  // namespace

std::string_view PathModel::sni_of(const ClientState& c) const {
  // RFC 6066: no IP literals in server_name.
  return c.spec->sni && !is_ip_literal(c.url->host) ? std::string_view(c.url->host) : std::string_view();
}

uint32_t PathModel::serving_cert(std::string_view sni) const {
  const ProxySpec& p = *sc.proxy;
  uint32_t cert = UINT32_MAX;
  auto usable = [&](uint32_t i) { return i < w.serving_certs.size() && w.serving_certs[i].present; };
  // An exact name (the subject or a subjectAltName entry) wins over a wildcard.
  for (int pass = 0; pass < 2 && cert == UINT32_MAX && !sni.empty(); ++pass)
    for (uint32_t i = 0; i < w.serving_certs.size(); ++i) {
      const CertState& cs = w.serving_certs[i];
      const bool exact =
          cs.domain == sni || std::find(cs.alt_names.begin(), cs.alt_names.end(), sni) != cs.alt_names.end();
      if (usable(i) && (pass == 0 ? exact : certificate_covers(cs.domain, cs.alt_names, sni))) {
        cert = i;
        break;
      }
    }
  if (cert == UINT32_MAX && !p.default_certificate.empty() && usable(w.cert_index(p.default_certificate)))
    cert = w.cert_index(p.default_certificate);
  // Without a default the preset decides (presets.cpp, `unmatched`): its first certificate, a
  // self-signed one it made itself (tls_config), or none.
  if (cert == UINT32_MAX && proxy_preset(p.preset).unmatched == UnmatchedName::first_certificate)
    for (uint32_t i = 0; i < w.serving_certs.size() && cert == UINT32_MAX; ++i)
      if (usable(i)) cert = i;
  return cert;
}

PathModel::PresentedCert PathModel::presented_cert(std::string_view sni) const {
  PresentedCert out;
  out.index = serving_cert(sni);
  const ProxyPresetInfo& preset = proxy_preset(sc.proxy->preset);
  if (out.index != UINT32_MAX) {
    out.domain = w.serving_certs[out.index].domain;
    out.issuer = w.serving_certs[out.index].issuer;
  } else if (preset.unmatched == UnmatchedName::own_self_signed) {
    out.own = true;
    out.domain = preset.own_certificate;
    out.issuer = Issuer::self_signed;
  }
  return out;
}

TlsConfig PathModel::tls_config(uint32_t r, uint32_t* cert) const {
  const Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const ProxySpec& p = *sc.proxy;
  TlsConfig cfg;
  cfg.verify_host = c.url->host;
  cfg.sni = sni_of(c);
  cfg.offered_versions = c.spec->tls_versions;
  cfg.accepted_versions = p.tls_versions;
  cfg.alpn_offered = c.spec->alpn;
  cfg.strict_sni = p.strict_sni;
  cfg.preset = p.preset;
  cfg.client_groups = c.spec->groups;
  cfg.server_groups = p.groups;
  cfg.ticket = q.offer;  // pick_ticket() chose it (resumption.cpp)
  cfg.early_data = q.offer_early;
  cfg.server_early_data = p.early_data;
  // Only a client that keeps tickets sees them (TLS 1.2: it asks with an empty session_ticket).
  cfg.tickets = c.spec->resume && p.session_tickets ? preset_tickets_per_handshake(p.preset) : 0;
  const PresentedCert presented = presented_cert(cfg.sni);
  *cert = presented.index;
  cfg.cert_domain = presented.domain;
  cfg.cert_issuer = presented.issuer;
  if (*cert != UINT32_MAX) {
    const CertState& cs = w.serving_certs[*cert];
    cfg.cert_alt_names = cs.alt_names;
    cfg.not_before_unix = w.unix_time(cs.not_before);
    cfg.not_after_unix = w.unix_time(cs.not_after);
  } else if (presented.own) {
    cfg.not_before_unix = w.unix_time(Time{});
    cfg.not_after_unix = w.unix_time(days(365));
  } else {
    cfg.has_certificate = false;
  }
  cfg.check_time_unix = w.unix_time(w.engine.now() + w.clock_skew);
  // ALPN is the proxy's own configuration: it terminates TLS and speaks HTTP/2 to the browser
  // whatever the app behind it speaks (domain-facts.md "App servers"; presets.cpp).
  cfg.alpn_supported =
      proxy_offers_h2(p) ? std::vector<std::string>{"h2", "http/1.1"} : std::vector<std::string>{"http/1.1"};
  client_auth_config(r, *cert, cfg);  // tls_client_auth.cpp
  return cfg;
}

void PathModel::tls_handshake(uint32_t r) {
  pick_ticket(r);
  uint32_t cert = UINT32_MAX;
  const TlsConfig cfg = tls_config(r, &cert);
  Request& q = reqs[r];
  q.tls = decide_tls(cfg);
  q.did_tls = true;
  if (full) {
    const ClientState& c = clients[q.client];
    const Time d = hop(c.node, w.proxy_node);
    const std::string offered = versions(cfg.offered_versions), accepted = versions(cfg.accepted_versions);
    const std::string alpn = join_with(cfg.alpn_offered, ","), server_alpn = join_with(cfg.alpn_supported, ",");
    const std::string alt_names = join_with(cfg.cert_alt_names, ",");
    std::vector<FieldArg> fields = {{"sni", cfg.sni},
                                    {"verify_host", cfg.verify_host},
                                    {"versions", offered},
                                    {"server_versions", accepted},
                                    {"alpn", alpn},
                                    {"server_alpn", server_alpn},
                                    {"strict_sni", cfg.strict_sni},
                                    {"preset", preset_name(cfg.preset)},
                                    {"has_certificate", cfg.has_certificate},
                                    {"cert_domain", cfg.cert_domain},
                                    {"cert_issuer", issuer_name(cfg.cert_issuer)},
                                    {"not_before_unix", static_cast<long long>(cfg.not_before_unix)},
                                    {"not_after_unix", static_cast<long long>(cfg.not_after_unix)},
                                    {"check_time_unix", static_cast<long long>(cfg.check_time_unix)}};
    // Only a certificate with several names carries the list (the loopback replay needs it).
    if (!alt_names.empty()) fields.push_back({"cert_alt_names", alt_names});
    std::array<std::string, 2> keep;
    resumption_fields(r, cfg, fields, keep);
    std::string client_auth;
    client_auth_hello_fields(cfg, client_auth, fields);  // mutual TLS and stapling, when set
    // ECH is modelled (OpenSSL 3.0 has none): the decision and the outer SNI are details, while
    // the handshake and its real bytes stay those of a ClientHello without ECH.
    const std::string& public_name = sc.proxy->ech_public_name;
    const EchStatus ech =
        ech_status(c.spec->ech, !public_name.empty(), !is_ip_literal(c.url->host) && conns[q.conn].ip == proxy_ip,
                   !cfg.sni.empty(), q.tls.version == tls13);
    if (ech == EchStatus::on)
      fields.push_back({"ech_outer_sni", public_name});
    else if (c.spec->ech)
      fields.push_back({"ech_off", ech_status_name(ech)});
    const std::string_view narration = cfg.sni.empty()                ? kinds::tls_client_hello_no_sni
                                       : ech == EchStatus::on         ? kinds::tls_client_hello_ech
                                       : ech == EchStatus::no_config  ? kinds::tls_client_hello_ech_no_config
                                       : ech == EchStatus::not_in_dns ? kinds::tls_client_hello_ech_not_in_dns
                                       : ech == EchStatus::no_tls13   ? kinds::tls_client_hello_ech_no_tls13
                                                                      : kinds::tls_client_hello;
    q.last = w.trace.append({.t = w.engine.now(),
                             .kind = kinds::tls_client_hello,
                             .stage = Stage::tls,
                             .actor = c.node,
                             .from = c.node,
                             .to = w.proxy_node,
                             .dur = d,
                             .conn = conns[q.conn].id,
                             .cause = q.last,
                             .narration = !cfg.sni.empty()                 ? hello_narration(r, narration)
                                          : is_ip_literal(cfg.verify_host) ? kinds::tls_client_hello_by_ip
                                                                           : kinds::tls_client_hello_no_sni},
                            std::span<const FieldArg>(fields));
  }
  w.metrics.bytes_sent += tls_message_bytes(q.tls, q.tls.messages.front());
  if (q.tls.hello_retry) ++w.metrics.tls_hello_retries;
  tls_flight(r, 1);
  send_early_data(r);  // after the flight is scheduled: the proxy reads the ClientHello first
}

namespace {

// The narration key of one TLS message: the side that sent it, and for TLS 1.2 the two sentences
// that differ from 1.3's (keys agreed only after the client's key exchange; the request only
// after the server's Finished). Registered constants: nothing is built per message.
std::string_view tls_message_narration(const TlsVerdict& tv, const TlsMessage& msg) {
  const bool client = msg.from_client;
  if (msg.kind == kinds::tls_certificate)
    return tv.sni_matched ? kinds::tls_certificate_sni : kinds::tls_certificate_default;
  if (msg.kind == kinds::tls_alert) return client ? kinds::tls_alert_client : kinds::tls_alert_server;
  if (msg.kind == kinds::tls_change_cipher_spec)
    return client ? kinds::tls_change_cipher_spec_client : kinds::tls_change_cipher_spec_server;
  if (msg.kind == kinds::tls_finished) {
    if (!client) return kinds::tls_finished_server;
    return tv.version == tls12 ? kinds::tls_finished_client_tls12 : kinds::tls_finished_client;
  }
  if (msg.kind == kinds::tls_server_hello && tv.version == tls12) return kinds::tls_server_hello_tls12;
  if (msg.kind == kinds::tls_encrypted_extensions && tv.alpn.empty()) return kinds::tls_encrypted_extensions_no_alpn;
  return msg.kind;
}

}  // namespace

void PathModel::tls_flight(uint32_t r, int flight) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  const TlsVerdict& v = q.tls;
  const Time d = hop(c.node, w.proxy_node);
  if (flight < v.flights) {
    w.engine.schedule(d, [m = this, r, flight] {
      Request& rq = m->reqs[r];
      const TlsVerdict& tv = rq.tls;
      const ClientState& cl = m->clients[rq.client];
      const Time now = m->w.engine.now();
      const ConnId id = m->conns[rq.conn].id;
      for (const TlsMessage& msg : tv.messages) {
        if (msg.flight != flight) continue;
        const NodeId from = msg.from_client ? cl.node : m->w.proxy_node;
        const NodeId to = msg.from_client ? m->w.proxy_node : cl.node;
        (msg.from_client ? m->w.metrics.bytes_sent : m->w.metrics.bytes_received) += tls_message_bytes(tv, msg);
        if (!m->full) continue;
        const std::string_view narration = tls_message_narration(tv, msg);
        // TLS 1.3 encrypts everything after ServerHello; TLS 1.2 only the Finished messages,
        // which follow ChangeCipherSpec (RFC 5246 section 7.4.9).
        const bool encrypted =
            tv.version == tls13 ? msg.kind != kinds::tls_server_hello : msg.kind == kinds::tls_finished;
        const RecordSpec spec{.t = now,
                              .kind = msg.kind,
                              .stage = Stage::tls,
                              .actor = from,
                              .from = from,
                              .to = to,
                              .dur = m->hop(cl.node, m->w.proxy_node),
                              .conn = id,
                              .cause = rq.last,
                              .narration = narration,
                              .reports_failure = msg.kind == kinds::tls_alert};
        if (const auto rec = m->client_auth_record(r, msg, spec, encrypted))  // tls_client_auth.cpp
          rq.last = *rec;
        else if (const auto res = m->resumption_record(r, msg, spec))  // resumption.cpp
          rq.last = *res;
        else if (msg.kind == kinds::tls_alert)
          rq.last = m->w.trace.append(spec, {{"alert", tv.alert},
                                             {"code", tv.alert_code},
                                             {"verify_result", tv.verify_result},
                                             {"sni_matched", tv.sni_matched}});
        else if (msg.kind == kinds::tls_server_hello && tv.version == tls13)
          // TLS 1.3 sends the server's ALPN choice in EncryptedExtensions, encrypted (RFC 8446
          // section 4.2's table); TLS 1.2 in the ServerHello, in clear (RFC 7301 section 3.1).
          rq.last = m->w.trace.append(spec, {{"version", tls_version_name(tv.version)}});
        else if (msg.kind == kinds::tls_server_hello)
          rq.last = m->w.trace.append(
              spec, {{"version", tls_version_name(tv.version)}, {"alpn", tv.alpn.empty() ? "(none)" : tv.alpn}});
        else if (msg.kind == kinds::tls_encrypted_extensions)
          rq.last = m->w.trace.append(spec, {{"encrypted", encrypted}, {"alpn", tv.alpn.empty() ? "(none)" : tv.alpn}});
        else if (msg.kind == kinds::tls_certificate) {
          // What tls_config() would present now, without building the rest of it.
          const std::string_view sni = m->sni_of(cl);
          const PresentedCert presented = m->presented_cert(sni);
          rq.last = m->w.trace.append(spec, {{"domain", presented.domain},
                                             {"issuer", issuer_name(presented.issuer)},
                                             {"sni", sni},
                                             {"sni_matched", tv.sni_matched},
                                             {"encrypted", encrypted}});
        } else
          rq.last = m->w.trace.append(spec, {{"encrypted", encrypted}});
      }
      m->tls_flight(r, flight + 1);
    });
    return;
  }
  // Every flight is out: the last one came from the client when flights is odd.
  const bool last_from_client = v.flights % 2 == 1;
  const Time wait = last_from_client ? Time{} : d;
  if (!v.ok) {
    w.engine.schedule(wait, [m = this, r] {
      m->reqs[r].tls_done = m->w.engine.now();
      m->fail(r, failure_cause_of_alert(m->reqs[r].tls.alert));
    });
    return;
  }
  w.engine.schedule(wait, [m = this, r] {
    Request& rq = m->reqs[r];
    ClientState& cl = m->clients[rq.client];
    Connection& k = m->conns[rq.conn];
    const Time now = m->w.engine.now();
    rq.tls_done = now;
    k.open = true;
    k.proxy_epoch = m->w.proxy_restarts;
    k.version = rq.tls.version;
    k.alpn = rq.tls.alpn;
    k.client_verify = rq.tls.client_verify;
    k.h2 = rq.tls.alpn == "h2";
    k.inflight = 1;
    m->list_conn(rq.conn);
    ++m->w.metrics.tls_handshakes;
    m->emit(r, {.t = now, .kind = kinds::tls_established, .stage = Stage::tls, .actor = cl.node, .conn = k.id},
            {{"version", tls_version_name(k.version)},
             {"alpn", k.alpn.empty() ? "http/1.1" : k.alpn},
             {"handshake", now - rq.tcp_done}});
    m->after_handshake(r);
  });
}

}  // namespace deploysim::path
