// The GUI's Session runs every load and simulation on a worker thread while the UI thread polls,
// cancels and queues newer work. These tests drive it the way the window does (no window needed),
// and the tsan preset runs them under ThreadSanitizer.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gui/run/session.hpp"

using namespace deploysim;
using deploysim::gui::Session;

namespace {

std::string asset(const std::string& name) { return std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + name; }

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A scratch copy of a shipped scenario the test may edit.
struct ScratchScenario {
  std::filesystem::path dir;
  std::filesystem::path file;
  explicit ScratchScenario(const std::string& name) {
    dir = std::filesystem::temp_directory_path() /
          ("deploysim-session-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir);
    file = dir / name;
    std::filesystem::copy_file(asset(name), file);
  }
  ~ScratchScenario() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("a scenario opens on the worker and arrives at the UI thread") {
  Session s;
  s.open(asset("basic-https.toml"));
  CHECK(s.busy());
  const Session::Arrival a = s.wait_idle();
  CHECK(a.model);
  CHECK_FALSE(a.failed);
  CHECK_FALSE(s.busy());
  CHECK(s.error().empty());
  CHECK(s.model().run.metrics.requests > 0);
  CHECK(s.path() == asset("basic-https.toml"));
}

TEST_CASE("what-if edits in quick succession: the last one wins, earlier runs are dropped") {
  Session s;
  s.open(asset("loaded-workers.toml"));
  s.wait_idle();
  REQUIRE(s.error().empty());
  const uint64_t before = s.model().run.trace.fingerprint();
  // Edits arrive faster than runs finish, as when a slider is dragged.
  for (int workers = 1; workers <= 6; ++workers) s.set_param("service.api.workers", std::to_string(workers));
  s.wait_idle();
  CHECK(s.error().empty());
  REQUIRE_FALSE(s.overrides().empty());
  CHECK(s.overrides().back().second == "6");
  CHECK(s.model().scenario.services.at(0).workers == 6);
  CHECK(s.model().run.trace.fingerprint() != before);
}

TEST_CASE("Cancel stops the running job and keeps what was open") {
  Session s;
  s.open(asset("loaded-workers.toml"));
  s.wait_idle();
  REQUIRE(s.error().empty());
  const uint64_t shown = s.model().run.trace.fingerprint();
  s.set_param("scenario.duration", "\"2h\"");
  REQUIRE(s.busy());
  // Poll as the frame loop does, reading progress from the worker, then cancel.
  for (int i = 0; i < 3 && s.busy(); ++i) {
    const double p = s.progress();
    CHECK(p >= 0.0);
    CHECK(p <= 1.0);
    s.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  s.cancel();
  s.wait_idle();
  CHECK_FALSE(s.busy());
  CHECK(s.model().run.trace.fingerprint() == shown);  // the previous run stays on screen
  CHECK(s.error().empty());
}

TEST_CASE("a file changed on disk is re-read; a broken edit keeps the run") {
  ScratchScenario scratch("basic-https.toml");
  Session s;
  s.open(scratch.file.string());
  s.wait_idle();
  REQUIRE(s.error().empty());
  const uint64_t first = s.model().run.trace.fingerprint();
  const std::string text = read_all(scratch.file.string());
  const auto at = text.find("duration = \"1m\"");
  REQUIRE(at != std::string::npos);
  {
    // A shorter run: the window must show the new one.
    std::string edited = text;
    edited.replace(at, std::string("duration = \"1m\"").size(), "duration = \"20s\"");
    std::ofstream(scratch.file) << edited;
  }
  std::filesystem::last_write_time(scratch.file,
                                   std::filesystem::last_write_time(scratch.file) + std::chrono::seconds(2));
  s.watch_file(true);
  s.wait_idle();
  CHECK(s.error().empty());
  const uint64_t second = s.model().run.trace.fingerprint();
  CHECK(second != first);

  std::ofstream(scratch.file) << "[scenario\nname = ";
  std::filesystem::last_write_time(scratch.file,
                                   std::filesystem::last_write_time(scratch.file) + std::chrono::seconds(4));
  s.watch_file(true);
  s.wait_idle();
  CHECK_FALSE(s.error().empty());
  CHECK(s.error().find(scratch.file.filename().string()) != std::string::npos);
  CHECK(s.model().run.trace.fingerprint() == second);
}

TEST_CASE("a comparison follows what-ifs of its file and ends when another file opens") {
  Session s;
  s.open(asset("basic-https.toml"));
  s.wait_idle();
  REQUIRE(s.error().empty());
  s.compare("resolver without cache");
  s.wait_idle();
  REQUIRE(s.compare_model());
  s.set_param("service.api.workers", "3");
  s.wait_idle();
  CHECK(s.compare_variant() == "resolver without cache");
  CHECK(s.compare_model());
  // Another scenario has variants of its own: its metrics are not set beside the last one's,
  // and no error says a variant is missing.
  s.open(asset("memory-four-workers.toml"));
  s.wait_idle();
  CHECK(s.error().empty());
  CHECK(s.compare_variant().empty());
  CHECK_FALSE(s.compare_model());
  // Asking for a variant the scenario does not have turns compare off.
  s.compare("resolver without cache");
  s.wait_idle();
  CHECK_FALSE(s.error().empty());
  CHECK(s.compare_variant().empty());
  CHECK_FALSE(s.compare_model());
}
