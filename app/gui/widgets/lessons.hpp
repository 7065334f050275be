#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// The open lesson's current step with Back / Next (the top of the narration panel); `large`
/// for the presenter layout.
void draw_lesson_step(UiState& ui, bool large);
/// The lesson navigator: the open lesson's step, summary, sources and "in real life" note, then
/// the shipped lessons to open (the top of the scenario browser).
void draw_lessons(UiState& ui, Commands& commands);
/// What the course outline says of a learner's progress in a lesson: "done", "2/3 right" (right
/// answers out of the lesson's questions), both, or "-" when not started; Korean when `ko`.
std::string progress_text(const Lesson& lesson, const LessonProgress* progress, const Messages& words);
/// The same, one line a part, as the course list stacks them: {"done", "1/2 right"}.
std::vector<std::string> progress_lines(const Lesson& lesson, const LessonProgress* progress, const Messages& words);
/// The answer a revealed question shows: the right choice's text, or the value read from the run,
/// a number with its unit ("80 ms", "60 s") as the tour and the handout print it; empty if none.
std::string shown_answer(const QuestionUi& q, const Question& question, std::string_view lang, const Messages& words);
/// Notes the open lesson's progress in ui.settings.progress: done once its last step is shown.
/// Call once per frame, after update_lesson.
void record_progress(UiState& ui);

}  // namespace deploysim::gui
