// A second visit (issue #18): HelloRetryRequest, session tickets and resumption, 0-RTT and 425
// Too Early, in the model (decide_tls), in the simulation (trace, response times, metrics), in
// scenario files (validation) and against real OpenSSL (loopback_config_for).
#include <doctest/doctest.h>

#include <string>

#include "deploysim/loopback/record_bytes.hpp"
#include "deploysim/loopback/tls_names.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;
namespace lb = deploysim::loopback;

namespace {

TlsConfig base_config() {
  TlsConfig c;
  c.sni = c.verify_host = c.cert_domain = "api.example.test";
  c.alpn_offered = {"http/1.1"};
  c.alpn_supported = {"h2", "http/1.1"};
  c.not_before_unix = 1790000000;
  c.not_after_unix = c.not_before_unix + 90 * 86400;
  c.check_time_unix = c.not_before_unix + 86400;
  return c;
}

std::vector<std::string> sequence(const TlsVerdict& v) {
  std::vector<std::string> out;
  for (const TlsMessage& m : v.messages) out.push_back(std::string(m.kind) + (m.from_client ? ">" : "<"));
  return out;
}

// A returning browser: one request every 5 s on a new connection, keeping tickets.
Scenario second_visit(ProxyPreset preset = ProxyPreset::nginx) {
  Scenario sc = basic_scenario();
  sc.proxy->preset = preset;
  sc.proxy->early_data = preset_accepts_early_data(preset);
  sc.proxy->session_tickets = true;
  ClientSpec& c = sc.clients[0];
  c.url = "https://api.example.test/items/1";
  c.requests = 3;
  c.interval = s(5);
  c.keep_alive = false;
  c.resume = true;
  c.early_data = sc.proxy->early_data;
  return sc;
}

// The kinds of connection n (0-based: the n-th tls.client_hello that is not a retry) up to its
// response, TLS and HTTP only.
std::vector<std::string> connection(const Trace& t, int n) {
  size_t at = 0;
  for (int seen = -1; at < t.size(); ++at)
    if (t.kind(t[at]) == "tls.client_hello" && t.detail_int(t[at], "retry") == 0 && ++seen == n) break;
  std::vector<std::string> out;
  for (size_t i = at; i < t.size() && t.kind(t[i]) != "client.response"; ++i)
    if (t.kind(t[i]).starts_with("tls.") || t.kind(t[i]).starts_with("http.")) out.emplace_back(t.kind(t[i]));
  return out;
}

int64_t latency_of(const Trace& t, int n) {
  int seen = -1;
  for (const Record& r : t.records())
    if (t.kind(r) == "client.response" && ++seen == n) return t.detail_int(r, "latency");
  return -1;
}

// The model's group word as decode's group_name spells the wire id.
std::string_view openssl_group_of(std::string_view g) {
  return g == "x25519" ? "x25519" : g == "p256" ? "secp256r1" : g == "p384" ? "secp384r1" : "secp521r1";
}

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("decide_tls: HelloRetryRequest, a resumed handshake, 0-RTT and no shared group") {
  SUBCASE("the client's first group is not accepted: HelloRetryRequest and a second ClientHello, 2 RTT") {
    TlsConfig c = base_config();
    c.client_groups = {"p256", "x25519"};
    c.server_groups = {"x25519"};
    const TlsVerdict v = decide_tls(c);
    CHECK(v.ok);
    CHECK(v.hello_retry);
    CHECK(v.group == "x25519");
    CHECK(sequence(v) == std::vector<std::string>{"tls.client_hello>", "tls.hello_retry_request<", "tls.client_hello>",
                                                  "tls.server_hello<", "tls.encrypted_extensions<", "tls.certificate<",
                                                  "tls.certificate_verify<", "tls.finished<", "tls.finished>"});
    CHECK(round_trips(v) == 2);
  }
  SUBCASE("the HelloRetryRequest asks for the server's first shared group, Go's crypto/tls and OpenSSL alike") {
    TlsConfig c = base_config();
    c.client_groups = {"p384", "p256", "x25519"};
    c.server_groups = {"x25519", "p256"};
    c.preset = ProxyPreset::caddy;
    CHECK(decide_tls(c).group == "x25519");
    c.preset = ProxyPreset::nginx;
    CHECK(decide_tls(c).group == "x25519");
    // TLS 1.2 has no key share to retry: OpenSSL follows the client's order there (tls1_shared_group).
    c.offered_versions = tls12;
    CHECK(decide_tls(c).group == "p256");
    CHECK_FALSE(decide_tls(c).hello_retry);
  }
  SUBCASE("a key share the server accepts is taken, even where the server prefers another group") {
    TlsConfig c = base_config();
    c.client_groups = {"p256", "x25519"};
    c.server_groups = {"x25519", "p256"};
    const TlsVerdict v = decide_tls(c);
    CHECK(v.group == "p256");
    CHECK_FALSE(v.hello_retry);
  }
  SUBCASE("no group in common: handshake_failure (40) from the server") {
    TlsConfig c = base_config();
    c.client_groups = {"p384"};
    c.server_groups = {"x25519"};
    const TlsVerdict v = decide_tls(c);
    CHECK_FALSE(v.ok);
    CHECK(v.alert == "handshake_failure");
    CHECK(v.alert_code == 40);
  }
  SUBCASE("a known TLS 1.3 ticket: no Certificate, no CertificateVerify, still 1 RTT") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::known;
    const TlsVerdict v = decide_tls(c);
    CHECK(v.resumed);
    CHECK(sequence(v) == std::vector<std::string>{"tls.client_hello>", "tls.server_hello<", "tls.encrypted_extensions<",
                                                  "tls.finished<", "tls.finished>"});
    CHECK(round_trips(v) == 1);
  }
  SUBCASE("a known TLS 1.2 ticket: the abbreviated handshake, 1 RTT instead of 2") {
    TlsConfig c = base_config();
    c.offered_versions = tls12;
    c.ticket = TicketOffer::known;
    const TlsVerdict v = decide_tls(c);
    CHECK(sequence(v) == std::vector<std::string>{"tls.client_hello>", "tls.server_hello<", "tls.change_cipher_spec<",
                                                  "tls.finished<", "tls.change_cipher_spec>", "tls.finished>"});
    CHECK(round_trips(v) == 1);
    c.ticket = TicketOffer::none;
    c.tickets = 2;
    const TlsVerdict full = decide_tls(c);
    CHECK(round_trips(full) == 2);
    CHECK(has(sequence(full), "tls.new_session_ticket<"));  // before the server's ChangeCipherSpec
  }
  SUBCASE("an unknown ticket: the full handshake, certificate and all") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::unknown;
    const TlsVerdict v = decide_tls(c);
    CHECK_FALSE(v.resumed);
    CHECK(has(sequence(v), "tls.certificate<"));
  }
  SUBCASE("0-RTT: the request in the first flight and EndOfEarlyData; refused after a HelloRetryRequest") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::known;
    c.early_data = c.server_early_data = true;
    const TlsVerdict v = decide_tls(c);
    CHECK(v.early_data_accepted);
    CHECK(round_trips(v) == 0);
    CHECK(sequence(v) == std::vector<std::string>{"tls.client_hello>", "tls.early_data>", "tls.server_hello<",
                                                  "tls.encrypted_extensions<", "tls.finished<",
                                                  "tls.end_of_early_data>", "tls.finished>"});
    c.client_groups = {"p256", "x25519"};
    c.server_groups = {"x25519"};
    const TlsVerdict retried = decide_tls(c);
    CHECK(retried.early_data_sent);
    CHECK_FALSE(retried.early_data_accepted);
    CHECK_FALSE(has(sequence(retried), "tls.end_of_early_data>"));
    // nginx turns OpenSSL's anti-replay off (SSL_OP_NO_ANTI_REPLAY): its tickets stay stateless, so
    // the second ClientHello resumes; only the early data is refused (RFC 8446 4.2.10).
    CHECK_FALSE(preset_keeps_anti_replay(c.preset));
    CHECK_FALSE(retried.single_use_tickets);
    CHECK_FALSE(retried.ticket_spent);
    CHECK(retried.resumed);
    CHECK_FALSE(has(sequence(retried), "tls.certificate<"));
    c.server_early_data = c.early_data = false;
    CHECK(decide_tls(c).resumed);  // stateless tickets survive the HelloRetryRequest
  }
}

