// The recorded TLS pack (loopback/recorded_tls.hpp): what the browser build shows in place of a
// real handshake must be the native build's transcript, byte for byte and field for field, found
// for the configuration the simulation recorded, as transcript_for would have run it.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/loopback/recorded_tls.hpp"
#include "deploysim/loopback/transcript_cache.hpp"

namespace lb = deploysim::loopback;
using deploysim::Issuer;
using deploysim::ProxyPreset;
using deploysim::TlsConfig;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z
constexpr int64_t day = 86400;

// A browser asking the proxy for api.example.test with a 90-day certificate issued 30 days ago.
TlsConfig valid_config() {
  TlsConfig c;
  c.sni = c.verify_host = c.cert_domain = "api.example.test";
  c.alpn_offered = {"h2", "http/1.1"};
  c.alpn_supported = {"h2", "http/1.1"};
  c.cert_alt_names = {"www.example.test"};
  c.not_before_unix = start - 30 * day;
  c.not_after_unix = c.not_before_unix + 90 * day;
  c.check_time_unix = start;
  c.preset = ProxyPreset::caddy;
  return c;
}

// A handful of configurations whose transcripts differ in every part: versions, an alert from
// either side, no certificate at all, a TLS 1.2 server key exchange.
std::vector<TlsConfig> sample_configs() {
  std::vector<TlsConfig> out{valid_config()};
  TlsConfig expired = valid_config();
  expired.check_time_unix = expired.not_after_unix + day;
  out.push_back(expired);
  TlsConfig tls12 = valid_config();
  tls12.accepted_versions = deploysim::tls12;
  tls12.cert_issuer = Issuer::self_signed;
  out.push_back(tls12);
  TlsConfig strict = valid_config();
  strict.sni = "";
  strict.verify_host = "203.0.113.10";
  strict.strict_sni = true;
  strict.preset = ProxyPreset::nginx;
  out.push_back(strict);
  TlsConfig none = valid_config();
  none.has_certificate = false;
  out.push_back(none);
  return out;
}

std::vector<lb::RecordedEntry> entries_of(const std::vector<TlsConfig>& configs) {
  std::vector<lb::RecordedEntry> out;
  for (const TlsConfig& c : configs) out.emplace_back(c, &lb::transcript_for(c));
  return out;
}

lb::RecordedTranscripts parsed(const std::string& text) {
  lb::RecordedTranscripts pack;
  std::string error;
  REQUIRE_MESSAGE(pack.parse(text, "pack", &error), error);
  return pack;
}

void check_same(const lb::Transcript& got, const lb::Transcript& want) {
  CHECK(got.config == want.config);
  const lb::HandshakeOutcome &o = got.outcome, &w = want.outcome;
  CHECK(o.ok == w.ok);
  CHECK(o.version == w.version);
  CHECK(o.cipher == w.cipher);
  CHECK(o.cipher_name == w.cipher_name);
  CHECK(o.alpn == w.alpn);
  CHECK(o.served_name == w.served_name);
  CHECK(o.verify_result == w.verify_result);
  CHECK(o.verify_message == w.verify_message);
  CHECK(o.alert == w.alert);
  CHECK(o.alert_from == w.alert_from);
  CHECK(o.client_error == w.client_error);
  CHECK(o.server_error == w.server_error);
  CHECK(o.request == w.request);
  CHECK(o.response == w.response);
  REQUIRE(got.capture.messages.size() == want.capture.messages.size());
  for (size_t i = 0; i < want.capture.messages.size(); ++i) {
    const lb::CapturedMessage &m = got.capture.messages[i], &n = want.capture.messages[i];
    CHECK(m.dir == n.dir);
    CHECK(m.content_type == n.content_type);
    CHECK(m.handshake_type == n.handshake_type);
    CHECK(m.encrypted == n.encrypted);
    CHECK(m.bytes == n.bytes);
  }
  REQUIRE(got.capture.flights.size() == want.capture.flights.size());
  for (size_t i = 0; i < want.capture.flights.size(); ++i) {
    CHECK(got.capture.flights[i].dir == want.capture.flights[i].dir);
    CHECK(got.capture.flights[i].bytes == want.capture.flights[i].bytes);
  }
  CHECK(got.capture.keylog == want.capture.keylog);
  REQUIRE(got.decoded.size() == want.decoded.size());
  for (size_t i = 0; i < want.decoded.size(); ++i) {
    const lb::DecodedMessage &d = got.decoded[i], &e = want.decoded[i];
    CHECK(d.name == e.name);
    CHECK(d.malformed == e.malformed);
    REQUIRE(d.fields.size() == e.fields.size());
    for (size_t f = 0; f < e.fields.size(); ++f) {
      CHECK(d.fields[f].name == e.fields[f].name);
      CHECK(d.fields[f].value == e.fields[f].value);
      CHECK(d.fields[f].offset == e.fields[f].offset);
      CHECK(d.fields[f].length == e.fields[f].length);
    }
  }
  const lb::TranscriptFacts &f = got.facts, &g = want.facts;
  CHECK(f.version == g.version);
  CHECK(f.cipher == g.cipher);
  CHECK(f.group == g.group);
  CHECK(f.sni == g.sni);
  CHECK(f.alpn_offered == g.alpn_offered);
  CHECK(f.alpn == g.alpn);
  CHECK(f.cert_subject == g.cert_subject);
  CHECK(f.cert_issuer == g.cert_issuer);
  CHECK(f.cert_san == g.cert_san);
  CHECK(f.cert_not_before == g.cert_not_before);
  CHECK(f.cert_not_after == g.cert_not_after);
  CHECK(f.alert == g.alert);
}

}  // namespace

