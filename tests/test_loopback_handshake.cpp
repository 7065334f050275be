// Real OpenSSL handshakes over memory BIOs: failure modes, SNI choice, ALPN, versions.
#include <doctest/doctest.h>

#include <algorithm>

#include <openssl/x509_vfy.h>

#include "deploysim/loopback/http2_frames.hpp"
#include "deploysim/loopback/transcript_cache.hpp"

using namespace deploysim::loopback;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z
constexpr int64_t day = 86400;

CertStore& store() {
  static CertStore s;
  return s;
}

Transcript run(const LoopbackConfig& c) { return run_loopback(c, store()); }

LoopbackConfig base() { return default_loopback_config(start); }

LoopbackConfig with_trust(CertTrust t) {
  LoopbackConfig c = base();
  for (auto& n : c.server_names) n.trust = t;
  return c;
}

std::vector<std::string> sequence(const Transcript& t) {
  std::vector<std::string> out;
  for (const auto& m : t.capture.messages) {
    if (m.content_type == alert && m.bytes.size() >= 2 && m.bytes[1] == 0) continue;  // close_notify
    out.push_back(std::string(direction_arrow(m.dir)) + " " + message_name(m));
  }
  return out;
}

}  // namespace

TEST_CASE("a valid certificate at the simulated time completes TLS 1.3 and carries HTTP") {
  const Transcript t = run(base());
  CHECK(t.outcome.ok);
  CHECK(t.outcome.verify_result == X509_V_OK);
  CHECK(t.outcome.version == 0x0304);
  CHECK(t.outcome.alert == -1);
  CHECK(t.outcome.served_name == "api.example.test");
  // ALPN chose h2 (the client offers h2 first): the request and answer are HTTP/2 frames.
  CHECK(t.outcome.alpn == "h2");
  CHECK(t.outcome.request.rfind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0) == 0);
  CHECK(h2_summary(t.outcome.request) == "GET https://api.example.test/");
  CHECK(h2_summary(t.outcome.response) == ":status 200");
  CHECK(t.outcome.response.find("hello from the loopback proxy") != std::string::npos);
  CHECK(t.outcome.client_error.empty());
  CHECK(t.outcome.server_error.empty());
  // client/server handshake + application traffic secrets and the exporter secret
  CHECK(t.capture.keylog.size() == 5);
  CHECK(t.capture.keylog.front().find('\n') == std::string::npos);
}

TEST_CASE("each certificate failure gives OpenSSL's verification error and alert") {
  struct Case {
    const char* name;
    LoopbackConfig config;
    long verify;
    int alert;
  };
  LoopbackConfig expired = base();
  expired.verify_time = start + 61 * day;
  LoopbackConfig early = base();
  early.verify_time = start - 31 * day;
  const Case cases[] = {
      {"expired", expired, X509_V_ERR_CERT_HAS_EXPIRED, SSL_AD_CERTIFICATE_EXPIRED},
      {"not yet valid", early, X509_V_ERR_CERT_NOT_YET_VALID, SSL_AD_BAD_CERTIFICATE},
      {"wrong name", with_trust(CertTrust::wrong_name), X509_V_ERR_HOSTNAME_MISMATCH, SSL_AD_BAD_CERTIFICATE},
      {"untrusted CA", with_trust(CertTrust::untrusted_ca), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
       SSL_AD_UNKNOWN_CA},
      {"untrusted chain", with_trust(CertTrust::untrusted_chain), X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
       SSL_AD_UNKNOWN_CA},
      {"self-signed", with_trust(CertTrust::self_signed), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, SSL_AD_UNKNOWN_CA},
  };
  for (const auto& c : cases) {
    for (uint8_t versions : {uint8_t{1}, uint8_t{2}}) {
      const std::string label = std::string(c.name) + (versions == 1 ? " TLS 1.2" : " TLS 1.3");
      CAPTURE(label);
      LoopbackConfig cfg = c.config;
      cfg.server_versions = versions;
      const Transcript t = run(cfg);
      CHECK_FALSE(t.outcome.ok);
      CHECK(t.outcome.verify_result == c.verify);
      CHECK(t.outcome.alert == c.alert);
      CHECK(t.outcome.alert_from == Direction::client_to_server);
      CHECK(t.outcome.request.empty());  // no HTTP crossed a failed handshake
      CHECK_FALSE(t.outcome.client_error.empty());
      CHECK(t.outcome.server_error.find("alert") != std::string::npos);  // the server saw the alert
    }
  }
}

