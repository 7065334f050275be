// The app server: queueing across 1, 2 and 4 workers, the concurrency limit, utilisation, and
// the trace levels that a million-request run uses.
#include <doctest/doctest.h>

#include "deploysim/simulate.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;

namespace {

// 60 requests/s on keep-alive connections to a service whose median handler takes 20 ms:
// one worker is about 1.4x overloaded, two are busy, four are relaxed.
Scenario loaded(int workers) {
  Scenario sc = basic_scenario();
  sc.info.duration = s(60);
  sc.services[0].workers = workers;
  sc.clients[0].requests = 0;
  sc.clients[0].rate_per_s = 60;
  sc.clients[0].alpn = {"http/1.1"};
  return sc;
}

Options at_level(TraceLevel level) {
  Options o;
  o.level = level;
  return o;
}

}  // namespace

TEST_CASE("more workers: less queueing, lower latency") {
  const Run one = simulate(loaded(1), at_level(TraceLevel::none));
  const Run two = simulate(loaded(2), at_level(TraceLevel::none));
  const Run four = simulate(loaded(4), at_level(TraceLevel::none));
  CHECK(one.metrics.requests == two.metrics.requests);  // the client's stream does not change
  const auto p99 = [](const Run& r, const char* stage) { return r.metrics.latency.at(stage).p99; };
  CHECK(p99(one, "queue") > p99(two, "queue"));
  CHECK(p99(two, "queue") > p99(four, "queue"));
  CHECK(p99(one, "total") > s(1));  // overloaded: the queue grows for the whole minute
  CHECK(p99(four, "total") < ms(400));
  CHECK(one.metrics.worker_utilisation.at("api/worker-1") > 0.95);
  double four_busy = 0;
  for (const auto& [name, u] : four.metrics.worker_utilisation)
    if (name.starts_with("api/")) four_busy += u;
  CHECK(four_busy > 1.0);
  CHECK(four_busy < 2.5);
}

TEST_CASE("the concurrency limit answers 503 beyond it") {
  Scenario sc = loaded(1);
  sc.services[0].concurrency_limit = 4;
  const Run run = simulate(sc, at_level(TraceLevel::none));
  CHECK(run.metrics.failures.at("503") > 100);
  const uint64_t ended = run.metrics.succeeded + run.metrics.failures.at("503");
  CHECK(ended + run.metrics.in_flight == run.metrics.requests);
  CHECK(run.metrics.in_flight <= 4 + 2);                 // at the worker (limit 4) or on the wire
  CHECK(run.metrics.latency.at("queue").max < ms(400));  // never more than 3 ahead
}

TEST_CASE("trace levels: full, outcomes only, none; the metrics do not change") {
  Scenario sc = loaded(2);
  sc.info.duration = s(5);
  const Run full = simulate(sc);
  const Run outcomes = simulate(sc, at_level(TraceLevel::outcomes));
  const Run none = simulate(sc, at_level(TraceLevel::none));
  CHECK(none.trace.size() == 0);
  size_t outcome_records = 0;
  for (const Record& r : outcomes.trace.records())
    if (is_path_kind(outcomes.trace.kind(r))) {
      ++outcome_records;
      CHECK(outcomes.trace.kind(r) == "client.response");
    }
  CHECK(outcome_records == full.metrics.succeeded);
  CHECK(full.metrics.requests == full.metrics.succeeded + full.metrics.in_flight);
  CHECK(full.trace.size() > 5 * full.metrics.requests);
  CHECK(none.metrics.succeeded == full.metrics.succeeded);
  CHECK(none.metrics.latency.at("total").p99 == full.metrics.latency.at("total").p99);
  CHECK(none.metrics.bytes_received == full.metrics.bytes_received);
}

TEST_CASE("availability windows add up to the requests") {
  Scenario sc = loaded(1);
  sc.services[0].concurrency_limit = 4;
  const Run run = simulate(sc, at_level(TraceLevel::none));
  uint64_t ok = 0, failed = 0;
  for (const auto& p : run.metrics.availability) {
    ok += p.ok;
    failed += p.failed;
  }
  CHECK(ok == run.metrics.succeeded);
  CHECK(failed == run.metrics.failures.at("503"));
  CHECK(run.metrics.availability.size() == 60);
  CHECK(run.metrics.availability_window == s(1));
}

namespace {

Run shipped(const std::string& file, const std::string& variant = {},
            const std::vector<std::pair<std::string, std::string>>& params = {}) {
  LoadResult l = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file);
  REQUIRE_MESSAGE(l.scenario.has_value(), (l.error ? l.error->to_string() : ""));
  if (!variant.empty()) l = apply_variant(*l.scenario, variant);
  for (const auto& [path, value] : params) {
    REQUIRE(l.scenario.has_value());
    l = set_param(*l.scenario, path, value);
  }
  REQUIRE_MESSAGE(l.scenario.has_value(), (l.error ? l.error->to_string() : ""));
  return simulate(*l.scenario);
}

}  // namespace

