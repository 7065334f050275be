// The web page around the window: the browser build's storage, downloads, file picker and
// messages to the page, through emscripten; on every other system the portable default (no page).
#include "gui/platform/page.hpp"

#include <filesystem>
#include <system_error>
#include <utility>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace deploysim::gui {

namespace {

std::vector<std::string>& chosen_files() {
  static std::vector<std::string> files;
  return files;
}

}  // namespace

#ifdef __EMSCRIPTEN__

// The EM_JS bodies are JavaScript, which clang-format would break (=== into == =).
// clang-format off
// localStorage keeps text by key: one key per file of the settings folder ("deploysim:NAME").
// Storage can be refused (private windows, quotas); the program then works without it.
EM_JS(void, js_restore_storage, (const char* dir), {
  var d = UTF8ToString(dir);
  try {
    FS.mkdirTree(d);
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf('deploysim:') == 0) FS.writeFile(d + '/' + k.substring(10), localStorage.getItem(k));
    }
  } catch (e) {
    console.warn('deploysim: the browser keeps no settings here: ' + e);
  }
});

EM_JS(void, js_keep_storage, (const char* dir), {
  var d = UTF8ToString(dir);
  try {
    FS.readdir(d).forEach(function(n) {
      var p = d + '/' + n;
      if (n == '.' || n == '..' || !FS.isFile(FS.stat(p).mode)) return;
      var text = FS.readFile(p, {encoding : 'utf8'});
      if (localStorage.getItem('deploysim:' + n) != text) localStorage.setItem('deploysim:' + n, text);
    });
  } catch (e) {}
});

EM_JS(int, js_offer_download, (const char* path, const char* name), {
  try {
    var blob = new Blob([FS.readFile(UTF8ToString(path))], {
      type:
        'application/octet-stream'
    });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString(name);
    document.body.appendChild(a);
    a.click();
    setTimeout(
        function() {
          URL.revokeObjectURL(a.href);
          a.remove();
        },
        1000);
    return 1;
  } catch (e) {
    console.warn('deploysim: the download failed: ' + e);
    return 0;
  }
});

// The picker's files are copied into the page's file system (/uploads), side by side, and handed
// to the program once all are there: a lesson chosen with its scenario finds it beside itself.
EM_JS(void, js_pick_file, (), {
  var input = document.createElement('input');
  input.type = 'file';
  input.accept = '.toml';
  input.multiple = true;
  input.onchange = function() {
    var files = Array.prototype.slice.call(input.files);
    if (!files.length) return;
    Promise.all(files.map(function(f) { return f.arrayBuffer(); })).then(function(bufs) {
      try {
        FS.mkdirTree('/uploads');
      } catch (e) {}
      var paths = files.map(function(f, i) {
        var p = '/uploads/' + f.name;
        FS.writeFile(p, new Uint8Array(bufs[i]));
        return p;
      });
      paths.forEach(function(p) {
        var n = lengthBytesUTF8(p) + 1;
        var s = _malloc(n);
        stringToUTF8(p, s, n);
        _deploysim_file_chosen(s);
        _free(s);
      });
    });
  };
  input.click();
});

EM_JS(void, js_first_frame, (), {
  console.log('deploysim: first frame at ' + performance.now().toFixed(0) + ' ms');
  if (Module['onFirstFrame']) Module['onFirstFrame']();
});

EM_JS(void, js_script_done, (int ok),
      { console.log(ok ? 'deploysim: script finished' : 'deploysim: script failed: a step above did not succeed'); });

// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void deploysim_file_chosen(const char* path) { chosen_files().emplace_back(path); }

bool in_browser() { return true; }
bool worker_threads() { return false; }
void restore_page_storage(const std::string& dir) { js_restore_storage(dir.c_str()); }
void keep_page_storage(const std::string& dir) { js_keep_storage(dir.c_str()); }
bool offer_download(const std::string& path, const std::string& name) {
  return js_offer_download(path.c_str(), name.c_str()) != 0;
}
void pick_file_from_disk() { js_pick_file(); }
void page_first_frame() { js_first_frame(); }
void page_script_done(bool ok) { js_script_done(ok ? 1 : 0); }

std::string user_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path here = fs::current_path(ec);  // /uploads (web/index.html)
  const fs::path p = fs::path(path).lexically_normal();
  if (ec || !p.is_absolute()) return path;
  if (p.parent_path() == "/.glfw_dropped_files") {
    // GLFW names each drop's files by their names in this one folder: all of it came together.
    std::vector<fs::path> dropped;  // listed first: the moves change the folder
    for (const fs::directory_entry& e : fs::directory_iterator(p.parent_path(), ec)) dropped.push_back(e.path());
    for (const fs::path& f : dropped) fs::rename(f, here / f.filename(), ec);
    return p.filename().string();
  }
  return p.parent_path() == here ? p.filename().string() : path;
}

#else

bool in_browser() { return false; }
bool worker_threads() { return true; }
void restore_page_storage(const std::string&) {}
void keep_page_storage(const std::string&) {}
bool offer_download(const std::string&, const std::string&) { return false; }
void pick_file_from_disk() {}
void page_first_frame() {}
void page_script_done(bool) {}
std::string user_file(const std::string& path) { return path; }

#endif

std::vector<std::string> take_chosen_files() { return std::exchange(chosen_files(), {}); }

}  // namespace deploysim::gui
