// Faults: scheduled ([[fault]]) and random (crash_rate_per_hour) crashes, crash-on-start (a bad
// deploy), hangs, OOM kills, host reboots, DNS outages, a blocked port 80 and clock skew.
#include <fmt/format.h>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

const char* fault_name(FaultKind k) {
  switch (k) {
    case FaultKind::crash:
      return "crash";
    case FaultKind::crash_on_start:
      return "crash-on-start";
    case FaultKind::hang:
      return "hang";
    case FaultKind::oom:
      return "oom";
    case FaultKind::reboot:
      return "reboot";
    case FaultKind::dns_outage:
      return "dns-outage";
    case FaultKind::block_port_80:
      return "block-port-80";
    case FaultKind::clock_skew:
      return "clock-skew";
    case FaultKind::redeploy:
      return "redeploy";
  }
  return "fault";
}

// A reboot without a duration: about a minute from shutdown to the services' start (a typical
// cloud VM; the scenario's `duration` overrides it).
constexpr Time default_reboot = s(60);

struct Targets {
  std::vector<uint32_t> units;
  ProcId worker = ProcId::none;
  uint32_t host = UINT32_MAX;
  uint32_t service = UINT32_MAX;
};

// The node a fault names. A service ("api"), or a worker the run does not have ("api/worker-3"
// after a workers slider lowered `workers`), stands on the canvas as a worker on the host of
// its replica (World's names: "api" is replica 1, "api-2" replica 2, on hosts[r % hosts]).
NodeId target_node(World& w, const std::string& target) {
  const std::string_view unit = std::string_view(target).substr(0, target.find('/'));
  for (const ServiceSpec& svc : w.scenario.services) {
    const std::vector<std::string> one{svc.host};
    const std::vector<std::string>& hosts = svc.hosts.empty() ? one : svc.hosts;
    for (size_t r = 0; r < 2 * hosts.size(); ++r) {
      if (unit != (r == 0 ? svc.name : fmt::format("{}-{}", svc.name, r + 1))) continue;
      int32_t index = -1;
      for (size_t h = 0; h < w.scenario.hosts.size(); ++h)
        if (w.scenario.hosts[h].name == hosts[r % hosts.size()]) index = static_cast<int32_t>(h);
      return w.trace.node(target, NodeRole::worker, index);
    }
  }
  return w.trace.node(target);
}

}  // namespace

void LifeModel::install_faults() {
  for (uint32_t f = 0; f < sc.faults.size(); ++f) {
    const Time at = std::max(sc.faults[f].at, Time{});
    w.engine.schedule_at(at, [m = this, f] { m->apply_fault(f); });
    if (sc.faults[f].duration > Time{})
      w.engine.schedule_at(at + sc.faults[f].duration, [m = this, f] { m->end_fault(f); });
  }
  for (const Process& p : w.processes) schedule_random_crash(p.id);
}

