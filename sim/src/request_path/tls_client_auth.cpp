// Mutual TLS and OCSP stapling: where their messages go in a decided handshake, who refuses what,
// and the trace records they become. Orders: RFC 8446 section 4.3.2 (EncryptedExtensions,
// CertificateRequest, Certificate) and 4.4 (the client's Certificate, CertificateVerify before
// its Finished); RFC 5246 section 7.3 (CertificateRequest before ServerHelloDone; the client's
// Certificate first, CertificateVerify after ClientKeyExchange); RFC 6066 section 8
// (CertificateStatus right after the server's Certificate) and RFC 8446 section 4.4.2.1 (TLS 1.3:
// the status rides in the Certificate entry).
#include "request_path/tls_client_auth.hpp"

#include <algorithm>

#include "request_path/path.hpp"
#include "request_path/tls_codes.hpp"

namespace deploysim {

namespace {

int find(const std::vector<TlsMessage>& m, std::string_view kind, bool from_client) {
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i].kind == kind && m[i].from_client == from_client) return static_cast<int>(i);
  return -1;
}

// Everything from flight `from` on goes; the alert takes its place.
void end_with_alert(TlsVerdict& v, int flight, bool from_client, const char* alert, int code) {
  std::erase_if(v.messages, [&](const TlsMessage& m) { return m.flight >= flight; });
  v.messages.push_back({kinds::tls_alert, from_client, flight});
  v.ok = false;
  v.alert = alert;
  v.alert_code = code;
  v.alert_from_client = from_client;
  v.flights = flight + 1;
}

}  // namespace

bool can_staple(Issuer issuer) { return issuer == Issuer::private_ca; }

bool refuses_client_cert_in_http(ProxyPreset preset) {
  return preset == ProxyPreset::nginx || preset == ProxyPreset::ingress_nginx;
}

const char* verify_clients_name(VerifyClients v) {
  switch (v) {
    case VerifyClients::optional:
      return "optional";
    case VerifyClients::require:
      return "require";
    default:
      return "off";
  }
}

const char* client_certificate_name(ClientCertificate c) {
  switch (c) {
    case ClientCertificate::trusted:
      return "trusted";
    case ClientCertificate::untrusted:
      return "untrusted";
    default:
      return "none";
  }
}

