#pragma once
#include <string>

#include "gui/run/session.hpp"
#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Opens a file the way a desktop program does, whatever it holds (told by content): a lesson on
/// its first step, a scenario, or an exercise (open_exercise_file). Returns the problem, "" when
/// the file is opening; on a problem what is open stays open.
std::string open_file(const std::string& path, UiState& ui, Commands& commands);
/// Exercise files (issue #15, the exercise part) open here; until then it says how to grade one.
std::string open_exercise_file(const std::string& path, UiState& ui, Commands& commands);
/// Writes the run's scenario with its what-if changes (and variant) as a scenario file, with
/// comments in the window's language; returns the status line saying what happened.
std::string save_whatif(const Session& session, const std::string& path, UiState& ui);
/// Re-reads the open lesson file and the open scenario file when they changed on disk (checked
/// at most once a second; `now`: at once), keeping the learner's step and the playhead's time.
/// A broken edit is shown as file:line:column and what was open stays.
void watch_open_files(Session& session, UiState& ui, Commands& commands, bool now);

}  // namespace deploysim::gui
