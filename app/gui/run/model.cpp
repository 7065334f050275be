#include "gui/run/model.hpp"

#include <algorithm>
#include <chrono>
#include <map>

namespace deploysim::gui {

namespace {

// A big what-if has a million responses: computed once, when the run is built.
LatencyWindows latency_windows(const Run& run) {
  LatencyWindows out;
  const Trace& trace = run.trace;
  const auto& avail = run.metrics.availability;
  const int64_t window = avail.size() >= 2 ? avail[1].t.ns() - avail[0].t.ns() : std::max<int64_t>(1, run.end.ns());
  std::map<int64_t, std::vector<int64_t>> by_window;
  for (const Record& r : trace.records())
    if (r.outcome == Outcome::ok) by_window[r.t_ns / window].push_back(trace.detail_int(r, "latency"));
  for (auto& [w, samples] : by_window) {
    std::vector<int64_t>& v = samples;  // lambdas may not capture structured bindings before C++20 in Clang 14
    auto pick = [&](double q) {
      const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5));
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
      return static_cast<float>(static_cast<double>(v[k]) / 1e6);
    };
    out.t.push_back(static_cast<float>(static_cast<double>(w * window) / 1e9));
    out.p50_ms.push_back(pick(0.50));
    out.p99_ms.push_back(pick(0.99));
  }
  return out;
}

// The model before the first scenario opens.
const Model empty;

}  // namespace

std::shared_ptr<const Model> model_from_run(Scenario scenario, Run run) {
  auto m = std::make_shared<Model>();
  m->scenario = std::move(scenario);
  m->run = std::move(run);
  m->index = build_index(m->run.trace, m->run.end);
  m->latency = latency_windows(m->run);
  return m;
}

std::shared_ptr<const Model> build_model(Scenario scenario, const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  Run run = simulate(scenario, options);
  if (run.cancelled) return nullptr;
  auto m = std::const_pointer_cast<Model>(model_from_run(std::move(scenario), std::move(run)));
  m->build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

const Model& empty_model() { return empty; }

}  // namespace deploysim::gui
