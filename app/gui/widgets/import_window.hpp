#pragma once
// File > Import... (issue #20): the picker of a team's deployment files (a folder, or files and
// folders ticked), the import report window, and "Save scenario as...".
#include <string>

#include "gui/run/session.hpp"
#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Shows (`show`) or hides the import picker at `dir` ("" = where it was, else the working
/// directory); `save`: it picks where to write the imported scenario instead.
void show_import_picker(UiState& ui, const std::string& dir, bool show, bool save);
/// The File menu's import items: Import..., the report, Save scenario as...; in a build without
/// the importer (the browser), a note that importing needs the desktop program.
void draw_import_menu(UiState& ui);
/// Draws the picker and the report window when they are shown. Importing posts RequestImport,
/// saving RequestSaveImported.
void draw_import_windows(UiState& ui, Commands& commands);

}  // namespace deploysim::gui
