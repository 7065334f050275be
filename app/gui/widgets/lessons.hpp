#pragma once
#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// The open lesson's current step with Back / Next (the top of the narration panel); `large`
/// for the presenter layout.
void draw_lesson_step(UiState& ui, bool large);
/// The lesson navigator: the open lesson's step, summary, sources and "in real life" note, then
/// the shipped lessons to open (the top of the scenario browser).
void draw_lessons(UiState& ui, Commands& commands);

}  // namespace deploysim::gui
