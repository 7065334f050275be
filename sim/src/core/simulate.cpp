#include "deploysim/simulate.hpp"

#include <algorithm>

#include "core/world.hpp"

namespace deploysim {

Run simulate(const Scenario& scenario, const Options& options) {
  const uint64_t seed = options.seed.value_or(scenario.info.seed);
  const Time end = options.until.value_or(scenario.info.duration);
  World world(scenario, seed, options.level);
  // The models only append records and name nodes while the engine runs: the records can be
  // stored on a second core meanwhile. Ended before the trace is read or moved, and on the way
  // out of an exception.
  struct Background {
    Trace& trace;
    explicit Background(Trace& t, bool on) : trace(t) {
      if (on) trace.begin_background();
    }
    ~Background() { trace.end_background(false); }
  } background(world.trace, options.level != TraceLevel::none);
  install_lifecycle(world);
  install_request_path(world);
  if (!options.progress && !options.cancel) {
    world.engine.run_until(end);
  } else {
    // The same loop as Engine::run_until, with a progress report and a cancel check every few
    // thousand events (an atomic load per batch costs nothing measurable).
    const uint64_t every = std::max<uint64_t>(1, options.progress_every);
    uint64_t batch = 0;
    for (;;) {
      const auto next = world.engine.peek();
      if (!next || *next > end) break;
      world.engine.step();
      if (++batch < every) continue;
      batch = 0;
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
        // The metrics of the part that ran, folded as at the end, so a front end can say what
        // a stopped run found (the command line's partial summary).
        const Time now = world.engine.now();
        for (auto& f : world.on_run_end) f(now);
        world.metrics.slo = scenario.info.slo;
        compute_error_budget(world.metrics);
        world.metrics.events = world.engine.dispatched();
        world.trace.end_background();
        Run run{std::move(world.trace), std::move(world.metrics), seed, now};
        run.cancelled = true;
        run.level = options.level;
        return run;
      }
      if (options.progress) options.progress(world.engine.now(), end);
    }
    world.engine.run_until(end);  // advances now to `end` exactly as the plain path does
    if (options.progress) options.progress(end, end);
  }
  for (auto& f : world.on_run_end) f(end);
  world.metrics.slo = scenario.info.slo;
  compute_error_budget(world.metrics);
  world.metrics.events = world.engine.dispatched();
  world.trace.end_background();
  Run run{std::move(world.trace), std::move(world.metrics), seed, end};
  run.level = options.level;
  return run;
}

}  // namespace deploysim
