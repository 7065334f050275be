// The restart policies of systemd, Docker, Kubernetes and supervisord as pure logic: feed a
// crash loop and read back when each start happens and when the tool gives up.
#include <doctest/doctest.h>

#include <vector>

#include "lifecycle/supervisor.hpp"

using namespace deploysim;
using namespace deploysim::literals;

namespace {

struct Loop {
  std::vector<Time> delays;  // exit -> next start, per restart
  std::vector<Time> starts;  // accepted starts
  bool gave_up = false;
  int refused_start = 0;  // 1-based start number that was refused (systemd), 0 = none
};

// A unit that always exits `run_for` after each start with `status`, up to `limit` exits.
Loop crash_loop(Supervisor& sup, Time run_for, ExitStatus status, int limit) {
  Loop out;
  Time t = 0_s;
  for (int i = 0; i < limit; ++i) {
    if (!sup.on_start(t)) {
      out.refused_start = i + 1;
      out.gave_up = true;
      break;
    }
    out.starts.push_back(t);
    const Time exit_at = t + run_for;
    RestartDecision d = sup.on_exit(t, exit_at, status);
    if (d.action != SupervisorAction::restart) {
      out.gave_up = d.action == SupervisorAction::give_up;
      break;
    }
    out.delays.push_back(d.delay);
    t = exit_at + d.delay;
  }
  return out;
}

SupervisorSpec spec(SupervisorKind k, std::string restart = "") {
  SupervisorSpec s;
  s.kind = k;
  s.restart = std::move(restart);
  return s;
}

}  // namespace

TEST_CASE("kubernetes restarts at once, then CrashLoopBackOff 10, 20, 40 ... capped at 300 s") {
  Supervisor sup(spec(SupervisorKind::kubernetes));
  CHECK(sup.policy() == "Always");
  Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 9);
  const std::vector<Time> expected = {0_s, 10_s, 20_s, 40_s, 80_s, 160_s, 300_s, 300_s, 300_s};
  CHECK(l.delays == expected);
  CHECK_FALSE(l.gave_up);
  CHECK(sup.waiting_state() == "CrashLoopBackOff");
}

TEST_CASE("kubernetes back-off resets after 10 minutes without a failure") {
  Supervisor sup(spec(SupervisorKind::kubernetes));
  CHECK(sup.on_exit(0_s, 1_s, ExitStatus::exited(1)).delay == 0_s);
  CHECK(sup.on_exit(1_s, 2_s, ExitStatus::exited(1)).delay == 10_s);
  CHECK(sup.on_exit(12_s, 13_s, ExitStatus::exited(1)).delay == 20_s);
  // Restarted at 33 s; it now runs 9 minutes: still within the window, back-off keeps growing.
  CHECK(sup.on_exit(33_s, 33_s + minutes(9), ExitStatus::exited(1)).delay == 40_s);
  // Restarted at 33 s + 9 min + 40 s; runs 11 minutes: the entry expired, restart at once.
  const Time t = 33_s + minutes(9) + 40_s;
  CHECK(sup.on_exit(t, t + minutes(11), ExitStatus::exited(1)).delay == 0_s);
  CHECK(sup.on_exit(t + minutes(11), t + minutes(11) + 1_s, ExitStatus::exited(1)).delay == 10_s);
}

TEST_CASE("kubernetes restarts a Deployment's pod after every exit, a clean one too (restartPolicy Always)") {
  Supervisor sup(spec(SupervisorKind::kubernetes, "Always"));
  CHECK(sup.on_exit(0_s, 1_s, ExitStatus::exited(0)).action == SupervisorAction::restart);
  CHECK(sup.on_exit(1_s, 2_s, ExitStatus::killed(sig_kill)).action == SupervisorAction::restart);
  CHECK(sup.starts_on_boot());
}

TEST_CASE("systemd with defaults gives up after the 5th start within 10 s") {
  Supervisor sup(spec(SupervisorKind::systemd, "on-failure"));
  Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 20);
  REQUIRE(l.starts.size() == 5);
  CHECK(l.refused_start == 6);
  CHECK(l.gave_up);
  CHECK(sup.gave_up());
  CHECK(l.delays == std::vector<Time>(5, ms(100)));
  CHECK(l.starts.back() - l.starts.front() < 10_s);
  CHECK(sup.given_up_state() == "failed");
  // Automatic restarts have stopped: the unit stays failed.
  CHECK(sup.on_exit(20_s, 21_s, ExitStatus::exited(1)).action == SupervisorAction::give_up);
  sup.reset();  // systemctl reset-failed clears the counter at once
  CHECK(sup.on_start(30_s));
}

