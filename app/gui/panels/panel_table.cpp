// The panel table: one row per panel. Adding a panel is its file and its row here.
#include <array>

#include "gui/panels/panels.hpp"

namespace deploysim::gui {

// Each panel's draw function, defined in its own file.
/// Topology canvas: nodes, hosts, links, moving packets, locks, process states (topology.cpp).
void draw_topology(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Timeline: transport controls, speed, stage filters, stage lanes with ticks (timeline.cpp).
void draw_timeline(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Sequence diagram of the selected connection (sequence.cpp).
void draw_sequence(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Inspector of the selected record: fields, TLS bytes, process details (inspector.cpp).
void draw_inspector(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Narration of the selected record in plain language (narration.cpp).
void draw_narration(const PanelContext& ctx, UiState& ui, Commands& commands);
/// What-if widgets and compare mode (whatif.cpp).
void draw_whatif(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Metrics plots over simulated time with the playhead marked (metrics.cpp).
void draw_metrics(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Scenario / lesson browser: lessons, shipped scenarios, open from disk, errors (browser.cpp).
void draw_browser(const PanelContext& ctx, UiState& ui, Commands& commands);
/// Exercise: choose one, change what it allows, check the run against its goal (exercise.cpp).
void draw_exercise(const PanelContext& ctx, UiState& ui, Commands& commands);
/// What an on-path observer sees of the selected connection, with and without ECH and DoH (observer.cpp).
void draw_observer(const PanelContext& ctx, UiState& ui, Commands& commands);

namespace {

// Normal layout. Left column: scenario + what-if + exercise; centre: canvas over narration;
// right: inspector over the sequence diagram; bottom: timeline and metrics.
constexpr float left = 0.19f, right = 0.34f, bottom = 0.30f, canvas_h = 0.72f, inspector_h = 0.55f;
// Small screens: the left column is one window of tabs, a little wider; the centre gets the room
// the right column gives up.
constexpr float s_left = 0.25f, s_right = 0.28f;
// Presenter mode: the canvas gets most of the screen, the narration sits under it, the timeline
// runs along the bottom; the other panels are tabs of one "Details" window on the right. The
// narration has room for the selected record's time and two lines of its text in the large font
// (at 0.12 it showed two lines of context alone), and for a lesson question's prompt and two
// choices: taken from the timeline's lanes, whose labels a class cannot read from afar anyway;
// the canvas needs all of its height for the labels of a five-host scenario. A short screen
// gives the narration more of its height: at 1024x768 a question's prompt and two choices under
// the step's heading need 0.35 of it (at 0.25 and 0.31 the second choice fell below the edge).
constexpr float p_left = 0.70f, p_canvas_h = 0.58f, p_narration_h = 0.20f;
constexpr float q_canvas_h = 0.45f, q_narration_h = 0.35f;

constexpr PanelRect tab{};

constexpr PanelRect centre(float l, float r, float y, float h) { return {l, y, 1 - l - r, h}; }

// Drawing order; tabs appear in this order too. Columns: normal, presenter, small, small presenter.
constexpr std::array<PanelSpec, 10> table{{
    {"Topology",
     "panel.topology",
     draw_topology,
     {centre(left, right, 0, (1 - bottom) * canvas_h), PanelRect{0, 0, p_left, p_canvas_h},
      centre(s_left, s_right, 0, (1 - bottom) * canvas_h), PanelRect{0, 0, p_left, q_canvas_h}},
     true,
     true},
    {"Narration",
     "panel.narration",
     draw_narration,
     {centre(left, right, (1 - bottom) * canvas_h, (1 - bottom) * (1 - canvas_h)),
      PanelRect{0, p_canvas_h, p_left, p_narration_h},
      centre(s_left, s_right, (1 - bottom) * canvas_h, (1 - bottom) * (1 - canvas_h)),
      PanelRect{0, q_canvas_h, p_left, q_narration_h}}},
    {"Timeline",
     "panel.timeline",
     draw_timeline,
     {PanelRect{0, 1 - bottom, 1 - right, bottom},
      PanelRect{0, p_canvas_h + p_narration_h, 1, 1 - p_canvas_h - p_narration_h},
      PanelRect{0, 1 - bottom, 1 - s_right, bottom},
      PanelRect{0, q_canvas_h + q_narration_h, 1, 1 - q_canvas_h - q_narration_h}},
     true},
    {"Inspector",
     "panel.inspector",
     draw_inspector,
     {PanelRect{1 - right, 0, right, (1 - bottom) * inspector_h}, tab,
      PanelRect{1 - s_right, 0, s_right, (1 - bottom) * inspector_h}, tab}},
    {"Sequence",
     "panel.sequence",
     draw_sequence,
     {tab, tab, PanelRect{1 - s_right, (1 - bottom) * inspector_h, s_right, (1 - bottom) * (1 - inspector_h)}, tab}},
    {"Metrics",
     "panel.metrics",
     draw_metrics,
     {PanelRect{1 - right, 1 - bottom, right, bottom}, tab, PanelRect{1 - s_right, 1 - bottom, s_right, bottom}, tab}},
    {"Scenario", "panel.scenario", draw_browser, {PanelRect{0, 0, left, 0.24f}, tab, tab, tab}},
    {"What if", "panel.whatif", draw_whatif, {PanelRect{0, 0.24f, left, 0.23f}, tab, tab, tab}},
    {"Exercise", "panel.exercise", draw_exercise, {PanelRect{0, 0.47f, left, 1 - bottom - 0.47f}, tab, tab, tab}},
    {"Observer", "panel.observer", draw_observer, {tab, tab, tab, tab}},
}};

}  // namespace

TabWindow tab_window(Layout layout) {
  switch (layout) {
    case Layout::normal:  // under the inspector: the sequence diagram and the observer's table
      return {
          "Details", "panel.details", {1 - right, (1 - bottom) * inspector_h, right, (1 - bottom) * (1 - inspector_h)}};
    case Layout::presenter:
      return {"Details", "panel.details", {p_left, 0, 1 - p_left, p_canvas_h + p_narration_h}};
    case Layout::small:
      return {"Panels", "panel.panels", {0, 0, s_left, 1 - bottom}};
    case Layout::small_presenter:
      return {"Details", "panel.details", {p_left, 0, 1 - p_left, q_canvas_h + q_narration_h}};
  }
  return {"", "", {}};
}

std::span<const PanelSpec> panel_table() { return table; }

std::vector<std::pair<std::string, PanelRect>> exercise_column(Layout layout) {
  if (layout != Layout::normal) return {};
  // At 1600x900 the default 0.23 of the height showed the task or the verdict, never both.
  constexpr float scenario_h = 0.12f, whatif_h = 0.12f;
  return {{"Scenario", PanelRect{0, 0, left, scenario_h}},
          {"What if", PanelRect{0, scenario_h, left, whatif_h}},
          {"Exercise", PanelRect{0, scenario_h + whatif_h, left, 1 - bottom - scenario_h - whatif_h}}};
}

}  // namespace deploysim::gui
