#include "gui/shell/lesson_nav.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>

#include "deploysim/lesson.hpp"

namespace deploysim::gui {

void ensure_lessons(UiState& ui) {
  LessonUi& l = ui.lesson;
  if (l.listed) return;
  l.listed = true;
  // The source catalogue once for all of them: read for each lesson, it was most of the time
  // the course took to list (24 lessons; the browser lists them before its first frame).
  const SourcesLoad catalogue = load_sources();
  if (catalogue.error) {
    l.error = catalogue.error->to_string(ui.words);
    return;
  }
  for (const std::string& file : list_lessons()) {
    LessonLoad loaded = load_lesson_file(file, &catalogue.sources);
    if (loaded.lesson)
      l.list.push_back(std::move(*loaded.lesson));
    else if (loaded.error && l.error.empty())
      l.error = loaded.error->to_string(ui.words);
  }
}

int find_lesson(UiState& ui, const std::string& name) {
  ensure_lessons(ui);
  const auto& all = ui.lesson.list;
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].id == name || all[i].source_path == name) return static_cast<int>(i);
  std::error_code ec;
  const std::string stem = std::filesystem::path(name).stem().string();
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].id == stem && std::filesystem::equivalent(all[i].source_path, name, ec)) return static_cast<int>(i);
  for (size_t i = 0; i < all.size(); ++i)
    if (!name.empty() && all[i].id.find(name) != std::string::npos) return static_cast<int>(i);
  return -1;
}

void open_lesson(UiState& ui, Commands& commands, int index) {
  ensure_lessons(ui);
  LessonUi& l = ui.lesson;
  const std::vector<Lesson>& all = l.list;
  if (index < 0 || index >= static_cast<int>(all.size())) return;
  const Lesson& lesson = all[static_cast<size_t>(index)];
  l.before = {l.current, l.step, ui.settings.last_scenario, {}};
  if (const Lesson* open = current_lesson(ui))
    l.before.scenario = open->scenario_path, l.before.variant = open->variant;
  l.current = index;
  l.refused.clear();
  l.step = -1;
  l.pending_step = lesson.steps.empty() ? -1 : 0;
  l.loaded = false;
  l.questions.clear();
  commands.post(RequestOpen{lesson.scenario_path, lesson.variant});
}

void go_to_step(UiState& ui, int step) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson || lesson->steps.empty()) return;
  ui.lesson.pending_step = std::clamp(step, 0, static_cast<int>(lesson->steps.size()) - 1);
}

bool lesson_asking(const UiState& ui) {
  const Lesson* lesson = current_lesson(ui);
  const int s = ui.lesson.step;
  if (!lesson || s < 0 || s >= static_cast<int>(lesson->steps.size()) ||
      !lesson->steps[static_cast<size_t>(s)].question)
    return false;
  const auto it = ui.lesson.questions.find(s);
  return it == ui.lesson.questions.end() || !it->second.revealed;
}

void reveal_answer(UiState& ui) {
  if (!lesson_asking(ui) || ui.lesson.pending_step >= 0) return;
  const Lesson* lesson = current_lesson(ui);
  QuestionUi& q = ui.lesson.questions[ui.lesson.step];
  if (lesson->steps[static_cast<size_t>(ui.lesson.step)].question->type == QuestionType::choice && q.choice < 0) return;
  q.reveal_requested = true;
  ui.lesson.pending_step = ui.lesson.step;
}

void close_lesson(UiState& ui) {
  ui.lesson.current = ui.lesson.step = ui.lesson.pending_step = -1;
  ui.lesson.loaded = false;
}

std::string lesson_run_errors(const Lesson& lesson, const Model& model, const Messages& words) {
  if (model.run.level != TraceLevel::full) return {};
  std::string out;
  for (const LessonIssue& issue : check_lesson(lesson, model.run.trace, model.run.metrics))
    if (!issue.warning) out += (out.empty() ? "" : "\n") + issue.where.to_string(words);
  return out;
}

bool refuse_broken_lesson(const Model& model, UiState& ui, Commands& commands) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson) return false;
  std::string errors = lesson_run_errors(*lesson, model, ui.words);
  if (errors.empty()) return false;
  std::fprintf(stderr, "%s\n", errors.c_str());
  LessonUi& l = ui.lesson;
  const int refused = l.current;
  close_lesson(ui);
  const LessonUi::Before before = l.before;
  if (before.lesson >= 0 && before.lesson != refused) {
    open_lesson(ui, commands, before.lesson);
    l.pending_step = std::max(before.step, 0);
  } else if (!before.scenario.empty()) {
    commands.post(RequestOpen{before.scenario, before.variant});
  }
  ui.status = ui.status_error = errors.substr(0, errors.find('\n'));
  l.refused = std::move(errors);
  return true;
}

