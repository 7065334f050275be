#include "theme.hpp"

#include <filesystem>

namespace deploysim::gui {

namespace {

ImU32 rgba(int r, int g, int b, float a) {
  return IM_COL32(r, g, b, static_cast<int>(255 * (a < 0 ? 0 : a > 1 ? 1 : a)));
}

}  // namespace

ImU32 stage_color(Stage s, float a) {
  switch (s) {
    case Stage::dns: return rgba(80, 170, 255, a);
    case Stage::tcp: return rgba(160, 160, 170, a);
    case Stage::tls: return rgba(255, 200, 40, a);
    case Stage::http: return rgba(90, 220, 110, a);
    case Stage::proxy: return rgba(60, 210, 200, a);
    case Stage::process: return rgba(200, 140, 255, a);
    case Stage::supervisor: return rgba(255, 140, 200, a);
    case Stage::cert: return rgba(255, 160, 60, a);
    case Stage::memory: return rgba(180, 120, 80, a);
    case Stage::deploy: return rgba(140, 200, 255, a);
    case Stage::client: return rgba(220, 220, 220, a);
    case Stage::fault: return failure_color(a);
    case Stage::count: break;
  }
  return rgba(200, 200, 200, a);
}

ImU32 failure_color(float a) { return rgba(255, 70, 70, a); }

Fonts load_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  Fonts f;
  const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const char* mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
  std::error_code ec;
  if (std::filesystem::exists(sans, ec)) {
    f.regular = io.Fonts->AddFontFromFileTTF(sans, 16.0f);
    f.large = io.Fonts->AddFontFromFileTTF(sans, 26.0f);
  }
  if (std::filesystem::exists(mono, ec)) f.mono = io.Fonts->AddFontFromFileTTF(mono, 15.0f);
  if (!f.regular) f.regular = f.large = io.Fonts->AddFontDefault();
  if (!f.mono) f.mono = f.regular;
  return f;
}

void apply_style(bool presenter, float font_scale, const Fonts& fonts) {
  ImGuiStyle& style = ImGui::GetStyle();
  ImGuiIO& io = ImGui::GetIO();
  io.FontDefault = presenter ? fonts.large : fonts.regular;
  io.FontGlobalScale = font_scale;
  if (!presenter) {
    ImGui::StyleColorsDark(&style);
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
