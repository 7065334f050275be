// The pure TLS model (decide_tls) against real OpenSSL: for every configuration the shipped
// scenarios produce, and for a grid of lesson variants, the model's verdict (outcome, verify
// code, alert and its sender, version, ALPN, message sequence) is what OpenSSL reports.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "deploysim/loopback/http2_frames.hpp"
#include "deploysim/loopback/record_bytes.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"
#include "request_path/tls_client_auth.hpp"

namespace lb = deploysim::loopback;
using deploysim::Issuer;
using deploysim::ProxyPreset;
using deploysim::TlsConfig;
using deploysim::TlsVerdict;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z
constexpr int64_t day = 86400;

lb::CertStore& store() {
  static lb::CertStore s;
  return s;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string describe(const TlsConfig& c) {
  return "sni=" + c.sni + " host=" + c.verify_host + " versions=" + std::to_string(c.offered_versions) + "/" +
         std::to_string(c.accepted_versions) + " alpn=" + join(c.alpn_offered) + "/" + join(c.alpn_supported) +
         " cert=" + (c.has_certificate ? c.cert_domain : "(none)") +
         " issuer=" + std::to_string(static_cast<int>(c.cert_issuer)) +
         " t-nb=" + std::to_string(c.check_time_unix - c.not_before_unix) +
         " t-na=" + std::to_string(c.check_time_unix - c.not_after_unix) + " strict=" + std::to_string(c.strict_sni) +
         " preset=" + std::to_string(static_cast<int>(c.preset)) + " groups=" + join(c.client_groups) + "/" +
         join(c.server_groups) + " ticket=" + std::to_string(static_cast<int>(c.ticket)) +
         " early=" + std::to_string(c.early_data) + " tickets=" + std::to_string(c.tickets) +
         " client_auth=" + deploysim::client_auth_text(c);
}

// OpenSSL's messages as the model names them; session tickets, TLS 1.3's middlebox
// compatibility ChangeCipherSpec and close_notify are left out (the model does not show them).
// A HelloRetryRequest is told from the ServerHello by its decoded name; TLS 1.2 tickets count when
// the model shows them (a client that keeps tickets). The 0-RTT data is no handshake message.
std::vector<std::string> openssl_sequence(const lb::Transcript& t, bool tls12_tickets) {
  static const std::map<std::string, std::string> kinds = {{"ClientHello", "tls.client_hello"},
                                                           {"ServerHello", "tls.server_hello"},
                                                           {"EncryptedExtensions", "tls.encrypted_extensions"},
                                                           {"Certificate", "tls.certificate"},
                                                           {"CertificateVerify", "tls.certificate_verify"},
                                                           {"Finished", "tls.finished"},
                                                           {"ServerKeyExchange", "tls.server_key_exchange"},
                                                           {"ServerHelloDone", "tls.server_hello_done"},
                                                           {"ClientKeyExchange", "tls.client_key_exchange"},
                                                           {"ChangeCipherSpec", "tls.change_cipher_spec"},
                                                           {"CertificateRequest", "tls.certificate_request"},
                                                           {"CertificateStatus", "tls.certificate_status"},
                                                           {"Alert", "tls.alert"},
                                                           {"HelloRetryRequest", "tls.hello_retry_request"},
                                                           {"EndOfEarlyData", "tls.end_of_early_data"},
                                                           {"NewSessionTicket", "tls.new_session_ticket"}};
  std::vector<std::string> out;
  for (size_t i = 0; i < t.capture.messages.size(); ++i) {
    const lb::CapturedMessage& m = t.capture.messages[i];
    if (m.content_type == lb::alert && m.bytes.size() >= 2 && m.bytes[1] == 0) continue;
    const std::string name = i < t.decoded.size() ? t.decoded[i].name : lb::message_name(m);
    if (name == "NewSessionTicket" && (t.facts.version == 0x0304 || !tls12_tickets)) continue;
    if (m.content_type == lb::change_cipher_spec && t.facts.version == 0x0304) continue;
    auto it = kinds.find(name);
    if (it == kinds.end()) continue;
    out.push_back(std::string(m.dir == lb::Direction::client_to_server ? "C " : "S ") + it->second);
  }
  return out;
}

std::vector<std::string> model_sequence(const TlsVerdict& v) {
  std::vector<std::string> out;
  for (const auto& m : v.messages)
    if (m.kind != "tls.early_data") out.push_back(std::string(m.from_client ? "C " : "S ") + std::string(m.kind));
  return out;
}

uint8_t version_bits(uint16_t wire) { return wire == 0x0304 ? 2 : wire == 0x0303 ? 1 : 0; }

void check_agrees(const TlsConfig& c, const lb::Transcript& t) {
  const TlsVerdict v = deploysim::decide_tls(c);
  const std::string label = describe(c);
  CAPTURE(label);
  CHECK(v.ok == t.outcome.ok);
  CHECK(v.verify_result == t.outcome.verify_result);
  CHECK(v.alert_code == (t.outcome.alert < 0 ? 0 : t.outcome.alert));
  if (t.outcome.alert >= 0) CHECK(v.alert_from_client == (t.outcome.alert_from == lb::Direction::client_to_server));
  CHECK(model_sequence(v) == openssl_sequence(t, c.tickets > 0));
  if (t.facts.version != 0) CHECK(v.version == version_bits(t.facts.version));
  if (v.ok) CHECK(v.alpn == t.outcome.alpn);
  // nginx's refusal after the handshake: the real proxy answers 400 with the same reason.
  if (v.ok && t.config.http) {
    const std::string& r = t.outcome.response;
    CHECK((r.starts_with("HTTP/1.1 400 ") || lb::h2_summary(r) == ":status 400") == !v.http_refusal.empty());
    if (!v.http_refusal.empty()) CHECK(t.outcome.response.find(v.http_refusal) != std::string::npos);
  }
}

TlsConfig base() {
  TlsConfig c;
  c.sni = c.verify_host = "api.example.test";
  c.alpn_offered = {"h2", "http/1.1"};
  c.alpn_supported = {"http/1.1"};
  c.cert_domain = "api.example.test";
  c.not_before_unix = start - 30 * day;
  c.not_after_unix = start + 60 * day;
  c.check_time_unix = start;
  c.preset = ProxyPreset::nginx;
  return c;
}

// Rebuilds the configuration the path model recorded on a tls.client_hello record.
TlsConfig from_record(const deploysim::Trace& tr, const deploysim::Record& r) { return *lb::tls_config_of(tr, r); }

}  // namespace

