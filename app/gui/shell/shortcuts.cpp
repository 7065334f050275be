#include "gui/shell/shortcuts.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "gui/platform/imgui_compat.hpp"

namespace deploysim::gui {

std::optional<Key> key_from_name(std::string_view n) {
  if (n == "space") return Key::space;
  if (n == "left") return Key::left;
  if (n == "right") return Key::right;
  if (n == "ctrl+left") return Key::ctrl_left;
  if (n == "ctrl+right") return Key::ctrl_right;
  if (n == "home") return Key::home;
  if (n == "end") return Key::end;
  if (n == "plus" || n == "+") return Key::plus;
  if (n == "minus" || n == "-") return Key::minus;
  if (n == "f11") return Key::f11;
  if (n == "f12") return Key::f12;
  return std::nullopt;
}

void press_key(Key key, UiState& ui, double end_s, Commands& commands) {
  switch (key) {
    case Key::space:
      commands.post(RequestPlay{!ui.playing});
      break;
    case Key::left:
      commands.post(RequestStep{-1});
      break;
    case Key::right:
      commands.post(RequestStep{1});
      break;
    case Key::ctrl_left:
      commands.post(RequestStageJump{-1});
      break;
    case Key::ctrl_right:
      commands.post(RequestStageJump{1});
      break;
    case Key::home:
      commands.post(RequestSeek{Time{}});
      break;
    case Key::end:
      commands.post(RequestSeek{ns(static_cast<int64_t>(end_s * 1e9))});
      break;
    // Half a decade per press: 0.01x to 10^6x in 16 presses.
    case Key::plus:
      ui.settings.speed = std::min(1e6, ui.settings.speed * std::sqrt(10.0));
      break;
    case Key::minus:
      ui.settings.speed = std::max(0.01, ui.settings.speed / std::sqrt(10.0));
      break;
    case Key::f11:
      commands.post(RequestFullscreen{});
      break;
    case Key::f12:
      commands.post(RequestScreenshot{});
      break;
  }
}

void poll_keys(UiState& ui, double end_s, Commands& commands) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const bool ctrl = io.KeyCtrl;
  using compat::KeyName;
  const struct {
    KeyName name;
    Key key;
  } map[] = {
      {KeyName::space, Key::space},
      {KeyName::home, Key::home},
      {KeyName::end, Key::end},
      {KeyName::equal, Key::plus},
      {KeyName::keypad_add, Key::plus},
      {KeyName::minus, Key::minus},
      {KeyName::keypad_subtract, Key::minus},
      {KeyName::f11, Key::f11},
      {KeyName::f12, Key::f12},
  };
  for (const auto& m : map)
    if (compat::key_pressed(m.name, false)) press_key(m.key, ui, end_s, commands);
  if (compat::key_pressed(KeyName::left, true)) press_key(ctrl ? Key::ctrl_left : Key::left, ui, end_s, commands);
  if (compat::key_pressed(KeyName::right, true)) press_key(ctrl ? Key::ctrl_right : Key::right, ui, end_s, commands);
}

}  // namespace deploysim::gui
