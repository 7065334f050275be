#include "gui/shell/script.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <imgui_internal.h>

#include "deploysim/estimate.hpp"

#include "gui/platform/imgui_compat.hpp"
#include "gui/shell/gui.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/shell/open_file.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/widgets/lessons.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/widgets/import_window.hpp"
#include "gui/widgets/tls_bytes.hpp"

namespace deploysim::gui {

namespace {

constexpr const char* verbs =
    "open FILE, step N, seek TIME, select SEQ, set KEY VALUE, frames N, screenshot OUT.png, state, peek [OUT.png], "
    "await_progress, "
    "play, "
    "pause, speed X, key NAME, compare VARIANT, presenter on|off, inspect FIELD, lesson NAME|next|back|off|answer "
    "X|reveal, language en|ko, window NAME X Y W H, capture WINDOW OUT.png, exercise ID|check, reload, drop FILE..., "
    "browse DIR|off, browse_save DIR, save_whatif FILE, save_capture [keylog], copy FROM TO, watch, tab PANEL, cancel, "
    "import PATH..., import_browse DIR|off, save_import FILE, quit";

bool parse_int(std::string_view s, int64_t& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string detail_value(const Trace& trace, const Field& f) {
  switch (f.type) {
    case FieldType::string:
      return std::string(trace.str(static_cast<Sym>(f.value)));
    case FieldType::time:
      return fmt::format("{}ns", f.value);
    case FieldType::boolean:
      return f.value ? "true" : "false";
    case FieldType::integer:
      break;
  }
  return std::to_string(f.value);
}

// A value inside "..." on the state line: double quotes become single ones, newlines spaces.
std::string quoted(std::string s) {
  for (char& c : s)
    if (c == '"')
      c = '\'';
    else if (c == '\n')
      c = ' ';
  return s;
}

// `lesson answer X`: picks choice X (1 = the first) of a choice question, or types X.
void answer_question(UiState& ui, const std::string& value) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson_asking(ui)) {
    ui.status = "no question is waiting for an answer";
    return;
  }
  QuestionUi& q = ui.lesson.questions[ui.lesson.step];
  const Question& question = *lesson->steps[static_cast<size_t>(ui.lesson.step)].question;
  char* end = nullptr;
  const double x = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0') {
    ui.status = "'lesson answer' expects a number, got '" + value + "'";
    return;
  }
  if (question.type == QuestionType::number)
    q.number = x;
  else if (x >= 1 && x <= static_cast<double>(question.choices.size()))
    q.choice = static_cast<int>(x) - 1;
  else
    ui.status = fmt::format("choice {} does not exist (1 to {})", value, question.choices.size());
}

// `lesson NAME|FILE|next|...`; returns what went wrong ("" when nothing did). A lesson that is not
// shipped opens from its file, as a dropped one does.
std::string run_lesson_command(const ScriptLine& l, UiState& ui, Commands& commands) {
  if (l.arg == "next")
    go_to_step(ui, ui.lesson.step + 1);
  else if (l.arg == "back")
    go_to_step(ui, ui.lesson.step - 1);
  else if (l.arg == "off")
    close_lesson(ui);
  else if (l.arg == "reveal")
    reveal_answer(ui);
  else if (l.arg == "answer")
    answer_question(ui, l.value);
  else if (const int i = find_lesson(ui, l.arg); i >= 0)
    open_lesson(ui, commands, i);
  else if (std::error_code ec; std::filesystem::is_regular_file(l.arg, ec) && is_lesson_file(l.arg))
    return open_file(l.arg, ui, commands);
  else
    return ui.status = "no lesson matches '" + l.arg + "' (a shipped lesson's id or a lesson file)";
  return {};
}

// What the inspector shows of the real TLS message: its name and size, the decoded fields a
// learner looks for, and the lit field with its byte range.
std::string inspector_state(const TlsBytes& b, const UiState& ui) {
  if (b.raw.empty()) return " inspector.message=none";
  std::string out = fmt::format(" inspector.message={} inspector.bytes={}", b.message, b.raw.size());
  const ByteField* sni = b.find("server_name");
  if (b.message == "ClientHello") out += fmt::format(" inspector.sni={}", sni ? sni->value : "none");
  for (const char* name : {"alpn", "supported_versions", "key_share", "cipher_suite", "certificate[0].subject",
                           "certificate[0].san", "certificate[0].not_after", "description"})
    if (const ByteField* f = b.find(name)) out += fmt::format(" inspector.{}=\"{}\"", name, f->value);
  if (!b.source.empty()) out += fmt::format(" inspector.source=\"{}\"", b.source);
  if (const ByteField* lit = b.find(ui.hex_pinned))
    out += fmt::format(" inspector.lit={} inspector.lit_bytes={}..{}", lit->name, lit->offset,
                       lit->offset + lit->length - 1);
  return out;
}

