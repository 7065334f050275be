#include "lifecycle/supervisor.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "lifecycle/versions.hpp"

namespace deploysim {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

}  // namespace

bool ExitStatus::clean() const {
  if (signal != 0) return signal == 1 || signal == 2 || signal == sig_term || signal == 13;
  return code == 0;
}

Supervisor::Supervisor(const SupervisorSpec& spec) : spec_(spec) {
  policy_ = spec_.restart.empty() ? std::string(supervisor_info(spec_.kind).policies.front()) : spec_.restart;
  // Docker spells a retry limit inside the policy: on-failure:5.
  if (supervisor_info(spec_.kind).policy_retries && policy_.starts_with("on-failure:")) {
    spec_.max_retries = std::atoi(policy_.c_str() + 11);
    policy_.resize(10);
  }
}

void Supervisor::reset() {
  gave_up_ = false;
  stopped_by_user_ = false;
  window_open_ = false;
  window_starts_ = 0;
  docker_timeout_ = Time{};
  k8s_entry_ = false;
  backoff_ = 0;
  streak_ = 0;
}

void Supervisor::reset_for_deploy() {
  const bool open = window_open_;
  const Time begin = window_begin_;
  const int starts = window_starts_;
  reset();
  if (spec_.kind != SupervisorKind::systemd) return;
  window_open_ = open;
  window_begin_ = begin;
  window_starts_ = starts;
}

bool Supervisor::on_start(Time t) {
  stopped_by_user_ = false;
  if (spec_.kind != SupervisorKind::systemd) return true;
  // StartLimitIntervalSec=10s, StartLimitBurst=5 (systemd.unit(5); domain-facts.md): a fixed
  // window opened by the first start; the start after the burst within it is refused.
  if (!window_open_ || t - window_begin_ > spec_.start_limit_interval) {
    window_open_ = true;
    window_begin_ = t;
    window_starts_ = 0;
  }
  // Either value 0 turns the limit off (ratelimit_configured() in systemd's src/basic/ratelimit.h).
  if (spec_.start_limit_interval > Time{} && spec_.start_limit_burst > 0 && window_starts_ >= spec_.start_limit_burst) {
    gave_up_ = true;
    return false;
  }
  // A start let through (by hand once the interval has passed, or after reset-failed) turns the
  // restart logic on again (systemd.unit(5), StartLimitIntervalSec=).
  gave_up_ = false;
  ++window_starts_;
  return true;
}

RestartDecision Supervisor::on_exit(Time started, Time t, const ExitStatus& st) {
  if (st.by_user) {
    stopped_by_user_ = true;
    return {SupervisorAction::stay_down, Time{}, false, "stopped"};
  }
  if (gave_up_) return {SupervisorAction::give_up, Time{}, false, "failed"};
  RestartDecision d;
  switch (spec_.kind) {
    case SupervisorKind::systemd:
      d = on_exit_systemd(st);
      break;
    case SupervisorKind::docker:
      d = on_exit_docker(started, t, st);
      break;
    case SupervisorKind::kubernetes:
      d = on_exit_kubernetes(t);
      break;
    case SupervisorKind::supervisord:
      d = on_exit_supervisord(started, t, st);
      break;
    case SupervisorKind::none:
      d = {SupervisorAction::stay_down, Time{}, false, "unsupervised"};
      break;
  }
  if (d.action == SupervisorAction::restart) {
    ++restarts_;
    ++streak_;
  }
  if (d.action == SupervisorAction::give_up) gave_up_ = true;
  return d;
}

bool Supervisor::systemd_wants(const ExitStatus& st) const {
  // systemd.service(5), table "Exit causes and the effect of the Restart= settings".
  const bool clean = st.clean();
  const bool unclean_signal = st.signal != 0 && !clean;
  if (policy_ == "always") return true;
  // An OOM kill under OOMPolicy=stop or kill ends the unit with result oom-kill, however its main
  // process then exited: on-failure and on-abnormal restart it, on-abort does not (systemd.service(5),
  // OOMPolicy= and the Restart= table; systemd issue #36529, on Debian 12).
  if (st.oom_killed && spec_.oom_policy != OomPolicy::keep) return policy_ == "on-failure" || policy_ == "on-abnormal";
  if (policy_ == "on-success") return clean;
  if (policy_ == "on-failure") return !clean;
  if (policy_ == "on-abnormal" || policy_ == "on-abort") return unclean_signal;
  return false;  // "no", "on-watchdog" (no watchdog modelled)
}

