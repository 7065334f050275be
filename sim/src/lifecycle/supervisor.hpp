#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "deploysim/presets.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

// The restart policies of the four supervisors as pure logic, without the world: feed it the
// starts and exits of one supervised unit (a systemd service, a container, a pod's container, a
// supervisord program) and it answers when the next start happens or that it gives up. The
// numbers are the tools' documented defaults (../shared/domain-facts.md "Restart supervisors").

/// Signals that matter for restart decisions.
inline constexpr int sig_kill = 9;   ///< SIGKILL (OOM killer, liveness kill).
inline constexpr int sig_segv = 11;  ///< SIGSEGV.
inline constexpr int sig_term = 15;  ///< SIGTERM (a clean stop for systemd; the stop signal of every tool).

/// How a process ended.
struct ExitStatus {
  int code = 0;             ///< Exit code; 128 + signal when killed by a signal (137 = SIGKILL).
  int signal = 0;           ///< Signal that killed it (0: it exited by itself).
  bool by_user = false;     ///< Stopped on purpose (systemctl stop, docker stop, a deploy).
  bool oom_killed = false;  ///< Killed for memory (kernel OOM killer or container limit).
  /// Whether systemd counts it as a clean exit (code 0, or SIGHUP/SIGINT/SIGTERM/SIGPIPE).
  bool clean() const;
  /// An exit with code `c`.
  static ExitStatus exited(int c) { return ExitStatus{c, 0, false, false}; }
  /// Killed by signal `sig` (code 128 + sig).
  static ExitStatus killed(int sig) { return ExitStatus{128 + sig, sig, false, false}; }
};

/// What the supervisor does after an exit.
enum class SupervisorAction : uint8_t {
  restart,    ///< Start again after `delay`.
  give_up,    ///< Stop trying: systemd "failed", supervisord FATAL, Docker on-failure:N spent.
  stay_down,  ///< The policy does not restart this exit (Restart=no, docker no, exit 0 ...).
};

/// The answer to an exit.
struct RestartDecision {
  SupervisorAction action = SupervisorAction::stay_down;
  Time delay;               ///< From the exit to the next start attempt (restart only).
  bool back_off = false;    ///< Shown as a back-off state while waiting (CrashLoopBackOff, BACKOFF).
  std::string_view reason;  ///< Short key for narration: "policy", "backoff", "fatal", "max_retries", ...
};

/// The restart policy of one supervised unit, with its counters.
class Supervisor {
 public:
  /// A supervisor of the given kind with the spec's options (empty `restart` = tool default).
  explicit Supervisor(const SupervisorSpec& spec);

  /// A start attempt at t. false: refused (systemd "Start request repeated too quickly").
  bool on_start(Time t);
  /// The unit, started at `started`, exited at `t` with `status`.
  RestartDecision on_exit(Time started, Time t, const ExitStatus& status);
  /// Whether the unit comes back when its host boots (systemd enabled, docker always /
  /// unless-stopped, Kubernetes, supervisord when its own service is enabled).
  bool starts_on_boot() const;
  /// systemctl reset-failed / a new container or pod: clears the give-up state and the counters.
  void reset();
  /// A deploy: as reset(), but systemd keeps its start-limit window, since a `systemctl restart`
  /// by hand counts against StartLimitBurst like any start (systemd.unit(5)).
  void reset_for_deploy();

  /// The kind.
  SupervisorKind kind() const { return spec_.kind; }
  /// The restart policy as the tool spells it ("on-failure", "Always", "unexpected", ...).
  std::string_view policy() const { return policy_; }
  /// Whether it has given up (failed / FATAL) until reset.
  bool gave_up() const { return gave_up_; }
  /// Restarts decided so far.
  uint32_t restarts() const { return restarts_; }
  /// The state the tool shows while the unit waits to restart ("activating (auto-restart)",
  /// "restarting", "CrashLoopBackOff", "BACKOFF"; the supervisor table).
  std::string_view waiting_state() const { return supervisor_info(spec_.kind).waiting_state; }
  /// The state the tool shows after giving up ("failed", "exited", "Error", "FATAL").
  std::string_view given_up_state() const { return supervisor_info(spec_.kind).given_up_state; }
  /// The state the tool shows after an exit its policy does not restart: systemd "inactive
  /// (dead)" after a clean exit and "failed" after another, supervisord "EXITED", Docker
  /// "exited", a pod's container "Completed" after exit 0 and "Error" after another.
  std::string_view stopped_state(const ExitStatus& st) const;

 private:
  bool systemd_wants(const ExitStatus& st) const;
  RestartDecision on_exit_systemd(const ExitStatus& st);
  RestartDecision on_exit_docker(Time started, Time t, const ExitStatus& st);
  RestartDecision on_exit_kubernetes(Time t);
  RestartDecision on_exit_supervisord(Time started, Time t, const ExitStatus& st);

  SupervisorSpec spec_;
  std::string policy_;
  bool gave_up_ = false;
  bool stopped_by_user_ = false;
  uint32_t restarts_ = 0;
  uint32_t streak_ = 0;  // restarts since the last reset (systemd n_restarts)
  // systemd start rate limit window (src/basic/ratelimit.c: a fixed window from its first start).
  Time window_begin_;
  int window_starts_ = 0;
  bool window_open_ = false;
  // Docker: the current back-off timeout (0 = none yet).
  Time docker_timeout_;
  // Kubernetes: client-go flowcontrol.Backoff entry.
  bool k8s_entry_ = false;
  Time k8s_backoff_;
  Time k8s_last_update_;
  // supervisord: consecutive exits before startsecs.
  int backoff_ = 0;
};

/// The systemd delay before restart number `n` (1-based) with RestartSteps/RestartMaxDelaySec:
/// RestartSec * (max / RestartSec)^((n - 1) / steps), the max once n > steps (service.c).
Time systemd_restart_delay(const SupervisorSpec& spec, uint32_t n);

/// Whether an app server's manager process respawns a worker that died: Uvicorn >= 0.30 and
/// Gunicorn do; Uvicorn < 0.30, Hypercorn and Daphne do not. Empty version = the newest.
bool manager_respawns_workers(ServerPreset server, std::string_view version);

/// How long a server's manager takes to notice a dead worker and spawn a new one.
Time manager_respawn_delay(ServerPreset server);

/// The time a stop waits between SIGTERM (or the start of a preStop hook) and SIGKILL: the spec's
/// `grace_period`, or the tool's default (the supervisor table; none: a person waits, no SIGKILL).
Time stop_grace_period(const SupervisorSpec& spec);

/// Kubernetes: how long a change of a pod's readiness takes to reach the proxy's endpoints.
Time endpoints_delay(const SupervisorSpec& spec);

/// How the app server's process ends after a graceful shutdown on SIGTERM (see supervisor.cpp).
ExitStatus graceful_exit(const ServiceSpec& svc);

}  // namespace deploysim
