// Host memory: 4 workers x 1 GiB do not fit on a 3 GiB host (the OOM killer takes one, the
// manager respawns it, it is killed again), a leak reaches the limit at the computed time, and a
// container limit ends in OOMKilled (137) that the supervisor reacts to.
#include <doctest/doctest.h>

#include <algorithm>

#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

constexpr uint64_t GiB = 1ULL << 30;
constexpr uint64_t MiB = 1ULL << 20;

// Under systemd with OOMPolicy=continue unless `policy` says otherwise: the manager, not systemd,
// decides what happens to a killed worker.
Scenario four_by_one_gib(const char* server_version, OomPolicy policy = OomPolicy::keep) {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure", 4);
  sc.hosts[0].memory = 3 * GiB;
  sc.services[0].memory_per_worker = GiB;
  sc.services[0].server_version = server_version;
  sc.services[0].supervisor.oom_policy = policy;
  sc.info.duration = minutes(1);
  return sc;
}

}  // namespace

TEST_CASE("4 workers x 1 GiB on a 3 GiB host: the OOM killer takes a worker") {
  SUBCASE("uvicorn >= 0.30: the manager respawns it and the kernel kills it again") {
    Run run = simulate(four_by_one_gib("0.30.0"));
    const auto kills = records(run, "memory.oom_kill");
    REQUIRE(kills.size() > 10);
    CHECK(kills[0]->t() == 0_s);
    CHECK(run.trace.detail_int(*kills[0], "used") == static_cast<int64_t>(4 * GiB));
    CHECK(run.trace.detail_int(*kills[0], "capacity") == static_cast<int64_t>(3 * GiB));
    // Equal sizes: the newest process is the victim, so the respawned worker dies every time.
    for (size_t i = 1; i < kills.size(); ++i)
      CHECK(run.trace.detail_str(*kills[i], "victim") == run.trace.detail_str(*kills[0], "victim"));
    CHECK(count(run, "server.respawn") >= kills.size() - 1);
    for (const GaugePoint& g : run.metrics.memory.at("edge-1")) CHECK(g.value <= static_cast<double>(4 * GiB));
    CHECK(run.metrics.memory.at("edge-1").back().value == static_cast<double>(3 * GiB));
  }
  SUBCASE("uvicorn 0.29: the worker stays dead, three workers carry on") {
    Run run = simulate(four_by_one_gib("0.29.0"));
    CHECK(count(run, "memory.oom_kill") == 1);
    const auto lost = records(run, "server.worker_lost");
    REQUIRE(lost.size() == 1);
    CHECK(run.trace.detail_int(*lost[0], "left") == 3);
  }
  SUBCASE("3 workers fit") {
    Scenario sc = four_by_one_gib("0.30.0");
    sc.services[0].workers = 3;
    Run run = simulate(sc);
    CHECK(count(run, "memory.oom_kill") == 0);
  }
}

TEST_CASE("systemd's OOMPolicy= decides what one OOM-killed worker does to the whole unit") {
  SUBCASE("stop, the default: the unit stops, fails as oom-kill, restarts, and hits the start limit") {
    Scenario sc = four_by_one_gib("0.30.0", OomPolicy::stop);
    add_https_client(sc, 60);
    Run run = simulate(sc);
    const auto stops = records(run, "supervisor.oom_policy");
    REQUIRE(stops.size() >= 5);
    CHECK(stops[0]->t() == 0_s);
    CHECK(run.trace.detail_str(*stops[0], "policy") == "stop");
    // No worker is respawned by the manager: systemd stops the survivors and starts all four again,
    // every start runs out of memory, and the sixth start within 10 s is refused.
    CHECK(count(run, "server.respawn") == 0);
    CHECK(run.metrics.restarts == 5);
    const auto gave_up = records(run, "supervisor.give_up");
    REQUIRE(gave_up.size() == 1);
    CHECK(gave_up[0]->t() < 10_s);
    CHECK(run.metrics.succeeded == 0);
  }
  SUBCASE("stop with Restart=on-abort: an oom-kill result is not an abort, the unit stays down") {
    Scenario sc = four_by_one_gib("0.30.0", OomPolicy::stop);
    sc.services[0].supervisor.restart = "on-abort";
    Run run = simulate(sc);
    CHECK(count(run, "supervisor.oom_policy") == 1);
    CHECK(count(run, "supervisor.restart_scheduled") == 0);
    CHECK(count(run, "supervisor.no_restart") == 1);
  }
  SUBCASE("kill: the kernel kills every worker at once (memory.oom.group)") {
    Run run = simulate(four_by_one_gib("0.30.0", OomPolicy::kill_all));
    const auto kills = records(run, "supervisor.oom_policy");
    REQUIRE(!kills.empty());
    CHECK(run.trace.detail_str(*kills[0], "policy") == "kill");
    const auto exits = records(run, "process.exit");
    REQUIRE(!exits.empty());
    CHECK(exits[0]->t() == 0_s);
    CHECK(run.trace.detail_int(*exits[0], "code") == 137);
    CHECK(count(run, "supervisor.restart_scheduled") >= 1);
  }
  SUBCASE("continue: the other three workers keep serving") {
    Scenario sc = four_by_one_gib("0.30.0");
    add_https_client(sc, 60);
    Run run = simulate(sc);
    CHECK(count(run, "supervisor.oom_policy") == 0);
    CHECK(run.metrics.succeeded > 0);
  }
}

