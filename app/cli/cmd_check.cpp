// `deploysim check FILE...`: validates scenario and lesson files; bad input exits 2 with
// `file:line:column: message`. A lesson is checked against a run of its scenario.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/exercise.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

namespace {

std::string plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string summary(const Scenario& sc) {
  size_t records = 0;
  for (const auto& z : sc.zones) records += z.records.size();
  return fmt::format("{}, {}, {}, {}, {}, {}, {}", plural(sc.clients.size(), "client"),
                     plural(sc.services.size(), "service"), plural(sc.hosts.size(), "host"),
                     plural(records, "DNS record"), plural(sc.certificates.size(), "certificate"),
                     plural(sc.faults.size(), "fault"), plural(sc.variants.size(), "variant"));
}

// A lesson: loads it, runs its scenario, and reports what in it resolves to nothing in that run
// and the Korean texts it lacks (warnings; errors with --strict). Returns the exit code.
int check_lesson_file(const std::string& file, bool strict) {
  const LessonLoad loaded = load_lesson_file(file);
  if (loaded.error) {
    std::fprintf(stderr, "%s\n", loaded.error->to_string().c_str());
    return 2;
  }
  const Lesson& lesson = *loaded.lesson;
  const LoadResult sc = load_lesson_scenario(lesson);
  if (sc.error) {
    std::fprintf(stderr, "%s\n", sc.error->to_string().c_str());
    return 2;
  }
  const Run run = simulate(*sc.scenario);
  size_t errors = 0, warnings = 0;
  for (const LessonIssue& issue : check_lesson(lesson, run.trace, run.metrics)) {
    const bool error = !issue.warning || strict;
    (error ? errors : warnings) += 1;
    ScenarioError where = issue.where;
    where.file = file;
    if (!error) where.message = "warning: " + where.message;
    std::fprintf(stderr, "%s\n", where.to_string().c_str());
  }
  if (errors > 0) return 2;
  size_t questions = 0;
  for (const LessonStep& step : lesson.steps) questions += step.question ? 1 : 0;
  std::printf("%s: ok (lesson: %s, %s, %s%s)\n", file.c_str(), plural(lesson.steps.size(), "step").c_str(),
              plural(questions, "question").c_str(), plural(run.trace.size(), "record").c_str(),
              warnings ? fmt::format(", {}", plural(warnings, "warning")).c_str() : "");
  return 0;
}

// An exercise file (an [exercise] table): loading it checks its scenario, paths and solution.
bool check_exercise(const std::string& file) {
  const ExerciseLoad ex = load_exercise_file(file);
  if (ex.error) {
    std::fprintf(stderr, "%s\n", ex.error->to_string().c_str());
    return false;
  }
  std::printf("%s: ok (exercise, %s, %s)\n", file.c_str(), plural(ex.exercise->params.size(), "param").c_str(),
              plural(ex.exercise->goals.size(), "goal").c_str());
  return true;
}

}  // namespace

void register_check_command(CLI::App& app, Context& ctx) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto strict = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "check", "Validate scenario, lesson and exercise files (prints file:line:column: message on errors)");
  cmd->add_option("files", *files, "Scenario, lesson or exercise TOML files")->required();
  cmd->add_flag("--strict", *strict, "Lessons: a missing Korean text is an error, not a warning");
  cmd->callback([files, strict, &ctx] {
    for (const auto& file : *files) {
      if (is_lesson_file(file)) {
        if (const int rc = check_lesson_file(file, *strict); rc != 0) ctx.exit_code = rc;
        continue;
      }
      if (is_exercise_file(file)) {
        if (!check_exercise(file)) ctx.exit_code = 2;
        continue;
      }
      const LoadResult result = load_scenario_file(file);
      if (result.error) {
        std::fprintf(stderr, "%s\n", result.error->to_string().c_str());
        ctx.exit_code = 2;
        continue;
      }
      std::printf("%s: ok (%s)\n", file.c_str(), summary(*result.scenario).c_str());
    }
  });
}

}  // namespace deploysim::cli
