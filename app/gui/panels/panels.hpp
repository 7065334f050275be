#pragma once
#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "deploysim/narration.hpp"
#include "gui/run/model.hpp"
#include "gui/run/session.hpp"
#include "gui/shell/commands.hpp"
#include "gui/shell/theme.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// What a panel may read, all const: the session with its run (and compare run), the run's model,
/// the fonts, the narrator of the chosen language and the assets directory.
struct PanelContext {
  const Session& session;         ///< The open scenario, its compare run, busy state.
  const Model& model;             ///< session.model(): the run the playhead moves over.
  const Fonts& fonts;             ///< Regular, large, mono.
  const Narrator* narrator;       ///< Sentences in the chosen language (nullptr when none loaded).
  const std::string& assets_dir;  ///< Shipped scenarios, lessons, narration.
};

/// Every panel draws the contents of its (already begun) window, reads the context const,
/// changes only its own view fields in `ui`, and posts commands for anything else.
using PanelDraw = void (*)(const PanelContext& ctx, UiState& ui, Commands& commands);

/// A rectangle in fractions of the area below the menu bar.
struct PanelRect {
  float x = 0, y = 0, w = 0, h = 0;  ///< Left, top, width, height (0..1).
};

/// One row of the panel table: where a panel sits in each layout.
struct PanelSpec {
  const char* name;                     ///< Its id, in English ("Topology"): window ids, tabs, `capture`.
  const char* title;                    ///< Its title's key in the catalogue ("panel.topology").
  PanelDraw draw;                       ///< Its draw function (one file per panel).
  std::array<PanelRect, layouts> rect;  ///< Per Layout: its window's default rectangle, or w == 0: a tab.
  bool fixed = false;                   ///< No scrollbar or wheel scrolling (canvas, timeline).
  bool scenario_title = false;          ///< The title names the open scenario ("Topology: Basic HTTPS").
};

/// The panels in drawing order; tabs appear in this order too (panel_table.cpp, which also
/// declares each panel's draw function: a panel is its file and its row there).
std::span<const PanelSpec> panel_table();

/// The window that holds a layout's tabs ("Details", "Panels") and its rectangle; w == 0: none.
struct TabWindow {
  const char* name;   ///< Its id ("Details").
  const char* title;  ///< Its title's key in the catalogue.
  PanelRect rect;     ///< Its default rectangle.
};
/// The tab window of a layout.
TabWindow tab_window(Layout layout);

/// Where an opened exercise moves the left column's windows (name, rectangle; the Exercise panel
/// last): the Exercise panel tall enough for its task, settings, goals and verdict together.
/// Empty where the layout gives the panel a tab of its own, which is tall already.
std::vector<std::pair<std::string, PanelRect>> exercise_column(Layout layout);

}  // namespace deploysim::gui