void apply_client_auth(const TlsConfig& c, TlsVerdict& v) {
  auto& m = v.messages;
  const int cert = find(m, kinds::tls_certificate, false);
  if (cert < 0) return;
  const int server_flight = m[static_cast<size_t>(cert)].flight;
  const bool stapled = c.ocsp_stapling && can_staple(c.cert_issuer);
  if (stapled) {
    v.ocsp = c.cert_revoked ? "revoked" : "good";
    if (v.version == tls12) m.insert(m.begin() + cert + 1, {kinds::tls_certificate_status, false, server_flight});
  }
  const bool asks = c.verify_clients != VerifyClients::off;
  if (asks) {
    const int at = v.version == tls13 ? find(m, kinds::tls_encrypted_extensions, false) + 1
                                      : find(m, kinds::tls_server_hello_done, false);
    if (at >= 0) m.insert(m.begin() + at, {kinds::tls_certificate_request, false, server_flight});
  }
  // The client judged the server's certificate first (decide_tls); a failure there ends it.
  if (v.alert_code != 0) return;
  if (stapled && c.cert_revoked) {
    // The simulated browser refuses a stapled "revoked", as Firefox does (mozilla-ocsp-stapling),
    // with the alert a client built on OpenSSL sends when its status callback fails: 113
    // bad_certificate_status_response (statem_clnt.c). The chain itself verified: result 0.
    // OpenSSL's s_client -status only prints the status (docs/tls.md).
    end_with_alert(v, server_flight + 1, true, "bad_certificate_status_response",
                   tls_codes::alert_bad_certificate_status_response);
    return;
  }
  if (!asks) return;
  const bool presents = c.client_certificate != ClientCertificate::none;
  const int anchor =
      v.version == tls13 ? find(m, kinds::tls_finished, true) : find(m, kinds::tls_client_key_exchange, true);
  if (anchor < 0) return;
  const int flight = m[static_cast<size_t>(anchor)].flight;
  // An empty Certificate when the client has none (RFC 8446 4.4.2, RFC 5246 7.4.6); a
  // CertificateVerify only with a certificate.
  if (v.version == tls13) {
    if (presents) m.insert(m.begin() + anchor, {kinds::tls_certificate_verify, true, flight});
    m.insert(m.begin() + anchor, {kinds::tls_certificate, true, flight});
  } else {
    if (presents) m.insert(m.begin() + anchor + 1, {kinds::tls_certificate_verify, true, flight});
    m.insert(m.begin() + anchor, {kinds::tls_certificate, true, flight});
  }
  v.client_verify = !presents ? "NONE"
                    : c.client_certificate == ClientCertificate::trusted
                        ? "SUCCESS"
                        : "FAILED:unable to get local issuer certificate";
  const bool missing = !presents && c.verify_clients == VerifyClients::require;
  const bool untrusted = c.client_certificate == ClientCertificate::untrusted;
  if (!missing && !untrusted) return;
  if (refuses_client_cert_in_http(c.preset)) {
    // nginx's texts for its codes 496 and 495, sent with status 400.
    v.http_refusal = missing ? "No required SSL certificate was sent" : "The SSL certificate error";
    return;
  }
  // OpenSSL (HAProxy) and recent Go crypto/tls (Caddy, Traefik) send the same alerts: TLS 1.3
  // certificate_required, TLS 1.2 handshake_failure for a missing certificate; unknown_ca for an
  // untrusted one (ssl_verify_alarm_type; handshake_server.go processCertsFromClient).
  if (missing)
    end_with_alert(v, flight + 1, false, v.version == tls13 ? "certificate_required" : "handshake_failure",
                   v.version == tls13 ? tls_codes::alert_certificate_required : tls_codes::alert_handshake_failure);
  else
    end_with_alert(v, flight + 1, false, "unknown_ca", tls_codes::alert_unknown_ca);
}

std::string client_auth_text(const TlsConfig& cfg) {
  return std::string(verify_clients_name(cfg.verify_clients)) + "," + client_certificate_name(cfg.client_certificate) +
         (cfg.cert_revoked    ? ",ocsp-revoked"
          : cfg.ocsp_stapling ? ",ocsp"
                              : ",no-ocsp");
}

