// `deploysim exercise ID [--set path=value ...] [--settings FILE ...] [--lang ko]`: grades an
// exercise from the terminal; `deploysim exercise --list` lists them. Each goal condition is
// printed with its evidence and, when it does not hold, its hint. Exit 0 when solved (every
// settings file of a batch), 1 when not, 2 on bad input (a located error).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/columns.hpp"
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

void print_error(const ScenarioError& e, const Messages& w) { std::fprintf(stderr, "%s\n", e.to_string(w).c_str()); }

void print_list(const Messages& w) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& file : list_exercises()) {
    const ExerciseLoad l = load_exercise_file(file);
    if (!l.exercise) {
      print_error(*l.error, w);
      continue;
    }
    rows.push_back(
        {l.exercise->id, topic_name(l.exercise->topic, w), l.exercise->tr.pick("title", l.exercise->title, w.lang())});
  }
  std::fputs(table_columns(rows).c_str(), stdout);
}

void print_header(const Exercise& ex, const Messages& w) {
  std::printf("%s\n%s: %s\n%s:\n", ex.tr.pick("title", ex.title, w.lang()).c_str(), w("exercise_cli.task").c_str(),
              ex.tr.pick("task", ex.task, w.lang()).c_str(), w("exercise_cli.may_change").c_str());
  for (const ExerciseParam& p : ex.params) {
    std::string allowed;
    for (const auto& v : p.values) allowed += (allowed.empty() ? "" : " | ") + v;
    if (allowed.empty()) allowed = fmt::format("{} .. {}", p.min.empty() ? "" : p.min, p.max.empty() ? "" : p.max);
    // The path is what --set takes; the teacher's label, when there is one, names it.
    const std::string& label = p.tr.pick("label", p.label, w.lang());
    if (label.empty() || label == p.path)
      std::printf("  %s = %s\n", p.path.c_str(), allowed.c_str());
    else
      std::printf("  %s (%s) = %s\n", p.path.c_str(), label.c_str(), allowed.c_str());
  }
}

// Prints one grading; returns 0 solved, 1 not, 2 bad input.
int print_grade(const Exercise& ex, const std::vector<ExerciseSetting>& settings, const std::string& who,
                const Messages& w) {
  // Every setting the exercise refuses, not only the first: a teacher marking a class fixes a
  // learner's file once, not once per line.
  bool refused = false;
  for (const ExerciseSetting& s : settings)
    if (const auto e = check_setting(ex, s)) {
      print_error(*e, w);
      refused = true;
    }
  if (refused) return 2;
  const Grade g = grade_exercise(ex, settings);
  if (g.error) {
    print_error(*g.error, w);
    return 2;
  }
  if (!who.empty()) std::printf("== %s\n", who.c_str());
  // The evidence lines up under the goal's text: as wide as the widest mark in terminal columns
  // ("[ok]  " is 6, Korean's "[통과] " 7).
  const std::string indent(std::max(columns_of(w("exercise_cli.held")), columns_of(w("exercise_cli.not_held"))), ' ');
  for (size_t i = 0; i < ex.goals.size(); ++i) {
    const ExerciseGoal& goal = ex.goals[i];
    const GoalResult& r = g.goals[i];
    std::printf("%s%s\n%s%s\n", w(r.held ? "exercise_cli.held" : "exercise_cli.not_held").c_str(),
                goal.tr.pick("text", goal.text, w.lang()).c_str(), indent.c_str(), r.evidence_for(w.lang()).c_str());
    if (!r.held && !goal.hint.empty())
      std::printf("%s%s\n", w("exercise_cli.hint").c_str(), goal.tr.pick("hint", goal.hint, w.lang()).c_str());
  }
  std::printf("%s: %s\n", ex.id.c_str(), w(g.solved ? "exercise_cli.solved" : "exercise_cli.not_solved").c_str());
  return g.solved ? 0 : 1;
}

int run_exercise(const ExerciseArgs& a) {
  std::string error;
  const auto words = Messages::load(a.lang, &error);
  if (!words) {
    std::fprintf(stderr, "deploysim: %s\n", error.c_str());
    return 2;
  }
  if (a.list) {
    print_list(*words);
    return 0;
  }
  if (a.id.empty()) {
    std::fprintf(stderr, "deploysim exercise: %s\n", (*words)("exercise_cli.give_id").c_str());
    return 2;
  }
  const ExerciseLoad l = load_exercise_file(exercise_path(a.id));
  if (!l.exercise) {
    print_error(*l.error, *words);
    return 2;
  }
  const Exercise& ex = *l.exercise;
  std::vector<ExerciseSetting> typed = a.reference ? ex.solution : std::vector<ExerciseSetting>{};
  for (const std::string& s : a.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "%s\n", words->format("exercise_cli.bad_set", s).c_str());
      return 2;
    }
    typed.push_back({s.substr(0, eq), setting_value_text(s.substr(eq + 1)), "--set " + s, {}});
  }
  print_header(ex, *words);
  if (a.settings_files.empty()) return print_grade(ex, typed, "", *words);
  // A batch: one learner per file; bad files are reported and the others still graded.
  int worst = 0;
  size_t solved = 0;
  std::string refused;  // the files not graded, named again in the summary (their errors are on stderr)
  auto refuse = [&](const std::string& file) {
    refused += (refused.empty() ? "" : ", ") + file;
    worst = 2;
  };
  for (const std::string& file : a.settings_files) {
    const SettingsFile sf = load_settings_file(file);
    if (sf.error) {
      print_error(*sf.error, *words);
      refuse(file);
      continue;
    }
    if (!sf.exercise.empty() && sf.exercise != ex.id) {
      std::fprintf(stderr, "%s\n", words->format("exercise_cli.other_exercise", file, sf.exercise, ex.id).c_str());
      refuse(file);
      continue;
    }
    std::vector<ExerciseSetting> settings = typed;
    settings.insert(settings.end(), sf.settings.begin(), sf.settings.end());
    const std::string who = sf.learner.empty() ? file : fmt::format("{} ({})", sf.learner, file);
    const int rc = print_grade(ex, settings, who, *words);
    if (rc == 0) ++solved;
    if (rc == 2) refuse(file);
    worst = std::max(worst, rc);
  }
  std::printf("%s%s\n", words->format("exercise_cli.batch", solved, a.settings_files.size()).c_str(),
              refused.empty() ? "" : words->format("exercise_cli.batch_refused", refused).c_str());
  return worst;
}

}  // namespace

void register_exercise_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ExerciseArgs>();
  CLI::App* cmd = app.add_subcommand("exercise", ctx.words("cli_help.exercise"));
  cmd->add_option("id", args->id, ctx.words("cli_help.exercise_id"));
  cmd->add_flag("--list", args->list, ctx.words("cli_help.exercise_list"));
  cmd->add_option("--set", args->sets, ctx.words("cli_help.exercise_set"));
  cmd->add_option("--settings", args->settings_files, ctx.words("cli_help.exercise_settings"))->expected(1, -1);
  cmd->add_flag("--reference", args->reference, ctx.words("cli_help.exercise_reference"));
  args->lang = ctx.words.lang();  // unless --lang says otherwise
  cmd->add_option("--lang", args->lang, ctx.words("cli_help.exercise_lang"))
      ->check(CLI::IsMember(Messages::languages()));
  cmd->callback([args, &ctx] { ctx.exit_code = run_exercise(*args); });
}

}  // namespace deploysim::cli
