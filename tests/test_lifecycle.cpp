// Scenario-level lifecycle: crash loops under each supervisor read back from the trace, the
// Uvicorn manager respawning workers (or not), hangs and the liveness probe, reboots and start
// on boot, and determinism.
#include <doctest/doctest.h>

#include "lifecycle/supervisor.hpp"
#include "core/world.hpp"
#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

// Gaps between each exit and the next start of the crash loop (not counting the SIGTERM stop
// that a deploy's restart begins with).
std::vector<Time> exit_to_start(const Run& run) {
  std::vector<Time> exits;
  for (const auto& r : records(run, "process.exit"))
    if (!run.trace.detail_str(*r, "reason").starts_with("SIGTERM")) exits.push_back(r->t());
  std::vector<Time> starts = times(run, "supervisor.restart");
  std::vector<Time> gaps;
  for (size_t i = 0; i < starts.size() && i < exits.size(); ++i) gaps.push_back(starts[i] - exits[i]);
  return gaps;
}

}  // namespace

TEST_CASE("kubernetes: a bad deploy restarts at once, then waits 10, 20, 40, 80, 160, 300, 300 s") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.info.duration = minutes(25);
  add_fault(sc, FaultKind::crash_on_start, 10_s);
  Run run = simulate(sc);
  std::vector<Time> gaps = exit_to_start(run);
  REQUIRE(gaps.size() >= 8);
  gaps.resize(8);
  CHECK(gaps == std::vector<Time>{0_s, 10_s, 20_s, 40_s, 80_s, 160_s, 300_s, 300_s});
  const auto waits = records(run, "supervisor.restart_scheduled");
  REQUIRE(waits.size() >= 2);
  CHECK(run.trace.detail_str(*waits[1], "state") == "CrashLoopBackOff");
  CHECK(count(run, "supervisor.give_up") == 0);
  CHECK(run.metrics.restarts == count(run, "supervisor.restart"));
  CHECK(run.metrics.time_in_backoff >= 10_s + 20_s + 40_s + 80_s + 160_s + 300_s);
}

TEST_CASE("systemd with defaults gives up after the 5th start within 10 s") {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure");
  add_fault(sc, FaultKind::crash_on_start, 10_s);
  Run run = simulate(sc);
  const auto starts = times(run, "process.start");
  const auto restarts = times(run, "supervisor.restart");
  CHECK(starts.size() == 1);    // the deploy
  CHECK(restarts.size() == 4);  // starts 2..5
  const auto gave_up = records(run, "supervisor.give_up");
  REQUIRE(gave_up.size() == 1);
  CHECK(run.trace.detail_str(*gave_up[0], "reason") == "start-limit-hit");
  CHECK(run.trace.detail_str(*gave_up[0], "state") == "failed");
  CHECK(gave_up[0]->t() - starts[0] < 10_s);
  // The restart stops the running app first (SIGTERM: Uvicorn exits after its 0.1 s shutdown
  // pause), then 5 starts of 500 ms each plus 5 x RestartSec: the 6th start is refused at 13.1 s.
  CHECK(gave_up[0]->t() == 10_s + ms(100) + (ms(500) + ms(100)) * 5);
  for (const auto& r : records(run, "supervisor.restart_scheduled"))
    CHECK(ns(run.trace.detail_int(*r, "delay")) == ms(100));
}

TEST_CASE("systemd Restart=no (the default) leaves a crashed service down") {
  Scenario sc = one_service(SupervisorKind::systemd);
  add_fault(sc, FaultKind::crash, 10_s);
  Run run = simulate(sc);
  CHECK(count(run, "process.exit") == 1);
  CHECK(count(run, "supervisor.restart") == 0);
  CHECK(count(run, "supervisor.no_restart") == 1);
}

