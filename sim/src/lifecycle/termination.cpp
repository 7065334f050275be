// Stopping a unit the way the tools do: an optional Kubernetes preStop hook, SIGTERM, then SIGKILL
// once the grace period is over (terminationGracePeriodSeconds, TimeoutStopSec, docker stop -t,
// stopwaitsecs; see stop_grace_period). What the app does with SIGTERM decides the exit:
// - serving: Uvicorn closes its listening sockets, lets the requests it holds finish and exits
//   (uvicorn/server.py shutdown: a 0.1 s pause, then it polls its connections every 0.1 s;
//   --timeout-graceful-shutdown cancels what is left after that long);
// - still in its start-up (lifespan): the handler only sets should_exit; Uvicorn finishes the
//   start-up, sees it and returns (server.py _serve) - a bad build crashes there instead;
// - hung: the event loop never gets to the flag, so only SIGKILL ends it (exit 137);
// - under Gunicorn the arbiter, never the hung process, takes SIGTERM, passes it on to its workers,
//   waits graceful_timeout (30 s) and SIGKILLs those left, then exits 0 (gunicorn/arbiter.py
//   stop and halt; docs "Settings", graceful_timeout).
// A Kubernetes pod leaves the Service's endpoints when its termination starts; the change reaches
// the proxy after endpoints_delay, which is why rolling updates want a preStop pause.
#include <fmt/format.h>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

// Uvicorn's shutdown pauses 0.1 s, then checks its connections every 0.1 s (uvicorn/server.py).
constexpr Time shutdown_poll = ms(100);

const char* app_state(const Unit& unit) {
  if (unit.was_hung) return "hung";
  return unit.stopped_from == UnitState::up ? "serving" : "starting";
}

// The narration's variant: a hung Gunicorn worker leaves its arbiter to act on SIGTERM.
std::string narration_state(const Unit& unit, const ServiceSpec& svc) {
  std::string state = app_state(unit);
  if (unit.was_hung && svc.server == ServerPreset::gunicorn) state += ".gunicorn";
  return state;
}

// Gunicorn's graceful_timeout default (docs "Settings"; domain-facts.md "App servers").
constexpr Time gunicorn_graceful_timeout = s(30);

const char* after_name(AfterStop a) {
  switch (a) {
    case AfterStop::restart:
      return "restart";
    case AfterStop::start:
      return "start";
    case AfterStop::remove:
      return "remove";
    case AfterStop::recreate:
      return "recreate";
  }
  return "restart";
}

}  // namespace

void LifeModel::terminate(uint32_t u, RecordId cause, std::string_view reason, AfterStop after) {
  Unit& unit = units[u];
  const SupervisorSpec& spec = sc.services[unit.service].supervisor;
  const Time now = w.engine.now();
  if (unit.state == UnitState::stopping) {
    if (after == AfterStop::remove) unit.after = after;  // a pod being deleted stays deleted
    return;
  }
  const bool running = unit.state == UnitState::up || unit.state == UnitState::starting;
  const Time grace = stop_grace_period(spec);
  const Time pre_stop = spec.kind == SupervisorKind::kubernetes ? spec.pre_stop : Time{};
  if (!running) {
    // Nothing of the app runs (waiting to restart, given up, in a pre-start step, gone with its
    // host): the unit stops at once.
    if (unit.state == UnitState::absent) return;
    unit.last = emit({.t = now,
                      .kind = kinds::process_terminate,
                      .stage = Stage::supervisor,
                      .actor = unit.supervisor_node,
                      .proc = unit.workers.front(),
                      .cause = cause,
                      .narration = kinds::process_terminate_not_running,
                      .state = ProcState::stopped},
                     {{"unit", unit.name},
                      {"supervisor", supervisor_kind_name(spec.kind)},
                      {"reason", reason},
                      {"then", after_name(after)}});
    unit.after = after;
    stop_unit(u, unit.last, after == AfterStop::remove ? UnitState::absent : UnitState::down);
    after_stop(u, unit.last, ExitStatus::exited(0));
    return;
  }
  ++unit.gen;
  w.engine.cancel(unit.pending);
  unit.stopped_from = unit.state;
  unit.was_hung = unit.hung;
  unit.state = UnitState::stopping;
  unit.after = after;
  unit.sigterm_sent = false;
  unit.draining = 0;
  unit.last =
      emit({.t = now,
            .kind = kinds::process_terminate,
            .stage = Stage::supervisor,
            .actor = unit.supervisor_node,
            .proc = unit.workers.front(),
            .cause = cause,
            .narration =
                pre_stop > Time{} ? std::string(kinds::process_terminate_pre_stop)
                : grace == Time::max() && spec.kind == SupervisorKind::systemd
                    ? std::string(kinds::process_terminate_no_kill)
                    : registered(fmt::format("process.terminate.{}", narration_state(unit, sc.services[unit.service]))),
            .state = ProcState::stopping},
           {{"unit", unit.name},
            {"supervisor", supervisor_kind_name(spec.kind)},
            {"reason", reason},
            {"grace", grace},
            {"pre_stop", pre_stop},
            {"app", app_state(unit)},
            {"then", after_name(after)}});
  if (spec.kind == SupervisorKind::kubernetes) set_endpoints(u, false, unit.last, "terminating");
  const uint32_t gen = unit.gen;
  if (grace != Time::max()) {
    // A preStop hook still running when the grace period ends gets SIGTERM and 2 s more
    // (Kubernetes docs "Pod Lifecycle", termination of Pods).
    const Time kill_at = pre_stop > Time{} && pre_stop >= grace ? grace + s(2) : grace;
    w.engine.schedule(kill_at, [m = this, u, gen, grace] {
      Unit& un = m->units[u];
      if (un.gen != gen || un.state != UnitState::stopping) return;
      const RecordId rec =
          m->emit({.t = m->w.engine.now(),
                   .kind = kinds::supervisor_kill,
                   .stage = Stage::supervisor,
                   .actor = un.supervisor_node,
                   .proc = un.workers.front(),
                   .cause = un.last},
                  {{"unit", un.name}, {"grace", grace}, {"supervisor", supervisor_kind_name(un.sup.kind())}});
      m->finish_stop(u, ExitStatus::killed(sig_kill), "SIGKILL after the grace period", rec);
    });
  }
  if (pre_stop == Time{}) return send_sigterm(u, gen);
  w.engine.schedule(std::min(pre_stop, grace), [m = this, u, gen] { m->send_sigterm(u, gen); });
}

