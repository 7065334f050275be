// The frame: main menu bar and the panel windows in their default rectangles (movable and
// resizable; imgui.ini remembers them for interactive runs; View > Reset layout restores these).
#include "gui/shell/frame.hpp"

#include <initializer_list>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "gui/shell/lesson_nav.hpp"
#include "gui/panels/panels.hpp"

namespace deploysim::gui {

namespace {

struct Rect {
  float x, y, w, h;  // fractions of the work area
};

// Left column: scenario + what-if; centre: canvas over narration; right: inspector over the
// sequence diagram; bottom: timeline and metrics.
constexpr float left = 0.19f, right = 0.34f, bottom = 0.30f, canvas_h = 0.72f, inspector_h = 0.55f;
constexpr Rect browser_rect{0, 0, left, 0.30f};
constexpr Rect whatif_rect{0, 0.30f, left, 1 - bottom - 0.30f};
constexpr Rect canvas_rect{left, 0, 1 - left - right, (1 - bottom) * canvas_h};
constexpr Rect narration_rect{left, (1 - bottom) * canvas_h, 1 - left - right, (1 - bottom) * (1 - canvas_h)};
constexpr Rect inspector_rect{1 - right, 0, right, (1 - bottom) * inspector_h};
constexpr Rect sequence_rect{1 - right, (1 - bottom) * inspector_h, right, (1 - bottom) * (1 - inspector_h)};
constexpr Rect timeline_rect{0, 1 - bottom, 1 - right, bottom};
constexpr Rect metrics_rect{1 - right, 1 - bottom, right, bottom};

// Presenter mode: fewer, larger panels for a projector. The canvas gets most of the screen, the
// narration sits under it, the timeline runs along the bottom; the other panels are tabs of one
// window on the right.
constexpr float p_left = 0.70f, p_canvas_h = 0.58f, p_narration_h = 0.12f;
constexpr Rect p_canvas_rect{0, 0, p_left, p_canvas_h};
constexpr Rect p_narration_rect{0, p_canvas_h, p_left, p_narration_h};
constexpr Rect p_timeline_rect{0, p_canvas_h + p_narration_h, 1, 1 - p_canvas_h - p_narration_h};
constexpr Rect p_details_rect{p_left, 0, 1 - p_left, p_canvas_h + p_narration_h};

// On llvmpipe a window-sized blended fill costs ~10 ms of CPU a frame, so the panels that tile
// the window draw no background: the clear colour (render_frame) is the window colour. A panel
// that overlaps another one (moved or resized by hand or by a script) gets its opaque background
// back, and so does one ImGui has not placed yet.
bool needs_background(const char* title, std::initializer_list<const char*> panels) {
  const ImGuiWindow* w = ImGui::FindWindowByName(title);
  if (!w) return true;
  const ImRect r(w->Pos.x + 1, w->Pos.y + 1, w->Pos.x + w->Size.x - 1, w->Pos.y + w->Size.y - 1);  // shared edges do not count
  for (const char* other : panels) {
    const ImGuiWindow* o = ImGui::FindWindowByName(other);
    if (o && o != w && o->WasActive && r.Overlaps(ImRect(o->Pos, ImVec2(o->Pos.x + o->Size.x, o->Pos.y + o->Size.y)))) return true;
  }
  return false;
}

constexpr std::initializer_list<const char*> panels{"Scenario", "What if", "###Topology", "Narration",
                                                    "Inspector", "Sequence", "Timeline", "Metrics"};
constexpr std::initializer_list<const char*> presenter_panels{"###PTopology", "###PNarration", "###PTimeline", "###PDetails"};

bool begin_panel(const char* title, const Rect& r, const UiState& ui, ImGuiWindowFlags flags = 0) {
  // Below the menu bar (WorkPos only knows about it from the second frame on).
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float menu = ImGui::GetFrameHeight();
  const ImVec2 pos(vp->Pos.x, vp->Pos.y + menu), size(vp->Size.x, vp->Size.y - menu);
  const ImGuiCond cond = ui.reset_layout > 0 ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(ImVec2(pos.x + r.x * size.x, pos.y + r.y * size.y), cond);
  ImGui::SetNextWindowSize(ImVec2(r.w * size.x, r.h * size.y), cond);
  if (!needs_background(title, ui.settings.presenter ? presenter_panels : panels)) ImGui::SetNextWindowBgAlpha(0.0f);
  return ImGui::Begin(title, nullptr, flags | ImGuiWindowFlags_NoCollapse);
}

void menu_bar(const Session& session, UiState& ui, Commands& commands) {
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));  // the opaque bar colour covers it all
  const bool open = ImGui::BeginMainMenuBar();
  ImGui::PopStyleColor();
  if (!open) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Reload scenario", nullptr, false, !session.path().empty())) commands.post(RequestReload{});
    if (ImGui::MenuItem("Screenshot", "F12")) commands.post(RequestScreenshot{});
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) commands.post(RequestQuit{});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Presenter mode (large, high contrast)", nullptr, &ui.settings.presenter)) ui.reset_layout = 2;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat("font scale", &ui.settings.font_scale, 0.75f, 2.5f, "%.2f");
    ImGui::MenuItem("Packet trails while playing", nullptr, &ui.settings.show_trails);
    if (ImGui::MenuItem("Fullscreen", "F11")) commands.post(RequestFullscreen{});
    if (ImGui::MenuItem("Reset layout")) ui.reset_layout = 2;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Language")) {
    if (ImGui::MenuItem("English", nullptr, ui.settings.language == "en")) ui.settings.language = "en";
    if (ImGui::MenuItem("Korean", nullptr, ui.settings.language == "ko")) ui.settings.language = "ko";
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::TextUnformatted("Space  play / pause\nLeft / Right  step one event\nCtrl+Left / Ctrl+Right  previous / next stage\n"
                           "Home / End  start / end\n+ / -  speed\nF11  fullscreen\nF12  screenshot\n"
                           "Canvas: wheel zooms, right-drag pans, right double-click resets");
    ImGui::EndMenu();
  }
  // A running simulation shows its progress here; the panels keep showing the previous run.
  std::string status = session.busy() ? fmt::format("{} ... {:.1f} s", session.busy_label(), session.busy_seconds())
                                      : ui.status;
  status += fmt::format("   {:.1f} ms/frame", ui.fps_ms);
  const float bar_w = session.busy() ? ImGui::GetFontSize() * 8 : 0.0f;
  const float cancel_w = session.busy() ? ImGui::CalcTextSize("Cancel").x + ImGui::GetStyle().FramePadding.x * 2 + 8 : 0.0f;
  ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(status.c_str()).x - bar_w - cancel_w - 24);
  if (session.busy()) {
    const double p = session.progress();
    ImGui::ProgressBar(static_cast<float>(p), ImVec2(bar_w, 0), fmt::format("{:.0f} %", p * 100).c_str());
    if (ImGui::SmallButton("Cancel")) commands.post(RequestCancel{});
  }
  ImGui::TextUnformatted(status.c_str());
  ImGui::EndMainMenuBar();
}

}  // namespace