TEST_CASE("an exit its policy does not restart leaves the state the tool shows") {
  // What `systemctl status`, `supervisorctl status` and `docker ps -a` show afterwards.
  const auto state_after = [](SupervisorKind kind, const char* policy, int exit_code) {
    Scenario sc = one_service(kind, policy);
    add_fault(sc, FaultKind::crash, 10_s, "api", Time{}, exit_code);
    Run run = simulate(sc);
    const auto down = records(run, "supervisor.no_restart");
    REQUIRE(down.size() == 1);
    // startretries is supervisord's, and says why it gave up; nothing gave up here.
    CHECK(run.trace.detail_int(*down[0], "startretries", -1) == -1);
    return std::string(run.trace.detail_str(*down[0], "state"));
  };
  // A clean exit leaves a systemd unit inactive, not failed (systemd.service(5)).
  CHECK(state_after(SupervisorKind::systemd, "on-failure", 0) == "inactive (dead)");
  CHECK(state_after(SupervisorKind::systemd, "no", 1) == "failed");
  // supervisord: EXITED from RUNNING; FATAL only when it cannot start.
  CHECK(state_after(SupervisorKind::supervisord, "unexpected", 0) == "EXITED");
  CHECK(state_after(SupervisorKind::supervisord, "false", 1) == "EXITED");
  CHECK(state_after(SupervisorKind::docker, "on-failure", 0) == "exited");
}

TEST_CASE("docker: 0.1, 0.2, 0.4 ... capped at 60 s; reset after 10 s up") {
  Scenario sc = one_service(SupervisorKind::docker, "always");
  sc.info.duration = minutes(10);
  add_fault(sc, FaultKind::crash_on_start, 10_s);
  Run run = simulate(sc);
  std::vector<Time> gaps = exit_to_start(run);
  REQUIRE(gaps.size() >= 12);
  gaps.resize(12);
  CHECK(gaps == std::vector<Time>{ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200), ms(6400), ms(12800),
                                  ms(25600), ms(51200), s(60), s(60)});

  Scenario reset = one_service(SupervisorKind::docker, "always");
  add_fault(reset, FaultKind::crash, 10_s);
  add_fault(reset, FaultKind::crash, 12_s);  // up 1.4 s: back-off doubles
  add_fault(reset, FaultKind::crash, 40_s);  // up > 10 s: back-off resets
  Run r2 = simulate(reset);
  CHECK(detail_times(r2, "supervisor.restart_scheduled", "delay") == std::vector<Time>{ms(100), ms(200), ms(100)});
}

TEST_CASE("supervisord: BACKOFF 1, 2, 3 s then FATAL") {
  Scenario sc = one_service(SupervisorKind::supervisord);
  add_fault(sc, FaultKind::crash_on_start, 10_s);
  Run run = simulate(sc);
  CHECK(exit_to_start(run) == std::vector<Time>{1_s, 2_s, 3_s});
  const auto gave_up = records(run, "supervisor.give_up");
  REQUIRE(gave_up.size() == 1);
  CHECK(run.trace.detail_str(*gave_up[0], "state") == "FATAL");
}

TEST_CASE("supervisord restarts a RUNNING program every time, at once") {
  Scenario sc = one_service(SupervisorKind::supervisord);
  for (int i = 1; i <= 6; ++i) add_fault(sc, FaultKind::crash, s(10 * i));
  Run run = simulate(sc);
  CHECK(count(run, "supervisor.restart") == 6);
  CHECK(exit_to_start(run) == std::vector<Time>(6, 0_s));
}

TEST_CASE("a transient start failure: docker and kubernetes recover, systemd and supervisord gave up") {
  struct Case {
    SupervisorKind kind;
    const char* restart;
    bool recovers;
  };
  for (const Case& c :
       {Case{SupervisorKind::systemd, "on-failure", false}, Case{SupervisorKind::docker, "always", true},
        Case{SupervisorKind::kubernetes, "", true}, Case{SupervisorKind::supervisord, "", false}}) {
    CAPTURE(supervisor_kind_name(c.kind));
    Scenario sc = one_service(c.kind, c.restart);
    add_fault(sc, FaultKind::crash_on_start, 10_s, "api", s(30));  // e.g. the database is not up yet
    Run run = simulate(sc);
    CHECK(count(run, "process.ready") == (c.recovers ? 1u : 0u));
    CHECK(count(run, "supervisor.give_up") == (c.recovers ? 0u : 1u));
    if (c.recovers) CHECK(times(run, "process.ready")[0] < 10_s + s(30) + minutes(1) + s(1));
  }
}

TEST_CASE("a redeploy brings the service back after systemd gave up") {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure");
  add_fault(sc, FaultKind::crash_on_start, 10_s, "api", s(30));
  add_fault(sc, FaultKind::redeploy, 10_s + minutes(2));
  Run run = simulate(sc);
  CHECK(count(run, "supervisor.give_up") == 1);
  CHECK(count(run, "process.start") == 2);
  CHECK(times(run, "process.ready") == std::vector<Time>{10_s + minutes(2) + ms(500)});
}

