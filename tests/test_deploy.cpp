// Deploys: version constraints resolved against the catalogue on a redeploy (pinned, minor range,
// unpinned), a breaking minor release crashing at start, tests before the upgrade, and the
// migration step run once, per replica (the race) or under a lock.
#include <doctest/doctest.h>

#include "deploysim/versions.hpp"
#include "deploysim/world.hpp"
#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

Scenario with_catalogue(const std::string& constraint, SupervisorKind kind = SupervisorKind::kubernetes) {
  Scenario sc = one_service(kind, "");
  sc.services[0].dependencies.push_back({"fastapi", constraint});
  sc.packages.push_back({"fastapi",
                         {{"0.45.0", -days(200), false}, {"0.45.1", -days(90), false},
                          {"0.46.0", days(1), true}}});
  add_fault(sc, FaultKind::redeploy, days(2));
  sc.info.duration = days(2) + minutes(10);
  return sc;
}

std::string resolved_to(const Run& run) {
  const auto r = records(run, "deploy.resolve");
  return r.empty() ? "" : std::string(run.trace.detail_str(*r.back(), "to_version"));
}

}  // namespace

TEST_CASE("versions and constraints") {
  CHECK(parse_version("0.45.0") == Version{0, 45, 0});
  CHECK(parse_version("1.2") == Version{1, 2, 0});
  CHECK_FALSE(parse_version("0.45.x"));
  CHECK_FALSE(parse_version(""));
  CHECK(*parse_version("0.46.0") > *parse_version("0.45.9"));
  auto pinned = parse_constraint("==0.45.0");
  REQUIRE(pinned);
  CHECK(pinned->allows({0, 45, 0}));
  CHECK_FALSE(pinned->allows({0, 45, 1}));
  auto range = parse_constraint(">=0.45.0,<0.46.0");
  REQUIRE(range);
  CHECK(range->allows({0, 45, 7}));
  CHECK_FALSE(range->allows({0, 46, 0}));
  CHECK(parse_constraint("~=0.45.0")->allows({0, 45, 3}));
  CHECK_FALSE(parse_constraint("~=0.45.0")->allows({0, 46, 0}));
  std::string error;
  CHECK_FALSE(parse_constraint("=>0.45", &error));
  CHECK(error.find("expected a version constraint") != std::string::npos);
}

TEST_CASE("a redeploy resolves each constraint against the releases published by then") {
  SUBCASE("==0.45.0 stays") {
    Run run = simulate(with_catalogue("==0.45.0"));
    CHECK(resolved_to(run) == "0.45.0");
    CHECK(count(run, "process.exit") == 0);
  }
  SUBCASE(">=0.45.0,<0.46.0 takes the patch release only") {
    Run run = simulate(with_catalogue(">=0.45.0,<0.46.0"));
    CHECK(resolved_to(run) == "0.45.1");
    CHECK(count(run, "process.exit") == 0);
    CHECK(count(run, "process.ready") == 1);
  }
  SUBCASE(">=0.45.0 takes the breaking minor release: crash at start, CrashLoopBackOff") {
    Run run = simulate(with_catalogue(">=0.45.0"));
    CHECK(resolved_to(run) == "0.46.0");
    const auto r = records(run, "deploy.resolve");
    CHECK(run.trace.detail_int(*r.back(), "breaking") == 1);
    CHECK(count(run, "process.ready") == 0);
    CHECK(count(run, "process.exit") >= 5);
    CHECK(count(run, "supervisor.restart") >= 4);
  }
  SUBCASE("before the breaking release is published, unpinned is harmless") {
    Scenario sc = with_catalogue(">=0.45.0");
    sc.faults[0].at = hours(12);
    Run run = simulate(sc);
    CHECK(resolved_to(run) == "0.45.1");
  }
}

TEST_CASE("tests before the upgrade catch the breaking release; the old version keeps serving") {
  Scenario sc = with_catalogue(">=0.45.0");
  sc.services[0].test_before_upgrade = true;
  Run run = simulate(sc);
  CHECK(count(run, "deploy.tests_failed") == 1);
  CHECK(count(run, "deploy.rollout") == 0);
  CHECK(count(run, "process.exit") == 0);
  const auto installed = records(run, "deploy.installed");
  REQUIRE(installed.size() == 1);
  CHECK(run.trace.detail_str(*installed[0], "versions") == "fastapi 0.45.1");

  Scenario safe = with_catalogue(">=0.45.0,<0.46.0");
  safe.services[0].test_before_upgrade = true;
  Run r2 = simulate(safe);
  CHECK(count(r2, "deploy.tests_passed") == 1);
  CHECK(count(r2, "deploy.rollout") == 1);
}

TEST_CASE("migrations: once before the replicas, per replica (race), or under a lock") {
  auto make = [](PreStartMode mode) {
    Scenario sc = one_service(SupervisorKind::kubernetes);
    for (int i = 1; i <= 4; ++i) {
      HostSpec h;
      h.name = "app-" + std::to_string(i);
      h.ip = "10.0.0." + std::to_string(10 + i);
      sc.hosts.push_back(h);
      sc.services[0].hosts.push_back(h.name);
    }
    sc.services[0].pre_start.push_back({"migrate", mode, s(4)});
    add_fault(sc, FaultKind::redeploy, 10_s);
    sc.info.duration = minutes(2);
    return sc;
  };
  SUBCASE("once: a job, then all four replicas start together") {
    Run run = simulate(make(PreStartMode::once));
    CHECK(times(run, "deploy.job_done") == std::vector<Time>{14_s});
    CHECK(times(run, "process.ready") == std::vector<Time>(4, 14_s + ms(500)));
    CHECK(count(run, "deploy.pre_start_failed") == 0);
    CHECK(run.metrics.restarts == 0);
  }
  SUBCASE("per replica: three of four lose the race with DuplicateTable and restart") {
    Run run = simulate(make(PreStartMode::per_replica));
    CHECK(count(run, "deploy.pre_start_begin") == 4);
    const auto failed = records(run, "deploy.pre_start_failed");
    CHECK(failed.size() == 3);
    CHECK(run.trace.detail_str(*failed[0], "error").find("DuplicateTable") != std::string_view::npos);
    CHECK(count(run, "supervisor.restart") == 3);
    CHECK(count(run, "deploy.pre_start_noop") == 3);
    CHECK(count(run, "process.ready") == 4);
  }
  SUBCASE("locked: one after the other, the k-th replica is ready after k steps") {
    Run run = simulate(make(PreStartMode::locked));
    CHECK(count(run, "deploy.lock_wait") == 3);
    CHECK(times(run, "process.ready") ==
          std::vector<Time>{14_s + ms(500), 18_s + ms(500), 22_s + ms(500), 26_s + ms(500)});
    CHECK(count(run, "deploy.pre_start_failed") == 0);
  }
}
