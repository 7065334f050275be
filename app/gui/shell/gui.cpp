// The GUI loop in the shape of Dear ImGui's example_glfw_opengl3 (the window calls are in
// gui/platform): set-up, "our state", the loop
// (poll, NewFrame, draw, apply commands, Render, swap), clean-up in reverse.
#include "gui/shell/gui.hpp"

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include "gui/shell/dev_fixture.hpp"
#include "gui/shell/frame.hpp"
#include "gui/shell/import_files.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/shell/navigation.hpp"
#include "gui/shell/open_file.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/platform/page.hpp"
#include "gui/platform/platform.hpp"
#include "gui/shell/script.hpp"
#include "gui/shell/settings.hpp"
#include "gui/shell/shortcuts.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/widgets/tls_bytes.hpp"

namespace deploysim::gui {

namespace {

// Of files that arrive together (dropped, or chosen in the browser's picker), the one to open: a
// lesson (its scenario among the others is found beside it), else an exercise, else the first.
std::string file_to_open(const std::vector<std::string>& files) {
  if (files.size() == 1) return files.front();  // open_file tells its kind itself
  for (const std::string& f : files)
    if (is_lesson_file(f)) return f;
  for (const std::string& f : files)
    if (is_exercise_file(f)) return f;
  return files.front();
}

std::string default_screenshot_name() {
  const std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "deploysim-%Y%m%d-%H%M%S.png", std::localtime(&now));
  return buf;
}

std::optional<std::vector<ScriptLine>> read_script(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s:0:0: cannot open the script file\n", path.c_str());
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<ScriptLine> lines;
  if (auto err = parse_script(text.str(), path, lines)) {
    std::fprintf(stderr, "%s\n", err->to_string().c_str());
    return std::nullopt;
  }
  return lines;
}

// A new run arrived: keep the playhead's time for what-if changes, start over for a new file.
void on_arrival(const Session::Arrival& a, const Session& session, UiState& ui, Commands& commands) {
  if (a.note) ui.status = a.note(ui.words);  // a bounded trace, a cancelled run
  // A file that did not load: said where a class sees it, not only in the Scenario tab.
  if (a.failed) ui.status = ui.status_error = session.error_text(ui.words);
  const bool lesson_waiting = current_lesson(ui) && !ui.lesson.loaded;
  lesson_arrival(a, ui);
  // A lesson `check` refuses (a step target or an answer that reads nothing in this run) is not
  // played: its steps would show one thing and say another.
  if (lesson_waiting && ui.lesson.loaded) refuse_broken_lesson(session.model(), ui, commands);
  if (!a.model) return;
  const Model& m = session.model();
  ui.settings.last_scenario = session.path();
  if (!a.path.empty() && !current_lesson(ui)) add_recent(ui.settings, a.path);
  ui.whatif_edits.clear();
  if (a.keep_time) {
    ui.t_ns = std::min(ui.t_ns, m.index.end_ns);
    select_at_playhead(m, ui);
  } else {
    ui.t_ns = 0;
    ui.selected = RecordId::none;
    ui.playing = false;
    ui.view_t0 = ui.view_t1 = 0;
  }
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every Hangul character of what the user has loaded reaches the font atlas (theme.hpp's
// add_korean_text), not only the assets': the open scenarios, the lesson and exercise files, the
// import's report, the names in the file pickers, the recent files, the errors and the status.
// The texts in memory are looked at every frame (a few kilobytes; a known character costs a bit
// test); the lesson and exercise files are read again only when their lists or the open lesson's
// file change (`seen` holds what they were).
void note_loaded_text(const Session& session, const UiState& ui, Fonts& fonts, std::string& seen) {
  const auto add = [&](std::string_view text) { add_korean_text(fonts, text); };
  add(session.model().scenario.source_text);
  if (const Model* c = session.compare_model()) add(c->scenario.source_text);
  for (const std::string* s : {&session.path(), &session.error(), &ui.status, &ui.settings.last_scenario,
                               &ui.lesson.error, &ui.exercise.error, &ui.exercise.refused, &ui.files.lesson_error,
                               &ui.files.browser.dir, &ui.imported.picker.dir, &ui.imported.scenario_text})
    add(*s);
  for (const std::string& s : ui.settings.recent) add(s);
  for (const BrowserEntry& e : ui.files.browser.entries) add(e.name);
  for (const ImportPickEntry& e : ui.imported.picker.entries) add(e.name);
  for (const std::string& s : ui.imported.inputs) add(s);
  for (const auto& [file, kind] : ui.imported.files) add(file), add(kind);
  for (const ImportEntryUi& e : ui.imported.entries) add(e.file), add(e.where), add(e.message);
  const std::string files =
      fmt::format("{} {} {} {} {} {}", ui.lesson.list.size(), ui.lesson.current, ui.files.lesson_file,
                  ui.files.lesson_mtime.time_since_epoch().count(), ui.exercise.list.size(),
                  ui.exercise.opened ? ui.exercise.opened->source_path : std::string());
  if (files == seen) return;
  seen = files;
  for (const Lesson& l : ui.lesson.list) add(l.source_path), add(file_text(l.source_path));
  for (const Exercise& e : ui.exercise.list) add(e.source_path), add(file_text(e.source_path));
  if (ui.exercise.opened) add(ui.exercise.opened->source_path), add(file_text(ui.exercise.opened->source_path));
}

// A problem the user should know of: in the status line, and on stderr.
void report(UiState& ui, const std::string& problem) {
  if (problem.empty()) return;
  ui.status = ui.status_error = problem;
  std::fprintf(stderr, "deploysim: %s\n", problem.c_str());
}

// Keeps ui.words in the chosen language (the first call also lists the catalogues); a language
// without a catalogue reads in English and says so.
void keep_words(UiState& ui) {
  if (ui.languages.empty())
    for (const std::string& code : Messages::languages())
      ui.languages.emplace_back(code, Messages::language_name(code));
  if (ui.words_lang == ui.settings.language) return;
  ui.words_lang = ui.settings.language;
  std::string error;
  auto m = Messages::load(ui.settings.language, &error);
  if (!m) {
    report(ui, error);
    m = Messages::load("en", &error);
  }
  if (m) ui.words = std::move(*m);
  ui.canvas_words = canvas_words(ui.words);
}

// Applies the commands panels, keys and the script posted during the frame.
void apply_commands(Session& session, UiState& ui, Commands& commands, Platform& platform, std::string& screenshot) {
  std::vector<Command> queue;
  queue.swap(commands.queue);
  for (const Command& c : queue) {
    if (apply_navigation(c, session.model(), ui)) continue;
    if (const auto* o = std::get_if<RequestOpen>(&c); o && in_flight_path(o->path))
      session.show(in_flight_fixture(*in_flight_path(o->path))),
          on_arrival({.model = true, .path = o->path}, session, ui, commands);
    else if (const auto* o = std::get_if<RequestOpen>(&c))
      session.open(o->path, o->variant, o->overrides);
    else if (const auto* f = std::get_if<RequestOpenFile>(&c))
      report(ui, open_file(f->path, ui, commands));
    else if (const auto* im = std::get_if<RequestImport>(&c)) {
      if (run_import(im->paths, ui)) session.open_text(ui.imported.scenario_text, imported_scenario_label);
    } else if (const auto* si = std::get_if<RequestSaveImported>(&c))
      ui.status = save_imported(si->path, ui);
    else if (const auto* w = std::get_if<RequestSaveWhatIf>(&c)) {
      std::error_code ec;
      if (in_browser()) std::filesystem::create_directories(std::filesystem::path(w->path).parent_path(), ec);
      ui.status = save_whatif(session, w->path, ui);
      // In a browser the file goes on to the user's downloads.
      if (in_browser() && std::filesystem::is_regular_file(w->path, ec))
        offer_download(w->path, std::filesystem::path(w->path).filename().string());
    } else if (const auto* sc = std::get_if<RequestSaveCapture>(&c)) {
      // The desktop writes into the working directory (as screenshots); a page, to the downloads.
      std::error_code ec;
      const std::string dir = in_browser() ? "/downloads" : ".";
      if (in_browser()) std::filesystem::create_directories(dir, ec);
      const CaptureFiles f = save_capture(session.model(), sc->id, dir, sc->keylog_only, ui.words);
      // A page names the file as it arrives in the user's downloads, not by its own folder.
      const std::string shown = in_browser() ? std::filesystem::path(f.path).filename().string() : f.path;
      ui.status = f.error.empty() ? ui.trf(sc->keylog_only ? "status.keylog_saved" : "status.capture_saved", shown)
                                  : ui.trf("status.capture_failed", f.error);
      if (in_browser() && !f.path.empty()) offer_download(f.path, std::filesystem::path(f.path).filename().string());
    } else if (std::get_if<RequestReload>(&c))
      session.reload();
    else if (const auto* p = std::get_if<RequestSetParam>(&c))
      session.set_param(p->path, p->value);
    else if (const auto* v = std::get_if<RequestCompare>(&c))
      session.compare(v->variant);
    else if (const auto* s = std::get_if<RequestScreenshot>(&c))
      screenshot = s->path.empty() ? default_screenshot_name() : s->path;
    else if (std::get_if<RequestFullscreen>(&c))
      toggle_fullscreen(platform), ui.reset_layout = 2;
    else if (std::get_if<RequestQuit>(&c))
      request_close(platform);
    else if (std::get_if<RequestCancel>(&c))
      session.cancel();
  }
}

// The rectangle of a panel's window in pixels (`capture`): the panel's name ("Topology", "Sequence")
// in the current mode; {} for "" or a window not drawn (then the whole frame is written).
ScreenRect window_rect(const std::string& name, Layout layout) {
  if (name.empty()) return {};
  const std::string prefix = layout_prefix(layout);
  for (const std::string& id : {"###" + prefix + name, prefix + name})
    if (const ImGuiWindow* w = ImGui::FindWindowByName(id.c_str()); w && w->Active)
      return {static_cast<int>(w->Pos.x), static_cast<int>(w->Pos.y), static_cast<int>(w->Size.x),
              static_cast<int>(w->Size.y)};
  return {};
}

// The scenario a bare `deploysim` opens: basic-https when shipped, else the first by name.
std::string first_scenario(const std::string& assets) {
  const std::string preferred = assets + "/scenarios/basic-https.toml";
  std::error_code ec;
  if (std::filesystem::exists(preferred, ec)) return preferred;
  std::vector<std::string> all;
  for (const auto& e : std::filesystem::directory_iterator(assets + "/scenarios", ec))
    if (e.path().extension() == ".toml") all.push_back(e.path().string());
  std::sort(all.begin(), all.end());
  return all.empty() ? std::string() : all.front();
}

}  // namespace

namespace {

// One run of the window: everything the loop keeps between frames, on the heap, because in a
// browser the page calls frame() after run_gui has returned to it.
struct GuiRun {
  GuiOptions options;
  bool interactive = false;
  std::string cfg;
  bool timing = false;
  std::string assets = assets_dir();
  Platform platform;
  Session session;
  UiState ui;
  Commands commands;
  Narrators narrators{assets};
  Fonts fonts;
  std::optional<ScriptRunner> script;
  bool applied_presenter = false;
  float applied_scale = 0;
  std::string texts_seen;  ///< note_loaded_text(): the lesson and exercise files last read.
  bool ok = true;
  bool timing_done = false;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  GuiResult result = GuiResult::ok;

  // Our state, the first scenario's simulation and the font atlas (needs no window).
  void prepare(bool scripted);
  // One frame; false after the last one.
  bool frame();
  // Saves what the learner chose (settings, progress, window layout).
  void save();
  // Clean-up after the last frame.
  void finish();
};

void GuiRun::prepare(bool scripted) {
  std::string settings_problem;
  if (!cfg.empty()) {
    restore_page_storage(cfg);
    LoadedSettings loaded = load_settings(cfg);
    ui.settings = std::move(loaded.settings);
    settings_problem = std::move(loaded.problem);
  }
  // The language: --lang, else the learner's choice in the settings, else the system's (LANG).
  if (options.lang.empty() && ui.settings.language.empty()) ui.language_auto = Messages::system_language();
  ui.settings.language = choose_language(options.lang, ui.settings.language);
  launch_stamp("settings");
  keep_words(ui);
  launch_stamp("words");
  report(ui, ui.words.error(settings_problem));  // in the language just chosen
  std::string first = options.scenario;
  // No file: the first lesson (else the last scenario). A file opens as what it holds: a lesson
  // on its first step, a scenario, an exercise.
  const int lesson = scripted || !first.empty() ? -1 : find_lesson(ui, "01") >= 0 ? 0 : -1;
  launch_stamp("course");
  if (lesson >= 0)
    open_lesson(ui, commands, lesson);
  else if (first.empty() && !scripted)
    first = ui.settings.last_scenario.empty() ? first_scenario(assets) : ui.settings.last_scenario;
  if (const auto n = in_flight_path(first)) session.show(in_flight_fixture(*n)), first.clear();
  if (!first.empty()) report(ui, open_file(first, ui, commands));
  std::string no_screenshot;
  apply_commands(session, ui, commands, platform, no_screenshot);  // the lesson's open (needs no window)
  launch_stamp("open");
  narrators.get(ui.settings.language);  // read now rather than in the first frame
  launch_stamp("state");
  // The font atlas is built once, with Hangul when Korean is on (and the Hangul of the file opened).
  load_fonts(fonts);
  note_loaded_text(session, ui, fonts, texts_seen);
  report(ui, ensure_language_fonts(fonts, ui.settings.language, assets));
  compat::build_font_atlas();
  launch_stamp("fonts");
}

bool GuiRun::frame() {
  poll_events();
  const WindowSize now_size = window_size(platform);
  ui.window_w = now_size.w, ui.window_h = now_size.h;
  const auto now = std::chrono::steady_clock::now();
  const double dt = std::chrono::duration<double>(now - last).count();
  last = now;
  ui.fps_ms = ui.fps_ms * 0.9 + dt * 1000.0 * 0.1;
  on_arrival(session.poll(), session, ui, commands);
  if (interactive) watch_open_files(session, ui, commands, false);
  std::vector<std::string> dropped = take_drops(platform);
  for (std::string& chosen : take_chosen_files()) dropped.push_back(std::move(chosen));
  if (!dropped.empty()) commands.post(RequestOpenFile{file_to_open(dropped)});
  keep_words(ui);
  note_loaded_text(session, ui, fonts, texts_seen);
  report(ui, ensure_language_fonts(fonts, ui.settings.language, assets));
  if (applied_presenter != ui.settings.presenter || applied_scale != ui.settings.font_scale) {
    apply_style(ui.settings.presenter, ui.settings.font_scale, fonts);
    if (applied_presenter != ui.settings.presenter && ui.frame > 0)
      ui.reset_layout = 2;  // place windows with the new font's sizes
    applied_presenter = ui.settings.presenter;
    applied_scale = ui.settings.font_scale;
  }
  ScriptFrame sf;
  if (script) {
    sf = script->tick(session, ui, commands);
    ok = ok && script->error().empty();
  }
  for (std::string& path : sf.drop) push_drop(platform, std::move(path));
  if (sf.watch) watch_open_files(session, ui, commands, true);

  begin_frame();
  if (timing && !timing_done) launch_stamp("newframe");
  poll_keys(ui, static_cast<double>(session.model().index.end_ns) / 1e9, commands);
  if (ImGui::GetIO().KeyCtrl && compat::key_pressed(compat::KeyName::q, false)) commands.post(RequestQuit{});
  if (ImGui::GetIO().KeyCtrl && compat::key_pressed(compat::KeyName::o, false)) show_file_browser(ui, "", true, false);
  draw_frame(session, fonts, assets, narrators.get(ui.settings.language), ui, commands);
  if (timing && !timing_done) launch_stamp("draw");
  std::string screenshot = sf.screenshot;
  apply_commands(session, ui, commands, platform, screenshot);
  advance_playback(script ? 1.0 / 60.0 : dt, session.model(), ui);

  render_frame(platform);
  if (timing && !timing_done) launch_stamp("render");
  ++ui.frame;
  const bool last_frame = sf.quit || (options.frames && ui.frame >= *options.frames);
  if (last_frame && !options.screenshot.empty()) screenshot = options.screenshot;
  if (!screenshot.empty()) {
    const bool written = write_screenshot(platform, screenshot, window_rect(sf.window, ui.layout));
    ok = ok && written;
    ui.status = ui.trf(written ? "status.screenshot_written" : "status.screenshot_failed", screenshot);
    // The script driver's line stays as tests read it, whatever the window's language.
    if (script && !options.quiet)
      std::printf("%s\n", (written ? "screenshot written: " + screenshot : "could not write " + screenshot).c_str());
    // In a browser the picture goes to the user's downloads (a script's stay in the page for its test).
    if (written && !script) offer_download(screenshot, std::filesystem::path(screenshot).filename().string());
  }
  present(platform);
  if (ui.frame == 1) page_first_frame();
  if (timing && !timing_done && !session.model().index.nodes.empty()) {
    // CLOCK_MONOTONIC stamps, so that a launcher (bench_frame) measures from its own clock.
    launch_stamp("first frame");
    std::fprintf(stderr, "timing: simulation %.0f ms (in parallel with the window); monotonic ms: %s\n",
                 session.model().build_seconds * 1e3, launch_stamps().c_str());
    timing_done = true;
  }
  // A page is never quit: it keeps the learner's choices as they are made (a reload half a
  // second after a choice keeps it; unchanged files are not written to the browser's storage).
  if (in_browser() && ui.frame % 30 == 0) save();
  return !last_frame;
}

void GuiRun::save() {
  if (cfg.empty()) return;
  ImGui::SaveIniSettingsToDisk(platform.ini_path.c_str());
  Settings saved = ui.settings;
  if (saved.language == ui.language_auto) saved.language.clear();  // the system's, not a choice
  save_settings(cfg, saved);
  keep_page_storage(cfg);
}

void GuiRun::finish() {
  save();
  session.wait_idle();
  // A page keeps its canvas, with the last frame on it, after a scripted session.
  if (!in_browser()) close_platform(platform);
  result = ok ? GuiResult::ok : GuiResult::failed;
  if (script) page_script_done(ok);
}

}  // namespace

GuiResult run_gui(const GuiOptions& options) {
  // Set-up. Test runs (--frames, --script) never read or write the user's settings, unless a
  // script plays a learner (--keep-settings).
  // The run lives on the heap and, in a browser, for as long as the page (see run_frames).
  auto owned = std::make_unique<GuiRun>();
  GuiRun& run = *owned;
  run.options = options;
  run.interactive = !options.frames && options.script.empty();
  std::optional<std::vector<ScriptLine>> script_lines;
  if (!options.script.empty() && !(script_lines = read_script(options.script))) return GuiResult::bad_input;
  run.cfg = run.interactive || options.keep_settings ? config_dir() : std::string();
  if (!run.cfg.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(run.cfg, ec);
  }
  // DEPLOYSIM_TIMING=1: print where the time to the first frame of the first scenario goes.
  run.timing = std::getenv("DEPLOYSIM_TIMING") != nullptr;
  launch_stamp("main");
  // glfwInit sets LC_CTYPE from the environment when it is "C"; set it first, before the
  // preparing thread reads text, so that no thread changes the locale while another uses it.
  if (const char* ctype = std::setlocale(LC_CTYPE, nullptr); ctype && std::strcmp(ctype, "C") == 0)
    std::setlocale(LC_CTYPE, "");
  create_ui_context();
  // Opening the window and its GL context (GLFW wants the main thread) is most of the time to
  // the first frame, so our state, the first scenario's simulation and the font atlas are
  // prepared on another thread meanwhile. Neither side touches what the other does until join.
  // Without worker threads (a browser) they are prepared first.
  const bool scripted = script_lines.has_value();
  std::thread prepare;
  if (worker_threads())
    prepare = std::thread([&run, scripted] { run.prepare(scripted); });
  else
    run.prepare(scripted);
  const bool display = init_platform();
  WindowSize work, fit;
  if (display) work = primary_work_area(), fit = fit_window(work, !run.interactive);
  const int width = options.width > 0 ? options.width : fit.w, height = options.height > 0 ? options.height : fit.h;
  const bool window = display && open_window(run.platform, width, height, run.interactive);
  if (prepare.joinable()) prepare.join();
  run.ui.screen_w = work.w, run.ui.screen_h = work.h;
  if (script_lines) run.script.emplace(std::move(*script_lines), options.quiet ? nullptr : stdout);
  if (!window) {
    run.session.cancel();
    close_platform(run.platform);
    return GuiResult::no_display;
  }
  start_renderer(run.platform, run.cfg.empty() ? "" : run.cfg + "/imgui.ini");
  if (options.frames)
    on_arrival(run.session.wait_idle(), run.session, run.ui, run.commands);  // a --frames shot shows the run
  run.applied_presenter = !run.ui.settings.presenter;

  // The loop. Only the desktop comes back here; the page keeps the run until it closes.
  std::shared_ptr<GuiRun> shared = std::move(owned);
  run_frames(
      run.platform, [shared] { return shared->frame(); }, [shared] { shared->finish(); });
  return run.result;
}

}  // namespace deploysim::gui
