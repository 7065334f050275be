// Mutual TLS and OCSP stapling (request_path/tls_client_auth.cpp): the message sequences and
// alerts of each case in TLS 1.3 and 1.2, the scenario keys and their errors, the shipped
// scenario's records, and real OpenSSL agreeing with the model where both are OpenSSL's.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deploysim/kinds.hpp"
#include "deploysim/loopback/record_bytes.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"

using namespace deploysim;
namespace lb = deploysim::loopback;

namespace {

constexpr int64_t day = 86400;
constexpr int64_t now_unix = 1793523600;  // 2026-11-01T09:00:00Z

TlsConfig mtls(uint8_t version, ClientCertificate held) {
  TlsConfig c;
  c.sni = c.verify_host = c.cert_domain = "api.internal.test";
  c.alpn_offered = {"http/1.1"};
  c.alpn_supported = {"h2", "http/1.1"};
  c.offered_versions = version;
  c.cert_issuer = Issuer::private_ca;
  c.not_before_unix = now_unix - 30 * day;
  c.not_after_unix = now_unix + 60 * day;
  c.check_time_unix = now_unix;
  c.preset = ProxyPreset::haproxy;
  c.verify_clients = VerifyClients::require;
  c.client_certificate = held;
  return c;
}

// "kind>" for the server's messages, "kind<" for the client's, with the flight.
std::vector<std::string> seq(const TlsVerdict& v) {
  std::vector<std::string> out;
  for (const auto& m : v.messages)
    out.push_back(std::string(m.kind.substr(4)) + (m.from_client ? " C" : " S") + std::to_string(m.flight));
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE(
    "TLS 1.3 mutual TLS: CertificateRequest after EncryptedExtensions, the client's certificate before Finished") {
  const TlsVerdict v = decide_tls(mtls(tls13, ClientCertificate::trusted));
  CHECK(v.ok);
  CHECK(seq(v) == V{"client_hello C0", "server_hello S1", "encrypted_extensions S1", "certificate_request S1",
                    "certificate S1", "certificate_verify S1", "finished S1", "certificate C2", "certificate_verify C2",
                    "finished C2"});
  CHECK(v.client_verify == "SUCCESS");
  CHECK(v.http_refusal.empty());
  CHECK(v.flights == 3);  // still one round trip
}

TEST_CASE("TLS 1.3 without a client certificate: an empty Certificate, then certificate_required (116)") {
  const TlsVerdict v = decide_tls(mtls(tls13, ClientCertificate::none));
  CHECK_FALSE(v.ok);
  CHECK(seq(v) == V{"client_hello C0", "server_hello S1", "encrypted_extensions S1", "certificate_request S1",
                    "certificate S1", "certificate_verify S1", "finished S1", "certificate C2", "finished C2",
                    "alert S3"});
  CHECK(v.alert == "certificate_required");
  CHECK(v.alert_code == 116);
  CHECK_FALSE(v.alert_from_client);
  CHECK(v.flights == 4);
}

TEST_CASE("a certificate from another CA: unknown_ca (48) from the proxy, in both versions") {
  for (const uint8_t version : {tls13, tls12}) {
    CAPTURE(int(version));
    const TlsVerdict v = decide_tls(mtls(version, ClientCertificate::untrusted));
    CHECK_FALSE(v.ok);
    CHECK(v.alert == "unknown_ca");
    CHECK(v.alert_code == 48);
    CHECK_FALSE(v.alert_from_client);
    CHECK(v.messages.back().kind == kinds::tls_alert);
    CHECK(std::count_if(v.messages.begin(), v.messages.end(), [](const TlsMessage& m) {
            return m.from_client && m.kind == kinds::tls_certificate_verify;
          }) == 1);
  }
}

TEST_CASE(
    "TLS 1.2 mutual TLS: CertificateRequest before ServerHelloDone; Certificate, ClientKeyExchange, "
    "CertificateVerify") {
  const TlsVerdict v = decide_tls(mtls(tls12, ClientCertificate::trusted));
  CHECK(v.ok);
  CHECK(seq(v) == V{"client_hello C0", "server_hello S1", "certificate S1", "server_key_exchange S1",
                    "certificate_request S1", "server_hello_done S1", "certificate C2", "client_key_exchange C2",
                    "certificate_verify C2", "change_cipher_spec C2", "finished C2", "change_cipher_spec S3",
                    "finished S3"});
  SUBCASE("without a certificate: handshake_failure (40), as OpenSSL and recent Go send it") {
    const TlsVerdict none = decide_tls(mtls(tls12, ClientCertificate::none));
    CHECK_FALSE(none.ok);
    CHECK(none.alert == "handshake_failure");
    CHECK(none.alert_code == 40);
    const V messages = seq(none);
    CHECK(messages.back() == "alert S3");
    CHECK(std::find(messages.begin(), messages.end(), "certificate C2") != messages.end());
    CHECK(std::find(messages.begin(), messages.end(), "certificate_verify C2") == messages.end());
  }
}

TEST_CASE("verify optional lets a client without a certificate through; nginx refuses in HTTP, not with an alert") {
  TlsConfig c = mtls(tls13, ClientCertificate::none);
  c.verify_clients = VerifyClients::optional;
  TlsVerdict v = decide_tls(c);
  CHECK(v.ok);
  CHECK(v.client_verify == "NONE");
  CHECK(v.http_refusal.empty());
  c.client_certificate = ClientCertificate::untrusted;
  CHECK(decide_tls(c).alert == "unknown_ca");  // optional still refuses a certificate it cannot verify

  c = mtls(tls13, ClientCertificate::none);
  c.preset = ProxyPreset::nginx;
  v = decide_tls(c);
  CHECK(v.ok);
  CHECK(v.http_refusal == "No required SSL certificate was sent");
  c.client_certificate = ClientCertificate::untrusted;
  CHECK(decide_tls(c).http_refusal == "The SSL certificate error");
}

TEST_CASE("stapling: in the TLS 1.3 Certificate, a CertificateStatus in TLS 1.2; nothing for Let's Encrypt") {
  TlsConfig c = mtls(tls13, ClientCertificate::none);
  c.verify_clients = VerifyClients::off;
  c.client_certificate = ClientCertificate::none;
  c.ocsp_stapling = true;
  TlsVerdict v = decide_tls(c);
  CHECK(v.ok);
  CHECK(v.ocsp == "good");
  for (const auto& m : v.messages) CHECK(m.kind != kinds::tls_certificate_status);
  c.offered_versions = tls12;
  v = decide_tls(c);
  CHECK(seq(v) == V{"client_hello C0", "server_hello S1", "certificate S1", "certificate_status S1",
                    "server_key_exchange S1", "server_hello_done S1", "client_key_exchange C2", "change_cipher_spec C2",
                    "finished C2", "change_cipher_spec S3", "finished S3"});
  c.cert_issuer = Issuer::letsencrypt;  // no OCSP URL since 2025-05-07, no responder since 2025-08-06
  v = decide_tls(c);
  CHECK(v.ocsp.empty());
  for (const auto& m : v.messages) CHECK(m.kind != kinds::tls_certificate_status);
}

TEST_CASE("a stapled revoked status: the simulated browser aborts with bad_certificate_status_response (113)") {
  for (const uint8_t version : {tls13, tls12}) {
    CAPTURE(int(version));
    TlsConfig c = mtls(version, ClientCertificate::trusted);
    c.ocsp_stapling = c.cert_revoked = true;
    const TlsVerdict v = decide_tls(c);
    CHECK_FALSE(v.ok);
    CHECK(v.ocsp == "revoked");
    CHECK(v.alert == "bad_certificate_status_response");  // what OpenSSL's client sends
    CHECK(v.alert_code == 113);
    CHECK(v.alert_from_client);
    CHECK(v.verify_result == 0);  // the chain itself verified
    CHECK(seq(v).back() == "alert C2");
    c.ocsp_stapling = false;  // not stapled: the client does not learn it
    CHECK(decide_tls(c).ok);
  }
}

TEST_CASE("scenario keys: read, usable in variants, and refused with a located error") {
  const std::string base = R"([scenario]
name = "m"
duration = "5s"

[[dns.zone]]
origin = "internal.test"
records = [ { name = "api.internal.test", type = "A", value = "10.0.0.10" } ]

[[host]]
name = "edge-1"
ip = "10.0.0.10"

[proxy]
host = "edge-1"
preset = "haproxy"
verify_clients = "require"
ocsp_stapling = true
routes = [ { host = "api.internal.test", pool = "api" } ]

[[certificate]]
domain = "api.internal.test"
issuer = "private-ca"
renewal = "none"
revoked = true

[[service]]
name = "api"
host = "edge-1"

[[client]]
name = "orders"
url = "https://api.internal.test/"
requests = 1
client_certificate = "trusted"
)";
  const LoadResult ok = load_scenario_text(base, "m.toml");
  REQUIRE_MESSAGE(ok.scenario, ok.error->to_string());
  CHECK(ok.scenario->proxy->verify_clients == VerifyClients::require);
  CHECK(ok.scenario->proxy->ocsp_stapling);
  CHECK(ok.scenario->certificates[0].revoked);
  CHECK(ok.scenario->clients[0].client_certificate == ClientCertificate::trusted);
  const LoadResult edited = set_param(*ok.scenario, "client.orders.client_certificate", "\"untrusted\"");
  REQUIRE(edited.scenario);
  CHECK(edited.scenario->clients[0].client_certificate == ClientCertificate::untrusted);

  auto error_of = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    text.replace(text.find(from), from.size(), to);
    const LoadResult r = load_scenario_text(text, "m.toml");
    REQUIRE(r.error);
    return r.error->to_string();
  };
  const std::string bad = error_of(R"(verify_clients = "require")", R"(verify_clients = "on")");
  CHECK(bad.starts_with("m.toml:16:18: "));
  CHECK(bad.find("\"optional\"") != std::string::npos);
  CHECK(error_of(R"(client_certificate = "trusted")", R"(client_certificate = "yes")").starts_with("m.toml:34:22: "));
  CHECK(error_of("revoked = true", "revoked = \"yes\"").starts_with("m.toml:24:11: "));
  const std::string cloud = error_of(R"(preset = "haproxy")", R"(preset = "cloud-lb")");
  CHECK(cloud.find("verify_clients") != std::string::npos);
}