void LifeModel::send_sigterm(uint32_t u, uint32_t gen) {
  Unit& unit = units[u];
  if (unit.gen != gen || unit.state != UnitState::stopping) return;
  const Time now = w.engine.now();
  unit.sigterm_sent = true;
  unit.sigterm_at = now;
  if (sc.services[unit.service].supervisor.pre_stop > Time{} && unit.sup.kind() == SupervisorKind::kubernetes)
    unit.last = emit(
        {.t = now,
         .kind = kinds::process_sigterm,
         .stage = Stage::supervisor,
         .actor = unit.supervisor_node,
         .proc = unit.workers.front(),
         .cause = unit.last,
         .narration = registered(fmt::format("process.sigterm.{}", narration_state(unit, sc.services[unit.service])))},
        {{"unit", unit.name}, {"app", app_state(unit)}});
  if (sc.services[unit.service].server == ServerPreset::gunicorn)
    w.engine.schedule(gunicorn_graceful_timeout, [m = this, u, gen] {
      Unit& un = m->units[u];
      if (un.gen != gen || un.state != UnitState::stopping) return;
      const RecordId rec = m->emit({.t = m->w.engine.now(),
                                    .kind = kinds::server_shutdown_timeout,
                                    .stage = Stage::process,
                                    .actor = un.node,
                                    .proc = un.workers.front(),
                                    .cause = un.last,
                                    .narration = kinds::server_shutdown_timeout_gunicorn,
                                    .reports_failure = true},
                                   {{"unit", un.name}, {"timeout", gunicorn_graceful_timeout}});
      m->finish_stop(u, ExitStatus::exited(0), "SIGTERM: Gunicorn's arbiter SIGKILLed its workers at graceful_timeout",
                     rec);
    });
  if (unit.was_hung) return;  // the handler never runs: SIGKILL at the end of the grace period
  if (unit.stopped_from == UnitState::up) return begin_drain(u);
  // Still starting: the start-up runs to its end, then Uvicorn returns at once (or the bad build
  // crashes there). A unit still in its pre-start step never reached the app.
  const ServiceSpec& svc = sc.services[unit.service];
  const Time listening = std::max(now, unit.exec_at + svc.startup_time);
  w.engine.schedule_at(listening, [m = this, u, gen] {
    Unit& un = m->units[u];
    if (un.gen != gen || un.state != UnitState::stopping) return;
    if (un.bad_build) return m->finish_stop(u, ExitStatus::exited(un.bad_build_exit), un.bad_build_reason, un.last);
    m->finish_stop(u, graceful_exit(m->sc.services[un.service]),
                   "SIGTERM during start-up: the start-up finished, then the server exited", un.last);
  });
}

