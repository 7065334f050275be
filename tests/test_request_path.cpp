// The request journey of issue 4: DNS -> TCP -> TLS with SNI -> proxy -> worker -> response.
#include <algorithm>
#include <doctest/doctest.h>

#include "deploysim/simulate.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;

TEST_CASE("a cold request walks DNS, TCP, TLS 1.3 with SNI, the proxy and a worker in order") {
  const Scenario sc = basic_scenario();
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  const std::vector<std::string> expected = {"client.request",   "dns.query",
                                             "dns.cache_miss",   "dns.query",
                                             "dns.referral",     "dns.query",
                                             "dns.referral",     "dns.query",
                                             "dns.answer",       "dns.response",
                                             "tcp.syn",          "tcp.syn_ack",
                                             "tcp.ack",          "tls.client_hello",
                                             "tls.server_hello", "tls.encrypted_extensions",
                                             "tls.certificate",  "tls.certificate_verify",
                                             "tls.finished",     "tls.finished",
                                             "tls.established",  "http.request",
                                             "proxy.route",      "proxy.forward",
                                             "server.handle",    "server.response",
                                             "http.response",    "client.response"};
  CHECK(kinds_until(t, 0, "client.response") == expected);

  const Record& hello = t[find_kind(t, "tls.client_hello")];
  CHECK(t.detail_str(hello, "sni") == "api.example.test");
  CHECK(t.detail_str(hello, "alpn") == "h2,http/1.1");
  CHECK(t.detail_str(hello, "versions") == "1.2,1.3");
  const Record& cert = t[find_kind(t, "tls.certificate")];
  CHECK(t.detail_str(cert, "domain") == "api.example.test");
  const Record& fwd = t[find_kind(t, "proxy.forward")];
  CHECK(t.detail_str(fwd, "x_forwarded_proto") == "https");
  CHECK(t.detail_str(fwd, "x_forwarded_for") == "198.51.100.10");
  CHECK(t.node_name(fwd.to).starts_with("api/worker-"));
  // Caddy offers h2 to the browser whatever the app speaks; to Uvicorn it speaks HTTP/1.1.
  // TLS 1.3: the ALPN answer is in EncryptedExtensions, encrypted, never in the ServerHello.
  CHECK(t.detail_str(t[find_kind(t, "tls.encrypted_extensions")], "alpn") == "h2");
  CHECK(t.detail_str(t[find_kind(t, "tls.server_hello")], "alpn").empty());
  CHECK(t.detail_str(fwd, "protocol") == "HTTP/1.1");
  CHECK(t.detail_str(fwd, "upstream") == "127.0.0.1:8000");
  const Record& resp = t[find_kind(t, "client.response")];
  CHECK(t.detail_int(resp, "status") == 200);

  // Messages are recorded in time order and each arrives after it leaves.
  for (size_t i = 1; i < t.size(); ++i) CHECK(t[i - 1].t_ns <= t[i].t_ns);
  CHECK(run.metrics.requests == 2);
  CHECK(run.metrics.succeeded == 2);
}

TEST_CASE("a second request within the TTL skips the DNS chain") {
  Scenario sc = basic_scenario();
  SUBCASE("keep-alive: the open connection is reused, no DNS, TCP or TLS") {
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const size_t second = find_kind(t, "client.request", find_kind(t, "client.request") + 1);
    REQUIRE(second < t.size());
    CHECK(kinds_until(t, second, "client.response") ==
          std::vector<std::string>{"client.request", "tcp.reuse", "http.request", "proxy.route", "proxy.forward",
                                   "server.handle", "server.response", "http.response", "client.response"});
    CHECK(run.metrics.connections_reused == 1);
  }
  SUBCASE("no keep-alive: the stub cache answers, then a new TCP and TLS handshake") {
    sc.clients[0].keep_alive = false;
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const size_t second = find_kind(t, "client.request", find_kind(t, "client.request") + 1);
    const auto k = kinds_until(t, second, "client.response");
    CHECK(k[1] == "dns.stub_cache_hit");
    CHECK(k[2] == "tcp.syn");
    CHECK(std::count(k.begin(), k.end(), "dns.query") == 0);
    CHECK(run.metrics.tls_handshakes == 2);
  }
  SUBCASE("another client: the resolver's cache answers without root, TLD or authoritative") {
    ClientSpec phone = sc.clients[0];
    phone.name = "phone";
    phone.requests = 1;
    phone.start = s(5);
    sc.clients.push_back(phone);
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const NodeId phone_node = t.find_node("phone");
    size_t first = t.size();
    for (size_t i = 0; i < t.size(); ++i)
      if (t.kind(t[i]) == "client.request" && t[i].actor == phone_node) first = i;
    REQUIRE(first < t.size());
    const auto k = kinds_until(t, first, "dns.response");
    CHECK(k == std::vector<std::string>{"client.request", "dns.query", "dns.cache_hit", "dns.response"});
    CHECK(run.metrics.dns_cache_hits == 1);
  }
}

