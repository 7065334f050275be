#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// One step of a lesson: where the playhead goes and what the teacher says there.
struct LessonStep {
  std::string target;   ///< "kind:tls.client_hello", "kind:http.request#2" (2nd; kind or narration key), "1.5s", "start", "end".
  std::string text;     ///< English.
  std::string text_ko;  ///< Korean.
  SourcePos pos;        ///< For located errors.
};

/// A lesson: a scenario (optionally a variant of it) and the steps that walk through it.
struct Lesson {
  std::string id;             ///< File stem, e.g. "01-https-request".
  std::string title;          ///< English title.
  std::string title_ko;       ///< Korean title.
  std::string topic;          ///< Deployment concept it teaches, e.g. ("https", "restarts", ...).
  std::string summary;        ///< English summary.
  std::string summary_ko;     ///< Korean summary.
  std::string scenario_path;  ///< Resolved path of the scenario file.
  std::string variant;        ///< Variant to apply ("" = the base scenario).
  std::vector<LessonStep> steps;
  std::string source_path;    ///< The lesson file.
};

/// A lesson or a located error.
struct LessonLoad {
  std::optional<Lesson> lesson;
  std::optional<ScenarioError> error;
};

/// The assets directory: $DEPLOYSIM_ASSETS if set, else the one the build was configured with.
std::string assets_dir();
/// Reads a lesson file; the scenario path is resolved relative to assets/scenarios/.
LessonLoad load_lesson_file(const std::string& path);
/// The lesson files of a directory (default: assets/lessons), sorted by name.
std::vector<std::string> list_lessons(const std::string& dir = {});
/// Whether a step target is well formed.
bool valid_step_target(std::string_view target);
/// The record a step target points at: "kind:K[#n]" -> the n-th record whose kind or narration
/// key is K; "start" -> 0; "end" -> the last; a time -> the last record at or before it.
std::optional<size_t> resolve_step_target(const Trace& trace, std::string_view target);

}  // namespace deploysim
