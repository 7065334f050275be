// The file browser: a window inside the GUI that lists directories and .toml files (each with
// what it holds, read from its content), with Up, Home, the shipped folders and recent files;
// it opens any of them, or saves the what-if as a scenario file under a name the user types.
#include "gui/widgets/file_browser.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/shell/settings.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

namespace fs = std::filesystem;

// Every label this file shows, in the chosen language (assets/i18n, [browser]).
struct Strings {
  const char* open_title;
  const char* save_title;
  const char* up;
  const char* home;
  const char* scenarios;
  const char* lessons;
  const char* exercises;
  const char* recent;
  const char* no_recent;
  const char* empty;
  const char* cannot_read;
  const char* open;
  const char* save;
  const char* cancel;
  const char* name;
  const char* pick;
  const char* folder;
  const char* kind[3];  // FileKind order: scenario, lesson, exercise
};

Strings text(const UiState& ui) {
  auto t = [&](const char* key) { return ui.tr(key).c_str(); };
  return Strings{
      t("browser.open_title"),  t("browser.save_title"),
      t("browser.up"),          t("browser.home"),
      t("browser.scenarios"),   t("browser.lessons"),
      t("browser.exercises"),   t("browser.recent"),
      t("browser.no_recent"),   t("browser.empty"),
      t("browser.cannot_read"), t("browser.open"),
      t("browser.save"),        t("browser.cancel"),
      t("browser.file_name"),   t("browser.pick"),
      t("browser.folder"),      {t("browser.kind_scenario"), t("browser.kind_lesson"), t("browser.kind_exercise")}};
}

