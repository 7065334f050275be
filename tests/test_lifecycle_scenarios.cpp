// The shipped issue-5 scenarios (assets/scenarios/): each loads, and its what-if variants differ
// the way the lesson's description claims.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>

#include "deploysim/metrics_report.hpp"
#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

Scenario load_file(const std::string& file, std::string_view variant = {}) {
  const std::string path = std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file;
  LoadResult base = load_scenario_file(path);
  if (base.error) FAIL(base.error->to_string());
  REQUIRE(base.scenario);
  if (variant.empty()) return *base.scenario;
  LoadResult v = apply_variant(*base.scenario, variant);
  if (v.error) FAIL(v.error->to_string());
  REQUIRE(v.scenario);
  return *v.scenario;
}

Run run_file(const std::string& file, std::string_view variant = {}) { return simulate(load_file(file, variant)); }

}  // namespace

TEST_CASE("crash-loop-supervisors: systemd and supervisord give up, docker and kubernetes recover") {
  const Run systemd = run_file("crash-loop-supervisors.toml");
  const Run docker = run_file("crash-loop-supervisors.toml", "docker always");
  const Run k8s = run_file("crash-loop-supervisors.toml", "kubernetes");
  const Run sd = run_file("crash-loop-supervisors.toml", "supervisord");
  const Run spaced = run_file("crash-loop-supervisors.toml", "systemd RestartSec=15s");
  CHECK(count(systemd, "supervisor.give_up") == 1);
  CHECK(count(sd, "supervisor.give_up") == 1);
  CHECK(count(systemd, "process.ready") == 0);
  CHECK(count(sd, "process.ready") == 0);
  CHECK(count(docker, "process.ready") == 1);
  CHECK(count(k8s, "process.ready") == 1);
  CHECK(count(spaced, "process.ready") == 1);  // 15 s apart: never 5 starts within 10 s
  CHECK(count(spaced, "supervisor.give_up") == 0);
  CHECK(docker.metrics.restarts > k8s.metrics.restarts);
  // What `deploysim run --summary` shows: systemd stays down, Docker comes back.
  CHECK(systemd.metrics.availability_ratio() < docker.metrics.availability_ratio() - 0.3);
  CHECK(sd.metrics.availability_ratio() < k8s.metrics.availability_ratio() - 0.3);
  CHECK(k8s.metrics.time_in_backoff > docker.metrics.time_in_backoff / 2);
}

TEST_CASE("worker-respawn: 0.30 respawns every crashed worker, 0.29 ends with none") {
  const Run newer = run_file("worker-respawn.toml");
  const Run older = run_file("worker-respawn.toml", "uvicorn 0.29 (no respawn)");
  CHECK(count(newer, "server.respawn") == 4);
  CHECK(count(older, "server.respawn") == 0);
  const auto lost = records(older, "server.worker_lost");
  REQUIRE(lost.size() == 4);
  CHECK(older.trace.detail_int(*lost.back(), "left") == 0);
  CHECK(count(older, "supervisor.restart") == 0);  // systemd only watches the manager
  CHECK(older.metrics.availability_ratio() < newer.metrics.availability_ratio() - 0.2);
}

TEST_CASE("reboot-start-on-boot: only enabled units and restarting containers come back") {
  CHECK(count(run_file("reboot-start-on-boot.toml"), "process.ready") == 0);
  CHECK(run_file("reboot-start-on-boot.toml").metrics.availability_ratio() <
        run_file("reboot-start-on-boot.toml", "systemctl enable").metrics.availability_ratio() - 0.3);
  CHECK(count(run_file("reboot-start-on-boot.toml", "systemctl enable"), "process.ready") == 1);
  CHECK(count(run_file("reboot-start-on-boot.toml", "docker unless-stopped"), "process.ready") == 1);
  CHECK(count(run_file("reboot-start-on-boot.toml", "docker without a restart policy"), "process.ready") == 0);
}