TEST_CASE("the shipped mutual-tls scenario: records, the inspector's configuration, and its variants") {
  const LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/mutual-tls.toml");
  REQUIRE_MESSAGE(base.scenario, base.error->to_string());
  const Run run = simulate(*base.scenario);
  const Trace& tr = run.trace;
  size_t requests = 0, status = 0, client_certs = 0, forwarded_success = 0;
  for (const Record& r : tr.records()) {
    const std::string_view k = tr.kind(r);
    if (k == kinds::tls_certificate_request) ++requests;
    if (k == kinds::tls_certificate_status) {
      ++status;
      CHECK(tr.detail_str(r, "ocsp") == "good");
    }
    if (k == kinds::tls_certificate && tr.narration(r) == kinds::tls_certificate_client) ++client_certs;
    if (k == kinds::proxy_forward && tr.detail_str(r, "x_client_verify") == "SUCCESS") ++forwarded_success;
    if (k == kinds::tls_client_hello) {
      const auto cfg = lb::tls_config_of(tr, r);
      REQUIRE(cfg);
      CHECK(cfg->verify_clients == VerifyClients::require);
      CHECK(cfg->client_certificate == ClientCertificate::trusted);
      CHECK(cfg->ocsp_stapling);
      const lb::LoopbackConfig l = lb::loopback_config_for(*cfg);
      CHECK(l.client_cert == lb::ClientCertMode::trusted);
      CHECK(l.staple == lb::StapleMode::good);
    }
  }
  CHECK(requests == 2);  // orders (TLS 1.3, keeps its connection) and billing (TLS 1.2)
  CHECK(status == 1);    // only TLS 1.2 has a CertificateStatus message
  CHECK(client_certs == 2);
  CHECK(forwarded_success == 3);
  CHECK(run.metrics.failures.empty());

  const Run none = simulate(*apply_variant(*base.scenario, "no client certificate").scenario);
  CHECK(none.metrics.failures.at("certificate_required") == 2);  // orders tries a new connection each time
  CHECK(none.metrics.failures.at("handshake_failure") == 1);
  const Run other = simulate(*apply_variant(*base.scenario, "certificate from another CA").scenario);
  CHECK(other.metrics.failures.at("unknown_ca") >= 2);
  const Run revoked = simulate(*apply_variant(*base.scenario, "certificate revoked (stapled)").scenario);
  CHECK(revoked.metrics.failures.at("certificate_revoked") >= 2);
  const Run optional = simulate(*apply_variant(*base.scenario, "verify optional").scenario);
  CHECK(optional.metrics.failures.empty());
  const Run nginx = simulate(*apply_variant(*base.scenario, "nginx: HTTP 400 without a trusted certificate").scenario);
  CHECK(nginx.metrics.failures.at("400") >= 2);  // each refusal closes the connection: a new handshake
  CHECK(nginx.metrics.failures.count("certificate_required") == 0);
  CHECK(nginx.metrics.failures.count("unknown_ca") == 0);
  const Run le = simulate(*apply_variant(*base.scenario, "Let's Encrypt certificate (nothing to staple)").scenario);
  for (const Record& r : le.trace.records()) {
    CHECK(le.trace.kind(r) != kinds::tls_certificate_status);
    if (le.trace.kind(r) == kinds::tls_certificate) CHECK(le.trace.detail_str(r, "ocsp").empty());
  }
}

