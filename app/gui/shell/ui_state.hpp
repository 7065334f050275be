#pragma once
#include <array>
#include <cstdint>
#include <utility>
#include <vector>
#include <map>
#include <string>

#include "deploysim/ids.hpp"
#include "deploysim/lesson.hpp"
#include "gui/run/trace_index.hpp"
#include "gui/shell/files.hpp"

namespace deploysim::gui {

/// Presentation settings that persist between runs (settings.json).
struct Settings {
  bool presenter = false;              ///< Large font, high contrast.
  float font_scale = 1.0f;             ///< Extra scale on top of the font size.
  double speed = 1.0;                  ///< Playback speed (simulated seconds per real second).
  uint32_t stage_filter = all_stages;  ///< Stages shown and stepped through.
  std::string last_scenario;           ///< Re-opened on start when no file is given.
  bool show_trails = true;             ///< Fading trails of recent packets.
  std::string language = "en";         ///< Narration language ("en", "ko").
  std::vector<std::string> recent;     ///< Recently opened files, newest first (at most max_recent).
};

/// How many recent files the settings keep.
constexpr size_t max_recent = 10;

/// The lesson navigator: the shipped lessons, the open one and its step, and a step waiting for
/// the lesson's run (its scenario with its variant) to arrive (lesson_nav.hpp).
struct LessonUi {
  bool listed = false;       ///< The lesson files have been read into `list`.
  std::vector<Lesson> list;  ///< The shipped lessons, sorted by file name.
  std::string error;         ///< A lesson file that failed to load (file:line:column).
  int current = -1;          ///< Index into lessons (-1: none open).
  int step = -1;             ///< Current step (-1: before the first).
  int pending_step = -1;     ///< Step to show once the run is ready (-1: none).
  bool loaded = false;       ///< The lesson's run (scenario and variant) has arrived.
};

/// Everything the UI remembers about how it looks at the model: the playhead, selection, view
/// transforms. Panels may change their own view fields; model changes go through Commands.
struct UiState {
  Settings settings;                         ///< Persisted part.
  int64_t t_ns = 0;                          ///< Playhead.
  bool playing = false;                      ///< Playback running.
  RecordId selected = RecordId::none;        ///< Selected record.
  float canvas_zoom = 1.0f;                  ///< Topology zoom.
  float canvas_pan_x = 0, canvas_pan_y = 0;  ///< Topology pan (pixels).
  double view_t0 = 0, view_t1 = 0;           ///< Timeline visible range (s); equal = whole run.
  int hex_hover_field = -1;                  ///< Inspector: field under the mouse in the hex view.
  std::string hex_pinned;       ///< Inspector: field pinned by a click or `inspect` (lit when nothing is hovered).
  std::string hex_scrolled_to;  ///< Inspector: the pinned field last scrolled into view.
  int reset_layout = 0;         ///< Frames left to place the windows at their default rectangles.
  bool fullscreen = false;      ///< F11.
  int64_t frame = 0;            ///< Frames drawn so far.
  double fps_ms = 0;            ///< Smoothed ms per frame (status bar).
  std::string status;           ///< One-line status message (screenshot written, ...).
  std::map<std::string, double> whatif_edits;  ///< What-if widget values not yet simulated.
  RecordId sequence_follow = RecordId::none;   ///< Sequence diagram: last row scrolled to.
  std::string open_path;                       ///< Browser: the path typed into "Open a file".
  LessonUi lesson;                             ///< Lesson navigator.
  FilesUi files;                               ///< File browser, watched files.
  /// Windows to move and resize on the next frame (script `window NAME X Y W H`, fractions of
  /// the viewport): name, then x, y, w, h.
  std::vector<std::pair<std::string, std::array<float, 4>>> window_moves;
};

}  // namespace deploysim::gui