TEST_CASE("a returning browser resumes with 0-RTT and gets its answer one round trip sooner") {
  const Run run = simulate(second_visit());
  const Trace& t = run.trace;
  const auto first = connection(t, 0), second = connection(t, 1);
  CHECK(has(first, "tls.certificate"));
  CHECK(has(first, "tls.new_session_ticket"));
  CHECK_FALSE(has(second, "tls.certificate"));
  CHECK(has(second, "tls.early_data"));
  CHECK(has(second, "tls.end_of_early_data"));
  CHECK_FALSE(has(second, "http.request"));  // the request went as early data
  const Trace& tt = t;
  const size_t fwd = find_kind(tt, "proxy.forward", find_kind(tt, "tls.early_data"));
  REQUIRE(fwd < t.size());
  CHECK(t.detail_str(t[fwd], "early_data") == "1");
  CHECK(t.narration(t[fwd]) == "proxy.forward.early_data");
  CHECK(run.metrics.tls_full_handshakes == 1);
  CHECK(run.metrics.tls_resumed == 2);
  CHECK(run.metrics.early_data_accepted == 2);
  CHECK(run.metrics.tls_round_trips_saved == 2);
  CHECK(run.metrics.tls_bytes_saved > 0);

  Scenario no_early = second_visit();
  no_early.clients[0].early_data = false;
  const Run plain = simulate(no_early);
  // One RTT (2 x 20 ms) sooner with 0-RTT; the service time is drawn from the same stream.
  const int64_t rtt = ms(40).ns();
  CHECK(latency_of(plain.trace, 1) - latency_of(t, 1) == doctest::Approx(rtt).epsilon(0.3));
  CHECK(plain.metrics.tls_resumed == 2);
  CHECK(plain.metrics.tls_round_trips_saved == 0);  // TLS 1.3 resumption saves bytes, not round trips
}

