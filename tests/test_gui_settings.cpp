// settings.json, the user's saved GUI settings: what a hand-edited file with a mistake does at
// launch (it never stops the program; the mistake is named with its line and column).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include <unistd.h>

#include "deploysim/lesson.hpp"
#include "gui/shell/settings.hpp"
#include "gui/widgets/lessons.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

struct ConfigDir {
  std::string path = "/tmp/deploysim_test_settings_" + std::to_string(getpid());
  ConfigDir() { std::filesystem::create_directories(path); }
  ~ConfigDir() { std::filesystem::remove_all(path); }
  void write(const std::string& text) const { std::ofstream(path + "/settings.json") << text; }
};

}  // namespace

TEST_CASE("saved settings come back as they were saved, and no file gives the defaults") {
  ConfigDir dir;
  LoadedSettings none = load_settings(dir.path);
  CHECK(none.problem.empty());
  CHECK_FALSE(none.settings.presenter);
  CHECK(none.settings.language.empty());  // not chosen: the system's language at start
  Settings s;
  s.presenter = true;
  s.font_scale = 1.75f;
  s.speed = 250.0;
  s.stage_filter = 0b101;
  s.last_scenario = "/home/teacher/my scenario.toml";
  s.show_trails = false;
  s.language = "ko";
  REQUIRE(save_settings(dir.path, s));
  const LoadedSettings back = load_settings(dir.path);
  CHECK(back.problem.empty());
  CHECK(back.settings.presenter);
  CHECK(back.settings.font_scale == 1.75f);
  CHECK(back.settings.speed == 250.0);
  CHECK(back.settings.stage_filter == 0b101u);
  CHECK(back.settings.last_scenario == "/home/teacher/my scenario.toml");
  CHECK_FALSE(back.settings.show_trails);
  CHECK(back.settings.language == "ko");
}

TEST_CASE("a key of the wrong type keeps its default and is named with its line and column") {
  ConfigDir dir;
  dir.write("{\n  \"speed\": 10,\n  \"presenter\": \"yes\",\n  \"language\": \"ko\"\n}\n");
  const LoadedSettings l = load_settings(dir.path);
  CHECK_FALSE(l.settings.presenter);
  CHECK(l.settings.speed == 10.0);  // the good keys still count
  CHECK(l.settings.language == "ko");
  CHECK(l.problem.find("settings.json:3:3:") != std::string::npos);
  CHECK(l.problem.find("\"presenter\" should be true or false") != std::string::npos);
}

TEST_CASE("an unknown key or language is reported, the rest is read") {
  ConfigDir dir;
  dir.write("{\"presentor\": true, \"font_scale\": 9}");
  LoadedSettings l = load_settings(dir.path);
  CHECK(l.problem.find("settings.json:1:2: \"presentor\"") != std::string::npos);
  CHECK(l.settings.font_scale == 3.0f);  // clamped
  dir.write("{\"language\": \"fr\"}");
  l = load_settings(dir.path);
  CHECK(l.settings.language.empty());
  CHECK(l.problem.find("\"language\" should be one of en, ko in quotes (assets/i18n)") != std::string::npos);
}

TEST_CASE("a file that is not JSON gives the defaults, its position, and is kept aside") {
  ConfigDir dir;
  dir.write("{\n  \"presenter\": true,\n  \"speed\": 12,,\n}\n");
  const LoadedSettings l = load_settings(dir.path);
  CHECK_FALSE(l.settings.presenter);
  CHECK(l.problem.find("settings.json:3:15:") != std::string::npos);
  CHECK(l.problem.find("not valid JSON") != std::string::npos);
  CHECK(std::filesystem::exists(dir.path + "/settings.json.broken"));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/settings.json"));
}

// The learner's course progress, kept beside the other settings.

TEST_CASE("course progress survives saving and loading the settings") {
  ConfigDir dir;
  Settings s;
  s.language = "ko";
  s.progress["06-start-on-boot"].done = true;
  s.progress["07-restarts"].answers = {{0, true}, {3, false}};
  s.progress["08-replication"] = {.done = true, .answers = {{1, true}, {2, true}}};
  REQUIRE(save_settings(dir.path, s));
  const LoadedSettings back = load_settings(dir.path);
  CHECK(back.problem.empty());
  CHECK(back.settings.language == "ko");
  REQUIRE(back.settings.progress.size() == 3);
  CHECK(back.settings.progress.at("06-start-on-boot").done);
  CHECK(back.settings.progress.at("06-start-on-boot").answers.empty());
  CHECK_FALSE(back.settings.progress.at("07-restarts").done);
  CHECK(back.settings.progress.at("07-restarts").answers == std::map<int, bool>{{0, true}, {3, false}});
  CHECK(back.settings.progress == s.progress);
}

TEST_CASE("a settings file from before progress existed loads with no progress and no complaint") {
  ConfigDir dir;
  dir.write(
      "{\n  \"presenter\": true,\n  \"font_scale\": 1.5,\n  \"speed\": 10,\n  \"stage_filter\": 127,\n"
      "  \"last_scenario\": \"\",\n  \"show_trails\": true,\n  \"language\": \"ko\"\n}\n");
  const LoadedSettings l = load_settings(dir.path);
  CHECK(l.problem.empty());
  CHECK(l.settings.presenter);
  CHECK(l.settings.language == "ko");
  CHECK(l.settings.progress.empty());
}

