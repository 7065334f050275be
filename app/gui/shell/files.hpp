#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "deploysim/file_kind.hpp"

namespace deploysim::gui {

/// One row of the file browser: a directory or a .toml file with what it holds.
struct BrowserEntry {
  std::string name;                    ///< File or directory name.
  std::string path;                    ///< Full path.
  bool dir = false;                    ///< A directory (click enters it).
  FileKind kind = FileKind::scenario;  ///< For files: told by content.
};

/// The file browser window (widgets/file_browser.cpp): open any file, or save the what-if.
struct FileBrowserUi {
  bool open = false;                  ///< The window is shown.
  bool save = false;                  ///< Save mode: a name field and Save instead of Open.
  std::string dir;                    ///< The directory shown.
  std::string listed;                 ///< The directory `entries` were read from.
  std::vector<BrowserEntry> entries;  ///< Directories first, then .toml files, by name.
  std::string selected;               ///< Path of the highlighted file.
  std::string save_name;              ///< Save mode: the file name typed.
  std::string error;                  ///< The directory could not be read.
};

/// Files the window has open and watches, the browser, and the drops of this frame.
struct FilesUi {
  FileBrowserUi browser;                                      ///< The file browser window.
  std::string lesson_file;                                    ///< The open lesson's file ("" = none).
  std::filesystem::file_time_type lesson_mtime{};             ///< Its modification time when read.
  std::uintmax_t lesson_size = 0;                             ///< Its size when read.
  std::chrono::steady_clock::time_point last_lesson_watch{};  ///< Last check (at most one a second).
  std::string lesson_error;  ///< A broken edit of the lesson file (file:line:column); the old lesson stays.
};

}  // namespace deploysim::gui
