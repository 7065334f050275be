// The frame: main menu bar and the panel windows in their default rectangles (movable and
// resizable; imgui.ini remembers them for interactive runs; View > Reset layout restores these).
#include "gui/shell/frame.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "gui/panels/panels.hpp"
#include "gui/platform/page.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/widgets/lessons.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/widgets/import_window.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

// `text` cut at a character's start so that it and "..." fit in `width`.
std::string fit_text(std::string text, float width) {
  while (!text.empty() && ImGui::CalcTextSize((text + "...").c_str()).x > width) {
    size_t n = text.size() - 1;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // a UTF-8 continuation byte
    text.resize(n);
  }
  return text + "...";
}

bool needs_background(const std::string& title, const std::vector<std::string>& windows) {
  const ImGuiWindow* w = ImGui::FindWindowByName(title.c_str());
  if (!w) return true;
  const ImRect r(w->Pos.x + 1, w->Pos.y + 1, w->Pos.x + w->Size.x - 1,
                 w->Pos.y + w->Size.y - 1);  // shared edges do not count
  for (const std::string& other : windows) {
    const ImGuiWindow* o = ImGui::FindWindowByName(other.c_str());
    if (o && o != w && o->WasActive && r.Overlaps(ImRect(o->Pos, ImVec2(o->Pos.x + o->Size.x, o->Pos.y + o->Size.y))))
      return true;
  }
  return false;
}

// The window name of a panel in a layout: its title in the chosen language, then its id; each
// layout's windows have ids of their own, so that each keeps its own remembered rectangles.
std::string window_name(std::string_view id, const std::string& title, Layout layout) {
  return fmt::format("{}###{}{}", title, layout_prefix(layout), id);
}

bool begin_panel(const std::string& title, const PanelRect& r, const UiState& ui,
                 const std::vector<std::string>& windows, ImGuiWindowFlags flags = 0) {
  // Below the menu bar (WorkPos only knows about it from the second frame on).
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float menu = ImGui::GetFrameHeight();
  const ImVec2 pos(vp->Pos.x, vp->Pos.y + menu), size(vp->Size.x, vp->Size.y - menu);
  const ImGuiCond cond = ui.reset_layout > 0 ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(ImVec2(pos.x + r.x * size.x, pos.y + r.y * size.y), cond);
  ImGui::SetNextWindowSize(ImVec2(r.w * size.x, r.h * size.y), cond);
  if (!needs_background(title, windows)) ImGui::SetNextWindowBgAlpha(0.0f);
  return ImGui::Begin(title.c_str(), nullptr, flags | ImGuiWindowFlags_NoCollapse);
}

// Where the browser build writes a saved what-if before handing it to the downloads.
std::string download_path(const std::string& scenario_path) {
  const std::string stem = std::filesystem::path(scenario_path).stem().string();
  return "/downloads/" + (stem.empty() ? std::string("scenario") : stem) + "-whatif.toml";
}

// What a running job does, how long it has run, its estimated size and the time it still needs.
std::string busy_status(const Session& session, const UiState& ui) {
  std::string out = fmt::format("{} ... {:.1f} s", session.busy_text(ui.words), session.busy_seconds());
  if (const std::string size = session.busy_estimate(ui.words); !size.empty()) out += "  |  " + size;
  if (const auto left = session.seconds_left()) {
    const auto whole = static_cast<int64_t>(*left + 0.5);
    const std::string wall = whole < 120 ? ui.trf("progress.seconds", whole) : ui.words.time(s(whole));
    out += "  |  " + ui.trf("progress.gui_left", wall);
  }
  return out;
}

