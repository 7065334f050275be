#pragma once
#include <imgui.h>

#include "deploysim/ids.hpp"

namespace deploysim::gui {

/// The colour of a stage (packets, lanes, ticks): DNS, TCP, TLS, HTTP and failures stand apart.
ImU32 stage_color(Stage s, float alpha = 1.0f);
/// The colour used for failures (alerts, crashes, 5xx).
ImU32 failure_color(float alpha = 1.0f);

/// Fonts loaded at start: a regular UI font and a large one for presenter mode.
struct Fonts {
  ImFont* regular = nullptr;  ///< ~16 px.
  ImFont* large = nullptr;    ///< ~26 px (presenter).
  ImFont* mono = nullptr;     ///< Monospace for the hex view.
};

/// Loads DejaVu (fonts-dejavu-core) when present, else ImGui's built-in font.
Fonts load_fonts();
/// Applies the normal dark style or the high-contrast presenter style, and the font scale.
void apply_style(bool presenter, float font_scale, const Fonts& fonts);

}  // namespace deploysim::gui
