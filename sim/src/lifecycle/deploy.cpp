// Deploys: dependency resolution against the scenario's package catalogue (pinned or not), a
// breaking upgrade that crashes at start, tests before the upgrade, and the steps before the
// replicas start (a migration run once as a job, by every replica, or by every replica under
// a lock).
#include <algorithm>
#include <fmt/format.h>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

const char* mode_name(PreStartMode m) {
  switch (m) {
    case PreStartMode::once:
      return "once";
    case PreStartMode::per_replica:
      return "per-replica";
    case PreStartMode::locked:
      return "locked";
  }
  return "once";
}

std::string versions_text(const ServiceSpec& svc, const std::vector<std::optional<Version>>& v) {
  std::string out;
  for (size_t i = 0; i < svc.dependencies.size() && i < v.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", svc.dependencies[i].package, v[i] ? v[i]->to_string() : "?");
  }
  return out;
}

}  // namespace

const PreStartSpec* LifeModel::replica_step(uint32_t service) const {
  for (const PreStartSpec& p : sc.services[service].pre_start)
    if (p.mode != PreStartMode::once) return &p;
  return nullptr;
}

void LifeModel::install_deploy() {
  for (uint32_t s = 0; s < sc.services.size(); ++s) {
    const ServiceSpec& svc = sc.services[s];
    ServiceLife& sl = services[s];
    for (const DependencySpec& dep : svc.dependencies) {
      const Resolution r = resolve(dep, sc.packages, Time{});
      sl.installed.push_back(r.found ? std::optional<Version>(r.version) : std::nullopt);
    }
    if (svc.dependencies.empty()) continue;
    sl.version_text = versions_text(svc, sl.installed);
    for (Process& p : w.processes)
      if (p.service == s) p.version = sl.version_text;
    emit({.t = Time{},
          .kind = kinds::deploy_installed,
          .stage = Stage::deploy,
          .actor = units.empty() ? NodeId::none : units[0].node},
         {{"service", svc.name}, {"versions", sl.version_text}});
  }
}

void LifeModel::redeploy(uint32_t s, RecordId cause) {
  const ServiceSpec& svc = sc.services[s];
  ServiceLife& sl = services[s];
  const Time now = w.engine.now();
  NodeId actor = w.trace.node(fmt::format("deploy/{}", svc.name));
  std::vector<std::optional<Version>> next = sl.installed;
  bool breaking = false;
  std::string breaking_text;
  for (size_t i = 0; i < svc.dependencies.size(); ++i) {
    const DependencySpec& dep = svc.dependencies[i];
    const Resolution r = resolve(dep, sc.packages, now, sl.installed[i]);
    const std::string from = sl.installed[i] ? sl.installed[i]->to_string() : "none";
    if (!r.found) {
      emit({.t = now,
            .kind = kinds::deploy_resolve_failed,
            .stage = Stage::deploy,
            .actor = actor,
            .cause = cause,
            .reports_failure = true},
           {{"package", dep.package}, {"constraint", dep.constraint}});
      return;
    }
    cause = emit({.t = now,
                  .kind = kinds::deploy_resolve,
                  .stage = Stage::deploy,
                  .actor = actor,
                  .cause = cause,
                  .narration = r.version == sl.installed[i] ? kinds::deploy_resolve_same
                               : r.breaking_since           ? kinds::deploy_resolve_breaking
                                                            : kinds::deploy_resolve_upgrade},
                 {{"package", dep.package},
                  {"constraint", dep.constraint.empty() ? "(unpinned)" : dep.constraint},
                  {"from_version", from},
                  {"to_version", r.version.to_string()},
                  {"breaking", r.breaking_since}});
    if (r.breaking_since) {
      breaking = true;
      breaking_text = fmt::format("{} {}", dep.package, r.version.to_string());
    }
    next[i] = r.version;
  }
  if (svc.test_before_upgrade && !svc.dependencies.empty()) {
    cause = emit({.t = now,
                  .kind = breaking ? kinds::deploy_tests_failed : kinds::deploy_tests_passed,
                  .stage = Stage::deploy,
                  .actor = actor,
                  .cause = cause,
                  .reports_failure = breaking},
                 {{"service", svc.name}, {"versions", versions_text(svc, next)}, {"breaking", breaking_text}});
    if (breaking) return;  // the upgrade never reaches the replicas
  }
  sl.installed = next;
  sl.version_text = versions_text(svc, next);
  sl.next_bad_build = breaking;
  sl.next_bad_reason = breaking ? fmt::format("{}: a breaking change fails the app at start", breaking_text) : "";
  sl.next_version_text = sl.version_text;

  const PreStartSpec* job = nullptr;
  for (const PreStartSpec& p : svc.pre_start)
    if (p.mode == PreStartMode::once) job = &p;
  sl.migration_applied = replica_step(s) == nullptr;
  if (job) {
    // An init job / pre-start script: runs once while the old replicas still serve.
    const RecordId rec =
        emit({.t = now, .kind = kinds::deploy_job_start, .stage = Stage::deploy, .actor = actor, .cause = cause},
             {{"service", svc.name}, {"step", job->name}, {"duration", job->duration}});
    w.engine.schedule(job->duration, [m = this, s, rec, actor] {
      const ServiceSpec& sv = m->sc.services[s];
      m->services[s].migration_applied = true;
      const RecordId done = m->emit({.t = m->w.engine.now(),
                                     .kind = kinds::deploy_job_done,
                                     .stage = Stage::deploy,
                                     .actor = actor,
                                     .cause = rec},
                                    {{"service", sv.name}});
      m->rollout(s, done, true);
    });
    return;
  }
  rollout(s, cause, true);
}

