// Kubernetes probes (domain-facts.md, "Restart supervisors", Kubernetes: periodSeconds 10,
// timeoutSeconds 1, failureThreshold 3, successThreshold 1, initialDelaySeconds 0). The kubelet
// probes every period from initialDelaySeconds after the container starts. A startup probe gates
// the other two; failing it failureThreshold times restarts the container, as a failing liveness
// probe does. A failing readiness probe takes the pod out of the Service's endpoints.
//
// Probes are not simulated one by one (a year at 10 s is three million probes per replica); the
// outcome of each probe follows from when the app listens and whether it hangs, so only probes
// that change something (failures, the first success) become events.
#include <algorithm>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

// Index of the first probe tick at or after `t` for ticks at origin + k x period.
int64_t first_tick_at(Time origin, Time period, Time t) {
  if (t <= origin) return 0;
  return (t - origin + period - ns(1)) / period;
}

}  // namespace

void LifeModel::plan_probes(uint32_t u) {
  Unit& unit = units[u];
  const SupervisorSpec& spec = sc.services[unit.service].supervisor;
  const Time exec = unit.exec_at;
  // Uvicorn binds its port after the app's start-up (lifespan) finished: until then a probe gets
  // "connection refused" and fails at once. A build that crashes at start never listens.
  const Time listening = unit.bad_build ? Time::max() : exec + sc.services[unit.service].startup_time;
  const uint32_t gen = unit.gen;
  auto failure = [this, u, gen](Time at, bool startup, int n, int threshold, bool kill) {
    w.engine.schedule_at(at, [m = this, u, gen, startup, n, threshold, kill] {
      Unit& un = m->units[u];
      if (un.gen != gen) return;
      un.last = m->emit({.t = m->w.engine.now(),
                         .kind = startup ? kinds::probe_startup_failed : kinds::probe_liveness_failed,
                         .stage = Stage::supervisor,
                         .actor = un.supervisor_node,
                         .proc = un.workers.front(),
                         .cause = un.last,
                         .narration = startup ? kinds::probe_startup_failed : kinds::probe_liveness_failed_refused,
                         .reports_failure = true},
                        {{"unit", un.name},
                         {"failures", n},
                         {"threshold", threshold},
                         {"reason", "connection refused"},
                         {"since_start", m->w.engine.now() - un.exec_at}});
      if (kill)
        m->terminate(u, un.last, startup ? "startup probe failed" : "liveness probe failed", AfterStop::restart);
    });
  };

  Time gate = exec;  // when the startup probe succeeded (no startup probe: at once)
  if (spec.startup.enabled) {
    const ProbeSpec& p = spec.startup;
    const Time first = exec + p.initial_delay;
    const int64_t ok_tick = listening == Time::max() ? INT64_MAX : first_tick_at(first, p.period, listening);
    const int64_t fails = std::min<int64_t>(ok_tick, p.failure_threshold);
    for (int64_t i = 0; i < fails; ++i)
      failure(first + p.period * i, true, static_cast<int>(i + 1), p.failure_threshold, i + 1 == p.failure_threshold);
    if (ok_tick >= p.failure_threshold) return;
    gate = first + p.period * ok_tick;
    w.engine.schedule_at(gate, [m = this, u, gen] {
      Unit& un = m->units[u];
      if (un.gen != gen) return;
      un.last = m->emit({.t = m->w.engine.now(),
                         .kind = kinds::probe_startup_succeeded,
                         .stage = Stage::supervisor,
                         .actor = un.supervisor_node,
                         .proc = un.workers.front(),
                         .cause = un.last},
                        {{"unit", un.name}, {"since_start", m->w.engine.now() - un.exec_at}});
    });
  }
  if (spec.liveness.enabled) {
    // Liveness probes run once the startup gate opened; before the app listens each one fails.
    // Only a run of failures that reaches the threshold is recorded: one or two refused probes
    // followed by a pass change nothing (the count resets), and every start would show them.
    const ProbeSpec& p = spec.liveness;
    const Time first = exec + p.initial_delay;
    const int64_t from = first_tick_at(first, p.period, gate);
    if (listening == Time::max() || first + p.period * (from + p.failure_threshold - 1) < listening) {
      for (int i = 0; i < p.failure_threshold; ++i)
        failure(first + p.period * (from + i), false, i + 1, p.failure_threshold, i + 1 == p.failure_threshold);
      return;
    }
  }
  if (listening == Time::max()) return;
  Time ready = std::max(gate, listening);
  if (spec.readiness.enabled) {
    // The pod joins the endpoints after successThreshold passing readiness probes in a row.
    const ProbeSpec& p = spec.readiness;
    const Time first = exec + p.initial_delay;
    ready = first + p.period * (first_tick_at(first, p.period, ready) + std::max(p.success_threshold, 1) - 1);
  }
  // Ready later than the app listened: the readiness probe's period is what it waited for.
  std::optional<Time> listened;
  if (spec.readiness.enabled && ready > listening) listened = listening - unit.started;
  unit.pending = w.engine.schedule_at(ready, [m = this, u, gen, listened] { m->unit_ready(u, gen, listened); });
}

