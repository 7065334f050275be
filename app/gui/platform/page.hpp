#pragma once
#include <string>
#include <vector>

namespace deploysim::gui {

// The web page around the window in the browser build; on the desktop these do nothing and say
// so (in_browser() false), so the GUI code calls them without #ifs.

/// Whether this build runs in a web browser (emscripten).
bool in_browser();
/// Whether jobs may run on worker threads. The browser build has none (no pthreads: a page
/// would need cross-origin isolation headers that a plain static server does not send), so
/// simulations run on the main thread there; the shipped scenarios take under 50 ms.
bool worker_threads();
/// Browser: fills `dir` with the files the browser's storage keeps for it (settings and
/// progress of earlier visits). Call before reading the settings.
void restore_page_storage(const std::string& dir);
/// Browser: copies the files of `dir` that changed into the browser's storage.
void keep_page_storage(const std::string& dir);
/// Browser: offers the file at `path` as a download named `name` (the user's Downloads folder).
/// False on the desktop, where files are written where the user chose.
bool offer_download(const std::string& path, const std::string& name);
/// Browser: opens the browser's file picker; the chosen file arrives in take_chosen_files().
void pick_file_from_disk();
/// Files the user chose with the picker since the last call (paths in the page's file system).
std::vector<std::string> take_chosen_files();
/// The name to open a file the user brought by, so that messages name it as the user knows it
/// (`our-api.toml:4:12: ...`), not by the page's own folders. Browser: the user's files live in
/// the page's working directory (/uploads, where the picker puts them); a dropped file, which
/// emscripten's GLFW writes to /.glfw_dropped_files, moves there with the files dropped with it
/// (a lesson finds its scenario beside it); either is named relative to it. Desktop: `path`.
std::string user_file(const std::string& path);
/// Browser: tells the page (and a test driving it) that the first frame is on screen.
void page_first_frame();
/// Browser: tells the page that a scripted session ended, and how.
void page_script_done(bool ok);

}  // namespace deploysim::gui