// The handshake records of a real connection, as they went on the wire: each message in a record
// of its own (5 bytes of header; 17 more when TLS 1.3 encrypted it); tickets, TLS 1.3's
// compatibility ChangeCipherSpec and close_notify are not handshake bytes the model counts.
size_t real_handshake_bytes(const lb::Transcript& t) {
  size_t n = 0;
  for (const lb::CapturedMessage& m : t.capture.messages) {
    const std::string name = lb::message_name(m);
    if (name == "NewSessionTicket" || name == "ChangeCipherSpec" || name == "Alert" || name == "ApplicationData")
      continue;
    n += m.bytes.size() + (m.encrypted ? 22 : 5);
  }
  return n;
}

TEST_CASE("the bytes-saved metric agrees with the real handshakes the program shows") {
  // Audit finding: fixed sizes of a 2.6 kB chain and a 264-byte CertificateVerify made a TLS 1.3
  // resumption save ~2,570 bytes, where the real handshakes (a 505-byte Certificate, a 79-byte
  // CertificateVerify) save ~340.
  Scenario sc = second_visit();
  sc.clients[0].early_data = false;
  const Run run = simulate(sc);
  REQUIRE(run.metrics.tls_resumed == 2);
  const double model = static_cast<double>(run.metrics.tls_bytes_saved) / 2;

  TlsConfig c = base_config();
  c.server_early_data = true;  // as the scenario's nginx: stateless tickets (SSL_OP_NO_ANTI_REPLAY)
  const size_t full = real_handshake_bytes(lb::transcript_for(c));
  c.ticket = TicketOffer::known;
  const lb::Transcript& resumed = lb::transcript_for(c);
  REQUIRE(resumed.outcome.resumed);
  const double real = static_cast<double>(full) - static_cast<double>(real_handshake_bytes(resumed));
  CAPTURE(model);
  CAPTURE(real);
  CHECK(real > 0);
  CHECK(model == doctest::Approx(real).epsilon(0.1));
}