RestartDecision Supervisor::on_exit_systemd(const ExitStatus& st) {
  if (!systemd_wants(st)) return {SupervisorAction::stay_down, Time{}, false, "policy"};
  const Time delay = systemd_restart_delay(spec_, streak_ + 1);
  return {SupervisorAction::restart, delay, false, "policy"};
}

RestartDecision Supervisor::on_exit_docker(Time started, Time t, const ExitStatus& st) {
  // moby restartmanager: 100 ms doubling, capped at 1 min, reset after >= 10 s of execution.
  constexpr Time initial = ms(100), cap = minutes(1), reset_after = s(10);
  if (t - started >= reset_after) docker_timeout_ = Time{};
  docker_timeout_ = docker_timeout_ == Time{} ? initial : std::min(docker_timeout_ * 2, cap);
  bool restart = false;
  std::string_view reason = "policy";
  if (policy_ == "always")
    restart = true;
  else if (policy_ == "unless-stopped")
    restart = !stopped_by_user_;
  else if (policy_ == "on-failure") {
    if (spec_.max_retries == 0 || static_cast<int>(streak_) < spec_.max_retries)
      restart = st.code != 0;
    else if (st.code != 0)
      return {SupervisorAction::give_up, Time{}, false, "max_retries"};
  }
  if (!restart) return {SupervisorAction::stay_down, Time{}, false, reason};
  return {SupervisorAction::restart, docker_timeout_, true, "backoff"};
}

RestartDecision Supervisor::on_exit_kubernetes(Time t) {
  // restartPolicy Always, the only one a Deployment's pods take (supervisors.cpp).
  // kubelet doBackOff with client-go flowcontrol.Backoff(10 s, 300 s): no entry (or one not
  // updated for 2 x max = 10 min) -> restart now and remember 10 s; otherwise wait the current
  // back-off (CrashLoopBackOff) and double it, capped at 5 min.
  constexpr Time initial = s(10), cap = s(300);
  if (!k8s_entry_ || t - k8s_last_update_ > cap * 2) {
    const bool reset = k8s_entry_;  // an earlier crash, but more than 10 min ago: the back-off starts over
    k8s_entry_ = true;
    k8s_backoff_ = initial;
    k8s_last_update_ = t;
    return {SupervisorAction::restart, Time{}, false, reset ? "backoff_reset" : "first_exit"};
  }
  const Time wait = k8s_backoff_;
  k8s_backoff_ = std::min(k8s_backoff_ * 2, cap);
  k8s_last_update_ = t + wait;
  return {SupervisorAction::restart, wait, true, "backoff"};
}

RestartDecision Supervisor::on_exit_supervisord(Time started, Time t, const ExitStatus& st) {
  // supervisor/process.py: an exit before startsecs is a failed start -> BACKOFF, retry n after
  // n seconds, FATAL after startretries; once RUNNING, autorestart decides with no delay.
  if (t - started < spec_.startsecs) {
    ++backoff_;
    if (backoff_ > spec_.startretries) return {SupervisorAction::give_up, Time{}, false, "fatal"};
    return {SupervisorAction::restart, s(backoff_), true, "backoff"};
  }
  backoff_ = 0;
  const bool expected = st.signal == 0 && st.code == 0;  // exitcodes=0
  const bool restart = policy_ == "true" || (policy_ == "unexpected" && !expected);
  if (!restart) return {SupervisorAction::stay_down, Time{}, false, "policy"};
  return {SupervisorAction::restart, Time{}, false, "policy"};
}

std::string_view Supervisor::stopped_state(const ExitStatus& st) const {
  // systemd.service(5): a clean exit leaves the unit inactive, another one failed; supervisord's
  // "Process States": EXITED is any exit from RUNNING (FATAL only when it cannot start); the
  // kubelet's reason for a container that ended with 0 is Completed.
  switch (spec_.kind) {
    case SupervisorKind::systemd:
      return st.clean() ? "inactive (dead)" : "failed";
    case SupervisorKind::supervisord:
      return "EXITED";
    case SupervisorKind::kubernetes:
      return st.signal == 0 && st.code == 0 ? "Completed" : "Error";
    default:
      return "exited";
  }
}

