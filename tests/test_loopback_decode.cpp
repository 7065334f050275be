// The TLS message decoder: captured bytes re-parse to what OpenSSL negotiated, byte ranges
// point at the right bytes, and damaged input is reported, never crashes.
#include <doctest/doctest.h>

#include <string>

#include <openssl/ssl.h>

#include "deploysim/loopback/transcript_cache.hpp"
#include "loopback/der_ranges.hpp"

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

TEST_CASE("a certificate's fields light their own bytes, not the whole certificate") {
  for (KeyType key : {KeyType::ecdsa_p256, KeyType::rsa2048}) {
    LoopbackConfig c = default_loopback_config(start);
    for (auto& n : c.server_names) n.key = key;
    const Transcript t = run_loopback(c, store());
    size_t at = 0;
    while (at < t.capture.messages.size() && t.capture.messages[at].handshake_type != 11) ++at;
    REQUIRE(at < t.capture.messages.size());
    const std::vector<uint8_t>& bytes = t.capture.messages[at].bytes;
    const DecodedMessage& d = t.decoded[at];
    auto text = [&](const char* name) {
      const Field* f = d.find(name);
      REQUIRE(f != nullptr);
      REQUIRE(f->offset + f->length <= bytes.size());
      return std::string(bytes.begin() + f->offset, bytes.begin() + f->offset + f->length);
    };
    CAPTURE(int(key));
    // Each field is a DER element of its own: a Name, a time, a key, the SAN extension's value.
    const std::string subject = text("certificate[0].subject"), issuer = text("certificate[0].issuer");
    CHECK(subject.front() == 0x30);
    CHECK(subject.find("api.example.test") != std::string::npos);
    CHECK(subject.find("Root CA") == std::string::npos);
    CHECK(issuer.find("deploysim Local Root CA") != std::string::npos);
    CHECK(issuer.find("api.example.test") == std::string::npos);
    CHECK(text("certificate[0].not_before") ==
          "\x17\x0d"
          "261002090000Z");  // UTCTime
    CHECK(text("certificate[0].not_after") ==
          "\x17\x0d"
          "261231090000Z");
    const std::string san = text("certificate[0].san");
    CHECK(san.front() == 0x04);  // the extension's OCTET STRING, holding the dNSName
    CHECK(san.find("api.example.test") != std::string::npos);
    CHECK(san.size() < 40);
    const std::string spki = text("certificate[0].key");
    CHECK(spki.front() == 0x30);
    CHECK(spki.size() == (key == KeyType::rsa2048 ? 294u : 91u));  // RSA 2048 and P-256 SubjectPublicKeyInfo
  }
}

TEST_CASE("the certificate walk stays inside damaged DER") {
  const Transcript t = run_loopback(default_loopback_config(start), store());
  const CapturedMessage* cert = nullptr;
  for (const CapturedMessage& m : t.capture.messages)
    if (m.content_type == handshake && m.handshake_type == 11) cert = &m;
  REQUIRE(cert != nullptr);
  // TLS 1.3 Certificate: type, length(3), context(1) = 0, list length(3), entry length(3), DER.
  const std::vector<uint8_t>& b = cert->bytes;
  REQUIRE(b.size() > 11);
  const size_t der_len = (size_t{b[8]} << 16) | (size_t{b[9]} << 8) | b[10];
  REQUIRE(11 + der_len <= b.size());
  const std::vector<uint8_t> der(b.begin() + 11, b.begin() + 11 + static_cast<ptrdiff_t>(der_len));
  REQUIRE(certificate_ranges(der.data(), der.size()).san);
  auto inside = [](const std::optional<DerRange>& r, size_t n) { return !r || (r->from < r->to && r->to <= n); };
  auto all_inside = [&](const CertificateRanges& c, size_t n) {
    return inside(c.issuer, n) && inside(c.not_before, n) && inside(c.not_after, n) && inside(c.subject, n) &&
           inside(c.key, n) && inside(c.san, n);
  };
  // Every cut, and every byte set to 0xff: an exact-size copy, so that ASan sees a read past it.
  for (size_t n = 0; n < der.size(); ++n) {
    const std::vector<uint8_t> cut(der.begin(), der.begin() + static_cast<ptrdiff_t>(n));
    CHECK(all_inside(certificate_ranges(cut.data(), cut.size()), n));
  }
  for (size_t i = 0; i < der.size(); ++i) {
    std::vector<uint8_t> bad = der;
    bad[i] = 0xff;
    CHECK(all_inside(certificate_ranges(bad.data(), bad.size()), bad.size()));
  }
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