// Whether a window is drawn over every other window on the screen (menus, popups and tooltips
// aside): "1", else "0".
const char* in_front(const char* name) {
  const ImGuiWindow* w = ImGui::FindWindowByName(name);
  if (!w || !w->WasActive) return "0";
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  bool after = false;
  for (const ImGuiWindow* o : g.Windows) {  // back to front
    if (o == w) {
      after = true;
      continue;
    }
    const ImGuiWindowFlags skip = ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup |
                                  ImGuiWindowFlags_ChildMenu | ImGuiWindowFlags_MenuBar;
    if (after && o->WasActive && !(o->Flags & skip)) return "0";
  }
  return "1";
}

// File > Import...: the last import's outcome and report counts, its first error, and the windows.
std::string import_state(const UiState& ui) {
  const ImportUi& im = ui.imported;
  std::string out;
  if (im.done) {
    using K = ImportEntryKind;
    out +=
        fmt::format(" import={} import_files={} import_mapped={} import_assumed={} import_ignored={} import_errors={}",
                    im.ok ? "ok" : "failed", im.files.size(), im.count(K::mapped), im.count(K::assumed),
                    im.count(K::ignored), im.count(K::error));
    for (const ImportEntryUi& e : im.entries)
      if (e.kind == K::error) {
        out += fmt::format(" import_error=\"{}: {}\"", e.where, quoted(e.message));
        break;
      }
    out += fmt::format(" import_report={}", im.report_open ? "open" : "closed");
    if (im.report_open) out += fmt::format(" import_report_front={}", in_front("###ImportReport"));
  }
  if (im.picker.open)
    out += fmt::format(" import_picker=\"{}\" import_picker_entries={}", im.picker.listed, im.picker.entries.size());
  return out;
}

}  // namespace

std::string ScriptError::to_string() const { return fmt::format("{}:{}:{}: {}", file, line, column, message); }

