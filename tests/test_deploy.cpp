// Deploys: version constraints resolved against the catalogue on a redeploy (pinned, minor range,
// unpinned), a breaking minor release crashing at start, tests before the upgrade, and the
// migration step run once, per replica (the race) or under a lock.
#include <doctest/doctest.h>

#include "lifecycle/versions.hpp"
#include "core/world.hpp"
#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

Scenario with_catalogue(const std::string& constraint, SupervisorKind kind = SupervisorKind::kubernetes) {
  Scenario sc = one_service(kind, "");
  sc.services[0].dependencies.push_back({"fastapi", constraint});
  sc.packages.push_back(
      {"fastapi", {{"0.45.0", -days(200), false}, {"0.45.1", -days(90), false}, {"0.46.0", days(1), true}}});
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
  // Audit findings: PEP 440 counts the parts. "~=0.45" is >=0.45,==0.*, so pip takes 0.46.0.
  CHECK(parse_constraint("~=0.45")->allows({0, 46, 0}));
  CHECK_FALSE(parse_constraint("~=0.45")->allows({1, 0, 0}));
  CHECK_FALSE(parse_constraint("~=0.45")->allows({0, 44, 9}));
  CHECK_FALSE(parse_constraint("~=1"));  // "~=" needs two parts
  CHECK(parse_constraint("==0.45.*")->allows({0, 45, 1}));
  CHECK_FALSE(parse_constraint("==0.45.*")->allows({0, 46, 0}));
  CHECK(parse_constraint("!=0.46.*")->allows({0, 45, 1}));
  CHECK_FALSE(parse_constraint("!=0.46.*")->allows({0, 46, 2}));
  CHECK_FALSE(parse_constraint(">=0.45.*"));  // a wildcard only with == and !=
  std::string error;
  CHECK_FALSE(parse_constraint("=>0.45", &error));
  CHECK(error.find("expected a version constraint") != std::string::npos);
}

