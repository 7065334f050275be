// simulate() reports progress and can be cancelled, so a front end can run a big what-if off
// its UI thread with a progress bar and drop a run that a newer edit made stale.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

Scenario loaded_workers() {
  const std::string path = std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/loaded-workers.toml";
  LoadResult base = load_scenario_file(path);
  if (base.error) FAIL(base.error->to_string());
  REQUIRE(base.scenario);
  return *base.scenario;
}

}  // namespace

TEST_CASE("progress is reported in order up to the end, and does not change the trace") {
  const Scenario sc = loaded_workers();
  const Run plain = simulate(sc);
  std::vector<Time> seen;
  Time seen_end;
  Options o;
  o.progress_every = 256;
  o.progress = [&](Time now, Time end) {
    seen.push_back(now);
    seen_end = end;
  };
  const Run reported = simulate(sc, o);
  CHECK_FALSE(reported.cancelled);
  CHECK(reported.trace.fingerprint() == plain.trace.fingerprint());
  CHECK(reported.end == plain.end);
  CHECK(reported.metrics.requests == plain.metrics.requests);
  REQUIRE(seen.size() >= 3);
  CHECK(seen_end == sc.info.duration);
  CHECK(seen.back() == sc.info.duration);  // a final 100 % report
  for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i - 1] <= seen[i]);
  CHECK(seen.front() < sc.info.duration);  // intermediate reports, not only the last one
  // About one report per 256 events.
  CHECK(seen.size() >= plain.metrics.events / 256);
  CHECK(seen.size() <= plain.metrics.events / 256 + 2);
}

TEST_CASE("a cancelled run stops at the next check and says so") {
  const Scenario sc = loaded_workers();
  const Run full = simulate(sc);
  std::atomic<bool> cancel{false};
  int reports = 0;
  Options o;
  o.progress_every = 128;
  o.cancel = &cancel;
  o.progress = [&](Time, Time) {
    if (++reports == 3) cancel = true;  // a newer edit arrives mid-run
  };
  const Run stopped = simulate(sc, o);
  CHECK(stopped.cancelled);
  CHECK(reports == 3);
  CHECK(stopped.end < sc.info.duration);
  CHECK(stopped.trace.size() < full.trace.size());

  SUBCASE("cancelled before it starts: no work beyond the first batch") {
    std::atomic<bool> early{true};
    Options o2;
    o2.progress_every = 64;
    o2.cancel = &early;
    const Run none = simulate(sc, o2);
    CHECK(none.cancelled);
    CHECK(none.end < ms(1000));
  }
}

TEST_CASE("a cancelled run's metrics cover the part that ran (the command line's partial summary)") {
  const Scenario sc = loaded_workers();
  const Run full = simulate(sc);
  std::atomic<bool> cancel{false};
  Options o;
  o.progress_every = 512;
  o.cancel = &cancel;
  o.progress = [&](Time now, Time end) {
    if (now > end / 2) cancel = true;
  };
  const Run half = simulate(sc, o);
  REQUIRE(half.cancelled);
  CHECK(half.metrics.requests > 0);
  CHECK(half.metrics.requests < full.metrics.requests);
  CHECK(half.metrics.events > 0);
  CHECK(half.metrics.events < full.metrics.events);
  REQUIRE(half.metrics.latency.count("total"));
  CHECK(half.metrics.latency.at("total").count > 0);
  CHECK_FALSE(half.metrics.availability.empty());
  CHECK(half.metrics.availability.back().t <= half.end);
}
