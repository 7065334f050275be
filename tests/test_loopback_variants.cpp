// Issue #18's handshakes, run for real and read back from OpenSSL's own message callback:
// HelloRetryRequest, resumption (TLS 1.3 PSK, TLS 1.2 tickets, lost ticket keys), 0-RTT and its
// replay, mutual TLS and OCSP stapling.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "deploysim/loopback/http2_frames.hpp"
#include "deploysim/loopback/recorded_tls.hpp"
#include "deploysim/loopback/transcript_cache.hpp"

using namespace deploysim::loopback;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z

CertStore& store() {
  static CertStore s;
  return s;
}

LoopbackConfig base(uint8_t versions = 2) {
  LoopbackConfig c = default_loopback_config(start);
  c.client_versions = versions;
  return c;
}

// "C->S ClientHello", ... from the decoded names (HelloRetryRequest is the decoder's), without
// close_notify.
std::vector<std::string> sequence(const std::vector<CapturedMessage>& messages,
                                  const std::vector<DecodedMessage>& decoded) {
  std::vector<std::string> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (m.content_type == alert && m.bytes.size() >= 2 && m.bytes[1] == 0) continue;
    out.push_back(std::string(direction_arrow(m.dir)) + " " + decoded[i].name);
  }
  return out;
}

std::vector<std::string> sequence(const Transcript& t) { return sequence(t.capture.messages, t.decoded); }

size_t count(const std::vector<std::string>& seq, const std::string& what) {
  return static_cast<size_t>(std::count(seq.begin(), seq.end(), what));
}

const DecodedMessage* find_message(const Transcript& t, Direction dir, const std::string& name) {
  for (size_t i = 0; i < t.decoded.size(); ++i)
    if (t.capture.messages[i].dir == dir && t.decoded[i].name == name) return &t.decoded[i];
  return nullptr;
}

}  // namespace

TEST_CASE("HelloRetryRequest: the client's P-256 key share is refused, X25519 asked for") {
  LoopbackConfig c = base();
  c.hello_retry = true;
  const Transcript t = run_loopback(c, store());
  REQUIRE(t.outcome.ok);
  CHECK(t.outcome.hello_retry);
  const auto seq = sequence(t);
  REQUIRE(seq.size() >= 4);
  CHECK(seq[0] == "C->S ClientHello");
  CHECK(seq[1] == "S->C HelloRetryRequest");
  CHECK(count(seq, "C->S ClientHello") == 2);
  CHECK(count(seq, "S->C HelloRetryRequest") == 1);
  CHECK(count(seq, "S->C ServerHello") == 1);
  CHECK(t.decoded[0].find("key_share")->value == "secp256r1");
  CHECK(t.decoded[0].find("supported_groups")->value.find("x25519") != std::string::npos);
  const DecodedMessage* hrr = find_message(t, Direction::server_to_client, "HelloRetryRequest");
  REQUIRE(hrr != nullptr);
  CHECK(hrr->find("key_share.selected_group")->value == "x25519");
  CHECK(hrr->find("random")->value.rfind("cf21ad74e59a6111be1d8c021e65b891", 0) == 0);
  CHECK(t.facts.group == 0x001d);  // x25519 in the real ServerHello
  // The second ClientHello follows the client's dummy ChangeCipherSpec, still in clear.
  for (const auto& m : t.capture.messages)
    if (m.content_type == handshake && m.handshake_type == 1) CHECK_FALSE(m.encrypted);
  CHECK(t.outcome.round_trips == 2);
  SUBCASE("without it, one ClientHello and one round trip") {
    const Transcript plain = run_loopback(base(), store());
    CHECK_FALSE(plain.outcome.hello_retry);
    CHECK(count(sequence(plain), "C->S ClientHello") == 1);
    CHECK(plain.outcome.round_trips == 1);
  }
}