void LifeModel::apply_fault(uint32_t f) {
  const FaultSpec& fs = sc.faults[f];
  Targets t;
  for (uint32_t u = 0; u < units.size(); ++u)
    if (units[u].name == fs.target || sc.services[units[u].service].name == fs.target) {
      t.units.push_back(u);
      t.service = units[u].service;
    }
  for (const Process& p : w.processes)
    if (p.name == fs.target) t.worker = p.id;
  for (uint32_t h = 0; h < w.hosts.size(); ++h)
    if (w.hosts[h].name == fs.target) t.host = h;
  const Time now = w.engine.now();
  const bool global = fs.kind == FaultKind::dns_outage || fs.kind == FaultKind::block_port_80 ||
                      fs.kind == FaultKind::clock_skew || (sc.proxy && fs.target == sc.proxy->name);
  if (t.units.empty() && t.worker == ProcId::none && t.host == UINT32_MAX && !global) {
    // E.g. a workers slider lowered `workers` below the fault's worker number.
    emit({.t = now,
          .kind = kinds::fault_target_missing,
          .stage = Stage::fault,
          .actor = target_node(w, fs.target),
          .reports_failure = true},
         {{"target", fs.target}, {"fault", fault_name(fs.kind)}});
    return;
  }
  // A redeploy is the deploy pipeline's act, so its node (as the deploy's other records) is the actor.
  const bool proxy_target = sc.proxy && fs.target == sc.proxy->name;
  const NodeId actor = fs.kind == FaultKind::redeploy && t.service != UINT32_MAX
                           ? w.trace.node(fmt::format("deploy/{}", sc.services[t.service].name))
                           : target_node(w, fs.target);
  const RecordId rec =
      emit({.t = now,
            .kind = registered(fmt::format("fault.{}", fault_name(fs.kind))),
            .stage = Stage::fault,
            .actor = actor,
            // A fault without a duration lasts for good: no "fails for 0 s".
            .narration = fs.kind == FaultKind::redeploy && proxy_target ? kinds::fault_redeploy_proxy
                         : fs.kind == FaultKind::crash_on_start && fs.duration == Time{}
                             ? kinds::fault_crash_on_start_for_good
                         : fs.kind == FaultKind::dns_outage && fs.duration == Time{} ? kinds::fault_dns_outage_for_good
                         : fs.kind == FaultKind::hang && t.worker != ProcId::none &&
                                 units[workers[raw(t.worker)].unit].workers.size() > 1
                             ? kinds::fault_hang_worker
                             : "",
            .reports_failure = true},
           {{"target", fs.target}, {"code", fs.exit_code}, {"duration", fs.duration}});
  const ExitStatus crash =
      fs.exit_code > 128 ? ExitStatus::killed(fs.exit_code - 128) : ExitStatus::exited(fs.exit_code);
  switch (fs.kind) {
    case FaultKind::crash:
      if (t.worker != ProcId::none) worker_exit(t.worker, crash, "crash (fault)", rec);
      for (uint32_t u : t.units) unit_exit(u, crash, "crash (fault)", rec);
      if (sc.proxy && fs.target == sc.proxy->name && fs.duration == Time{}) {
        w.proxy_up = false;
        ++w.proxy_restarts;
        // The proxy's own supervisor brings it back about a second later (RestartSec=100ms plus
        // its start-up). A restart keeps the container's files; it reads the certificates on disk.
        w.engine.schedule(s(1), [m = this, rec] {
          if (m->w.proxy_up) return;
          m->w.proxy_up = true;
          m->reload_proxy(m->proxy_back(rec, kinds::proxy_restarted));
        });
      }
      break;
    case FaultKind::crash_on_start:
      for (uint32_t u : t.units) {
        units[u].bad_build = true;
        units[u].bad_build_exit = fs.exit_code;
        units[u].bad_build_reason = "the app fails at start";
      }
      if (t.service != UINT32_MAX) rollout(t.service, rec);
      break;
    case FaultKind::hang:
      if (t.worker != ProcId::none && w.processes[raw(t.worker)].state == ProcState::running) {
        if (units[workers[raw(t.worker)].unit].workers.size() == 1)
          hang(workers[raw(t.worker)].unit, rec);
        else
          set_worker_state(t.worker, ProcState::hung, rec);
      }
      for (uint32_t u : t.units) hang(u, rec);
      break;
    case FaultKind::oom: {
      ExitStatus st = ExitStatus::killed(sig_kill);
      st.oom_killed = true;
      if (t.worker != ProcId::none) worker_exit(t.worker, st, "Out of memory: Killed process", rec);
      for (uint32_t u : t.units) worker_exit(units[u].workers.front(), st, "Out of memory: Killed process", rec);
      break;
    }
    case FaultKind::reboot:
      if (t.host != UINT32_MAX) reboot(t.host, fs.duration > Time{} ? fs.duration : default_reboot, rec);
      break;
    case FaultKind::dns_outage:
      w.resolver_up = false;
      break;
    case FaultKind::block_port_80:
      w.port80_blocked = true;
      break;
    case FaultKind::clock_skew:
      w.clock_skew = fs.skew;
      break;
    case FaultKind::redeploy:
      if (t.service != UINT32_MAX) redeploy(t.service, rec);
      if (sc.proxy && fs.target == sc.proxy->name) recreate_proxy(rec);
      break;
  }
}

