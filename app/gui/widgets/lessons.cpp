// Lesson navigator: the shipped lessons (assets/lessons), the open lesson's summary and its steps
// in the chosen language; Back / Next move the playhead to each step's target.
#include "gui/widgets/lessons.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>

#include "gui/shell/lesson_nav.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/shell/theme.hpp"

namespace deploysim::gui {

void draw_lesson_step(UiState& ui, bool large) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson) return;
  const std::string& lang = ui.settings.language;
  const int n = static_cast<int>(lesson->steps.size());
  const int step = ui.lesson.step;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.85f, 1.0f, 1.0f));
  ImGui::TextWrapped(
      "%s",
      fmt::format("{}  ({} {}/{})", lesson_title(*lesson, lang), lang == "ko" ? "단계" : "step", step + 1, n).c_str());
  ImGui::PopStyleColor();
  ImGui::BeginDisabled(step <= 0 || lesson_pending(ui));
  if (ImGui::Button(lang == "ko" ? "< 이전" : "< Back")) go_to_step(ui, step - 1);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(step + 1 >= n || lesson_pending(ui));
  if (ImGui::Button(lang == "ko" ? "다음 >" : "Next >")) go_to_step(ui, step + 1);
  ImGui::EndDisabled();
  if (step >= 0 && step < n) {
    if (large) ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    const compat::FontScale scale(large ? 1.15f : 1.0f);
    ImGui::TextUnformatted(step_text(lesson->steps[static_cast<size_t>(step)], lang).c_str());
    ImGui::PopTextWrapPos();
  } else if (lesson_pending(ui)) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", lang == "ko" ? "시뮬레이션 중..." : "simulating ...");
  }
}

namespace {

// The sources of a step, summary or note: title, then the address (click copies it).
void draw_sources(const std::vector<std::string>& ids, const char* id_prefix) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto it = shipped_sources().find(ids[i]);
    if (it == shipped_sources().end()) {
      ImGui::BulletText("%s", ids[i].c_str());
      continue;
    }
    ImGui::Bullet();
    ImGui::TextWrapped("%s", it->second.title.c_str());
    ImGui::Indent();
    const std::string label = fmt::format("{}##{}{}", it->second.url, id_prefix, i);
    if (ImGui::Selectable(label.c_str())) ImGui::SetClipboardText(it->second.url.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click to copy the address");
    ImGui::Unindent();
  }
}

}  // namespace

void draw_lessons(UiState& ui, Commands& commands) {
  ensure_lessons(ui);
  const std::string& lang = ui.settings.language;
  if (!ui.lesson.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    ImGui::TextWrapped("%s", ui.lesson.error.c_str());
    ImGui::PopStyleColor();
  }
  if (ui.lesson.list.empty()) {
    ImGui::TextWrapped("No lessons found in %s/lessons.", assets_dir().c_str());
    return;
  }
  if (const Lesson* lesson = current_lesson(ui)) {
    draw_lesson_step(ui, false);
    const std::string& summary = lang == "ko" && !lesson->summary_ko.empty() ? lesson->summary_ko : lesson->summary;
    ImGui::TextDisabled("%s", lang == "ko" ? "요약" : "Summary");
    ImGui::TextWrapped("%s", summary.c_str());
    const bool ko = lang == "ko";
    const int step = ui.lesson.step;
    if (ImGui::CollapsingHeader(ko ? "출처" : "Sources")) {
      if (step >= 0 && step < static_cast<int>(lesson->steps.size()))
        draw_sources(lesson->steps[static_cast<size_t>(step)].sources, "step");
      draw_sources(lesson->sources, "summary");
    }
    const RealLife& real = lesson->real_life;
    if (!real.text.empty() && ImGui::CollapsingHeader(ko ? "실제 환경에서는" : "In real life")) {
      ImGui::TextWrapped("%s", (ko && !real.text_ko.empty() ? real.text_ko : real.text).c_str());
      for (const std::string& command : real.commands) ImGui::BulletText("$ %s", command.c_str());
      draw_sources(real.sources, "real");
    }
    if (ImGui::SmallButton(lang == "ko" ? "레슨 닫기" : "Close the lesson")) close_lesson(ui);
    ImGui::Separator();
  }
  for (size_t i = 0; i < ui.lesson.list.size(); ++i) {
    const Lesson& l = ui.lesson.list[i];
    const std::string label = fmt::format("{}##lesson{}", lesson_title(l, lang), i);
    if (ImGui::Selectable(label.c_str(), static_cast<int>(i) == ui.lesson.current))
      open_lesson(ui, commands, static_cast<int>(i));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", fmt::format("{} ({} steps, scenario {}{}{})", l.id, l.steps.size(),
                                          std::filesystem::path(l.scenario_path).filename().string(),
                                          l.variant.empty() ? "" : ", variant ", l.variant)
                                  .c_str());
  }
}

}  // namespace deploysim::gui
