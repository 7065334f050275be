// The TLS message decoder: captured bytes re-parse to what OpenSSL negotiated, byte ranges
// point at the right bytes, and damaged input is reported, never crashes.
#include <doctest/doctest.h>

#include <string>

#include <openssl/ssl.h>

#include "deploysim/loopback/transcript_cache.hpp"

using namespace deploysim::loopback;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z

CertStore& store() {
  static CertStore s;
  return s;
}

const DecodedMessage& first(const Transcript& t, uint8_t type) {
  for (size_t i = 0; i < t.capture.messages.size(); ++i)
    if (t.capture.messages[i].content_type == handshake && t.capture.messages[i].handshake_type == type)
      return t.decoded[i];
  FAIL("message type not captured: " << int(type));
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("captured bytes re-parse to the fields OpenSSL negotiated") {
  for (uint8_t versions : {uint8_t{1}, uint8_t{2}}) {
    for (KeyType key : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
      LoopbackConfig c = default_loopback_config(start);
      c.server_versions = versions;
      for (auto& n : c.server_names) n.key = key;
      const Transcript t = run_loopback(c, store());
      CAPTURE(int(versions));
      REQUIRE(t.outcome.ok);
      CHECK(t.facts.version == t.outcome.version);
      CHECK(t.facts.cipher == t.outcome.cipher);
      CHECK(std::string(cipher_suite_name(t.facts.cipher)) == t.outcome.cipher_name);
      CHECK(t.facts.alpn == t.outcome.alpn);
      CHECK(t.facts.sni == "api.example.test");
      CHECK(t.facts.alpn_offered == std::vector<std::string>{"h2", "http/1.1"});
      CHECK(std::string(group_name(t.facts.group)) == "x25519");  // OpenSSL 3's first group
      CHECK(t.facts.cert_subject == "CN=api.example.test,O=deploysim");
      CHECK(t.facts.cert_issuer == "CN=deploysim Local Root CA,O=deploysim");
      CHECK(t.facts.cert_san == std::vector<std::string>{"api.example.test"});
      CHECK(t.facts.cert_not_before == "2026-10-02T09:00:00Z");
      CHECK(t.facts.cert_not_after == "2026-12-31T09:00:00Z");
      CHECK(t.facts.alert == -1);
      const DecodedMessage& cert = first(t, 11);
      CHECK(cert.find("certificate[0].key")->value == (key == KeyType::rsa2048 ? "RSA" : "ECDSA"));
      for (const auto& d : t.decoded) CHECK_FALSE(d.malformed);
    }
  }
}

TEST_CASE("field byte ranges point at the bytes they describe") {
  const Transcript t = run_loopback(default_loopback_config(start), store());
  const CapturedMessage& hello = t.capture.messages.at(0);
  const DecodedMessage& d = t.decoded.at(0);
  REQUIRE(d.name == "ClientHello");
  const Field* sni = d.find("server_name");
  REQUIRE(sni != nullptr);
  REQUIRE(sni->offset + sni->length <= hello.bytes.size());
  CHECK(std::string(hello.bytes.begin() + sni->offset, hello.bytes.begin() + sni->offset + sni->length) ==
        "api.example.test");
  const Field* random = d.find("random");
  CHECK(random->offset == 6);  // after type, length and legacy_version
  CHECK(random->length == 32);
}

TEST_CASE("alerts decode with OpenSSL's description") {
  LoopbackConfig c = default_loopback_config(start);
  c.verify_time = start + 100 * 86400;
  const Transcript t = run_loopback(c, store());
  CHECK(t.facts.alert == SSL_AD_CERTIFICATE_EXPIRED);
  bool seen = false;
  for (size_t i = 0; i < t.decoded.size(); ++i) {
    if (t.decoded[i].name != "Alert") continue;
    CHECK(t.decoded[i].find("level")->value == "fatal");
    CHECK(t.decoded[i].find("description")->value == "certificate expired (45)");
    seen = true;
    break;
  }
  CHECK(seen);
}

TEST_CASE("truncated or corrupted messages are flagged, never crash") {
  const Transcript t = run_loopback(default_loopback_config(start), store());
  for (size_t i = 0; i < t.capture.messages.size(); ++i) {
    const CapturedMessage& m = t.capture.messages[i];
    for (size_t cut = 0; cut < m.bytes.size(); cut += 7) {
      CapturedMessage damaged = m;
      damaged.bytes.resize(cut);
      const DecodedMessage d = decode_message(damaged, true);
      if (m.content_type == handshake && cut < m.bytes.size()) CHECK(d.malformed);
      for (const auto& f : d.fields) CHECK(f.offset + f.length <= damaged.bytes.size());
    }
    CapturedMessage flipped = m;
    for (auto& b : flipped.bytes) b = static_cast<uint8_t>(b ^ 0xa5);
    (void)decode_message(flipped, true);
  }
  std::vector<CapturedMessage> broken(1);
  broken[0].content_type = handshake;
  broken[0].handshake_type = 2;
  broken[0].bytes = {2, 0, 0, 3, 3, 3, 0};
  CHECK(decode_message(broken[0], false).malformed);
  const TranscriptFacts f = summarize(broken);  // what could be read is kept, the rest is empty
  CHECK(f.version == 0x0303);
  CHECK(f.cipher == 0);
}
