#pragma once
// The per-user config directory, shared by the window (settings.json) and the CLI (which reads
// the saved language from it).
#include <cstdlib>
#include <string>

namespace deploysim {

/// $XDG_CONFIG_HOME/deploysim, else ~/.config/deploysim; "" when neither variable is set.
inline std::string user_config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/deploysim";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/deploysim";
  return {};
}

}  // namespace deploysim
