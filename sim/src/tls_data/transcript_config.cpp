// From a simulated handshake's TlsConfig to the real one that replays it, and the key transcripts
// are stored by: pure, so that the browser build looks up recorded transcripts as the native
// build caches them.
#include <algorithm>
#include <functional>
#include <tuple>

#include "deploysim/loopback/transcript.hpp"
#include "deploysim/presets.hpp"
#include "request_path/tls_client_auth.hpp"

namespace deploysim::loopback {

namespace {

constexpr int64_t day_s = 86400;

auto key_of(const TlsConfig& c) {
  return std::make_tuple(std::cref(c.sni), std::cref(c.verify_host), c.offered_versions, c.accepted_versions,
                         std::cref(c.alpn_offered), std::cref(c.alpn_supported), c.has_certificate,
                         std::cref(c.cert_domain), std::cref(c.cert_alt_names), c.cert_issuer, c.not_before_unix,
                         c.not_after_unix, time_span(c), c.strict_sni, c.preset, c.verify_clients, c.client_certificate,
                         c.ocsp_stapling, c.cert_revoked, std::cref(c.client_groups), std::cref(c.server_groups),
                         c.ticket, c.early_data && c.ticket != TicketOffer::none, c.server_early_data);
}

}  // namespace

LoopbackConfig default_loopback_config(int64_t now) {
  LoopbackConfig c;
  c.verify_time = now;
  for (const char* name : {"api.example.test", "www.example.test"}) {
    NameConfig n;
    n.name = name;
    n.not_before = now - 30 * day_s;
    n.not_after = n.not_before + 90 * day_s;  // domain-facts.md: Let's Encrypt 90-day certificates
    c.server_names.push_back(n);
  }
  c.default_name = "www.example.test";
  return c;
}

CertTrust trust_of(Issuer i) {
  switch (i) {
    case Issuer::self_signed:
      return CertTrust::self_signed;
    case Issuer::untrusted:
      return CertTrust::untrusted_ca;
    default:
      return CertTrust::trusted;
  }
}

// Groups as OpenSSL spells them, only where the scenario changed them (the default configuration
// keeps its recorded key); a ticket becomes a second connection (resume), to a proxy that can no
// longer read it when it is unknown (a new SSL_CTX: new ticket keys).
static void resumption_loopback(const TlsConfig& c, LoopbackConfig& l) {
  const TlsConfig plain;
  if (c.client_groups != plain.client_groups) l.client_groups = openssl_groups(c.client_groups);
  if (c.server_groups != plain.server_groups) l.server_groups = openssl_groups(c.server_groups);
  l.resume = c.ticket == TicketOffer::known     ? ResumeMode::resume
             : c.ticket == TicketOffer::unknown ? ResumeMode::lost_ticket_key
                                                : ResumeMode::off;
  l.early_data = c.early_data && c.ticket != TicketOffer::none;
  l.server_early_data = c.server_early_data;
  l.no_anti_replay = c.server_early_data && !preset_keeps_anti_replay(c.preset);
}

// Mutual TLS and stapling as the real handshake runs them, proxy by proxy as the model decides
// (tls_client_auth.cpp): nginx lets every handshake complete and refuses in HTTP; the others fail
// the handshake on an untrusted certificate, and on a missing one only when they require it. The
// client refuses a stapled "revoked", as the model's browser does.
static void client_auth_loopback(const TlsConfig& c, LoopbackConfig& l) {
  const bool http = refuses_client_cert_in_http(c.preset);
  const bool required = c.verify_clients == VerifyClients::require;
  if (c.verify_clients != VerifyClients::off)
    l.client_cert = c.client_certificate == ClientCertificate::trusted ? ClientCertMode::trusted
                    : c.client_certificate == ClientCertificate::untrusted
                        ? (http ? ClientCertMode::untrusted_http : ClientCertMode::untrusted)
                    : !required ? ClientCertMode::missing_allowed
                    : http      ? ClientCertMode::missing_http
                                : ClientCertMode::missing;
  // Only the private CA has a responder to staple from (tls_client_auth.cpp, can_staple).
  if (c.ocsp_stapling && can_staple(c.cert_issuer))
    l.staple = c.cert_revoked ? StapleMode::revoked_refused : StapleMode::good;
}

LoopbackConfig loopback_config_for(const TlsConfig& c) {
  LoopbackConfig l;
  l.sni = c.sni;
  l.send_sni = !c.sni.empty();
  l.host = c.verify_host;
  l.client_versions = c.offered_versions;
  l.server_versions = c.accepted_versions;
  l.client_alpn = c.alpn_offered;
  if (c.has_certificate) {
    NameConfig n;
    n.name = c.cert_domain;
    n.alt_names = c.cert_alt_names;
    n.alpn = c.alpn_supported;
    n.not_before = c.not_before_unix;
    n.not_after = c.not_after_unix;
    n.trust = trust_of(c.cert_issuer);
    l.server_names.push_back(n);
    l.default_name = c.cert_domain;
  }
  l.strict_sni = c.strict_sni;
  l.reject_alert = proxy_preset(c.preset).reject_alert_code;
  l.verify_time = c.check_time_unix;
  client_auth_loopback(c, l);
  resumption_loopback(c, l);
  return l;
}

int time_span(const TlsConfig& c) {
  if (c.check_time_unix < c.not_before_unix) return -1;
  return c.check_time_unix >= c.not_after_unix ? 1 : 0;
}

int64_t time_in_span(const TlsConfig& c, int span) {
  if (span < 0) return c.not_before_unix - 1;
  // The later date: a certificate whose notAfter precedes its notBefore is still "after" there.
  if (span > 0) return std::max(c.not_after_unix, c.not_before_unix);
  return c.not_before_unix;
}

int64_t representative_time(const TlsConfig& c) { return time_in_span(c, time_span(c)); }

TlsConfig undated(const TlsConfig& c) {
  TlsConfig u = c;
  u.not_before_unix = 0;
  u.not_after_unix = 2;  // a span 0 between them: every span has a clock
  u.check_time_unix = time_in_span(u, time_span(c));
  return u;
}

bool TranscriptKeyLess::operator()(const TlsConfig& a, const TlsConfig& b) const { return key_of(a) < key_of(b); }

}  // namespace deploysim::loopback