TEST_CASE("SNI selects the certificate; without SNI the default or a strict rejection") {
  SUBCASE("each name gets its own certificate") {
    for (const char* name : {"api.example.test", "www.example.test"}) {
      LoopbackConfig c = base();
      c.sni = c.host = name;
      const Transcript t = run(c);
      CHECK(t.outcome.ok);
      CHECK(t.outcome.served_name == name);
      CHECK(t.facts.cert_san == std::vector<std::string>{name});
    }
  }
  SUBCASE("a wildcard certificate covers one label") {
    LoopbackConfig c = base();
    c.server_names = {c.server_names[0]};
    c.server_names[0].name = "*.example.test";
    c.strict_sni = true;
    c.sni = c.host = "shop.example.test";
    const Transcript t = run(c);
    CHECK(t.outcome.ok);
    CHECK(t.facts.cert_san == std::vector<std::string>{"*.example.test"});
    c.sni = c.host = "a.b.example.test";
    CHECK(run(c).outcome.alert == SSL_AD_UNRECOGNIZED_NAME);
  }
  SUBCASE("no SNI: the default certificate, which fails the hostname check for api") {
    LoopbackConfig c = base();
    c.send_sni = false;
    const Transcript t = run(c);
    CHECK(t.outcome.served_name == "www.example.test");
    CHECK(t.outcome.verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
    CHECK(t.facts.sni.empty());
  }
  SUBCASE("strict SNI with an unknown name: unrecognized_name from the server") {
    LoopbackConfig c = base();
    c.strict_sni = true;
    c.sni = c.host = "shop.example.test";
    const Transcript t = run(c);
    CHECK_FALSE(t.outcome.ok);
    CHECK(t.outcome.served_name.empty());
    CHECK(t.outcome.alert == SSL_AD_UNRECOGNIZED_NAME);
    CHECK(t.outcome.alert_from == Direction::server_to_client);
    CHECK(t.outcome.client_error.find("unrecognized name") != std::string::npos);
  }
}

TEST_CASE("ALPN: h2 where the server offers it, http/1.1 where it does not") {
  LoopbackConfig c = base();
  c.server_names[0].alpn = {"http/1.1"};        // api behind Uvicorn: HTTP/1.1 only
  c.server_names[1].alpn = {"h2", "http/1.1"};  // www behind Hypercorn: HTTP/2
  CHECK(run(c).outcome.alpn == "http/1.1");
  c.sni = c.host = "www.example.test";
  CHECK(run(c).outcome.alpn == "h2");
  c.client_alpn = {"http/1.1"};
  CHECK(run(c).outcome.alpn == "http/1.1");
  c.client_alpn = {};
  CHECK(run(c).outcome.alpn.empty());
}

TEST_CASE("TLS 1.2 and TLS 1.3 message sequences differ as the RFCs say") {
  LoopbackConfig c = base();
  c.http = false;
  c.server_versions = 2;
  // The ChangeCipherSpec records are RFC 8446 appendix D.4's middlebox compatibility mode.
  const std::vector<std::string> tls13 = {
      "C->S ClientHello", "S->C ServerHello",       "S->C ChangeCipherSpec", "S->C EncryptedExtensions",
      "S->C Certificate", "S->C CertificateVerify", "S->C Finished",         "C->S ChangeCipherSpec",
      "C->S Finished"};
  const Transcript t13 = run(c);
  auto seq13 = sequence(t13);
  // OpenSSL's server sends its session tickets after the client Finished.
  while (!seq13.empty() && seq13.back() == "S->C NewSessionTicket") seq13.pop_back();
  CHECK(seq13 == tls13);
  CHECK(t13.capture.messages[4].encrypted);  // Certificate travels encrypted in 1.3
  CHECK_FALSE(t13.capture.messages[0].encrypted);

  c.server_versions = 1;
  const std::vector<std::string> tls12 = {"C->S ClientHello",       "S->C ServerHello",     "S->C Certificate",
                                          "S->C ServerKeyExchange", "S->C ServerHelloDone", "C->S ClientKeyExchange",
                                          "C->S ChangeCipherSpec",  "C->S Finished",        "S->C NewSessionTicket",
                                          "S->C ChangeCipherSpec",  "S->C Finished"};
  const Transcript t12 = run(c);
  CHECK(sequence(t12) == tls12);
  CHECK(t12.outcome.version == 0x0303);
  CHECK_FALSE(t12.capture.messages[2].encrypted);  // Certificate in clear in 1.2
  CHECK(t12.capture.messages[7].encrypted);        // the client Finished after its CCS
  // 1.3: the server's Finished comes before the client's (1 RTT); 1.2: after it (2 RTT).
  const auto pos = [](const std::vector<std::string>& s, const char* what) {
    return std::find(s.begin(), s.end(), what) - s.begin();
  };
  CHECK(pos(seq13, "S->C Finished") < pos(seq13, "C->S Finished"));
  CHECK(pos(sequence(t12), "S->C Finished") > pos(sequence(t12), "C->S Finished"));
}

TEST_CASE("the transcript cache runs each configuration once and reuses certificates") {
  TranscriptCache cache;
  const LoopbackConfig c = base();
  const Transcript& a = cache.get(c);
  const Transcript& b = cache.get(c);
  CHECK(&a == &b);
  CHECK(cache.size() == 1);
  LoopbackConfig other = c;
  other.server_versions = 1;
  CHECK(cache.get(other).outcome.version == 0x0303);
  CHECK(cache.size() == 2);
  CHECK(cache.certs().leaves_generated() == 2);  // same certificates for both
}

TEST_CASE("a client that offers only http/1.1 gets HTTP/1.1 text") {
  LoopbackConfig c = base();
  c.client_alpn = {"http/1.1"};
  const Transcript t = run(c);
  CHECK(t.outcome.alpn == "http/1.1");
  CHECK(t.outcome.request.rfind("GET / HTTP/1.1\r\nHost: api.example.test", 0) == 0);
  CHECK(t.outcome.response.find("200 OK") != std::string::npos);
}

TEST_CASE("the HTTP/2 request reads back with a long path and host") {
  const std::string host(40, 'h'), path = "/" + std::string(200, 'p');
  CHECK(h2_summary(h2_request(host, path)) == "GET https://" + host + path);
  CHECK(h2_summary("") == "");
  CHECK(h2_summary("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00") == "");
}