void draw_frame(const Session& session, const Fonts& fonts, const std::string& assets_dir, const Narrator* narrator, UiState& ui,
                Commands& commands) {
  const Model& m = session.model();
  const bool presenter = ui.settings.presenter;
  update_lesson(session, ui, commands);
  apply_window_moves(ui);
  menu_bar(session, ui, commands);
  const std::string canvas_title = m.scenario.info.name.empty() ? std::string("Topology###Topology")
                                                                 : fmt::format("Topology: {}###Topology", m.scenario.info.name);
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
  if (presenter) {
    // Own window names, so that the normal layout's remembered rectangles stay untouched.
    if (begin_panel(fmt::format("{}###PTopology", canvas_title).c_str(), p_canvas_rect, ui, fixed)) draw_topology(m, ui, commands);
    ImGui::End();
    if (begin_panel("Narration###PNarration", p_narration_rect, ui)) draw_narration(m, narrator, ui, commands);
    ImGui::End();
    if (begin_panel("Timeline###PTimeline", p_timeline_rect, ui, fixed)) draw_timeline(m, ui, commands);
    ImGui::End();
    if (begin_panel("Details###PDetails", p_details_rect, ui)) {
      // Tab names in the regular font: five in the large one do not fit the panel ("Inspec...").
      ImGui::PushFont(fonts.regular);
      const bool tabs = ImGui::BeginTabBar("details");
      ImGui::PopFont();
      auto tab = [&](const char* name) {
        ImGui::PushFont(fonts.regular);
        const bool open = ImGui::BeginTabItem(name);
        ImGui::PopFont();
        return open;
      };
      if (tabs) {
        if (tab("Inspector")) draw_inspector(m, fonts, ui, commands), ImGui::EndTabItem();
        if (tab("Sequence")) draw_sequence(m, ui, commands), ImGui::EndTabItem();
        if (tab("Metrics")) draw_metrics(session, ui, commands), ImGui::EndTabItem();
        if (tab("What if")) draw_whatif(session, ui, commands), ImGui::EndTabItem();
        if (tab("Scenario")) draw_browser(session, assets_dir, ui, commands), ImGui::EndTabItem();
        ImGui::EndTabBar();
      }
    }
    ImGui::End();
    if (ui.reset_layout > 0) --ui.reset_layout;
    return;
  }
  if (begin_panel("Scenario", browser_rect, ui)) draw_browser(session, assets_dir, ui, commands);
  ImGui::End();
  if (begin_panel("What if", whatif_rect, ui)) draw_whatif(session, ui, commands);
  ImGui::End();
  if (begin_panel(canvas_title.c_str(), canvas_rect, ui, fixed)) draw_topology(m, ui, commands);
  ImGui::End();
  if (begin_panel("Narration", narration_rect, ui)) draw_narration(m, narrator, ui, commands);
  ImGui::End();
  if (begin_panel("Inspector", inspector_rect, ui)) draw_inspector(m, fonts, ui, commands);
  ImGui::End();
  if (begin_panel("Sequence", sequence_rect, ui)) draw_sequence(m, ui, commands);
  ImGui::End();
  if (begin_panel("Timeline", timeline_rect, ui, fixed)) draw_timeline(m, ui, commands);
  ImGui::End();
  if (begin_panel("Metrics", metrics_rect, ui)) draw_metrics(session, ui, commands);
  ImGui::End();
  if (ui.reset_layout > 0) --ui.reset_layout;
}

}  // namespace deploysim::gui
