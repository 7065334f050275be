#pragma once
#include <span>
#include <string_view>

#include "deploysim/presets.hpp"

namespace deploysim::gui {

// What the what-if panel offers comes from the tables in presets.hpp, so a new row is offered
// without touching the panel (whatif.cpp; tests/test_gui_whatif.cpp).

/// The restart policies offered for a service under `kind` (empty: no supervisor, nothing to pick).
std::span<const std::string_view> whatif_restart_choices(SupervisorKind kind);
/// The proxy presets offered.
std::span<const std::string_view> whatif_preset_choices();

}  // namespace deploysim::gui
