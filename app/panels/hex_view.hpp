#pragma once
#include "../theme.hpp"
#include "../ui_state.hpp"
#include "tls_bytes.hpp"

namespace deploysim::gui {

/// Field list and hex dump side by side; hovering a field or a byte highlights both.
void draw_hex_view(const TlsBytes& bytes, const Fonts& fonts, UiState& ui);

}  // namespace deploysim::gui