namespace path {

void PathModel::client_auth_config(uint32_t r, uint32_t cert, TlsConfig& cfg) const {
  const ProxySpec& p = *sc.proxy;
  cfg.verify_clients = p.verify_clients;
  if (p.verify_clients != VerifyClients::off) cfg.client_certificate = clients[reqs[r].client].spec->client_certificate;
  cfg.ocsp_stapling = p.ocsp_stapling;
  // Only the certificate issued first is revoked: a renewal brings a fresh one.
  if (p.ocsp_stapling && cert < sc.certificates.size())
    cfg.cert_revoked = sc.certificates[cert].revoked && w.serving_certs[cert].serial == 1;
}

void client_auth_hello_fields(const TlsConfig& cfg, std::string& text, std::vector<FieldArg>& fields) {
  // One detail, only when something is set: a record holds at most 16, and a trace without
  // mutual TLS or stapling reads as before.
  if (cfg.verify_clients == VerifyClients::off && !cfg.ocsp_stapling) return;
  text = client_auth_text(cfg);
  fields.push_back({"client_auth", text});
}

std::optional<RecordId> PathModel::client_auth_record(uint32_t r, const TlsMessage& msg, const RecordSpec& base,
                                                      bool encrypted) {
  Request& q = reqs[r];
  const TlsVerdict& v = q.tls;
  RecordSpec spec = base;
  const auto append = [&](std::string_view narration, std::initializer_list<FieldArg> fields) {
    spec.narration = narration;
    return w.trace.append(spec, std::span<const FieldArg>(fields.begin(), fields.size()));
  };
  if (msg.kind == kinds::tls_certificate && msg.from_client) {
    const std::string_view n = v.client_verify == "NONE"      ? kinds::tls_certificate_client_empty
                               : v.client_verify == "SUCCESS" ? kinds::tls_certificate_client
                                                              : kinds::tls_certificate_client_untrusted;
    const ClientCertificate held = clients[q.client].spec->client_certificate;
    return append(n, {{"client_certificate", client_certificate_name(held)},
                      {"issuer", held == ClientCertificate::trusted ? "private-ca" : "untrusted"},
                      {"encrypted", encrypted}});
  }
  if (msg.kind == kinds::tls_certificate_verify && msg.from_client)
    return append(kinds::tls_certificate_verify_client, {{"encrypted", encrypted}});
  if (msg.kind == kinds::tls_certificate_request) {
    const bool optional = sc.proxy->verify_clients == VerifyClients::optional;
    return append(optional ? kinds::tls_certificate_request_optional : kinds::tls_certificate_request,
                  {{"verify_clients", verify_clients_name(sc.proxy->verify_clients)},
                   {"certificate_authorities", "private-ca"},
                   {"encrypted", encrypted}});
  }
  if (msg.kind == kinds::tls_certificate_status)
    return append(v.ocsp == "revoked" ? kinds::tls_certificate_status_revoked : kinds::tls_certificate_status_good,
                  {{"ocsp", v.ocsp}, {"encrypted", encrypted}});
  if (msg.kind == kinds::tls_certificate && !v.ocsp.empty() && v.version == tls13) {
    uint32_t cert = UINT32_MAX;
    const TlsConfig cfg = tls_config(r, &cert);
    return append(v.sni_matched ? kinds::tls_certificate_sni_stapled : kinds::tls_certificate_default_stapled,
                  {{"domain", cfg.cert_domain},
                   {"issuer", issuer_name(cfg.cert_issuer)},
                   {"sni", cfg.sni},
                   {"sni_matched", v.sni_matched},
                   {"ocsp", v.ocsp},
                   {"encrypted", encrypted}});
  }
  if (msg.kind == kinds::tls_alert && (v.alert_code == tls_codes::alert_bad_certificate_status_response ||
                                       (!msg.from_client && !v.client_verify.empty()))) {
    const std::string_view n = msg.from_client                       ? kinds::tls_alert_client_revoked
                               : v.client_verify.starts_with("NONE") ? kinds::tls_alert_server_client_cert_missing
                                                                     : kinds::tls_alert_server_client_cert_untrusted;
    return append(n, {{"alert", v.alert},
                      {"code", v.alert_code},
                      // The proxy's own verify result for the client's certificate (the
                      // verdict's is the client's, of the server's certificate: 0 here).
                      {"verify_result", msg.from_client || v.client_verify.starts_with("NONE")
                                            ? v.verify_result
                                            : tls_codes::verify_unable_to_get_issuer_cert_locally},
                      {"sni_matched", v.sni_matched}});
  }
  return std::nullopt;
}

void PathModel::client_cert_refused(uint32_t r) {
  Request& q = reqs[r];
  const ClientState& c = clients[q.client];
  emit(r, {.t = w.engine.now(), .kind = kinds::proxy_client_cert_refused, .stage = Stage::proxy, .actor = w.proxy_node},
       {{"reason", q.tls.http_refusal},
        {"client_verify", q.tls.client_verify},
        {"preset", preset_name(sc.proxy->preset)},
        {"host", c.url->host}});
  // nginx turns keep-alive off for these answers (ngx_http_special_response.c): the next request
  // opens a new connection and handshakes again.
  conns[q.conn].open = false;
  relist_conn(q.conn);
  proxy_relay(r, 400, q.tls.http_refusal);
}

}  // namespace path

}  // namespace deploysim