TEST_CASE("every shipped scenario's TLS configurations: the model says what OpenSSL does") {
  const std::filesystem::path dir = std::filesystem::path(DEPLOYSIM_ASSETS_DIR) / "scenarios";
  // Keyed by everything but the exact clock: where it falls against the validity decides.
  std::map<std::string, TlsConfig> distinct;
  size_t scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    const deploysim::LoadResult loaded = deploysim::load_scenario_file(entry.path().string());
    REQUIRE_MESSAGE(loaded.scenario, entry.path().string());
    std::vector<deploysim::Scenario> runs = {*loaded.scenario};
    for (const auto& variant : loaded.scenario->variants) {
      const deploysim::LoadResult v = deploysim::apply_variant(*loaded.scenario, variant.name);
      if (v.scenario) runs.push_back(*v.scenario);
    }
    ++scenarios;
    for (const auto& sc : runs) {
      const deploysim::Run run = deploysim::simulate(sc);
      const deploysim::Sym hello = run.trace.find_sym("tls.client_hello");
      for (const auto& r : run.trace.records()) {
        if (r.kind != hello || run.trace.detail_int(r, "retry") != 0) continue;  // a retry: the same connection
        const TlsConfig c = from_record(run.trace, r);
        const int span = c.check_time_unix < c.not_before_unix ? -1 : c.check_time_unix >= c.not_after_unix ? 1 : 0;
        TlsConfig key = c;
        key.check_time_unix = key.not_before_unix = key.not_after_unix = 0;
        distinct.emplace(describe(key) + " span=" + std::to_string(span) + " nb=" + std::to_string(c.not_before_unix) +
                             " na=" + std::to_string(c.not_after_unix),
                         c);
      }
    }
  }
  REQUIRE(scenarios > 0);
  REQUIRE(distinct.size() >= 3);  // the shipped lessons cover several TLS situations
  MESSAGE(distinct.size() << " distinct TLS configurations in " << scenarios << " scenarios");
  std::set<std::string> client_auth;  // mutual-tls.toml's cases reach the comparison
  for (const auto& [label, c] : distinct) {
    check_agrees(c, lb::run_loopback(lb::loopback_config_for(c), store()));  // the exact clock
    check_agrees(c, lb::transcript_for(c));                                  // the cached one
    client_auth.insert(deploysim::client_auth_text(c) + (deploysim::decide_tls(c).http_refusal.empty() ? "" : ",400"));
  }
  for (const char* want : {"require,trusted,ocsp", "require,none,ocsp", "require,untrusted,ocsp", "optional,none,ocsp",
                           "require,trusted,ocsp-revoked", "require,none,ocsp,400", "require,untrusted,ocsp,400"})
    CHECK_MESSAGE(client_auth.count(want) == 1, want);
}

