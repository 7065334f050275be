// The course around the lessons: each lesson's objectives, minutes and prerequisites, and the
// order the lesson browser shows them in.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <fmt/format.h>

#include "deploysim/lesson.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

std::string write_lesson(const std::string& name, const std::string& course_keys) {
  const auto dir = std::filesystem::temp_directory_path() / "deploysim-test-course";
  std::filesystem::create_directories(dir);
  const auto path = (dir / (name + ".toml")).string();
  std::ofstream(path) << "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\n" << course_keys;
  return path;
}

LessonLoad load(const std::string& name, const std::string& course_keys) {
  static const SourceCatalogue none;
  return load_lesson_file(write_lesson(name, course_keys), &none);
}

Lesson named(const std::string& id, std::vector<std::string> prerequisites = {}) {
  Lesson l;
  l.id = id;
  l.prerequisites = std::move(prerequisites);
  return l;
}

}  // namespace

TEST_CASE("a lesson's objectives, minutes and prerequisites load") {
  const LessonLoad ll = load("course-ok",
                             "minutes = 15\nprerequisites = [\"01-https-request\", \"06-start-on-boot\"]\n"
                             "objectives = [\"Explain A.\", \"Configure B.\"]\n"
                             "objectives_ko = [\"A를 설명할 수 있다.\", \"B를 설정할 수 있다.\"]\n");
  REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
  CHECK(ll.lesson->minutes == 15);
  CHECK(ll.lesson->prerequisites == std::vector<std::string>{"01-https-request", "06-start-on-boot"});
  CHECK(ll.lesson->objectives == std::vector<std::string>{"Explain A.", "Configure B."});
  CHECK(ll.lesson->objectives_ko.at(1) == "B를 설정할 수 있다.");
  // All four are optional.
  const LessonLoad bare = load("course-bare", "");
  REQUIRE(bare.lesson);
  CHECK(bare.lesson->minutes == 0);
  CHECK(bare.lesson->objectives.empty());
  CHECK(bare.lesson->prerequisites.empty());
}

TEST_CASE("a prerequisite may name a lesson next to the lesson file") {
  write_lesson("course-first", "");
  const LessonLoad ll = load("course-second", "prerequisites = [\"course-first\"]\n");
  REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
  CHECK(ll.lesson->prerequisites == std::vector<std::string>{"course-first"});
}

