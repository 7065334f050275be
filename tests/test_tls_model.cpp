// decide_tls(): versions, ALPN, the server's SNI policy and the client's certificate checks.
#include <doctest/doctest.h>

#include "deploysim/tls_model.hpp"

using namespace deploysim;

namespace {

constexpr int64_t day = 86400;
constexpr int64_t now_unix = 1793523600;  // 2026-11-01T09:00:00Z

TlsConfig good() {
  TlsConfig c;
  c.sni = "api.example.test";
  c.verify_host = "api.example.test";
  c.alpn_offered = {"h2", "http/1.1"};
  c.alpn_supported = {"h2", "http/1.1"};
  c.cert_domain = "api.example.test";
  c.not_before_unix = now_unix - 30 * day;
  c.not_after_unix = now_unix + 60 * day;
  c.check_time_unix = now_unix;
  return c;
}

std::vector<std::string> kinds(const TlsVerdict& v) {
  std::vector<std::string> out;
  for (const auto& m : v.messages) out.emplace_back(m.kind);
  return out;
}

}  // namespace

TEST_CASE("TLS 1.3 completes in one round trip with SNI and ALPN") {
  const TlsVerdict v = decide_tls(good());
  CHECK(v.ok);
  CHECK(v.version == tls13);
  CHECK(v.alpn == "h2");
  CHECK(v.sni_matched);
  CHECK(v.verify_result == 0);
  CHECK(v.flights == 3);
  CHECK(kinds(v) == std::vector<std::string>{"tls.client_hello", "tls.server_hello", "tls.encrypted_extensions",
                                             "tls.certificate", "tls.certificate_verify", "tls.finished",
                                             "tls.finished"});
}

TEST_CASE("TLS 1.2 needs a second round trip before the request") {
  TlsConfig c = good();
  c.offered_versions = tls12;
  const TlsVerdict v = decide_tls(c);
  CHECK(v.ok);
  CHECK(v.version == tls12);
  CHECK(v.flights == 4);
  CHECK(kinds(v) == std::vector<std::string>{"tls.client_hello", "tls.server_hello", "tls.certificate",
                                             "tls.server_key_exchange", "tls.server_hello_done",
                                             "tls.client_key_exchange", "tls.change_cipher_spec", "tls.finished",
                                             "tls.change_cipher_spec", "tls.finished"});
}

TEST_CASE("no common version: the server sends protocol_version (70)") {
  TlsConfig c = good();
  c.offered_versions = tls12;
  c.accepted_versions = tls13;
  const TlsVerdict v = decide_tls(c);
  CHECK_FALSE(v.ok);
  CHECK(v.alert == "protocol_version");
  CHECK(v.alert_code == 70);
  CHECK_FALSE(v.alert_from_client);
}

TEST_CASE("ALPN follows the server's preference; no overlap means no ALPN") {
  TlsConfig c = good();
  c.alpn_offered = {"http/1.1", "h2"};
  CHECK(decide_tls(c).alpn == "h2");
  c.alpn_supported = {"http/1.1"};
  CHECK(decide_tls(c).alpn == "http/1.1");
  c.alpn_offered = {"h2"};
  const TlsVerdict v = decide_tls(c);
  CHECK(v.ok);
  CHECK(v.alpn.empty());
}

TEST_CASE("the client's certificate checks give OpenSSL's verify results and alerts") {
  SUBCASE("expired") {
    TlsConfig c = good();
    c.check_time_unix = c.not_after_unix + 1;
    const TlsVerdict v = decide_tls(c);
    CHECK(v.alert == "certificate_expired");
    CHECK(v.alert_code == 45);
    CHECK(v.verify_result == 10);
    CHECK(v.alert_from_client);
    CHECK(v.messages.back().kind == "tls.alert");
    CHECK(v.messages.back().from_client);
  }
  SUBCASE("not yet valid (a clock behind)") {
    TlsConfig c = good();
    c.check_time_unix = c.not_before_unix - 1;
    const TlsVerdict v = decide_tls(c);
    CHECK(v.alert == "bad_certificate");
    CHECK(v.alert_code == 42);
    CHECK(v.verify_result == 9);
  }
  SUBCASE("name mismatch") {
    TlsConfig c = good();
    c.cert_domain = "www.example.test";
    const TlsVerdict v = decide_tls(c);
    CHECK(v.alert == "bad_certificate");
    CHECK(v.alert_code == 42);
    CHECK(v.verify_result == 62);
    CHECK_FALSE(v.sni_matched);
  }
  SUBCASE("self-signed and untrusted issuers: unknown_ca (48)") {
    TlsConfig c = good();
    c.cert_issuer = Issuer::self_signed;
    CHECK(decide_tls(c).alert_code == 48);
    CHECK(decide_tls(c).verify_result == 18);
    c.cert_issuer = Issuer::untrusted;
    CHECK(decide_tls(c).alert == "unknown_ca");
    CHECK(decide_tls(c).verify_result == 20);
  }
  SUBCASE("trust is checked before the name, the name before the time") {
    TlsConfig c = good();
    c.cert_issuer = Issuer::untrusted;
    c.cert_domain = "www.example.test";
    c.check_time_unix = c.not_after_unix + 1;
    CHECK(decide_tls(c).verify_result == 20);
    c.cert_issuer = Issuer::letsencrypt;
    CHECK(decide_tls(c).verify_result == 62);
  }
}

TEST_CASE("strict SNI rejects a ClientHello the certificate does not cover, per preset") {
  TlsConfig c = good();
  c.sni.clear();
  c.strict_sni = true;
  c.preset = ProxyPreset::nginx;
  TlsVerdict v = decide_tls(c);
  CHECK(v.alert == "unrecognized_name");
  CHECK(v.alert_code == 112);
  CHECK(v.flights == 2);
  CHECK_FALSE(v.alert_from_client);
  c.preset = ProxyPreset::haproxy;
  CHECK(decide_tls(c).alert_code == 112);
  c.preset = ProxyPreset::traefik;
  CHECK(decide_tls(c).alert == "internal_error");
  c.sni = "api.example.test";
  CHECK(decide_tls(c).ok);
  c.strict_sni = false;
  c.has_certificate = false;
  CHECK(decide_tls(c).alert == "internal_error");
}

TEST_CASE("wildcard certificates cover exactly one label") {
  CHECK(certificate_covers("*.example.test", "api.example.test"));
  CHECK_FALSE(certificate_covers("*.example.test", "example.test"));
  CHECK_FALSE(certificate_covers("*.example.test", "a.b.example.test"));
  CHECK(certificate_covers("api.example.test", "api.example.test"));
  CHECK_FALSE(certificate_covers("", "api.example.test"));
}