const Lesson* current_lesson(const UiState& ui) {
  const LessonUi& l = ui.lesson;
  return l.current >= 0 && l.current < static_cast<int>(l.list.size()) ? &l.list[static_cast<size_t>(l.current)]
                                                                       : nullptr;
}

bool lesson_pending(const UiState& ui) {
  return current_lesson(ui) && (!ui.lesson.loaded || ui.lesson.pending_step >= 0);
}

void lesson_arrival(const Session::Arrival& arrival, UiState& ui) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson || arrival.path.empty()) return;
  // Another scenario opened over a lesson's: the lesson's steps would narrate a run that is not
  // on the screen, so it ends (a what-if or a reload of its own file keeps it).
  if (ui.lesson.loaded) {
    if (arrival.model && arrival.path != lesson->scenario_path) close_lesson(ui);
    return;
  }
  const bool ours = arrival.path == lesson->scenario_path && arrival.variant == lesson->variant;
  if (ours && arrival.model) ui.lesson.loaded = true;
  // Its run failed (the browser shows the error; the previous scenario stays open), or another
  // file was opened meanwhile.
  else if (ours ? arrival.failed : arrival.model)
    close_lesson(ui);
}

namespace {

// The panel a step brings to the front: its `show`, else the metrics for a question answered
// from them; by its window name ("What if").
std::string step_panel(const LessonStep& step) {
  static const std::pair<std::string_view, const char*> names[] = {{"inspector", "Inspector"},
                                                                   {"metrics", "Metrics"},
                                                                   {"observer", "Observer"},
                                                                   {"sequence", "Sequence"},
                                                                   {"whatif", "What if"}};
  std::string_view show = step.show;
  if (show.empty() && step.question && step.question->answer.starts_with("metric:")) show = "metrics";
  for (const auto& [key, name] : names)
    if (key == show) return name;
  return {};
}

}  // namespace

void update_lesson(const Model& model, UiState& ui, Commands& commands) {
  const Lesson* lesson = current_lesson(ui);
  LessonUi& l = ui.lesson;
  if (!lesson || !l.loaded || l.pending_step < 0) return;
  l.step = l.pending_step;
  l.pending_step = -1;
  const LessonStep& step = lesson->steps[static_cast<size_t>(l.step)];
  QuestionUi* q = step.question ? &l.questions[l.step] : nullptr;
  const Trace& trace = model.run.trace;
  const auto at = resolve_step_target(trace, step.target);
  const size_t answer_record = at.value_or(trace.empty() ? 0 : trace.size() - 1);
  // A number is asked in its unit ("how many milliseconds"): the box shows it, read from the run
  // as the answer will be; only the unit is kept until the reveal.
  if (q && !q->revealed && step.question->type == QuestionType::number && q->unit.empty())
    if (const AnswerRead read = read_answer(trace, model.run.metrics, step.question->answer, answer_record); read.value)
      q->unit = read.value->unit;
  if (q && !q->revealed && !q->reveal_requested) return;  // predict first: the step waits for the answer
  if (at) commands.post(RequestSelect{static_cast<RecordId>(*at)});
  if (const std::string panel = step_panel(step); !panel.empty()) ui.focus_panel = panel;
  if (!q || q->revealed) return;
  // The truth comes from the run, at the step's record.
  const AnswerRead read = read_answer(trace, model.run.metrics, step.question->answer, answer_record);
  q->revealed = true;
  q->scroll_to_answer = true;
  q->truth = read.value;
  q->truth_error = read.error;
  if (read.value) {
    if (const auto c = right_choice(*step.question, *read.value)) q->right_choice = static_cast<int>(*c);
    q->right = step.question->type == QuestionType::choice ? q->choice >= 0 && q->choice == q->right_choice
                                                           : number_is_right(*step.question, *read.value, q->number);
  }
  l.answers.right[lesson->id][l.step] = q->right;
  // Kept with the settings, so that the outline shows "2/3 right" in the next session too.
  ui.settings.progress[lesson->id].answers[l.step] = q->right;
}

void apply_window_moves(UiState& ui) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  for (const auto& [id, r] : ui.window_moves) {
    // By the panel's id in the current layout ("Scenario"), whatever language its title is in.
    const std::string name = fmt::format("###{}{}", layout_prefix(ui.layout), id);
    ImGui::SetWindowPos(name.c_str(),
                        ImVec2(vp->WorkPos.x + r[0] * vp->WorkSize.x, vp->WorkPos.y + r[1] * vp->WorkSize.y));
    ImGui::SetWindowSize(name.c_str(), ImVec2(r[2] * vp->WorkSize.x, r[3] * vp->WorkSize.y));
    ImGui::SetWindowFocus(name.c_str());
  }
  ui.window_moves.clear();
}

const std::string& step_text(const LessonStep& step, const std::string& language) {
  return step.tr.pick("text", step.text, language);
}

const std::string& lesson_title(const Lesson& lesson, const std::string& language) {
  return lesson.tr.pick("title", lesson.title, language);
}

}  // namespace deploysim::gui
