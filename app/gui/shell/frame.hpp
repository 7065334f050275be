#pragma once
#include <string>

#include "gui/shell/commands.hpp"
#include "deploysim/narration.hpp"
#include "gui/run/session.hpp"
#include "gui/shell/theme.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Draws one whole frame's UI: the main menu bar with status, and every panel in its window.
/// Reads the session const; everything that changes the model is posted to `commands`.
void draw_frame(const Session& session, const Fonts& fonts, const std::string& assets_dir, const Narrator* narrator,
                UiState& ui, Commands& commands);

}  // namespace deploysim::gui
