#include "deploysim/tls_model.hpp"

#include <algorithm>
#include <functional>

#include "deploysim/presets.hpp"
#include "deploysim/kinds.hpp"
#include "request_path/tls_client_auth.hpp"
#include "request_path/tls_codes.hpp"

namespace deploysim {

namespace {

uint8_t highest_common(uint8_t a, uint8_t b) {
  const uint8_t both = a & b;
  if (both & tls13) return tls13;
  if (both & tls12) return tls12;
  return 0;
}

// Server preference decides, as OpenSSL's SSL_select_next_proto and Go's crypto/tls do; no
// overlap means no ALPN extension in the answer (the connection then speaks HTTP/1.1).
std::string negotiate_alpn(const std::vector<std::string>& offered, const std::vector<std::string>& supported) {
  for (const auto& p : supported)
    if (std::find(offered.begin(), offered.end(), p) != offered.end()) return p;
  return {};
}

void server_flight(TlsVerdict& v, int f) {
  if (v.version == tls13) {
    for (const std::string_view k : {kinds::tls_server_hello, kinds::tls_encrypted_extensions, kinds::tls_certificate,
                                     kinds::tls_certificate_verify, kinds::tls_finished})
      v.messages.push_back({k, false, f});
  } else {
    // TLS 1.2 (RFC 5246 7.3): the certificate travels in clear, before any key is agreed.
    for (const std::string_view k : {kinds::tls_server_hello, kinds::tls_certificate, kinds::tls_server_key_exchange,
                                     kinds::tls_server_hello_done})
      v.messages.push_back({k, false, f});
  }
}

bool is_go(ProxyPreset p) { return p == ProxyPreset::caddy || p == ProxyPreset::traefik; }

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The key-exchange group. The client sends a key share for its first group only (OpenSSL 3.0's
// default); a TLS 1.3 server that accepts that group takes it, one that accepts another of the
// client's groups asks again (HelloRetryRequest, RFC 8446 4.1.4) for the first of ITS OWN list
// the client supports: OpenSSL 3.0's final_key_share ("the first group we allow that is also in
// client's list", ssl/statem/extensions.c) and Go's crypto/tls (curvePreferences) alike; checked
// against real OpenSSL in tests/test_tls_resumption.cpp. TLS 1.2 has no key share: OpenSSL
// without SSL_OP_CIPHER_SERVER_PREFERENCE (nginx's default) follows the client's order
// (tls1_shared_group), Go's crypto/tls its own.
bool agree_group(const TlsConfig& c, TlsVerdict& v) {
  const bool tls13_share = v.version == tls13;
  if (tls13_share && !c.client_groups.empty() && contains(c.server_groups, c.client_groups.front())) {
    v.group = c.client_groups.front();
    return true;
  }
  const bool server_order = tls13_share || is_go(c.preset);
  const auto& first = server_order ? c.server_groups : c.client_groups;
  const auto& second = server_order ? c.client_groups : c.server_groups;
  for (const auto& g : first)
    if (contains(second, g)) {
      v.group = g;
      v.hello_retry = tls13_share;
      return true;
    }
  return false;
}

// A resumed handshake (RFC 8446 2.2, RFC 5077 3.1): the ticket stands in for the certificate
// and, in TLS 1.2, for the key exchange. TLS 1.3 still runs (EC)DHE (psk_dhe_ke).
void resumed_flights(TlsVerdict& v, int f) {
  if (v.version == tls13) {
    for (const std::string_view k : {kinds::tls_server_hello, kinds::tls_encrypted_extensions, kinds::tls_finished})
      v.messages.push_back({k, false, f});
    if (v.early_data_accepted) v.messages.push_back({kinds::tls_end_of_early_data, true, f + 1});
    v.messages.push_back({kinds::tls_finished, true, f + 1});
  } else {
    // The server speaks first with its ChangeCipherSpec and Finished: 1 RTT instead of 2.
    for (const std::string_view k : {kinds::tls_server_hello, kinds::tls_change_cipher_spec, kinds::tls_finished})
      v.messages.push_back({k, false, f});
    for (const std::string_view k : {kinds::tls_change_cipher_spec, kinds::tls_finished})
      v.messages.push_back({k, true, f + 1});
  }
  v.flights = f + 2;
}

// OpenSSL 3 verify_chain (crypto/x509/x509_vfy.c) builds the chain first, then checks the host
// name (check_id), then signatures and times (internal_verify); ssl_verify_alarm_type maps each
// error to the alert the client sends.
void verify_certificate(const TlsConfig& c, TlsVerdict& v) {
  if (c.cert_issuer == Issuer::self_signed) {
    v.verify_result = tls_codes::verify_depth_zero_self_signed_cert;
    v.alert = "unknown_ca";
    v.alert_code = tls_codes::alert_unknown_ca;
  } else if (c.cert_issuer == Issuer::untrusted) {
    v.verify_result = tls_codes::verify_unable_to_get_issuer_cert_locally;
    v.alert = "unknown_ca";
    v.alert_code = tls_codes::alert_unknown_ca;
  } else if (!certificate_covers(c.cert_domain, c.cert_alt_names, c.verify_host)) {
    // OpenSSL's SSL_set1_host checks an IP literal against the certificate's IP addresses, not
    // its DNS names: a client that asked for https://203.0.113.10/ gets "IP address mismatch".
    v.verify_result =
        is_ip_literal(c.verify_host) ? tls_codes::verify_ip_address_mismatch : tls_codes::verify_hostname_mismatch;
    v.alert = "bad_certificate";
    v.alert_code = tls_codes::alert_bad_certificate;
  } else if (c.check_time_unix < c.not_before_unix) {
    v.verify_result = tls_codes::verify_cert_not_yet_valid;
    v.alert = "bad_certificate";
    v.alert_code = tls_codes::alert_bad_certificate;
  } else if (c.check_time_unix >= c.not_after_unix) {
    // OpenSSL's X509_cmp_time counts notAfter itself as past (checked against real OpenSSL in
    // tests/test_loopback_model.cpp).
    v.verify_result = tls_codes::verify_cert_has_expired;
    v.alert = "certificate_expired";
    v.alert_code = tls_codes::alert_certificate_expired;
  }
}

}  // namespace

bool is_ip_literal(std::string_view host) {
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

size_t TlsConfigHash::operator()(const TlsConfig& c) const {
  size_t h = 0;
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  const std::hash<std::string> text;
  mix(text(c.sni));
  mix(text(c.verify_host));
  mix(c.offered_versions);
  mix(c.accepted_versions);
  for (const auto& a : c.alpn_offered) mix(text(a));
  mix(0xa1);  // a separator: ["h2"], [] differs from [], ["h2"]
  for (const auto& a : c.alpn_supported) mix(text(a));
  mix(c.has_certificate);
  mix(text(c.cert_domain));
  for (const auto& a : c.cert_alt_names) mix(text(a));
  mix(static_cast<size_t>(c.cert_issuer));
  mix(static_cast<size_t>(c.not_before_unix));
  mix(static_cast<size_t>(c.not_after_unix));
  mix(static_cast<size_t>(c.check_time_unix));
  mix(c.strict_sni);
  mix(static_cast<size_t>(c.preset));
  for (const auto& g : c.client_groups) mix(text(g));
  mix(0xa2);
  for (const auto& g : c.server_groups) mix(text(g));
  mix(static_cast<size_t>(c.ticket));
  mix(c.early_data);
  mix(c.server_early_data);
  mix(static_cast<size_t>(c.tickets));
  mix(static_cast<size_t>(c.verify_clients));
  mix(static_cast<size_t>(c.client_certificate));
  mix(c.ocsp_stapling);
  mix(c.cert_revoked);
  return h;
}

bool certificate_covers(std::string_view cert_domain, std::string_view host) {
  if (cert_domain.empty() || host.empty()) return false;
  if (cert_domain == host) return true;
  if (cert_domain.size() > 2 && cert_domain.substr(0, 2) == "*.") {
    const size_t dot = host.find('.');
    return dot != std::string_view::npos && dot > 0 && host.substr(dot + 1) == cert_domain.substr(2);
  }
  return false;
}

bool certificate_covers(std::string_view cert_domain, const std::vector<std::string>& alt_names,
                        std::string_view host) {
  return certificate_covers(cert_domain, host) ||
         std::any_of(alt_names.begin(), alt_names.end(),
                     [&](const std::string& n) { return certificate_covers(n, host); });
}

const char* preset_name(ProxyPreset preset) { return proxy_preset(preset).name.data(); }

const char* issuer_name(Issuer issuer) {
  switch (issuer) {
    case Issuer::letsencrypt:
      return "letsencrypt";
    case Issuer::private_ca:
      return "private-ca";
    case Issuer::self_signed:
      return "self-signed";
    case Issuer::untrusted:
      return "untrusted";
    case Issuer::provider:
      return "provider";
  }
  return "letsencrypt";
}

std::optional<Issuer> find_issuer(std::string_view name) {
  for (const Issuer i :
       {Issuer::letsencrypt, Issuer::private_ca, Issuer::self_signed, Issuer::untrusted, Issuer::provider})
    if (name == issuer_name(i)) return i;
  return std::nullopt;
}

const char* tls_version_name(uint8_t version) {
  if (version == tls13) return "TLS 1.3";
  if (version == tls12) return "TLS 1.2";
  return "none";
}

std::optional<std::string_view> find_group(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> groups[] = {
      {"x25519", "X25519"}, {"p256", "P-256"}, {"p384", "P-384"}, {"p521", "P-521"}};
  for (const auto& [ours, openssl] : groups)
    if (name == ours) return openssl;
  return std::nullopt;
}

std::string openssl_groups(const std::vector<std::string>& groups) {
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : ":") + std::string(find_group(g).value_or(g));
  return out;
}

// nginx: ssl_session_tickets on (ngx_http_ssl_module); HAProxy: tickets unless no-tls-tickets;
// Go's crypto/tls: SessionTicketsDisabled false; ingress-nginx ConfigMap ssl-session-tickets
// "false" (docs/user-guide/nginx-configuration/configmap.md). The cloud load balancer: assumed on.
bool preset_sends_tickets(ProxyPreset p) { return p != ProxyPreset::ingress_nginx; }

// OpenSSL SSL_CTX_set_num_tickets(3): 2 after a full handshake, at most 1 after a resumption.
// Go's crypto/tls (handshake_server_tls13.go, sendSessionTickets): one per handshake.
int preset_tickets_per_handshake(ProxyPreset p) { return is_go(p) ? 1 : 2; }

// Go's crypto/tls has no server-side 0-RTT (golang/go#48597); AWS ALB offers no setting for it.
bool preset_accepts_early_data(ProxyPreset p) { return !is_go(p) && p != ProxyPreset::cloud_lb; }

bool preset_keeps_anti_replay(ProxyPreset) {
  // nginx: ngx_ssl_create sets SSL_OP_NO_ANTI_REPLAY (src/event/ngx_event_openssl.c), so
  // ingress-nginx too; HAProxy sets it with allow-0rtt (src/ssl_sock.c).
  return false;
}

int round_trips(const TlsVerdict& v) { return v.early_data_accepted ? 0 : v.flights / 2; }

TlsVerdict decide_tls(const TlsConfig& c) {
  TlsVerdict v;
  v.messages.push_back({kinds::tls_client_hello, true, 0});
  // The ticket said the server takes early data: the request rides in the first flight.
  v.offered_ticket = c.ticket != TicketOffer::none;
  v.early_data_sent = c.early_data && v.offered_ticket;
  if (v.early_data_sent) v.messages.push_back({kinds::tls_early_data, true, 0});
  v.sni_matched = c.has_certificate && !c.sni.empty() && certificate_covers(c.cert_domain, c.cert_alt_names, c.sni);
  v.version = highest_common(c.offered_versions, c.accepted_versions);
  if (v.version == 0) {
    v.alert = "protocol_version";
    v.alert_code = tls_codes::alert_protocol_version;
    v.messages.push_back({kinds::tls_alert, false, 1});
    v.flights = 2;
    return v;
  }
  if (!c.has_certificate || (c.strict_sni && !v.sni_matched)) {
    // The preset's alert (presets.cpp): nginx and HAProxy unrecognized_name, Go's crypto/tls internal_error.
    const ProxyPresetInfo& preset = proxy_preset(c.preset);
    v.alert = preset.reject_alert;
    v.alert_code = preset.reject_alert_code;
    v.messages.push_back({kinds::tls_alert, false, 1});
    v.flights = 2;
    return v;
  }
  if (!agree_group(c, v)) {
    v.alert = "handshake_failure";  // RFC 8446 4.1.1: no common group
    v.alert_code = tls_codes::alert_handshake_failure;
    v.messages.push_back({kinds::tls_alert, false, 1});
    v.flights = 2;
    return v;
  }
  int f = 1;  // the server's first flight
  if (v.hello_retry) {
    v.messages.push_back({kinds::tls_hello_retry_request, false, 1});
    v.messages.push_back({kinds::tls_client_hello, true, 2});
    f = 3;
  }
  v.alpn = negotiate_alpn(c.alpn_offered, c.alpn_supported);
  v.early_data_tickets = c.server_early_data && v.version == tls13;
  v.single_use_tickets = v.early_data_tickets && preset_keeps_anti_replay(c.preset);
  v.resumed = c.ticket == TicketOffer::known;
  // Where OpenSSL's anti-replay is kept, 0-RTT tickets are single use: the first ClientHello takes
  // the session out of the cache, so after a HelloRetryRequest the second one finds nothing and the
  // handshake is a full one (measured: `deploysim handshake --hrr --resume --early-data`). Without
  // it the second ClientHello resumes; only its early data is refused (RFC 8446 4.2.10).
  if (v.resumed && v.hello_retry && v.single_use_tickets) {
    v.resumed = false;
    v.ticket_spent = true;
  }
  // RFC 8446 4.2.10: early data is accepted only with the first PSK and no HelloRetryRequest.
  v.early_data_accepted = v.early_data_sent && v.resumed && c.server_early_data && !v.hello_retry;
  if (v.resumed) {
    resumed_flights(v, f);
    v.ok = true;
    v.tickets = v.version == tls13 ? std::min(c.tickets, 1) : 0;  // OpenSSL 1.2 renews only an old ticket
    return v;
  }
  server_flight(v, f);
  verify_certificate(c, v);
  if (v.alert_code != 0) {
    v.alert_from_client = true;
    v.messages.push_back({kinds::tls_alert, true, f + 1});
    v.flights = f + 2;
    apply_client_auth(c, v);  // tls_client_auth.cpp: CertificateRequest, stapling
    return v;
  }
  v.ok = true;
  v.tickets = c.tickets;
  if (v.version == tls13) {
    v.messages.push_back({kinds::tls_finished, true, f + 1});
    v.flights = f + 2;  // the client's Finished travels with the first request: 1 RTT
  } else {
    for (const std::string_view k :
         {kinds::tls_client_key_exchange, kinds::tls_change_cipher_spec, kinds::tls_finished})
      v.messages.push_back({k, true, 2});
    v.tickets = std::min(c.tickets, 1);  // RFC 5077 3.3: one NewSessionTicket before ChangeCipherSpec
    if (v.tickets > 0) v.messages.push_back({kinds::tls_new_session_ticket, false, 3});
    for (const std::string_view k : {kinds::tls_change_cipher_spec, kinds::tls_finished})
      v.messages.push_back({k, false, 3});
    v.flights = 4;  // 2 RTT before the request can be sent
  }
  apply_client_auth(c, v);  // tls_client_auth.cpp: mutual TLS, stapling
  return v;
}

}  // namespace deploysim