TEST_CASE("uvicorn's manager respawns a dead worker from 0.30; older versions lose it") {
  for (const char* version : {"0.30.0", "0.29.0"}) {
    CAPTURE(version);
    Scenario sc = one_service(SupervisorKind::systemd, "on-failure", 4);
    sc.services[0].server_version = version;
    add_fault(sc, FaultKind::crash, 10_s, "api/worker-2");
    Run run = simulate(sc);
    CHECK(count(run, "process.worker_exit") == 1);
    CHECK(count(run, "process.exit") == 0);  // the manager lives on: systemd sees nothing
    if (std::string_view(version) == "0.30.0") {
      CHECK(times(run, "server.respawn") == std::vector<Time>{10_s + ms(500)});
      CHECK(count(run, "server.worker_lost") == 0);
      CHECK(run.metrics.restarts == 1);
    } else {
      CHECK(count(run, "server.respawn") == 0);
      const auto lost = records(run, "server.worker_lost");
      REQUIRE(lost.size() == 1);
      CHECK(run.trace.detail_int(*lost[0], "left") == 3);
    }
  }
}

namespace {

// One service under systemd (Restart=on-failure) run by `server` with `workers` workers.
Scenario served_by(ServerPreset server, int workers) {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure", workers);
  sc.services[0].server = server;
  sc.services[0].server_version.clear();
  return sc;
}

}  // namespace

TEST_CASE("gunicorn's arbiter replaces a dead worker at once, on SIGCHLD") {
  Scenario sc = served_by(ServerPreset::gunicorn, 4);
  add_fault(sc, FaultKind::crash, 10_s, "api/worker-2");
  Run run = simulate(sc);
  const auto scheduled = records(run, "server.respawn_scheduled");
  REQUIRE(scheduled.size() == 1);
  CHECK(run.trace.narration(*scheduled[0]) == "server.respawn_scheduled.at_once");
  CHECK(times(run, "server.respawn") == std::vector<Time>{10_s});
  CHECK(count(run, "process.exit") == 0);
}

TEST_CASE("gunicorn with one worker: the arbiter outlives it and spawns another") {
  Scenario sc = served_by(ServerPreset::gunicorn, 1);
  add_fault(sc, FaultKind::crash, 10_s, "api/worker-1");
  Run run = simulate(sc);
  const auto died = records(run, "process.worker_exit");
  REQUIRE(died.size() == 1);
  CHECK(run.trace.narration(*died[0]) == "process.worker_exit.arbiter");
  CHECK(times(run, "server.respawn") == std::vector<Time>{10_s});
  CHECK(count(run, "process.exit") == 0);  // systemd sees the arbiter run on
  // Uvicorn with one worker is one process: the service exits and systemd restarts it.
  sc.services[0].server = ServerPreset::uvicorn;
  const Run uvicorn = simulate(sc);
  CHECK(count(uvicorn, "process.exit") == 1);
  CHECK(count(uvicorn, "supervisor.restart") == 1);
}

TEST_CASE("a hung Gunicorn service says what the model leaves out: the arbiter's worker timeout") {
  Scenario sc = served_by(ServerPreset::gunicorn, 1);
  add_fault(sc, FaultKind::hang, 10_s);
  Run run = simulate(sc);
  const auto hung = records(run, "process.hang");
  REQUIRE(hung.size() == 1);
  CHECK(run.trace.narration(*hung[0]) == "process.hang.gunicorn");
  sc.services[0].server = ServerPreset::uvicorn;
  const Run uvicorn = simulate(sc);
  CHECK(uvicorn.trace.narration(*records(uvicorn, "process.hang")[0]) == "process.hang");
}

