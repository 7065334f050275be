// From a simulated handshake's TlsConfig to the real one that replays it, and the key transcripts
// are stored by: pure, so that the browser build looks up recorded transcripts as the native
// build caches them.
#include <algorithm>
#include <functional>
#include <tuple>

#include "deploysim/loopback/transcript.hpp"
#include "deploysim/presets.hpp"

namespace deploysim::loopback {

namespace {

constexpr int64_t day_s = 86400;

auto key_of(const TlsConfig& c) {
  return std::make_tuple(std::cref(c.sni), std::cref(c.verify_host), c.offered_versions, c.accepted_versions,
                         std::cref(c.alpn_offered), std::cref(c.alpn_supported), c.has_certificate,
                         std::cref(c.cert_domain), std::cref(c.cert_alt_names), c.cert_issuer, c.not_before_unix,
                         c.not_after_unix, time_span(c), c.strict_sni, c.preset);
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