TEST_CASE("real OpenSSL agrees: the client's certificate is presented, and the proxy's alerts are the model's") {
  for (const uint8_t version : {tls13, tls12})
    for (const ClientCertificate held :
         {ClientCertificate::trusted, ClientCertificate::none, ClientCertificate::untrusted}) {
      const TlsConfig c = mtls(version, held);
      CAPTURE(int(version));
      CAPTURE(int(held));
      const TlsVerdict v = decide_tls(c);
      const lb::Transcript& t = lb::transcript_for(c);
      CHECK(v.ok == t.outcome.ok);
      CHECK(v.alert_code == (t.outcome.alert < 0 ? 0 : t.outcome.alert));
      CHECK(t.outcome.client_cert.empty() == (held != ClientCertificate::trusted));  // the subject the proxy verified
      // The inspector finds the real message of each new record; the client's Certificate is
      // empty (7 or 8 bytes: header and empty lists) exactly when the model says it has none.
      CHECK(lb::message_index_for(t, kinds::tls_certificate_request, lb::Direction::server_to_client) >= 0);
      const int cert = lb::message_index_for(t, kinds::tls_certificate, lb::Direction::client_to_server);
      REQUIRE(cert >= 0);
      CHECK((t.capture.messages[static_cast<size_t>(cert)].bytes.size() > 8) == (held != ClientCertificate::none));
    }
  TlsConfig c = mtls(tls12, ClientCertificate::trusted);
  c.ocsp_stapling = true;
  const lb::Transcript& t = lb::transcript_for(c);
  CHECK(t.outcome.ocsp == lb::OcspStatus::good);
  CHECK(lb::message_index_for(t, kinds::tls_certificate_status, lb::Direction::server_to_client) >= 0);
  c.cert_revoked = true;
  const lb::Transcript& revoked = lb::transcript_for(c);
  CHECK(revoked.outcome.ocsp == lb::OcspStatus::revoked);
  CHECK_FALSE(revoked.outcome.ok);  // the client's status callback refuses it, as the model's browser does
  CHECK(revoked.outcome.alert == 113);
  CHECK(revoked.outcome.alert_from == lb::Direction::client_to_server);
}

