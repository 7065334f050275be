// docs/concepts.md maps every point of the study notes (and the topics beyond them) to a lesson
// step: each row's step must exist, land on an event of its lesson's run, and say the quoted words.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "deploysim/lesson.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

struct Row {
  int line = 0;
  std::string section;  // "notes" or "beyond"
  std::string lesson;
  int step = 0;  // 1-based, as the navigator shows it
  std::string says;
};

std::vector<Row> read_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string section, line;
  // A table row with `lesson-id#N` and then "words the step says" in the last column.
  const std::regex row(R"re(^\|.*\| `([0-9a-z-]+)#([0-9]+)` \| "(.*)" \|\s*$)re");
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.starts_with("## ")) section = line.find("study notes") != std::string::npos ? "notes" : "beyond";
    std::smatch m;
    if (std::regex_match(line, m, row)) rows.push_back({n, section, m[1], std::stoi(m[2]), m[3]});
  }
  return rows;
}

}  // namespace

TEST_CASE("docs/concepts.md: every point of the study notes is a lesson step that lands and says it") {
  const std::string doc = std::string(DEPLOYSIM_TEST_DIR) + "/../docs/concepts.md";
  const std::vector<Row> rows = read_rows(doc);
  size_t notes = 0;
  std::set<std::string> lessons_named;
  for (const Row& r : rows) notes += r.section == "notes" ? 1 : 0;
  CHECK(notes >= 40);  // the note's points (some shown by two steps)
  std::map<std::string, std::string> files;
  for (const std::string& f : list_lessons()) files[std::filesystem::path(f).stem().string()] = f;
  std::map<std::string, std::pair<Lesson, Run>> runs;
  for (const Row& r : rows) {
    CAPTURE(r.line);
    CAPTURE(r.lesson);
    CAPTURE(r.step);
    lessons_named.insert(r.lesson);
    REQUIRE_MESSAGE(files.count(r.lesson), "docs/concepts.md:", r.line, ": no lesson ", r.lesson);
    auto it = runs.find(r.lesson);
    if (it == runs.end()) {
      const LessonLoad ll = load_lesson_file(files[r.lesson]);
      REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
      LoadResult sc = load_scenario_file(ll.lesson->scenario_path);
      if (sc.scenario && !ll.lesson->variant.empty()) sc = apply_variant(*sc.scenario, ll.lesson->variant);
      REQUIRE(sc.scenario);
      it = runs.emplace(r.lesson, std::make_pair(*ll.lesson, simulate(*sc.scenario))).first;
    }
    const Lesson& lesson = it->second.first;  // not a structured binding: Clang 14 cannot capture one
    const Run& run = it->second.second;
    REQUIRE_MESSAGE(r.step >= 1, "docs/concepts.md:", r.line, ": steps count from 1");
    REQUIRE_MESSAGE(static_cast<size_t>(r.step) <= lesson.steps.size(), "docs/concepts.md:", r.line, ": ", r.lesson,
                    " has ", lesson.steps.size(), " steps");
    const LessonStep& step = lesson.steps[static_cast<size_t>(r.step - 1)];
    CHECK_MESSAGE(resolve_step_target(run.trace, step.target).has_value(), "docs/concepts.md:", r.line,
                  ": the step's target ", step.target, " is not in the run");
    CHECK_MESSAGE(step.text.find(r.says) != std::string::npos, "docs/concepts.md:", r.line, ": ", r.lesson, "#", r.step,
                  " does not say \"", r.says, "\"; it says: ", step.text);
  }
  // Every shipped lesson is on the map.
  for (const auto& entry : files)
    CHECK_MESSAGE(lessons_named.count(entry.first), entry.first, " is not in docs/concepts.md");
}