TEST_CASE("resumption: the second connection uses the first one's ticket") {
  for (uint8_t versions : {uint8_t{2}, uint8_t{1}}) {
    CAPTURE(versions);
    LoopbackConfig c = base(versions);
    c.resume = ResumeMode::resume;
    const Transcript t = run_loopback(c, store());
    REQUIRE(t.earlier.size() == 1);
    const TlsConnection& first = t.earlier[0];
    CHECK(first.outcome.ok);
    CHECK_FALSE(first.outcome.resumed);
    const auto first_seq = sequence(first.capture.messages, first.decoded);
    CHECK(count(first_seq, "S->C Certificate") == 1);
    CHECK(count(first_seq, "S->C NewSessionTicket") >= 1);
    REQUIRE(t.outcome.ok);
    CHECK(t.outcome.resumed);
    const auto seq = sequence(t);
    CHECK(count(seq, "S->C Certificate") == 0);
    CHECK(count(seq, "S->C CertificateVerify") == 0);
    CHECK(count(seq, "S->C ServerKeyExchange") == 0);
    CHECK(h2_summary(t.outcome.request) == "GET https://api.example.test/");
    const DecodedMessage* ch = find_message(t, Direction::client_to_server, "ClientHello");
    const DecodedMessage* sh = find_message(t, Direction::server_to_client, "ServerHello");
    REQUIRE(ch != nullptr);
    REQUIRE(sh != nullptr);
    if (versions == 2) {
      CHECK(ch->find("pre_shared_key") != nullptr);
      CHECK(ch->find("psk_key_exchange_modes") != nullptr);
      REQUIRE(sh->find("pre_shared_key") != nullptr);
      CHECK(sh->find("pre_shared_key")->value == "selected identity 0");
      CHECK(sh->find("key_share") != nullptr);  // psk_dhe_ke: a fresh key exchange still
      CHECK(t.outcome.round_trips == 1);
    } else {
      // RFC 5077: the ticket goes in the session_ticket extension; the abbreviated handshake is
      // ServerHello, (NewSessionTicket,) ChangeCipherSpec, Finished from the server first.
      CHECK(ch->find("session_ticket") != nullptr);
      CHECK(count(seq, "C->S ClientKeyExchange") == 0);
      CHECK(seq[1] == "S->C ServerHello");
      CHECK(t.outcome.round_trips == 1);
      CHECK(first.outcome.round_trips == 2);
    }
    CHECK_FALSE(t.capture.keylog.empty());
  }
}

TEST_CASE("resumption fails after the proxy lost its ticket keys: a full handshake again") {
  for (uint8_t versions : {uint8_t{2}, uint8_t{1}}) {
    CAPTURE(versions);
    LoopbackConfig c = base(versions);
    c.resume = ResumeMode::lost_ticket_key;
    const Transcript t = run_loopback(c, store());
    REQUIRE(t.outcome.ok);
    CHECK_FALSE(t.outcome.resumed);
    const auto seq = sequence(t);
    CHECK(count(seq, "S->C Certificate") == 1);
    const DecodedMessage* ch = find_message(t, Direction::client_to_server, "ClientHello");
    REQUIRE(ch != nullptr);
    CHECK(ch->find(versions == 2 ? "pre_shared_key" : "session_ticket") != nullptr);  // offered anyway
    if (versions == 2)
      CHECK(find_message(t, Direction::server_to_client, "ServerHello")->find("pre_shared_key") == nullptr);
  }
}

TEST_CASE("0-RTT: the request rides in the first flight; a replay of it is refused by default") {
  for (bool no_anti_replay : {false, true}) {
    CAPTURE(no_anti_replay);
    LoopbackConfig c = base();
    c.early_data = true;
    c.no_anti_replay = no_anti_replay;
    const Transcript t = run_loopback(c, store());
    REQUIRE(t.outcome.ok);
    CHECK(t.outcome.resumed);
    CHECK(t.outcome.early_data == EarlyData::accepted);
    CHECK(t.outcome.round_trips == 0);
    CHECK(h2_summary(t.outcome.request) == "GET https://api.example.test/");
    CHECK(h2_summary(t.outcome.response) == ":status 200");
    const auto seq = sequence(t);
    CHECK(count(seq, "C->S EndOfEarlyData") == 1);
    CHECK(count(seq, "S->C Certificate") == 0);
    CHECK(find_message(t, Direction::client_to_server, "ClientHello")->find("early_data") != nullptr);
    CHECK(find_message(t, Direction::server_to_client, "EncryptedExtensions")->find("early_data") != nullptr);
    // The ticket of the first connection allowed it.
    const TlsConnection& first = t.earlier.at(0);
    bool ticket_allows = false;
    for (const auto& d : first.decoded)
      if (d.name == "NewSessionTicket" && d.find("early_data") != nullptr) ticket_allows = true;
    CHECK(ticket_allows);
    // The client's early traffic secret is in the key log (Wireshark decrypts the 0-RTT request).
    CHECK(std::any_of(t.capture.keylog.begin(), t.capture.keylog.end(),
                      [](const std::string& l) { return l.rfind("CLIENT_EARLY_TRAFFIC_SECRET ", 0) == 0; }));
    REQUIRE(t.replay.size() == 1);
    const HandshakeOutcome& replay = t.replay[0].outcome;
    if (no_anti_replay) {
      // Stateless tickets: the server cannot tell, and reads the same request a second time.
      CHECK(replay.early_data == EarlyData::accepted);
      CHECK(replay.request == t.outcome.request);
    } else {
      // OpenSSL's default: single-use tickets in the server's cache; the replay gets a full
      // handshake and its early data is skipped.
      CHECK(replay.early_data == EarlyData::rejected);
      CHECK(replay.request.empty());
      CHECK_FALSE(replay.resumed);
      const auto rseq = sequence(t.replay[0].capture.messages, t.replay[0].decoded);
      CHECK(count(rseq, "C->S ClientHello") == 1);
      CHECK(count(rseq, "S->C Certificate") == 1);
    }
  }
}

