// Replicas and their workers under a supervisor: start, ready, exit, back-off, give up; a
// server manager that respawns dead workers (or not); hangs and the liveness probe.
#include <algorithm>
#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "lifecycle/lifecycle_model.hpp"
#include "lifecycle/versions.hpp"

namespace deploysim::life {

namespace {

// Holds requests: leaving these states loses the requests it holds.
bool serving(ProcState s) { return s == ProcState::running || s == ProcState::hung || s == ProcState::stopping; }

// What one OOM kill does to the rest of a replica: systemd's OOMPolicy=; a Kubernetes container,
// whose cgroup the kubelet gives memory.oom.group on cgroup v2 since 1.28 (pull request 117793)
// unless singleProcessOOMKill is set, loses every process; elsewhere the manager decides.
OomPolicy oom_effect(SupervisorKind kind, const SupervisorSpec& spec) {
  if (kind == SupervisorKind::systemd) return spec.oom_policy;
  if (kind == SupervisorKind::kubernetes && !spec.single_process_oom_kill) return OomPolicy::kill_all;
  return OomPolicy::keep;
}

}  // namespace

void LifeModel::set_worker_state(ProcId p, ProcState s, RecordId cause, bool socket_kept) {
  Process& proc = w.processes[raw(p)];
  const ProcState old = proc.state;
  const bool was_listening = proc.listening;
  proc.state = s;
  // A stopping worker (SIGTERM) has closed the listening socket and only finishes what it holds.
  proc.listening = (serving(s) && s != ProcState::stopping) || socket_kept;
  const bool holds = s == ProcState::starting || serving(s);
  if (workers[raw(p)].alive != holds) {
    workers[raw(p)].alive = holds;
    if (holds) {
      workers[raw(p)].spawned = w.engine.now();
      workers[raw(p)].base_rss = sc.services[proc.service].memory_per_worker;
    }
    proc.rss = holds ? workers[raw(p)].base_rss : 0;
    memory_changed(proc.host);
  }
  // A dead worker whose manager exits closes the socket too: what waited in its backlog is lost.
  if ((serving(old) && !serving(s)) || (was_listening && !proc.listening && !serving(s)))
    for (auto& f : w.on_process_down) f(p, cause);
  if (s == ProcState::stopping && old != ProcState::stopping)
    for (auto& f : w.on_process_stopping) f(p);
  if (s == ProcState::running && old != ProcState::running)
    for (auto& f : w.on_process_up) f(p, cause);
}

void LifeModel::add_backoff_time(Unit& unit) {
  if (unit.state != UnitState::backing_off) return;
  w.metrics.time_in_backoff += w.engine.now() - unit.waiting_since;
  backoff_spans.emplace_back(unit.waiting_since, w.engine.now());
}

void LifeModel::count_restart() {
  ++w.metrics.restarts;
  restart_times.push_back(w.engine.now());
}

void LifeModel::start_unit(uint32_t u, RecordId cause, bool deploy, bool created) {
  Unit& unit = units[u];
  if (!w.hosts[unit.host].up) return;
  const Time now = w.engine.now();
  const bool restart = unit.state == UnitState::backing_off;
  add_backoff_time(unit);
  if (deploy) unit.sup.reset_for_deploy();
  ++unit.gen;
  w.engine.cancel(unit.pending);
  if (!unit.sup.on_start(now)) {
    // systemd: more than StartLimitBurst starts within StartLimitIntervalSec.
    unit.state = UnitState::failed;
    for (ProcId p : unit.workers) set_worker_state(p, ProcState::failed, cause);
    unit.last = emit(
        {.t = now,
         .kind = kinds::supervisor_give_up,
         .stage = Stage::supervisor,
         .actor = unit.supervisor_node,
         .proc = unit.workers.front(),
         .cause = cause,
         .narration = deploy ? kinds::supervisor_give_up_start_limit_deploy : kinds::supervisor_give_up_start_limit,
         .state = ProcState::failed},
        {{"unit", unit.name},
         {"supervisor", supervisor_kind_name(unit.sup.kind())},
         {"state", unit.sup.given_up_state()},
         {"reason", "start-limit-hit"},
         {"burst", sc.services[unit.service].supervisor.start_limit_burst},
         {"interval", sc.services[unit.service].supervisor.start_limit_interval}});
    return;
  }
  if (restart) count_restart();
  unit.started = now;
  unit.hung = false;
  unit.state = UnitState::starting;
  unit.last = emit({.t = now,
                    .kind = restart ? kinds::supervisor_restart : kinds::process_start,
                    .stage = restart ? Stage::supervisor : Stage::process,
                    .actor = restart ? unit.supervisor_node : unit.node,
                    .proc = unit.workers.front(),
                    .cause = cause,
                    .narration = created  ? kinds::process_start_created
                                 : deploy ? kinds::process_start_deploy
                                          : std::string_view{},
                    .state = ProcState::starting},
                   {{"unit", unit.name},
                    {"supervisor", supervisor_kind_name(unit.sup.kind())},
                    {"restarts", unit.sup.restarts()},
                    {"workers", unit.workers.size()},
                    {"created", created}});
  run_pre_start(u, unit.last);
}

void LifeModel::begin_exec(uint32_t u, RecordId cause) {
  Unit& unit = units[u];
  const ServiceSpec& svc = sc.services[unit.service];
  unit.state = UnitState::starting;
  for (ProcId p : unit.workers) set_worker_state(p, ProcState::starting, cause);
  const uint32_t gen = unit.gen;
  unit.exec_at = w.engine.now();
  if (unit.bad_build) {
    // Simplified for a Uvicorn with --workers: only 0.47 to 0.49 import the app in the manager,
    // which exits as modelled; the others import it in each worker, which fails again and again
    // while the manager keeps the socket (uvicorn/main.py, supervisors/multiprocess.py). The
    // narration says so.
    const auto v = parse_version(svc.server_version);
    const bool manager_imports = v && *v >= Version{0, 47, 0} && *v < Version{0, 50, 0};
    const std::string_view narration = svc.server == ServerPreset::uvicorn && svc.workers > 1 && !manager_imports
                                           ? kinds::process_exit_bad_build_workers
                                           : std::string_view{};
    unit.pending = w.engine.schedule(svc.startup_time, [m = this, u, gen, narration] {
      Unit& un = m->units[u];
      if (un.gen != gen) return;
      m->unit_exit(u, ExitStatus::exited(un.bad_build_exit), un.bad_build_reason, un.last, narration);
    });
  }
  if (unit.sup.kind() == SupervisorKind::kubernetes) return plan_probes(u);
  if (!unit.bad_build)
    unit.pending = w.engine.schedule(svc.startup_time, [m = this, u, gen] { m->unit_ready(u, gen); });
}

void LifeModel::unit_ready(uint32_t u, uint32_t gen, std::optional<Time> listened) {
  Unit& unit = units[u];
  if (unit.gen != gen) return;
  unit.state = UnitState::up;
  const Time now = w.engine.now();
  const std::string& version = w.processes[raw(unit.workers.front())].version;
  const std::string_view narration =
      listened ? (version.empty() ? kinds::process_ready_readiness_unversioned : kinds::process_ready_readiness)
      : version.empty() ? kinds::process_ready_unversioned
                        : std::string_view{};
  const FieldArg fields[] = {{"unit", unit.name},
                             {"workers", unit.workers.size()},
                             {"startup", now - unit.started},
                             {"version", version},
                             {"listening", listened.value_or(Time{})}};
  unit.last = emit_fields({.t = now,
                           .kind = kinds::process_ready,
                           .stage = Stage::process,
                           .actor = unit.node,
                           .proc = unit.workers.front(),
                           .cause = unit.last,
                           .narration = narration,
                           .state = ProcState::running},
                          std::span<const FieldArg>(fields, listened ? 5 : 4));
  const bool kubernetes = unit.sup.kind() == SupervisorKind::kubernetes;
  for (ProcId p : unit.workers) {
    if (!kubernetes) w.processes[raw(p)].ready = true;
    set_worker_state(p, ProcState::running, unit.last);
    schedule_random_crash(p);
  }
  if (kubernetes) set_endpoints(u, true, unit.last, "ready");
  if (services[unit.service].rolling) {
    if (unit.revision == services[unit.service].revision) progressed(unit.service);
    reconcile(unit.service, unit.last);
  }
}

void LifeModel::stop_unit(uint32_t u, RecordId cause, UnitState to) {
  Unit& unit = units[u];
  if (unit.state == UnitState::absent) return;
  add_backoff_time(unit);
  ++unit.gen;
  w.engine.cancel(unit.pending);
  release_lock(u, cause);
  // A pod that was being deleted is gone for good.
  if (unit.state == UnitState::stopping && unit.after == AfterStop::remove) to = UnitState::absent;
  if (to == UnitState::absent) unit.vacated = w.engine.now();
  unit.state = to;
  unit.hung = false;
  for (ProcId p : unit.workers) set_worker_state(p, ProcState::stopped, cause);
  if (unit.sup.kind() == SupervisorKind::kubernetes) set_endpoints(u, false, cause, "gone");
}

void LifeModel::unit_exit(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause,
                          std::string_view narration) {
  Unit& unit = units[u];
  if (unit.state == UnitState::stopping) return finish_stop(u, st, reason, cause);
  if (unit.state != UnitState::up && unit.state != UnitState::starting && unit.state != UnitState::pre_start) return;
  const RecordId exit_rec = record_exit(u, st, reason, cause, narration);
  supervise_exit(u, st, exit_rec);
  if (services[unit.service].rolling) reconcile(unit.service, exit_rec);
}

RecordId LifeModel::record_exit(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause,
                                std::string_view narration) {
  Unit& unit = units[u];
  const Time now = w.engine.now();
  ++unit.gen;
  w.engine.cancel(unit.pending);
  unit.hung = false;
  release_lock(u, cause);
  const ProcState dead = st.clean() && !st.oom_killed ? ProcState::exited : ProcState::crashed;
  if (narration.empty())
    narration =
        st.oom_killed ? kinds::process_exit_oom : (st.signal ? kinds::process_exit_signal : kinds::process_exit);
  const RecordId exit_rec = emit({.t = now,
                                  .kind = kinds::process_exit,
                                  .stage = Stage::process,
                                  .actor = unit.node,
                                  .proc = unit.workers.front(),
                                  .cause = cause,
                                  .narration = narration,
                                  .state = exit_state(st.code, st.signal)},
                                 {{"unit", unit.name},
                                  {"code", st.code},
                                  {"signal", st.signal},
                                  {"reason", reason},
                                  {"uptime", now - unit.started}});
  for (ProcId p : unit.workers) set_worker_state(p, dead, exit_rec);
  if (unit.sup.kind() == SupervisorKind::kubernetes) set_endpoints(u, false, exit_rec, "exited");
  return exit_rec;
}

void LifeModel::supervise_exit(uint32_t u, const ExitStatus& st, RecordId exit_rec) {
  Unit& unit = units[u];
  const Time now = w.engine.now();
  const RestartDecision d = unit.sup.on_exit(unit.started, now, st);
  const char* tool = supervisor_kind_name(unit.sup.kind());
  const ServiceSpec& svc = sc.services[unit.service];
  if (d.action == SupervisorAction::restart) {
    unit.state = UnitState::backing_off;
    unit.waiting_since = now;
    for (ProcId p : unit.workers) {
      set_worker_state(p, ProcState::backing_off, exit_rec);
      w.processes[raw(p)].next_restart = now + d.delay;
      ++w.processes[raw(p)].restarts;
    }
    unit.last = emit({.t = now,
                      .kind = kinds::supervisor_restart_scheduled,
                      .stage = Stage::supervisor,
                      .actor = unit.supervisor_node,
                      .proc = unit.workers.front(),
                      .cause = exit_rec,
                      .narration = registered(fmt::format("supervisor.restart_scheduled.{}", d.reason)),
                      .state = ProcState::backing_off},
                     {{"unit", unit.name},
                      {"supervisor", tool},
                      {"policy", unit.sup.policy()},
                      {"delay", d.delay},
                      {"state", d.back_off ? unit.sup.waiting_state() : "auto-restart"},
                      {"restarts", unit.sup.restarts()}});
    const uint32_t gen = unit.gen;
    unit.pending = w.engine.schedule(d.delay, [m = this, u, gen] {
      if (m->units[u].gen == gen) m->start_unit(u, m->units[u].last, false);
    });
    return;
  }
  unit.state = d.action == SupervisorAction::give_up ? UnitState::failed : UnitState::down;
  if (d.action == SupervisorAction::give_up)
    for (ProcId p : unit.workers) set_worker_state(p, ProcState::failed, exit_rec);
  const bool give_up = d.action == SupervisorAction::give_up;
  // startretries is supervisord's, and says why it gave up (FATAL).
  const FieldArg fields[] = {{"unit", unit.name},
                             {"supervisor", tool},
                             {"policy", unit.sup.policy()},
                             {"state", give_up ? unit.sup.given_up_state() : unit.sup.stopped_state(st)},
                             {"restarts", unit.sup.restarts()},
                             {"startretries", svc.supervisor.startretries}};
  const bool retries = give_up && svc.supervisor.kind == SupervisorKind::supervisord;
  unit.last = emit_fields(
      {.t = now,
       .kind = d.action == SupervisorAction::give_up ? kinds::supervisor_give_up : kinds::supervisor_no_restart,
       .stage = Stage::supervisor,
       .actor = unit.supervisor_node,
       .proc = unit.workers.front(),
       .cause = exit_rec,
       .narration = registered(fmt::format(
           "{}.{}", d.action == SupervisorAction::give_up ? kinds::supervisor_give_up : kinds::supervisor_no_restart,
           svc.supervisor.kind == SupervisorKind::none ? "unsupervised" : d.reason)),
       .state = d.action == SupervisorAction::give_up ? ProcState::failed : ProcState::stopped},
      std::span<const FieldArg>(fields, retries ? 6 : 5));
}

void LifeModel::worker_exit(ProcId p, const ExitStatus& st, std::string_view reason, RecordId cause) {
  WorkerLife& wl = workers[raw(p)];
  Unit& unit = units[wl.unit];
  const ServiceSpec& svc = sc.services[unit.service];
  // One process is the whole service, except under Gunicorn, whose arbiter outlives its worker
  // and spawns another even when there is only one.
  if (unit.workers.size() == 1 && svc.server != ServerPreset::gunicorn) return unit_exit(wl.unit, st, reason, cause);
  Process& proc = w.processes[raw(p)];
  if (!serving(proc.state) && proc.state != ProcState::starting) return;
  const Time now = w.engine.now();
  ++wl.gen;
  // Hypercorn's main process answers a worker's non-zero exit by stopping every worker and
  // exiting with that code (src/hypercorn/run.py: shutdown_event.set()).
  const bool all_go = svc.server == ServerPreset::hypercorn && !(st.code == 0 && st.signal == 0);
  const RecordId rec = emit({.t = now,
                             .kind = kinds::process_worker_exit,
                             .stage = Stage::process,
                             .actor = proc.node,
                             .proc = p,
                             .cause = cause,
                             .narration = all_go                     ? kinds::process_worker_exit_all
                                          : unit.workers.size() == 1 ? kinds::process_worker_exit_arbiter
                                          : st.oom_killed            ? kinds::process_worker_exit_oom
                                                                     : kinds::process_worker_exit,
                             .state = exit_state(st.code, st.signal)},
                            {{"worker", proc.name}, {"code", st.code}, {"signal", st.signal}, {"reason", reason}});
  if (all_go) return unit_exit(wl.unit, st, reason, rec);
  // The manager keeps the listening socket it bound before spawning the workers (Uvicorn's
  // Multiprocess supervisor): the kernel still accepts connections for the dead worker.
  set_worker_state(p, ProcState::crashed, rec, manager_keeps_socket(svc.server));
  // One kill that ends more than this worker: systemd sees it in the unit's cgroup (memory.events
  // oom_kill) and applies OOMPolicy=; a Kubernetes container's cgroup has memory.oom.group.
  if (const OomPolicy effect = oom_effect(unit.sup.kind(), svc.supervisor); st.oom_killed && effect != OomPolicy::keep)
    return apply_oom_policy(wl.unit, effect, rec);
  uint32_t left = 0;
  for (ProcId q : unit.workers) left += w.processes[raw(q)].state == ProcState::running ? 1 : 0;
  if (manager_respawns_workers(svc.server, svc.server_version)) {
    const Time delay = manager_respawn_delay(svc.server);
    unit.last = emit({.t = now,
                      .kind = kinds::server_respawn_scheduled,
                      .stage = Stage::process,
                      .actor = unit.node,
                      .proc = p,
                      .cause = rec,
                      .narration = delay == Time{} ? kinds::server_respawn_scheduled_at_once : std::string_view{},
                      .state = ProcState::backing_off},
                     {{"worker", proc.name}, {"delay", delay}, {"left", left}, {"server_version", svc.server_version}});
    const uint32_t gen = wl.gen;
    w.engine.schedule(delay, [m = this, p, gen] { m->worker_respawn(p, gen); });
  } else {
    unit.last = emit({.t = now,
                      .kind = kinds::server_worker_lost,
                      .stage = Stage::process,
                      .actor = unit.node,
                      .proc = p,
                      .cause = rec,
                      .state = ProcState::crashed},
                     {{"worker", proc.name},
                      {"left", left},
                      {"workers", unit.workers.size()},
                      {"server_version", svc.server_version}});
  }
}

void LifeModel::apply_oom_policy(uint32_t u, OomPolicy effect, RecordId cause) {
  Unit& unit = units[u];
  const bool kubernetes = unit.sup.kind() == SupervisorKind::kubernetes;
  const bool kill_all = effect == OomPolicy::kill_all;
  unit.last = emit({.t = w.engine.now(),
                    .kind = kinds::supervisor_oom_policy,
                    .stage = Stage::supervisor,
                    .actor = unit.supervisor_node,
                    .proc = unit.workers.front(),
                    .cause = cause,
                    .narration = kubernetes ? kinds::supervisor_oom_policy_group
                                 : kill_all ? kinds::supervisor_oom_policy_kill
                                            : kinds::supervisor_oom_policy_stop,
                    .reports_failure = true},
                   {{"unit", unit.name},
                    {"supervisor", supervisor_kind_name(unit.sup.kind())},
                    {"policy", kubernetes ? "oom.group"
                               : kill_all ? "kill"
                                          : "stop"}});
  if (kill_all) {
    // memory.oom.group: the kernel kills the rest of the unit's processes with the victim.
    ExitStatus st = ExitStatus::killed(sig_kill);
    st.oom_killed = true;
    return unit_exit(u, st,
                     kubernetes ? "OOMKilled: memory.oom.group, every process of the container"
                                : "OOMPolicy=kill: the kernel killed every process of the unit",
                     unit.last);
  }
  unit.oom_result = true;
  terminate(u, unit.last, "OOMPolicy=stop", AfterStop::restart);
}

void LifeModel::worker_respawn(ProcId p, uint32_t gen) {
  WorkerLife& wl = workers[raw(p)];
  Unit& unit = units[wl.unit];
  if (wl.gen != gen || unit.state != UnitState::up) return;
  ++wl.gen;
  const RecordId rec = emit({.t = w.engine.now(),
                             .kind = kinds::server_respawn,
                             .stage = Stage::process,
                             .actor = unit.node,
                             .proc = p,
                             .cause = unit.last,
                             .state = ProcState::starting},
                            {{"worker", w.processes[raw(p)].name}});
  set_worker_state(p, ProcState::starting, rec, manager_keeps_socket(sc.services[unit.service].server));
  ++w.processes[raw(p)].restarts;
  count_restart();
  const uint32_t g2 = wl.gen;
  w.engine.schedule(sc.services[unit.service].startup_time, [m = this, p, g2, rec] {
    if (m->workers[raw(p)].gen != g2) return;
    if (m->units[m->workers[raw(p)].unit].state != UnitState::up) return;
    m->set_worker_state(p, ProcState::running, rec);
    m->schedule_random_crash(p);
  });
}

void LifeModel::hang(uint32_t u, RecordId cause) {
  Unit& unit = units[u];
  if (unit.state != UnitState::up) return;
  unit.hung = true;
  ++unit.hang_seq;
  const Time now = w.engine.now();
  unit.last =
      emit({.t = now,
            .kind = kinds::process_hang,
            .stage = Stage::process,
            .actor = unit.node,
            .proc = unit.workers.front(),
            .cause = cause,
            .narration = sc.services[unit.service].server == ServerPreset::gunicorn ? kinds::process_hang_gunicorn
                                                                                    : std::string_view{},
            .state = ProcState::hung},
           {{"unit", unit.name}, {"liveness", sc.services[unit.service].supervisor.liveness.enabled}});
  for (ProcId p : unit.workers)
    if (w.processes[raw(p)].state == ProcState::running) set_worker_state(p, ProcState::hung, unit.last);
  schedule_hang_probes(u, now, false);
  schedule_hang_probes(u, now, true);
}

}  // namespace deploysim::life