TEST_CASE("bad course keys get one located error") {
  SUBCASE("minutes that are not a whole number") {
    const LessonLoad ll = load("course-minutes", "minutes = \"ten\"\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->column == 11);
    CHECK(ll.error->message.find("'minutes' in [lesson] must be a whole number of minutes from 1 to 240") !=
          std::string::npos);
  }
  SUBCASE("minutes out of range") {
    const LessonLoad ll = load("course-zero", "minutes = 0\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->message.find("'minutes'") != std::string::npos);
  }
  SUBCASE("a prerequisite that names no lesson, at its place in the list") {
    const LessonLoad ll = load("course-unknown", "prerequisites = [\"01-https-request\", \"06-start-on-bot\"]\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->column == 38);
    CHECK(ll.error->message.find("unknown prerequisite '06-start-on-bot'") != std::string::npos);
    CHECK(ll.error->message.find("lesson id") != std::string::npos);
  }
  SUBCASE("a lesson cannot come before itself") {
    const LessonLoad ll = load("course-self", "prerequisites = [\"course-self\"]\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->message.find("its own prerequisite") != std::string::npos);
  }
  SUBCASE("Korean objectives that do not match the English ones one for one") {
    const LessonLoad ll = load(
        "course-ko", "objectives = [\"Explain A.\", \"Configure B.\"]\nobjectives_ko = [\"A를 설명할 수 있다.\"]\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 5);
    CHECK(ll.error->message.find("'objectives_ko' has 1 entries and 'objectives' 2") != std::string::npos);
  }
  SUBCASE("objectives that are not a list") {
    const LessonLoad ll = load("course-list", "objectives = \"Explain A.\"\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->message.find("'objectives' in [lesson] must be an array of strings") != std::string::npos);
  }
  SUBCASE("a misspelt key") {
    const LessonLoad ll = load("course-typo", "minute = 10\n");
    REQUIRE(ll.error);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->message.find("unknown key 'minute'") != std::string::npos);
  }
}

TEST_CASE("every shipped lesson has objectives in both languages, minutes, and comes after its prerequisites") {
  std::vector<Lesson> lessons;
  for (const std::string& file : list_lessons()) {
    LessonLoad ll = load_lesson_file(file);  // an unknown prerequisite would fail here
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
    lessons.push_back(std::move(*ll.lesson));
  }
  REQUIRE(lessons.size() >= 21);
  std::map<std::string, size_t> index;
  int total = 0;
  for (size_t i = 0; i < lessons.size(); ++i) {
    const Lesson& l = lessons[i];
    CAPTURE(l.id);
    CHECK(l.objectives.size() >= 2);
    CHECK(l.objectives_ko.size() == l.objectives.size());
    CHECK(l.minutes >= 5);
    total += l.minutes;
    for (const std::string& pre : l.prerequisites) {
      CAPTURE(pre);
      // The file-name order is the course order: what a lesson builds on is listed before it.
      REQUIRE(index.count(pre));
      CHECK(index[pre] < i);
    }
    index[l.id] = i;
  }
  CHECK(!lessons.front().objectives.empty());
  CHECK(lessons.front().prerequisites.empty());  // the course starts somewhere
  // The whole course fits a few weeks of class periods, not an afternoon.
  CHECK(total >= 150);
  CHECK(total <= 600);
  const CourseOrder order = course_order(lessons);
  CHECK(order.cycle.empty());
  std::vector<size_t> same(lessons.size());
  for (size_t i = 0; i < same.size(); ++i) same[i] = i;
  CHECK(order.order == same);
}

TEST_CASE("the course order puts a lesson after its prerequisites and names a cycle") {
  SUBCASE("a prerequisite listed later moves first, the rest keep their order") {
    const std::vector<Lesson> lessons = {named("a", {"c"}), named("b"), named("c"), named("d", {"a"})};
    const CourseOrder o = course_order(lessons);
    CHECK(o.order == std::vector<size_t>{1, 2, 0, 3});
    CHECK(o.cycle.empty());
  }
  SUBCASE("a prerequisite that is not among the lessons is ignored") {
    const CourseOrder o = course_order({named("a", {"zz"}), named("b")});
    CHECK(o.order == std::vector<size_t>{0, 1});
  }
  SUBCASE("a cycle: those lessons come last, named") {
    const CourseOrder o = course_order({named("a", {"b"}), named("b", {"a"}), named("c")});
    CHECK(o.order == std::vector<size_t>{2, 0, 1});
    CHECK(o.cycle == "a, b");
  }
}

// Lessons 06-11 (the lifecycle half of the course): each asks two questions, and each
// answer is read from the lesson's own run, where the right choice is among the choices.
TEST_CASE("the lifecycle lessons' questions are answered by their runs") {
  // The truths a learner sees revealed, in step order (numbers to 3 significant digits).
  const std::map<std::string, std::vector<std::string>> expected = {
      {"06-start-on-boot", {"not-enabled", "24.4"}},
      {"07-restarts", {"1", "4"}},
      {"07b-probes", {"3", "0"}},
      {"08-replication", {"60", "67.6"}},
      {"08a-loaded-workers", {"0", "61.9"}},
      {"08b-rolling-update", {"0", "103"}},
      {"09-memory", {"137", "361"}},
      {"10-migrations", {"psycopg.errors.DuplicateTable: relation \"items\" already exists", "3"}},
      {"11-versions", {"0.46.0", "9.42"}}};
  size_t seen = 0;
  for (const std::string& file : list_lessons()) {
    const LessonLoad ll = load_lesson_file(file);
    REQUIRE(ll.lesson);
    const Lesson& lesson = *ll.lesson;
    const auto want = expected.find(lesson.id);
    if (want == expected.end()) continue;
    CAPTURE(lesson.id);
    const LoadResult sc = load_lesson_scenario(lesson);
    REQUIRE(sc.scenario);
    const Run run = simulate(*sc.scenario);
    CHECK(check_lesson(lesson, run.trace, run.metrics).empty());
    std::vector<std::string> truths;
    for (const LessonStep& step : lesson.steps) {
      if (!step.question) continue;
      CAPTURE(step.target);
      CHECK(!step.question->prompt_ko.empty());
      CHECK(!step.question->explain_ko.empty());
      const auto at = resolve_step_target(run.trace, step.target);
      REQUIRE(at);
      const AnswerRead truth = read_answer(run.trace, run.metrics, step.question->answer, *at);
      REQUIRE_MESSAGE(truth.value, truth.error);
      if (step.question->type == QuestionType::choice) CHECK(right_choice(*step.question, *truth.value));
      truths.push_back(truth.value->numeric ? fmt::format("{:.3g}", truth.value->number) : truth.value->text);
    }
    CHECK(truths == want->second);
    ++seen;
  }
  CHECK(seen == expected.size());
}
