// The import picker and report windows. The picker lists every file (deployment files have no
// one extension: docker-compose.yml, api.yaml, shop.service, Caddyfile) and folders; a folder is
// imported whole or files and folders are ticked. The report groups the importer's entries by
// kind (errors, mapped, assumed, ignored), each with file:line, filtered by kind and by text.
#include "gui/widgets/import_window.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "gui/shell/import_files.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

namespace fs = std::filesystem;

void go_to(ImportPickerUi& p, const std::string& dir) {
  p.dir = fs::path(dir).lexically_normal().string();
  if (p.dir.size() > 1 && p.dir.back() == '/') p.dir.pop_back();
}

// Reads the folder once per visit: its folders, then its files, each by name (hidden ones left
// out, as the importer leaves them out of a folder it walks).
void list_dir(ImportPickerUi& p) {
  p.listed = p.dir;
  p.entries.clear();
  p.error.clear();
  std::error_code ec;
  for (fs::directory_iterator it(p.dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code e2;
    const bool dir = it->is_directory(e2);
    if (dir || it->is_regular_file(e2)) p.entries.push_back({name, it->path().string(), dir});
  }
  if (ec) p.error = ec.message();
  std::sort(p.entries.begin(), p.entries.end(), [](const ImportPickEntry& x, const ImportPickEntry& y) {
    return x.dir != y.dir ? x.dir : x.name < y.name;
  });
}

void draw_picker(UiState& ui, Commands& commands) {
  ImportPickerUi& p = ui.imported.picker;
  if (!p.open) return;
  if (p.listed != p.dir) list_dir(p);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.2f, vp->WorkPos.y + vp->WorkSize.y * 0.12f),
                          ImGuiCond_Appearing);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x * 0.6f, vp->WorkSize.y * 0.72f), ImGuiCond_Appearing);
  // A new layout (presenter mode, a reset) makes its panels anew, over every window: back on top.
  if (ui.reset_layout > 0) ImGui::SetNextWindowFocus();
  const std::string title =
      fmt::format("{}###ImportPicker", ui.tr(p.save ? "import_gui.save_title" : "import_gui.pick_title"));
  if (!ImGui::Begin(title.c_str(), &p.open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  if (ImGui::Button(ui.tr("import_gui.up").c_str())) go_to(p, fs::path(p.dir).parent_path().string());
  ImGui::SameLine();
  if (ImGui::Button(ui.tr("import_gui.home").c_str())) go_to(p, home_dir());
  ImGui::SameLine();
  // A folder typed or pasted (Enter goes there).
  std::string typed = p.dir;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##dir", &typed, ImGuiInputTextFlags_EnterReturnsTrue)) go_to(p, typed);
  if (!p.save) wrapped_text(ui.tr("import_gui.pick_hint"));
  ImGui::Separator();
  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y;
  std::string enter;
  if (ImGui::BeginChild("entries", ImVec2(0, -footer), false)) {
    if (!p.error.empty()) wrapped_text(ui.trf("import_gui.cannot_read", p.error));
    if (p.entries.empty() && p.error.empty()) ImGui::TextDisabled("%s", ui.tr("import_gui.empty").c_str());
    for (const ImportPickEntry& e : p.entries) {
      ImGui::PushID(e.path.c_str());
      if (!p.save) {
        bool ticked = p.checked.count(e.path) > 0;
        if (ImGui::Checkbox("##tick", &ticked)) {
          if (ticked)
            p.checked.insert(e.path);
          else
            p.checked.erase(e.path);
        }
        ImGui::SameLine();
      }
      const std::string label = e.dir ? fmt::format("[{}]  {}/", ui.tr("import_gui.folder"), e.name) : e.name;
      if (ImGui::Selectable(label.c_str(), false)) {
        if (e.dir)
          enter = e.path;
        else if (p.save)
          p.save_name = e.name;
        else if (!p.checked.erase(e.path))  // a click on a file's name ticks or unticks it
          p.checked.insert(e.path);
      }
      ImGui::PopID();
    }
  }
  ImGui::EndChild();
  if (!enter.empty()) go_to(p, enter);
  ImGui::Separator();
  if (p.save) {
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 10);
    ImGui::InputText(ui.tr("import_gui.file_name").c_str(), &p.save_name);
    ImGui::BeginDisabled(p.save_name.empty());
    if (ImGui::Button(ui.tr("import_gui.save").c_str()))
      commands.post(RequestSaveImported{(fs::path(p.dir) / p.save_name).string()}), p.open = false;
    ImGui::EndDisabled();
  } else {
    if (ImGui::Button(ui.tr("import_gui.import_folder").c_str())) commands.post(RequestImport{{p.dir}}), p.open = false;
    ImGui::SameLine();
    ImGui::BeginDisabled(p.checked.empty());
    if (ImGui::Button(ui.trf("import_gui.import_ticked", p.checked.size()).c_str()))
      commands.post(RequestImport{{p.checked.begin(), p.checked.end()}}), p.checked.clear(), p.open = false;
    ImGui::EndDisabled();
  }
  ImGui::SameLine();
  if (ImGui::Button(ui.tr("import_gui.cancel").c_str())) p.open = false;
  ImGui::End();
}

