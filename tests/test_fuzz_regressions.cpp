// Every fuzz finding stays fixed: each input in tests/fuzz_regressions/<target>/ (a crash, hang or
// out-of-memory the fuzzers found, kept with its fix), and a few seeds of each target, go through
// the very function the libFuzzer executable calls (fuzz/fuzz_entry.hpp). A broken invariant
// aborts and a memory error crashes under the asan preset, so this test fails as the fuzzer did.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "deploysim/assets.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "fuzz_entry.hpp"
#include "gui/shell/settings.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const fs::path& dir, std::string_view extension = {}) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().filename() != "README.md" &&
        (extension.empty() || e.path().extension() == extension))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string bytes_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Seeds taken from shipped files (scripts/fuzz.sh starts each target's corpus from them).
std::vector<std::string> shipped_seeds(std::string_view target) {
  const fs::path assets = deploysim::assets_dir();
  const fs::path tests = DEPLOYSIM_TEST_DIR;
  if (target == "scenario") {
    std::vector<std::string> out = files_in(tests / "scenarios" / "broken", ".toml");
    out.push_back((assets / "scenarios" / "behind-the-proxy.toml").string());  // has variants
    return out;
  }
  if (target == "simulate") return files_in(assets / "scenarios", ".toml");
  if (target == "lesson") return {(assets / "lessons" / "01-https-request.toml").string()};
  return {};
}

void replay(std::string_view target) {
  const deploysim::fuzz::Target* t = deploysim::fuzz::find_target(target);
  REQUIRE(t != nullptr);
  deploysim::fuzz::warm_up(target);
  std::vector<std::string> inputs = files_in(fs::path(DEPLOYSIM_TEST_DIR) / "fuzz_regressions" / std::string(target));
  const std::vector<std::string> seeds = shipped_seeds(target);
  inputs.insert(inputs.end(), seeds.begin(), seeds.end());
  CHECK_MESSAGE(!inputs.empty(), "no inputs for fuzz target ", target);
  for (const std::string& file : inputs) {
    INFO("fuzz target ", target, ", input ", file);
    const std::string bytes = bytes_of(file);
    CHECK(t->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) == 0);
  }
}

}  // namespace

TEST_CASE("the fuzz targets' findings and seeds replay without a crash or a broken invariant") {
  for (const deploysim::fuzz::Target& t : deploysim::fuzz::targets()) replay(t.name);
}

TEST_CASE("the simulate target runs every shipped scenario's whole first minute, not a part of it") {
  // Its event cap is for inputs far bigger than a lesson's; one the cap cut would be checked only
  // up to the cut. The cap is checked every 1024 events, so a run stops within 1024 past it.
  for (const std::string& file : files_in(fs::path(deploysim::assets_dir()) / "scenarios", ".toml")) {
    INFO("scenario ", file);
    const deploysim::LoadResult r = deploysim::load_scenario_file(file);
    REQUIRE(r.scenario);
    deploysim::Options o;
    o.until = deploysim::s(60);
    o.level = deploysim::TraceLevel::none;
    const deploysim::Run run = deploysim::simulate(*r.scenario, o);
    CHECK_MESSAGE(run.metrics.events + 1024 < deploysim::fuzz::simulate_max_events, run.metrics.events,
                  " events in its first minute: raise simulate_max_events (fuzz/fuzz_entry.hpp)");
  }
}

TEST_CASE("settings.json with a number beyond a double is a located problem, not the end of the GUI") {
  // fuzz_settings' first finding: nlohmann throws out_of_range for 1e400, which nothing caught.
  bool unreadable = false;
  const auto loaded =
      deploysim::gui::parse_settings("{\"presenter\": true,\n  \"speed\": 1e400}", "s.json", &unreadable);
  CHECK(unreadable);  // kept as settings.json.broken by load_settings, as a syntax error is
  CHECK(loaded.problem.starts_with("s.json:2:12: not valid JSON ("));
  CHECK(loaded.problem.find("number overflow") != std::string::npos);
  CHECK_FALSE(loaded.settings.presenter);  // the defaults
}

TEST_CASE("a lesson naming a scenario the file system refuses is a located error, not the end of the program") {
  // fuzz_lesson: a 300-character scenario name made std::filesystem::exists throw (name too long).
  const std::string text = "[lesson]\ntitle = \"T\"\nscenario = \"" + std::string(300, 'x') + ".toml\"\n";
  const deploysim::LessonLoad l = deploysim::load_lesson_text(text, "long.toml");
  REQUIRE(l.error.has_value());
  CHECK(l.error->line == 3);
  CHECK(l.error->message.find("not found") != std::string::npos);
}
