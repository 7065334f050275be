// Host memory: per-worker RSS with an optional leak, the kernel OOM killer, a container's memory
// limit (OOMKilled, 137), the memory gauges, and host reboots (what comes back on boot).
#include <algorithm>
#include <fmt/format.h>

#include "core/compat.hpp"
#include "lifecycle/lifecycle_model.hpp"

namespace deploysim::life {

namespace {

constexpr uint64_t hour_ns = 3600ULL * 1000000000ULL;

// The OOM killer picks the largest; on a tie the later candidate wins (mm/oom_kill.c
// oom_evaluate_task replaces the chosen task when points are equal): the newest process.
bool worse(const WorkerLife& a, uint64_t rss_a, ProcId pa, const WorkerLife& b, uint64_t rss_b, ProcId pb) {
  if (rss_a != rss_b) return rss_a > rss_b;
  if (a.spawned != b.spawned) return a.spawned > b.spawned;
  return raw(pa) > raw(pb);
}

// How long until `room` bytes are exceeded at `growth` bytes an hour summed over `n` processes.
// Each process's RSS is rounded down, so their sum may trail the total by up to n bytes: aim
// that far past the limit (nanoseconds late) rather than waking up again and again before it.
Time time_to_exceed(uint64_t room, uint64_t growth, uint64_t n) {
  const uint64_t need = room > UINT64_MAX - 1 - n ? UINT64_MAX : room + 1 + n;
  const uint64_t dt = compat::mul_div_ceil(need, hour_ns, growth);
  return ns(static_cast<int64_t>(std::min<uint64_t>(dt, INT64_MAX / 4)));
}

}  // namespace

uint64_t LifeModel::rss_at(ProcId p, Time t) const {
  const WorkerLife& wl = workers[raw(p)];
  if (!wl.alive) return 0;
  const uint64_t growth = sc.services[w.processes[raw(p)].service].memory_growth_per_hour;
  if (growth == 0 || t <= wl.spawned) return wl.base_rss;
  return wl.base_rss + compat::mul_div(growth, static_cast<uint64_t>((t - wl.spawned).ns()), hour_ns);
}

uint64_t LifeModel::host_used(uint32_t h, Time t) const {
  uint64_t used = 0;
  for (const Process& p : w.processes)
    if (p.host == h) used += rss_at(p.id, t);
  return used;
}

void LifeModel::memory_changed(uint32_t h) {
  const Time now = w.engine.now();
  const uint64_t used = host_used(h, now);
  const uint64_t cap = w.hosts[h].memory;
  w.hosts[h].used = used;
  if (host_runs_workers(sc, w.hosts[h].name)) {
    auto& series = w.metrics.memory[w.hosts[h].name];
    if (!series.empty() && series.back().t == now)
      series.back().value = static_cast<double>(used);
    else
      series.push_back({now, static_cast<double>(used)});
  }

  w.engine.cancel(memory_events[h]);
  uint64_t growth = 0, alive = 0;
  for (const Process& p : w.processes)
    if (p.host == h && workers[raw(p.id)].alive) {
      growth += sc.services[p.service].memory_growth_per_hour;
      ++alive;
    }
  if (used > cap) {
    memory_events[h] = w.engine.schedule(
        Time{}, [m = this, h] { m->check_memory(h); }, 1);
  } else if (growth > 0) {
    memory_events[h] = w.engine.schedule(
        time_to_exceed(cap - used, growth, alive), [m = this, h] { m->check_memory(h); }, 1);
  }
  for (uint32_t u = 0; u < units.size(); ++u)
    if (units[u].host == h && sc.services[units[u].service].supervisor.memory_limit) check_limit(u);
}

void LifeModel::check_memory(uint32_t h) {
  const Time now = w.engine.now();
  const uint64_t used = host_used(h, now);
  if (used <= w.hosts[h].memory) return memory_changed(h);
  ProcId victim = ProcId::none;
  uint64_t victim_rss = 0;
  for (const Process& p : w.processes) {
    if (p.host != h || !workers[raw(p.id)].alive) continue;
    const uint64_t r = rss_at(p.id, now);
    if (victim == ProcId::none || worse(workers[raw(p.id)], r, p.id, workers[raw(victim)], victim_rss, victim)) {
      victim = p.id;
      victim_rss = r;
    }
  }
  if (victim == ProcId::none) return;
  const RecordId rec = emit({.t = now,
                             .kind = kinds::memory_oom_kill,
                             .stage = Stage::memory,
                             .actor = w.hosts[h].node,
                             .proc = victim,
                             .state = ProcState::crashed,
                             .reports_failure = true},
                            {{"host", w.hosts[h].name},
                             {"used", used},
                             {"capacity", w.hosts[h].memory},
                             {"victim", w.processes[raw(victim)].name},
                             {"rss", victim_rss}});
  ExitStatus st = ExitStatus::killed(sig_kill);
  st.oom_killed = true;
  worker_exit(victim, st, "Out of memory: Killed process (kernel OOM killer)", rec);
  if (workers[raw(victim)].alive) {
    // A single-worker replica whose supervisor keeps it: the kill still frees its memory.
    set_worker_state(victim, ProcState::crashed, rec);
  }
}

void LifeModel::check_limit(uint32_t u) {
  Unit& unit = units[u];
  const uint64_t limit = *sc.services[unit.service].supervisor.memory_limit;
  const Time now = w.engine.now();
  uint64_t used = 0, growth = 0, alive = 0;
  for (ProcId p : unit.workers) {
    used += rss_at(p, now);
    if (workers[raw(p)].alive) {
      growth += sc.services[unit.service].memory_growth_per_hour;
      ++alive;
    }
  }
  w.engine.cancel(limit_events[u]);
  const uint32_t gen = unit.gen;
  auto kill = [m = this, u, gen] {
    Unit& un = m->units[u];
    if (un.gen != gen) return;
    const Time t = m->w.engine.now();
    uint64_t total = 0;
    ProcId victim = ProcId::none;
    uint64_t victim_rss = 0;
    for (ProcId p : un.workers) {
      const uint64_t r = m->rss_at(p, t);
      total += r;
      if (r > 0 &&
          (victim == ProcId::none || worse(m->workers[raw(p)], r, p, m->workers[raw(victim)], victim_rss, victim))) {
        victim = p;
        victim_rss = r;
      }
    }
    const uint64_t lim = *m->sc.services[un.service].supervisor.memory_limit;
    if (total <= lim || victim == ProcId::none) return m->check_limit(u);
    const RecordId rec = m->emit({.t = t,
                                  .kind = kinds::memory_limit_kill,
                                  .stage = Stage::memory,
                                  .actor = un.supervisor_node,
                                  .proc = victim,
                                  .cause = un.last,
                                  .state = ProcState::crashed},
                                 {{"unit", un.name},
                                  {"used", total},
                                  {"limit", lim},
                                  {"victim", m->w.processes[raw(victim)].name},
                                  {"code", 137}});
    ExitStatus st = ExitStatus::killed(sig_kill);
    st.oom_killed = true;
    // The cgroup OOM killer takes the largest process in the container; when it is the main
    // process the container ends with OOMKilled, exit code 137. A worker under a manager that
    // lives on ends no container: Docker's State.OOMKilled and Kubernetes' reason OOMKilled are
    // the container's, so they say nothing; the kernel log and memory.events do.
    m->worker_exit(victim, st,
                   un.workers.size() > 1 ? "killed by the container's OOM killer; the container lives on, so "
                                           "Docker and Kubernetes report no OOMKilled"
                                         : "OOMKilled (container memory limit)",
                   rec);
  };
  if (used > limit) {
    limit_events[u] = w.engine.schedule(Time{}, std::move(kill), 1);
  } else if (growth > 0) {
    limit_events[u] = w.engine.schedule(time_to_exceed(limit - used, growth, alive), std::move(kill), 1);
  }
}

void LifeModel::sample_memory(uint32_t h) {
  if (!host_runs_workers(sc, w.hosts[h].name)) return;
  const Time now = w.engine.now();
  auto& series = w.metrics.memory[w.hosts[h].name];
  const double used = static_cast<double>(host_used(h, now));
  if (!series.empty() && series.back().t == now)
    series.back().value = used;
  else
    series.push_back({now, used});
}

void LifeModel::schedule_sampling() {
  bool leaking = false;
  for (const ServiceSpec& s : sc.services) leaking = leaking || s.memory_growth_per_hour > 0;
  if (!leaking) return;
  const Time every = std::clamp(sc.info.duration / 200, minutes(1), days(1));
  struct Tick {
    LifeModel* m;
    Time every;
    void operator()() const {
      for (uint32_t h = 0; h < m->w.hosts.size(); ++h) m->sample_memory(h);
      m->w.engine.schedule(every, Tick{m, every}, 2);
    }
  };
  w.engine.schedule(every, Tick{this, every}, 2);
}

void LifeModel::reboot(uint32_t h, Time down_for, RecordId cause) {
  HostState& host = w.hosts[h];
  if (!host.up) return;
  const RecordId rec = emit({.t = w.engine.now(),
                             .kind = kinds::host_reboot,
                             .stage = Stage::fault,
                             .actor = host.node,
                             .cause = cause,
                             .reports_failure = true},
                            {{"host", host.name}, {"down_for", down_for}});
  host.up = false;
  for (uint32_t u = 0; u < units.size(); ++u)
    if (units[u].host == h) stop_unit(u, rec, UnitState::host_down);
  if (sc.proxy && sc.proxy->host == host.name) {
    w.proxy_up = false;
    ++w.proxy_restarts;
  }
  w.engine.schedule(down_for, [m = this, h, rec] { m->boot(h, rec); });
}

void LifeModel::boot(uint32_t h, RecordId cause) {
  HostState& host = w.hosts[h];
  host.up = true;
  const RecordId rec = emit({.t = w.engine.now(),
                             .kind = kinds::host_boot,
                             .stage = Stage::fault,
                             .actor = host.node,
                             .cause = cause,
                             .reports_failure = true},
                            {{"host", host.name}});
  if (sc.proxy && sc.proxy->host == host.name) {
    // The proxy is a boot-enabled service; starting fresh it reads the certificates on disk.
    w.proxy_up = true;
    reload_proxy(rec);
  }
  for (uint32_t u = 0; u < units.size(); ++u) {
    Unit& unit = units[u];
    if (unit.host != h || unit.state == UnitState::absent) continue;
    const SupervisorSpec& spec = sc.services[unit.service].supervisor;
    bool comes_back = unit.sup.starts_on_boot();
    std::string_view why = "enabled";
    if (spec.kind == SupervisorKind::docker && !sc.hosts[h].enabled_on_boot_docker) {
      comes_back = false;
      why = "docker-daemon-disabled";
    } else if (!comes_back) {
      why = spec.kind == SupervisorKind::none ? "unsupervised" : "not-enabled";
    }
    unit.state = UnitState::down;
    unit.last = emit({.t = w.engine.now(),
                      .kind = comes_back ? kinds::supervisor_boot_start : kinds::supervisor_boot_skip,
                      .stage = Stage::supervisor,
                      .actor = unit.supervisor_node,
                      .proc = unit.workers.front(),
                      .cause = rec,
                      .narration = registered(fmt::format(
                          "{}.{}", comes_back ? kinds::supervisor_boot_start : kinds::supervisor_boot_skip, why)),
                      .state = comes_back ? ProcState::starting : ProcState::none},
                     {{"unit", unit.name},
                      {"supervisor", supervisor_kind_name(spec.kind)},
                      {"policy", unit.sup.policy()},
                      {"enabled", spec.enabled},
                      {"reason", why}});
    if (comes_back) start_unit(u, unit.last, true);
  }
}

}  // namespace deploysim::life
