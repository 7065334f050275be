#pragma once
// The few Dear ImGui calls whose form changed between Debian 12's 1.86 and later releases, in one
// place: keys became ImGuiKey values in 1.87 (1.86's GLFW backend fills KeysDown by GLFW key
// code), and 1.92 replaced the font size and scale calls and builds the font atlas itself.
#include <GLFW/glfw3.h>
#include <imgui.h>

namespace deploysim::gui::compat {

/// Keyboard keys the GUI reads.
enum class KeyName { space, left, right, home, end, equal, keypad_add, minus, keypad_subtract, f11, f12, q, o };

#if IMGUI_VERSION_NUM < 18700
inline int key_code(KeyName k) {
  switch (k) {
    case KeyName::space:
      return GLFW_KEY_SPACE;
    case KeyName::left:
      return GLFW_KEY_LEFT;
    case KeyName::right:
      return GLFW_KEY_RIGHT;
    case KeyName::home:
      return GLFW_KEY_HOME;
    case KeyName::end:
      return GLFW_KEY_END;
    case KeyName::equal:
      return GLFW_KEY_EQUAL;
    case KeyName::keypad_add:
      return GLFW_KEY_KP_ADD;
    case KeyName::minus:
      return GLFW_KEY_MINUS;
    case KeyName::keypad_subtract:
      return GLFW_KEY_KP_SUBTRACT;
    case KeyName::f11:
      return GLFW_KEY_F11;
    case KeyName::f12:
      return GLFW_KEY_F12;
    case KeyName::q:
      return GLFW_KEY_Q;
    case KeyName::o:
      return GLFW_KEY_O;
  }
  return GLFW_KEY_UNKNOWN;
}
#else
inline ImGuiKey key_code(KeyName k) {
  switch (k) {
    case KeyName::space:
      return ImGuiKey_Space;
    case KeyName::left:
      return ImGuiKey_LeftArrow;
    case KeyName::right:
      return ImGuiKey_RightArrow;
    case KeyName::home:
      return ImGuiKey_Home;
    case KeyName::end:
      return ImGuiKey_End;
    case KeyName::equal:
      return ImGuiKey_Equal;
    case KeyName::keypad_add:
      return ImGuiKey_KeypadAdd;
    case KeyName::minus:
      return ImGuiKey_Minus;
    case KeyName::keypad_subtract:
      return ImGuiKey_KeypadSubtract;
    case KeyName::f11:
      return ImGuiKey_F11;
    case KeyName::f12:
      return ImGuiKey_F12;
    case KeyName::q:
      return ImGuiKey_Q;
    case KeyName::o:
      return ImGuiKey_O;
  }
  return ImGuiKey_None;
}
#endif

/// Whether a key went down this frame (with `repeat`, also while it is held).
inline bool key_pressed(KeyName k, bool repeat) { return ImGui::IsKeyPressed(key_code(k), repeat); }

/// Draws the following text in `font` at the size it was loaded at.
inline void push_font(ImFont* font) {
#if IMGUI_VERSION_NUM < 19200
  ImGui::PushFont(font);
#else
  ImGui::PushFont(font, 0.0f);
#endif
}

/// Scales the current window's text while it lives (1 = normal).
class FontScale {
 public:
  /// Starts scaling by `scale`.
  explicit FontScale(float scale) {
#if IMGUI_VERSION_NUM < 19200
    ImGui::SetWindowFontScale(scale);
#else
    ImGui::PushFont(nullptr, ImGui::GetStyle().FontSizeBase * scale);
#endif
  }
  /// Back to the window's normal size.
  ~FontScale() {
#if IMGUI_VERSION_NUM < 19200
    ImGui::SetWindowFontScale(1.0f);
#else
    ImGui::PopFont();
#endif
  }
  FontScale(const FontScale&) = delete;
  FontScale& operator=(const FontScale&) = delete;
};

/// Scales all text (View > font scale).
inline void set_global_font_scale(float scale) {
#if IMGUI_VERSION_NUM < 19200
  ImGui::GetIO().FontGlobalScale = scale;
#else
  ImGui::GetStyle().FontScaleMain = scale;
#endif
}

/// The scale set_global_font_scale() set.
inline float global_font_scale() {
#if IMGUI_VERSION_NUM < 19200
  return ImGui::GetIO().FontGlobalScale;
#else
  return ImGui::GetStyle().FontScaleMain;
#endif
}

/// Whether `font` has a glyph of its own for `c` (else text draws its fallback, '?').
inline bool font_has_glyph(const ImFont* font, ImWchar c) {
#if IMGUI_VERSION_NUM < 19200
  return font->FindGlyphNoFallback(c) != nullptr;
#else
  return const_cast<ImFont*>(font)->IsGlyphInFont(c);
#endif
}

/// Rasterizes the font atlas now (1.92's backends build it themselves, on demand).
inline void build_font_atlas() {
#if IMGUI_VERSION_NUM < 19200
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
#endif
}

}  // namespace deploysim::gui::compat
