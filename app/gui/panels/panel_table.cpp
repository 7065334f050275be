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

namespace {

// Normal layout. Left column: scenario + what-if; centre: canvas over narration; right:
// inspector over the sequence diagram; bottom: timeline and metrics.
constexpr float left = 0.19f, right = 0.34f, bottom = 0.30f, canvas_h = 0.72f, inspector_h = 0.55f;
// Presenter mode: the canvas gets most of the screen, the narration sits under it, the timeline
// runs along the bottom; the other panels are tabs of one "Details" window on the right.
constexpr float p_left = 0.70f, p_canvas_h = 0.58f, p_narration_h = 0.12f;

constexpr PanelRect tab{};  // presenter: a tab of Details

// Drawing order; presenter mode shows the panels without a rectangle of their own as tabs, in
// this order too.
constexpr std::array<PanelSpec, 9> table{{
    {"Topology###Topology",
     draw_topology,
     {left, 0, 1 - left - right, (1 - bottom) * canvas_h},
     {0, 0, p_left, p_canvas_h},
     true,
     true},
    {"Narration",
     draw_narration,
     {left, (1 - bottom) * canvas_h, 1 - left - right, (1 - bottom) * (1 - canvas_h)},
     {0, p_canvas_h, p_left, p_narration_h}},
    {"Timeline",
     draw_timeline,
     {0, 1 - bottom, 1 - right, bottom},
     {0, p_canvas_h + p_narration_h, 1, 1 - p_canvas_h - p_narration_h},
     true},
    {"Inspector", draw_inspector, {1 - right, 0, right, (1 - bottom) * inspector_h}, tab},
    {"Sequence", draw_sequence, {1 - right, (1 - bottom) * inspector_h, right, (1 - bottom) * (1 - inspector_h)}, tab},
    {"Metrics", draw_metrics, {1 - right, 1 - bottom, right, bottom}, tab},
    {"What if", draw_whatif, {0, 0.24f, left, 0.23f}, tab},
    {"Scenario", draw_browser, {0, 0, left, 0.24f}, tab},
    {"Exercise", draw_exercise, {0, 0.47f, left, 1 - bottom - 0.47f}, tab},
}};

}  // namespace

std::span<const PanelSpec> panel_table() { return table; }

}  // namespace deploysim::gui