TEST_CASE("stopping a hung Gunicorn: its arbiter kills the worker at graceful_timeout and exits 0") {
  // Gunicorn's arbiter is not the hung process: on SIGTERM it waits graceful_timeout (30 s), then
  // SIGKILLs its workers and exits 0, before systemd's TimeoutStopSec (90 s).
  Scenario sc = served_by(ServerPreset::gunicorn, 2);
  add_fault(sc, FaultKind::hang, 10_s);
  add_fault(sc, FaultKind::redeploy, 20_s);
  Run run = simulate(sc);
  const auto term = records(run, "process.terminate");
  REQUIRE(term.size() == 1);
  CHECK(run.trace.narration(*term[0]) == "process.terminate.hung.gunicorn");
  const auto timeout = records(run, "server.shutdown_timeout");
  REQUIRE(timeout.size() == 1);
  CHECK(timeout[0]->t() == 50_s);
  CHECK(run.trace.narration(*timeout[0]) == "server.shutdown_timeout.gunicorn");
  CHECK(count(run, "supervisor.kill") == 0);
  const auto exits = records(run, "process.exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0]->t() == 50_s);
  CHECK(run.trace.detail_int(*exits[0], "code") == 0);
  // Uvicorn's event loop is the hung process itself: only systemd's SIGKILL at 90 s ends it.
  sc.services[0].server = ServerPreset::uvicorn;
  const Run uvicorn = simulate(sc);
  CHECK(count(uvicorn, "server.shutdown_timeout") == 0);
  CHECK(times(uvicorn, "supervisor.kill") == std::vector<Time>{110_s});
  // Under Kubernetes the kubelet's SIGKILL at terminationGracePeriodSeconds (30 s) comes first (the
  // rolling update stops the old pod once the new one is ready, at 20.5 s).
  sc.services[0].server = ServerPreset::gunicorn;
  sc.services[0].supervisor.kind = SupervisorKind::kubernetes;
  sc.services[0].supervisor.restart.clear();
  const Run pod = simulate(sc);
  CHECK(count(pod, "server.shutdown_timeout") == 0);
  CHECK(times(pod, "supervisor.kill") == std::vector<Time>{50_s + ms(500)});
}

TEST_CASE("hypercorn stops every worker when one dies: its supervisor restarts the whole server") {
  Scenario sc = served_by(ServerPreset::hypercorn, 4);
  add_fault(sc, FaultKind::crash, 10_s, "api/worker-2");
  Run run = simulate(sc);
  const auto died = records(run, "process.worker_exit");
  REQUIRE(died.size() == 1);
  CHECK(run.trace.narration(*died[0]) == "process.worker_exit.all");
  CHECK(count(run, "server.worker_lost") == 0);
  CHECK(count(run, "server.respawn") == 0);
  // The main process exits with the worker's code, and systemd (Restart=on-failure) restarts it.
  const auto exits = records(run, "process.exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0]->t() == 10_s);
  CHECK(run.trace.detail_int(*exits[0], "code") != 0);
  CHECK(count(run, "supervisor.restart") == 1);
  CHECK(run.metrics.restarts == 1);
}

TEST_CASE("a hang: the kubernetes liveness probe kills and restarts it; without it the hang stays") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.services[0].supervisor.liveness.enabled = true;
  add_fault(sc, FaultKind::hang, 25_s);
  Run run = simulate(sc);
  // Probes every 10 s from the start (t = 0): 30, 40, 50 s each fail after the 1 s timeout.
  CHECK(times(run, "probe.liveness_failed") == std::vector<Time>{31_s, 41_s, 51_s});
  // The kubelet sends SIGTERM; a hung event loop never handles it, so SIGKILL follows after
  // terminationGracePeriodSeconds (30 s): exit 137 only now.
  CHECK(times(run, "process.terminate") == std::vector<Time>{51_s});
  CHECK(times(run, "supervisor.kill") == std::vector<Time>{81_s});
  const auto exits = records(run, "process.exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0]->t() == 81_s);
  CHECK(run.trace.detail_int(*exits[0], "code") == 137);
  CHECK(run.trace.detail_int(*exits[0], "signal") == 9);
  CHECK(times(run, "supervisor.restart") == std::vector<Time>{81_s});

  Scenario no_probe = one_service(SupervisorKind::kubernetes);
  add_fault(no_probe, FaultKind::hang, 25_s);
  Run r2 = simulate(no_probe);
  CHECK(count(r2, "probe.liveness_failed") == 0);
  CHECK(count(r2, "process.exit") == 0);
}

TEST_CASE("after a reboot only what is enabled comes back") {
  struct Case {
    SupervisorKind kind;
    const char* restart;
    bool enabled;
    bool back;
  };
  const Case cases[] = {
      {SupervisorKind::systemd, "on-failure", true, true},  {SupervisorKind::systemd, "on-failure", false, false},
      {SupervisorKind::docker, "always", false, true},      {SupervisorKind::docker, "unless-stopped", false, true},
      {SupervisorKind::docker, "on-failure", false, false}, {SupervisorKind::docker, "", false, false},
      {SupervisorKind::kubernetes, "", false, true},        {SupervisorKind::none, "", false, false},
  };
  for (const Case& c : cases) {
    CAPTURE(supervisor_kind_name(c.kind));
    CAPTURE(c.restart);
    Scenario sc = one_service(c.kind, c.restart, 2);
    sc.services[0].supervisor.enabled = c.enabled;
    add_fault(sc, FaultKind::reboot, minutes(1), "edge-1", s(45));
    Run run = simulate(sc);
    CHECK(count(run, "host.reboot") == 1);
    CHECK(times(run, "host.boot") == std::vector<Time>{minutes(1) + s(45)});
    CHECK(count(run, "supervisor.boot_start") == (c.back ? 1u : 0u));
    CHECK(count(run, "supervisor.boot_skip") == (c.back ? 0u : 1u));
    CHECK(count(run, "process.ready") == (c.back ? 1u : 0u));
  }
}

TEST_CASE("random crashes are deterministic per seed and differ between seeds") {
  Scenario sc = one_service(SupervisorKind::docker, "always", 2);
  sc.info.duration = days(7);
  sc.services[0].crash_rate_per_hour = 0.1;
  Run a = simulate(sc), b = simulate(sc);
  CHECK(a.trace.fingerprint() == b.trace.fingerprint());
  CHECK(count(a, "fault.random_crash") > 5);
  Options other;
  other.seed = 7;
  Run c = simulate(sc, other);
  CHECK(a.trace.fingerprint() != c.trace.fingerprint());
}

TEST_CASE("a fault aimed at a worker that a what-if removed reports it and does nothing") {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure", 2);
  add_fault(sc, FaultKind::crash, 10_s, "api/worker-4");
  Run run = simulate(sc);
  CHECK(count(run, "fault.target_missing") == 1);
  CHECK(count(run, "fault.crash") == 0);
  CHECK(count(run, "process.worker_exit") == 0);
}

TEST_CASE("a kubernetes readiness probe delays traffic until the first probe after the app listens") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.services[0].supervisor.readiness.enabled = true;
  sc.services[0].startup_time = s(3);
  add_fault(sc, FaultKind::redeploy, 10_s);
  Run run = simulate(sc);
  // Probes at 0, 10 s, ... after the start: the app listens at 3 s, the 10 s probe passes.
  CHECK(times(run, "process.ready") == std::vector<Time>{20_s});
  // The record says which part was the app's start and which the wait for the probe.
  const auto ready = records(run, "process.ready");
  REQUIRE(ready.size() == 1);
  CHECK(run.trace.narration(*ready[0]).starts_with("process.ready.readiness"));
  CHECK(ns(run.trace.detail_int(*ready[0], "listening")) == 3_s);
  CHECK(ns(run.trace.detail_int(*ready[0], "startup")) == 10_s);
  sc.services[0].supervisor.readiness.enabled = false;
  const Run no_probe = simulate(sc);
  CHECK(times(no_probe, "process.ready") == std::vector<Time>{13_s});
  CHECK(no_probe.trace.detail_int(*records(no_probe, "process.ready")[0], "listening", -1) == -1);
}

TEST_CASE("readiness: a hung pod leaves the endpoints after 3 failed probes and rejoins after the hang") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  HostSpec second;
  second.name = "edge-2";
  second.ip = "203.0.113.11";
  sc.hosts.push_back(second);
  sc.services[0].host.clear();
  sc.services[0].hosts = {"edge-1", "edge-2"};
  sc.services[0].supervisor.readiness.enabled = true;
  sc.info.duration = minutes(3);
  add_fault(sc, FaultKind::hang, 25_s, "api-2", 60_s);
  Run run = simulate(sc);
  // Probes every 10 s: 30, 40, 50 s time out after 1 s; the third takes the pod out, and the
  // proxy sees it endpoints_delay (1 s) later.
  CHECK(times(run, "probe.readiness_failed") == std::vector<Time>{31_s, 41_s, 51_s});
  CHECK(times(run, "endpoints.removed") == std::vector<Time>{52_s});
  // The hang ends at 85 s; the 90 s probe passes and the proxy has it back at 91 s.
  CHECK(times(run, "endpoints.added") == std::vector<Time>{91_s});
  CHECK(count(run, "process.exit") == 0);  // readiness never restarts

  // Both replicas hung: no endpoint at all, the proxy answers 503 at once instead of waiting.
  add_fault(sc, FaultKind::hang, 25_s, "api", 60_s);
  add_https_client(sc, 10, 60_s);
  Run both = simulate(sc);
  CHECK(count(both, "endpoints.removed") == 2);
  CHECK(count(both, "proxy.no_endpoints") > 0);
  CHECK(both.metrics.failures.count("503") == 1);
}

