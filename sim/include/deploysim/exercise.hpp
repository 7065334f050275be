#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/text.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim {

// An exercise (assets/exercises/*.toml, docs/lessons.md, "Exercises"): a scenario, a goal over its run,
// the what-if parameters the learner may change, hints and a reference solution. The grader
// applies the learner's settings, simulates and says which goal conditions hold, with evidence.

/// One value written as TOML text ("3", "\"15s\"", "true") for a path, and where it was written.
struct ExerciseSetting {
  std::string path;   ///< As set_param takes it: "service.api.workers".
  std::string value;  ///< TOML text.
  std::string file;   ///< Where it came from: a settings file, "--set", an exercise file.
  SourcePos pos;      ///< Its position there (0 when it came from the command line).
};

/// A what-if parameter the learner may change: allowed values, or bounds.
struct ExerciseParam {
  std::string path;                  ///< set_param path.
  std::string label, label_ko;       ///< What the GUI shows (default: the path).
  Translations tr;                   ///< `label` in every language the file gives.
  std::vector<std::string> values;   ///< Allowed values as TOML text (empty: bounded by min/max).
  std::vector<SourcePos> value_pos;  ///< Where each of `values` is written.
  std::string min, max;              ///< Bounds as TOML text: numbers, or durations ("100ms").
  SourcePos pos;                     ///< The [[param]] table.
};

/// How a measured value is compared with the goal's number.
enum class Compare : uint8_t { at_least, at_most, below, above, equals };

/// One condition of the goal: a measure of the run compared with a number.
struct ExerciseGoal {
  std::string text, text_ko;  ///< The condition in words.
  /// "availability" (%), "failed", "failures.CAUSE", "latency.p50|p90|p99|max" (ms, end to end),
  /// "restarts", "error_budget" (% consumed), "count:KIND" (records of a kind or narration key).
  std::string measure;
  Compare compare = Compare::at_least;  ///< The comparison.
  double value = 0;                     ///< The number it is compared with.
  std::string from, until;              ///< Window (step-target syntax: "1m", "kind:fault.redeploy"); "" = run.
  std::string hint, hint_ko;            ///< Shown when the condition does not hold.
  Translations tr;                      ///< `text` and `hint` in every language the file gives.
  SourcePos pos;                        ///< The [[goal]] table.
};

/// An exercise file.
struct Exercise {
  std::string id;                         ///< File stem, e.g. "cert-deploy-hook".
  std::string title, title_ko;            ///< Titles.
  std::string topic;                      ///< certificates, restarts, memory, replication, migrations, sni, ...
  std::string task, task_ko;              ///< What the learner is asked to do.
  Translations tr;                        ///< `title` and `task` in every language the file gives.
  std::string scenario_path;              ///< Resolved scenario file.
  std::string variant;                    ///< Variant applied first ("" = none).
  std::vector<std::string> sources;       ///< Source ids of the exercise's claims.
  SourceCatalogue own_sources;            ///< The file's own `[source.ID]` tables.
  std::vector<ExerciseSetting> start;     ///< [start]: overrides applied before the learner's.
  std::vector<ExerciseParam> params;      ///< What the learner may change.
  std::vector<ExerciseGoal> goals;        ///< All must hold.
  std::vector<ExerciseSetting> solution;  ///< [solution]: the reference settings.
  std::string source_path;                ///< The exercise file.
  SourcePos pos;                          ///< The [exercise] table.
  SourcePos solution_pos;                 ///< The [solution] table.
};

/// An exercise or a located error.
struct ExerciseLoad {
  std::optional<Exercise> exercise;
  std::optional<ScenarioError> error;
};

/// Reads an exercise file; checks its scenario and variant exist, that every [start], [[param]]
/// and [solution] path is accepted by set_param, that the solution keeps to the params, and that
/// source ids are in the catalogue (the shipped one when `sources` is null).
ExerciseLoad load_exercise_file(const std::string& path, const SourceCatalogue* sources = nullptr);
/// The same for an exercise's text, named `path`.
ExerciseLoad load_exercise_text(std::string_view text, const std::string& path,
                                const SourceCatalogue* sources = nullptr);
/// Whether a file is an exercise (a TOML file with an [exercise] table), for `deploysim check`.
bool is_exercise_file(const std::string& path);
/// The exercise files of a directory (default: assets/exercises), sorted by name.
std::vector<std::string> list_exercises(const std::string& dir = {});
/// Finds a shipped exercise by id (file stem) or takes `id_or_path` as a file path.
std::string exercise_path(std::string_view id_or_path);

/// Whether the learner may set `setting` (its path is a param and its value within the param's
/// values or bounds); the located reason when not.
std::optional<ScenarioError> check_setting(const Exercise& exercise, const ExerciseSetting& setting);
/// A value as typed on a command line as TOML text: TOML values stay ("3", "true", "\"x\""),
/// anything else becomes a string ("15s" -> "\"15s\"", "certbot" -> "\"certbot\"").
std::string setting_value_text(std::string_view typed);
/// Reads a learner's settings file: optional `exercise = "ID"` and `learner = "name"`, and a
/// [set] table of path = value.
struct SettingsFile {
  std::string exercise;                   ///< Exercise id it was written for ("" = not said).
  std::string learner;                    ///< Who wrote it ("" = not said).
  std::vector<ExerciseSetting> settings;  ///< The [set] table, in file order.
  std::optional<ScenarioError> error;     ///< A located error instead.
};
/// Reads a settings file (see SettingsFile).
SettingsFile load_settings_file(const std::string& path);
/// The same for a settings file's text, named `path`.
SettingsFile load_settings_text(std::string_view text, const std::string& path);

/// The exercise's scenario with its variant, [start] and the settings applied; settings that are
/// not allowed are refused with check_setting's error.
LoadResult exercise_scenario(const Exercise& exercise, const std::vector<ExerciseSetting>& settings);

/// One goal condition judged on a run.
struct GoalResult {
  bool held = false;
  double measured = 0;   ///< The measured value (in the measure's unit).
  std::string evidence;  ///< The metric with its basis, or the record (kind, time, actor), in English.
  /// The same in every language with a catalogue (assets/i18n [grade]), by code.
  std::map<std::string, std::string, std::less<>> evidence_in;
  /// The evidence in `lang`, else in English.
  const std::string& evidence_for(std::string_view lang) const {
    const auto it = evidence_in.find(lang);
    return it == evidence_in.end() ? evidence : it->second;
  }
  int64_t record = -1;  ///< Index of the evidence record in the trace (-1: a metric).
};
/// Judges every goal over a run of the exercise's scenario (same order as exercise.goals).
std::vector<GoalResult> evaluate_goals(const Exercise& exercise, const Run& run);

/// The result of grading a set of settings.
struct Grade {
  std::optional<ScenarioError> error;  ///< Bad settings (nothing simulated).
  std::vector<GoalResult> goals;       ///< Per goal.
  bool solved = false;                 ///< Every goal held.
};
/// Applies the settings, simulates and judges the goals.
Grade grade_exercise(const Exercise& exercise, const std::vector<ExerciseSetting>& settings);

/// What `deploysim check` finds in a loaded exercise: its [solution] not solving it, or its start
/// already solved (errors: the run of each says which goal), and texts missing in a language with
/// a catalogue (warnings). The runs' evidence is in `lang` when it has a catalogue. Simulates the
/// scenario twice.
std::vector<LessonIssue> check_exercise(const Exercise& exercise, std::string_view lang = "en");

/// "at least", "at most", "below", "above", "equals".
std::string_view compare_name(Compare c);

}  // namespace deploysim
