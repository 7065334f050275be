// Saving what-if changes as a scenario file: the saved text loads back to the same run (trace
// fingerprint) as the what-if did, keeps the original file's comments, and says what changed.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/scenario_write.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

const std::string scenarios = std::string(DEPLOYSIM_TEST_DIR) + "/../assets/scenarios/";

Scenario load(const std::string& name) {
  LoadResult r = load_scenario_file(scenarios + name);
  if (r.error) FAIL(r.error->to_string());
  return std::move(*r.scenario);
}

Scenario with(const Scenario& base, const std::vector<std::pair<std::string, std::string>>& changes) {
  Scenario sc = base;
  for (const auto& [path, value] : changes) {
    LoadResult r = set_param(sc, path, value);
    if (r.error) FAIL(r.error->to_string());
    sc = std::move(*r.scenario);
  }
  return sc;
}

Scenario variant(const Scenario& base, const std::string& name) {
  LoadResult r = apply_variant(base, name);
  if (r.error) FAIL(r.error->to_string());
  return std::move(*r.scenario);
}

// Saves `whatif`, loads the text back, and checks that both runs are the same run and that it
// differs from the original file's run (so the comparison means something).
ScenarioText saved_and_checked(const Scenario& original, const Scenario& whatif, bool korean = false) {
  std::string error;
  const auto words = Messages::load(korean ? "ko" : "en", &error);
  REQUIRE_MESSAGE(words, error);
  const ScenarioText saved = write_scenario_text(whatif, *words);
  if (saved.error) FAIL(saved.error->to_string());
  LoadResult back = load_scenario_text(saved.text, whatif.source_path);
  if (back.error) FAIL(back.error->to_string() << "\n" << saved.text);
  const std::string want = simulate(whatif).trace.fingerprint_hex();
  CHECK_MESSAGE(simulate(*back.scenario).trace.fingerprint_hex() == want, saved.text);
  CHECK(simulate(original).trace.fingerprint_hex() != want);
  CHECK(back.scenario->overrides.empty());
  return saved;
}

}  // namespace

TEST_CASE("a saved what-if loads back to the same run, written into the original text") {
  const Scenario base = load("basic-https.toml");
  SUBCASE("values the file writes are replaced where they are, with the old value noted") {
    const ScenarioText saved = saved_and_checked(
        base,
        with(base, {{"service.api.workers", "1"}, {"dns.resolver.cache", "false"}, {"network.latency", "\"80ms\""}}));
    CHECK_FALSE(saved.rewritten);
    CHECK(saved.text.find("workers = 1  # what-if: was 2") != std::string::npos);
    CHECK(saved.text.find("cache = false  # what-if: was true") != std::string::npos);
    CHECK(saved.text.find("#   network.latency = \"80ms\"  (was \"20ms\")") != std::string::npos);
    // The teacher's own comments stay.
    CHECK(saved.text.find("# The seed notes' journey, step by step") != std::string::npos);
  }
  SUBCASE("a key the file leaves at its default is added to its table") {
    const ScenarioText saved = saved_and_checked(base, variant(base, "no keep-alive"));
    CHECK_FALSE(saved.rewritten);
    CHECK(saved.text.find("keep_alive = false  # what-if: added") != std::string::npos);
  }
  SUBCASE("the comments are Korean when the window is") {
    const ScenarioText saved = saved_and_checked(base, with(base, {{"service.api.workers", "1"}}), true);
    CHECK(saved.text.find("# 바꾼 값:") != std::string::npos);
    CHECK(saved.text.find("workers = 1  # 가정 실험: 원래 값 2") != std::string::npos);
  }
}

TEST_CASE("a saved variant and inline-table what-ifs load back to the same run") {
  SUBCASE("a variant that replaces an inline table") {
    const Scenario base = load("crash-loop-supervisors.toml");
    const ScenarioText saved = saved_and_checked(base, variant(base, "docker always"));
    CHECK_FALSE(saved.rewritten);
    CHECK(saved.text.find("supervisor = { kind = \"docker\", restart = \"always\" }  # what-if: was") !=
          std::string::npos);
  }
  SUBCASE("a key added inside an inline table, and a value changed inside one") {
    const Scenario base = load("crash-loop-supervisors.toml");
    const ScenarioText saved = saved_and_checked(base, with(base, {{"service.api.supervisor.restart_sec", "\"5s\""},
                                                                   {"service.api.service_time.median", "\"80ms\""}}));
    CHECK_FALSE(saved.rewritten);
    CHECK(saved.text.find("restart_sec = \"5s\" }") != std::string::npos);
  }
  SUBCASE("a variant that adds an array of tables the file does not have") {
    const Scenario base = load("cert-renewal.toml");
    const ScenarioText saved = saved_and_checked(base, variant(base, "port 80 blocked"));
    CHECK_FALSE(saved.rewritten);
    CHECK(saved.text.find("fault = [") != std::string::npos);
  }
  SUBCASE("a certificate addressed by its domain") {
    const Scenario base = load("cert-lifetimes.toml");
    const ScenarioText saved = saved_and_checked(base, variant(base, "6-day certificate, renewal off"));
    CHECK_FALSE(saved.rewritten);
  }
}

TEST_CASE("a saved what-if whose summary comments would break the file still loads back") {
  const Scenario base = load("basic-https.toml");
  // The header repeats the scenario's name and each changed value as comments: a name with a
  // line break, and a Korean value shortened there, must stay one comment line of UTF-8.
  const std::string long_ko = "\"가나다라마바사아자차카타파하가나다라마바사아자차카타파하\"";
  const ScenarioText saved = saved_and_checked(base, with(base, {{"service.api.workers", "1"},
                                                                 {"scenario.name", "\"Two\\nlines\\u0001\""},
                                                                 {"scenario.description_ko", long_ko}}));
  CHECK(saved.text.find("Two lines ") != std::string::npos);
  CHECK(saved.text.find("#   scenario.description_ko = \"가나다라마바사아자차카타파하가나다라...") !=
        std::string::npos);
}

TEST_CASE("a what-if that a file would refuse is not saved, and says why") {
  // Lowering `workers` below a fault's worker is a what-if the model answers (the fault's
  // target is gone), but in a file the same fault is a typo the loader refuses.
  const Scenario base = load("worker-respawn.toml");
  const Scenario fewer = with(base, {{"service.api.workers", "2"}});
  std::string error;
  const auto en = Messages::load("en", &error), ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE((en && ko), error);
  const ScenarioText saved = write_scenario_text(fewer, *en);
  REQUIRE(saved.error);
  CHECK(saved.text.empty());
  CHECK(saved.error->to_string(*en).find("cannot be saved as a file that opens again: fault target 'api/worker-3'") !=
        std::string::npos);
  CHECK(saved.error->to_string(*ko).find("이 가정 실험은 다시 열리는 파일로 저장할 수 없습니다") != std::string::npos);
  // Four workers again: every fault has its target, and the file saves.
  saved_and_checked(base, with(fewer, {{"service.api.workers", "4"}, {"service.api.server_version", "\"0.29.0\""}}));
}