TEST_CASE("a pod that is not Ready is out of the endpoints: the ingress answers 503, not 502") {
  // strategy Recreate and every start failing: no pod of the Service is Ready. Once the proxy
  // has the change (endpoints_delay, 1 s) it answers 503 at once instead of trying a dead pod.
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.services[0].rollout = RolloutStrategy::recreate;
  sc.info.duration = minutes(3);
  add_https_client(sc, 0, Time{}, 5);
  add_fault(sc, FaultKind::crash_on_start, 30_s);
  Run run = simulate(sc);
  size_t after = 0;
  for (const auto& r : records(run, "client.error"))
    if (r->t() > 32_s) {
      ++after;
      CHECK(run.trace.detail_int(*r, "status") == 503);
    }
  CHECK(after > 100);
  CHECK(count(run, "client.response") < 200);  // only before the redeploy
  CHECK(count(run, "proxy.no_endpoints") > 100);
  // 502 only while the proxy still listed the old pod that had closed its socket (no preStop).
  for (const auto& r : records(run, "client.error"))
    if (run.trace.detail_int(*r, "status") == 502) CHECK(r->t() < 32_s);
}

TEST_CASE("SIGTERM: a serving Uvicorn finishes its requests and exits 143, or 0 as PID 1 or with --workers") {
  // A redeploy stops the running app first (systemctl restart, docker compose up): SIGTERM,
  // then Uvicorn's shutdown (0.1 s pause, requests finished) and the exit.
  struct Case {
    SupervisorKind kind;
    const char* restart;
    int workers;
    int code;
    int signal;
  };
  for (const Case& c : {Case{SupervisorKind::systemd, "on-failure", 1, 143, 15},  // re-raised SIGTERM
                        Case{SupervisorKind::systemd, "on-failure", 2, 0, 0},     // the manager returns
                        Case{SupervisorKind::docker, "always", 1, 0, 0}}) {       // PID 1 ignores it
    CAPTURE(supervisor_kind_name(c.kind));
    CAPTURE(c.workers);
    Scenario sc = one_service(c.kind, c.restart, c.workers);
    add_https_client(sc, 0, Time{}, 20);
    add_fault(sc, FaultKind::redeploy, 10_s);
    sc.info.duration = 20_s;
    Run run = simulate(sc);
    CHECK(times(run, "process.terminate") == std::vector<Time>{10_s});
    const auto exits = records(run, "process.exit");
    REQUIRE(exits.size() == 1);
    CHECK(exits[0]->t() >= 10_s + ms(100));
    CHECK(exits[0]->t() < 10_s + s(1));  // well within the grace period: no SIGKILL
    CHECK(run.trace.detail_int(*exits[0], "code") == c.code);
    CHECK(run.trace.detail_int(*exits[0], "signal") == c.signal);
    CHECK(count(run, "supervisor.kill") == 0);
    CHECK(count(run, "supervisor.restart") == 0);  // a stop on purpose is not a crash
    CHECK(times(run, "process.start") == std::vector<Time>{exits[0]->t()});
  }
  // A request still running gets its answer before the exit: nothing fails.
  Scenario busy = one_service(SupervisorKind::systemd, "on-failure");
  busy.services[0].service_time = {ms(800), ms(900)};
  add_https_client(busy, 0, Time{}, 2);
  add_fault(busy, FaultKind::redeploy, 10_s);
  busy.info.duration = 30_s;
  Run b = simulate(busy);
  const auto exits = records(b, "process.exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0]->t() > 10_s + ms(100));
  CHECK(b.metrics.requests > 40);
  // The request it held at SIGTERM was answered before it exited.
  bool answered_while_stopping = false;
  for (const auto& r : records(b, "server.response"))
    answered_while_stopping = answered_while_stopping || (r->t() > 10_s && r->t() <= exits[0]->t());
  CHECK(answered_while_stopping);
}
