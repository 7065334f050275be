// Rollouts: how a redeploy (or a restart, for crash-on-start) replaces a service's replicas.
// - All at once: systemctl restart and docker compose up stop each replica (SIGTERM, grace
//   period) and start it again; a Kubernetes `Recreate` deletes every pod first and creates the
//   new ones once all are gone.
// - Rolling (RollingUpdate, the Deployment default): the Deployment controller's two rules
//   (kubernetes pkg/controller/deployment/rolling.go, Kubernetes docs "Deployments"): at most
//   replicas + maxSurge pods (25 %, rounded up), at least replicas - maxUnavailable available
//   (25 %, rounded down); unhealthy old pods are scaled down first; terminating pods count
//   against neither. Without Kubernetes no scheduler starts extra processes: maxSurge is 0 and
//   each new process takes its old one's place once that one has stopped.
#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

struct Limits {
  uint32_t replicas = 1, surge = 0, unavailable = 1;
  bool fencepost = false;  ///< Both came to 0 pods, and Kubernetes lets one be unavailable.
};

Limits limits(const ServiceSpec& svc, uint32_t n) {
  Limits l;
  l.replicas = n;
  const bool kubernetes = svc.supervisor.kind == SupervisorKind::kubernetes;
  l.surge = kubernetes ? (n * static_cast<uint32_t>(svc.max_surge_percent) + 99) / 100 : 0;
  l.unavailable = n * static_cast<uint32_t>(svc.max_unavailable_percent) / 100;
  if (l.surge == 0 && l.unavailable == 0) {  // Kubernetes rejects 0/0
    l.unavailable = 1;
    l.fencepost = true;
  }
  return l;
}

// Which rolling-update sentence fits: in place (no Kubernetes); both limits at 0 pods (the
// fencepost); no readiness probe, where the model still waits for the app to listen while
// Kubernetes counts a started container Ready; else the plain one.
std::string_view rolling_variant(const ServiceSpec& svc, const Limits& l) {
  if (svc.supervisor.kind != SupervisorKind::kubernetes) return ".in_place";
  if (l.fencepost) return ".fencepost";
  if (!svc.supervisor.readiness.enabled) return ".no_readiness";
  return "";
}

}  // namespace

void LifeModel::rollout(uint32_t s, RecordId cause, bool new_build) {
  const ServiceSpec& svc = sc.services[s];
  ServiceLife& sl = services[s];
  const uint32_t n = w.replicas(s);
  const NodeId actor = w.trace.node(fmt::format("deploy/{}", svc.name));
  const bool unversioned = sl.version_text.empty();  // no dependencies declared: no versions to name
  const bool kubernetes = svc.supervisor.kind == SupervisorKind::kubernetes;
  ++sl.revision;
  sl.new_build = new_build;
  if (rollout_strategy(svc) == RolloutStrategy::rolling) {
    const Limits l = limits(svc, n);
    sl.rolling = true;
    sl.deadline_reported = false;
    sl.rollout_rec = emit({.t = w.engine.now(),
                           .kind = kinds::deploy_rolling_update,
                           .stage = Stage::deploy,
                           .actor = actor,
                           .cause = cause,
                           .narration = registered(fmt::format("deploy.rolling_update{}{}", rolling_variant(svc, l),
                                                               unversioned ? ".unversioned" : ""))},
                          {{"service", svc.name},
                           {"replicas", n},
                           {"versions", sl.version_text},
                           {"max_surge", l.surge},
                           {"max_unavailable", l.unavailable},
                           {"max_surge_percent", svc.max_surge_percent},
                           {"max_unavailable_percent", svc.max_unavailable_percent}});
    progressed(s);
    return reconcile(s, sl.rollout_rec);
  }
  sl.rolling = false;
  const RecordId rec = emit({.t = w.engine.now(),
                             .kind = kinds::deploy_rollout,
                             .stage = Stage::deploy,
                             .actor = actor,
                             .cause = cause,
                             .narration = registered(fmt::format("deploy.rollout{}{}", kubernetes ? ".recreate" : "",
                                                                 unversioned ? ".unversioned" : ""))},
                            {{"service", svc.name}, {"replicas", n}, {"versions", sl.version_text}});
  for (uint32_t u = 0; u < units.size(); ++u)
    if (units[u].service == s && w.hosts[units[u].host].up)
      terminate(u, rec,
                kubernetes ? "Recreate: every old pod goes before a new one starts" : "restart: stop, then start again",
                kubernetes ? AfterStop::recreate : AfterStop::start);
  if (kubernetes) recreate_done(s, rec);
}