TEST_CASE("the same scenario and seed give the same trace; another seed changes the timing") {
  Scenario sc = basic_scenario();
  sc.clients[0].requests = 0;
  sc.clients[0].rate_per_s = 20;
  const Run a = simulate(sc), b = simulate(sc);
  CHECK(a.trace.size() == b.trace.size());
  CHECK(a.trace.fingerprint() == b.trace.fingerprint());
  Options o;
  o.seed = 7;
  const Run c = simulate(sc, o);
  CHECK(c.trace.fingerprint() != a.trace.fingerprint());
  CHECK(a.metrics.requests > 900);  // Poisson at 20/s over 60 s
  CHECK(a.metrics.requests < 1500);
}

TEST_CASE("TLS 1.2 costs one more round trip than TLS 1.3") {
  Scenario sc = basic_scenario();
  sc.clients[0].requests = 1;
  auto handshake = [](const Run& run) {
    const Trace& t = run.trace;
    return t.detail_int(t[find_kind(t, "tls.established")], "handshake");
  };
  const Run v13 = simulate(sc);
  sc.clients[0].tls_versions = tls12;
  const Run v12 = simulate(sc);
  const int64_t rtt = (ms(20) * 2).ns();
  CHECK(handshake(v13) == rtt);
  CHECK(handshake(v12) == 2 * rtt);
  CHECK(v12.trace.detail_str(v12.trace[find_kind(v12.trace, "tls.server_hello")], "version") == "TLS 1.2");
  // TLS 1.2 answers ALPN in the ServerHello, in clear, and has no EncryptedExtensions.
  CHECK(v12.trace.detail_str(v12.trace[find_kind(v12.trace, "tls.server_hello")], "alpn") == "h2");
  CHECK(count_kind(v12.trace, "tls.encrypted_extensions") == 0);
  CHECK(count_kind(v12.trace, "tls.server_hello_done") == 1);
  CHECK(count_kind(v12.trace, "tls.change_cipher_spec") == 2);
  CHECK(count_kind(v13.trace, "tls.change_cipher_spec") == 0);
  const Time total13 = v13.metrics.latency.at("total").max;
  const Time total12 = v12.metrics.latency.at("total").max;
  CHECK((total12 - total13).ns() > rtt - (ms(5)).ns());  // service time differs little
}

TEST_CASE("TLS 1.3 answers ALPN in EncryptedExtensions, and says when no protocol is shared") {
  Scenario sc = basic_scenario();
  sc.clients[0].requests = 1;
  const Run shared = simulate(sc);
  const Record& ee = shared.trace[find_kind(shared.trace, "tls.encrypted_extensions")];
  CHECK(shared.trace.narration(ee) == "tls.encrypted_extensions");
  CHECK(shared.trace.detail_str(ee, "alpn") == "h2");
  sc.clients[0].alpn = {"spdy/3.1"};  // a protocol the proxy does not serve
  const Run none = simulate(sc);
  const Record& ee_none = none.trace[find_kind(none.trace, "tls.encrypted_extensions")];
  CHECK(none.trace.narration(ee_none) == "tls.encrypted_extensions.no_alpn");
  CHECK(none.trace.detail_str(ee_none, "alpn") == "(none)");
  CHECK(none.trace.detail_str(none.trace[find_kind(none.trace, "tls.established")], "alpn") == "http/1.1");
}

TEST_CASE("one IP serves two domains: the proxy picks each certificate by SNI") {
  Scenario sc = basic_scenario();
  ClientSpec phone = sc.clients[0];
  phone.name = "phone";
  phone.url = "https://www.example.test/";
  phone.requests = 1;
  sc.clients.push_back(phone);
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const Record& r : t.records())
    if (t.kind(r) == "tls.certificate") seen.emplace_back(t.detail_str(r, "sni"), t.detail_str(r, "domain"));
  REQUIRE(seen.size() == 2);
  for (const auto& [sni, domain] : seen) CHECK(sni == domain);
  // Hypercorn behind www: the proxy offers h2, and the client gets it.
  bool www_h2 = false;
  for (const Record& r : t.records())
    if (t.kind(r) == "tls.established" && t.node_name(r.actor) == "phone") www_h2 = t.detail_str(r, "alpn") == "h2";
  CHECK(www_h2);
  CHECK(run.metrics.succeeded == 3);
}