TEST_CASE("reboot-start-on-boot: a request made during the reboot waits for the machine") {
  // Its SYNs go unanswered while the host is down; the first one sent after the boot is answered,
  // so nobody times out: with the app enabled they succeed late, without it they get 502.
  const Run enabled = run_file("reboot-start-on-boot.toml", "systemctl enable");
  const Run base = run_file("reboot-start-on-boot.toml");
  for (const Run* run : {&enabled, &base}) {
    CHECK(run->metrics.failures.count("connect_timeout") == 0);
    const Time boot = times(*run, "host.boot").at(0);
    CHECK(times(*run, "tcp.syn_retransmit").back() >= boot);
  }
  CHECK(enabled.metrics.availability_ratio() > 0.99);
  CHECK(base.metrics.failures.at("502") > 0);
}

TEST_CASE("cert-renewal: renewed vs off vs not reloaded vs port 80 blocked over 120 days") {
  const Run caddy = run_file("cert-renewal.toml");
  CHECK(count(caddy, "cert.issued") == 2);  // day 30 and day 90
  CHECK(count(caddy, "cert.expired") == 0);
  const Run off = run_file("cert-renewal.toml", "renewal off");
  CHECK(times(off, "cert.expired") == std::vector<Time>{days(60)});
  const Run stale = run_file("cert-renewal.toml", "certbot certonly without a deploy hook");
  CHECK(count(stale, "cert.issued") >= 1);
  CHECK(count(stale, "cert.not_reloaded") >= 1);
  CHECK(times(stale, "cert.expired") == std::vector<Time>{days(60)});
  const Run hook = run_file("cert-renewal.toml", "certbot certonly with a deploy hook");
  CHECK(count(hook, "cert.expired") == 0);
  const Run blocked = run_file("cert-renewal.toml", "port 80 blocked");
  CHECK(count(blocked, "cert.issued") == 0);
  CHECK(count(blocked, "cert.acme.rate_limited") > 0);
  CHECK(times(blocked, "cert.expired") == std::vector<Time>{days(60)});
  const Run dns01 = run_file("cert-renewal.toml", "port 80 blocked, DNS-01");
  CHECK(count(dns01, "cert.expired") == 0);
  // Days left as clients see them at day 100: renewed ~80, expired -40.
  auto left_at = [](const Run& r, Time t) {
    double v = 0;
    for (const GaugePoint& g : r.metrics.cert_days_left.at("api.example.test"))
      if (g.t <= t) v = g.value;
    return v;
  };
  CHECK(left_at(caddy, days(100)) > 50);
  CHECK(left_at(stale, days(100)) == doctest::Approx(-40));
  CHECK(left_at(hook, days(100)) > 50);
  // The summary's failure causes: expired certificates only where renewal did not reach clients.
  auto expired = [](const Run& r) {
    auto it = r.metrics.failures.find("certificate_expired");
    return it == r.metrics.failures.end() ? uint64_t{0} : it->second;
  };
  CHECK(expired(caddy) == 0);
  CHECK(expired(hook) == 0);
  CHECK(expired(off) > 1000);
  CHECK(expired(stale) > 1000);
  CHECK(expired(blocked) > 1000);
}

TEST_CASE("an expired certificate makes handshakes fail with certificate_expired right after notAfter") {
  Scenario sc = load_file("cert-renewal.toml", "renewal off");
  const Time not_after = days(60);
  sc.info.duration = not_after + minutes(1);
  sc.clients[0].start = not_after - s(2);
  sc.clients[0].requests = 4;
  sc.clients[0].interval = s(1);
  Run run = simulate(sc);
  CHECK(times(run, "cert.expired") == std::vector<Time>{not_after});
  // Requests at -2, -1, 0 and +1 s around notAfter. X.509 validity has one-second resolution.
  // RFC 5280 4.1.2.5 calls notAfter itself valid, but OpenSSL 3.0 (X509_cmp_time: equal counts
  // as past) already reports "certificate has expired" at notAfter, and the model follows
  // OpenSSL (tests/test_loopback_model.cpp checks it against a real handshake): the handshake
  // 60 ms after notAfter (clock second = notAfter) fails, like the one a second later.
  CHECK(run.metrics.succeeded == 2);
  REQUIRE(run.metrics.failures.count("certificate_expired") == 1);
  CHECK(run.metrics.failures.at("certificate_expired") == 2);
  size_t alerts = 0;
  for (const Record& r : run.trace.records())
    if (run.trace.kind(r).starts_with("tls.alert")) {
      ++alerts;
      CHECK(r.t() >= not_after);
      CHECK(r.t() < not_after + s(2));
    }
  CHECK(alerts >= 1);
}

