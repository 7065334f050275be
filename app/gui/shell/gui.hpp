#pragma once
#include <optional>
#include <string>

namespace deploysim::gui {

/// How the GUI was asked to start.
struct GuiOptions {
  std::string scenario;        ///< Scenario or lesson to open ("" = the first lesson).
  std::optional<int> frames;   ///< Render this many frames, then quit (tests).
  std::string screenshot;      ///< Write the last frame here as PNG.
  std::string script;          ///< Scripted driver file (one command per line).
  bool quiet = false;          ///< Print neither `state` lines nor "screenshot written" (handouts).
  int width = 0, height = 0;   ///< Window size (0 = fit the monitor, platform.hpp fit_window).
  std::string lang;            ///< --lang: this run's language, over the settings and the system's.
  bool keep_settings = false;  ///< A scripted run reads and keeps the settings as a learner's session does.
};

/// What happened.
enum class GuiResult { ok, no_display, failed, bad_input };

/// Opens the window and runs the loop until closed (or `frames` have been drawn, or the script
/// ends). `bad_input`: the script has an error (printed as file:line:column: message).
GuiResult run_gui(const GuiOptions& options);

}  // namespace deploysim::gui