// The proxy crashes between the second and the third visit.
static void crash_proxy_at_7s(Scenario& sc) {
  FaultSpec f;
  f.at = s(7);
  f.target = "proxy";
  f.kind = FaultKind::crash;
  sc.faults.push_back(f);
}

TEST_CASE("a ticket the proxy cannot read: a restarted proxy, another instance with its own keys") {
  SUBCASE("a proxy restart makes new ticket keys: the next visit runs the full handshake") {
    Scenario sc = second_visit();
    crash_proxy_at_7s(sc);
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const auto third = connection(t, 2);
    CHECK(has(third, "tls.certificate"));
    CHECK(has(third, "http.request"));  // the refused 0-RTT request goes again
    const size_t sh = find_kind(t, "tls.server_hello", find_kind(t, "tls.early_data", find_kind(t, "fault.crash")));
    REQUIRE(sh < t.size());
    CHECK(t.narration(t[sh]) == "tls.server_hello.ticket_rejected");
    CHECK(t.detail_str(t[sh], "ticket_rejected") == "proxy restarted");
    CHECK(run.metrics.tls_tickets_rejected == 1);
    CHECK(run.metrics.early_data_refused == 1);
  }
  SUBCASE("ticket key files (nginx ssl_session_ticket_key) are read again at start: a restart keeps them") {
    // Audit finding: shared key files were treated like keys made at start.
    Scenario sc = second_visit();
    sc.proxy->shared_ticket_keys = true;
    crash_proxy_at_7s(sc);
    const Run run = simulate(sc);
    const auto third = connection(run.trace, 2);
    CHECK_FALSE(has(third, "tls.certificate"));
    CHECK(run.metrics.tls_tickets_rejected == 0);
  }
  SUBCASE("three instances: per-instance keys lose tickets, shared keys do not") {
    Scenario sc = second_visit();
    sc.clients[0].requests = 8;
    sc.proxy->instances = 3;
    const Run own = simulate(sc);
    CHECK(own.metrics.tls_tickets_rejected > 0);
    sc.proxy->shared_ticket_keys = true;
    const Run shared = simulate(sc);
    CHECK(shared.metrics.tls_tickets_rejected == 0);
    CHECK(shared.metrics.tls_resumed == 7);
  }
}

TEST_CASE("425 Too Early: a POST in 0-RTT is refused by the app and sent again after the handshake") {
  Scenario sc = second_visit();
  sc.clients[0].method = "POST";
  sc.services[0].too_early = true;
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  const size_t answer = find_kind(t, "server.response");
  size_t too_early = t.size();
  for (size_t i = answer; i < t.size(); ++i)
    if (t.kind(t[i]) == "server.response" && t.detail_int(t[i], "status") == 425) {
      too_early = i;
      break;
    }
  REQUIRE(too_early < t.size());
  const size_t retry = find_kind(t, "http.request", too_early);
  REQUIRE(retry < t.size());
  CHECK(t.narration(t[retry]) == "http.request.too_early_retry");
  CHECK(t.detail_str(t[retry], "method") == "POST");
  CHECK(run.metrics.too_early_answers == 2);
  CHECK(run.metrics.succeeded == 3);
  sc.clients[0].method = "GET";  // safe: the app runs it from early data
  const Run get = simulate(sc);
  CHECK(get.metrics.too_early_answers == 0);
  // Audit finding: each 425 spends again the round trip 0-RTT saved; resumption keeps none here.
  CHECK(run.metrics.tls_round_trips_saved + 2 == get.metrics.tls_round_trips_saved);
}