void menu_bar(const Session& session, UiState& ui, Commands& commands) {
  ImGui::PushStyleColor(ImGuiCol_WindowBg, IM_COL32(0, 0, 0, 0));  // the opaque bar colour covers it all
  const bool open = ImGui::BeginMainMenuBar();
  ImGui::PopStyleColor();
  if (!open) return;
  // Menu ids stay English ("###File") so that a change of language keeps them apart and open.
  auto menu = [&](const char* key, const char* id) { return fmt::format("{}###{}", ui.tr(key), id); };
  if (ImGui::BeginMenu(menu("menu.file", "File").c_str())) {
    if (ImGui::MenuItem(ui.tr("menu.open").c_str(), "Ctrl+O")) show_file_browser(ui, "", true, false);
    // In a browser, "Open..." shows the files shipped with the page; the user's own come through
    // the browser's picker (or dropped onto the page), and saved files go to the downloads.
    if (in_browser() && ImGui::MenuItem(ui.tr("menu.open_disk").c_str())) pick_file_from_disk();
    draw_recent_menu(ui, commands);
    draw_import_menu(ui);
    const bool can_save = !session.model().scenario.source_text.empty();
    if (ImGui::MenuItem(ui.tr("menu.save_whatif").c_str(), nullptr, false, can_save)) {
      if (in_browser())
        commands.post(RequestSaveWhatIf{download_path(session.path())});
      else
        show_file_browser(ui, "", true, true);
    }
    if (ImGui::MenuItem(ui.tr("menu.reload").c_str(), nullptr, false, !session.path().empty()))
      commands.post(RequestReload{});
    if (ImGui::MenuItem(ui.tr("menu.screenshot").c_str(), "F12")) commands.post(RequestScreenshot{});
    ImGui::Separator();
    if (!in_browser() && ImGui::MenuItem(ui.tr("menu.quit").c_str(), "Ctrl+Q")) commands.post(RequestQuit{});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(menu("menu.view", "View").c_str())) {
    if (ImGui::MenuItem(ui.tr("menu.presenter").c_str(), nullptr, &ui.settings.presenter)) ui.reset_layout = 2;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat(ui.tr("menu.font_scale").c_str(), &ui.settings.font_scale, 0.75f, 2.5f, "%.2f");
    ImGui::MenuItem(ui.tr("menu.trails").c_str(), nullptr, &ui.settings.show_trails);
    if (ImGui::MenuItem(ui.tr("menu.fullscreen").c_str(), "F11")) commands.post(RequestFullscreen{});
    if (ImGui::MenuItem(ui.tr("menu.reset_layout").c_str())) ui.reset_layout = 2;
    ImGui::EndMenu();
  }
  // Each language by its own name, one per catalogue in assets/i18n.
  if (ImGui::BeginMenu(menu("menu.language", "Language").c_str())) {
    for (const auto& [code, name] : ui.languages)
      if (ImGui::MenuItem(name.c_str(), nullptr, ui.settings.language == code)) ui.settings.language = code;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(menu("menu.help", "Help").c_str())) {
    ImGui::TextUnformatted(ui.tr("menu.keys").c_str());
    if (in_browser()) {  // what this page cannot do, where a learner looks for it
      ImGui::Separator();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
      rich_text(ui.tr("menu.desktop_only"));  // its `code` spans without their backticks
      ImGui::PopTextWrapPos();
    }
    ImGui::EndMenu();
  }
  // A running simulation shows its progress here; the panels keep showing the previous run.
  const std::string message = session.busy() ? busy_status(session, ui) : ui.status;
  const bool is_error = !session.busy() && !ui.status.empty() && ui.status == ui.status_error;
  // The frame time is a developer's number: not on a projector in front of a class.
  const std::string frame_ms = ui.settings.presenter ? std::string() : "   " + ui.trf("menu.ms_per_frame", ui.fps_ms);
  const float bar_w = session.busy() ? ImGui::GetFontSize() * 8 : 0.0f;
  const float cancel_w =
      session.busy() ? ImGui::CalcTextSize(ui.tr("menu.cancel").c_str()).x + ImGui::GetStyle().FramePadding.x * 2 + 8
                     : 0.0f;
  // On a narrow window (1024 px, presenter font) the status must not cover the menus: the frame
  // time, a developer's number, gives way first; then the message is cut, whole on hover.
  const float menus_end = ImGui::GetCursorPosX() + 16;
  const float room = ImGui::GetWindowWidth() - bar_w - cancel_w - 24 - menus_end;
  std::string status = message + frame_ms;
  if (ImGui::CalcTextSize(status.c_str()).x > room) status = message;
  const bool cut = ImGui::CalcTextSize(status.c_str()).x > room;
  if (cut && is_error) {
    // "/long/path/lesson.toml:4:12: ..." as "lesson.toml:4:12: ...": the file's name and the place.
    const size_t place = status.find(": ");
    const size_t dir = status.rfind('/', place);
    if (place != std::string::npos && dir != std::string::npos) status.erase(0, dir + 1);
  }
  if (cut) status = fit_text(status, room);
  ImGui::SameLine(
      std::max(menus_end, ImGui::GetWindowWidth() - ImGui::CalcTextSize(status.c_str()).x - bar_w - cancel_w - 24));
  if (session.busy()) {
    const double p = session.progress();
    ImGui::ProgressBar(static_cast<float>(p), ImVec2(bar_w, 0), ui.words.percent(p * 100, 0).c_str());
    if (ImGui::SmallButton(fmt::format("{}###Cancel", ui.tr("menu.cancel")).c_str())) commands.post(RequestCancel{});
  }
  if (is_error) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
  ImGui::TextUnformatted(status.c_str());
  if (is_error) ImGui::PopStyleColor();
  if (cut && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", message.c_str());
  ImGui::EndMainMenuBar();
}

}  // namespace