TEST_CASE("cert-lifetimes: shorter certificates mean more renewals, and without renewal an early expiry") {
  CHECK(count(run_file("cert-lifetimes.toml"), "cert.issued") == 1);
  CHECK(count(run_file("cert-lifetimes.toml", "45-day certificate"), "cert.issued") == 3);
  CHECK(count(run_file("cert-lifetimes.toml", "6-day certificate"), "cert.issued") == 26);
  CHECK(times(run_file("cert-lifetimes.toml", "6-day certificate, renewal off"), "cert.expired") ==
        std::vector<Time>{hours(160)});
}

TEST_CASE("memory-four-workers: 4 do not fit, 3 do, a leak kills later") {
  const Run four = run_file("memory-four-workers.toml");
  CHECK(count(four, "memory.oom_kill") > 10);
  CHECK(count(run_file("memory-four-workers.toml", "3 workers"), "memory.oom_kill") == 0);
  const Run leak = run_file("memory-four-workers.toml", "2 workers with a leak (150 MiB/h each), 6 hours");
  const auto kills = times(leak, "memory.oom_kill");
  REQUIRE(!kills.empty());
  CHECK(kills[0] > hours(3));  // 1 GiB of room / 300 MiB/h = 3 h 24 min
  CHECK(kills[0] < hours(3) + minutes(25));
  const Run limit =
      run_file("memory-four-workers.toml", "one worker per container, limit 1200MiB, leaking, kubernetes");
  const auto oomkilled = records(limit, "process.exit");
  REQUIRE(!oomkilled.empty());
  CHECK(limit.trace.detail_int(*oomkilled[0], "code") == 137);
  // OOMKilled about every 70 min: each restart comes more than 10 min after the last, so the
  // kubelet's back-off starts over and the narration says so after the first.
  const auto restarts = records(limit, "supervisor.restart_scheduled");
  REQUIRE(restarts.size() >= 3);
  CHECK(limit.trace.narration(*restarts[0]) == "supervisor.restart_scheduled.first_exit");
  for (size_t i = 1; i < restarts.size(); ++i)
    CHECK(limit.trace.narration(*restarts[i]) == "supervisor.restart_scheduled.backoff_reset");
}

TEST_CASE("migrations: a Job runs once, an init container runs in every pod (two race), a lock runs it once") {
  const Run once = run_file("migrations.toml");
  CHECK(count(once, "deploy.job_start") == 1);
  CHECK(count(once, "deploy.pre_start_begin") + count(once, "deploy.pre_start_noop") == 0);
  CHECK(count(once, "deploy.pre_start_failed") == 0);
  CHECK(once.metrics.restarts == 0);
  CHECK(once.metrics.failures.empty());
  // Per replica (an init container): each of the four new pods runs the step; the two that
  // RollingUpdate starts together (maxSurge 1 + maxUnavailable 1) race.
  const Run race = run_file("migrations.toml", "per replica");
  CHECK(count(race, "deploy.pre_start_begin") == 2);
  CHECK(count(race, "deploy.pre_start_failed") == 1);
  CHECK(count(race, "deploy.pre_start_noop") == 3);
  CHECK(race.metrics.restarts == 1);
  std::set<std::string> pods;
  for (std::string_view kind : {"deploy.pre_start_begin", "deploy.pre_start_noop"})
    for (const auto& r : records(race, kind)) pods.insert(std::string(race.trace.detail_str(*r, "unit")));
  CHECK(pods == std::set<std::string>{"api-5", "api-6", "api-7", "api-8"});
  const Run locked = run_file("migrations.toml", "with a lock");
  const auto ready = times(locked, "process.ready");
  REQUIRE(ready.size() == 4);
  // The first pod migrates (8 s); the one waiting for the lock then finds it applied, and the
  // later pods take the free lock and find the same: one migration in all, none fails.
  CHECK(count(locked, "deploy.pre_start_begin") == 1);
  CHECK(count(locked, "deploy.lock_wait") == 1);
  CHECK(count(locked, "deploy.pre_start_noop") == 3);
  CHECK(count(locked, "deploy.pre_start_failed") == 0);
  CHECK(ready.front() == s(38) + ms(500));
  CHECK(ready.back() - ready.front() < s(2));
}