bool Supervisor::starts_on_boot() const {
  const SupervisorInfo& info = supervisor_info(spec_.kind);
  if (info.enabled_key) return spec_.enabled;  // systemctl enable, supervisord's own service
  // Docker: an unless-stopped container stopped by hand stays down "even after Docker daemon
  // restarts" (docker run --restart).
  if (spec_.kind == SupervisorKind::docker && policy_ == "unless-stopped" && stopped_by_user_) return false;
  return std::any_of(info.boot_policies.begin(), info.boot_policies.end(),
                     [&](std::string_view p) { return iequals(p, policy_); });
}

Time systemd_restart_delay(const SupervisorSpec& spec, uint32_t n) {
  const Time r0 = spec.restart_sec, rn = spec.restart_max_delay;
  if (n <= 1 || spec.restart_steps <= 0 || r0 <= Time{} || rn == Time::max() || r0 >= rn) return r0;
  if (n > static_cast<uint32_t>(spec.restart_steps)) return rn;
  const double ratio = static_cast<double>(rn.ns()) / static_cast<double>(r0.ns());
  const double f = std::pow(ratio, static_cast<double>(n - 1) / spec.restart_steps);
  // Rounded to microseconds: systemd keeps usec_t, and it keeps traces stable across libms.
  return us(std::llround(static_cast<double>(r0.ns()) / 1000.0 * f));
}

Time stop_grace_period(const SupervisorSpec& spec) {
  const Time grace = spec.grace_period.value_or(supervisor_info(spec.kind).grace_period);
  // Zero means different things: systemd's TimeoutStopSec=0 turns the stop timeout off
  // (systemd.service(5)), so it never sends SIGKILL; the kubelet raises a grace period under
  // 2 s to 2 s (minimumGracePeriodInSeconds, kuberuntime_container.go); `docker stop -t 0` and
  // supervisord's stopwaitsecs=0 kill at once.
  if (spec.kind == SupervisorKind::systemd && grace == Time{}) return Time::max();
  if (spec.kind == SupervisorKind::kubernetes) return std::max(grace, s(2));
  return grace;
}

Time endpoints_delay(const SupervisorSpec& spec) {
  // The model's assumption: the Kubernetes docs give no number, only that endpoint removal runs
  // alongside the kubelet's shutdown and reaches kube-proxy and ingress controllers later;
  // kube-proxy's --iptables-min-sync-period defaults to 1 s.
  return spec.endpoints_delay.value_or(s(1));
}

ExitStatus graceful_exit(const ServiceSpec& svc) {
  // Uvicorn >= 0.29 re-raises the signal it caught once it has shut down (uvicorn/server.py
  // capture_signals), so a single-process Uvicorn dies of SIGTERM: 143. As a container's PID 1
  // (Docker, Kubernetes, exec-form CMD) the kernel drops a signal without a handler sent to the
  // namespace's init (kernel/signal.c sig_task_ignored) and Uvicorn returns: 0. With --workers
  // the manager (uvicorn/supervisors/multiprocess.py) joins its workers and returns: 0.
  if (svc.server != ServerPreset::uvicorn || svc.workers > 1) return ExitStatus::exited(0);
  if (auto v = parse_version(svc.server_version); v && *v < Version{0, 29, 0}) return ExitStatus::exited(0);
  if (supervisor_info(svc.supervisor.kind).container) return ExitStatus::exited(0);
  return ExitStatus::killed(sig_term);
}

bool manager_respawns_workers(ServerPreset server, std::string_view version) {
  switch (server) {
    case ServerPreset::uvicorn: {
      // Uvicorn's manager respawns dead workers since 0.30 (domain-facts.md "App servers").
      auto v = parse_version(version);
      return !v || *v >= Version{0, 30, 0};
    }
    case ServerPreset::gunicorn:
      return true;  // the arbiter keeps `workers` alive
    case ServerPreset::hypercorn:
    case ServerPreset::daphne:
      return false;
  }
  return false;
}

Time manager_respawn_delay(ServerPreset server) {
  // Uvicorn's Multiprocess.keep_subprocess_alive polls every 0.5 s (uvicorn/supervisors/
  // multiprocess.py); Gunicorn's arbiter reaps the worker on SIGCHLD, wakes its main loop
  // (arbiter.py handle_chld: reap_workers, wakeup) and spawns a new one in manage_workers at once.
  return server == ServerPreset::gunicorn ? Time{} : ms(500);
}

}  // namespace deploysim