void LifeModel::take_build(uint32_t u) {
  const ServiceLife& sl = services[units[u].service];
  units[u].revision = sl.revision;
  if (sl.new_build) return apply_build(u);
  if (!sl.version_text.empty())
    for (ProcId p : units[u].workers) w.processes[raw(p)].version = sl.version_text;
}

void LifeModel::recreate_done(uint32_t s, RecordId cause) {
  for (const Unit& unit : units)
    if (unit.service == s && unit.state == UnitState::stopping) return;
  for (uint32_t u = 0; u < units.size(); ++u)
    if (units[u].service == s && units[u].state == UnitState::down && units[u].revision != services[s].revision &&
        w.hosts[units[u].host].up) {
      take_build(u);
      start_unit(u, cause, true, true);
    }
}

void LifeModel::progressed(uint32_t s) {
  // Only a Deployment has a progress deadline; systemd, Docker and supervisord have none.
  if (sc.services[s].supervisor.kind != SupervisorKind::kubernetes) return;
  ServiceLife& sl = services[s];
  const uint32_t seq = ++sl.progress_seq;
  // Kubernetes marks a rollout that made no progress for progressDeadlineSeconds (600 s,
  // Kubernetes docs "Deployments") as failed (ProgressDeadlineExceeded); it rolls nothing back.
  w.engine.schedule(minutes(10), [m = this, s, seq] {
    ServiceLife& sv = m->services[s];
    if (sv.progress_seq != seq || !sv.rolling || sv.deadline_reported) return;
    sv.deadline_reported = true;
    std::string waiting;
    uint32_t old = 0;
    for (const Unit& un : m->units) {
      if (un.service != s || un.state == UnitState::absent) continue;
      if (un.revision != sv.revision && !(un.state == UnitState::stopping && un.after == AfterStop::remove)) ++old;
      if (un.revision == sv.revision && un.state != UnitState::up && waiting.empty()) waiting = un.name;
    }
    m->emit({.t = m->w.engine.now(),
             .kind = kinds::deploy_progress_deadline_exceeded,
             .stage = Stage::deploy,
             .actor = m->w.trace.node(fmt::format("deploy/{}", m->sc.services[s].name))},
            {{"service", m->sc.services[s].name}, {"waiting_for", waiting}, {"not_replaced", old}});
  });
}

