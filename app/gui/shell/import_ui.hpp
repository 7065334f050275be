#pragma once
// What the window keeps of File > Import... (issue #20): the picker, and the last import's report
// as plain data (the importer's own types stay in app/import, which the browser build lacks).
#include <array>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace deploysim::gui {

/// How a report entry came about (import::EntryKind's order).
enum class ImportEntryKind { mapped, assumed, ignored, error };
/// How many entry kinds there are.
constexpr size_t import_entry_kinds = 4;

/// One line of the import report.
struct ImportEntryUi {
  ImportEntryKind kind = ImportEntryKind::mapped;
  std::string file;     ///< The file it is about ("" when none).
  std::string where;    ///< file:line[:col], as the CLI prints it.
  std::string message;  ///< What was mapped, assumed, ignored or wrong (in the language of the import).
};

/// One row of the picker: a folder or a file.
struct ImportPickEntry {
  std::string name;  ///< File or folder name.
  std::string path;  ///< Full path.
  bool dir = false;  ///< A folder (a click on its name enters it).
};

/// The picker window: folders and files to import (any file: a team names its files as it likes),
/// or, in save mode, where to write the imported scenario.
struct ImportPickerUi {
  bool open = false;                     ///< The window is shown.
  bool save = false;                     ///< Save mode: a name field and Save.
  std::string dir;                       ///< The folder shown.
  std::string listed;                    ///< The folder `entries` were read from.
  std::vector<ImportPickEntry> entries;  ///< Folders first, then files, by name.
  std::set<std::string> checked;         ///< Paths ticked for import (files or folders).
  std::string save_name;                 ///< Save mode: the file name typed.
  std::string error;                     ///< The folder could not be read.
};

/// The last import and its report window.
struct ImportUi {
  ImportPickerUi picker;                                              ///< File > Import... and Save scenario as...
  bool report_open = false;                                           ///< The report window is shown.
  bool done = false;                                                  ///< An import has run (the report holds it).
  bool ok = false;                                                    ///< It made a scenario (no error entry).
  std::vector<std::string> inputs;                                    ///< The paths imported.
  std::vector<std::pair<std::string, std::string>> files;             ///< Every file looked at and its kind.
  std::vector<ImportEntryUi> entries;                                 ///< The report, in the order found.
  std::string scenario_text;                                          ///< The scenario made ("" on error).
  std::array<bool, import_entry_kinds> show{true, true, true, true};  ///< The report's kind filter.
  std::string filter;  ///< The report's text filter (file or message contains it).
  /// How many entries of a kind the report holds.
  size_t count(ImportEntryKind k) const {
    size_t n = 0;
    for (const ImportEntryUi& e : entries) n += e.kind == k ? 1 : 0;
    return n;
  }
};

}  // namespace deploysim::gui