TEST_CASE("resumption is deterministic and off by default") {
  const Scenario sc = second_visit();
  CHECK(simulate(sc).trace.fingerprint() == simulate(sc).trace.fingerprint());
  Scenario off = sc;
  off.clients[0].resume = off.clients[0].early_data = false;
  const Run run = simulate(off);
  CHECK(count_kind(run.trace, "tls.new_session_ticket") == 0);
  CHECK(run.metrics.tls_resumed == 0);
  CHECK(run.metrics.tls_full_handshakes == 3);
}

TEST_CASE("scenario keys: located errors for impossible combinations") {
  const std::string head = R"([[host]]
name = "edge-1"
ip = "203.0.113.10"

[proxy]
host = "edge-1"
)";
  const std::string client = R"(
[[client]]
name = "b"
url = "https://api.example.test/"
requests = 1
)";
  SUBCASE("Caddy has no server-side 0-RTT") {
    const auto r = load_scenario_text(head + "preset = \"caddy\"\nearly_data = true\n" + client, "x.toml");
    REQUIRE(r.error);
    INFO(r.error->to_string());
    CHECK(r.error->to_string().starts_with("x.toml:8:14: "));
    CHECK(r.error->message.find("crypto/tls") != std::string::npos);
  }
  SUBCASE("early data without resume") {
    const auto r = load_scenario_text(head + client + "early_data = true\n", "x.toml");
    REQUIRE(r.error);
    CHECK(r.error->line == 12);
    CHECK(r.error->message.find("resume = true") != std::string::npos);
  }
  SUBCASE("an unknown group and an unknown method") {
    const auto g = load_scenario_text(head + "groups = [\"x448\"]\n" + client, "x.toml");
    REQUIRE(g.error);
    CHECK(g.error->line == 7);
    CHECK(g.error->message.find("\"p256\"") != std::string::npos);
    const auto m = load_scenario_text(head + client + "method = \"FETCH\"\n", "x.toml");
    REQUIRE(m.error);
    CHECK(m.error->line == 12);
  }
  SUBCASE("the keys are read, with their defaults") {
    const std::string zone = "\n[[dns.zone]]\norigin = \"example.test\"\n";
    const auto r = load_scenario_text(head + "preset = \"nginx\"\ninstances = 3\nticket_keys = \"shared\"\n" + client +
                                          "resume = true\nmethod = \"POST\"\n" + zone,
                                      "x.toml");
    INFO((r.error ? r.error->to_string() : ""));
    REQUIRE(r.scenario);
    CHECK(r.scenario->proxy->instances == 3);
    CHECK(r.scenario->proxy->shared_ticket_keys);
    CHECK(r.scenario->proxy->session_tickets);
    CHECK(r.scenario->clients[0].method == "POST");
    CHECK(r.scenario->clients[0].groups == std::vector<std::string>{"x25519", "p256"});
    const auto ingress = load_scenario_text(head + "preset = \"ingress-nginx\"\n" + client + zone, "x.toml");
    REQUIRE(ingress.scenario);
    CHECK_FALSE(ingress.scenario->proxy->session_tickets);  // its ConfigMap's ssl-session-tickets "false"
  }
}

