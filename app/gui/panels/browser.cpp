// Scenario / lesson browser: the lessons (lessons.cpp) and the shipped scenarios in two tabs, a
// path to open any file, the open file's status (reloads on change), and errors with
// file:line:column while the previous scenario stays open.
#include <algorithm>
#include <filesystem>

#include <imgui.h>
#include <imgui_stdlib.h>
#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/widgets/lessons.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

std::vector<std::string> shipped(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The open file as a reader wants it: shipped ones by their place under assets/, others relative
// to the working directory when inside it; the full path is in the tooltip.
std::string display_path(const std::string& path, const std::string& assets_dir, const UiState& ui) {
  namespace fs = std::filesystem;
  const fs::path p = fs::path(path).lexically_normal();
  auto inside = [&](const fs::path& dir) {
    const fs::path rel = p.lexically_relative(dir.lexically_normal());
    return rel.empty() || *rel.begin() == ".." ? std::string() : rel.string();
  };
  if (std::string rel = inside(assets_dir); !rel.empty()) return ui.trf("browser.shipped", rel);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && p.is_absolute())
    if (std::string rel = inside(cwd); !rel.empty()) return rel;
  return path;
}

}  // namespace

void draw_browser(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Session& session = ctx.session;
  const std::string& assets_dir = ctx.assets_dir;
  const Scenario& sc = session.model().scenario;
  if (!sc.info.name.empty()) {
    wrapped_text(sc.info.tr.pick("name", sc.info.name, ui.settings.language));
    ImGui::TextDisabled("%s", display_path(session.path(), assets_dir, ui).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", session.path().c_str());
  }
  if (!session.error().empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(session.error_text(ui.words));
    ImGui::PopStyleColor();
    if (!sc.info.name.empty()) ImGui::TextDisabled("%s", ui.tr("browser.previous_stays").c_str());
  }
  if (!ui.lesson.refused.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(ui.lesson.refused);
    ImGui::PopStyleColor();
    text_disabled_wrapped(ui.tr("browser.lesson_refused"));
  }
  if (!ui.files.lesson_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(ui.files.lesson_error);
    ImGui::PopStyleColor();
    ImGui::TextDisabled("%s", ui.tr("browser.lesson_stays").c_str());
  }
  if (ImGui::Button(fmt::format("{}###open", ui.tr("menu.open")).c_str())) show_file_browser(ui, "", true, false);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("browser.open_tip").c_str());
  if (!ImGui::BeginTabBar("browser")) return;
  if (ImGui::BeginTabItem(fmt::format("{}###Lessons", ui.tr("browser.lessons")).c_str())) {
    draw_lessons(ui, commands);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(fmt::format("{}###Scenarios", ui.tr("browser.scenarios")).c_str())) {
    for (const std::string& path : shipped(assets_dir + "/scenarios")) {
      const std::string name = std::filesystem::path(path).stem().string();
      if (ImGui::Selectable(name.c_str(), path == session.path())) commands.post(RequestOpen{path});
    }
    ImGui::Spacing();
    ImGui::TextDisabled("%s", ui.tr("browser.open_title").c_str());
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 3.5f);
    const bool enter = ImGui::InputTextWithHint("##path", "path/to/scenario.toml", &ui.open_path,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button(fmt::format("{}###openpath", ui.tr("browser.open")).c_str()) || enter) && !ui.open_path.empty())
      commands.post(RequestOpenFile{ui.open_path});
    if (!session.path().empty() && ImGui::Button(fmt::format("{}###reload", ui.tr("browser.reload")).c_str()))
      commands.post(RequestReload{});
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace deploysim::gui
