#pragma once
#include "gui/shell/commands.hpp"
#include "gui/run/model.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Applies a playhead command (step, seek, stage jump, select, play) to the UI state.
/// Returns false when the command is not a playhead command.
bool apply_navigation(const Command& command, const Model& model, UiState& ui);

/// Advances playback by `real_seconds` of wall time at the current speed, skipping idle time
/// (a gap longer than half a second of wall time jumps to just before the next event).
void advance_playback(double real_seconds, const Model& model, UiState& ui);

/// The playhead time a record is shown at: a message half-way along its link.
int64_t show_time(const Record& r);

/// Selects the last record (passing the filter) at or before the playhead.
void select_at_playhead(const Model& model, UiState& ui);

}  // namespace deploysim::gui