TEST_CASE("version-pinning: unpinned crash-loops, pinned and ranged stay up, tests catch it") {
  const Run unpinned = run_file("version-pinning.toml");
  CHECK(count(unpinned, "process.ready") == 0);
  CHECK(count(unpinned, "supervisor.restart") >= 4);
  CHECK(count(unpinned, "supervisor.give_up") == 1);  // systemd: more than 5 starts in 10 s
  CHECK(unpinned.metrics.availability_ratio() < 0.5);
  const Run pinned = run_file("version-pinning.toml", "pinned ==0.45.0");
  CHECK(count(pinned, "process.ready") == 1);
  CHECK(pinned.metrics.availability_ratio() > 0.9);
  const Run ranged = run_file("version-pinning.toml", "minor range >=0.45.0,<0.46.0");
  CHECK(count(ranged, "process.ready") == 1);
  const Run tested = run_file("version-pinning.toml", "unpinned, tests before upgrade");
  CHECK(count(tested, "deploy.tests_failed") == 1);
  CHECK(count(tested, "process.exit") == 0);
}

TEST_CASE("slow-start-probes: liveness stops a 45 s model load at 20 s; under RollingUpdate the old pod serves") {
  const Run base = run_file("slow-start-probes.toml");
  // Deploy at 30 s: a new pod (maxSurge 1) while the old one serves. Liveness is refused at 0, 10
  // and 20 s after each start; the third failure stops the container.
  const auto fails = times(base, "probe.liveness_failed");
  REQUIRE(fails.size() >= 6);
  CHECK(std::vector<Time>(fails.begin(), fails.begin() + 6) == std::vector<Time>{30_s, 40_s, 50_s, 75_s, 85_s, 95_s});
  // Stopping is preStop (5 s), SIGTERM, then SIGKILL only after the 30 s grace period: Uvicorn,
  // still loading, finishes its start-up at 45 s and returns, exit 0 (PID 1 of its container).
  CHECK(times(base, "process.terminate").front() == 50_s);
  CHECK(times(base, "process.sigterm").front() == 55_s);
  const auto exits = records(base, "process.exit");
  REQUIRE(exits.size() >= 3);
  CHECK(exits[0]->t() == 75_s);
  CHECK(base.trace.detail_int(*exits[0], "code") == 0);
  CHECK(base.trace.detail_int(*exits[0], "signal") == 0);
  CHECK(count(base, "supervisor.kill") == 0);
  // Then CrashLoopBackOff: restart at once, then after 10, 20, 40, 80, 160 s.
  CHECK(times(base, "supervisor.restart") == std::vector<Time>{75_s, 130_s, 195_s, 280_s, 405_s, 610_s});
  CHECK(count(base, "process.ready") == 0);
  // The rollout stalls but the old pod answers every request; after 600 s without progress the
  // Deployment is marked failed.
  CHECK(base.metrics.failures.empty());
  CHECK(times(base, "deploy.progress_deadline_exceeded") == std::vector<Time>{630_s});

  // strategy Recreate: the old pod is gone first, and with no Ready pod the ingress answers 503.
  const Run recreate = run_file("slow-start-probes.toml", "strategy Recreate");
  CHECK(recreate.metrics.availability_ratio() < 0.1);
  CHECK(recreate.metrics.failures.at("503") > 1000);
  CHECK(recreate.metrics.failures.count("502") == 0);

  const Run startup = run_file("slow-start-probes.toml", "startup probe (failureThreshold 30)");
  // Startup probe refused at 0..40 s after the start, passes at 50 s; readiness passes then too.
  CHECK(times(startup, "probe.startup_failed") == std::vector<Time>{30_s, 40_s, 50_s, 60_s, 70_s});
  CHECK(times(startup, "probe.startup_succeeded") == std::vector<Time>{80_s});
  CHECK(count(startup, "probe.liveness_failed") == 0);
  CHECK(times(startup, "process.ready") == std::vector<Time>{80_s});
  CHECK(startup.metrics.restarts == 0);
  // Only now is the old pod scaled down.
  CHECK(times(startup, "deploy.scale_down") == std::vector<Time>{80_s});
  CHECK(times(startup, "deploy.rollout_done") == std::vector<Time>{80_s});

  const Run short_startup = run_file("slow-start-probes.toml", "startup probe with defaults (3 x 10 s is too short)");
  CHECK(times(short_startup, "probe.startup_failed").front() == 30_s);
  CHECK(times(short_startup, "process.terminate").front() == 50_s);
  CHECK(count(short_startup, "process.ready") == 0);

  CHECK(times(run_file("slow-start-probes.toml", "liveness initialDelaySeconds 60"), "process.ready") ==
        std::vector<Time>{80_s});
  CHECK(times(run_file("slow-start-probes.toml", "no liveness probe"), "process.ready") == std::vector<Time>{80_s});
  const Run fast = run_file("slow-start-probes.toml", "model loads in 15 s");
  CHECK(times(fast, "process.ready") == std::vector<Time>{50_s});  // first readiness probe after 15 s
  CHECK(count(fast, "probe.liveness_failed") == 0);                // refused at 0 and 10 s, passes at 20 s
}