TEST_CASE("real OpenSSL agrees where the proxy lets the handshake complete: verify optional, nginx's 400") {
  for (const uint8_t version : {tls13, tls12})
    for (const ProxyPreset preset : {ProxyPreset::haproxy, ProxyPreset::nginx})
      for (const VerifyClients verify : {VerifyClients::optional, VerifyClients::require})
        for (const ClientCertificate held : {ClientCertificate::none, ClientCertificate::untrusted}) {
          TlsConfig c = mtls(version, held);
          c.preset = preset;
          c.verify_clients = verify;
          CAPTURE(int(version));
          CAPTURE(int(preset));
          CAPTURE(int(verify));
          CAPTURE(int(held));
          const TlsVerdict v = decide_tls(c);
          const lb::Transcript& t = lb::transcript_for(c);
          CHECK(v.ok == t.outcome.ok);
          CHECK(v.alert_code == (t.outcome.alert < 0 ? 0 : t.outcome.alert));
          if (!v.ok) continue;
          // The answer the client decrypted: nginx's 400 with the model's reason, else the app's.
          CHECK((t.outcome.response.find(" 400 ") != std::string::npos) == !v.http_refusal.empty());
          if (!v.http_refusal.empty()) CHECK(t.outcome.response.find(v.http_refusal) != std::string::npos);
        }
}
