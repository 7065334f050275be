// [[service]] and its supervisor: defaults and allowed policies depend on the supervisor kind.
#include <algorithm>
#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "lifecycle/versions.hpp"
#include "scenario/scenario_sections.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim::detail {

namespace {

bool valid_constraint(std::string_view text) {
  // The resolver's own reader, so that what loads is what resolves (`==0.45.*`, `~=0.45`).
  return text.find_first_not_of(" \t") != std::string_view::npos && parse_constraint(text).has_value();
}

void read_probe(TableReader& sup, std::string_view key, ProbeSpec& probe, bool success_must_be_one) {
  const toml::table* t = sup.table(key, R"({ period = "10s", timeout = "1s", failure_threshold = 3 })");
  if (!t) return;
  TableReader r(sup.ctx(), *t, sup.path() + "." + std::string(key), fmt::format("the {} probe", key));
  // Kubernetes probe defaults (domain-facts.md, "Restart supervisors", Kubernetes).
  probe.enabled = r.boolean("enabled").value_or(true);
  probe.period = r.positive_duration("period").value_or(probe.period);
  probe.timeout = r.positive_duration("timeout").value_or(probe.timeout);
  probe.failure_threshold =
      static_cast<int>(r.integer("failure_threshold", 1, 100, "failure_threshold = 3").value_or(3));
  probe.success_threshold =
      static_cast<int>(r.integer("success_threshold", 1, 100, "success_threshold = 1").value_or(1));
  if (success_must_be_one && probe.success_threshold != 1)
    r.fail("success_threshold", fmt::format("{} must be 1 for {} probes (Kubernetes rejects anything else)",
                                            r.name_of("success_threshold"), key));
  probe.initial_delay = r.duration("initial_delay", Time{}).value_or(probe.initial_delay);
  r.finish();
}

// The restart policy: one of the row's policies (its first is the tool's default); Docker's
// "on-failure:N" carries a retry limit.
void read_policy(TableReader& r, const SupervisorInfo& info, SupervisorSpec& sup) {
  sup.restart = std::string(info.policies.front());
  if (info.kind == SupervisorKind::kubernetes) {
    // A Kubernetes service is a Deployment (replicas, rolling updates): its pod template takes
    // restartPolicy Always only, and the API server refuses the others (Deployment docs, "Pod
    // Template"). OnFailure and Never are for Jobs and bare Pods.
    const toml::node* n = r.node("restart");
    if (const auto* str = n ? n->as_string() : nullptr; str && (str->get() == "OnFailure" || str->get() == "Never")) {
      r.fail(
          "restart",
          fmt::format("{}: a Kubernetes service runs as a Deployment, whose pods take restartPolicy \"Always\" only; "
                      "the API server refuses \"{}\", which is for Jobs and bare Pods (deploysim models neither)",
                      r.name_of("restart"), str->get()));
    }
  }
  if (!info.policy_retries) {
    if (auto v = r.choice("restart", info.policies)) sup.restart = std::string(info.policies[*v]);
    return;
  }
  const toml::node* n = r.node("restart");
  if (!n) return;
  const std::string text = n->is_string() ? n->as_string()->get() : "";
  int retries = 0;
  char tail = 0;
  if (std::find(info.policies.begin(), info.policies.end(), text) != info.policies.end()) {
    sup.restart = text;
  } else if (std::sscanf(text.c_str(), "on-failure:%d%c", &retries, &tail) == 1 && retries > 0) {
    sup.restart = "on-failure";
    sup.max_retries = retries;
  } else {
    const std::vector<std::string> policies(info.policies.begin(), info.policies.end());
    std::string listed;
    for (std::string_view p : info.policies)
      listed += fmt::format(R"({}"{}"{})", listed.empty() ? "" : ", ", p,
                            p == "on-failure" ? R"(, "on-failure:N" (N >= 1))" : "");
    r.fail("restart",
           fmt::format("{} must be {}{}, got {}{}", r.name_of("restart"), policies.size() == 1 ? "" : "one of ", listed,
                       describe(*n), did_you_mean(text, policies)));
  }
}

void read_supervisor(TableReader& r, SupervisorSpec& sup) {
  sup.kind = static_cast<SupervisorKind>(r.choice("kind", supervisor_names()).value_or(0));
  const SupervisorInfo& info = supervisor_info(sup.kind);
  if (sup.kind == SupervisorKind::none) {
    for (auto key : {"restart", "restart_sec", "enabled", "memory_limit", "grace_period"})
      r.reject(key, R"(kind = "none" means nothing restarts or starts the service; pick a kind first)");
  } else {
    read_policy(r, info, sup);
  }
  // Start on boot: the `enabled` key (systemctl enable; supervisord's own service), or the policy.
  if (info.enabled_key) {
    sup.enabled = r.boolean("enabled").value_or(info.enabled_default);
  } else if (!info.boot_policies.empty()) {
    r.reject("enabled", info.boot_note);
    const auto& boot = info.boot_policies;
    sup.enabled = info.enabled_default || std::find(boot.begin(), boot.end(), sup.restart) != boot.end();
  }
  // The keys of one tool: read here for that tool, refused for every other.
  switch (sup.kind) {
    case SupervisorKind::systemd: {
      // systemd.service(5) defaults (domain-facts.md, "Restart supervisors", systemd).
      sup.restart_sec = r.duration("restart_sec", Time{}).value_or(ms(100));
      sup.start_limit_interval = r.duration("start_limit_interval", Time{}).value_or(s(10));
      sup.start_limit_burst =
          static_cast<int>(r.integer("start_limit_burst", 0, 1000, "start_limit_burst = 5").value_or(5));
      sup.restart_steps = static_cast<int>(r.integer("restart_steps", 0, 1000, "restart_steps = 0").value_or(0));
      sup.restart_max_delay = r.positive_duration("restart_max_delay").value_or(Time::max());
      // OOMPolicy=, in systemd's spelling; `stop` is DefaultOOMPolicy= (systemd-system.conf(5)).
      sup.oom_policy = static_cast<OomPolicy>(r.choice("oom_policy", {"stop", "continue", "kill"}).value_or(0));
      if (sup.restart_steps > 0 && sup.restart_max_delay == Time::max())
        r.fail("restart_steps", "'restart_steps' needs 'restart_max_delay' (systemd grows the delay up to it)");
      break;
    }
    case SupervisorKind::kubernetes:
      read_probe(r, "liveness", sup.liveness, true);
      read_probe(r, "readiness", sup.readiness, false);
      read_probe(r, "startup", sup.startup, true);
      sup.pre_stop = r.duration("pre_stop", Time{}).value_or(Time{});
      sup.endpoints_delay = r.duration("endpoints_delay", Time{});
      sup.single_process_oom_kill = r.boolean("single_process_oom_kill").value_or(false);
      break;
    case SupervisorKind::supervisord:
      // supervisor/process.py defaults (domain-facts.md, supervisord).
      sup.startsecs = r.duration("startsecs", Time{}).value_or(s(1));
      sup.startretries = static_cast<int>(r.integer("startretries", 0, 100, "startretries = 3").value_or(3));
      break;
    default:
      break;  // a tool without keys of its own (its row's `keys` is empty)
  }
  for (const SupervisorInfo& other : supervisors())
    if (other.kind != sup.kind)
      for (std::string_view key : other.keys) r.reject(key, fmt::format("it is a {} setting", other.tool));
  if (sup.kind != SupervisorKind::none) sup.grace_period = r.duration("grace_period", Time{});
  if (info.container)
    sup.memory_limit = r.size("memory_limit", true);
  else if (sup.kind != SupervisorKind::none)
    r.reject("memory_limit", "it is a Docker/Kubernetes container setting");
  r.finish();
}

}  // namespace

