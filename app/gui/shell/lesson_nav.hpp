#pragma once
#include <string>

#include <vector>

#include "gui/shell/commands.hpp"
#include "deploysim/lesson.hpp"
#include "gui/run/session.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Reads the shipped lessons once into ui.lesson.list (assets/lessons/*.toml); a file that fails
/// is named in ui.lesson.error and skipped.
void ensure_lessons(UiState& ui);
/// Finds a lesson by id ("03-no-sni"), by a part of it ("no-sni", "03") or by its file path; -1
/// when none matches.
int find_lesson(UiState& ui, const std::string& name);
/// Opens lesson `index`: its scenario with its variant is simulated (one job), and once that run
/// arrives the playhead goes to the first step's target.
void open_lesson(UiState& ui, Commands& commands, int index);
/// Moves to step `step` of the open lesson (clamped), moving the playhead to its target.
void go_to_step(UiState& ui, int step);
/// Whether the current step's question waits for the learner's answer (the step has not played).
bool lesson_asking(const UiState& ui);
/// The learner commits to the current step's answer: the step plays, then the true answer is
/// read from the run (update_lesson) and graded. Nothing happens without a choice picked.
void reveal_answer(UiState& ui);
/// Closes the lesson (the scenario stays open).
void close_lesson(UiState& ui);
/// What `deploysim check` refuses in `lesson` against its run `model` (a step target that
/// resolves to nothing, an answer source that reads nothing, a choice question none of whose
/// choices is right): one located error a line (file:line:column), "" when none. A run whose
/// trace was bounded is not judged (the check needs every record).
std::string lesson_run_errors(const Lesson& lesson, const Model& model, const Messages& words);
/// The open lesson's run has just arrived: a lesson `check` refuses is closed rather than played
/// wrongly, its errors go to ui.lesson.refused, the status line and stderr, and what was open
/// before it opens again (the lesson on its step, else the scenario). True when refused.
bool refuse_broken_lesson(const Model& model, UiState& ui, Commands& commands);
/// Tells the open lesson that a run arrived: its own (the lesson is ready), a failure of its own
/// (the lesson closes; the error shows in the browser), or another file's (the lesson closes).
void lesson_arrival(const Session::Arrival& arrival, UiState& ui);
/// Moves the playhead to a step that is waiting (after go_to_step, or when the lesson's run
/// arrived); a step with a question not yet revealed waits for reveal_answer, and a revealed one
/// reads its answer from the run. Call once per frame before the panels draw.
void update_lesson(const Model& model, UiState& ui, Commands& commands);
/// Whether the lesson is waiting for its run (the script driver waits too).
bool lesson_pending(const UiState& ui);
/// Moves and resizes the windows the script asked for (ui.window_moves); call inside a frame.
void apply_window_moves(UiState& ui);
/// The open lesson, or nullptr.
const Lesson* current_lesson(const UiState& ui);
/// The step text in the chosen language (English when there is no translation).
const std::string& step_text(const LessonStep& step, const std::string& language);
/// The lesson title in the chosen language.
const std::string& lesson_title(const Lesson& lesson, const std::string& language);

}  // namespace deploysim::gui