void LifeModel::schedule_hang_probes(uint32_t u, Time hung_at, bool readiness) {
  Unit& unit = units[u];
  const SupervisorSpec& spec = sc.services[unit.service].supervisor;
  const ProbeSpec& probe = readiness ? spec.readiness : spec.liveness;
  if (unit.sup.kind() != SupervisorKind::kubernetes || !probe.enabled) return;
  // A hung app accepts the probe's connection but never answers: each probe fails after
  // timeoutSeconds. failureThreshold failures in a row restart the container (liveness) or take
  // the pod out of the endpoints (readiness).
  const Time first = unit.exec_at + probe.initial_delay;
  int64_t k = first_tick_at(first, probe.period, hung_at);
  const uint32_t gen = unit.gen, seq = unit.hang_seq;
  for (int i = 1; i <= probe.failure_threshold; ++i, ++k) {
    w.engine.schedule_at(first + probe.period * k + probe.timeout, [m = this, u, gen, seq, i, readiness, &probe] {
      Unit& un = m->units[u];
      if (un.gen != gen || un.hang_seq != seq) return;
      un.last = m->emit(
          {.t = m->w.engine.now(),
           .kind = readiness ? kinds::probe_readiness_failed : kinds::probe_liveness_failed,
           .stage = Stage::supervisor,
           .actor = un.supervisor_node,
           .proc = un.workers.front(),
           .cause = un.last,
           .reports_failure = true},
          {{"unit", un.name}, {"failures", i}, {"threshold", probe.failure_threshold}, {"timeout", probe.timeout}});
      if (i != probe.failure_threshold) return;
      if (!readiness) return m->terminate(u, un.last, "liveness probe failed", AfterStop::restart);
      m->set_endpoints(u, false, un.last, "not_ready");
    });
  }
}

void LifeModel::unhang(uint32_t u, RecordId cause) {
  Unit& unit = units[u];
  if (!unit.hung) return;
  unit.hung = false;
  ++unit.hang_seq;
  for (ProcId p : unit.workers)
    if (w.processes[raw(p)].state == ProcState::hung) set_worker_state(p, ProcState::running, cause);
  if (unit.state == UnitState::stopping) {
    // The event loop runs again: the SIGTERM it got meanwhile is handled now.
    const bool pending_sigterm = unit.was_hung && unit.sigterm_sent;
    unit.was_hung = false;
    if (pending_sigterm) begin_drain(u);
    return;
  }
  if (unit.ready) return;
  // Out of the endpoints: it rejoins after successThreshold passing readiness probes.
  const ProbeSpec& probe = sc.services[unit.service].supervisor.readiness;
  const Time first = unit.exec_at + probe.initial_delay;
  const Time back = first + probe.period * (first_tick_at(first, probe.period, w.engine.now()) +
                                            std::max(probe.success_threshold, 1) - 1);
  const uint32_t gen = unit.gen, seq = unit.hang_seq;
  w.engine.schedule_at(back, [m = this, u, gen, seq] {
    Unit& un = m->units[u];
    if (un.gen != gen || un.hang_seq != seq) return;
    m->set_endpoints(u, true, un.last, "ready_again");
  });
}

}  // namespace deploysim::life