TEST_CASE("systemd: a failed unit starts by hand once the interval has passed, and restarts again") {
  // systemd.unit(5) StartLimitIntervalSec=: units that hit the limit "may still be restarted
  // manually or from a timer at a later point, after the interval has passed. From that point
  // on, the restart logic is activated again"; reset-failed only clears the counter early.
  Supervisor sup(spec(SupervisorKind::systemd, "on-failure"));
  Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 20);
  REQUIRE(l.gave_up);
  const Time refused = l.starts.back() + ms(600);
  CHECK_FALSE(sup.on_start(refused + 1_s));    // still within the interval: refused again
  const Time later = l.starts.front() + 11_s;  // systemctl start, after the interval
  REQUIRE(sup.on_start(later));
  CHECK_FALSE(sup.gave_up());
  const RestartDecision d = sup.on_exit(later, later + 1_s, ExitStatus::exited(1));
  CHECK(d.action == SupervisorAction::restart);
  CHECK(d.delay == ms(100));
}

TEST_CASE("systemd: a deploy's systemctl restart counts against the start limit; reset-failed does not") {
  Supervisor sup(spec(SupervisorKind::systemd, "on-failure"));
  Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 20);
  REQUIRE(l.gave_up);
  sup.reset_for_deploy();  // a new version, started by hand within the interval: refused
  CHECK_FALSE(sup.on_start(l.starts.front() + 5_s));
  CHECK(sup.gave_up());
  sup.reset_for_deploy();  // the same once the interval has passed: it starts
  CHECK(sup.on_start(l.starts.front() + 11_s));
  // Other supervisors start a new container or pod: nothing is carried over.
  Supervisor docker(spec(SupervisorKind::docker, "always"));
  crash_loop(docker, ms(10), ExitStatus::exited(1), 8);
  docker.reset_for_deploy();
  CHECK(docker.on_exit(1_s, 2_s, ExitStatus::exited(1)).delay == ms(100));
}

TEST_CASE("systemd: StartLimitBurst=0 or StartLimitIntervalSec=0 turns the start limit off") {
  for (const bool burst_zero : {true, false}) {
    SupervisorSpec sp = spec(SupervisorKind::systemd, "on-failure");
    if (burst_zero)
      sp.start_limit_burst = 0;
    else
      sp.start_limit_interval = 0_s;
    Supervisor sup(sp);
    Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 40);
    CHECK(l.starts.size() == 40);
    CHECK_FALSE(l.gave_up);
  }
}

TEST_CASE("systemd keeps restarting when the starts are spread over more than 10 s") {
  Supervisor sup(spec(SupervisorKind::systemd, "on-failure"));
  Loop l = crash_loop(sup, 3_s, ExitStatus::exited(1), 30);
  CHECK(l.starts.size() == 30);
  CHECK_FALSE(l.gave_up);
}

TEST_CASE("systemd Restart= decides by exit cause; the default is no") {
  Supervisor def(spec(SupervisorKind::systemd));
  CHECK(def.policy() == "no");
  CHECK(def.on_exit(0_s, 1_s, ExitStatus::exited(1)).action == SupervisorAction::stay_down);
  Supervisor on_failure(spec(SupervisorKind::systemd, "on-failure"));
  CHECK(on_failure.on_exit(0_s, 1_s, ExitStatus::exited(0)).action == SupervisorAction::stay_down);
  CHECK(on_failure.on_exit(0_s, 1_s, ExitStatus::killed(sig_term)).action == SupervisorAction::stay_down);
  CHECK(on_failure.on_exit(0_s, 1_s, ExitStatus::killed(sig_kill)).action == SupervisorAction::restart);
  Supervisor abnormal(spec(SupervisorKind::systemd, "on-abnormal"));
  CHECK(abnormal.on_exit(0_s, 1_s, ExitStatus::exited(3)).action == SupervisorAction::stay_down);
  CHECK(abnormal.on_exit(0_s, 1_s, ExitStatus::killed(sig_segv)).action == SupervisorAction::restart);
  Supervisor always(spec(SupervisorKind::systemd, "always"));
  CHECK(always.on_exit(0_s, 1_s, ExitStatus::exited(0)).action == SupervisorAction::restart);
  ExitStatus stop = ExitStatus::killed(sig_term);
  stop.by_user = true;
  CHECK(always.on_exit(0_s, 1_s, stop).action == SupervisorAction::stay_down);
}