TEST_CASE("Uvicorn 0.29 with every worker dead: the manager keeps the socket, the proxy times out with 504") {
  // worker-respawn.toml: four workers, one crashes every minute; 0.29 does not respawn them.
  const Time all_dead = minutes(4);
  const auto check = [&](const Run& run, Time timeout) {
    const Trace& t = run.trace;
    size_t forwards = 0, timeouts = 0, bad_gateway_after = 0;
    for (const Record& r : t.records()) {
      if (r.t() <= all_dead) continue;
      const std::string_view kind = t.kind(r);
      if (kind == "proxy.upstream_error") ++bad_gateway_after;
      // The proxy still connects to 127.0.0.1:8000: the kernel accepts into the backlog.
      if (kind == "proxy.forward") {
        ++forwards;
        CHECK(t.narration(r) == "proxy.forward.backlog");
        CHECK(t.detail_str(r, "upstream") == "127.0.0.1:8000");
      }
      // The manager lives on: no exit and no restart of the unit.
      CHECK(kind != "process.exit");
      CHECK(kind != "supervisor.restart");
    }
    CHECK(forwards > 100);
    CHECK(bad_gateway_after == 0);
    const size_t first_forward = [&] {
      for (size_t i = 0; i < t.size(); ++i)
        if (t[i].t() > all_dead && t.kind(t[i]) == "proxy.forward") return i;
      return t.size();
    }();
    const size_t first_timeout = find_kind(t, "proxy.timeout", first_forward);
    REQUIRE(first_timeout < t.size());
    CHECK(t[first_timeout].t() - t[first_forward].t() == timeout);
    CHECK(t.narration(t[first_timeout]) == "proxy.timeout.backlog");
    for (const Record& r : t.records()) timeouts += t.kind(r) == "proxy.timeout";
    CHECK(run.metrics.failures.at("504") == timeouts);
  };
  SUBCASE("nginx: proxy_read_timeout 60 s") {
    check(shipped("worker-respawn.toml", "uvicorn 0.29 (no respawn)"), s(60));
  }
  SUBCASE("HAProxy: Debian's timeout server 50 s") {
    check(shipped("worker-respawn.toml", "uvicorn 0.29 (no respawn)", {{"proxy.preset", "\"haproxy\""}}), s(50));
  }
  SUBCASE("Caddy has no response timeout: the requests hang, no 502 and no 504") {
    const Run run = shipped("worker-respawn.toml", "uvicorn 0.29 behind caddy (no response timeout)");
    CHECK(count_kind(run.trace, "proxy.timeout") == 0);
    CHECK(run.metrics.failures.count("504") == 0);
    CHECK(run.metrics.in_flight > 100);
  }
  SUBCASE("Uvicorn 0.30 respawns: the same crashes cost at most the requests in flight") {
    const Run run = shipped("worker-respawn.toml");
    CHECK(count_kind(run.trace, "server.respawn") == 4);
    CHECK(count_kind(run.trace, "proxy.timeout") == 0);
    CHECK(run.metrics.failures.count("504") == 0);
  }
}

TEST_CASE("behind a proxy on another host the app sees http and the proxy's address, unless it trusts the proxy") {
  const auto seen = [](const Run& run) {
    const Trace& t = run.trace;
    const size_t i = find_kind(t, "server.handle");
    REQUIRE(i < t.size());
    return std::pair<std::string, std::string>{t.detail_str(t[i], "scheme"), t.detail_str(t[i], "client")};
  };
  SUBCASE("one host, bound to 127.0.0.1: the default forwarded_allow_ips trusts the proxy") {
    CHECK(seen(shipped("behind-the-proxy.toml")) == std::pair<std::string, std::string>{"https", "198.51.100.10"});
  }
  SUBCASE("the proxy on another host is not 127.0.0.1: http, and the proxy as the client") {
    const Run run = shipped("behind-the-proxy.toml", "proxy on another host");
    CHECK(seen(run) == std::pair<std::string, std::string>{"http", "203.0.113.10"});
    CHECK(run.trace.narration(run.trace[find_kind(run.trace, "server.handle")]) == "server.handle.untrusted");
  }
  SUBCASE("forwarded_allow_ips names the proxy: https and the browser again") {
    CHECK(seen(shipped("behind-the-proxy.toml", "another host, proxy trusted")) ==
          std::pair<std::string, std::string>{"https", "198.51.100.10"});
  }
  SUBCASE("still bound to 127.0.0.1 on another host: the proxy is refused, 502") {
    const Run run = shipped("behind-the-proxy.toml", "another host, still bound to 127.0.0.1");
    CHECK(count_kind(run.trace, "server.handle") == 0);
    CHECK(run.metrics.failures.at("502") == 2);
  }
  SUBCASE("nginx adds no X-Forwarded-Proto unless told: http even on one host") {
    CHECK(seen(shipped("behind-the-proxy.toml", "nginx without proxy_set_header")) ==
          std::pair<std::string, std::string>{"http", "127.0.0.1"});
  }
}
