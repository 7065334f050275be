#pragma once
#include <memory>
#include <string>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "gui/run/trace_index.hpp"

namespace deploysim::gui {

/// One simulated scenario as the panels see it: immutable once built (shared between the UI
/// thread and the worker that built it).
struct Model {
  Scenario scenario;   ///< The scenario that was run (with what-if overrides applied).
  Run run;             ///< Its trace and metrics.
  TraceIndex index;    ///< Lookups over the trace.
  double build_seconds = 0;  ///< Wall time of simulate + index (shown in the status bar).
};

/// Simulates a scenario and indexes the trace (pure; runs on a worker thread). `options` carries
/// the progress callback and cancel flag; a cancelled run returns nullptr.
std::shared_ptr<const Model> build_model(Scenario scenario, const Options& options = {});
/// Wraps an already-built run (tests, benchmarks).
std::shared_ptr<const Model> model_from_run(Scenario scenario, Run run);
/// An empty model (nothing open yet).
const Model& empty_model();

}  // namespace deploysim::gui
