#pragma once
#include <string>

#include "gui/shell/commands.hpp"
#include "gui/run/model.hpp"
#include "gui/run/session.hpp"
#include "gui/shell/theme.hpp"
#include "gui/shell/ui_state.hpp"

#include "deploysim/narration.hpp"

namespace deploysim::gui {

// One panel per file. Each draws the contents of its (already begun) window, reads the model
// const and posts commands; none changes the model.

/// Topology canvas: nodes, hosts, links, moving packets, locks, process states (topology.cpp).
void draw_topology(const Model& model, UiState& ui, Commands& commands);
/// Timeline: transport controls, speed, stage filters, stage lanes with ticks (timeline.cpp).
void draw_timeline(const Model& model, UiState& ui, Commands& commands);
/// Sequence diagram of the selected connection (sequence.cpp).
void draw_sequence(const Model& model, UiState& ui, Commands& commands);
/// Inspector of the selected record: fields, TLS bytes, process details (inspector.cpp).
void draw_inspector(const Model& model, const Fonts& fonts, UiState& ui, Commands& commands);
/// Narration of the selected record in plain language (narration.cpp).
void draw_narration(const Model& model, const Narrator* narrator, UiState& ui, Commands& commands);
/// What-if widgets and compare mode (whatif.cpp).
void draw_whatif(const Session& session, UiState& ui, Commands& commands);
/// Metrics plots over simulated time with the playhead marked (metrics.cpp).
void draw_metrics(const Session& session, UiState& ui, Commands& commands);
/// Lesson navigator: the shipped lessons, the open one's summary, step text and Back / Next (lessons.cpp).
void draw_lessons(const Session& session, UiState& ui, Commands& commands);
/// The open lesson's current step with Back / Next, for the top of the narration (lessons.cpp).
void draw_lesson_step(UiState& ui, bool large);
/// Scenario / lesson browser: shipped scenarios, open from disk, errors (browser.cpp).
void draw_browser(const Session& session, const std::string& assets_dir, UiState& ui, Commands& commands);

}  // namespace deploysim::gui
