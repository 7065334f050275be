#include "gui/shell/theme.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <imgui_internal.h>
#include <fmt/format.h>

#include "gui/platform/font_files.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/platform/page.hpp"
#include "gui/widgets/rich_text.hpp"
#include "gui/platform/platform.hpp"

namespace deploysim::gui {

namespace {

ImU32 rgba(int r, int g, int b, float a) {
  return IM_COL32(r, g, b, static_cast<int>(255 * (a < 0 ? 0 : a > 1 ? 1 : a)));
}

}  // namespace

// Okabe & Ito's palette for colour-vision deficiency ("Color Universal Design",
// https://jfly.uni-koeln.de/color/): the legend's stages and the outcomes stay apart for
// deuteranopes and protanopes (tests/test_gui_palette.cpp checks them through Machado et al.'s
// 2009 simulation). TCP is light grey rather than the palette's black, which a dark canvas hides.
ImU32 stage_color(Stage s, float a) {
  switch (s) {
    case Stage::dns:
      return rgba(86, 180, 233, a);  // sky blue
    case Stage::tcp:
      return rgba(220, 220, 220, a);
    case Stage::tls:
      return rgba(240, 228, 66, a);  // yellow
    case Stage::http:
      return rgba(0, 158, 115, a);  // bluish green
    case Stage::proxy:
      return rgba(0, 114, 178, a);  // blue
    case Stage::process:
      return rgba(204, 121, 167, a);  // reddish purple
    case Stage::supervisor:
      return rgba(230, 159, 0, a);  // orange
    case Stage::cert:
      return rgba(240, 228, 66, a);
    case Stage::memory:
      return rgba(170, 140, 110, a);
    case Stage::deploy:
      return rgba(150, 200, 240, a);
    case Stage::client:
      return rgba(220, 220, 220, a);
    case Stage::fault:
      return failure_color(a);
    case Stage::count:
      break;
  }
  return rgba(200, 200, 200, a);
}

ImU32 failure_color(float a) { return rgba(213, 94, 0, a); }  // vermillion

ImU32 outcome_color(Outcome o, float a) {
  switch (o) {
    case Outcome::ok:
      return rgba(0, 158, 115, a);
    case Outcome::warning:
      return rgba(240, 228, 66, a);
    case Outcome::failure:
      return failure_color(a);
  }
  return failure_color(a);
}

void draw_failure_mark(ImDrawList* dl, ImVec2 centre, float r, ImU32 col) {
  // An X over a dark disc: a shape that says "failed" without its colour.
  dl->AddCircleFilled(centre, r * 1.15f, IM_COL32(0, 0, 0, 220), 12);
  const float k = r * 0.7f, w = std::max(1.5f, r * 0.35f);
  dl->AddLine(ImVec2(centre.x - k, centre.y - k), ImVec2(centre.x + k, centre.y + k), col, w);
  dl->AddLine(ImVec2(centre.x - k, centre.y + k), ImVec2(centre.x + k, centre.y - k), col, w);
}

void text_disabled_wrapped(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text(text);
  ImGui::PopStyleColor();
}

void load_fonts(Fonts& f) {
  ImGuiIO& io = ImGui::GetIO();
  const std::string sans = find_font(FontRole::sans), mono = find_font(FontRole::mono);
  // Glyphs at whole-pixel positions, rasterized once (no 3x horizontal oversampling): the same
  // look for unscaled text, and a third of the atlas to build at launch.
  ImFontConfig cfg;
  cfg.OversampleH = 1;
  cfg.PixelSnapH = true;
  if (!sans.empty()) {
    f.regular = io.Fonts->AddFontFromFileTTF(sans.c_str(), 16.0f, &cfg);
    f.large = io.Fonts->AddFontFromFileTTF(sans.c_str(), 26.0f, &cfg);
  }
  if (!mono.empty()) f.mono = io.Fonts->AddFontFromFileTTF(mono.c_str(), 15.0f, &cfg);
  if (!f.regular) f.regular = f.large = io.Fonts->AddFontDefault();
  if (!f.mono) f.mono = f.regular;
}

namespace {

// Adds the Hangul (and CJK punctuation) characters of `text` to `chars`; true when one was new.
bool add_hangul(ImFontGlyphRangesBuilder& chars, std::string_view text) {
  bool added = false;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    if (static_cast<unsigned char>(*p) < 0x80) {  // ASCII: most of any file
      ++p;
      continue;
    }
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) break;
    p += n;
    if (c < 0x1100 || c > 0xFFFF || chars.GetBit(c)) continue;
    chars.AddChar(static_cast<ImWchar>(c));
    added = true;
  }
  return added;
}

