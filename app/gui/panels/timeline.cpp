// Timeline: transport controls, a logarithmic speed slider, stage filters, and one lane per
// stage with event ticks. Ticks are drawn per pixel column (a binary search per column and
// lane), so a million-record trace costs the same per frame as a small one.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gui/shell/navigation.hpp"
#include "gui/panels/panels.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/run/layout.hpp"
#include "gui/platform/imgui_compat.hpp"

namespace deploysim::gui {

namespace {

void transport(const Model& m, UiState& ui, Commands& commands) {
  if (ImGui::Button("|<")) commands.post(RequestSeek{Time{}});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.start").c_str());
  ImGui::SameLine();
  if (ImGui::Button("<<")) commands.post(RequestStageJump{-1});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.previous_stage").c_str());
  ImGui::SameLine();
  if (ImGui::Button("<")) commands.post(RequestStep{-1});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.step_back").c_str());
  ImGui::SameLine();
  if (ImGui::Button(fmt::format("{}###play", ui.tr(ui.playing ? "timeline.pause" : "timeline.play")).c_str(),
                    ImVec2(ImGui::GetFontSize() * 4, 0)))
    commands.post(RequestPlay{!ui.playing});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.play_pause").c_str());
  ImGui::SameLine();
  if (ImGui::Button(">")) commands.post(RequestStep{1});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.step_forward").c_str());
  ImGui::SameLine();
  if (ImGui::Button(">>")) commands.post(RequestStageJump{1});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.next_stage").c_str());
  ImGui::SameLine();
  if (ImGui::Button(">|")) commands.post(RequestSeek{ns(m.index.end_ns)});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.end").c_str());
  ImGui::SameLine();
  // The slider gives up width (down to 6 em) to the position after it: in presenter mode at
  // 1024 px the event count ran past the window's edge.
  const std::string position =
      ui.trf("timeline.position", ui.time(ns(ui.t_ns)), ui.time(ns(m.index.end_ns)), m.run.trace.size());
  const float room =
      ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(position.c_str()).x - ImGui::GetStyle().ItemSpacing.x;
  ImGui::SetNextItemWidth(std::clamp(room, ImGui::GetFontSize() * 6, ImGui::GetFontSize() * 11));
  float log_speed = static_cast<float>(std::log10(ui.settings.speed));
  const std::string speed_label =
      ui.trf("timeline.speed", ui.settings.speed >= 1 ? fmt::format("{:.0f}", ui.settings.speed)
                                                      : fmt::format("{:.2f}", ui.settings.speed));
  if (ImGui::SliderFloat("##speed", &log_speed, -2.0f, 6.0f, speed_label.c_str()))
    ui.settings.speed = std::pow(10.0, static_cast<double>(log_speed));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("timeline.speed_tip").c_str());
  ImGui::SameLine();
  ImGui::TextUnformatted(position.c_str());
}

// The stage checkboxes: on the transport row when it has room (presenter mode's wide timeline),
// else on lines of their own, as many as a narrow window needs (a 1024 px window cut the last).
void filters(const Model& m, UiState& ui) {
  const ImGuiStyle& st = ImGui::GetStyle();
  std::vector<Stage> stages;
  std::vector<float> widths{ImGui::CalcTextSize(ui.tr("timeline.stages").c_str()).x};
  for (size_t s = 0; s < m.index.by_stage.size() && s < static_cast<size_t>(Stage::count); ++s)
    if (!m.index.by_stage[s].empty()) {
      stages.push_back(static_cast<Stage>(s));
      widths.push_back(ImGui::GetFrameHeight() + st.ItemInnerSpacing.x +
                       ImGui::CalcTextSize(ui.words.stage(stages.back()).c_str()).x);
    }
  float need = st.ItemSpacing.x * 3;
  for (const float w : widths) need += w + st.ItemSpacing.x;
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < need) {
    if (ui.settings.presenter) return ImGui::NewLine();  // presenter: the lanes need the room more
    ImGui::NewLine();
  }
  const std::vector<size_t> lines = wrap_items(widths, ImGui::GetContentRegionAvail().x, st.ItemSpacing.x);
  ImGui::TextUnformatted(ui.tr("timeline.stages").c_str());
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage stage = stages[i];
    if (lines[i + 1] == lines[i]) ImGui::SameLine();
    bool on = ui.settings.stage_filter & stage_bit(stage);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, ImGui::ColorConvertU32ToFloat4(stage_color(stage)));
    if (ImGui::Checkbox(fmt::format("{}###stage{}", ui.words.stage(stage), static_cast<int>(stage)).c_str(), &on))
      ui.settings.stage_filter =
          on ? (ui.settings.stage_filter | stage_bit(stage)) : (ui.settings.stage_filter & ~stage_bit(stage));
    ImGui::PopStyleColor();
  }
}