TEST_CASE("a pack read back gives the recorded transcripts, byte for byte and field for field") {
  const std::vector<TlsConfig> configs = sample_configs();
  const lb::RecordedTranscripts pack = parsed(lb::pack_json(entries_of(configs), "OpenSSL 3.0.0 test"));
  CHECK(pack.size() == configs.size());
  CHECK(pack.openssl_version() == "OpenSSL 3.0.0 test");
  for (const TlsConfig& c : configs) {
    CAPTURE(c.sni);
    CAPTURE(c.check_time_unix);
    bool exact = false;
    const lb::Transcript* t = pack.find(c, &exact);
    REQUIRE(t != nullptr);
    CHECK(exact);
    check_same(*t, lb::transcript_for(c));
  }
  // The samples do cover what they claim: an alert, TLS 1.2 with a self-signed certificate, a
  // rejection without certificate.
  CHECK(lb::transcript_for(configs[1]).outcome.alert == 45);
  CHECK(lb::transcript_for(configs[2]).facts.version == 0x0303);
  CHECK(lb::transcript_for(configs[2]).outcome.verify_result == 18);
  CHECK_FALSE(lb::transcript_for(configs[4]).outcome.ok);
}

TEST_CASE("the same entries give the same bytes, in any order and with repeats") {
  const std::vector<lb::RecordedEntry> entries = entries_of(sample_configs());
  std::vector<lb::RecordedEntry> shuffled(entries.rbegin(), entries.rend());
  shuffled.push_back(entries.front());
  const std::string text = lb::pack_json(entries, "OpenSSL x");
  CHECK(lb::pack_json(shuffled, "OpenSSL x") == text);
  CHECK(text.starts_with(R"({"format":1,"openssl":"OpenSSL x","transcripts":[)"));
  CHECK(text.find("\"time_span\":1") != std::string::npos);  // the expired sample
  CHECK(text.find("check_time_unix") == std::string::npos);  // a key holds the span, not the clock
}

TEST_CASE("find: the exact key, else the same configuration with other certificate dates, else nothing") {
  const TlsConfig recorded = valid_config();
  TlsConfig other_dates = valid_config();  // recorded too: the nearest match picks the closer dates
  other_dates.not_before_unix -= 200 * day;
  other_dates.not_after_unix -= 200 * day;
  other_dates.check_time_unix = other_dates.not_before_unix + day;
  const lb::RecordedTranscripts pack = parsed(lb::pack_json(entries_of({recorded, other_dates}), "OpenSSL x"));
  REQUIRE(pack.size() == 2);
  bool exact = false;

  SUBCASE("another clock in the same span is the same key") {
    TlsConfig later = recorded;
    later.check_time_unix = recorded.not_after_unix - 1;
    CHECK(pack.find(later, &exact) == pack.find(recorded));
    CHECK(exact);
  }
  SUBCASE("a certificate with shifted dates, the clock still inside: the nearest, not exact") {
    TlsConfig shifted = recorded;
    shifted.not_before_unix += 3 * day;
    shifted.not_after_unix += 3 * day;
    const lb::Transcript* t = pack.find(shifted, &exact);
    REQUIRE(t != nullptr);
    CHECK_FALSE(exact);
    CHECK(t == pack.find(recorded));
    CHECK(t->outcome.ok);
  }
  SUBCASE("shifted dates that leave the clock in another span: nothing recorded") {
    TlsConfig expired = recorded;
    expired.not_after_unix = recorded.check_time_unix;
    CHECK(pack.find(expired, &exact) == nullptr);
    CHECK_FALSE(exact);
  }
  SUBCASE("another SNI is another handshake") {
    TlsConfig www = recorded;
    www.sni = "www.example.test";
    CHECK(pack.find(www, &exact) == nullptr);
  }
  SUBCASE("another preset or ALPN list too") {
    TlsConfig nginx = recorded;
    nginx.preset = ProxyPreset::nginx;
    CHECK(pack.find(nginx) == nullptr);
    TlsConfig h1 = recorded;
    h1.alpn_supported = {"http/1.1"};
    CHECK(pack.find(h1) == nullptr);
  }
}

