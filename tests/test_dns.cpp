// DNS: TTL caching, negative caching, CNAME chasing, NXDOMAIN and resolver outages with retry.
#include <doctest/doctest.h>

#include "deploysim/simulate.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;

TEST_CASE("a misspelt name gets NXDOMAIN, and the negative answer is cached") {
  Scenario sc = basic_scenario();
  sc.clients[0].url = "https://apj.example.test/";
  sc.clients[0].keep_alive = false;
  ClientSpec other = sc.clients[0];
  other.name = "phone";
  other.requests = 1;
  other.start = s(5);
  sc.clients.push_back(other);
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  CHECK(count_kind(t, "dns.nxdomain") == 1);  // only the first lookup reaches ns.example.test
  CHECK(count_kind(t, "tcp.syn") == 0);
  CHECK(run.metrics.failures.at("nxdomain") == 3);
  const Record& nx = t[find_kind(t, "dns.nxdomain")];
  CHECK(t.node_name(nx.from) == "ns.example.test");
  CHECK(t.detail_int(nx, "negative_ttl") == minutes(5).ns());
  // laptop's second try: its own stub cache; phone: the resolver's negative cache.
  CHECK(count_kind(t, "dns.stub_cache_hit") == 1);
  CHECK(t.narration(t[find_kind(t, "dns.cache_hit")]) == "dns.cache_hit.negative");
}

TEST_CASE("a CNAME is chased to the A record and both are cached with the smaller TTL") {
  Scenario sc = basic_scenario();
  sc.clients[0].url = "https://app.example.test/";
  sc.clients[0].requests = 1;
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  std::vector<std::string> answers;
  for (const Record& r : t.records())
    if (t.kind(r) == "dns.answer") answers.emplace_back(t.detail_str(r, "type"));
  CHECK(answers == std::vector<std::string>{"CNAME", "A"});
  // The second query goes straight to ns.example.test: the delegation is cached.
  CHECK(count_kind(t, "dns.referral") == 2);
  const Record& resp = t[find_kind(t, "dns.response")];
  CHECK(t.detail_str(resp, "value") == "203.0.113.10");
  CHECK(t.detail_int(resp, "ttl") == minutes(1).ns());
  CHECK(run.metrics.succeeded == 1);
}

TEST_CASE("a resolver without a cache walks the tree every time") {
  Scenario sc = basic_scenario();
  sc.resolver.cache = false;
  sc.clients[0].keep_alive = false;
  ClientSpec other = sc.clients[0];
  other.name = "phone";
  other.requests = 1;
  other.start = s(5);
  sc.clients.push_back(other);
  const Run run = simulate(sc);
  CHECK(count_kind(run.trace, "dns.answer") == 2);  // laptop's second request: its stub cache
  CHECK(count_kind(run.trace, "dns.query") == 2 * 4);
  CHECK(run.metrics.dns_cache_misses == 2);
}

TEST_CASE("the cold lookup costs root, TLD and authoritative round trips; the warm one does not") {
  Scenario sc = basic_scenario();
  ClientSpec other = sc.clients[0];
  other.name = "phone";
  other.requests = 1;
  other.start = s(5);
  sc.clients.push_back(other);
  const Run run = simulate(sc);
  const Percentiles& dns = run.metrics.latency.at("dns");
  CHECK(dns.count == 2);
  // laptop (3 ms to the resolver): 3 + 2 x (15 + 25 + 40) + 3 ms; phone (20 ms): a cache hit.
  CHECK(dns.max == ms(166));
  CHECK(dns.p50 == ms(40));
}

TEST_CASE("a resolver outage: glibc's 5 s retry timer and 2 attempts, then an answer or a failure") {
  SUBCASE("back after 1.5 s: one timeout at 5 s, then the second attempt is answered") {
    ManualRun m(basic_scenario());
    m.world.resolver_up = false;
    m.world.engine.schedule_at(ms(1500), [&m] { m.world.resolver_up = true; });
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "dns.timeout") == 1);
    CHECK(t.detail_int(t[find_kind(t, "dns.timeout")], "timeout") == s(5).ns());
    CHECK(t.detail_int(t[find_kind(t, "dns.response")], "ttl") == minutes(5).ns());
    CHECK(t[find_kind(t, "dns.response")].t() == s(5) + ms(3) + ms(160));
    CHECK(m.world.metrics.succeeded == 2);
  }
  SUBCASE("down for good: the stub gives up after its attempts") {
    ManualRun m(basic_scenario());
    m.world.resolver_up = false;
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "dns.timeout") == 2 * 2);
    CHECK(m.world.metrics.failures.at("dns_timeout") == 2);
    const Record& err = t[find_kind(t, "client.error")];
    CHECK(t.detail_str(err, "cause") == "dns_timeout");
    CHECK(err.t() == s(10));
  }
  SUBCASE("a resolver that retries sooner (systemd-resolved, a browser's own): 1 s, 3 attempts") {
    Scenario sc = basic_scenario();
    sc.resolver.retry_timeout = s(1);
    sc.resolver.attempts = 3;
    ManualRun m(sc);
    m.world.resolver_up = false;
    m.world.engine.schedule_at(ms(1500), [&m] { m.world.resolver_up = true; });
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "dns.timeout") == 2);
    CHECK(t[find_kind(t, "dns.response")].t() == s(2) + ms(3) + ms(160));
  }
}
