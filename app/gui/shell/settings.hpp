#pragma once
#include <string>

#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// The per-user config directory ($XDG_CONFIG_HOME/deploysim or ~/.config/deploysim); "" when
/// neither variable is set.
std::string config_dir();
/// Settings as read, and what was wrong with the file ("" when nothing was).
struct LoadedSettings {
  Settings settings;    ///< Defaults for whatever was missing or wrong.
  std::string problem;  ///< "path:line:column: what is expected; what happens instead".
};
/// Reads settings.json from `dir`. A missing file gives the defaults and no problem; a file that
/// is not JSON is renamed to settings.json.broken (so that quitting does not overwrite it); a
/// key of the wrong type or an unknown key keeps that setting's default. Recent files that no
/// longer exist are dropped.
LoadedSettings load_settings(const std::string& dir);
/// The checks of load_settings on the text of a settings.json (`path` names it in the problem),
/// without touching any file; `not_json` (when given) is set when the text cannot be read as JSON
/// at all (a syntax error, or a number beyond a double such as 1e400).
LoadedSettings parse_settings(const std::string& text, const std::string& path, bool* not_json = nullptr);
/// Puts a file at the top of the recent files (as an absolute path; once; at most max_recent).
void add_recent(Settings& settings, const std::string& path);
/// Forgets recent files that no longer exist (read again when the list is shown).
void drop_missing_recent(Settings& settings);
/// Writes settings.json into `dir` (creating it); returns false when it cannot.
bool save_settings(const std::string& dir, const Settings& settings);

/// The language a start uses: --lang when given, else the learner's saved choice, else the
/// system's (Messages::system_language: LC_ALL, LC_MESSAGES, LANG).
std::string choose_language(const std::string& flag, const std::string& saved);

}  // namespace deploysim::gui