ServiceSpec read_service(TableReader& r) {
  ServiceSpec svc;
  svc.pos = r.pos();
  svc.name = r.required_string("name", R"(name = "api")");
  if (svc.name.find('/') != std::string::npos)
    r.fail("name",
           fmt::format(R"({} must not contain '/' (faults address workers as "api/worker-2"))", r.name_of("name")));
  const bool one = r.has("host"), many = r.has("hosts");
  if (one && many)
    r.fail("hosts", "a [[service]] has either 'host' (one replica) or 'hosts' (one replica per host), not both");
  if (!one && !many)
    r.missing("host",
              R"([[service]] needs 'host' (e.g. host = "edge-1") or 'hosts' (e.g. hosts = ["app-1", "app-2"]))");
  if (one) svc.host = r.required_string("host", R"(host = "edge-1")");
  if (many) {
    svc.hosts = *r.strings("hosts", R"(hosts = ["app-1", "app-2"])");
    if (svc.hosts.empty()) r.fail("hosts", "'hosts' in [[service]] must name at least one [[host]]");
    svc.host = svc.hosts.front();
  }
  svc.server =
      static_cast<ServerPreset>(r.choice("server", {"uvicorn", "hypercorn", "daphne", "gunicorn"}).value_or(0));
  // Uvicorn's version: what its manager does when a worker dies (supervisor.cpp). Gunicorn's
  // arbiter, Hypercorn and Daphne do not follow it.
  if (svc.server == ServerPreset::uvicorn)
    svc.server_version = r.string("server_version", R"(server_version = "0.29.0")").value_or("");
  else
    r.reject("server_version", R"(it is Uvicorn's version, for server = "uvicorn" only)");
  svc.workers = static_cast<int>(r.integer("workers", 1, 1024, "workers = 4").value_or(svc.workers));
  svc.memory_per_worker = r.size("memory_per_worker", true).value_or(svc.memory_per_worker);
  svc.memory_growth_per_hour = r.size("memory_growth_per_hour", false).value_or(0);
  if (const toml::table* st = r.table("service_time", R"(service_time = { median = "20ms", p99 = "120ms" })")) {
    TableReader tr(r.ctx(), *st, r.path() + ".service_time", "service_time");
    svc.service_time.median = tr.positive_duration("median").value_or(svc.service_time.median);
    svc.service_time.p99 =
        tr.positive_duration("p99").value_or(std::max(svc.service_time.p99, svc.service_time.median));
    if (svc.service_time.p99 < svc.service_time.median)
      tr.fail("p99", fmt::format("'p99' in service_time must not be below the median ({}), got {}",
                                 format_time(svc.service_time.median), describe(*tr.node("p99"))));
    tr.finish();
  }
  svc.concurrency_limit =
      static_cast<int>(r.integer("concurrency_limit", 0, 1000000, "concurrency_limit = 100").value_or(0));
  svc.port = static_cast<int>(r.integer("port", 1, 65535, "port = 8000").value_or(0));
  if (const auto bind = r.choice("bind", {"127.0.0.1", "0.0.0.0"})) svc.bind = *bind == 0 ? "127.0.0.1" : "0.0.0.0";
  svc.proxy_headers = r.boolean("proxy_headers").value_or(server_reads_proxy_headers(svc));
  if (auto ips = r.strings("forwarded_allow_ips", R"(forwarded_allow_ips = ["127.0.0.1"])")) {
    for (const auto& ip : *ips)
      if (ip != "*" && !is_ipv4(ip) && !is_ipv6(ip))
        r.fail("forwarded_allow_ips",
               fmt::format(R"({} holds IP addresses or "*", got "{}")", r.name_of("forwarded_allow_ips"), ip));
    svc.forwarded_allow_ips = std::move(*ips);
  }
  svc.startup_time = r.duration("startup_time", Time{}).value_or(svc.startup_time);
  svc.crash_rate_per_hour = r.number("crash_rate_per_hour", 3600, "crash_rate_per_hour = 0.5").value_or(0);
  if (const toml::table* sup = r.table("supervisor", R"(supervisor = { kind = "systemd", restart = "on-failure" })")) {
    TableReader sr(r.ctx(), *sup, r.path() + ".supervisor", "supervisor");
    read_supervisor(sr, svc.supervisor);
  }
  for (const auto& [t, path] :
       r.tables("pre_start", R"(pre_start = [ { name = "migrate", mode = "once", duration = "4s" } ])")) {
    TableReader pr(r.ctx(), *t, path, "a pre_start step");
    PreStartSpec step;
    step.name = pr.required_string("name", R"(name = "migrate")");
    step.mode = static_cast<PreStartMode>(pr.choice("mode", {"once", "per-replica", "locked"}).value_or(0));
    step.duration = pr.duration("duration", Time{}).value_or(step.duration);
    pr.finish();
    svc.pre_start.push_back(std::move(step));
  }
  for (const auto& [t, path] :
       r.tables("dependencies", R"(dependencies = [ { package = "fastapi", constraint = "==0.45.0" } ])")) {
    TableReader dr(r.ctx(), *t, path, "a dependency");
    DependencySpec dep;
    dep.package = dr.required_string("package", R"(package = "fastapi")");
    dep.constraint = dr.required_string("constraint", R"(constraint = "==0.45.0")");
    if (!valid_constraint(dep.constraint))
      dr.fail("constraint",
              fmt::format(R"({} must be a pip-style constraint such as "==0.45.0" or ">=0.45.0,<0.46.0", got "{}")",
                          dr.name_of("constraint"), dep.constraint));
    dr.finish();
    svc.dependencies.push_back(std::move(dep));
  }
  svc.test_before_upgrade = r.boolean("test_before_upgrade").value_or(false);
  if (auto v = r.choice("rollout", {"recreate", "rolling"})) svc.rollout = static_cast<RolloutStrategy>(*v);
  const bool rolling = rollout_strategy(svc) == RolloutStrategy::rolling;
  const bool kubernetes = svc.supervisor.kind == SupervisorKind::kubernetes;
  // RollingUpdate defaults: maxUnavailable 25 % rounded down, maxSurge 25 % rounded up
  // (domain-facts.md, Kubernetes; Kubernetes docs "Deployments", Rolling Update Deployment).
  svc.max_unavailable_percent = static_cast<int>(
      r.integer("max_unavailable", 0, 100, "max_unavailable = 25").value_or(svc.max_unavailable_percent));
  svc.max_surge_percent =
      static_cast<int>(r.integer("max_surge", 0, 100, "max_surge = 25").value_or(svc.max_surge_percent));
  for (auto key : {"max_unavailable", "max_surge"})
    if (!rolling && r.has(key))
      r.fail(key,
             fmt::format(R"({} applies to rollout = "rolling" only (the default under Kubernetes))", r.name_of(key)));
  if (!kubernetes && r.has("max_surge"))
    r.fail("max_surge", fmt::format(R"({} needs supervisor kind = "kubernetes": only a scheduler starts extra pods)",
                                    r.name_of("max_surge")));
  if (rolling && kubernetes && svc.max_unavailable_percent == 0 && svc.max_surge_percent == 0)
    r.fail(r.has("max_surge") ? "max_surge" : "max_unavailable",
           "max_surge and max_unavailable cannot both be 0 (Kubernetes rejects it: the rollout could never move)");
  if (const auto t = r.positive_duration("timeout_graceful_shutdown")) {
    svc.timeout_graceful_shutdown = *t;
    if (svc.server != ServerPreset::uvicorn)
      r.fail("timeout_graceful_shutdown", fmt::format("{} is a Uvicorn option (--timeout-graceful-shutdown)",
                                                      r.name_of("timeout_graceful_shutdown")));
  }
  svc.too_early = r.boolean("too_early").value_or(svc.too_early);
  r.finish();
  return svc;
}

}  // namespace deploysim::detail