TEST_CASE("systemd RestartSteps grow the delay geometrically up to RestartMaxDelaySec") {
  SupervisorSpec sp = spec(SupervisorKind::systemd, "always");
  sp.restart_sec = 1_s;
  sp.restart_max_delay = 16_s;
  sp.restart_steps = 4;
  CHECK(systemd_restart_delay(sp, 1) == 1_s);
  CHECK(systemd_restart_delay(sp, 2) == 2_s);
  CHECK(systemd_restart_delay(sp, 3) == 4_s);
  CHECK(systemd_restart_delay(sp, 4) == 8_s);
  CHECK(systemd_restart_delay(sp, 5) == 16_s);
  CHECK(systemd_restart_delay(sp, 50) == 16_s);
  sp.start_limit_interval = 0_s;  // rate limit off, so the loop runs on
  Supervisor sup(sp);
  Loop l = crash_loop(sup, 1_s, ExitStatus::exited(1), 7);
  CHECK(l.delays == std::vector<Time>{1_s, 2_s, 4_s, 8_s, 16_s, 16_s, 16_s});
  CHECK(systemd_restart_delay(spec(SupervisorKind::systemd), 9) == ms(100));  // steps off
}

TEST_CASE("docker doubles from 100 ms, caps at 1 min and resets after 10 s up") {
  Supervisor sup(spec(SupervisorKind::docker, "always"));
  Loop l = crash_loop(sup, ms(200), ExitStatus::exited(1), 12);
  const std::vector<Time> expected = {ms(100),  ms(200),   ms(400),   ms(800),   ms(1600), ms(3200),
                                      ms(6400), ms(12800), ms(25600), ms(51200), s(60),    s(60)};
  CHECK(l.delays == expected);
  // A run of 10 s resets the back-off.
  CHECK(sup.on_exit(0_s, 10_s, ExitStatus::exited(1)).delay == ms(100));
  CHECK(sup.on_exit(0_s, 9_s, ExitStatus::exited(1)).delay == ms(200));
}

TEST_CASE("docker policies no, on-failure[:N], always, unless-stopped") {
  Supervisor no(spec(SupervisorKind::docker));
  CHECK(no.on_exit(0_s, 1_s, ExitStatus::exited(1)).action == SupervisorAction::stay_down);
  CHECK_FALSE(no.starts_on_boot());
  Supervisor on_failure(spec(SupervisorKind::docker, "on-failure:3"));
  CHECK(on_failure.policy() == "on-failure");
  CHECK(on_failure.on_exit(0_s, 1_s, ExitStatus::exited(0)).action == SupervisorAction::stay_down);
  Loop l = crash_loop(on_failure, 1_s, ExitStatus::exited(1), 10);
  CHECK(l.delays.size() == 3);
  CHECK(l.gave_up);
  CHECK_FALSE(on_failure.starts_on_boot());
  Supervisor always(spec(SupervisorKind::docker, "always"));
  CHECK(always.starts_on_boot());
  Supervisor unless(spec(SupervisorKind::docker, "unless-stopped"));
  CHECK(unless.starts_on_boot());
  ExitStatus stop = ExitStatus::killed(sig_term);
  stop.by_user = true;
  CHECK(unless.on_exit(0_s, 1_s, stop).action == SupervisorAction::stay_down);
  CHECK_FALSE(unless.starts_on_boot());
  CHECK(always.on_exit(0_s, 1_s, stop).action == SupervisorAction::stay_down);
  CHECK(always.starts_on_boot());
}

TEST_CASE("supervisord backs off 1, 2, 3 s then FATAL; once RUNNING restarts are unlimited") {
  Supervisor sup(spec(SupervisorKind::supervisord));
  Loop l = crash_loop(sup, ms(500), ExitStatus::exited(1), 10);
  CHECK(l.starts.size() == 4);  // the first start and startretries = 3 retries
  CHECK(l.delays == std::vector<Time>{1_s, 2_s, 3_s});
  CHECK(l.gave_up);
  CHECK(sup.given_up_state() == "FATAL");

  Supervisor running(spec(SupervisorKind::supervisord));
  Loop r = crash_loop(running, 5_s, ExitStatus::exited(1), 50);
  CHECK(r.starts.size() == 50);
  CHECK(r.delays == std::vector<Time>(50, 0_s));
  // autorestart=unexpected: exit 0 is expected, no restart
  CHECK(running.on_exit(0_s, 5_s, ExitStatus::exited(0)).action == SupervisorAction::stay_down);
}

TEST_CASE("uvicorn's manager respawns dead workers from 0.30 on") {
  CHECK(manager_respawns_workers(ServerPreset::uvicorn, "0.30.0"));
  CHECK(manager_respawns_workers(ServerPreset::uvicorn, "0.32.1"));
  CHECK(manager_respawns_workers(ServerPreset::uvicorn, ""));
  CHECK_FALSE(manager_respawns_workers(ServerPreset::uvicorn, "0.29.0"));
  CHECK_FALSE(manager_respawns_workers(ServerPreset::uvicorn, "0.22"));
  CHECK(manager_respawns_workers(ServerPreset::gunicorn, ""));
}