TEST_CASE("lesson variants: the model agrees with OpenSSL") {
  std::vector<TlsConfig> grid;
  for (uint8_t offered : {1, 2, 3})
    for (uint8_t accepted : {1, 2, 3}) {
      TlsConfig c = base();
      c.offered_versions = offered;
      c.accepted_versions = accepted;
      grid.push_back(c);
    }
  for (const auto& offered : std::vector<std::vector<std::string>>{{}, {"http/1.1"}, {"h2", "http/1.1"}, {"h2"}})
    for (const auto& supported : std::vector<std::vector<std::string>>{{"http/1.1"}, {"h2", "http/1.1"}}) {
      TlsConfig c = base();
      c.alpn_offered = offered;
      c.alpn_supported = supported;
      grid.push_back(c);
    }
  for (Issuer issuer : {Issuer::letsencrypt, Issuer::private_ca, Issuer::self_signed, Issuer::untrusted})
    for (int64_t t : {start, start - 31 * day, start + 61 * day}) {
      TlsConfig c = base();
      c.cert_issuer = issuer;
      c.check_time_unix = t;
      grid.push_back(c);
      c.cert_domain = "www.example.test";  // wrong name, alone and with other faults
      grid.push_back(c);
    }
  for (int64_t t : {start - 30 * day - 1, start - 30 * day, start + 60 * day - 1, start + 60 * day,
                    start + 60 * day + 1}) {  // both edges of the validity window
    TlsConfig c = base();
    c.check_time_unix = t;
    grid.push_back(c);
  }
  for (ProxyPreset preset : {ProxyPreset::nginx, ProxyPreset::haproxy, ProxyPreset::caddy, ProxyPreset::traefik})
    for (const char* sni : {"api.example.test", "shop.example.test", ""}) {
      TlsConfig c = base();
      c.preset = preset;
      c.sni = sni;
      c.strict_sni = true;
      grid.push_back(c);
      c.strict_sni = false;
      c.has_certificate = false;
      grid.push_back(c);
    }
  TlsConfig wildcard = base();
  wildcard.cert_domain = "*.example.test";
  wildcard.strict_sni = true;
  grid.push_back(wildcard);
  wildcard.sni = wildcard.verify_host = "a.b.example.test";
  grid.push_back(wildcard);
  // One certificate with two names (subjectAltName): www is covered by the second entry.
  for (bool strict : {false, true})
    for (const char* host : {"www.example.test", "api.example.test", "shop.example.test"}) {
      TlsConfig san = base();
      san.cert_alt_names = {"www.example.test"};
      san.sni = san.verify_host = host;
      san.strict_sni = strict;
      grid.push_back(san);
    }
  for (const auto& c : grid) check_agrees(c, lb::run_loopback(lb::loopback_config_for(c), store()));
}

TEST_CASE("the cached transcript for a configuration matches a replay at the exact clock") {
  for (int64_t t : {start - 31 * day, start - 30 * day - 1, start - 30 * day, start, start + 60 * day - 1,
                    start + 60 * day, start + 90 * day}) {
    TlsConfig c = base();
    c.check_time_unix = t;
    const lb::Transcript& cached = lb::transcript_for(c);
    const lb::Transcript exact = lb::run_loopback(lb::loopback_config_for(c), store());
    CAPTURE(t - start);
    CHECK(cached.outcome.ok == exact.outcome.ok);
    CHECK(cached.outcome.verify_result == exact.outcome.verify_result);
    CHECK(cached.outcome.alert == exact.outcome.alert);
  }
  TlsConfig a = base(), b = base();
  b.check_time_unix = start + 3600;  // the same span of validity: the same transcript
  CHECK(&lb::transcript_for(a) == &lb::transcript_for(b));
}
