#pragma once
#include <optional>
#include <string_view>

#include "gui/shell/commands.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// The keys the GUI answers to (Space, arrows, Home/End, +/-, F11, F12).
enum class Key { space, left, right, ctrl_left, ctrl_right, home, end, plus, minus, f11, f12 };

/// Parses a key name as the script driver writes it ("space", "left", "ctrl+left", "f12", ...).
std::optional<Key> key_from_name(std::string_view name);
/// What a key does: posts the command (or changes the speed).
void press_key(Key key, UiState& ui, double end_s, Commands& commands);
/// Reads this frame's key presses from ImGui (ignored while a text field has focus).
void poll_keys(UiState& ui, double end_s, Commands& commands);

}  // namespace deploysim::gui