void LifeModel::reconcile(uint32_t s, RecordId cause) {
  ServiceLife& sl = services[s];
  if (!sl.rolling) return;
  if (sl.reconciling) {
    sl.reconcile_again = true;
    return;
  }
  sl.reconciling = true;
  const ServiceSpec& svc = sc.services[s];
  const bool kubernetes = svc.supervisor.kind == SupervisorKind::kubernetes;
  const Limits l = limits(svc, w.replicas(s));
  const NodeId actor = w.trace.node(fmt::format("deploy/{}", svc.name));
  auto available = [&](const Unit& un) { return un.state == UnitState::up && (!kubernetes || un.ready); };
  // A pod that counts: it exists and is not being deleted.
  auto counts = [](const Unit& un) {
    return un.state != UnitState::absent && !(un.state == UnitState::stopping && un.after == AfterStop::remove);
  };
  uint32_t old = 0, fresh = 0, old_available = 0, fresh_available = 0;
  auto tally = [&] {
    old = fresh = old_available = fresh_available = 0;
    for (const Unit& un : units) {
      if (un.service != s || !counts(un)) continue;
      const bool is_new = un.revision == sl.revision;
      (is_new ? fresh : old) += 1;
      if (available(un)) (is_new ? fresh_available : old_available) += 1;
    }
  };
  bool changed = true;
  while (changed || sl.reconcile_again) {
    changed = sl.reconcile_again = false;
    tally();
    // Scale the new pods up: replicas + maxSurge at most, replicas new ones in all.
    const int64_t room = std::min<int64_t>(int64_t{l.replicas} + l.surge - old - fresh, int64_t{l.replicas} - fresh);
    for (int64_t k = 0; k < room; ++k) {
      // The place free the longest: the spare pods first, not the one an old pod just left.
      uint32_t u = UINT32_MAX;
      for (uint32_t c = 0; c < units.size(); ++c)
        if (units[c].service == s && units[c].state == UnitState::absent && w.hosts[units[c].host].up &&
            (u == UINT32_MAX || units[c].vacated < units[u].vacated))
          u = c;
      if (u == UINT32_MAX) break;
      Unit& un = units[u];
      take_build(u);
      un.state = UnitState::down;
      const RecordId rec = emit({.t = w.engine.now(),
                                 .kind = kinds::deploy_scale_up,
                                 .stage = Stage::deploy,
                                 .actor = actor,
                                 .proc = un.workers.front(),
                                 .cause = cause,
                                 .narration = kubernetes ? kinds::deploy_scale_up : kinds::deploy_scale_up_in_place},
                                {{"service", svc.name},
                                 {"unit", un.name},
                                 {"new", fresh + 1},
                                 {"old", old},
                                 {"replicas", l.replicas},
                                 {"max_surge", l.surge}});
      ++fresh;
      start_unit(u, rec, true, kubernetes);  // a new pod, or the same unit started again
      progressed(s);
      changed = true;
    }
    tally();
    // Scale the old pods down: keep replicas - maxUnavailable available; unhealthy ones first.
    const int64_t min_available = int64_t{l.replicas} - l.unavailable;
    int64_t max_down = int64_t{old} + fresh - min_available - (int64_t{fresh} - fresh_available);
    int64_t can = int64_t{old_available} + fresh_available - min_available;
    const bool may_scale_down = max_down > 0;
    for (int pass = 0; pass < 2 && may_scale_down; ++pass)
      for (uint32_t u = 0; u < units.size(); ++u) {
        Unit& un = units[u];
        if (un.service != s || !counts(un) || un.revision == sl.revision) continue;
        const bool healthy = available(un);
        if (pass == 0 ? (healthy || max_down <= 0) : (!healthy || can <= 0)) continue;
        (pass == 0 ? max_down : can) -= 1;
        const RecordId rec =
            emit({.t = w.engine.now(),
                  .kind = kinds::deploy_scale_down,
                  .stage = Stage::deploy,
                  .actor = actor,
                  .proc = un.workers.front(),
                  .cause = cause,
                  .narration = healthy ? (kubernetes ? kinds::deploy_scale_down : kinds::deploy_scale_down_in_place)
                               : kubernetes ? kinds::deploy_scale_down_unhealthy
                                            : kinds::deploy_scale_down_unhealthy_in_place},
                 {{"service", svc.name},
                  {"unit", un.name},
                  {"available", old_available + fresh_available},
                  {"min_available", min_available}});
        terminate(u, rec, "scaled down by the rolling update", AfterStop::remove);
        progressed(s);
        changed = true;
      }
  }
  sl.reconciling = false;
  tally();
  if (old == 0 && fresh_available == l.replicas) {
    sl.rolling = false;
    emit({.t = w.engine.now(),
          .kind = kinds::deploy_rollout_done,
          .stage = Stage::deploy,
          .actor = actor,
          .cause = cause,
          .narration = sl.version_text.empty() ? kinds::deploy_rollout_done_unversioned : ""},
         {{"service", svc.name}, {"versions", sl.version_text}});
  }
}

}  // namespace deploysim::life