TEST_CASE("a leak reaches the host's memory at the computed time") {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure", 2);
  sc.hosts[0].memory = 3 * GiB;
  sc.services[0].memory_per_worker = GiB;
  sc.services[0].memory_growth_per_hour = 100 * MiB;
  sc.info.duration = hours(12);
  Run run = simulate(sc);
  const auto kills = times(run, "memory.oom_kill");
  REQUIRE(!kills.empty());
  // 1 GiB of room shared by two workers growing 100 MiB/h each: 1024 / 200 h = 5 h 7 min 12 s.
  CHECK(kills[0] > hours(5) + minutes(7) + s(11));
  CHECK(kills[0] <= hours(5) + minutes(7) + s(12) + ms(1));
  // The gauge is sampled while leaking, so the plot shows the climb.
  CHECK(run.metrics.memory.at("edge-1").size() > 100);
}

TEST_CASE("a container memory limit ends in OOMKilled 137 and kubernetes restarts it") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.services[0].memory_per_worker = 300 * MiB;
  sc.services[0].memory_growth_per_hour = 100 * MiB;
  sc.services[0].supervisor.memory_limit = 512 * MiB;
  sc.info.duration = hours(3);
  Run run = simulate(sc);
  const auto kills = records(run, "memory.limit_kill");
  REQUIRE(!kills.empty());
  // 212 MiB of room at 100 MiB/h: 2 h 7 min 12 s.
  CHECK(kills[0]->t() > hours(2) + minutes(7) + s(11));
  CHECK(kills[0]->t() <= hours(2) + minutes(7) + s(12) + ms(1));
  const auto exits = records(run, "process.exit");
  REQUIRE(!exits.empty());
  CHECK(run.trace.detail_int(*exits[0], "code") == 137);
  CHECK(run.trace.narration(*exits[0]) == "process.exit.oom");
  CHECK(times(run, "supervisor.restart").front() == exits[0]->t());  // first restart at once
}

TEST_CASE("an oom fault kills one worker with SIGKILL") {
  Scenario sc = one_service(SupervisorKind::docker, "always", 2);
  add_fault(sc, FaultKind::oom, 10_s, "api/worker-1");
  Run run = simulate(sc);
  const auto exits = records(run, "process.worker_exit");
  REQUIRE(exits.size() == 1);
  CHECK(run.trace.detail_int(*exits[0], "code") == 137);
  CHECK(run.trace.detail_int(*exits[0], "signal") == 9);
}

TEST_CASE("a Kubernetes container over its limit loses every worker at once (memory.oom.group)") {
  // Four Uvicorn workers of 300 MiB in a container limited to 1 GiB (lesson 12's what-if).
  auto pod = [](bool single_process) {
    Scenario sc = one_service(SupervisorKind::kubernetes, "", 4);
    sc.services[0].server_version = "0.30.0";
    sc.services[0].memory_per_worker = 300 * MiB;
    sc.services[0].supervisor.memory_limit = GiB;
    sc.services[0].supervisor.single_process_oom_kill = single_process;
    sc.info.duration = minutes(2);
    add_https_client(sc, 120);
    return sc;
  };
  SUBCASE("cgroup v2 since 1.28: the kernel kills the whole container, which backs off") {
    Run run = simulate(pod(false));
    const auto groups = records(run, "supervisor.oom_policy");
    REQUIRE(groups.size() >= 3);
    CHECK(run.trace.detail_str(*groups[0], "policy") == "oom.group");
    CHECK(run.trace.narration(*groups[0]) == "supervisor.oom_policy.group");
    const auto exits = records(run, "process.exit");
    REQUIRE(!exits.empty());
    CHECK(exits[0]->t() == 0_s);
    CHECK(run.trace.detail_int(*exits[0], "code") == 137);
    CHECK(count(run, "server.respawn") == 0);
    // CrashLoopBackOff: the first restart at once, then 10 s, 20 s, 40 s ...
    const auto scheduled = records(run, "supervisor.restart_scheduled");
    REQUIRE(scheduled.size() >= 3);
    CHECK(ns(run.trace.detail_int(*scheduled[1], "delay")) == 10_s);
    CHECK(ns(run.trace.detail_int(*scheduled[2], "delay")) == 20_s);
    CHECK(run.metrics.succeeded == 0);
  }
  SUBCASE("singleProcessOOMKill: only the largest worker dies and Uvicorn spawns it again") {
    Run run = simulate(pod(true));
    CHECK(count(run, "supervisor.oom_policy") == 0);
    CHECK(count(run, "memory.limit_kill") > 10);
    CHECK(count(run, "server.respawn") > 10);
    CHECK(run.metrics.succeeded > 0);
  }
}
