// `deploysim check FILE...`: validates scenario and lesson files; bad input exits 2 with
// `file:line:column: message`. A lesson is checked against a run of its scenario.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/exercise.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

namespace {

// "1 client", "3 clients": a text for one and one for other counts (a language without plurals,
// as Korean, writes the same in both).
std::string count(const Messages& w, size_t n, const char* one, const char* other) {
  return w.format(n == 1 ? one : other, n);
}

std::string summary(const Scenario& sc, const Messages& w) {
  size_t records = 0;
  for (const auto& z : sc.zones) records += z.records.size();
  return fmt::format("{}, {}, {}, {}, {}, {}, {}",
                     count(w, sc.clients.size(), "check.clients_one", "check.clients_other"),
                     count(w, sc.services.size(), "check.services_one", "check.services_other"),
                     count(w, sc.hosts.size(), "check.hosts_one", "check.hosts_other"),
                     count(w, records, "check.records_one", "check.records_other"),
                     count(w, sc.certificates.size(), "check.certificates_one", "check.certificates_other"),
                     count(w, sc.faults.size(), "check.faults_one", "check.faults_other"),
                     count(w, sc.variants.size(), "check.variants_one", "check.variants_other"));
}

// Prints a check's issues (warnings as such; errors with --strict); returns the errors and the
// warnings printed.
std::pair<size_t, size_t> print_issues(const std::vector<LessonIssue>& issues, const std::string& file, bool strict,
                                       const Messages& w) {
  size_t errors = 0, warnings = 0;
  for (const LessonIssue& issue : issues) {
    const bool error = !issue.warning || strict;
    (error ? errors : warnings) += 1;
    ScenarioError where = issue.where;
    where.file = file;
    if (!error) where.message = w.format("check.warning", w.error(where.message));
    std::fprintf(stderr, "%s\n", error ? where.to_string(w).c_str() : where.to_string().c_str());
  }
  return {errors, warnings};
}

// The counts of an ok line, with the warnings when there were some.
std::string with_warnings(const std::string& counts, size_t warnings, const Messages& w) {
  return warnings ? fmt::format("{}, {}", counts, count(w, warnings, "check.warnings_one", "check.warnings_other"))
                  : counts;
}

// A lesson: loads it, runs its scenario, and reports what in it resolves to nothing in that run
// and the Korean texts it lacks (warnings; errors with --strict). Returns the exit code.
int check_lesson_file(const std::string& file, bool strict, const Messages& w) {
  const LessonLoad loaded = load_lesson_file(file);
  if (loaded.error) {
    std::fprintf(stderr, "%s\n", loaded.error->to_string(w).c_str());
    return 2;
  }
  const Lesson& lesson = *loaded.lesson;
  const LoadResult sc = load_lesson_scenario(lesson);
  if (sc.error) {
    std::fprintf(stderr, "%s\n", sc.error->to_string(w).c_str());
    return 2;
  }
  const Run run = simulate(*sc.scenario);
  const auto [errors, warnings] = print_issues(check_lesson(lesson, run.trace, run.metrics), file, strict, w);
  if (errors > 0) return 2;
  size_t questions = 0;
  for (const LessonStep& step : lesson.steps) questions += step.question ? 1 : 0;
  const std::string counts =
      fmt::format("{}, {}, {}", count(w, lesson.steps.size(), "check.steps_one", "check.steps_other"),
                  count(w, questions, "check.questions_one", "check.questions_other"),
                  count(w, run.trace.size(), "check.trace_records_one", "check.trace_records_other"));
  std::printf("%s\n", w.format("check.lesson_ok", file, with_warnings(counts, warnings, w)).c_str());
  return 0;
}

// An exercise file (an [exercise] table): loading it checks its scenario, paths and solution's
// keys; its start and its solution are then graded, and its Korean texts looked for.
int check_exercise_file(const std::string& file, bool strict, const Messages& w) {
  const ExerciseLoad ex = load_exercise_file(file);
  if (ex.error) {
    std::fprintf(stderr, "%s\n", ex.error->to_string(w).c_str());
    return 2;
  }
  const auto [errors, warnings] = print_issues(check_exercise(*ex.exercise, w.lang()), file, strict, w);
  if (errors > 0) return 2;
  std::printf(
      "%s\n",
      w.format("check.exercise_ok", file,
               count(w, ex.exercise->params.size(), "check.params_one", "check.params_other"),
               with_warnings(count(w, ex.exercise->goals.size(), "check.goals_one", "check.goals_other"), warnings, w))
          .c_str());
  return 0;
}

}  // namespace

void register_check_command(CLI::App& app, Context& ctx) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto strict = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("check", ctx.words("cli_help.check"));
  cmd->add_option("files", *files, ctx.words("cli_help.check_files"))->required();
  cmd->add_flag("--strict", *strict, ctx.words("cli_help.check_strict"));
  cmd->callback([files, strict, &ctx] {
    for (const auto& file : *files) {
      if (is_lesson_file(file)) {
        if (const int rc = check_lesson_file(file, *strict, ctx.words); rc != 0) ctx.exit_code = rc;
        continue;
      }
      if (is_exercise_file(file)) {
        if (const int rc = check_exercise_file(file, *strict, ctx.words); rc != 0) ctx.exit_code = rc;
        continue;
      }
      const LoadResult result = load_scenario_file(file);
      if (result.error) {
        std::fprintf(stderr, "%s\n", result.error->to_string(ctx.words).c_str());
        ctx.exit_code = 2;
        continue;
      }
      std::printf("%s\n", ctx.words.format("check.scenario_ok", file, summary(*result.scenario, ctx.words)).c_str());
    }
  });
}

}  // namespace deploysim::cli