TEST_CASE("07b's startup-probe variant answers every request; without preStop the switch loses some") {
  // The old pod serves until the new one is Ready, then gets 5 s of preStop before SIGTERM: the
  // proxy has dropped it (endpoints_delay 1 s) before it closes its socket.
  const Run startup = run_file("slow-start-probes.toml", "startup probe (failureThreshold 30)");
  CHECK(startup.metrics.failures.empty());
  CHECK(startup.metrics.requests > 1000);
  // Without the pause the old pod closes at once while the proxy still lists it for 1 s.
  const Run no_pause = run_file("slow-start-probes.toml", "startup probe, no preStop pause");
  CHECK(no_pause.metrics.failures.count("502") == 1);
  for (const auto& r : records(no_pause, "proxy.upstream_error")) {
    CHECK(r->t() > 80_s);
    CHECK(r->t() < 81_s);
  }
}

TEST_CASE("rolling-update: Recreate is down while pods start; RollingUpdate with a preStop pause loses nothing") {
  const Run recreate = run_file("rolling-update.toml");
  const Run rolling = run_file("rolling-update.toml", "rolling update (the default), no preStop");
  const Run paused = run_file("rolling-update.toml", "rolling update with a preStop pause");
  // Recreate: every old pod stops first (SIGTERM at 60 s; Uvicorn exits 0.1 s later), then four
  // new pods start, ready 10 s later. Meanwhile the proxy still lists the old pods for 1 s (502),
  // then has no endpoint at all (503) until the new ones reach it.
  CHECK(times(recreate, "process.terminate") == std::vector<Time>(4, 60_s));
  CHECK(times(recreate, "process.ready") == std::vector<Time>(4, 70_s + ms(100)));
  CHECK(recreate.metrics.failures.at("502") > 5);
  CHECK(recreate.metrics.failures.at("503") > 50);
  // RollingUpdate (maxSurge 1, maxUnavailable 1 of 4): one extra new pod, then one old pod down
  // at a time once enough are available; new pods take the spare places api-5 .. api-8.
  const auto ups = records(paused, "deploy.scale_up");
  REQUIRE(ups.size() == 4);
  CHECK(times(paused, "deploy.scale_up") == std::vector<Time>{60_s, 60_s, 70_s, 70_s});
  CHECK(paused.trace.detail_str(*ups[0], "unit") == "api-5");
  CHECK(times(paused, "deploy.scale_down") == std::vector<Time>{60_s, 70_s, 70_s, 80_s});
  CHECK(times(paused, "deploy.rollout_done") == std::vector<Time>{80_s});
  for (const auto& r : records(paused, "process.ready"))
    CHECK(paused.trace.detail_str(*r, "version") == "fastapi 0.45.1");
  CHECK(paused.metrics.failures.empty());  // what run --summary shows: no failure cause at all
  // Without the pause, each old pod refuses the requests the proxy sends it during the 1 s the
  // endpoint change takes to arrive.
  CHECK(rolling.metrics.failures.at("502") > 0);
  CHECK(rolling.metrics.failures.count("503") == 0);
  CHECK(rolling.metrics.availability_ratio() > recreate.metrics.availability_ratio() + 0.04);

  const Run half = run_file("rolling-update.toml", "rolling update with a preStop pause, maxUnavailable 50 %");
  CHECK(times(half, "deploy.scale_up") == std::vector<Time>{60_s, 60_s, 60_s, 70_s});
  CHECK(half.metrics.failures.empty());

  // A breaking release: two new pods crash-loop, the rollout stalls, three old ones keep serving.
  const Run broken = run_file("rolling-update.toml", "rolling update of an unpinned breaking release");
  CHECK(count(broken, "deploy.scale_up") == 2);
  CHECK(count(broken, "deploy.scale_down") == 1);
  CHECK(count(broken, "deploy.rollout_done") == 0);
  CHECK(count(broken, "process.ready") == 0);
  CHECK(broken.metrics.restarts >= 3);
  CHECK(broken.metrics.failures.empty());
  const Run broken_at_once = run_file("rolling-update.toml", "all at once, unpinned breaking release");
  CHECK(broken_at_once.metrics.availability_ratio() < 0.5);
}