TEST_CASE("0-RTT to a restarted proxy: rejected, the request is sent again after the handshake") {
  LoopbackConfig c = base();
  c.early_data = true;
  c.resume = ResumeMode::lost_ticket_key;
  const Transcript t = run_loopback(c, store());
  REQUIRE(t.outcome.ok);
  CHECK_FALSE(t.outcome.resumed);
  CHECK(t.outcome.early_data == EarlyData::rejected);
  CHECK(t.outcome.round_trips == 1);
  CHECK(h2_summary(t.outcome.request) == "GET https://api.example.test/");
  CHECK(count(sequence(t), "C->S EndOfEarlyData") == 0);
}

TEST_CASE("mutual TLS: CertificateRequest, the client's Certificate and CertificateVerify") {
  for (uint8_t versions : {uint8_t{2}, uint8_t{1}}) {
    CAPTURE(versions);
    LoopbackConfig c = base(versions);
    c.client_cert = ClientCertMode::trusted;
    const Transcript t = run_loopback(c, store());
    REQUIRE(t.outcome.ok);
    CHECK(t.outcome.client_cert == "CN=alice (client),O=deploysim clients");
    const auto seq = sequence(t);
    CHECK(count(seq, "S->C CertificateRequest") == 1);
    CHECK(count(seq, "C->S Certificate") == 1);
    CHECK(count(seq, "C->S CertificateVerify") == 1);
    const DecodedMessage* req = find_message(t, Direction::server_to_client, "CertificateRequest");
    REQUIRE(req != nullptr);
    CHECK(req->find("certificate_authorities")->value == "CN=deploysim Local Root CA,O=deploysim");
    const DecodedMessage* cert = find_message(t, Direction::client_to_server, "Certificate");
    REQUIRE(cert != nullptr);
    CHECK(cert->find("certificate[0].subject")->value == "CN=alice (client),O=deploysim clients");
  }
}

TEST_CASE("mutual TLS failures: no client certificate, or one from an untrusted CA") {
  struct Case {
    ClientCertMode mode;
    uint8_t versions;
    int alert;
  };
  // What OpenSSL 3.0's server really sends: TLS 1.3 certificate_required (RFC 8446 4.4.2.4),
  // TLS 1.2 handshake_failure; an unknown issuer is unknown_ca in both.
  const Case cases[] = {{ClientCertMode::missing, 2, 116},
                        {ClientCertMode::missing, 1, SSL_AD_HANDSHAKE_FAILURE},
                        {ClientCertMode::untrusted, 2, SSL_AD_UNKNOWN_CA},
                        {ClientCertMode::untrusted, 1, SSL_AD_UNKNOWN_CA}};
  for (const Case& k : cases) {
    CAPTURE(static_cast<int>(k.mode));
    CAPTURE(k.versions);
    LoopbackConfig c = base(k.versions);
    c.client_cert = k.mode;
    const Transcript t = run_loopback(c, store());
    CHECK_FALSE(t.outcome.ok);
    CHECK(t.outcome.alert == k.alert);
    CHECK(t.outcome.alert_from == Direction::server_to_client);
    CHECK(t.outcome.request.empty());
    CHECK(t.outcome.client_cert.empty());
    const auto seq = sequence(t);
    CHECK(count(seq, "S->C CertificateRequest") == 1);
    CHECK(count(seq, "C->S Certificate") == 1);  // empty, or the untrusted one
    CHECK(count(seq, "C->S CertificateVerify") == (k.mode == ClientCertMode::missing ? 0u : 1u));
  }
}

