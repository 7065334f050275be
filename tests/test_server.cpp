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
  CHECK(p99(one, "total") > s(1));      // overloaded: the queue grows for the whole minute
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
  CHECK(run.metrics.in_flight <= 4 + 2);  // at the worker (limit 4) or on the wire
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