TEST_CASE("a pod closing its socket: ingress-nginx passes the request to the next pod, Traefik answers 502") {
  // The imported example's release without its preStop pause: each old pod closes its socket at
  // SIGTERM while the proxy lists it for 1 s more. nginx's proxy_next_upstream (error timeout)
  // gives a refused connection to a pod this request has not tried; Traefik has no retry.
  Scenario sc = load_file("imported-example.toml", "the next release at 1 min");
  sc.services[0].supervisor.pre_stop = Time{};
  const Run nginx = simulate(sc);
  sc.proxy->preset = ProxyPreset::traefik;
  const Run traefik = simulate(sc);
  CHECK(traefik.metrics.failures.count("502") == 1);
  CHECK(count(traefik, "proxy.next_upstream") == 0);
  const Trace& t = nginx.trace;
  size_t passed = 0;
  for (size_t k = 0; k < t.size(); ++k) {
    if (t.kind(t[k]) != "proxy.next_upstream") continue;
    ++passed;
    const Record r = t[k];
    CHECK(t.detail_str(r, "reason") == "connection refused");
    CHECK(t.detail_int(r, "tries") == 1);
    // The request's next forward, one hop later (the refusal's way back), goes to another pod.
    const std::string refused(t.detail_str(r, "upstream"));
    std::string next;
    for (size_t i = k + 1; i < t.size() && next.empty(); ++i)
      if (t.kind(t[i]) == "proxy.forward" && t[i].cause == static_cast<RecordId>(k)) {
        next = t.detail_str(t[i], "upstream");
        CHECK(t[i].t() - r.t() == ms(20));
      }
    CHECK(!next.empty());
    CHECK(next != refused);
  }
  CHECK(passed >= 1);
  CHECK(nginx.metrics.failures.empty());
  CHECK(nginx.metrics.requests == nginx.metrics.succeeded);

  SUBCASE("a POST the dying worker already had is not sent again; a refused one is") {
    // nginx retries a request an upstream had only for idempotent methods (not POST, LOCK, PATCH).
    // Workers that crash now and then while they serve slow requests.
    Scenario post = load_file("imported-example.toml");
    post.services[0].crash_rate_per_hour = 60;
    post.services[0].service_time = {s(1), s(2)};
    post.clients[0].method = "POST";
    post.clients[0].rate_per_s = 5.0;
    const Run p = simulate(post);
    Scenario get = post;
    get.clients[0].method = "GET";
    const Run g = simulate(get);
    CHECK(count(g, "proxy.upstream_error") == 0);
    CHECK(g.metrics.failures.empty());
    size_t resent = 0;
    for (const auto& r : records(g, "proxy.next_upstream"))
      resent += g.trace.detail_str(*r, "reason") == "worker exited";
    CHECK(resent > 0);
    // The POSTs a crashing worker held fail; only a refused one (never sent) goes on.
    CHECK(p.metrics.failures.at("502") > 0);
    for (const auto& r : records(p, "proxy.upstream_error")) CHECK(p.trace.detail_str(*r, "reason") == "worker exited");
    for (const auto& r : records(p, "proxy.next_upstream"))
      CHECK(p.trace.detail_str(*r, "reason") == "connection refused");
  }
}