TEST_CASE("OCSP stapling: the proxy staples its CA's response, the client reads the status") {
  for (uint8_t versions : {uint8_t{2}, uint8_t{1}}) {
    for (StapleMode mode : {StapleMode::good, StapleMode::revoked}) {
      CAPTURE(versions);
      CAPTURE(static_cast<int>(mode));
      LoopbackConfig c = base(versions);
      c.staple = mode;
      const Transcript t = run_loopback(c, store());
      REQUIRE(t.outcome.ok);  // the client reports the status and goes on, as s_client -status does
      CHECK(t.outcome.ocsp == (mode == StapleMode::good ? OcspStatus::good : OcspStatus::revoked));
      CHECK(find_message(t, Direction::client_to_server, "ClientHello")->find("status_request")->value == "ocsp");
      // TLS 1.3: in the leaf's entry of Certificate; TLS 1.2: a CertificateStatus message.
      const DecodedMessage* holder =
          find_message(t, Direction::server_to_client, versions == 2 ? "Certificate" : "CertificateStatus");
      REQUIRE(holder != nullptr);
      REQUIRE(holder->find("ocsp.status") != nullptr);
      CHECK(holder->find("ocsp.status")->value == (mode == StapleMode::good ? "good" : "revoked"));
      CHECK(holder->find("ocsp.this_update")->value == "2026-10-31T09:00:00Z");
      CHECK(holder->find("ocsp.next_update")->value == "2026-11-07T09:00:00Z");
      // Produced when its status was computed, not when this process signed it (a real date).
      CHECK(holder->find("ocsp.produced_at")->value == "2026-10-31T09:00:00Z");
      CHECK((holder->find("ocsp.revocation_time") != nullptr) == (mode == StapleMode::revoked));
    }
  }
  SUBCASE("not asked for, nothing stapled") {
    const Transcript t = run_loopback(base(), store());
    CHECK(t.outcome.ocsp == OcspStatus::none);
    CHECK(find_message(t, Direction::client_to_server, "ClientHello")->find("status_request") == nullptr);
  }
}

TEST_CASE("a recorded pack keeps the new fields, the earlier connection and the replay") {
  LoopbackConfig c = base();
  c.early_data = true;
  c.resume = ResumeMode::resume;
  c.client_cert = ClientCertMode::trusted;
  c.staple = StapleMode::revoked;
  const Transcript t = run_loopback(c, store());
  REQUIRE(t.outcome.ok);
  deploysim::TlsConfig key;
  key.sni = key.verify_host = "api.example.test";
  key.cert_domain = "api.example.test";
  key.not_before_unix = start - 30 * 86400;
  key.not_after_unix = start + 60 * 86400;
  key.check_time_unix = start;
  const std::string text = pack_json({{key, &t}}, "OpenSSL test");
  CHECK(text.find("\"early_data\":\"accepted\"") != std::string::npos);
  RecordedTranscripts pack;
  std::string error;
  REQUIRE_MESSAGE(pack.parse(text, "pack", &error), error);
  const Transcript* back = pack.find(key);
  REQUIRE(back != nullptr);
  CHECK(back->config == t.config);
  CHECK(back->outcome.resumed);
  CHECK(back->outcome.early_data == EarlyData::accepted);
  // A resumed TLS 1.3 connection has no Certificate message, so nothing is stapled on it.
  CHECK(back->outcome.ocsp == OcspStatus::none);
  CHECK(back->earlier.at(0).outcome.ocsp == OcspStatus::revoked);
  CHECK(back->outcome.client_cert == t.outcome.client_cert);
  CHECK(back->outcome.round_trips == 0);
  REQUIRE(back->earlier.size() == 1);
  CHECK(back->earlier[0].capture.flights.size() == t.earlier[0].capture.flights.size());
  REQUIRE(back->replay.size() == 1);
  CHECK(back->replay[0].outcome.early_data == EarlyData::rejected);
}