std::optional<ScriptError> parse_script(const std::string& text, const std::string& file,
                                        std::vector<ScriptLine>& out) {
  std::istringstream in(text);
  std::string raw_line;
  uint32_t n = 0;
  while (std::getline(in, raw_line)) {
    ++n;
    if (!raw_line.empty() && raw_line.back() == '\r') raw_line.pop_back();
    const size_t start = raw_line.find_first_not_of(" \t");
    if (start == std::string::npos || raw_line[start] == '#') continue;
    auto err = [&](size_t col, std::string msg) {
      return ScriptError{file, n, static_cast<uint32_t>(col + 1), std::move(msg)};
    };
    const size_t verb_end = std::min(raw_line.find_first_of(" \t", start), raw_line.size());
    ScriptLine sl;
    sl.line = n;
    sl.verb = raw_line.substr(start, verb_end - start);
    size_t arg_start = raw_line.find_first_not_of(" \t", verb_end);
    if (arg_start == std::string::npos) arg_start = raw_line.size();
    const size_t arg_end = std::min(raw_line.find_first_of(" \t", arg_start), raw_line.size());
    sl.arg = raw_line.substr(arg_start, arg_end - arg_start);
    size_t rest = raw_line.find_first_not_of(" \t", arg_end);
    if (rest != std::string::npos) sl.value = raw_line.substr(rest);
    const std::string& v = sl.verb;
    if ((v == "open" || v == "compare" || v == "screenshot" || v == "peek" || v == "browse" || v == "browse_save" ||
         v == "save_whatif" || v == "tab" || v == "import_browse" || v == "save_import") &&
        !sl.value.empty()) {
      sl.arg = raw_line.substr(arg_start);  // names and paths may contain spaces
      while (!sl.arg.empty() && (sl.arg.back() == ' ' || sl.arg.back() == '\t')) sl.arg.pop_back();
      sl.value.clear();
    }
    if (v == "lesson" && sl.arg != "answer" && !sl.value.empty()) {
      sl.arg = raw_line.substr(arg_start);  // a lesson file's path may contain spaces
      while (!sl.arg.empty() && (sl.arg.back() == ' ' || sl.arg.back() == '\t')) sl.arg.pop_back();
      sl.value.clear();
    }
    const bool needs_arg = v == "open" || v == "step" || v == "seek" || v == "select" || v == "set" || v == "frames" ||
                           v == "screenshot" || v == "speed" || v == "key" || v == "compare" || v == "presenter" ||
                           v == "inspect" || v == "lesson" || v == "language" || v == "window" || v == "capture" ||
                           v == "exercise" || v == "drop" || v == "browse" || v == "browse_save" ||
                           v == "save_whatif" || v == "copy" || v == "tab" || v == "import" || v == "import_browse" ||
                           v == "save_import";
    const bool no_arg = v == "state" || v == "play" || v == "pause" || v == "quit" || v == "reload" || v == "watch" ||
                        v == "cancel" || v == "await_progress";
    // peek OUT.png: a screenshot of the frame as it is; save_capture keylog: the key log alone.
    const bool optional_arg = v == "peek" || v == "save_capture";
    if (!needs_arg && !no_arg && !optional_arg)
      return err(start, fmt::format("unknown command '{}'; expected one of: {}", v, verbs));
    if (needs_arg && sl.arg.empty()) return err(raw_line.size(), fmt::format("'{}' needs an argument ({})", v, verbs));
    if (no_arg && !sl.arg.empty()) return err(arg_start, fmt::format("'{}' takes no argument", v));
    if (v == "save_capture" && !sl.arg.empty() && sl.arg != "keylog")
      return err(arg_start, "'save_capture' expects nothing or keylog");
    if (v == "lesson" && sl.arg == "answer" && sl.value.empty())
      return err(raw_line.size(), "'lesson answer' expects a choice number (1 = the first) or a number");
    if (v == "copy" && (sl.value.empty() || sl.value.find_first_of(" \t") != std::string::npos))
      return err(rest == std::string::npos ? raw_line.size() : rest,
                 "'copy' expects two paths without spaces: copy FROM TO");
    if (v != "set" && v != "window" && v != "capture" && v != "copy" && v != "import" && v != "drop" &&
        !(v == "lesson" && sl.arg == "answer") && !sl.value.empty())
      return err(rest, fmt::format("unexpected text after '{} {}'", v, sl.arg));
    if (v == "window") {
      // A name with spaces ("What if"): the last four words are the numbers, the rest the name.
      std::vector<std::string> words;
      std::istringstream split(sl.value);
      for (std::string word; split >> word;) words.push_back(word);
      const auto is_number = [](const std::string& w) {
        char* end = nullptr;
        std::strtod(w.c_str(), &end);
        return end != w.c_str() && *end == 0;
      };
      if (words.size() > 4 && std::none_of(words.begin(), words.end() - 4, is_number)) {
        for (size_t i = 0; i + 4 < words.size(); ++i) sl.arg += " " + words[i];
        sl.value = fmt::format("{} {} {} {}", words[words.size() - 4], words[words.size() - 3], words[words.size() - 2],
                               words[words.size() - 1]);
      }
      std::array<float, 4> r{};
      std::istringstream nums(sl.value);
      std::string extra;
      for (float& x : r)
        if (!(nums >> x) || x < 0 || x > 1)
          return err(rest == std::string::npos ? raw_line.size() : rest,
                     "'window' expects a window name and X Y W H as fractions 0..1 of the screen");
      if (nums >> extra) return err(rest, "'window' expects exactly four numbers after the name");
    }
    if (v == "capture" && sl.value.empty())
      return err(raw_line.size(), "'capture' needs a window name and a PNG path, e.g. capture Topology canvas.png");
    if (v == "set" && sl.value.empty())
      return err(raw_line.size(), "'set' needs a key and a TOML value, e.g. set service.api.workers 1");
    if ((v == "step" || v == "select" || v == "frames") && !parse_int(sl.arg, sl.number))
      return err(arg_start, fmt::format("'{}' expects an integer, got '{}'", v, sl.arg));
    if (v == "frames" && sl.number < 1) return err(arg_start, "'frames' expects a positive count");
    if (v == "seek") {
      const auto t = parse_duration(sl.arg);
      if (!t) return err(arg_start, fmt::format("'seek' expects a time such as 1.5s or 250ms, got '{}'", sl.arg));
      sl.number = t->ns();
    }
    if (v == "speed") {
      char* end = nullptr;
      const double x = std::strtod(sl.arg.c_str(), &end);
      if (end == sl.arg.c_str() || *end || x < 0.01 || x > 1e6)
        return err(arg_start, fmt::format("'speed' expects a number from 0.01 to 1000000, got '{}'", sl.arg));
    }
    if (v == "key" && !key_from_name(sl.arg))
      return err(arg_start,
                 fmt::format("unknown key '{}'; expected space, left, right, ctrl+left, ctrl+right, home, end, plus, "
                             "minus, f11 or f12",
                             sl.arg));
    if (v == "presenter" && sl.arg != "on" && sl.arg != "off") return err(arg_start, "'presenter' expects on or off");
    if (v == "language" && sl.arg != "en" && sl.arg != "ko") return err(arg_start, "'language' expects en or ko");
    out.push_back(std::move(sl));
  }
  return std::nullopt;
}