TEST_CASE("maxSurge 0 with one replica: Kubernetes takes one pod down first, and the narration says so") {
  // Audit finding: "25 % rounded down" of 1 is 0, yet one pod goes: both limits at 0 would never
  // progress, so the Deployment controller lets one be unavailable (ResolveFenceposts).
  Scenario sc = load_file("slow-start-probes.toml");
  sc.services[0].max_surge_percent = 0;
  const Run run = simulate(sc);
  const auto update = records(run, "deploy.rolling_update");
  REQUIRE(update.size() == 1);
  CHECK(run.trace.narration(*update[0]).starts_with("deploy.rolling_update.fencepost"));
  CHECK(run.trace.detail_int(*update[0], "max_unavailable") == 1);
  sc.services[0].max_surge_percent = 25;
  const Run surge = simulate(sc);
  CHECK_FALSE(surge.trace.narration(*records(surge, "deploy.rolling_update")[0])
                  .starts_with("deploy.rolling_update.fencepost"));
}

TEST_CASE("a rolling update that never progresses is marked failed after 600 s and not rolled back") {
  const Scenario base = load_file("rolling-update.toml");
  LoadResult longer = set_param(load_file("rolling-update.toml", "rolling update of an unpinned breaking release"),
                                "scenario.duration", "\"15m\"");
  REQUIRE(longer.scenario);
  const Run run = simulate(*longer.scenario);
  const auto stalled = records(run, "deploy.progress_deadline_exceeded");
  REQUIRE(stalled.size() == 1);
  CHECK(stalled[0]->t() == 60_s + minutes(10));
  CHECK(run.trace.detail_int(*stalled[0], "not_replaced") == 3);
  CHECK(run.metrics.availability_ratio() > 0.99);
  // Only a Deployment has a progress deadline: the same stalled rollout under supervisord is not
  // marked failed.
  Scenario in_place = *longer.scenario;
  in_place.services[0].supervisor.kind = SupervisorKind::supervisord;
  const Run plain = simulate(in_place);
  CHECK(count(plain, "deploy.rolling_update") == 1);
  CHECK(count(plain, "deploy.progress_deadline_exceeded") == 0);
  // max_unavailable means nothing without a rolling update: a located error, not a silent no-op.
  LoadResult wrong = set_param(base, "service.api.max_unavailable", "50");
  REQUIRE(wrong.error);
  CHECK(wrong.error->message.find("rollout = \"rolling\" only") != std::string::npos);
}