void LifeModel::begin_drain(uint32_t u) {
  Unit& unit = units[u];
  const ServiceSpec& svc = sc.services[unit.service];
  const uint32_t gen = unit.gen;
  std::vector<ProcId> serving;
  for (ProcId p : unit.workers)
    if (w.processes[raw(p)].state == ProcState::running) serving.push_back(p);
  // The request path answers on_process_stopping with on_process_drained; without it (a world
  // with no requests) every worker is idle.
  unit.draining = w.on_process_stopping.empty() ? 0 : static_cast<uint32_t>(serving.size());
  for (ProcId p : serving) set_worker_state(p, ProcState::stopping, unit.last);
  if (unit.draining == 0 && unit.state == UnitState::stopping && unit.gen == gen)
    w.engine.schedule(shutdown_poll, [m = this, u, gen] {
      if (m->units[u].gen == gen && m->units[u].state == UnitState::stopping)
        m->finish_stop(u, graceful_exit(m->sc.services[m->units[u].service]), "SIGTERM: shut down cleanly",
                       m->units[u].last);
    });
  if (svc.timeout_graceful_shutdown) {
    // --timeout-graceful-shutdown: what is still running then is cancelled and Uvicorn exits.
    w.engine.schedule(shutdown_poll + *svc.timeout_graceful_shutdown, [m = this, u, gen] {
      Unit& un = m->units[u];
      if (un.gen != gen || un.state != UnitState::stopping || un.draining == 0) return;
      const RecordId rec =
          m->emit({.t = m->w.engine.now(),
                   .kind = kinds::server_shutdown_timeout,
                   .stage = Stage::process,
                   .actor = un.node,
                   .proc = un.workers.front(),
                   .cause = un.last,
                   .reports_failure = true},
                  {{"unit", un.name}, {"timeout", *m->sc.services[un.service].timeout_graceful_shutdown}});
      m->finish_stop(u, graceful_exit(m->sc.services[un.service]),
                     "SIGTERM: requests cancelled at --timeout-graceful-shutdown", rec);
    });
  }
}

void LifeModel::worker_drained(ProcId p) {
  const uint32_t u = workers[raw(p)].unit;
  Unit& unit = units[u];
  if (unit.state != UnitState::stopping || unit.draining == 0) return;
  if (--unit.draining > 0) return;
  const Time now = w.engine.now();
  const Time first = unit.sigterm_at + shutdown_poll;
  const Time at =
      now <= first ? first : first + shutdown_poll * ((now - first + shutdown_poll - ns(1)) / shutdown_poll);
  const uint32_t gen = unit.gen;
  w.engine.schedule_at(at, [m = this, u, gen] {
    Unit& un = m->units[u];
    if (un.gen != gen || un.state != UnitState::stopping) return;
    m->finish_stop(u, graceful_exit(m->sc.services[un.service]), "SIGTERM: finished its requests", un.last);
  });
}

void LifeModel::finish_stop(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause) {
  Unit& unit = units[u];
  if (unit.state != UnitState::stopping) return;
  const std::string_view narration = st.signal == sig_kill ? kinds::process_exit_killed_after_grace
                                     : st.clean()          ? kinds::process_exit_stopped
                                                           : kinds::process_exit;
  const RecordId rec = record_exit(u, st, reason, cause, narration);
  after_stop(u, rec, st);
}

void LifeModel::after_stop(uint32_t u, RecordId exit_rec, const ExitStatus& st) {
  Unit& unit = units[u];
  const uint32_t s = unit.service;
  // A stop for OOMPolicy=stop ends with result oom-kill, however the app then exited.
  ExitStatus result = st;
  result.oom_killed = result.oom_killed || unit.oom_result;
  unit.oom_result = false;
  switch (unit.after) {
    case AfterStop::restart:
      unit.state = UnitState::up;  // as if it had exited by itself: the supervisor decides
      supervise_exit(u, result, exit_rec);
      break;
    case AfterStop::start:
      unit.state = UnitState::down;
      take_build(u);
      start_unit(u, exit_rec, true);
      break;
    case AfterStop::remove:
      unit.state = UnitState::absent;
      unit.vacated = w.engine.now();
      for (ProcId p : unit.workers) set_worker_state(p, ProcState::stopped, exit_rec);
      break;
    case AfterStop::recreate:
      unit.state = UnitState::down;
      recreate_done(s, exit_rec);
      break;
  }
  if (services[s].rolling) reconcile(s, exit_rec);
}

void LifeModel::set_endpoints(uint32_t u, bool ready, RecordId cause, const char* why) {
  Unit& unit = units[u];
  if (unit.ready == ready) return;
  unit.ready = ready;
  const uint32_t seq = ++unit.endpoint_seq;
  w.engine.schedule(endpoints_delay(sc.services[unit.service].supervisor), [m = this, u, seq, ready, cause, why] {
    Unit& un = m->units[u];
    if (un.endpoint_seq != seq) return;
    const std::string narration = registered(fmt::format("endpoints.{}.{}", ready ? "added" : "removed", why));
    for (ProcId p : un.workers) m->w.processes[raw(p)].ready = ready;
    m->emit({.t = m->w.engine.now(),
             .kind = ready ? kinds::endpoints_added : kinds::endpoints_removed,
             .stage = Stage::supervisor,
             .actor = un.supervisor_node,
             .proc = un.workers.front(),
             .cause = cause,
             .narration = narration},
            {{"unit", un.name},
             {"service", m->sc.services[un.service].name},
             {"delay", endpoints_delay(m->sc.services[un.service].supervisor)}});
  });
}

}  // namespace deploysim::life
