// Wires the lifecycle models into the World: builds one unit per service replica, installs the
// deploy, certificate and fault models, and folds the gauges into Metrics at the end of a run.
#include <fmt/format.h>
#include <memory>

#include "lifecycle/lifecycle_model.hpp"

namespace deploysim {

namespace life {

LifeModel::LifeModel(World& world) : w(world), sc(world.scenario) {
  workers.resize(w.processes.size());
  services.resize(sc.services.size());
  certs.resize(sc.certificates.size());
  memory_events.resize(w.hosts.size());
  for (const Process& p : w.processes) {
    uint32_t u = 0;
    while (u < units.size() && !(units[u].service == p.service && units[u].replica == p.replica)) ++u;
    if (u == units.size()) {
      const ServiceSpec& svc = sc.services[p.service];
      Unit unit(svc.supervisor);
      unit.service = p.service;
      unit.replica = p.replica;
      unit.host = p.host;
      unit.name = p.replica == 0 ? svc.name : fmt::format("{}-{}", svc.name, p.replica + 1);
      unit.node = svc.workers > 1 ? w.trace.node(fmt::format("{}/manager", unit.name), NodeRole::worker,
                                                 static_cast<int32_t>(p.host))
                                  : p.node;
      const std::string_view tool = supervisor_info(svc.supervisor.kind).node;
      unit.supervisor_node = w.trace.node(fmt::format("{}/{}", w.hosts[p.host].name, tool), NodeRole::supervisor,
                                          static_cast<int32_t>(p.host));
      units.push_back(std::move(unit));
    }
    units[u].workers.push_back(p.id);
    WorkerLife& wl = workers[raw(p.id)];
    wl.unit = u;
    wl.base_rss = p.rss;
    wl.rng = w.rng(p.name.c_str());
    if (p.replica >= w.replicas(p.service)) {  // a spare pod place (World): nothing runs there yet
      units[u].state = UnitState::absent;
      units[u].ready = false;
      wl.alive = false;
    }
  }
  limit_events.resize(units.size());
}

RecordId LifeModel::emit(const RecordSpec& spec, std::initializer_list<FieldArg> fields) {
  return emit_fields(spec, std::span<const FieldArg>(fields.begin(), fields.size()));
}

RecordId LifeModel::emit_fields(const RecordSpec& spec, std::span<const FieldArg> fields) {
  if (!w.tracing(true)) return RecordId::none;
  return w.trace.append(spec, fields);
}

void LifeModel::finish_metrics(Time end) {
  for (Unit& unit : units)
    if (unit.state == UnitState::backing_off) {
      w.metrics.time_in_backoff += end - unit.waiting_since;
      backoff_spans.emplace_back(unit.waiting_since, end);
    }
  fill_lifecycle_series(end);
  for (uint32_t h = 0; h < w.hosts.size(); ++h) {
    sample_memory(h);
  }
  // Certificate days left as the clients see it (the serving certificate): one point a day for
  // long runs, plus one at every change.
  const Time every = end >= days(2) ? days(1) : std::max(end / 100, s(1));
  for (uint32_t c = 0; c < certs.size(); ++c) {
    auto& series = w.metrics.cert_days_left[sc.certificates[c].domain];
    const auto& hist = certs[c].serving_history;
    size_t i = 0;
    auto point = [&](Time t) {
      while (i + 1 < hist.size() && hist[i + 1].first <= t) ++i;
      series.push_back({t, static_cast<double>((hist[i].second - t).ns()) / static_cast<double>(days(1).ns())});
    };
    size_t next_change = 1;
    for (Time t; t <= end; t += every) {
      while (next_change < hist.size() && hist[next_change].first < t) point(hist[next_change++].first);
      point(t);
    }
  }
}

// Restarts and back-off per availability window, so they plot beside availability.
void LifeModel::fill_lifecycle_series(Time end) {
  Metrics& m = w.metrics;
  const Time win = m.availability_window;
  const size_t windows = end > Time{} ? static_cast<size_t>((end - ns(1)) / win) + 1 : 0;
  m.restarts_over_time.assign(windows, {});
  m.backoff_over_time.assign(windows, {});
  for (size_t i = 0; i < windows; ++i) {
    m.restarts_over_time[i].t = m.backoff_over_time[i].t = win * static_cast<int64_t>(i);
  }
  for (Time t : restart_times) {
    const auto i = static_cast<size_t>(t / win);
    if (i < windows) m.restarts_over_time[i].value += 1;
  }
  for (auto [from, to] : backoff_spans) {
    for (auto i = static_cast<size_t>(from / win); i < windows && win * static_cast<int64_t>(i) < to; ++i) {
      const Time lo = std::max(from, win * static_cast<int64_t>(i));
      const Time hi = std::min(to, win * static_cast<int64_t>(i + 1));
      if (hi > lo) m.backoff_over_time[i].value += (hi - lo).seconds();
    }
  }
}

}  // namespace life

void install_lifecycle(World& world) {
  auto model = std::make_shared<life::LifeModel>(world);
  model->install_deploy();
  model->install_certs();
  model->install_faults();
  model->schedule_sampling();
  for (uint32_t h = 0; h < world.hosts.size(); ++h) model->memory_changed(h);
  world.on_run_end.push_back([model](Time end) { model->finish_metrics(end); });
  world.on_process_drained.push_back([model](ProcId p) { model->worker_drained(p); });
}

}  // namespace deploysim
