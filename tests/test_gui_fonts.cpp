// Korean text in the GUI: with Korean saved in the settings, the Hangul glyphs are merged into the
// fonts before ImGui has ever built its atlas (at launch, before the window exists).
#include <doctest/doctest.h>

#include <filesystem>

#include <imgui.h>

#include "gui/platform/font_files.hpp"
#include "gui/shell/theme.hpp"

using namespace deploysim::gui;

TEST_CASE("Korean saved in the settings: Hangul joins the fonts before the atlas was ever built") {
  const std::string sans = find_font(FontRole::sans);
  if (sans.empty() || find_font(FontRole::korean).empty()) {
    MESSAGE("SKIP: no sans or Korean font (scripts/setup-deps.sh installs fonts-dejavu-core and fonts-nanum)");
    return;
  }
  ImGui::CreateContext();
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  Fonts f;
  f.regular = atlas->AddFontFromFileTTF(sans.c_str(), 16.0f);
  f.large = atlas->AddFontFromFileTTF(sans.c_str(), 26.0f);
  f.mono = f.regular;
  REQUIRE_FALSE(atlas->IsBuilt());
  CHECK(ensure_language_fonts(f, "ko", DEPLOYSIM_ASSETS_DIR).empty());
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  atlas->GetTexDataAsRGBA32(&pixels, &w, &h);
  REQUIRE(atlas->IsBuilt());
  // The Hangul merged into each font at that font's own size.
  for (ImFont* font : {f.regular, f.large}) {
    const ImFontGlyph* han = font->FindGlyphNoFallback(0xD55C);  // 한, in the lessons' Korean
    REQUIRE(han != nullptr);
    CHECK(han->Y1 - han->Y0 > font->FontSize * 0.4f);
    CHECK(han->Y1 - han->Y0 < font->FontSize * 1.2f);
  }
  CHECK(f.regular->FontSize == 16.0f);
  CHECK(f.large->FontSize == 26.0f);
  ImGui::DestroyContext();
}

TEST_CASE("fonts are found by role on this system; a role without a font says where to get one") {
  // scripts/setup-deps.sh installs DejaVu and NanumGothic: the Debian places come first.
  CHECK(find_font(FontRole::sans).ends_with("DejaVuSans.ttf"));
  CHECK(find_font(FontRole::mono).ends_with("DejaVuSansMono.ttf"));
  CHECK(find_font(FontRole::korean).ends_with("NanumGothic.ttf"));
  CHECK(std::string(font_hint(FontRole::korean)).find("fonts-nanum") != std::string::npos);
}