TEST_CASE("a mistake in the progress is located and the rest of it is kept") {
  ConfigDir dir;
  dir.write(
      "{\n  \"language\": \"ko\",\n  \"progress\": {\n    \"06-start-on-boot\": {\"done\": true},\n"
      "    \"07-restarts\": {\"done\": \"yes\", \"answers\": {\"1\": true, \"x\": true}}\n  }\n}\n");
  const LoadedSettings l = load_settings(dir.path);
  CHECK(l.settings.language == "ko");
  CHECK(l.settings.progress.at("06-start-on-boot").done);
  CHECK_FALSE(l.settings.progress.at("07-restarts").done);
  CHECK(l.settings.progress.at("07-restarts").answers == std::map<int, bool>{{1, true}});
  CHECK(l.problem.find("settings.json:5:59: \"x\" should be a step number") != std::string::npos);
  // A key that is also in an earlier lesson is named at its own place (line 5, not line 4).
  dir.write(
      "{\n  \"progress\": {\n    \"06-start-on-boot\": {\"done\": true},\n    \"07-restarts\": {\"done\": 1}\n  "
      "}\n}\n");
  CHECK(load_settings(dir.path).problem.find("settings.json:4:21: \"done\" should be") != std::string::npos);

  dir.write("{\"progress\": [\"06-start-on-boot\"]}");
  const LoadedSettings list = load_settings(dir.path);
  CHECK(list.settings.progress.empty());
  CHECK(list.problem.find("settings.json:1:2: \"progress\" should be an object") != std::string::npos);
}

TEST_CASE("the outline says done, right answers out of the lesson's questions, or '-'") {
  std::string error;
  const auto en = Messages::load("en", &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  const auto ko = Messages::load("ko", &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  REQUIRE(en);
  REQUIRE(ko);
  Lesson lesson;
  lesson.id = "07-restarts";
  lesson.steps.resize(4);
  CHECK(progress_text(lesson, nullptr, *en) == "-");
  LessonProgress p;
  p.done = true;
  CHECK(progress_text(lesson, &p, *en) == "done");
  CHECK(progress_text(lesson, &p, *ko) == "완료");
  lesson.steps[1].question.emplace();
  lesson.steps[3].question.emplace();
  p.answers = {{1, true}, {3, false}};
  CHECK(progress_text(lesson, &p, *en) == "done, 1/2 right");
  // The course list stacks them: "완료, 1/2 정답" on one line cut a 1024 px panel's last column.
  CHECK(progress_lines(lesson, &p, *ko) == std::vector<std::string>{"완료", "1/2 정답"});
  p.done = false;
  p.answers[3] = true;  // the latest answer counts
  CHECK(progress_text(lesson, &p, *ko) == "2/2 정답");
}

TEST_CASE("recent files persist newest first, bounded, and files that are gone are dropped") {
  ConfigDir dir;
  Settings s;
  std::vector<std::string> files;
  for (int i = 0; i < 12; ++i) {
    files.push_back(dir.path + "/lesson-" + std::to_string(i) + ".toml");
    std::ofstream(files.back()) << "[lesson]\n";
    add_recent(s, files.back());
  }
  add_recent(s, files[5]);  // opened again: back on top, not twice
  REQUIRE(s.recent.size() == max_recent);
  CHECK(s.recent[0] == files[5]);
  CHECK(s.recent[1] == files[11]);
  CHECK(std::count(s.recent.begin(), s.recent.end(), files[5]) == 1);
  CHECK(std::find(s.recent.begin(), s.recent.end(), files[0]) == s.recent.end());  // the oldest fell off
  REQUIRE(save_settings(dir.path, s));
  std::filesystem::remove(files[11]);
  const LoadedSettings back = load_settings(dir.path);
  CHECK(back.problem.empty());
  REQUIRE(back.settings.recent.size() == max_recent - 1);
  CHECK(back.settings.recent[0] == files[5]);
  CHECK(back.settings.recent[1] == files[10]);
  CHECK(std::find(back.settings.recent.begin(), back.settings.recent.end(), files[11]) == back.settings.recent.end());
}

TEST_CASE("the language: --lang, then the saved choice, then the system's (LANG)") {
  struct Env {  // sets LC_ALL/LC_MESSAGES/LANG for the test, restores them after
    std::vector<std::pair<std::string, std::optional<std::string>>> old;
    explicit Env(std::initializer_list<std::pair<const char*, const char*>> vars) {
      for (const char* v : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* was = std::getenv(v);
        old.emplace_back(v, was ? std::optional<std::string>(was) : std::nullopt);
        unsetenv(v);
      }
      for (const auto& [k, v] : vars) setenv(k, v, 1);
    }
    ~Env() {
      for (const auto& [k, v] : old)
        if (v)
          setenv(k.c_str(), v->c_str(), 1);
        else
          unsetenv(k.c_str());
    }
  };
  {
    Env env{{"LANG", "ko_KR.UTF-8"}};
    CHECK(choose_language("", "") == "ko");
    CHECK(choose_language("", "en") == "en");
    CHECK(choose_language("en", "ko") == "en");
  }
  {
    Env env{{"LANG", "ko_KR.UTF-8"}, {"LC_ALL", "C"}};  // LC_ALL overrides LANG
    CHECK(choose_language("", "") == "en");
  }
  {
    Env env{{"LANG", "fr_FR.UTF-8"}};  // no French catalogue: English
    CHECK(choose_language("", "") == "en");
    CHECK(choose_language("ko", "") == "ko");
  }
  {
    Env env{};
    CHECK(choose_language("", "") == "en");
  }
}