void draw_frame(const Session& session, const Fonts& fonts, const std::string& assets_dir, const Narrator* narrator,
                UiState& ui, Commands& commands) {
  const Model& m = session.model();
  const ImVec2 vp = ImGui::GetMainViewport()->Size;
  const Layout layout = layout_for(ui.settings.presenter, vp.x, vp.y);
  if (layout != ui.layout && ui.frame > 0) ui.reset_layout = std::max(ui.reset_layout, 2);
  ui.layout = layout;
  const auto li = static_cast<size_t>(layout);
  update_lesson(m, ui, commands);
  record_progress(ui);
  apply_window_moves(ui);
  menu_bar(session, ui, commands);
  const PanelContext ctx{session, m, fonts, narrator, assets_dir};
  // The windows of this layout: each panel with a rectangle of its own, and the tab window.
  const TabWindow tw = tab_window(layout);
  std::vector<std::string> windows;
  std::vector<const PanelSpec*> tabs;
  for (const PanelSpec& p : panel_table()) {
    if (p.rect[li].w == 0)
      tabs.push_back(&p);
    else
      windows.push_back(window_name(p.name, ui.tr(p.title), layout));
  }
  if (!tabs.empty()) windows.push_back(window_name(tw.name, ui.tr(tw.title), layout));
  size_t wi = 0;
  for (const PanelSpec& p : panel_table()) {
    if (p.rect[li].w == 0) continue;
    std::string title = windows[wi++];
    if (p.scenario_title && !m.scenario.info.name.empty())
      title = fmt::format("{}: {}{}", title.substr(0, title.find("###")),
                          m.scenario.info.tr.pick("name", m.scenario.info.name, ui.settings.language),
                          title.substr(title.find("###")));
    ImGuiWindowFlags flags = p.fixed ? ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse : 0;
    // A short screen's presenter timeline gives its title bar to the lanes, whose names would
    // otherwise shrink below what anyone can read; its transport buttons say what it is.
    if (layout == Layout::small_presenter && std::string_view(p.name) == "Timeline")
      flags |= ImGuiWindowFlags_NoTitleBar;
    if (begin_panel(title, p.rect[li], ui, windows, flags)) p.draw(ctx, ui, commands);
    ImGui::End();
  }
  // The exercise panel opens and checks exercises when it draws: a script's `exercise` needs its tab.
  if (!ui.exercise.choose.empty() || ui.exercise.check_now || ui.exercise.opened) ui.focus_panel = "Exercise";
  if (!tabs.empty()) {
    if (begin_panel(windows.back(), tw.rect, ui, windows)) {
      // Tab names in the regular font: five in the large one do not fit the panel ("Inspec...").
      // Narrow tabs too: "Scenario", "What if" and "Exercise" side by side in a 1024 px window's column.
      constexpr float tab_pad = 5;
      auto regular = [&](auto&& begin) {
        compat::push_font(fonts.regular);
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(tab_pad, ImGui::GetStyle().FramePadding.y));
        const bool open = begin();
        ImGui::PopStyleVar();
        ImGui::PopFont();
        return open;
      };
      // Tabs that still do not fit keep their whole titles and scroll, with a list of them all,
      // rather than shrink to "Inspec...", "Seque..." (presenter mode's seven tabs).
      float tabs_w = 0;
      compat::push_font(fonts.regular);
      for (const PanelSpec* p : tabs)
        tabs_w += ImGui::CalcTextSize(ui.tr(p->title).c_str()).x + 2 * tab_pad + ImGui::GetStyle().ItemInnerSpacing.x;
      ImGui::PopFont();
      const ImGuiTabBarFlags tab_flags =
          ImGuiTabBarFlags_FittingPolicyScroll |
          (tabs_w > ImGui::GetContentRegionAvail().x ? ImGuiTabBarFlags_TabListPopupButton : 0);
      if (regular([&] { return ImGui::BeginTabBar("details", tab_flags); })) {
        for (const PanelSpec* p : tabs) {
          // A panel something just asked for (an exercise opened, a file's error) comes to the front.
          const ImGuiTabItemFlags select = ui.focus_panel == p->name ? ImGuiTabItemFlags_SetSelected : 0;
          const std::string label = fmt::format("{}###{}", ui.tr(p->title), p->name);
          if (regular([&] { return ImGui::BeginTabItem(label.c_str(), nullptr, select); })) {
            ui.details_tab = p->name;
            // The content scrolls under the tabs, which keep the whole width.
            // A short screen's presenter Details column is about 300 px: in the large font its
            // numbers broke at their points ("100.", "00 %") and decoded fields lost their values,
            // so its tabs draw in the regular font; the class reads the canvas and the narration.
            const bool regular_content = layout == Layout::small_presenter && fonts.regular;
            if (ImGui::BeginChild("##tab", ImVec2(0, 0), false, p->fixed ? ImGuiWindowFlags_NoScrollbar : 0)) {
              if (regular_content) compat::push_font(fonts.regular);
              p->draw(ctx, ui, commands);
              if (regular_content) ImGui::PopFont();
            }
            ImGui::EndChild();
            ImGui::EndTabItem();
            if (ui.focus_panel == p->name) ui.focus_panel.clear();
          }
        }
        ImGui::EndTabBar();
      }
    }
    ImGui::End();
  }
  // A request for a panel that is a window of its own here, or for none, is done.
  if (std::none_of(tabs.begin(), tabs.end(), [&](const PanelSpec* p) { return ui.focus_panel == p->name; }))
    ui.focus_panel.clear();
  draw_file_browser(session, assets_dir, ui, commands);
  draw_import_windows(ui, commands);
  if (ui.reset_layout > 0) --ui.reset_layout;
}

}  // namespace deploysim::gui