TEST_CASE("a redeploy resolves each constraint against the releases published by then") {
  // Kubernetes replaces the pod (RollingUpdate): the only exit is the old pod stopping on SIGTERM.
  auto only_clean_stops = [](const Run& run) {
    for (const auto& r : records(run, "process.exit"))
      if (!run.trace.detail_str(*r, "reason").starts_with("SIGTERM")) return false;
    return count(run, "process.exit") == 1;
  };
  SUBCASE("==0.45.* takes the patch release (the form docs/scenario-format.md shows)") {
    Run run = simulate(with_catalogue("==0.45.*"));
    CHECK(resolved_to(run) == "0.45.1");
  }
  SUBCASE("==0.45.0 stays") {
    Run run = simulate(with_catalogue("==0.45.0"));
    CHECK(resolved_to(run) == "0.45.0");
    CHECK(only_clean_stops(run));
  }
  SUBCASE(">=0.45.0,<0.46.0 takes the patch release only") {
    Run run = simulate(with_catalogue(">=0.45.0,<0.46.0"));
    CHECK(resolved_to(run) == "0.45.1");
    CHECK(only_clean_stops(run));
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

TEST_CASE("a breaking build under Uvicorn --workers: the narration says where the model simplifies") {
  // Audit finding: only Uvicorn 0.47 to 0.49 import the app in the manager, which exits; other
  // versions import it in each worker while the manager keeps the socket.
  const auto exit_narration = [](int workers, const char* version) {
    Scenario sc = with_catalogue(">=0.45.0", SupervisorKind::systemd);
    sc.services[0].workers = workers;
    sc.services[0].server_version = version;
    const Run run = simulate(sc);
    for (const auto& r : records(run, "process.exit"))
      if (run.trace.detail_int(*r, "code") == 1) return std::string(run.trace.narration(*r));
    return std::string("no exit with code 1");
  };
  CHECK(exit_narration(1, "") == "process.exit");
  CHECK(exit_narration(2, "") == "process.exit.bad_build_workers");
  CHECK(exit_narration(2, "0.40.0") == "process.exit.bad_build_workers");
  CHECK(exit_narration(2, "0.48.0") == "process.exit");
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
  CHECK(count(r2, "deploy.rolling_update") == 1);
}

TEST_CASE("migrations: once before the replicas, per replica (race), or under a lock") {
  // strategy Recreate: the old pods go first (SIGTERM, 0.1 s), then all four new pods start.
  auto make = [](PreStartMode mode, RolloutStrategy strategy = RolloutStrategy::recreate) {
    Scenario sc = one_service(SupervisorKind::kubernetes);
    sc.services[0].rollout = strategy;
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
    CHECK(times(run, "process.ready") == std::vector<Time>(4, 14_s + ms(100) + ms(500)));
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
  SUBCASE("per replica under RollingUpdate: every new pod runs the step, the two started together race") {
    // maxSurge 1 + maxUnavailable 1 of 4: two new pods start at once; the later ones find the
    // schema applied. An init container runs once per pod, not once per deploy.
    Run run = simulate(make(PreStartMode::per_replica, RolloutStrategy::rolling));
    CHECK(times(run, "deploy.pre_start_begin") == std::vector<Time>{10_s, 10_s});
    CHECK(count(run, "deploy.pre_start_failed") == 1);
    CHECK(count(run, "deploy.pre_start_noop") == 3);  // the loser's retry and the last two pods
    CHECK(count(run, "process.ready") == 4);
  }
  SUBCASE("locked: the first replica migrates, the others wait for the lock and find it applied") {
    // alembic reads alembic_version under the lock: after the first, there is nothing to do.
    Run run = simulate(make(PreStartMode::locked));
    CHECK(count(run, "deploy.lock_wait") == 3);
    CHECK(count(run, "deploy.pre_start_begin") == 1);
    CHECK(times(run, "deploy.pre_start_noop") == std::vector<Time>(3, 14_s + ms(100)));
    CHECK(times(run, "process.ready") == std::vector<Time>(4, 14_s + ms(600)));
    CHECK(count(run, "deploy.pre_start_failed") == 0);
  }
}

TEST_CASE("RollingUpdate with one replica: a crash-looping new version stalls the rollout, every request answered") {
  // maxSurge 25 % of 1 rounds up to 1, maxUnavailable rounds down to 0: the old pod serves until
  // the new one is Ready, which a release that crashes at start never is.
  Scenario sc = with_catalogue(">=0.45.0");
  add_https_client(sc, 0, days(2) - minutes(1), 2);
  Run run = simulate(sc);
  CHECK(resolved_to(run) == "0.46.0");
  CHECK(count(run, "deploy.rolling_update") == 1);
  CHECK(count(run, "deploy.scale_up") == 1);
  CHECK(count(run, "deploy.scale_down") == 0);
  CHECK(count(run, "deploy.rollout_done") == 0);
  CHECK(count(run, "supervisor.restart") >= 4);  // the new pod, in CrashLoopBackOff
  for (const auto& r : records(run, "supervisor.restart")) CHECK(run.trace.detail_str(*r, "unit") == "api-2");
  CHECK(run.metrics.requests > 1000);
  CHECK(run.metrics.failures.empty());
  // The same release under strategy Recreate takes the site down.
  Scenario recreate = sc;
  recreate.services[0].rollout = RolloutStrategy::recreate;
  CHECK(simulate(recreate).metrics.availability_ratio() < 0.5);
}

TEST_CASE("maxSurge rounds up and the surge pods' memory counts on their hosts") {
  const char* text = R"(
[scenario]
name = "surge"
duration = "2m"
[dns.resolver]
name = "resolver"
[[host]]
name = "app-1"
ip = "10.0.0.11"
memory = "4GiB"
[[host]]
name = "app-2"
ip = "10.0.0.12"
memory = "4GiB"
[[host]]
name = "app-3"
ip = "10.0.0.13"
memory = "4GiB"
[[service]]
name = "api"
hosts = ["app-1", "app-2", "app-3"]
memory_per_worker = "1GiB"
startup_time = "10s"
supervisor = { kind = "kubernetes" }
max_surge = 50
max_unavailable = 0
[[fault]]
at = "30s"
target = "api"
kind = "redeploy"
)";
  LoadResult lr = load_scenario_text(text, "surge.toml");
  REQUIRE_MESSAGE(lr.scenario, (lr.error ? lr.error->to_string() : std::string()));
  Run run = simulate(*lr.scenario);
  // 50 % of 3 = 1.5, rounded up: two new pods at once, with no old pod down (maxUnavailable 0).
  const auto rolling = records(run, "deploy.rolling_update");
  REQUIRE(rolling.size() == 1);
  CHECK(run.trace.detail_int(*rolling[0], "max_surge") == 2);
  CHECK(run.trace.detail_int(*rolling[0], "max_unavailable") == 0);
  CHECK(times(run, "deploy.scale_up") == std::vector<Time>{30_s, 30_s, 40_s});
  CHECK(times(run, "deploy.scale_down").front() == 40_s);
  // Each surge pod runs beside an old one: its host holds both for the 10 s start.
  for (const char* host : {"app-1", "app-2"}) {
    CAPTURE(host);
    double peak = 0;
    for (const GaugePoint& g : run.metrics.memory.at(host)) peak = std::max(peak, g.value);
    CHECK(peak == doctest::Approx(2.0 * (1ULL << 30)));
  }
  // The default 25 % of 3 rounds up to one extra pod.
  LoadResult def = set_param(*lr.scenario, "service.api.max_surge", "25");
  REQUIRE(def.scenario);
  const Run run2 = simulate(*def.scenario);
  const auto r2 = records(run2, "deploy.rolling_update");
  REQUIRE(r2.size() == 1);
  CHECK(run2.trace.detail_int(*r2[0], "max_surge") == 1);
}