void draw_lanes(const Model& m, UiState& ui, Commands& commands) {
  transport(m, ui, commands);
  filters(m, ui);

  std::vector<Stage> lanes;
  for (size_t s = 0; s < m.index.by_stage.size(); ++s)
    if (!m.index.by_stage[s].empty()) lanes.push_back(static_cast<Stage>(s));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float axis_h = ImGui::GetTextLineHeight() + 4;
  if (avail.y < axis_h + 10) return;
  const float lane_h = lanes.empty() ? 0
                                     : std::min(22.0f * compat::global_font_scale() * (ImGui::GetFontSize() / 16.0f),
                                                (avail.y - axis_h) / static_cast<float>(lanes.size()));
  float widest = 0;
  for (const Stage s : lanes) widest = std::max(widest, ImGui::CalcTextSize(ui.words.stage(s).c_str()).x);
  const LaneLabels names = lane_labels(lane_h, ImGui::GetFontSize(), widest);
  const float label_w = names.width();
  if (avail.x < label_w + 40) return;
  const ImVec2 area0(origin.x + label_w, origin.y);
  const ImVec2 area1(origin.x + avail.x, origin.y + axis_h + lane_h * static_cast<float>(lanes.size()));
  const float width = area1.x - area0.x;

  const double end_s = std::max(1e-9, static_cast<double>(m.index.end_ns) / 1e9);
  if (ui.view_t1 <= ui.view_t0 || ui.view_t1 > end_s * 1.0001 || ui.view_t0 < 0) ui.view_t0 = 0, ui.view_t1 = end_s;
  const double v0 = ui.view_t0, v1 = ui.view_t1;
  auto x_of = [&](double t_s) { return area0.x + static_cast<float>((t_s - v0) / (v1 - v0)) * width; };
  auto t_of = [&](float x) { return v0 + static_cast<double>((x - area0.x) / width) * (v1 - v0); };

  ImGui::SetCursorScreenPos(area0);
  ImGui::InvisibleButton("lanes", ImVec2(width, std::max(1.0f, area1.y - area0.y)));
  const bool hovered = ImGui::IsItemHovered();
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const double t = std::clamp(t_of(ImGui::GetIO().MousePos.x), 0.0, end_s);
    commands.post(RequestSeek{ns(static_cast<int64_t>(t * 1e9))});
  }
  if (hovered && ImGui::GetIO().MouseWheel != 0) {  // zoom about the mouse
    const double at = t_of(ImGui::GetIO().MousePos.x);
    const double k = std::pow(0.8, static_cast<double>(ImGui::GetIO().MouseWheel));
    ui.view_t0 = std::max(0.0, at - (at - v0) * k);
    ui.view_t1 = std::min(end_s, at + (v1 - at) * k);
    if (ui.view_t1 - ui.view_t0 < 1e-6) ui.view_t1 = ui.view_t0 + 1e-6;
  }

  dl->AddRectFilled(area0, area1, IM_COL32(20, 22, 28, 255));
  // Axis labels at round times, as many as fit without touching; one cut off at the right is left out.
  for (const AxisTick& tick : axis_ticks(
           v0, v1, width, [](const std::string& l) { return ImGui::CalcTextSize(l.c_str()).x; },
           ui.words.time_units())) {
    const float x = x_of(tick.t_s);
    dl->AddLine(ImVec2(x, area0.y), ImVec2(x, area1.y), IM_COL32(60, 60, 70, 255));
    if (x + 2 + ImGui::CalcTextSize(tick.label.c_str()).x <= area1.x)
      dl->AddText(ImVec2(x + 2, area0.y), IM_COL32(170, 170, 180, 255), tick.label.c_str());
  }
  const int columns = std::max(1, static_cast<int>(width));
  for (size_t l = 0; l < lanes.size(); ++l) {
    const Stage stage = lanes[l];
    const float y0 = area0.y + axis_h + lane_h * static_cast<float>(l);
    const bool on = ui.settings.stage_filter & stage_bit(stage);
    // Thin lanes (a projector's short timeline) put their names in two staggered columns.
    // Kept inside the lanes (one thin lane: its name may be taller than all of them, then it
    // starts at the top).
    const float top = area0.y + axis_h - 2;
    const float text_y = std::max(top, std::min(y0 + (lane_h - names.text_h) * 0.5f, area1.y - names.text_h));
    dl->AddText(ImGui::GetFont(), names.text_h, ImVec2(origin.x + names.x(l), text_y),
                on ? stage_color(stage) : IM_COL32(90, 90, 90, 255), ui.words.stage(stage).c_str());
    dl->AddLine(ImVec2(area0.x, y0 + lane_h), ImVec2(area1.x, y0 + lane_h), IM_COL32(45, 45, 55, 255));
    if (!on) continue;
    for (int c = 0; c < columns; ++c) {
      const auto a = static_cast<int64_t>(t_of(area0.x + static_cast<float>(c)) * 1e9);
      const auto b = static_cast<int64_t>(t_of(area0.x + static_cast<float>(c + 1)) * 1e9);
      const size_t count = m.index.count_in(stage, a, b);
      if (!count) continue;
      const float h = std::min(1.0f, 0.35f + 0.15f * std::log2(static_cast<float>(count)));
      const float x = area0.x + static_cast<float>(c);
      dl->AddRectFilled(ImVec2(x, y0 + lane_h * (1 - h) * 0.5f + 2), ImVec2(x + 1.5f, y0 + lane_h * (1 + h) * 0.5f - 2),
                        stage_color(stage));
    }
  }
  // Failures in their stage's lane, marked by shape as well as by colour.
  const auto v0_ns = static_cast<int64_t>(v0 * 1e9), v1_ns = static_cast<int64_t>(v1 * 1e9);
  auto first = std::partition_point(m.index.failures.begin(), m.index.failures.end(),
                                    [&](uint32_t p) { return m.index.time->t_ns_at(p) < v0_ns; });
  std::vector<int> last_mark(lanes.size(), INT32_MIN);
  for (auto it = first; it != m.index.failures.end() && m.index.time->t_ns_at(*it) <= v1_ns; ++it) {
    const Record& r = m.run.trace[m.index.at(*it)];
    const auto lane = std::find(lanes.begin(), lanes.end(), r.stage);
    if (lane == lanes.end() || !(ui.settings.stage_filter & stage_bit(r.stage))) continue;
    const auto l = static_cast<size_t>(lane - lanes.begin());
    const float x = x_of(static_cast<double>(r.t_ns) / 1e9);
    const float mark = std::min(6.0f, lane_h * 0.3f);
    if (static_cast<int>(x) < last_mark[l] + static_cast<int>(2 * mark)) continue;
    last_mark[l] = static_cast<int>(x);
    draw_failure_mark(dl, ImVec2(x, area0.y + axis_h + lane_h * (static_cast<float>(l) + 0.5f)), mark, failure_color());
  }
  if (ui.selected != RecordId::none && raw(ui.selected) < m.run.trace.size()) {
    const Record& r = m.run.trace.at(ui.selected);
    const auto it = std::find(lanes.begin(), lanes.end(), r.stage);
    if (it != lanes.end()) {
      const float y0 = area0.y + axis_h + lane_h * static_cast<float>(it - lanes.begin());
      const float x = x_of(static_cast<double>(r.t_ns) / 1e9);
      dl->AddRect(ImVec2(x - 4, y0 + 1), ImVec2(x + 4, y0 + lane_h - 1), IM_COL32(255, 255, 255, 255), 2, 0, 2);
    }
  }
  const float px = x_of(static_cast<double>(ui.t_ns) / 1e9);
  // Predict, then reveal: what happens after the playhead (a failure mark at 4 h) is the answer
  // to many questions; it is covered until the learner has answered.
  if (lesson_asking(ui) && px < area1.x) {
    const ImVec2 c0(std::max(area0.x, px), area0.y + axis_h);
    dl->AddRectFilled(c0, area1, IM_COL32(20, 22, 28, 255));
    const std::string note = ui.tr("timeline.hidden_question");
    const ImVec2 size = ImGui::CalcTextSize(note.c_str());
    if (size.x + 8 <= area1.x - c0.x)
      dl->AddText(ImVec2(c0.x + (area1.x - c0.x - size.x) * 0.5f, c0.y + (area1.y - c0.y - size.y) * 0.5f),
                  IM_COL32(150, 150, 160, 255), note.c_str());
  }
  dl->AddLine(ImVec2(px, area0.y), ImVec2(px, area1.y), IM_COL32(255, 60, 60, 255), 2.0f);
  dl->AddTriangleFilled(ImVec2(px - 6, area0.y), ImVec2(px + 6, area0.y), ImVec2(px, area0.y + 8),
                        IM_COL32(255, 60, 60, 255));
  if (hovered) {
    const double t = t_of(ImGui::GetIO().MousePos.x);
    const std::string at = ui.time(ns(static_cast<int64_t>(t * 1e9)));
    const float lane_y = ImGui::GetIO().MousePos.y - (area0.y + axis_h);
    const auto l = lane_h > 0 && lane_y >= 0 ? static_cast<size_t>(lane_y / lane_h) : lanes.size();
    ImGui::SetTooltip("%s", l < lanes.size() ? ui.trf("timeline.scrub_lane_tip", ui.words.stage(lanes[l]), at).c_str()
                                             : ui.trf("timeline.scrub_tip", at).c_str());
  }
}

}  // namespace

void draw_timeline(const PanelContext& ctx, UiState& ui, Commands& commands) {
  // Presenter mode draws the timeline in the regular font: in the large one the transport row and
  // the axis took the lanes' height, and seven lanes' names shrank to 9 px, which nobody could
  // read; the class reads the narration and the canvas, the teacher works the buttons.
  const bool regular = ui.settings.presenter && ctx.fonts.regular;
  if (regular) compat::push_font(ctx.fonts.regular);
  draw_lanes(ctx.model, ui, commands);
  if (regular) ImGui::PopFont();
}

}  // namespace deploysim::gui
