// One row per supervisor kind: its policies, defaults and the names it shows, from the tools' docs
// (../shared/domain-facts.md "Restart supervisors"). The restart logic is lifecycle/supervisor.cpp.
#include <array>

#include "deploysim/presets.hpp"
#include "scenario/tool_table.hpp"

namespace deploysim {

namespace {

using Names = std::string_view;

// Restart policies, the tool's default first: systemd Restart=no (systemd.service(5); on-watchdog
// is accepted and never restarts: no watchdog is modelled), docker run --restart no (moby
// restartmanager), Pod restartPolicy Always (Kubernetes "Pod Lifecycle"), supervisord
// autorestart=unexpected (supervisor/process.py).
constexpr Names no_policy[] = {"no"};  // kind none: what records show; the loader refuses `restart`
constexpr Names systemd_policies[] = {"no",          "on-success", "on-failure", "on-abnormal",
                                      "on-watchdog", "on-abort",   "always"};
constexpr Names docker_policies[] = {"no", "on-failure", "always", "unless-stopped"};
// A Kubernetes service is a Deployment: its pods take Always only (OnFailure and Never are for
// Jobs and bare Pods; scenario_service.cpp says so when a scenario names one).
constexpr Names k8s_policies[] = {"Always"};
constexpr Names supervisord_policies[] = {"unexpected", "true", "false"};

// Docker starts `always` and `unless-stopped` containers when its daemon starts (docker run
// --restart); the kubelet starts a node's pods again when it boots.
constexpr Names docker_boot[] = {"always", "unless-stopped"};
constexpr Names k8s_boot[] = {"Always"};

// The supervisor = { ... } keys that only one tool has.
constexpr Names systemd_keys[] = {"restart_sec",   "start_limit_interval", "start_limit_burst",
                                  "restart_steps", "restart_max_delay",    "oom_policy"};
constexpr Names k8s_keys[] = {"liveness", "readiness",       "startup",
                              "pre_stop", "endpoints_delay", "single_process_oom_kill"};
constexpr Names supervisord_keys[] = {"startsecs", "startretries"};

// grace_period: terminationGracePeriodSeconds 30 (Kubernetes docs "Pod Lifecycle", termination of
// Pods); TimeoutStopSec= defaults to DefaultTimeoutStopSec=90s (systemd-system.conf(5)); `docker
// stop` waits 10 s before SIGKILL (docker container stop --timeout; Compose stop_grace_period
// 10s); supervisord stopwaitsecs=10 (supervisord configuration docs); without a supervisor a
// person waits for the process and nobody sends SIGKILL.
// States: systemctl shows "activating (auto-restart)" and "failed", docker ps "restarting" and
// "exited", kubectl "CrashLoopBackOff" and "Error", supervisorctl "BACKOFF" and "FATAL".
// rollout: a Deployment's default strategy is RollingUpdate (domain-facts.md, Kubernetes);
// systemctl restart and docker compose up replace everything at once.
constexpr std::array supervisor_table{
    SupervisorInfo{.kind = SupervisorKind::none,
                   .name = "none",
                   .tool = "no supervisor",
                   .node = "shell",
                   .policies = no_policy,
                   .policy_retries = false,
                   .enabled_key = false,
                   .enabled_default = false,
                   .boot_policies = {},
                   .boot_note = "",
                   .keys = {},
                   .grace_period = Time::max(),
                   .waiting_state = "exited",
                   .given_up_state = "exited",
                   .container = false,
                   .rollout = RolloutStrategy::recreate},
    SupervisorInfo{.kind = SupervisorKind::systemd,
                   .name = "systemd",
                   .tool = "systemd",
                   .node = "systemd",
                   .policies = systemd_policies,
                   .policy_retries = false,
                   .enabled_key = true,
                   .enabled_default = false,
                   .boot_policies = {},
                   .boot_note = "",
                   .keys = systemd_keys,
                   .grace_period = s(90),
                   .waiting_state = "activating (auto-restart)",
                   .given_up_state = "failed",
                   .container = false,
                   .rollout = RolloutStrategy::recreate},
    SupervisorInfo{.kind = SupervisorKind::docker,
                   .name = "docker",
                   .tool = "Docker",
                   .node = "docker",
                   .policies = docker_policies,
                   .policy_retries = true,
                   .enabled_key = false,
                   .enabled_default = false,
                   .boot_policies = docker_boot,
                   .boot_note = R"(Docker starts a container on boot when its restart policy is "always" or )"
                                R"("unless-stopped")",
                   .keys = {},
                   .grace_period = s(10),
                   .waiting_state = "restarting",
                   .given_up_state = "exited",
                   .container = true,
                   .rollout = RolloutStrategy::recreate},
    SupervisorInfo{.kind = SupervisorKind::kubernetes,
                   .name = "kubernetes",
                   .tool = "Kubernetes",
                   .node = "kubernetes",
                   .policies = k8s_policies,
                   .policy_retries = false,
                   .enabled_key = false,
                   .enabled_default = true,
                   .boot_policies = k8s_boot,
                   .boot_note = "the kubelet starts pods again when the node boots",
                   .keys = k8s_keys,
                   .grace_period = s(30),
                   .waiting_state = "CrashLoopBackOff",
                   .given_up_state = "Error",
                   .container = true,
                   .rollout = RolloutStrategy::rolling},
    SupervisorInfo{.kind = SupervisorKind::supervisord,
                   .name = "supervisord",
                   .tool = "supervisord",
                   .node = "supervisord",
                   .policies = supervisord_policies,
                   .policy_retries = false,
                   .enabled_key = true,
                   .enabled_default = true,
                   .boot_policies = {},
                   .boot_note = "",
                   .keys = supervisord_keys,
                   .grace_period = s(10),
                   .waiting_state = "BACKOFF",
                   .given_up_state = "FATAL",
                   .container = false,
                   .rollout = RolloutStrategy::recreate},
};

static_assert(detail::rows_follow_enum(supervisor_table, &SupervisorInfo::kind), "rows follow the SupervisorKind enum");
constexpr auto kind_names = detail::row_names(supervisor_table);

}  // namespace

std::span<const SupervisorInfo> supervisors() { return supervisor_table; }
const SupervisorInfo& supervisor_info(SupervisorKind kind) { return detail::row_of(supervisor_table, kind); }
const SupervisorInfo* find_supervisor(std::string_view name) { return detail::row_named(supervisor_table, name); }
std::span<const std::string_view> supervisor_names() { return kind_names; }
const char* supervisor_kind_name(SupervisorKind kind) { return supervisor_info(kind).name.data(); }

}  // namespace deploysim
