#pragma once
#include <string>

#include "gui/run/session.hpp"
#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// Shows (`show`) or hides the file browser at `dir` ("" = where it was, else the working
/// directory); `save`: it saves the what-if instead of opening a file.
void show_file_browser(UiState& ui, const std::string& dir, bool show, bool save);
/// Draws the file browser window when it is shown: directories and .toml files (each with what it
/// holds: lesson, scenario or exercise), Up, Home, the shipped folders and the recent files.
/// Opening posts RequestOpenFile; saving posts RequestSaveWhatIf.
void draw_file_browser(const Session& session, const std::string& assets_dir, UiState& ui, Commands& commands);
/// The user's home folder (HOME), else the working directory: where Home goes in the file
/// browser and the import picker.
std::string home_dir();
/// The recent files as menu items (files that are gone are dropped first); a click opens one.
void draw_recent_menu(UiState& ui, Commands& commands);

}  // namespace deploysim::gui
