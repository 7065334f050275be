#pragma once
#include <optional>
#include <string>

#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"

namespace deploysim::cli {

/// What `deploysim tour` (and the no-display fallback) runs.
struct TourOptions {
  std::string lesson;       ///< Lesson id, part of one, or a file ("" = the first lesson).
  std::string lang = "en";  ///< Narration language.
  bool pause = true;        ///< Wait for Enter between steps when on a terminal.
  bool sources = false;     ///< Print the sources of every step's claims.
};

/// The lesson file a name means: a file, a lesson id or part of one ("" = the first lesson).
std::string resolve_lesson(const std::string& name);
/// A lesson and its scenario with the lesson's variant applied.
struct LessonScenario {
  Lesson lesson;      ///< The lesson file.
  Scenario scenario;  ///< What it runs.
};
/// Loads a lesson file and its scenario; prints the located error (in `words`' language) and
/// returns nothing on a mistake.
std::optional<LessonScenario> load_lesson_scenario(const std::string& file, const Messages& words);
/// Simulates the lesson's scenario and narrates it step by step; returns the exit code.
int run_tour(const TourOptions& options);

}  // namespace deploysim::cli
