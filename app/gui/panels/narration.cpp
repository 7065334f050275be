// Narration: the selected record told in plain language (assets/narration), the two records
// before it for context, and the deployment concept its stage illustrates.
#include "gui/shell/lesson_nav.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/panels/panels.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/widgets/lessons.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

void draw_narration(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Model& m = ctx.model;
  const Narrator* narrator = ctx.narrator;
  const Trace& trace = m.run.trace;
  if (ui.lesson.current >= 0) {
    draw_lesson_step(ui, true);
    // While the step asks its question, the record's sentence waits: it would take the room the
    // choices need (a 1024x768 panel cut the last one) and could give the answer away.
    if (lesson_asking(ui)) return;
    ImGui::Separator();
  }
  if (ui.selected == RecordId::none || raw(ui.selected) >= trace.size()) {
    const ScenarioInfo& info = m.scenario.info;
    rich_text(info.description.empty() ? ui.tr("narration.start")
                                       : info.tr.pick("description", info.description, ui.settings.language));
    return;
  }
  const auto pos = static_cast<int64_t>(m.index.position_of(raw(ui.selected)));
  // Two records of context before the current one; none under a lesson step (no room for both),
  // nor in presenter mode, whose large font gives the panel room for the current record alone
  // (two lines of context pushed it below the panel's edge).
  // The small layout's short panel neither (the current record fell below its edge).
  const bool context = ui.lesson.current < 0 && !ui.settings.presenter && ui.layout != Layout::small;
  int64_t prev[2] = {context ? m.index.prev_pos(pos, ui.settings.stage_filter) : -1, -1};
  if (prev[0] >= 0) prev[1] = m.index.prev_pos(prev[0], ui.settings.stage_filter);
  for (int k = 1; k >= 0; --k) {
    if (prev[k] < 0) continue;
    const uint32_t i = m.index.at(static_cast<size_t>(prev[k]));
    const Told told = narrate_record(narrator, trace, trace[i]);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::PushID(k);
    rich_text(told.text);  // one item: a click anywhere on the line selects its record
    if (ImGui::IsItemClicked()) commands.post(RequestSelect{static_cast<RecordId>(i)});
    ImGui::PopID();
    ImGui::PopStyleColor();
  }
  const Record& r = trace.at(ui.selected);
  const Told told = narrate_record(narrator, trace, r);
  if (prev[0] >= 0) ImGui::Separator();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(stage_color(r.stage)));
  {
    // The record's time and name, which the timeline and the inspector show too, in the regular
    // font in presenter mode: in the large one the concept's second line fell below the panel.
    const bool small = ui.settings.presenter && ctx.fonts.regular;
    if (small) compat::push_font(ctx.fonts.regular);
    ImGui::Text("%s  %s", ui.time(r.t()).c_str(), ui.words.record(trace.kind(r)).c_str());
    if (small) ImGui::PopFont();
  }
  ImGui::PopStyleColor();
  {
    // Larger than the context, except in presenter mode, where the font is large already.
    const compat::FontScale scale(ui.settings.presenter ? 1.0f : 1.25f);
    rich_text(told.text);
  }
  if (!told.concept_text.empty()) {
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(stage_color(r.stage)));
    rich_text(told.concept_text);
    ImGui::PopStyleColor();
  }
}

}  // namespace deploysim::gui
