#pragma once
#include <string>

#include "ui_state.hpp"

namespace deploysim::gui {

/// The per-user config directory ($XDG_CONFIG_HOME/deploysim or ~/.config/deploysim); "" when
/// neither variable is set.
std::string config_dir();
/// Reads settings.json from `dir` (missing or unreadable file: defaults, no error).
Settings load_settings(const std::string& dir);
/// Writes settings.json into `dir` (creating it); returns false when it cannot.
bool save_settings(const std::string& dir, const Settings& settings);

}  // namespace deploysim::gui