// Every Hangul (and CJK punctuation) character the assets' text files (narration, concepts,
// lessons, exercises, ...) and the UI's own Korean words use: a few hundred glyphs instead of all
// 11,172 syllables (all of them: a 2048x4096 atlas instead of 1024x1024, and about 300 ms more to
// the first frame under llvmpipe). What the user opens adds its own (add_korean_text).
// tests/app/gui_korean_glyphs.sh checks that the UI's words are listed.
void korean_ranges(const std::string& assets_dir, Fonts& fonts) {
  // Every text file of the assets (narration, lessons, exercises, ...): English ones add nothing.
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(assets_dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".toml") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    add_hangul(fonts.korean_chars, text.str());
  }
  add_hangul(fonts.korean_chars, korean_ui_words);
  fonts.korean_ranges.clear();
  fonts.korean_chars.BuildRanges(&fonts.korean_ranges);
  fonts.korean_new = false;
}

// The characters add_korean_text() met since the atlas was built: the ranges grow (into a new
// vector, whose address the Korean fonts' configs then take: ImGui keeps the pointer, and the old
// vector is freed only after) and the atlas is built again with the same font files.
void add_new_korean_glyphs(Fonts& fonts) {
  fonts.korean_new = false;
#if IMGUI_VERSION_NUM < 19200  // 1.92 rasterizes any glyph when it is first drawn
  ImVector<ImWchar> ranges;
  fonts.korean_chars.BuildRanges(&ranges);
  const ImWchar* before = fonts.korean_ranges.Data;
  fonts.korean_ranges.swap(ranges);
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  for (ImFontConfig& c : atlas->ConfigData)
    if (c.MergeMode && c.GlyphRanges == before) c.GlyphRanges = fonts.korean_ranges.Data;
  atlas->Build();
  refresh_font_texture();
#endif
}

}  // namespace

void add_korean_text(Fonts& fonts, std::string_view text) {
  if (add_hangul(fonts.korean_chars, text)) fonts.korean_new = true;
}

std::string ensure_language_fonts(Fonts& fonts, const std::string& language, const std::string& assets_dir) {
  if (language != "ko") return {};
  if (fonts.korean) {
    if (fonts.korean_new && fonts.korean_merged) add_new_korean_glyphs(fonts);
    return {};
  }
  const std::string korean = find_font(FontRole::korean);
  // A page fetches the Korean font after it starts (web/index.html): until it is there, Hangul
  // waits a few frames rather than failing.
  if (korean.empty() && in_browser()) return {};
  fonts.korean = true;
  if (korean.empty() || fonts.regular == fonts.large)
    return fmt::format(
        "Korean text needs a Korean font, {} (scripts/setup-deps.sh installs fonts-nanum): "
        "Hangul shows as '?' until then",
        font_hint(FontRole::korean));
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  korean_ranges(assets_dir, fonts);
  for (ImFont* dst : {fonts.regular, fonts.large}) {
    // The size it was added at: dst->FontSize (and dst->ConfigData) are set only once the atlas
    // has been built, which at launch it is not yet (run_gui builds it once, Hangul included).
    float size = dst->FontSize;
    for (const ImFontConfig& c : atlas->ConfigData)
      if (c.DstFont == dst && !c.MergeMode) size = c.SizePixels;
    ImFontConfig cfg;
    cfg.MergeMode = true;
    cfg.DstFont = dst;
    cfg.OversampleH = 1;  // Hangul is dense: 3x horizontal oversampling tripled the rasterizing time
    cfg.PixelSnapH = true;
    atlas->AddFontFromFileTTF(korean.c_str(), size, &cfg, fonts.korean_ranges.Data);
  }
  fonts.korean_merged = true;
  atlas->Build();
  refresh_font_texture();
  return {};
}

void apply_style(bool presenter, float font_scale, const Fonts& fonts) {
  ImGuiStyle& style = ImGui::GetStyle();
  ImGuiIO& io = ImGui::GetIO();
  io.FontDefault = presenter ? fonts.large : fonts.regular;
  compat::set_global_font_scale(font_scale);
  if (!presenter) {
    ImGui::StyleColorsDark(&style);
    style.Colors[ImGuiCol_WindowBg].w = 1.0f;  // a moved panel must not show the one under it
    style.WindowRounding = 3.0f;
    style.FrameBorderSize = 0.0f;
    return;
  }
  ImGui::StyleColorsDark(&style);
  ImVec4* c = style.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 1);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 1);
  c[ImGuiCol_Text] = ImVec4(1, 1, 1, 1);
  c[ImGuiCol_TextDisabled] = ImVec4(0.8f, 0.8f, 0.8f, 1);
  c[ImGuiCol_Border] = ImVec4(1, 1, 1, 0.8f);
  c[ImGuiCol_FrameBg] = ImVec4(0.15f, 0.15f, 0.15f, 1);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.1f, 0.25f, 0.55f, 1);
  c[ImGuiCol_Button] = ImVec4(0.1f, 0.3f, 0.7f, 1);
  style.FrameBorderSize = 1.0f;
  style.WindowBorderSize = 2.0f;
}

}  // namespace deploysim::gui