TEST_CASE("the key counts the client's clock by its span only") {
  TlsConfig c = valid_config();
  CHECK(lb::time_span(c) == 0);
  c.check_time_unix = c.not_before_unix - 1;
  CHECK(lb::time_span(c) == -1);
  c.check_time_unix = c.not_after_unix;  // OpenSSL: expired at notAfter itself
  CHECK(lb::time_span(c) == 1);
  for (const int span : {-1, 0, 1}) {
    TlsConfig moved = c;
    moved.check_time_unix = lb::time_in_span(c, span);
    CHECK(lb::time_span(moved) == span);
    CHECK(lb::time_span(lb::undated(moved)) == span);
  }
  const lb::TranscriptKeyLess less;
  TlsConfig a = valid_config(), b = valid_config();
  b.check_time_unix += 10 * day;
  CHECK_FALSE(less(a, b));
  CHECK_FALSE(less(b, a));
  b.not_after_unix += day;
  CHECK((less(a, b) || less(b, a)));
  CHECK_FALSE(less(lb::undated(a), lb::undated(b)));
  CHECK_FALSE(less(lb::undated(b), lb::undated(a)));
}

TEST_CASE("a pack that cannot be read is a message, and the loaded one stays") {
  const std::string good = lb::pack_json(entries_of({valid_config()}), "OpenSSL x");
  lb::RecordedTranscripts pack = parsed(good);
  std::string error;
  SUBCASE("not JSON") { CHECK_FALSE(pack.parse("{\"format\":", "broken.json", &error)); }
  SUBCASE("another format") { CHECK_FALSE(pack.parse(R"({"format":2,"openssl":"x","transcripts":[]})", "f2", &error)); }
  SUBCASE("a byte string that is not hex") {
    std::string bad = good;
    const size_t at = bad.find("\"bytes\":\"") + 9;
    bad[at] = 'z';
    CHECK_FALSE(pack.parse(bad, "bad-hex.json", &error));
    CHECK(error.find("hex") != std::string::npos);
  }
  SUBCASE("a missing field") {
    std::string bad = good;
    const size_t at = bad.find("\"verify_host\"");
    bad.replace(at, 13, "\"verify_hast\"");
    CHECK_FALSE(pack.parse(bad, "missing.json", &error));
  }
  SUBCASE("no such file") {
    CHECK_FALSE(pack.load("/nonexistent/recorded-tls.json", &error));
    CHECK(error.find("/nonexistent/recorded-tls.json") == 0);
  }
  CHECK_FALSE(error.empty());
  CHECK(pack.size() == 1);
  CHECK(pack.openssl_version() == "OpenSSL x");
  CHECK(pack.find(valid_config()) != nullptr);
}

TEST_CASE("a pack file loads from disk, and the process-wide one starts empty") {
  const std::string path = std::string(DEPLOYSIM_BINARY_DIR) + "/test_recorded_tls.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << lb::pack_json(entries_of(sample_configs()), "OpenSSL x");
  }
  lb::RecordedTranscripts pack;
  std::string error;
  CHECK_MESSAGE(pack.load(path, &error), error);
  CHECK(pack.size() == sample_configs().size());
  std::remove(path.c_str());
  CHECK(lb::recorded_transcripts().size() == 0);
  CHECK(lb::recorded_transcripts().openssl_version().empty());
}
