// Lesson navigator: the shipped lessons (assets/lessons), the open lesson's summary and its steps
// in the chosen language; Back / Next move the playhead to each step's target.
#include "gui/widgets/lessons.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>

#include "gui/shell/lesson_nav.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/shell/theme.hpp"

namespace deploysim::gui {

namespace {

// The question UI's words, English and Korean.
enum class Q { question, reveal, pick_first, answer, from_run, right, wrong, your_answer, not_found };
const char* qtext(Q k, bool ko) {
  switch (k) {
    case Q::question:
      return ko ? "예측해 보세요" : "Predict first";
    case Q::reveal:
      return ko ? "확인" : "Reveal";
    case Q::pick_first:
      return ko ? "답을 고른 뒤 확인을 누르세요." : "Pick an answer, then press Reveal.";
    case Q::answer:
      return ko ? "정답" : "Answer";
    case Q::from_run:
      return ko ? "실행 결과에서 읽은 값" : "read from the run";
    case Q::right:
      return ko ? "맞았습니다" : "Right";
    case Q::wrong:
      return ko ? "틀렸습니다" : "Wrong";
    case Q::your_answer:
      return ko ? "내 답" : "your answer";
    case Q::not_found:
      return ko ? "실행 결과에서 답을 찾지 못했습니다" : "The answer was not found in the run";
  }
  return "";
}

const std::string& pick(const std::string& en, const std::string& ko, bool use_ko) {
  return use_ko && !ko.empty() ? ko : en;
}

// Before the reveal: the prompt and the learner's answer (choice buttons or a number field). The
// Reveal button sits by the heading so that it stays in view in a short panel.
void draw_asking(UiState& ui, const Question& question, int step, bool ko) {
  QuestionUi& q = ui.lesson.questions[step];
  const bool ready = question.type == QuestionType::number || q.choice >= 0;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.35f, 1.0f));
  ImGui::TextUnformatted(qtext(Q::question, ko));
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::BeginDisabled(!ready || ui.lesson.pending_step >= 0);
  if (ImGui::Button(qtext(Q::reveal, ko))) reveal_answer(ui);
  ImGui::EndDisabled();
  if (!ready) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", qtext(Q::pick_first, ko));
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(pick(question.prompt, question.prompt_ko, ko).c_str());
  ImGui::PopTextWrapPos();
  if (question.type == QuestionType::choice) {
    for (size_t i = 0; i < question.choices.size(); ++i) {
      const QuestionChoice& c = question.choices[i];
      const std::string label = fmt::format("{}##choice{}", pick(c.text, c.text_ko, ko), i);
      if (ImGui::RadioButton(label.c_str(), q.choice == static_cast<int>(i))) q.choice = static_cast<int>(i);
    }
  } else {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::InputDouble("##answer", &q.number, 1.0, 10.0, "%.6g");
  }
}

// After the reveal: the true answer read from the run, right or wrong (a word as well as a
// colour), and the explanation.
void draw_revealed(const QuestionUi& q, const Question& question, bool ko) {
  ImGui::Separator();
  if (!q.truth) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    ImGui::TextWrapped("%s: %s (%s)", qtext(Q::not_found, ko), question.answer.c_str(), q.truth_error.c_str());
    ImGui::PopStyleColor();
    return;
  }
  const ImVec4 colour = q.right ? ImVec4(0.35f, 0.75f, 1.0f, 1.0f) : ImVec4(0.95f, 0.6f, 0.2f, 1.0f);
  std::string mine;
  if (question.type == QuestionType::choice) {
    if (q.choice >= 0 && q.choice < static_cast<int>(question.choices.size())) {
      const QuestionChoice& c = question.choices[static_cast<size_t>(q.choice)];
      mine = pick(c.text, c.text_ko, ko);
    }
  } else {
    mine = fmt::format("{:g}", q.number);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextWrapped("%s %s  (%s: %s)", q.right ? "[O]" : "[X]", qtext(q.right ? Q::right : Q::wrong, ko),
                     qtext(Q::your_answer, ko), mine.c_str());
  ImGui::PopStyleColor();
  std::string answer = q.truth->text;
  if (question.type == QuestionType::choice && q.right_choice >= 0) {
    const QuestionChoice& c = question.choices[static_cast<size_t>(q.right_choice)];
    answer = pick(c.text, c.text_ko, ko);
  }
  ImGui::TextWrapped("%s: %s", qtext(Q::answer, ko), answer.c_str());
  ImGui::TextDisabled("%s: %s = %s", qtext(Q::from_run, ko), question.answer.c_str(), q.truth->text.c_str());
  if (!question.explain.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(pick(question.explain, question.explain_ko, ko).c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace

void draw_lesson_step(UiState& ui, bool large) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson) return;
  const std::string& lang = ui.settings.language;
  const int n = static_cast<int>(lesson->steps.size());
  const int step = ui.lesson.step;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.85f, 1.0f, 1.0f));
  ImGui::TextWrapped(
      "%s",
      fmt::format("{}  ({} {}/{})", lesson_title(*lesson, lang), lang == "ko" ? "단계" : "step", step + 1, n).c_str());
  ImGui::PopStyleColor();
  ImGui::BeginDisabled(step <= 0 || lesson_pending(ui));
  if (ImGui::Button(lang == "ko" ? "< 이전" : "< Back")) go_to_step(ui, step - 1);
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool asking = lesson_asking(ui);
  ImGui::BeginDisabled(step + 1 >= n || lesson_pending(ui) || asking);
  if (ImGui::Button(lang == "ko" ? "다음 >" : "Next >")) go_to_step(ui, step + 1);
  ImGui::EndDisabled();
  if (step >= 0 && step < n) {
    const LessonStep& st = lesson->steps[static_cast<size_t>(step)];
    const compat::FontScale scale(large ? 1.15f : 1.0f);
    if (asking) {
      draw_asking(ui, *st.question, step, lang == "ko");
      return;
    }
    if (large) ImGui::SameLine();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(step_text(st, lang).c_str());
    ImGui::PopTextWrapPos();
    if (st.question)
      if (auto it = ui.lesson.questions.find(step); it != ui.lesson.questions.end() && it->second.revealed)
        draw_revealed(it->second, *st.question, lang == "ko");
  } else if (lesson_pending(ui)) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", lang == "ko" ? "시뮬레이션 중..." : "simulating ...");
  }
}