TEST_CASE("traefik-acme-storage: a crash keeps acme.json; without a volume the 6th recreate gets no certificate") {
  const Run kept = run_file("traefik-acme-storage.toml");
  const Run lost = run_file("traefik-acme-storage.toml", "acme.json not persisted");
  const Run three = run_file("traefik-acme-storage.toml", "acme.json not persisted, 3 recreates only");
  CHECK(count(kept, "cert.issued") == 0);
  CHECK(kept.metrics.failures.empty());
  // The crash at 30 min orders nothing in either case: Docker restarts the same container.
  CHECK(times(lost, "cert.acme.order").front() == hours(1) + s(1));
  CHECK(count(lost, "cert.issued") == 6);  // five, then one more after the refill
  CHECK(times(lost, "cert.acme.rate_limited").front() == minutes(110) + s(1));
  CHECK(count(three, "cert.issued") == 3);
  CHECK(count(three, "cert.acme.rate_limited") == 0);
  // What `run --summary` shows: the browser rejects Traefik's self-signed default certificate
  // from the 6th recreate until the next certificate, about 46 of the 72 hours.
  REQUIRE(lost.metrics.failures.count("unknown_ca") == 1);
  CHECK(lost.metrics.failures.at("unknown_ca") > 2500);
  CHECK(lost.metrics.availability_ratio() < 0.4);
  CHECK(three.metrics.availability_ratio() > 0.99);
}

namespace {

// The lines of `run --summary` a learner compares between variants: availability and the causes
// of failures (and, with `restarts`, the restart count: 4 workers on 3 GiB lose no request, the
// OOM killer shows up as restarts).
std::string outcome_lines(const Metrics& m, bool restarts) {
  std::string out;
  std::istringstream in(format_summary(m));
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("  availability ") || line.starts_with("  failed: ") ||
        (restarts && line.starts_with("  restarts ")))
      out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("run --summary on every shipped lifecycle scenario: availability and causes differ per variant") {
  // Variants whose availability is meant to equal the base's: the lesson says "this too" (same
  // failure), or shows another way to the base's success, or a difference elsewhere (renewals).
  const std::set<std::pair<std::string, std::string>> same_as_base = {
      {"crash-loop-supervisors.toml", "supervisord"},                    // gives up like systemd
      {"reboot-start-on-boot.toml", "docker without a restart policy"},  // stays down like the base
      {"slow-start-probes.toml", "startup probe with defaults (3 x 10 s is too short)"},
      {"cert-renewal.toml", "certbot certonly with a deploy hook"},  // works like Caddy
      {"cert-renewal.toml", "port 80 blocked, DNS-01"},              // DNS-01 does not need port 80
      {"cert-lifetimes.toml", "45-day certificate"},                 // more renewals (test above), no failures
      {"cert-lifetimes.toml", "6-day certificate"},
      {"traefik-acme-storage.toml", "acme.json not persisted, 3 recreates only"},  // under the limit
      {"migrations.toml", "with a lock"},  // slower (test above), and the old pods serve meanwhile
  };
  const char* files[] = {
      "crash-loop-supervisors.toml", "worker-respawn.toml",      "reboot-start-on-boot.toml", "cert-renewal.toml",
      "cert-lifetimes.toml",         "memory-four-workers.toml", "migrations.toml",           "version-pinning.toml",
      "slow-start-probes.toml",      "rolling-update.toml",      "traefik-acme-storage.toml"};
  size_t variants = 0;
  for (const char* file : files) {
    CAPTURE(file);
    const Scenario base_sc = load_file(file);
    const Run base_run = simulate(base_sc);
    const std::string base = outcome_lines(base_run.metrics, false);
    CHECK(base.find("  availability ") != std::string::npos);
    REQUIRE(!base_sc.variants.empty());
    for (const VariantSpec& v : base_sc.variants) {
      CAPTURE(v.name);
      ++variants;
      const Run run = run_file(file, v.name);
      const std::string lines = outcome_lines(run.metrics, false);
      CHECK(lines.find("  availability ") != std::string::npos);
      if (same_as_base.count({file, v.name}))
        CHECK(lines == base);
      else
        CHECK(outcome_lines(run.metrics, true) != outcome_lines(base_run.metrics, true));
    }
  }
  CHECK(variants >= 30);
}