// A kind's name in the report, and its colour (errors red, assumptions amber: what to check).
const std::string& kind_label(const UiState& ui, ImportEntryKind k) {
  switch (k) {
    case ImportEntryKind::mapped:
      return ui.tr("import_gui.kind_mapped");
    case ImportEntryKind::assumed:
      return ui.tr("import_gui.kind_assumed");
    case ImportEntryKind::ignored:
      return ui.tr("import_gui.kind_ignored");
    case ImportEntryKind::error:
      break;
  }
  return ui.tr("import_gui.kind_error");
}

ImVec4 kind_colour(ImportEntryKind k) {
  switch (k) {
    case ImportEntryKind::error:
      return ImVec4(1.0f, 0.45f, 0.4f, 1);
    case ImportEntryKind::assumed:
      return ImVec4(0.95f, 0.75f, 0.3f, 1);
    case ImportEntryKind::ignored:
      return ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
    case ImportEntryKind::mapped:
      break;
  }
  return ImVec4(0.45f, 0.85f, 0.5f, 1);
}

bool matches(const ImportEntryUi& e, const std::string& filter) {
  return filter.empty() || e.where.find(filter) != std::string::npos || e.message.find(filter) != std::string::npos;
}

void report_group(UiState& ui, ImportEntryKind k) {
  const ImportUi& im = ui.imported;
  const size_t n = im.count(k);
  if (n == 0 || !im.show[static_cast<size_t>(k)]) return;
  const std::string header = fmt::format("{} ({})###group{}", kind_label(ui, k), n, static_cast<int>(k));
  ImGui::PushStyleColor(ImGuiCol_Text, kind_colour(k));
  const bool open = ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen);
  ImGui::PopStyleColor();
  if (!open) return;
  const std::string id = fmt::format("entries{}", static_cast<int>(k));
  if (!ImGui::BeginTable(id.c_str(), 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
  // The folder the user picked starts every row: the rest of the path and the line say enough.
  std::string folder = im.inputs.size() == 1 ? im.inputs.front() : std::string();
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  if (!folder.empty()) folder += '/';
  auto short_where = [&](const ImportEntryUi& e) {
    std::string where = e.where.empty() ? std::string("-") : e.where;
    return !folder.empty() && where.starts_with(folder) ? where.substr(folder.size()) : where;
  };
  float where_w = ImGui::GetFontSize() * 4;
  for (const ImportEntryUi& e : im.entries)
    if (e.kind == k) where_w = std::max(where_w, ImGui::CalcTextSize(short_where(e).c_str()).x);
  ImGui::TableSetupColumn("where", ImGuiTableColumnFlags_WidthFixed,
                          std::min(where_w + ImGui::GetFontSize(), ImGui::GetContentRegionAvail().x * 0.4f));
  ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
  for (const ImportEntryUi& e : im.entries) {
    if (e.kind != k || !matches(e, im.filter)) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", short_where(e).c_str());
    if (ImGui::IsItemHovered() && !e.where.empty()) ImGui::SetTooltip("%s", e.where.c_str());
    ImGui::TableNextColumn();
    rich_text(e.message);  // commands and keys in the messages are `code`, as in the lessons
  }
  ImGui::EndTable();
}

void draw_report(UiState& ui, Commands& commands) {
  ImportUi& im = ui.imported;
  if (!im.report_open || !im.done) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.15f, vp->WorkPos.y + vp->WorkSize.y * 0.08f),
                          ImGuiCond_Appearing);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x * 0.7f, vp->WorkSize.y * 0.84f), ImGuiCond_Appearing);
  if (ui.reset_layout > 0) ImGui::SetNextWindowFocus();  // over a new layout's panels, as above
  const std::string title = fmt::format("{}###ImportReport", ui.tr("import_gui.report_title"));
  if (!ImGui::Begin(title.c_str(), &im.report_open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  using K = ImportEntryKind;
  const std::string summary = im.ok ? ui.trf("import_gui.summary_ok", im.files.size(), im.count(K::mapped),
                                             im.count(K::assumed), im.count(K::ignored))
                                    : ui.trf("import_gui.summary_failed", im.count(K::error));
  ImGui::PushStyleColor(ImGuiCol_Text, im.ok ? ImGui::GetStyle().Colors[ImGuiCol_Text] : kind_colour(K::error));
  wrapped_text(summary);
  ImGui::PopStyleColor();
  std::string inputs;
  for (const std::string& p : im.inputs) inputs += (inputs.empty() ? "" : ", ") + p;
  ImGui::TextDisabled("%s", ui.trf("import_gui.inputs", inputs).c_str());
  ImGui::BeginDisabled(!im.ok);
  if (ImGui::Button(ui.tr("import_gui.save_as").c_str())) show_import_picker(ui, "", true, true);
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(ui.tr("import_gui.again").c_str())) commands.post(RequestImport{im.inputs});
  // The filter: a tick per kind (with its count) and a text field.
  ImGui::Separator();
  // What needs the user's eye comes first: errors, then what deploysim assumed or left out.
  for (const K k : {K::error, K::assumed, K::ignored, K::mapped}) {
    if (k == K::error && im.count(k) == 0) continue;  // nothing to filter
    const std::string label = fmt::format("{} ({})###show{}", kind_label(ui, k), im.count(k), static_cast<int>(k));
    ImGui::Checkbox(label.c_str(), &im.show[static_cast<size_t>(k)]);
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##filter", ui.tr("import_gui.filter_hint").c_str(), &im.filter);
  ImGui::Separator();
  if (ImGui::BeginChild("report", ImVec2(0, 0), false)) {
    for (const K k : {K::error, K::assumed, K::ignored, K::mapped}) report_group(ui, k);
    if (!im.files.empty() &&
        ImGui::CollapsingHeader(fmt::format("{} ({})###files", ui.tr("import_gui.files"), im.files.size()).c_str())) {
      for (const auto& [path, kind] : im.files) ImGui::BulletText("%s  (%s)", path.c_str(), kind.c_str());
    }
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace

void show_import_picker(UiState& ui, const std::string& dir, bool show, bool save) {
  ImportPickerUi& p = ui.imported.picker;
  p.open = show;
  p.save = save;
  if (!dir.empty())
    go_to(p, fs::absolute(dir).string());
  else if (p.dir.empty())
    go_to(p, fs::current_path().string());
  if (save && p.save_name.empty()) p.save_name = "imported.toml";
  p.listed.clear();  // read again: files may have changed since
}

void draw_import_menu(UiState& ui) {
  const std::string import_label = fmt::format("{}###Import", ui.tr("import_gui.menu_import"));
  if (!import_available()) {
    // The browser build has no importer: the item says where importing is.
    if (ImGui::BeginMenu(import_label.c_str())) {
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
      rich_text(ui.tr("import_gui.desktop_only"));
      ImGui::PopTextWrapPos();
      ImGui::EndMenu();
    }
    return;
  }
  if (ImGui::MenuItem(import_label.c_str())) show_import_picker(ui, "", true, false);
  const ImportUi& im = ui.imported;
  if (ImGui::MenuItem(ui.tr("import_gui.menu_report").c_str(), nullptr, false, im.done)) ui.imported.report_open = true;
  if (ImGui::MenuItem(ui.tr("import_gui.save_as").c_str(), nullptr, false, !im.scenario_text.empty()))
    show_import_picker(ui, "", true, true);
}

void draw_import_windows(UiState& ui, Commands& commands) {
  draw_report(ui, commands);
  draw_picker(ui, commands);
}

}  // namespace deploysim::gui
