// File > Import...: runs the importer in the window's process and keeps its report as plain data.
#include "gui/shell/import_files.hpp"

#include <filesystem>
#include <fstream>

#include "gui/shell/lesson_nav.hpp"
#include "gui/shell/settings.hpp"

#if DEPLOYSIM_WITH_IMPORT
#include "import/import.hpp"
#endif

namespace deploysim::gui {

bool import_available() {
#if DEPLOYSIM_WITH_IMPORT
  return true;
#else
  return false;
#endif
}

bool run_import(const std::vector<std::string>& paths, UiState& ui) {
  ImportUi& im = ui.imported;
  im.done = true;
  im.report_open = true;
  im.inputs = paths;
  im.entries.clear();
  im.files.clear();
  im.scenario_text.clear();
  im.ok = false;
#if DEPLOYSIM_WITH_IMPORT
  const std::vector<std::filesystem::path> in(paths.begin(), paths.end());
  import::ImportResult result = import::import_paths(in, ui.words);
  for (const import::ImportedFile& f : result.files) im.files.emplace_back(f.path, import::kind_name(f.kind));
  for (import::ReportEntry& e : result.report)
    im.entries.push_back({static_cast<ImportEntryKind>(e.kind), e.pos.file, e.pos.str(), std::move(e.message)});
  im.ok = result.ok() && !result.scenario_text.empty();
  if (!im.ok) {
    ui.status = ui.status_error = ui.tr("import_gui.failed_status");
    return false;
  }
  im.scenario_text = std::move(result.scenario_text);
  close_lesson(ui);  // the imported scenario replaces the lesson's
  ui.status = ui.trf("import_gui.imported_status", im.files.size());
  return true;
#else
  im.entries.push_back({ImportEntryKind::error, {}, {}, ui.tr("import_gui.desktop_only")});
  ui.status = ui.tr("import_gui.desktop_only");
  return false;
#endif
}

std::string save_imported(const std::string& path, UiState& ui) {
  if (ui.imported.scenario_text.empty()) return ui.tr("import_gui.nothing_to_save");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ui.imported.scenario_text;
  out.close();
  if (!out) return ui.trf("import_gui.cannot_write", path);
  add_recent(ui.settings, path);
  return ui.trf("import_gui.saved", path);
}

}  // namespace deploysim::gui
