// Opening files by what they hold (command line, drop, file browser, recent files), saving the
// what-if as a scenario file, and re-reading the open lesson file when it changes on disk.
#include "gui/shell/open_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "deploysim/file_kind.hpp"
#include "deploysim/scenario_write.hpp"
#include "gui/platform/page.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/shell/settings.hpp"

namespace deploysim::gui {

namespace {

struct Stamp {
  std::filesystem::file_time_type mtime{};
  std::uintmax_t size = 0;
};

Stamp stamp_of(const std::string& path) {
  std::error_code ec;
  Stamp s;
  s.mtime = std::filesystem::last_write_time(path, ec);
  if (ec) return {};
  s.size = std::filesystem::file_size(path, ec);
  return s;
}

void remember_lesson_file(UiState& ui, const std::string& path) {
  FilesUi& f = ui.files;
  const Stamp s = stamp_of(path);
  f.lesson_file = path;
  f.lesson_mtime = s.mtime;
  f.lesson_size = s.size;
  f.lesson_error.clear();
}

std::string open_lesson_file(const std::string& path, UiState& ui, Commands& commands) {
  LessonLoad loaded = load_lesson_file(path);
  if (!loaded.lesson) return loaded.error ? loaded.error->to_string(ui.words) : ui.trf("file.no_file", path);
  ensure_lessons(ui);
  std::vector<Lesson>& list = ui.lesson.list;
  std::error_code ec;
  auto same = std::find_if(list.begin(), list.end(),
                           [&](const Lesson& l) { return std::filesystem::equivalent(l.source_path, path, ec); });
  if (same == list.end())
    same = list.insert(list.end(), std::move(*loaded.lesson));
  else
    *same = std::move(*loaded.lesson);
  open_lesson(ui, commands, static_cast<int>(same - list.begin()));
  remember_lesson_file(ui, path);
  add_recent(ui.settings, path);
  return {};
}

// The open lesson's file was edited: read it again, keep the learner on the same step, and run
// its scenario again only when the lesson now names another one. An edit `check` refuses against
// the run on the screen (a step target or an answer that reads nothing) leaves the lesson as it
// was, as a broken TOML does; against another run, the run's arrival refuses it (gui.cpp).
void reload_lesson(const Model& model, UiState& ui, Commands& commands) {
  FilesUi& f = ui.files;
  LessonLoad loaded = load_lesson_file(f.lesson_file);
  if (!loaded.lesson) {
    f.lesson_error = loaded.error ? loaded.error->to_string(ui.words) : ui.trf("file.no_file", f.lesson_file);
    ui.status = ui.status_error = f.lesson_error;
    return;
  }
  Lesson& lesson = ui.lesson.list[static_cast<size_t>(ui.lesson.current)];
  const int step = std::max(ui.lesson.step, 0);
  const bool same_run =
      loaded.lesson->scenario_path == lesson.scenario_path && loaded.lesson->variant == lesson.variant;
  if (std::string errors = same_run && ui.lesson.loaded ? lesson_run_errors(*loaded.lesson, model, ui.words) : "";
      !errors.empty()) {
    ui.status = ui.status_error = errors.substr(0, errors.find('\n'));
    f.lesson_error = std::move(errors);
    return;
  }
  f.lesson_error.clear();
  const auto target = [](const Lesson& l, int i) {
    return i < static_cast<int>(l.steps.size()) ? l.steps[static_cast<size_t>(i)].target : std::string();
  };
  const bool moved = target(lesson, step) != target(*loaded.lesson, step);
  lesson = std::move(*loaded.lesson);
  ui.status = ui.tr("file.lesson_reloaded");
  const int last = static_cast<int>(lesson.steps.size()) - 1;
  if (!same_run) {
    open_lesson(ui, commands, ui.lesson.current);
    ui.lesson.pending_step = last < 0 ? -1 : std::min(step, last);
  } else if (moved || step > last) {
    go_to_step(ui, step);
  }
  ui.lesson.step = std::min(ui.lesson.step, last);
}

}  // namespace

std::string open_file(const std::string& given, UiState& ui, Commands& commands) {
  const std::string path = user_file(given);  // the browser: a dropped file by its name
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return ui.trf("file.no_file", path);
  if (!std::filesystem::is_regular_file(path, ec)) return ui.trf("file.not_a_file", path);
  std::string problem;
  switch (detect_file_kind(path)) {
    case FileKind::lesson:
      problem = open_lesson_file(path, ui, commands);
      if (problem.empty()) ui.status = ui.trf("file.opened", path);
      break;
    case FileKind::exercise:
      problem = open_exercise_file(path, ui, commands);
      break;
    case FileKind::scenario:
      commands.post(RequestOpen{path});  // recorded as recent when its run arrives (gui.cpp)
      break;
  }
  return problem;
}

std::string open_exercise_file(const std::string& path, UiState& ui, Commands&) {
  ExerciseLoad loaded = load_exercise_file(path);
  if (!loaded.exercise) return loaded.error->to_string(ui.words);
  ui.exercise.opened = std::move(*loaded.exercise);  // the Exercise panel takes it on its next frame
  ui.status = ui.trf("file.opened_exercise", path);
  return {};
}

std::string save_whatif(const Session& session, const std::string& path, UiState& ui) {
  const Scenario& sc = session.model().scenario;
  if (sc.source_text.empty()) return ui.tr("file.nothing_to_save");
  const ScenarioText saved = write_scenario_text(sc, ui.words);
  if (saved.error) return saved.error->to_string(ui.words);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << saved.text;
  out.close();
  // A page's file goes on to the user's downloads: it is named as it arrives there, and it is
  // not a recent file (the page's own folder is gone at the next visit).
  const std::string shown = in_browser() ? std::filesystem::path(path).filename().string() : path;
  if (!out) return ui.trf("file.cannot_write", shown);
  if (!in_browser()) add_recent(ui.settings, path);
  return ui.trf("file.saved", shown);
}

void watch_open_files(Session& session, UiState& ui, Commands& commands, bool now) {
  session.watch_file(now);
  const Lesson* lesson = current_lesson(ui);
  FilesUi& f = ui.files;
  if (!lesson) {
    f.lesson_file.clear();
    f.lesson_error.clear();
    return;
  }
  if (lesson->source_path != f.lesson_file) {
    remember_lesson_file(ui, lesson->source_path);  // opened from the list or a script: watched from now on
    return;
  }
  const auto t = std::chrono::steady_clock::now();
  if (!now && t - f.last_lesson_watch < std::chrono::seconds(1)) return;
  f.last_lesson_watch = t;
  const Stamp s = stamp_of(f.lesson_file);
  if (s.mtime == std::filesystem::file_time_type{} || (s.mtime == f.lesson_mtime && s.size == f.lesson_size)) return;
  f.lesson_mtime = s.mtime;
  f.lesson_size = s.size;
  reload_lesson(session.model(), ui, commands);
}

}  // namespace deploysim::gui