// Reads the directory once per visit: its folders, then its .toml files, each by name; a file's
// kind comes from its content (small files only: a scenario is a few KiB).
void list_dir(FileBrowserUi& b) {
  b.listed = b.dir;
  b.entries.clear();
  b.error.clear();
  std::error_code ec;
  for (fs::directory_iterator it(b.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code e2;
    if (it->is_directory(e2)) {
      b.entries.push_back({name, p.string(), true});
    } else if (p.extension() == ".toml" && it->is_regular_file(e2)) {
      const bool small = it->file_size(e2) < (1u << 20);
      b.entries.push_back({name, p.string(), false, small ? detect_file_kind(p.string()) : FileKind::scenario});
    }
  }
  if (ec) b.error = ec.message();
  std::sort(b.entries.begin(), b.entries.end(),
            [](const BrowserEntry& x, const BrowserEntry& y) { return x.dir != y.dir ? x.dir : x.name < y.name; });
}

void go_to(FileBrowserUi& b, const std::string& dir) {
  b.dir = fs::path(dir).lexically_normal().string();
  if (b.dir.size() > 1 && b.dir.back() == '/') b.dir.pop_back();
  b.selected.clear();
}

void toolbar(FileBrowserUi& b, const std::string& assets_dir, const Strings& t) {
  if (ImGui::Button(t.up)) go_to(b, fs::path(b.dir).parent_path().string());
  ImGui::SameLine();
  if (ImGui::Button(t.home)) go_to(b, home_dir());
  for (const auto& [label, sub] :
       {std::pair{t.scenarios, "scenarios"}, std::pair{t.lessons, "lessons"}, std::pair{t.exercises, "exercises"}}) {
    std::error_code ec;
    const std::string dir = assets_dir + "/" + sub;
    if (!fs::is_directory(dir, ec)) continue;
    ImGui::SameLine();
    if (ImGui::Button(label)) go_to(b, dir);
  }
  ImGui::TextDisabled("%s", b.dir.c_str());
}

void recent_files(UiState& ui, Commands& commands, const Strings& t) {
  if (!ImGui::CollapsingHeader(t.recent, ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (ui.settings.recent.empty()) ImGui::TextDisabled("%s", t.no_recent);
  for (const std::string& path : ui.settings.recent) {
    const std::string label = fmt::format("{}##recent{}", fs::path(path).filename().string(), path);
    if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
      if (ui.files.browser.save)
        go_to(ui.files.browser, fs::path(path).parent_path().string());
      else
        commands.post(RequestOpenFile{path}), ui.files.browser.open = false;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", path.c_str());
  }
}

}  // namespace

std::string home_dir() {
  const char* home = std::getenv("HOME");
  return home && *home ? home : std::filesystem::current_path().string();
}

void show_file_browser(UiState& ui, const std::string& dir, bool show, bool save) {
  FileBrowserUi& b = ui.files.browser;
  b.open = show;
  b.save = save;
  if (!dir.empty())
    go_to(b, fs::absolute(dir).string());
  else if (b.dir.empty())
    go_to(b, fs::current_path().string());
  b.listed.clear();  // read again: files may have changed since
  drop_missing_recent(ui.settings);
}

void draw_file_browser(const Session& session, const std::string& assets_dir, UiState& ui, Commands& commands) {
  FileBrowserUi& b = ui.files.browser;
  if (!b.open) return;
  const Strings t = text(ui);
  if (b.listed != b.dir) list_dir(b);
  if (b.save && b.save_name.empty() && !session.path().empty())
    b.save_name = fs::path(session.path()).stem().string() + "-whatif.toml";
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.2f, vp->WorkPos.y + vp->WorkSize.y * 0.12f),
                          ImGuiCond_Appearing);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x * 0.6f, vp->WorkSize.y * 0.72f), ImGuiCond_Appearing);
  ImGui::SetNextWindowFocus();
  const std::string title = fmt::format("{}###FileBrowser", b.save ? t.save_title : t.open_title);
  if (!ImGui::Begin(title.c_str(), &b.open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  toolbar(b, assets_dir, t);
  recent_files(ui, commands, t);
  ImGui::Separator();
  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y;
  if (ImGui::BeginChild("entries", ImVec2(0, -footer), false)) {
    if (!b.error.empty()) wrapped_text(fmt::format(fmt::runtime(t.cannot_read), b.error));
    if (b.entries.empty() && b.error.empty()) ImGui::TextDisabled("%s", t.empty);
    const float kind_x = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 6;
    std::string enter;
    for (const BrowserEntry& e : b.entries) {
      const std::string label = e.dir ? fmt::format("[{}]  {}/", t.folder, e.name) : e.name;
      if (ImGui::Selectable(fmt::format("{}##{}", label, e.path).c_str(), e.path == b.selected,
                            ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.dir)
          enter = e.path;
        else if (b.save)
          b.save_name = e.name;
        else if ((b.selected = e.path), ImGui::IsMouseDoubleClicked(0))
          commands.post(RequestOpenFile{e.path}), b.open = false;
      }
      if (!e.dir) {
        ImGui::SameLine(kind_x);
        ImGui::TextDisabled("%s", t.kind[static_cast<int>(e.kind)]);
      }
    }
    if (!enter.empty()) go_to(b, enter);
  }
  ImGui::EndChild();
  ImGui::Separator();
  if (b.save) {
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 10);
    ImGui::InputText(t.name, &b.save_name);
    ImGui::BeginDisabled(b.save_name.empty());
    if (ImGui::Button(t.save))
      commands.post(RequestSaveWhatIf{(fs::path(b.dir) / b.save_name).string()}), b.open = false;
    ImGui::EndDisabled();
  } else {
    ImGui::TextDisabled("%s", b.selected.empty() ? t.pick : b.selected.c_str());
    ImGui::BeginDisabled(b.selected.empty());
    if (ImGui::Button(t.open)) commands.post(RequestOpenFile{b.selected}), b.open = false;
    ImGui::EndDisabled();
  }
  ImGui::SameLine();
  if (ImGui::Button(t.cancel)) b.open = false;
  ImGui::End();
}

void draw_recent_menu(UiState& ui, Commands& commands) {
  const Strings t = text(ui);
  if (!ImGui::BeginMenu(fmt::format("{}###Recent", t.recent).c_str(), !ui.settings.recent.empty())) return;
  drop_missing_recent(ui.settings);
  for (const std::string& path : ui.settings.recent)
    if (ImGui::MenuItem(fmt::format("{}##{}", fs::path(path).filename().string(), path).c_str()))
      commands.post(RequestOpenFile{path});
  ImGui::EndMenu();
}

}  // namespace deploysim::gui