RecordId LifeModel::proxy_back(RecordId cause, std::string_view narration) {
  // The proxy's own supervisor is not modelled as the services' are: it is back after a fixed
  // second (docs/scenario-format.md, faults), said in the trace so that the gap is visible.
  return emit({.t = w.engine.now(),
               .kind = kinds::proxy_restarted,
               .stage = Stage::supervisor,
               .actor = w.proxy_node,
               .cause = cause,
               .narration = narration},
              {{"proxy", sc.proxy ? sc.proxy->name : std::string()}, {"restarts", w.proxy_restarts}});
}

void LifeModel::end_fault(uint32_t f) {
  const FaultSpec& fs = sc.faults[f];
  const RecordId rec = emit({.t = w.engine.now(),
                             .kind = registered(fmt::format("fault.{}.end", fault_name(fs.kind))),
                             .stage = Stage::fault,
                             .actor = target_node(w, fs.target),
                             .reports_failure = true},
                            {{"target", fs.target}});
  switch (fs.kind) {
    case FaultKind::dns_outage:
      w.resolver_up = true;
      break;
    case FaultKind::block_port_80:
      w.port80_blocked = false;
      break;
    case FaultKind::clock_skew:
      w.clock_skew = Time{};
      break;
    case FaultKind::crash:
      if (sc.proxy && fs.target == sc.proxy->name && !w.proxy_up) {
        w.proxy_up = true;
        reload_proxy(proxy_back(rec, kinds::proxy_restarted));
      }
      break;
    case FaultKind::hang:
      for (uint32_t u = 0; u < units.size(); ++u)
        if (units[u].name == fs.target || sc.services[units[u].service].name == fs.target) unhang(u, rec);
      for (const Process& p : w.processes)
        if (p.name == fs.target && p.state == ProcState::hung) {
          units[workers[raw(p.id)].unit].hung = false;
          set_worker_state(p.id, ProcState::running, rec);
        }
      break;
    case FaultKind::crash_on_start:
      // What made starts fail is gone (the database is reachable again): the next start works.
      // Units that already gave up stay failed until something starts them again.
      for (Unit& unit : units)
        if (unit.name == fs.target || sc.services[unit.service].name == fs.target) unit.bad_build = false;
      break;
    case FaultKind::oom:
    case FaultKind::reboot:
    case FaultKind::redeploy:
      break;
  }
}

void LifeModel::schedule_random_crash(ProcId p) {
  const ServiceSpec& svc = sc.services[w.processes[raw(p)].service];
  if (svc.crash_rate_per_hour <= 0) return;
  WorkerLife& wl = workers[raw(p)];
  const uint32_t token = ++wl.crash_token;
  const double mean_ns = 3600e9 / svc.crash_rate_per_hour;
  const auto delay = static_cast<int64_t>(wl.rng.exponential(mean_ns));
  w.engine.schedule(ns(std::max<int64_t>(delay, 1)), [m = this, p, token] {
    if (m->workers[raw(p)].crash_token == token) m->random_crash(p);
  });
}

void LifeModel::random_crash(ProcId p) {
  if (w.processes[raw(p)].state != ProcState::running) return;
  const RecordId rec = emit(
      {.t = w.engine.now(),
       .kind = kinds::fault_random_crash,
       .stage = Stage::fault,
       .actor = w.processes[raw(p)].node,
       .proc = p,
       .state = ProcState::crashed,
       .reports_failure = true},
      {{"worker", w.processes[raw(p)].name},
       {"rate_per_hour", static_cast<int64_t>(sc.services[w.processes[raw(p)].service].crash_rate_per_hour * 1000)}});
  worker_exit(p, ExitStatus::exited(1), "unhandled exception (random crash)", rec);
}

}  // namespace deploysim::life
