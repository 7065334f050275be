#pragma once
#include <array>
#include <cstdint>
#include <utility>
#include <vector>
#include <map>
#include <optional>
#include <string>

#include "deploysim/exercise.hpp"
#include "deploysim/ids.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "gui/run/layout.hpp"
#include "gui/run/trace_index.hpp"
#include "gui/shell/files.hpp"
#include "gui/shell/import_ui.hpp"

namespace deploysim::gui {

/// The window's layouts: normal and presenter, each also for a small screen (a 1024x768 projector,
/// a 1366x768 laptop), where the normal layout's left column becomes one window of tabs.
enum class Layout { normal, presenter, small, small_presenter };
/// How many layouts there are.
constexpr size_t layouts = 4;
/// The layout for a mode and the window's size in logical pixels: small below 1200 x 800.
inline Layout layout_for(bool presenter, float w, float h) {
  const bool small = w < 1200 || h < 800;
  return presenter ? (small ? Layout::small_presenter : Layout::presenter) : (small ? Layout::small : Layout::normal);
}
/// What a layout's window ids start with, so that each layout keeps its own remembered rectangles.
inline const char* layout_prefix(Layout l) {
  static constexpr const char* prefix[layouts] = {"", "P", "S", "Q"};
  return prefix[static_cast<size_t>(l)];
}

/// A learner's progress in one lesson (settings.json "progress", by lesson id).
struct LessonProgress {
  bool done = false;            ///< The learner reached the lesson's last step.
  std::map<int, bool> answers;  ///< Step index of each question answered -> the latest answer was right.
  bool operator==(const LessonProgress&) const = default;
};

/// Presentation settings that persist between runs (settings.json).
struct Settings {
  bool presenter = false;              ///< Large font, high contrast.
  float font_scale = 1.0f;             ///< Extra scale on top of the font size.
  double speed = 1.0;                  ///< Playback speed (simulated seconds per real second).
  uint32_t stage_filter = all_stages;  ///< Stages shown and stepped through.
  std::string last_scenario;           ///< Re-opened on start when no file is given.
  bool show_trails = true;             ///< Fading trails of recent packets.
  std::string language;  ///< The learner's language ("en", "ko"); "" until chosen: then --lang or the system's.
  std::map<std::string, LessonProgress> progress;  ///< The learner's progress, by lesson id.
  std::vector<std::string> recent;                 ///< Recently opened files, newest first (at most max_recent).
};

/// The learner's answers to lesson questions, per lesson id (what a progress store keeps).
struct LessonAnswers {
  std::map<std::string, std::map<int, bool>> right;  ///< Lesson id -> step index -> answered right.
  /// How many questions of a lesson were answered right.
  int right_count(const std::string& lesson) const {
    int n = 0;
    if (auto it = right.find(lesson); it != right.end())
      for (const auto& [step, ok] : it->second) n += ok ? 1 : 0;
    return n;
  }
};

/// One step's question as the learner meets it: the answer picked or typed and, after "Reveal",
/// the true answer read from the run.
struct QuestionUi {
  int choice = -1;                   ///< Choice picked (-1: none yet).
  double number = 0;                 ///< Number typed.
  std::string unit;                  ///< The unit a number answer is read in ("ms", "d"), known when asked.
  bool reveal_requested = false;     ///< "Reveal" pressed: the step plays, then the answer is read.
  bool revealed = false;             ///< The answer has been read from the run and is shown.
  bool right = false;                ///< The learner's answer was right.
  std::optional<AnswerValue> truth;  ///< The value read from the run.
  std::string truth_error;           ///< Why it could not be read (a lesson mistake; `check` reports it too).
  int right_choice = -1;             ///< The choice whose value is the truth (-1: none).
  bool scroll_to_answer = false;     ///< Revealed this frame: the narration scrolls to show it.
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
  std::string refused;       ///< A lesson closed on its run's arrival: check's errors, one a line.
  /// What was open when the last lesson opened: reopened when `check` refuses that lesson.
  struct Before {
    int lesson = -1;       ///< The lesson (-1: none) ...
    int step = -1;         ///< ... and its step.
    std::string scenario;  ///< Else the scenario file ("": none) ...
    std::string variant;   ///< ... with its variant.
  } before;
  std::map<int, QuestionUi> questions;  ///< The open lesson's questions by step (reset when a lesson opens).
  LessonAnswers answers;                ///< Every answer revealed this session, per lesson.
  bool answer_in_view = false;          ///< The narration showed the start of a revealed answer last frame.
  bool course_stacked = false;          ///< The outline's last frame put minutes and progress under each title.
};

/// The exercise panel: the shipped exercises, the chosen one, the learner's tries and the last
/// check of the run (gui/panels/exercise.cpp).
struct ExerciseUi {
  bool listed = false;                       ///< The exercise files have been read into `list`.
  std::vector<Exercise> list;                ///< The shipped exercises, sorted by file name.
  std::string error;                         ///< An exercise file that failed to load (file:line:column).
  int current = -1;                          ///< Index into `list` (-1: none chosen).
  std::map<std::string, std::string> typed;  ///< Text typed into a bounded parameter's field, by path.
  int tries = 0;                             ///< Checks of this exercise so far.
  bool checked = false;                      ///< `results` or `refused` hold the last check.
  std::string checked_fingerprint;           ///< The trace the last check judged.
  std::vector<GoalResult> results;           ///< Per goal, from the last check.
  std::string refused;                       ///< A setting the exercise does not allow (instead of results).
  int scroll_to_results = 0;                 ///< A check just ran: frames left to bring its results into view.
  std::string choose;                        ///< Script `exercise ID`: choose it on the next frame.
  std::optional<Exercise> opened;            ///< An exercise file opened (File > Open, dropped): choose it next.
  bool check_now = false;                    ///< Script `exercise check`: press Check once the run is in.
};

/// Everything the UI remembers about how it looks at the model: the playhead, selection, view
/// transforms. Panels may change their own view fields; model changes go through Commands.
struct UiState {
  Settings settings;          ///< Persisted part.
  Messages words;             ///< The program's words in settings.language (gui.cpp keeps it so).
  CanvasWords canvas_words;   ///< The canvas's words from `words`, made when the language changes.
  std::string words_lang;     ///< The language `words` was last loaded for.
  std::string language_auto;  ///< The language the system gave (not saved as the learner's choice).
  std::vector<std::pair<std::string, std::string>> languages;  ///< The catalogues: code and the language's own name.
  /// The text of a key (assets/i18n) in the chosen language.
  const std::string& tr(std::string_view key) const { return words(key); }
  /// A duration in the learner's language (its [units]).
  std::string time(Time t) const { return words.time(t); }
  /// The text of a key with its `{}` filled in.
  template <typename... Args>
  std::string trf(std::string_view key, const Args&... args) const {
    return words.format(key, args...);
  }
  int64_t t_ns = 0;                          ///< Playhead.
  bool playing = false;                      ///< Playback running.
  RecordId selected = RecordId::none;        ///< Selected record.
  float canvas_zoom = 1.0f;                  ///< Topology zoom.
  float canvas_pan_x = 0, canvas_pan_y = 0;  ///< Topology pan (pixels).
  double view_t0 = 0, view_t1 = 0;           ///< Timeline visible range (s); equal = whole run.
  int hex_hover_field = -1;                  ///< Inspector: field under the mouse in the hex view.
  std::string hex_pinned;          ///< Inspector: field pinned by a click or `inspect` (lit when nothing is hovered).
  std::string hex_scrolled_to;     ///< Inspector: the pinned field last scrolled into view.
  Layout layout = Layout::normal;  ///< The layout of the last frame (panels.hpp's layout_for).
  std::string details_tab;         ///< The tab the tab window shows in front (script `state`).
  std::string focus_panel;         ///< A tab to bring to the front in the next frame ("Exercise").
  int reset_layout = 0;            ///< Frames left to place the windows at their default rectangles.
  bool fullscreen = false;         ///< F11.
  int64_t frame = 0;               ///< Frames drawn so far.
  double fps_ms = 0;               ///< Smoothed ms per frame (status bar).
  int window_w = 0, window_h = 0;  ///< The window's size (script `state`: window=WxH).
  int screen_w = 0, screen_h = 0;  ///< The work area of the monitor it opened on (script `state`: screen=WxH).
  std::string status;              ///< One-line status message (screenshot written, ...).
  std::string status_error;        ///< The status when it was set as an error: drawn as one while it is the status.
  std::map<std::string, double> whatif_edits;  ///< What-if widget values not yet simulated.
  RecordId sequence_follow = RecordId::none;   ///< Sequence diagram: last row scrolled to.
  std::string open_path;                       ///< Browser: the path typed into "Open a file".
  LessonUi lesson;                             ///< Lesson navigator.
  ExerciseUi exercise;                         ///< Exercise panel.
  FilesUi files;                               ///< File browser, watched files.
  ImportUi imported;                           ///< File > Import...: the picker and the last report.
  /// Windows to move and resize on the next frame (script `window NAME X Y W H`, fractions of
  /// the viewport): name, then x, y, w, h.
  std::vector<std::pair<std::string, std::array<float, 4>>> window_moves;
};

}  // namespace deploysim::gui