void LifeModel::apply_build(uint32_t u) {
  const ServiceLife& sl = services[units[u].service];
  units[u].bad_build = sl.next_bad_build;
  units[u].bad_build_exit = 1;
  units[u].bad_build_reason = sl.next_bad_reason;
  for (ProcId p : units[u].workers) w.processes[raw(p)].version = sl.next_version_text;
}

void LifeModel::run_pre_start(uint32_t u, RecordId cause) {
  Unit& unit = units[u];
  const PreStartSpec* step = replica_step(unit.service);
  if (!step) return begin_exec(u, cause);
  ServiceLife& sl = services[unit.service];
  unit.state = UnitState::pre_start;
  const Time now = w.engine.now();
  const uint32_t gen = unit.gen;
  const bool locked = step->mode == PreStartMode::locked;
  if (locked && sl.lock_holder != UINT32_MAX) {
    sl.lock_queue.push_back(u);
    unit.last = emit({.t = now,
                      .kind = kinds::deploy_lock_wait,
                      .stage = Stage::deploy,
                      .actor = unit.node,
                      .proc = unit.workers.front(),
                      .cause = cause},
                     {{"unit", unit.name},
                      {"step", step->name},
                      {"holder", units[sl.lock_holder].name},
                      {"queued", sl.lock_queue.size()}});
    return;
  }
  if (locked) sl.lock_holder = u;
  if (sl.migration_applied) {
    // Another replica applied the revision: `alembic upgrade head` reads alembic_version (under
    // the lock, when there is one) and has nothing to do.
    const RecordId rec = emit({.t = now,
                               .kind = kinds::deploy_pre_start_noop,
                               .stage = Stage::deploy,
                               .actor = unit.node,
                               .proc = unit.workers.front(),
                               .cause = cause,
                               .narration = locked ? kinds::deploy_pre_start_noop_locked : std::string_view{}},
                              {{"unit", unit.name}, {"step", step->name}});
    unit.last = rec;
    begin_exec(u, rec);
    if (locked) release_lock(u, rec);
    return;
  }
  unit.last =
      emit({.t = now,
            .kind = kinds::deploy_pre_start_begin,
            .stage = Stage::deploy,
            .actor = unit.node,
            .proc = unit.workers.front(),
            .cause = cause,
            .narration = locked ? kinds::deploy_pre_start_begin_locked : std::string_view{}},
           {{"unit", unit.name}, {"step", step->name}, {"mode", mode_name(step->mode)}, {"duration", step->duration}});
  unit.pending = w.engine.schedule(step->duration, [m = this, u, gen] { m->pre_start_done(u, gen, true); });
}

void LifeModel::pre_start_done(uint32_t u, uint32_t gen, bool) {
  Unit& unit = units[u];
  if (unit.gen != gen || unit.state != UnitState::pre_start) return;
  ServiceLife& sl = services[unit.service];
  const PreStartSpec* step = replica_step(unit.service);
  const Time now = w.engine.now();
  if (step->mode == PreStartMode::per_replica && sl.migration_applied) {
    // Another replica, running the same migration at the same time, created the tables first.
    unit.last = emit({.t = now,
                      .kind = kinds::deploy_pre_start_failed,
                      .stage = Stage::deploy,
                      .actor = unit.node,
                      .proc = unit.workers.front(),
                      .cause = unit.last,
                      .reports_failure = true},
                     {{"unit", unit.name},
                      {"step", step->name},
                      {"error", "psycopg.errors.DuplicateTable: relation \"items\" already exists"}});
    // Under Kubernetes the step is an init container: its failure is the pod's Init:Error.
    return unit_exit(
        u, ExitStatus::exited(1), "pre-start step failed: DuplicateTable", unit.last,
        unit.sup.kind() == SupervisorKind::kubernetes ? kinds::process_exit_init_container : std::string_view{});
  }
  sl.migration_applied = true;
  unit.last = emit({.t = now,
                    .kind = kinds::deploy_pre_start_done,
                    .stage = Stage::deploy,
                    .actor = unit.node,
                    .proc = unit.workers.front(),
                    .cause = unit.last},
                   {{"unit", unit.name}, {"step", step->name}, {"waited", now - unit.started}});
  const RecordId rec = unit.last;
  release_lock(u, rec);
  begin_exec(u, rec);
}

void LifeModel::release_lock(uint32_t u, RecordId cause) {
  ServiceLife& sl = services[units[u].service];
  std::erase(sl.lock_queue, u);
  if (sl.lock_holder != u) return;
  sl.lock_holder = UINT32_MAX;
  while (!sl.lock_queue.empty()) {
    const uint32_t next = sl.lock_queue.front();
    sl.lock_queue.erase(sl.lock_queue.begin());
    if (units[next].state != UnitState::pre_start) continue;
    run_pre_start(next, cause);
    return;
  }
}

}  // namespace deploysim::life