namespace {

// The sources of a step, summary or note: title, then the address (click copies it).
void draw_sources(const std::vector<std::string>& ids, const char* id_prefix) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto it = shipped_sources().find(ids[i]);
    if (it == shipped_sources().end()) {
      ImGui::BulletText("%s", ids[i].c_str());
      continue;
    }
    ImGui::Bullet();
    ImGui::TextWrapped("%s", it->second.title.c_str());
    ImGui::Indent();
    const std::string label = fmt::format("{}##{}{}", it->second.url, id_prefix, i);
    if (ImGui::Selectable(label.c_str())) ImGui::SetClipboardText(it->second.url.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Click to copy the address");
    ImGui::Unindent();
  }
}

}  // namespace

void draw_lessons(UiState& ui, Commands& commands) {
  ensure_lessons(ui);
  const std::string& lang = ui.settings.language;
  if (!ui.lesson.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    ImGui::TextWrapped("%s", ui.lesson.error.c_str());
    ImGui::PopStyleColor();
  }
  if (ui.lesson.list.empty()) {
    ImGui::TextWrapped("No lessons found in %s/lessons.", assets_dir().c_str());
    return;
  }
  if (const Lesson* lesson = current_lesson(ui)) {
    draw_lesson_step(ui, false);
    const std::string& summary = lang == "ko" && !lesson->summary_ko.empty() ? lesson->summary_ko : lesson->summary;
    ImGui::TextDisabled("%s", lang == "ko" ? "요약" : "Summary");
    ImGui::TextWrapped("%s", summary.c_str());
    const bool ko = lang == "ko";
    const int step = ui.lesson.step;
    if (ImGui::CollapsingHeader(ko ? "출처" : "Sources")) {
      if (step >= 0 && step < static_cast<int>(lesson->steps.size()))
        draw_sources(lesson->steps[static_cast<size_t>(step)].sources, "step");
      draw_sources(lesson->sources, "summary");
    }
    const RealLife& real = lesson->real_life;
    if (!real.text.empty() && ImGui::CollapsingHeader(ko ? "실제 환경에서는" : "In real life")) {
      ImGui::TextWrapped("%s", (ko && !real.text_ko.empty() ? real.text_ko : real.text).c_str());
      for (const std::string& command : real.commands) ImGui::BulletText("$ %s", command.c_str());
      draw_sources(real.sources, "real");
    }
    if (ImGui::SmallButton(lang == "ko" ? "레슨 닫기" : "Close the lesson")) close_lesson(ui);
    ImGui::Separator();
  }
  for (size_t i = 0; i < ui.lesson.list.size(); ++i) {
    const Lesson& l = ui.lesson.list[i];
    const std::string label = fmt::format("{}##lesson{}", lesson_title(l, lang), i);
    if (ImGui::Selectable(label.c_str(), static_cast<int>(i) == ui.lesson.current))
      open_lesson(ui, commands, static_cast<int>(i));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", fmt::format("{} ({} steps, scenario {}{}{})", l.id, l.steps.size(),
                                          std::filesystem::path(l.scenario_path).filename().string(),
                                          l.variant.empty() ? "" : ", variant ", l.variant)
                                  .c_str());
  }
}

}  // namespace deploysim::gui
