#pragma once
#include <string>
#include <string_view>

#include <imgui.h>

#include "deploysim/ids.hpp"

namespace deploysim::gui {

/// The colour of a stage (packets, lanes, ticks): DNS, TCP, TLS, HTTP and failures stand apart.
ImU32 stage_color(Stage s, float alpha = 1.0f);
/// The colour used for failures (alerts, crashes, 5xx).
ImU32 failure_color(float alpha = 1.0f);
/// How something ended: a worker's state, a certificate's days left, a host's memory.
enum class Outcome { ok, warning, failure };
/// The colour of an outcome (Okabe-Ito: bluish green, yellow, vermillion).
ImU32 outcome_color(Outcome o, float alpha = 1.0f);
/// Draws the failure mark (an X on a dark disc) of radius r: failures are told by shape as well
/// as by colour on the canvas, the timeline and the sequence diagram.
void draw_failure_mark(ImDrawList* dl, ImVec2 centre, float r, ImU32 col);
/// Text in the disabled colour wrapped at the panel's edge (a remark, a hint, an inspector key):
/// ImGui's TextDisabled does not wrap, and a narrow panel (1024 px, presenter mode) cut it off.
void text_disabled_wrapped(const std::string& text);

/// Fonts loaded at start: a regular UI font and a large one for presenter mode.
struct Fonts {
  ImFont* regular = nullptr;        ///< ~16 px.
  ImFont* large = nullptr;          ///< ~26 px (presenter).
  ImFont* mono = nullptr;           ///< Monospace for the hex view.
  bool korean = false;              ///< Hangul has been merged into regular and large.
  bool korean_merged = false;       ///< ... from a Korean font file (false: none was found).
  ImVector<ImWchar> korean_ranges;  ///< The Hangul glyphs merged (the atlas keeps a pointer to them).
  /// Every Hangul character met so far: the assets, the UI's words and what the user opened.
  ImFontGlyphRangesBuilder korean_chars;
  bool korean_new = false;  ///< korean_chars has characters the atlas lacks (rebuilt between frames).
};

/// Loads DejaVu (or the system's sans and mono font, font_files.hpp) when present, else ImGui's
/// built-in font.
/// Fills `f` in place: a Fonts is never copied or assigned, because ImGui 1.86's ImVector passes a
/// null pointer to memcpy when an empty one is.
void load_fonts(Fonts& f);
/// The Korean words the UI itself shows (lesson navigator, questions), added to the Hangul glyph
/// ranges (tests/app/gui_korean_glyphs.sh checks that every one in the GUI's code is here).
inline constexpr const char* korean_ui_words =
    "레슨 단계 이전 다음 요약 레슨 닫기 시뮬레이션 중... 출처 실제 환경에서는 "
    "예측해 보세요 답을 고른 뒤 확인을 누르세요 내 답 정답 맞았습니다 틀렸습니다 "
    "실행 결과에서 읽은 값 답을 찾지 못했습니다 "
    // The course outline (widgets/lessons.cpp).
    "과정: 레슨 개 분 완료 이 레슨을 마치면 할 수 있는 것 먼저 볼 레슨 정답 클릭하면 엽니다. 화살표를 누르면 목표가 "
    "보입니다 "
    // The file browser (open_file.cpp).
    "파일 열기 홈 폴더 창에 끌어다 놓으세요 바뀌어"
    // The exercise panel, the what-if panel, the file browser and file opening.
    " 연습 문제를 허용된 바꾼 채점을 시뮬레이터가 채점합니다 문제의 시나리오를 여는 바꿀 그대로"
    " 적용 통과 미달 힌트 번 만에 아직입니다 번째 시도 마지막 바뀌었습니다 처음부터 않는"
    " 변경이 열려 아닙니다 현재 저장 없습니다 열린 쓸 같은 위로 최근 취소 이름 고르거나 됩니다";

/// Notes the Hangul of a text the user loaded (a lesson, a scenario, an exercise, a file name, an
/// import's report): the next ensure_language_fonts() adds the characters the atlas lacks, so
/// that any of the 11,172 syllables shows rather than '?'. Cheap for text already seen.
void add_korean_text(Fonts& fonts, std::string_view text);
/// Makes the fonts able to show `language`: for "ko", merges a Korean font (NanumGothic, Noto Sans
/// CJK, the system's) into the regular and large fonts with only the Hangul the narration,
/// lessons and UI use (and what add_korean_text() noted), and rebuilds the font texture; later
/// calls rebuild it again when add_korean_text() met new characters. Call between frames (the
/// atlas is locked from NewFrame to Render). Returns a
/// one-line notice when no Korean font is found (the text then shows '?'), "" otherwise.
std::string ensure_language_fonts(Fonts& fonts, const std::string& language, const std::string& assets_dir);
/// Applies the normal dark style or the high-contrast presenter style, and the font scale.
void apply_style(bool presenter, float font_scale, const Fonts& fonts);

}  // namespace deploysim::gui
