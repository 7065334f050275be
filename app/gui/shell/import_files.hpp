#pragma once
// File > Import... (issue #20): a team's deployment files turned into a scenario by the importer
// (app/import), its report kept for the report window, and the scenario opened from text.
#include <string>
#include <vector>

#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// The name an imported scenario goes by in errors (it is on no disk unless the user saves it).
inline constexpr const char* imported_scenario_label = "<imported>/scenario.toml";

/// Whether this build can import (the desktop program; not the browser build).
bool import_available();
/// Imports `paths` (folders are walked) in the window's language into ui.imported and shows the
/// report. True when a scenario was made (ui.imported.scenario_text; the caller opens it); on an
/// error the report says where and what was open stays.
bool run_import(const std::vector<std::string>& paths, UiState& ui);
/// Writes the last import's scenario text to `path`; returns the status line saying what happened.
std::string save_imported(const std::string& path, UiState& ui);

}  // namespace deploysim::gui