ScriptRunner::ScriptRunner(std::vector<ScriptLine> lines, std::FILE* out)
    : lines_(std::move(lines)), out_(out), narrators_(assets_dir()) {}

ScriptFrame ScriptRunner::tick(const Session& session, UiState& ui, Commands& commands) {
  ScriptFrame f;
  if (wait_frames_ > 0) {
    --wait_frames_;
    return f;
  }
  // Every command sees the result of the one before: wait for pending commands and runs. `peek`
  // is the exception: it prints the state while a simulation still runs (progress tests).
  // `cancel` too: it presses the status bar's Cancel while the run is going.
  const bool peek = next_ < lines_.size() && (lines_[next_].verb == "peek" || lines_[next_].verb == "cancel" ||
                                              lines_[next_].verb == "await_progress");
  if ((session.busy() && !peek) || !commands.queue.empty() || tls_bytes_pending(session.model()) ||
      lesson_pending(ui) || !ui.exercise.choose.empty() || ui.exercise.check_now || ui.exercise.opened)
    return f;
  // A lesson the script opened that is not open now (its file or its run was refused): what
  // follows would show an empty window, so the script stops and fails (handout pictures).
  if (lesson_opened_) {
    const ScriptLine opened = *std::exchange(lesson_opened_, std::nullopt);
    if (!current_lesson(ui) || !ui.lesson.refused.empty()) {
      fail(opened,
           fmt::format("lesson {} did not open: {}", opened.arg,
                       !ui.lesson.refused.empty() ? ui.lesson.refused
                       : ui.status_error.empty()  ? ui.status
                                                  : ui.status_error),
           f);
      return f;
    }
  }
  if (next_ >= lines_.size()) {
    f.quit = true;
    return f;
  }
  const ScriptLine& l = lines_[next_++];
  const std::string& v = l.verb;
  std::error_code ec;
  if (v == "open" && std::filesystem::is_regular_file(l.arg, ec) &&
      (is_lesson_file(l.arg) || is_exercise_file(l.arg))) {
    // As the window's Open: a lesson or an exercise file opens as one, not as a scenario.
    if (std::string problem = open_file(l.arg, ui, commands); !problem.empty())
      ui.status = ui.status_error = problem;
    else if (is_lesson_file(l.arg))
      lesson_opened_ = l;  // checked once its run is in, as `lesson FILE`
  } else if (v == "open")
    commands.post(RequestOpen{l.arg});
  else if (v == "reload")
    commands.post(RequestReload{});
  else if (v == "step")
    commands.post(RequestStep{static_cast<int>(l.number)});
  else if (v == "seek")
    commands.post(RequestSeek{ns(l.number)});
  else if (v == "select")
    commands.post(RequestSelect{static_cast<RecordId>(l.number)});
  else if (v == "set")
    commands.post(RequestSetParam{l.arg, l.value});
  else if (v == "compare")
    commands.post(RequestCompare{l.arg == "off" ? "" : l.arg});
  else if (v == "play")
    commands.post(RequestPlay{true});
  else if (v == "pause")
    commands.post(RequestPlay{false});
  else if (v == "speed")
    ui.settings.speed = std::strtod(l.arg.c_str(), nullptr);
  else if (v == "presenter")
    ui.settings.presenter = l.arg == "on";
  else if (v == "inspect")
    ui.hex_pinned = l.arg == "off" ? std::string() : l.arg;
  else if (v == "language")
    ui.settings.language = l.arg;
  else if (v == "window") {
    std::array<float, 4> r{};
    std::istringstream nums(l.value);
    for (float& x : r) nums >> x;
    ui.window_moves.emplace_back(l.arg, r);
  } else if (v == "lesson") {
    std::string problem = run_lesson_command(l, ui, commands);
    if (problem.empty() && l.arg != "next" && l.arg != "back" && l.arg != "off" && l.arg != "reveal" &&
        l.arg != "answer")
      lesson_opened_ = l;  // checked once its run is in
    else if (!problem.empty())
      fail(l, problem, f);
  } else if (v == "exercise" && l.arg == "check")
    ui.exercise.check_now = true;
  else if (v == "exercise")
    ui.exercise.choose = l.arg;
  else if (v == "key")
    press_key(*key_from_name(l.arg), ui, static_cast<double>(session.model().index.end_ns) / 1e9, commands);
  else if (v == "frames")
    wait_frames_ = l.number - 1;
  else if (v == "screenshot")
    f.screenshot = l.arg;
  else if (v == "capture")
    f.screenshot = l.value, f.window = l.arg;
  else if (v == "drop") {
    // Several files on one line arrive together, as one drop of several files does.
    std::istringstream paths(l.arg + " " + l.value);
    for (std::string path; paths >> path;) f.drop.push_back(path);
  } else if (v == "watch")
    f.watch = true;
  else if (v == "save_whatif")
    commands.post(RequestSaveWhatIf{l.arg});
  else if (v == "save_capture")  // as the inspector's buttons: the selected record's connection
    commands.post(RequestSaveCapture{ui.selected, l.arg == "keylog"});
  else if (v == "browse" || v == "browse_save")
    show_file_browser(ui, l.arg == "off" ? std::string() : l.arg, l.arg != "off", v == "browse_save");
  else if (v == "copy") {
    // Stands in for an editor saving the file (reload tests): a new modification time.
    std::error_code ec;
    std::filesystem::copy_file(l.arg, l.value, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec)
      std::fprintf(stderr, "%s:%u: cannot copy %s to %s: %s\n", "script", l.line, l.arg.c_str(), l.value.c_str(),
                   ec.message().c_str());
  } else if (v == "tab")  // a panel shown as a tab ("What if") to the front, as a click on its tab
    ui.focus_panel = l.arg;
  else if (v == "cancel")
    commands.post(RequestCancel{});
  else if (v == "import") {  // import PATH...: files or folders, separated by spaces
    RequestImport r;
    std::istringstream words(l.arg + " " + l.value);
    for (std::string p; words >> p;) r.paths.push_back(p);
    commands.post(std::move(r));
  } else if (v == "import_browse")
    show_import_picker(ui, l.arg == "off" ? std::string() : l.arg, l.arg != "off", false);
  else if (v == "save_import")
    commands.post(RequestSaveImported{l.arg});
  else if (v == "quit")
    f.quit = true;
  else if (v == "state" || v == "peek" || v == "await_progress") {
    // await_progress: the state once the running simulation has reported progress (or ended),
    // polled between frames, so that a run shorter than a frame on a busy machine is still seen.
    if (v == "await_progress")
      for (int i = 0; i < 15000 && session.busy() && session.progress() <= 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (out_) {
      std::fprintf(out_, "%s\n", state_line(session, ui, narrators_.get(ui.settings.language)).c_str());
      std::fflush(out_);
    }
    if (!l.arg.empty()) f.screenshot = l.arg;  // peek OUT.png: without waiting for a running simulation
  }
  return f;
}

namespace {

// The Hangul of `texts` that the window's font lacks and draws as '?' ("none": it has every one;
// tests/app/gui_korean_loaded.sh). Needs the font atlas built: "" before.
std::string missing_glyphs(const std::vector<std::string>& texts) {
  if (!ImGui::GetCurrentContext() || !ImGui::GetIO().Fonts->IsBuilt()) return {};
  const ImGuiIO& io = ImGui::GetIO();
  const ImFont* font = io.FontDefault ? io.FontDefault : io.Fonts->Fonts.Size ? io.Fonts->Fonts[0] : nullptr;
  if (!font) return {};
  std::string out;
  for (const std::string& text : texts) {
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
      unsigned int c = 0;
      const int n = ImTextCharFromUtf8(&c, p, end);
      if (n <= 0) break;
      const std::string ch(p, static_cast<size_t>(n));
      p += n;
      if (c >= 0xAC00 && c <= 0xD7A3 && !compat::font_has_glyph(font, static_cast<ImWchar>(c)) &&
          out.find(ch) == std::string::npos)
        out += ch;
    }
  }
  return out.empty() ? "none" : out;
}

}  // namespace

