#include "deploysim/simulate.hpp"

#include "deploysim/world.hpp"

namespace deploysim {

Run simulate(const Scenario& scenario, const Options& options) {
  const uint64_t seed = options.seed.value_or(scenario.info.seed);
  const Time end = options.until.value_or(scenario.info.duration);
  World world(scenario, seed, options.level);
  install_lifecycle(world);
  install_request_path(world);
  world.engine.run_until(end);
  for (auto& f : world.on_run_end) f(end);
  world.metrics.slo = scenario.info.slo;
  compute_error_budget(world.metrics);
  world.metrics.events = world.engine.dispatched();
  Run run{std::move(world.trace), std::move(world.metrics), seed, end};
  return run;
}

}  // namespace deploysim
