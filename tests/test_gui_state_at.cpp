// What the canvas says about a pod's workers during a rolling update (the imported example's
// release at 1 min): a pod the Deployment has not created yet runs no worker, and a pod that
// restarted once shows one restart, not one per worker.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "gui/run/layout.hpp"
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

std::shared_ptr<const Model> run_of(const std::string& file, const std::string& variant = {}) {
  LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file);
  if (base.error) FAIL(base.error->to_string());
  if (variant.empty()) return build_model(std::move(*base.scenario));
  LoadResult v = apply_variant(*base.scenario, variant);
  if (v.error) FAIL(v.error->to_string());
  return build_model(std::move(*v.scenario));
}

// The canvas node of a name ("api/manager").
const NodeInfo& node_named(const Model& m, const std::string& name) {
  for (const NodeInfo& n : m.index.nodes)
    if (n.name == name) return n;
  FAIL("no node ", name);
  return m.index.nodes.front();
}

Messages english() {
  std::string error;
  auto words = Messages::load("en", &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  REQUIRE_MESSAGE(words.has_value(), error);
  return std::move(*words);
}

Messages korean() {
  std::string error;
  auto words = Messages::load("ko", &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
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

// Lesson 08: a worker dies and Uvicorn 0.29's manager does not replace it. The manager records
// the loss (server.worker_lost, with the dead worker's process), but it lives on.
TEST_CASE("a worker's death leaves the Uvicorn manager running") {
  const auto m = run_of("worker-respawn.toml", "uvicorn 0.29 (no respawn)");
  const Messages words = english();
  const NodeInfo& manager = node_named(*m, "api/manager");
  CHECK(manager.proc == ProcId::none);
  for (int64_t t : {59 * sec, 61 * sec, 200 * sec}) {
    INFO("at ", t / sec, " s");
    const ProcView pv = proc_state_at(*m, manager, t, words);
    CHECK(pv.state == ProcState::running);
    CHECK(pv.label == "running");
  }
  CHECK(proc_state_at(*m, node_named(*m, "api/worker-1"), 59 * sec, words).state == ProcState::running);
  CHECK(proc_state_at(*m, node_named(*m, "api/worker-1"), 61 * sec, words).state == ProcState::crashed);
  CHECK(proc_state_at(*m, node_named(*m, "api/worker-2"), 61 * sec, words).state == ProcState::running);
}

// Lesson 09: the OOM killer kills worker-4 every time it comes back; the manager respawns it
// (server.respawn_scheduled, server.respawn) and stays up. Each respawn is a restart, as the
// metrics count them.
TEST_CASE("the manager stays up while one worker waits to be respawned, and respawns count") {
  const auto m = run_of("memory-four-workers.toml");
  const Messages words = english();
  const NodeInfo& manager = node_named(*m, "api/manager");
  const NodeInfo& w4 = node_named(*m, "api/worker-4");
  for (int64_t t : {int64_t{0}, int64_t{250'000'000}, 90 * sec}) {
    INFO("at ", t, " ns");
    const ProcView pv = proc_state_at(*m, manager, t, words);
    CHECK(pv.state == ProcState::running);
    CHECK(pv.next_restart_ns == -1);
    CHECK(pv.restarts == 0);
  }
  CHECK(proc_state_at(*m, w4, 250'000'000, words).state == ProcState::backing_off);
  CHECK(proc_state_at(*m, w4, 250'000'000, words).restarts == 0);
  CHECK(proc_state_at(*m, w4, 1'250'000'000, words).restarts == 2);
  const uint32_t total = proc_state_at(*m, w4, m->index.end_ns, words).restarts;
  CHECK(total == m->run.metrics.restarts);
  CHECK(total > 300);
  CHECK(proc_state_at(*m, node_named(*m, "api/worker-1"), m->index.end_ns, words).restarts == 0);
  std::vector<size_t> all;
  for (size_t k = 0; k < m->index.nodes.size(); ++k)
    if (m->index.nodes[k].name.starts_with("api/worker-")) all.push_back(k);
  CHECK(stack_state_at(*m, all, m->index.end_ns, words).restarts == total);
}

// Lesson 07: systemd restarts the unit 4 times; the 5th start within 10 s is refused (start
// limit), which is no restart. The canvas says "failed" in the learner's words.
TEST_CASE("a start systemd refuses is no restart, and its failed state is translated") {
  const auto m = run_of("crash-loop-supervisors.toml");
  const NodeInfo& worker = node_named(*m, "api/worker-1");
  const ProcView en = proc_state_at(*m, worker, m->index.end_ns, english());
  CHECK(en.state == ProcState::failed);
  CHECK(en.restarts == 4);
  CHECK(en.restarts == m->run.metrics.restarts);
  CHECK(en.label == "failed");
  const Messages ko = korean();
  CHECK(proc_state_at(*m, worker, m->index.end_ns, ko).label == ko.proc_state(ProcState::failed));
  CHECK(proc_state_at(*m, worker, m->index.end_ns, ko).label != "failed");
}

// A supervisor's own name for a state stays as it prints it.
TEST_CASE("kubernetes' CrashLoopBackOff stays as kubectl prints it") {
  const auto m = run_of("crash-loop-supervisors.toml", "kubernetes");
  const Messages ko = korean();
  bool seen = false;
  for (int64_t t = 0; t < m->index.end_ns && !seen; t += sec)
    seen = proc_state_at(*m, node_named(*m, "api/worker-1"), t, ko).label == "CrashLoopBackOff";
  CHECK(seen);
}

// The wait before a restart beside the state, in the learner's unit: 0.5초 in Korean.
TEST_CASE("a worker's status line writes its wait in the learner's unit") {
  const Messages ko = korean();
  const CanvasWords w = canvas_words(ko);
  CHECK(status_label(w.backing_off, 500'000'000, 2, w) == "재시작 대기 0.5초, 재시작 2번");
  CHECK(status_label("running", 0, 0, english_canvas_words) == "running");
  CHECK(status_label("backing off", 1'500'000'000, 1, canvas_words(english())) == "backing off 1.5 s, 1 restart");
}

TEST_CASE("a certificate's time left is read at the playhead, in hours on its last day") {
  // Renewal off: issued 30 days before the start for 90 days, it expires on day 60. The metric has
  // one point a day; at day 59 + 20 h the playhead is 20 h past the last one and 4 h remain.
  const auto m = run_of("cert-renewal.toml", "renewal off");
  REQUIRE(m);
  constexpr int64_t hour = 3600 * sec, day = 24 * hour;
  const auto left = cert_days_left_at(*m, "api.example.test", 59 * day + 20 * hour);
  REQUIRE(left);
  CHECK(*left == doctest::Approx(4.0 / 24).epsilon(1e-6));
  CHECK(cert_label("api.example.test", *left) == "api.example.test: 4 h left");
  CHECK(cert_label("api.example.test", *left, canvas_words(korean())) == "api.example.test: 4시간 남음");
  const auto minutes = cert_days_left_at(*m, "api.example.test", 60 * day - 25 * 60 * sec);
  REQUIRE(minutes);
  CHECK(cert_label("api.example.test", *minutes) == "api.example.test: 25 min left");
  CHECK(cert_label("api.example.test", *minutes, canvas_words(korean())) == "api.example.test: 25분 남음");
  const auto after = cert_days_left_at(*m, "api.example.test", 60 * day + hour);
  REQUIRE(after);
  CHECK(cert_label("api.example.test", *after) == "api.example.test: EXPIRED");
  CHECK(cert_label("api.example.test", *after, canvas_words(korean())) == "api.example.test: 만료됨");
  // Days stay whole days while more than one is left.
  CHECK(cert_label("api.example.test", *cert_days_left_at(*m, "api.example.test", 10 * day + 5 * hour)) ==
        "api.example.test: 49 days left");
}

TEST_CASE("certbot is drawn as the ACME client it is, the ACME server as the CA") {
  const auto m = run_of("cert-renewal.toml", "certbot certonly with a deploy hook");
  REQUIRE(m);
  CHECK(node_label(node_named(*m, "certbot")) == "certbot (ACME client)");
  CHECK(node_label(node_named(*m, "certbot"), canvas_words(korean())) == "certbot (ACME 클라이언트)");
  CHECK(node_label(node_named(*m, "acme-ca")) == "acme-ca (CA)");
}
