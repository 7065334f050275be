// `deploysim exercise ID [--set path=value ...] [--settings FILE ...] [--lang ko]`: grades an
// exercise from the terminal; `deploysim exercise --list` lists them. Each goal condition is
// printed with its evidence and, when it does not hold, its hint. Exit 0 when solved (every
// settings file of a batch), 1 when not, 2 on bad input (a located error).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/exercise.hpp"
#include "deploysim/messages.hpp"

namespace deploysim::cli {

namespace {

struct ExerciseArgs {
  std::string id;
  bool list = false;
  bool reference = false;
  std::vector<std::string> sets;
  std::vector<std::string> settings_files;
  std::string lang = "en";
};

// The terminal's words, by language (issue #16 moves them to a catalogue).
struct Words {
  const char* held;
  const char* not_held;
  const char* hint;
  const char* solved;
  const char* not_solved;
  const char* task;
  const char* may_change;
  const char* batch;
};
constexpr Words words_en{"[ok]  ",     "[not] ", "      hint: ",   "solved",
                         "not solved", "Task",   "You may change", "{} of {} settings files solve it"};
constexpr Words words_ko{"[통과] ", "[미달] ", "      힌트: ",    "해결",
                         "미해결",  "과제",    "바꿀 수 있는 값", "설정 파일 {}개 중 {}개 해결"};

std::string pick(bool ko, const std::string& en, const std::string& k) { return ko && !k.empty() ? k : en; }

void print_error(const ScenarioError& e) { std::fprintf(stderr, "%s\n", e.to_string().c_str()); }

void print_list(bool ko) {
  for (const std::string& file : list_exercises()) {
    const ExerciseLoad l = load_exercise_file(file);
    if (!l.exercise) {
      print_error(*l.error);
      continue;
    }
    std::printf("%-28s %-13s %s\n", l.exercise->id.c_str(), l.exercise->topic.c_str(),
                pick(ko, l.exercise->title, l.exercise->title_ko).c_str());
  }
}

void print_header(const Exercise& ex, bool ko) {
  const Words& w = ko ? words_ko : words_en;
  std::printf("%s\n%s: %s\n%s:\n", pick(ko, ex.title, ex.title_ko).c_str(), w.task,
              pick(ko, ex.task, ex.task_ko).c_str(), w.may_change);
  for (const ExerciseParam& p : ex.params) {
    std::string allowed;
    for (const auto& v : p.values) allowed += (allowed.empty() ? "" : " | ") + v;
    if (allowed.empty()) allowed = fmt::format("{} .. {}", p.min.empty() ? "" : p.min, p.max.empty() ? "" : p.max);
    std::printf("  %s = %s\n", p.path.c_str(), allowed.c_str());
  }
}

// Prints one grading; returns 0 solved, 1 not, 2 bad input.
int print_grade(const Exercise& ex, const std::vector<ExerciseSetting>& settings, const std::string& who, bool ko) {
  const Words& w = ko ? words_ko : words_en;
  const Grade g = grade_exercise(ex, settings);
  if (g.error) {
    print_error(*g.error);
    return 2;
  }
  if (!who.empty()) std::printf("== %s\n", who.c_str());
  for (size_t i = 0; i < ex.goals.size(); ++i) {
    const ExerciseGoal& goal = ex.goals[i];
    const GoalResult& r = g.goals[i];
    std::printf("%s%s\n      %s\n", r.held ? w.held : w.not_held, pick(ko, goal.text, goal.text_ko).c_str(),
                pick(ko, r.evidence, r.evidence_ko).c_str());
    if (!r.held && !goal.hint.empty()) std::printf("%s%s\n", w.hint, pick(ko, goal.hint, goal.hint_ko).c_str());
  }
  std::printf("%s: %s\n", ex.id.c_str(), g.solved ? w.solved : w.not_solved);
  return g.solved ? 0 : 1;
}

int run_exercise(const ExerciseArgs& a) {
  const bool ko = a.lang == "ko";
  if (a.list) {
    print_list(ko);
    return 0;
  }
  if (a.id.empty()) {
    std::fprintf(stderr, "deploysim exercise: give an exercise id (see `deploysim exercise --list`)\n");
    return 2;
  }
  const ExerciseLoad l = load_exercise_file(exercise_path(a.id));
  if (!l.exercise) {
    print_error(*l.error);
    return 2;
  }
  const Exercise& ex = *l.exercise;
  std::vector<ExerciseSetting> typed = a.reference ? ex.solution : std::vector<ExerciseSetting>{};
  for (const std::string& s : a.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "--set %s: expected path=value, e.g. --set service.api.workers=3\n", s.c_str());
      return 2;
    }
    typed.push_back({s.substr(0, eq), setting_value_text(s.substr(eq + 1)), "--set " + s, {}});
  }
  print_header(ex, ko);
  if (a.settings_files.empty()) return print_grade(ex, typed, "", ko);
  // A batch: one learner per file; bad files are reported and the others still graded.
  int worst = 0;
  size_t solved = 0;
  for (const std::string& file : a.settings_files) {
    const SettingsFile sf = load_settings_file(file);
    if (sf.error) {
      print_error(*sf.error);
      worst = 2;
      continue;
    }
    if (!sf.exercise.empty() && sf.exercise != ex.id) {
      std::fprintf(stderr, "%s:1:1: written for exercise '%s', not '%s'\n", file.c_str(), sf.exercise.c_str(),
                   ex.id.c_str());
      worst = 2;
      continue;
    }
    std::vector<ExerciseSetting> settings = typed;
    settings.insert(settings.end(), sf.settings.begin(), sf.settings.end());
    const std::string who = sf.learner.empty() ? file : fmt::format("{} ({})", sf.learner, file);
    const int rc = print_grade(ex, settings, who, ko);
    if (rc == 0) ++solved;
    worst = std::max(worst, rc);
  }
  std::printf("%s\n", fmt::format(fmt::runtime((ko ? words_ko : words_en).batch), ko ? a.settings_files.size() : solved,
                                  ko ? solved : a.settings_files.size())
                          .c_str());
  return worst;
}

}  // namespace

void register_exercise_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ExerciseArgs>();
  CLI::App* cmd = app.add_subcommand(
      "exercise",
      "Grade an exercise: apply what-if settings, simulate, check the goal (exit 0 solved, 1 not, 2 bad input)");
  cmd->add_option("id", args->id, "Exercise id (file name in assets/exercises without .toml) or an exercise file");
  cmd->add_flag("--list", args->list, "List the exercises");
  cmd->add_option("--set", args->sets, "path=value: a what-if setting the exercise allows (repeatable)");
  cmd->add_option("--settings", args->settings_files,
                  "Settings files to grade, one learner each: [set] \"path\" = value (see docs/lessons.md)")
      ->expected(1, -1);
  cmd->add_flag("--reference", args->reference, "Grade the exercise's reference solution");
  args->lang = Messages::system_language();  // unless --lang says otherwise
  cmd->add_option("--lang", args->lang, "Language of the texts")->check(CLI::IsMember(Messages::languages()));
  cmd->callback([args, &ctx] { ctx.exit_code = run_exercise(*args); });
}

}  // namespace deploysim::cli