TEST_CASE("real OpenSSL agrees: a resumed handshake, a HelloRetryRequest, 0-RTT accepted") {
  SUBCASE("resumed") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::known;
    const lb::Transcript& t = lb::transcript_for(c);
    CHECK(t.outcome.resumed == decide_tls(c).resumed);
    CHECK(lb::message_index_for(t, "tls.certificate", lb::Direction::server_to_client) < 0);
  }
  SUBCASE("ticket lost") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::unknown;
    const lb::Transcript& t = lb::transcript_for(c);
    CHECK_FALSE(t.outcome.resumed);
    CHECK(lb::message_index_for(t, "tls.certificate", lb::Direction::server_to_client) >= 0);
  }
  SUBCASE("a full TLS 1.3 handshake carries the NewSessionTickets the trace shows") {
    const lb::Transcript& t = lb::transcript_for(base_config());
    CHECK(lb::message_index_for(t, "tls.new_session_ticket", lb::Direction::server_to_client, 1) >= 0);
  }
  SUBCASE("HelloRetryRequest: two ClientHellos, the second matched by its occurrence") {
    TlsConfig c = base_config();
    c.client_groups = {"p256", "x25519"};
    c.server_groups = {"x25519"};
    const lb::Transcript& t = lb::transcript_for(c);
    CHECK(t.outcome.hello_retry == decide_tls(c).hello_retry);
    CHECK(lb::message_index_for(t, "tls.hello_retry_request", lb::Direction::server_to_client) >= 0);
    CHECK(lb::message_index_for(t, "tls.client_hello", lb::Direction::client_to_server, 1) > 0);
  }
  SUBCASE("HelloRetryRequest with two shared groups in different orders: the model picks OpenSSL's group") {
    // Audit finding: OpenSSL 3.0 asks for the server's first group the client supports
    // (final_key_share), not the client's: `s_server -groups P-384:X25519` with `s_client -groups
    // P-256:X25519:P-384` ends on secp384r1.
    const std::pair<std::vector<std::string>, std::vector<std::string>> cases[] = {
        {{"p256", "x25519", "p384"}, {"p384", "x25519"}},
        {{"p256", "p384", "x25519"}, {"x25519", "p384"}},
        {{"p521", "x25519", "p256"}, {"p256", "x25519"}},
    };
    for (const auto& [client, server] : cases) {
      TlsConfig c = base_config();
      c.client_groups = client;
      c.server_groups = server;
      const TlsVerdict v = decide_tls(c);
      const lb::Transcript& t = lb::transcript_for(c);
      CAPTURE(v.group);
      CHECK(v.hello_retry);
      CHECK(t.outcome.hello_retry);
      CHECK(v.group == server.front());
      CHECK(lb::group_name(t.facts.group) == std::string(openssl_group_of(v.group)));
    }
  }
  SUBCASE("0-RTT accepted") {
    TlsConfig c = base_config();
    c.ticket = TicketOffer::known;
    c.early_data = c.server_early_data = true;
    const lb::Transcript& t = lb::transcript_for(c);
    CHECK(decide_tls(c).early_data_accepted);
    CHECK(t.outcome.early_data == lb::EarlyData::accepted);
    CHECK(lb::message_index_for(t, "tls.end_of_early_data", lb::Direction::client_to_server) >= 0);
    const std::vector<uint8_t> early = lb::early_data_record(t);
    REQUIRE(early.size() > 5);
    CHECK(early[0] == 23);  // application_data, encrypted with the early traffic key
    CHECK(early.size() == 5 + ((size_t{early[3]} << 8) | early[4]));
  }
  SUBCASE("the trace's ClientHello carries the configuration back") {
    const Run run = simulate(second_visit());
    const Trace& t = run.trace;
    size_t hello = find_kind(t, "tls.client_hello");
    hello = find_kind(t, "tls.client_hello", hello + 1);
    REQUIRE(hello < t.size());
    const auto cfg = lb::tls_config_of(t, t[hello]);
    REQUIRE(cfg);
    CHECK(cfg->ticket == TicketOffer::known);
    CHECK(cfg->early_data);
    const lb::LoopbackConfig l = lb::loopback_config_for(*cfg);
    CHECK(l.resume == lb::ResumeMode::resume);
    CHECK(l.early_data);
  }
}
