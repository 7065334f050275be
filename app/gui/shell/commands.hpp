#pragma once
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "deploysim/ids.hpp"
#include "deploysim/time.hpp"

namespace deploysim::gui {

/// Move the playhead by n events (negative: back), honouring the stage filter.
struct RequestStep {
  int n = 1;
};
/// Move the playhead to a simulated time.
struct RequestSeek {
  Time t;
};
/// Jump to the next (+1) or previous (-1) stage.
struct RequestStageJump {
  int dir = 1;
};
/// Select a record (and move the playhead to it).
struct RequestSelect {
  RecordId id = RecordId::none;
};
/// Start or stop playback.
struct RequestPlay {
  bool on = true;
};
/// Change a scenario parameter by path and re-simulate, keeping the playhead's time.
struct RequestSetParam {
  std::string path;
  std::string value;
};
/// Open a scenario file (the current one stays open if it fails).
struct RequestOpen {
  std::string path;          ///< Scenario file.
  std::string variant = {};  ///< A [[variant]] of it to apply in the same job ("" = the base).
  std::vector<std::pair<std::string, std::string>> overrides = {};  ///< Then these path = value overrides.
};
/// Open any file the user picked, dropped or gave: a lesson, an exercise or a scenario, told by
/// its content (open_file.hpp).
struct RequestOpenFile {
  std::string path;  ///< The file.
};
/// Save the run's what-if changes as a scenario file (scenario_write.hpp).
struct RequestSaveWhatIf {
  std::string path;  ///< Where to write it.
};
/// "Save for Wireshark": the capture (or key log) of the connection of a TLS record.
struct RequestSaveCapture {
  RecordId id = RecordId::none;  ///< A record of the connection.
  bool keylog_only = false;      ///< The key log alone, not the pcapng with it inside.
};
/// Import a team's deployment files (folders are walked) and open the scenario made of them.
struct RequestImport {
  std::vector<std::string> paths;  ///< Files or folders.
};
/// Write the last import's scenario text to a file.
struct RequestSaveImported {
  std::string path;  ///< Where to write it.
};
/// Re-read the current scenario file.
struct RequestReload {};
/// Run a named variant beside the current scenario ("" turns compare mode off).
struct RequestCompare {
  std::string variant;
};
/// Write the next frame to a PNG.
struct RequestScreenshot {
  std::string path;
};
/// Toggle fullscreen.
struct RequestFullscreen {};
/// Close the window.
struct RequestQuit {};
/// Stop the running simulation (the shown run stays).
struct RequestCancel {};

/// Anything a panel, a key or the script driver asks the loop to do between frames.
using Command =
    std::variant<RequestStep, RequestSeek, RequestStageJump, RequestSelect, RequestPlay, RequestSetParam, RequestOpen,
                 RequestOpenFile, RequestSaveWhatIf, RequestSaveCapture, RequestReload, RequestCompare,
                 RequestScreenshot, RequestFullscreen, RequestQuit, RequestCancel, RequestImport, RequestSaveImported>;

/// The queue panels post to; the loop drains it after drawing.
struct Commands {
  std::vector<Command> queue;  ///< Pending, in posting order.
  /// Posts a command.
  void post(Command c) { queue.push_back(std::move(c)); }
};

}  // namespace deploysim::gui
