#pragma once
#include <string>

#include <imgui.h>

#include "deploysim/ids.hpp"

namespace deploysim::gui {

/// The colour of a stage (packets, lanes, ticks): DNS, TCP, TLS, HTTP and failures stand apart.
ImU32 stage_color(Stage s, float alpha = 1.0f);
/// The colour used for failures (alerts, crashes, 5xx).
ImU32 failure_color(float alpha = 1.0f);

/// Fonts loaded at start: a regular UI font and a large one for presenter mode.
struct Fonts {
  ImFont* regular = nullptr;        ///< ~16 px.
  ImFont* large = nullptr;          ///< ~26 px (presenter).
  ImFont* mono = nullptr;           ///< Monospace for the hex view.
  bool korean = false;              ///< Hangul has been merged into regular and large.
  ImVector<ImWchar> korean_ranges;  ///< The Hangul glyphs merged (the atlas keeps a pointer to them).
};

/// Loads DejaVu (or the system's sans and mono font, font_files.hpp) when present, else ImGui's
/// built-in font.
Fonts load_fonts();
/// The Korean words the UI itself shows (lesson navigator), added to the Hangul glyph ranges.
inline constexpr const char* korean_ui_words =
    "레슨 단계 이전 다음 요약 레슨 닫기 시뮬레이션 중... 출처 실제 환경에서는"
    " 파일 열기 홈 폴더 창에 끌어다 놓으세요 바뀌어";  // file browser, open_file.cpp

/// Makes the fonts able to show `language`: for "ko", merges a Korean font (NanumGothic, Noto Sans
/// CJK, the system's) into the regular and large fonts with only the Hangul the narration,
/// lessons and UI use, and rebuilds the font texture. Call between frames; idempotent. Returns a
/// one-line notice when no Korean font is found (the text then shows '?'), "" otherwise.
std::string ensure_language_fonts(Fonts& fonts, const std::string& language, const std::string& assets_dir);
/// Applies the normal dark style or the high-contrast presenter style, and the font scale.
void apply_style(bool presenter, float font_scale, const Fonts& fonts);

}  // namespace deploysim::gui
