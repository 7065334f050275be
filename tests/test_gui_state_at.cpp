// What the canvas says about a pod's workers during a rolling update (the imported example's
// release at 1 min): a pod the Deployment has not created yet runs no worker, and a pod that
// restarted once shows one restart, not one per worker.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"
#include "gui/run/state_at.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

std::shared_ptr<const Model> release_run() {
  LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/imported-example.toml");
  if (base.error) FAIL(base.error->to_string());
  LoadResult v = apply_variant(*base.scenario, "the next release at 1 min");
  if (v.error) FAIL(v.error->to_string());
  return build_model(std::move(*v.scenario));
}

// The canvas nodes of a unit's workers ("orders-api-7/worker-1", ...).
std::vector<size_t> workers_of(const Model& m, const std::string& unit) {
  std::vector<size_t> out;
  for (size_t k = 0; k < m.index.nodes.size(); ++k)
    if (m.index.nodes[k].role == NodeRole::worker && m.index.nodes[k].name.starts_with(unit + "/worker-"))
      out.push_back(k);
  return out;
}

Messages english() {
  std::string error;
  auto words = Messages::load("en", &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  REQUIRE_MESSAGE(words.has_value(), error);
  return std::move(*words);
}

constexpr int64_t sec = 1'000'000'000;

}  // namespace

TEST_CASE("a pod the rolling update creates later runs no worker before it exists") {
  const auto m = release_run();
  const Messages words = english();
  const std::vector<size_t> late = workers_of(*m, "orders-api-7");  // created at 69 s
  REQUIRE(late.size() == 4);
  for (int64_t t : {int64_t{0}, 30 * sec, 64 * sec}) {
    const StackState st = stack_state_at(*m, late, t, words);
    INFO("at ", t / sec, " s");
    REQUIRE(st.counts.size() == 1);
    CHECK(st.counts[0].first == "no pod yet");
    CHECK(st.counts[0].second == 4);
    CHECK(st.restarts == 0);
  }
  // Once created, every worker starts, then runs.
  const StackState later = stack_state_at(*m, late, 100 * sec, words);
  REQUIRE(later.counts.size() == 1);
  CHECK(later.counts[0].first == "running");
  // The pods that were there from the start run from the first moment.
  const StackState first = stack_state_at(*m, workers_of(*m, "orders-api-3"), 0, words);
  REQUIRE(first.counts.size() == 1);
  CHECK(first.counts[0].first == "running");
}

TEST_CASE("a pod restarted once counts one restart, not one per worker") {
  const auto m = release_run();
  const Messages words = english();
  // orders-api-6's migration fails at 64 s and Kubernetes restarts the pod once.
  const std::vector<size_t> pod = workers_of(*m, "orders-api-6");
  REQUIRE(pod.size() == 4);
  CHECK(stack_state_at(*m, pod, 63 * sec, words).restarts == 0);
  for (int64_t t : {64 * sec, 70 * sec, 110 * sec}) {
    INFO("at ", t / sec, " s");
    CHECK(stack_state_at(*m, pod, t, words).restarts == 1);
  }
  CHECK(m->run.metrics.restarts == 1);
}

TEST_CASE("an old pod the rolling update scaled down shows as deleted once it has stopped") {
  const auto m = release_run();
  const Messages words = english();
  // orders-api-2 is scaled down at 69 s; its preStop sleep lasts 5 s, then SIGTERM.
  const std::vector<size_t> old = workers_of(*m, "orders-api-2");
  REQUIRE(old.size() == 4);
  const StackState serving = stack_state_at(*m, old, 68 * sec, words);
  REQUIRE(serving.counts.size() == 1);
  CHECK(serving.counts[0].first == "running");
  const StackState gone = stack_state_at(*m, old, 110 * sec, words);
  REQUIRE(gone.counts.size() == 1);
  CHECK(gone.counts[0].first == "pod deleted");
  CHECK(gone.counts[0].second == 4);
}
