#pragma once
#include "gui/shell/theme.hpp"
#include "gui/shell/ui_state.hpp"
#include "gui/widgets/tls_bytes.hpp"

namespace deploysim::gui {

/// Field list and hex dump side by side; hovering a field or a byte highlights both.
void draw_hex_view(const TlsBytes& bytes, const Fonts& fonts, UiState& ui);

}  // namespace deploysim::gui