void ScriptRunner::fail(const ScriptLine& l, const std::string& problem, ScriptFrame& f) {
  error_ = fmt::format("script line {}: {}", l.line, problem);
  std::fprintf(stderr, "%s\n", error_.c_str());
  f.quit = true;
  next_ = lines_.size();
}

std::string state_line(const Session& session, const UiState& ui, const Narrator* narrator) {
  const Model& m = session.model();
  const Trace& trace = m.run.trace;
  std::string out =
      fmt::format("state t={:.6f}s playing={} speed={:g} records={} fingerprint={}", static_cast<double>(ui.t_ns) / 1e9,
                  ui.playing ? 1 : 0, ui.settings.speed, trace.size(), trace.empty() ? "-" : trace.fingerprint_hex());
  if (ui.selected != RecordId::none && raw(ui.selected) < trace.size()) {
    const Record& r = trace.at(ui.selected);
    // kind: as the trace writes it; kind_shown: as the inspector, the narration and the diagrams
    // name it in the learner's language.
    out += fmt::format(" selected={} kind={} kind_shown=\"{}\" stage={} stage_shown=\"{}\"", raw(ui.selected),
                       trace.kind(r), quoted(ui.words.record(trace.kind(r))), stage_name(r.stage),
                       quoted(ui.words.stage(r.stage)));
    if (r.is_message()) out += fmt::format(" from={} to={}", trace.node_name(r.from), trace.node_name(r.to));
    for (const Field& f : trace.details(r))
      out += fmt::format(" detail.{}={}", trace.str(f.key), detail_value(trace, f));
    if (r.stage == Stage::tls && r.is_message())
      out += inspector_state(tls_bytes_for(m, ui.selected, ui.words, true), ui);
    if (narrator) out += fmt::format(" narration=\"{}\"", quoted(narrate_record(narrator, trace, r).text));
  } else {
    out += " selected=none";
  }
  size_t in_flight = 0;
  m.index.for_messages(ui.t_ns, ui.t_ns, trace, [&](uint32_t) { ++in_flight; });
  const Metrics& mx = m.run.metrics;
  out += fmt::format(
      " in_flight={} requests={} succeeded={} restarts={} availability={:.4f} budget_consumed={:.4f} presenter={}",
      in_flight, mx.requests, mx.succeeded, mx.restarts, mx.availability_ratio(), mx.error_budget_consumed,
      ui.settings.presenter ? 1 : 0);
  if (auto it = mx.latency.find("total"); it != mx.latency.end())
    out += fmt::format(" latency_p50_ms={:.3f} latency_p99_ms={:.3f}", it->second.p50.seconds() * 1e3,
                       it->second.p99.seconds() * 1e3);
  for (const auto& [domain, g] : mx.cert_days_left)
    if (!g.empty()) out += fmt::format(" cert_days_left_at_end.{}={:.1f}", domain, g.back().value);
  for (const ServiceSpec& svc : m.scenario.services) out += fmt::format(" workers.{}={}", svc.name, svc.workers);
  if (session.compare_model())
    out += fmt::format(" compare={} compare_records={}", session.compare_variant(),
                       session.compare_model()->run.trace.size());
  static constexpr const char* layout_names[layouts] = {"normal", "presenter", "small", "small-presenter"};
  out += fmt::format(" scenario=\"{}\" language={} window={}x{} screen={}x{} layout={}", m.scenario.info.name,
                     ui.settings.language, ui.window_w, ui.window_h, ui.screen_w, ui.screen_h,
                     layout_names[static_cast<size_t>(ui.layout)]);
  if (const Lesson* lesson = current_lesson(ui)) {
    out += fmt::format(" lesson={} lesson_step={}/{}", lesson->id, ui.lesson.step + 1, lesson->steps.size());
    if (ui.lesson.step >= 0)
      out += fmt::format(" lesson_text=\"{}\"",
                         quoted(step_text(lesson->steps[static_cast<size_t>(ui.lesson.step)], ui.settings.language)));
    if (lesson_asking(ui)) {
      out += " question=asking";
      // The unit beside a number's box ("ms", "일"), as the window shows it before the reveal.
      if (auto it = ui.lesson.questions.find(ui.lesson.step); it != ui.lesson.questions.end())
        out += fmt::format(" unit=\"{}\"", quoted(unit_word(it->second.unit, ui.words)));
    } else if (auto it = ui.lesson.questions.find(ui.lesson.step); it != ui.lesson.questions.end()) {
      const QuestionUi& q = it->second;
      const auto& question = lesson->steps[static_cast<size_t>(ui.lesson.step)].question;
      out += fmt::format(" question=revealed answer=\"{}\" right={} right_choice={} shown=\"{}\" answer_in_view={}",
                         q.truth ? quoted(q.truth->text) : "not found: " + quoted(q.truth_error), q.right ? 1 : 0,
                         q.right_choice + 1,
                         question ? quoted(shown_answer(q, *question, ui.settings.language, ui.words)) : "",
                         ui.lesson.answer_in_view ? 1 : 0);
    }
    out += fmt::format(" answers_right={}", ui.lesson.answers.right_count(lesson->id));
    // What the course outline shows for it, from the progress kept with the settings.
    const auto kept = ui.settings.progress.find(lesson->id);
    out += fmt::format(" outline=\"{}\"",
                       progress_text(*lesson, kept == ui.settings.progress.end() ? nullptr : &kept->second, ui.words));
  } else {
    out += " lesson=none";
  }
  std::string done;  // the course outline's progress: lessons whose last step was reached
  for (const auto& [id, p] : ui.settings.progress)
    if (p.done) done += (done.empty() ? "" : ",") + id;
  out += fmt::format(" course_done={}", done.empty() ? "none" : done);
  out += fmt::format(" course_minutes={}", ui.lesson.course_stacked ? "under" : "beside");
  if (const ExerciseUi& ex = ui.exercise; ex.current >= 0 && ex.checked) {
    const auto held = std::count_if(ex.results.begin(), ex.results.end(), [](const GoalResult& r) { return r.held; });
    out += fmt::format(" exercise={} tries={} held={}/{}", ex.list[static_cast<size_t>(ex.current)].id, ex.tries, held,
                       ex.list[static_cast<size_t>(ex.current)].goals.size());
    if (!ex.refused.empty())
      out +=
          fmt::format(" refused=\"{}\" refused_shown=\"{}\"", quoted(ex.refused), quoted(ui.words.error(ex.refused)));
  }
  if (!ui.files.lesson_error.empty()) out += fmt::format(" lesson_file_error=\"{}\"", quoted(ui.files.lesson_error));
  if (!ui.lesson.refused.empty()) out += fmt::format(" lesson_refused=\"{}\"", quoted(ui.lesson.refused));
  if (!ui.details_tab.empty()) out += fmt::format(" details_tab=\"{}\"", ui.details_tab);
  if (ui.files.browser.open)
    out += fmt::format(" browser=\"{}\" browser_entries={}", ui.files.browser.listed, ui.files.browser.entries.size());
  out += import_state(ui);
  if (!ui.status.empty()) out += fmt::format(" status=\"{}\"", quoted(ui.status));
  if (!session.error().empty()) out += fmt::format(" error=\"{}\"", session.error());
  out +=
      fmt::format(" simulating={} progress={:.2f}", session.busy() ? 1 : 0, session.busy() ? session.progress() : 0.0);
  if (session.busy()) out += fmt::format(" busy_estimate=\"{}\"", quoted(session.busy_estimate(ui.words)));
  out += fmt::format(" trace_level={}", trace_level_name(m.run.level));
  // What the window shows of the scenario and the lesson, and the status line: drawn or '?'.
  const std::string& lang = ui.settings.language;
  std::vector<std::string> shown{m.scenario.info.tr.pick("name", m.scenario.info.name, lang), ui.status};
  if (const Lesson* lesson = current_lesson(ui)) {
    shown.push_back(lesson->tr.pick("title", lesson->title, lang));
    for (const LessonStep& step : lesson->steps) shown.push_back(step_text(step, lang));
  }
  if (const std::string missing = missing_glyphs(shown); !missing.empty())
    out += fmt::format(" missing_glyphs={}", missing);
  return out;
}

}  // namespace deploysim::gui
