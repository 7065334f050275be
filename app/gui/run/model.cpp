#include "gui/run/model.hpp"

#include <chrono>

namespace deploysim::gui {

std::shared_ptr<const Model> model_from_run(Scenario scenario, Run run) {
  auto m = std::make_shared<Model>();
  m->scenario = std::move(scenario);
  m->run = std::move(run);
  m->index = build_index(m->run.trace, m->scenario, m->run.end);
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

const Model& empty_model() {
  static const Model empty;  // immutable sentinel, not UI state
  return empty;
}

}  // namespace deploysim::gui
