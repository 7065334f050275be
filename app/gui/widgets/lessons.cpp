// Lesson navigator: the shipped lessons (assets/lessons), the open lesson's summary and its steps
// in the chosen language; Back / Next move the playhead to each step's target.
#include "gui/widgets/lessons.hpp"

#include <algorithm>
#include <cfloat>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <imgui.h>

#include "gui/shell/lesson_nav.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/shell/theme.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

// Before the reveal: the prompt and the learner's answer (choice buttons or a number field). The
// Reveal button, and a number's field, sit by the heading so that they stay in view in a short
// panel (presenter mode's narration under the canvas).
// `beside`: the cursor is on the line of Back / Next, and the heading goes there when it fits.
void draw_asking(UiState& ui, const Question& question, int step, std::string_view lang, bool beside) {
  const Messages& words = ui.words;
  QuestionUi& q = ui.lesson.questions[step];
  const bool ready = question.type == QuestionType::number || q.choice >= 0;
  bool on_nav_line = false, show_predict = true;
  // "ms", "일": the unit the number is typed in, beside its box.
  const std::string unit = question.type == QuestionType::number ? unit_word(q.unit, words) : std::string{};
  const float unit_w = unit.empty() ? 0 : ImGui::CalcTextSize(unit.c_str()).x + ImGui::GetStyle().ItemSpacing.x;
  if (beside) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float predict = ImGui::CalcTextSize(words("lesson.predict").c_str()).x + style.ItemSpacing.x;
    const float controls =
        ImGui::CalcTextSize(words("lesson.reveal").c_str()).x + 2 * style.FramePadding.x +
        (question.type == QuestionType::number ? ImGui::GetFontSize() * 5 + style.ItemSpacing.x + unit_w : 0);
    ImGui::SameLine(0, ImGui::GetFontSize());
    const float room = ImGui::GetContentRegionAvail().x;
    on_nav_line = predict + controls <= room;
    // A short panel (1024x768 presenter, the 1600x900 narration) keeps the line the prompt and
    // choices need: the Reveal button alone beside Next, "Predict first" in its tooltip.
    if (!on_nav_line && controls <= room) on_nav_line = true, show_predict = false;
    if (!on_nav_line) ImGui::NewLine();
  }
  // The next item on this line when it fits, else on the next: in a narrow panel (the course
  // column at 1024 px) the Reveal button after "Predict first" and the box was cut to its first letter.
  const float field_w = ImGui::GetFontSize() * 5;
  const float reveal_w = ImGui::CalcTextSize(words("lesson.reveal").c_str()).x + 2 * ImGui::GetStyle().FramePadding.x;
  auto then = [](float width) {
    ImGui::SameLine();
    if (width > ImGui::GetContentRegionAvail().x) ImGui::NewLine();
  };
  if (show_predict) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.35f, 1.0f));
    ImGui::TextUnformatted(words("lesson.predict").c_str());
    ImGui::PopStyleColor();
    then(question.type == QuestionType::number ? field_w + unit_w : reveal_w);
  }
  if (question.type == QuestionType::number) {
    // No -/+ buttons: they stood between the box and its unit, and no answer (484 ms, 98.3 %)
    // is reached by steps of one.
    ImGui::SetNextItemWidth(field_w);
    ImGui::InputDouble("##answer", &q.number, 0.0, 0.0, "%.6g");
    if (!unit.empty()) {
      ImGui::SameLine();
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(unit.c_str());
    }
    then(reveal_w);
  }
  ImGui::BeginDisabled(!ready || ui.lesson.pending_step >= 0);
  if (ImGui::Button(words("lesson.reveal").c_str())) reveal_answer(ui);
  ImGui::EndDisabled();
  if (!ready) {
    // Beside the button when it fits; under it, wrapped, in a narrow panel (1024 px) rather than
    // cut off at the panel's edge; on the line of Back / Next, where a line of its own would push
    // the choices below the fold, as the disabled button's tooltip.
    const std::string& hint = words("lesson.pick_first");
    const bool hovered = ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled);
    ImGui::SameLine();
    const bool fits = ImGui::CalcTextSize(hint.c_str()).x <= ImGui::GetContentRegionAvail().x;
    if (!fits) ImGui::NewLine();
    if (fits || !on_nav_line)
      text_disabled_wrapped(hint);
    else if (hovered)
      ImGui::SetTooltip("%s", show_predict ? hint.c_str() : (words("lesson.predict") + ". " + hint).c_str());
  }
  ImGui::PushTextWrapPos(0);
  rich_text(question.tr.pick("prompt", question.prompt, lang));
  if (question.type == QuestionType::choice) {
    // A radio button's own label does not wrap: each choice's text is wrapped beside its button
    // (and picks it when clicked), so that a long choice is read whole in a narrow panel. Choices
    // that fit side by side share one line, so that a short panel shows them all.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x;
    const float gap = ImGui::GetFontSize() * 1.5f;
    float one_line = 0;
    for (const QuestionChoice& c : question.choices)
      one_line += button + rich_text_size(c.tr.pick("text", c.text, lang), FLT_MAX).x + gap;
    const bool side_by_side = one_line - gap <= ImGui::GetContentRegionAvail().x;
    // Choices packed a little closer than other items: three two-line choices under a prompt
    // fit a 1024x768 presenter's narration, where the third fell below its edge.
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(style.FramePadding.x, 1.0f));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(style.ItemSpacing.x, style.ItemSpacing.y * 0.5f));
    for (size_t i = 0; i < question.choices.size(); ++i) {
      const QuestionChoice& c = question.choices[i];
      ImGui::PushID(static_cast<int>(i));
      if (side_by_side && i > 0) ImGui::SameLine(0, gap);
      if (ImGui::RadioButton("##choice", q.choice == static_cast<int>(i))) q.choice = static_cast<int>(i);
      ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
      rich_text(c.tr.pick("text", c.text, lang));
      if (ImGui::IsItemClicked()) q.choice = static_cast<int>(i);
      ImGui::PopID();
    }
    ImGui::PopStyleVar(2);
    ImGui::PopTextWrapPos();
  } else {
    ImGui::PopTextWrapPos();
  }
}

}  // namespace

std::string shown_answer(const QuestionUi& q, const Question& question, std::string_view lang, const Messages& words) {
  if (!q.truth) return {};
  if (question.type == QuestionType::choice && q.right_choice >= 0) {
    const QuestionChoice& c = question.choices[static_cast<size_t>(q.right_choice)];
    return c.tr.pick("text", c.text, lang);
  }
  return q.truth->numeric ? number_with_unit(q.truth->text, *q.truth, words) : q.truth->text;
}

namespace {

// After the reveal: the true answer read from the run, right or wrong (a word as well as a
// colour), and the explanation.
void draw_revealed(const QuestionUi& q, const Question& question, std::string_view lang, const Messages& words) {
  ImGui::Separator();
  if (!q.truth) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(fmt::format("{}: {} ({})", words("lesson.not_found"), question.answer, q.truth_error));
    ImGui::PopStyleColor();
    return;
  }
  const ImVec4 colour = q.right ? ImVec4(0.35f, 0.75f, 1.0f, 1.0f) : ImVec4(0.95f, 0.6f, 0.2f, 1.0f);
  std::string mine;
  if (question.type == QuestionType::choice) {
    if (q.choice >= 0 && q.choice < static_cast<int>(question.choices.size())) {
      const QuestionChoice& c = question.choices[static_cast<size_t>(q.choice)];
      mine = c.tr.pick("text", c.text, lang);
    }
  } else {
    mine = number_with_unit(fmt::format("{:g}", q.number), *q.truth, words);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  rich_text(fmt::format("{} {}  ({}: {})", q.right ? "[O]" : "[X]", words(q.right ? "lesson.right" : "lesson.wrong"),
                        words("lesson.your_answer"), mine));
  ImGui::PopStyleColor();
  const std::string answer = shown_answer(q, question, lang, words);
  const bool choice_text = question.type == QuestionType::choice && q.right_choice >= 0 && answer != q.truth->text;
  rich_text(fmt::format("{}: {}", words("lesson.answer"), answer));
  // The value the run gave, when the answer shown is a choice's text; where it was read from (the
  // answer key's source, "field:step/left:days") is the author's, not the class's.
  // It is the trace's own value (true, not-enabled), so it is set as code, not as a word of the
  // language.
  if (choice_text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    // An empty value (a ClientHello without SNI) in words, not as two bare backticks.
    // A yes/no value gets its word in the language beside it ("`false` (아니요)").
    const std::string& value = q.truth->text;
    const std::string gloss = value == "true" || value == "false" ? " (" + words("inspector." + value) + ")" : "";
    rich_text(value.empty() ? fmt::format("{}: {}", words("lesson.from_run"), words("lesson.from_run_empty"))
                            : fmt::format("{}: `{}`{}", words("lesson.from_run"), value, gloss));
    ImGui::PopStyleColor();
  }
  if (!question.explain.empty()) rich_text(question.tr.pick("explain", question.explain, lang));
}

}  // namespace

void draw_lesson_step(UiState& ui, bool large) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson) return;
  const std::string& lang = ui.settings.language;
  const int n = static_cast<int>(lesson->steps.size());
  const int step = ui.lesson.step;
  // A new step starts at the top of its window: a revealed answer scrolled the last one down, and
  // the next step's title, buttons and question were above the panel's edge.
  {
    ImGuiStorage* seen = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID("##lesson_step_shown");
    const int shown = ui.lesson.current * 1000 + step;
    if (seen->GetInt(key, -1) != shown) {
      ImGui::SetScrollY(0);
      seen->SetInt(key, shown);
    }
  }
  const std::string title = ui.trf("lesson.title_step", lesson_title(*lesson, lang), step + 1, n);
  const std::string back = fmt::format("{}###back", ui.tr("lesson.back"));
  const std::string next = fmt::format("{}###next", ui.tr("lesson.next"));
  // The narration (large) puts Back / Next on the title's line when they fit there: a short panel
  // (1024x768) then has one more line for the step's text.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float buttons_w = ImGui::CalcTextSize(back.c_str(), nullptr, true).x +
                          ImGui::CalcTextSize(next.c_str(), nullptr, true).x + 4 * style.FramePadding.x +
                          2 * style.ItemSpacing.x;
  const bool one_line = large && ImGui::CalcTextSize(title.c_str()).x + buttons_w + style.ItemSpacing.x <=
                                     ImGui::GetContentRegionAvail().x;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.85f, 1.0f, 1.0f));
  if (one_line) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(title.c_str());
    ImGui::SameLine();
  } else {
    wrapped_text(title);
  }
  ImGui::PopStyleColor();
  ImGui::BeginDisabled(step <= 0 || lesson_pending(ui));
  if (ImGui::Button(back.c_str())) go_to_step(ui, step - 1);
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool asking = lesson_asking(ui);
  ImGui::BeginDisabled(step + 1 >= n || lesson_pending(ui) || asking);
  if (ImGui::Button(next.c_str())) go_to_step(ui, step + 1);
  ImGui::EndDisabled();
  if (step >= 0 && step < n) {
    const LessonStep& st = lesson->steps[static_cast<size_t>(step)];
    // Larger in the narration, except in presenter mode, whose font is large already.
    const compat::FontScale scale(large && !ui.settings.presenter ? 1.15f : 1.0f);
    if (asking) {
      draw_asking(ui, *st.question, step, lang, large);
      return;
    }
    // The text beside the buttons when that takes no more height than under them: in a narrow
    // panel (1024 px) the column beside them is so thin that most of the text fell below the fold.
    const std::string& text = step_text(st, lang);
    if (large) {
      ImGui::SameLine();
      const float beside = ImGui::GetContentRegionAvail().x;
      const float full = beside + ImGui::GetCursorPosX() - ImGui::GetCursorStartPos().x;
      const float beside_h = rich_text_size(text, beside).y;
      const float under_h = ImGui::GetFrameHeightWithSpacing() + rich_text_size(text, full).y;
      if (beside_h > under_h) ImGui::NewLine();
    }
    rich_text(text);
    if (st.question)
      if (auto it = ui.lesson.questions.find(step); it != ui.lesson.questions.end() && it->second.revealed) {
        const ImVec2 start = ImGui::GetCursorScreenPos();
        const float top = start.y - ImGui::GetWindowPos().y;
        draw_revealed(it->second, *st.question, lang, ui.words);
        if (large)
          ui.lesson.answer_in_view =
              ImGui::IsRectVisible(start, ImVec2(start.x + 1, start.y + 2 * ImGui::GetTextLineHeightWithSpacing()));
        // The answer lands below the step's text, under the fold of a short narration (presenter
        // mode, 1024x768): once revealed, the narration scrolls to show it, its start kept in view.
        if (large && it->second.scroll_to_answer) {
          it->second.scroll_to_answer = false;
          const float bottom = ImGui::GetCursorScreenPos().y - ImGui::GetWindowPos().y;
          const float view = ImGui::GetWindowContentRegionMax().y - ImGui::GetWindowContentRegionMin().y;
          if (bottom - top <= view)
            ImGui::SetScrollFromPosY(bottom, 1.0f);
          else
            ImGui::SetScrollFromPosY(top - style.ItemSpacing.y, 0.0f);
        }
      }
  } else if (lesson_pending(ui)) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", ui.tr("lesson.simulating").c_str());
  }
}

namespace {

// The sources of a step, summary or note: title, then the address (click copies it).
void draw_sources(const Lesson& lesson, const std::vector<std::string>& ids, const char* id_prefix,
                  const Messages& words) {
  for (size_t i = 0; i < ids.size(); ++i) {
    const Source* src = find_source(lesson.own_sources, ids[i]);
    if (!src) {
      ImGui::BulletText("%s", ids[i].c_str());
      continue;
    }
    ImGui::Bullet();
    wrapped_text(src->title);
    ImGui::Indent();
    const std::string label = fmt::format("{}##{}{}", src->url, id_prefix, i);
    if (ImGui::Selectable(label.c_str())) ImGui::SetClipboardText(src->url.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", words("lesson.copy_address").c_str());
    ImGui::Unindent();
  }
}

// Steps that ask a question before they play.
int question_count(const Lesson& l) {
  return static_cast<int>(
      std::count_if(l.steps.begin(), l.steps.end(), [](const LessonStep& s) { return s.question.has_value(); }));
}

// --- The course outline: every lesson in course order, its minutes, objectives, prerequisites
// and the learner's progress (ui.settings.progress, kept in settings.json) ---

// The outline's words in the chosen language ([course] in assets/i18n).
struct CourseWords {
  const char* course;      // "Course: {} lessons, {}, {} done"
  const char* objectives;  // header of the objectives
  const char* after;       // "take after" (prerequisites)
  const char* minutes;     // "{} min"
  const char* done;
  const char* right;  // "{}/{} right"
  const char* open;   // tooltip hint
};

CourseWords course_words(const Messages& m) {
  auto t = [&](const char* key) { return m(key).c_str(); };
  return CourseWords{t("course.summary"), t("course.objectives"), t("course.after"), t("course.minutes"),
                     t("course.done"),    t("course.right"),      t("course.open")};
}

// "07b" of "07b-probes": how the outline and prerequisites name a lesson briefly.
std::string_view lesson_number(const Lesson& l) { return std::string_view(l.id).substr(0, l.id.find('-')); }

void draw_objectives(const Lesson& l, std::string_view lang) {
  const auto& list = l.objectives_for(lang);
  for (const std::string& o : list) {
    ImGui::Bullet();
    rich_text(o);
  }
}

// The prerequisites by number and title, e.g. "07 Restarts after a crash".
void draw_prerequisites(const Lesson& l, const std::vector<Lesson>& all, const UiState& ui) {
  const Settings& settings = ui.settings;
  if (l.prerequisites.empty()) return;
  ImGui::TextDisabled("%s", course_words(ui.words).after);
  for (const std::string& id : l.prerequisites) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const Lesson& x) { return x.id == id; });
    const std::string title =
        it == all.end() ? id : fmt::format("{} {}", lesson_number(*it), lesson_title(*it, settings.language));
    const auto p = settings.progress.find(id);
    const bool done = p != settings.progress.end() && p->second.done;
    ImGui::BulletText("%s%s", title.c_str(), done ? fmt::format(" ({})", course_words(ui.words).done).c_str() : "");
  }
}

void draw_course(UiState& ui, Commands& commands) {
  const std::vector<Lesson>& all = ui.lesson.list;
  const std::string& lang = ui.settings.language;
  const CourseWords w = course_words(ui.words);
  const CourseOrder order = course_order(all);
  int minutes = 0, done = 0;
  for (const Lesson& l : all) {
    minutes += l.minutes;
    const auto p = ui.settings.progress.find(l.id);
    done += p != ui.settings.progress.end() && p->second.done;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  // "5 h 45 min" rather than "345 min"; whole in a narrow panel.
  wrapped_text(fmt::format(fmt::runtime(w.course), all.size(), ui.words.time(deploysim::minutes(minutes)), done));
  ImGui::PopStyleColor();
  if (!order.cycle.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(ui.trf("course.cycle", order.cycle));
    ImGui::PopStyleColor();
  }
  // The minutes and progress columns as wide as their widest text ("-" until a lesson is done):
  // fixed widths left a narrow panel (1024 px) a title column of a few letters, one per line.
  const float em = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  float minutes_w = 0, progress_w = 0, number_w = 0, widest_word = 0;
  for (const Lesson& l : all) {
    if (l.minutes > 0)
      minutes_w = std::max(minutes_w, ImGui::CalcTextSize(fmt::format(fmt::runtime(w.minutes), l.minutes).c_str()).x);
    const auto p = ui.settings.progress.find(l.id);
    for (const std::string& line : progress_lines(l, p == ui.settings.progress.end() ? nullptr : &p->second, ui.words))
      progress_w = std::max(progress_w, ImGui::CalcTextSize(line.c_str()).x);
    const std::string_view number = lesson_number(l);
    number_w = std::max(number_w, ImGui::CalcTextSize(number.data(), number.data() + number.size()).x);
    const std::string title = lesson_title(l, lang);
    for (size_t at = 0; at < title.size();) {
      const size_t end = std::min(title.find(' ', at), title.size());
      widest_word = std::max(widest_word, ImGui::CalcTextSize(title.data() + at, title.data() + end).x);
      at = end + 1;
    }
  }
  // Beside those columns a title wraps in what is left, which in a narrow panel with a learner's
  // progress broke words ("journe" over "y"): then each title has the row's width, and its
  // minutes and progress go on a line under it.
  const float title_indent = ImGui::GetTreeNodeToLabelSpacing() + number_w + style.ItemSpacing.x;
  const float title_w =
      ImGui::GetContentRegionAvail().x - minutes_w - progress_w - 7 * style.CellPadding.x - title_indent;
  const bool stacked = title_w < widest_word;
  ui.lesson.course_stacked = stacked;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  if (!ImGui::BeginTable("course", stacked ? 1 : 3, flags)) return;
  ImGui::TableSetupColumn("lesson", ImGuiTableColumnFlags_WidthStretch);
  if (!stacked) {
    ImGui::TableSetupColumn("minutes", ImGuiTableColumnFlags_WidthFixed, minutes_w);
    // The last column's text ends at the table's edge, where the panel's clip cut its last letter
    // ("2/2 정..."): it keeps a cell's padding to the right.
    ImGui::TableSetupColumn("progress", ImGuiTableColumnFlags_WidthFixed, progress_w + style.CellPadding.x);
  }
  for (const size_t i : order.order) {
    const Lesson& l = all[i];
    const auto found = ui.settings.progress.find(l.id);
    const LessonProgress* progress = found == ui.settings.progress.end() ? nullptr : &found->second;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGuiTreeNodeFlags node = ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanFullWidth;
    if (static_cast<int>(i) == ui.lesson.current) node |= ImGuiTreeNodeFlags_Selected;
    // The number is the tree node; the title beside it wraps within the column, so that a narrow
    // panel shows every title whole rather than cut off at the column's edge.
    const std::string label = fmt::format("{}##course{}", lesson_number(l), l.id);
    const bool open = ImGui::TreeNodeEx(label.c_str(), node);
    bool clicked = ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen();
    bool hovered = ImGui::IsItemHovered();
    ImGui::SameLine();
    wrapped_text(lesson_title(l, ui.settings.language));
    clicked = clicked || ImGui::IsItemClicked();
    hovered = hovered || ImGui::IsItemHovered();
    if (clicked) open_lesson(ui, commands, static_cast<int>(i));
    if (hovered && !open) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(em * 28);
      ImGui::TextUnformatted(lesson_title(l, ui.settings.language).c_str());
      ImGui::TextDisabled("%s", w.objectives);
      draw_objectives(l, lang);
      draw_prerequisites(l, all, ui);
      ImGui::TextDisabled("%s", w.open);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    const std::string minutes_text = l.minutes > 0 ? fmt::format(fmt::runtime(w.minutes), l.minutes) : std::string();
    const std::vector<std::string> lines = progress_lines(l, progress, ui.words);
    const bool done_now = progress && progress->done;
    if (stacked) {
      // "20 min · done · 2/2 right" under the title, where it starts.
      std::string under = minutes_text;
      for (const std::string& line : lines)
        if (line != "-") under += (under.empty() ? "" : " · ") + line;  // "-" is a column's "nothing yet"
      ImGui::Indent(title_indent);
      ImGui::PushStyleColor(ImGuiCol_Text, style.Colors[done_now ? ImGuiCol_Text : ImGuiCol_TextDisabled]);
      wrapped_text(under);
      ImGui::PopStyleColor();
      ImGui::Unindent(title_indent);
    } else {
      ImGui::TableSetColumnIndex(1);
      ImGui::TextUnformatted(minutes_text.c_str());
      ImGui::TableSetColumnIndex(2);
      // One line each ("done" over "2/2 right"): on one line they took a narrow panel's titles' room.
      for (const std::string& line : lines) {
        if (done_now)
          ImGui::TextUnformatted(line.c_str());
        else
          ImGui::TextDisabled("%s", line.c_str());
      }
    }
    if (open) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::Indent();
      draw_objectives(l, lang);
      draw_prerequisites(l, all, ui);
      ImGui::Unindent();
      ImGui::TreePop();
    }
  }
  ImGui::EndTable();
}

}  // namespace

std::vector<std::string> progress_lines(const Lesson& lesson, const LessonProgress* progress, const Messages& words) {
  const CourseWords w = course_words(words);
  const int questions = question_count(lesson);
  std::vector<std::string> out;
  if (progress && progress->done) out.push_back(w.done);
  if (progress && questions > 0 && !progress->answers.empty()) {
    int right = 0;
    for (const auto& [step, ok] : progress->answers)
      right += ok && step >= 0 && step < static_cast<int>(lesson.steps.size());
    out.push_back(fmt::format(fmt::runtime(w.right), right, questions));
  }
  if (out.empty()) out.push_back("-");
  return out;
}

std::string progress_text(const Lesson& lesson, const LessonProgress* progress, const Messages& words) {
  return fmt::format("{}", fmt::join(progress_lines(lesson, progress, words), ", "));
}

void record_progress(UiState& ui) {
  const Lesson* lesson = current_lesson(ui);
  if (!lesson || ui.lesson.step < 0) return;
  if (ui.lesson.step + 1 == static_cast<int>(lesson->steps.size())) ui.settings.progress[lesson->id].done = true;
}

void draw_lessons(UiState& ui, Commands& commands) {
  ensure_lessons(ui);
  const std::string& lang = ui.settings.language;
  if (!ui.lesson.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(ui.lesson.error);
    ImGui::PopStyleColor();
  }
  if (ui.lesson.list.empty()) {
    wrapped_text(ui.trf("lesson.none", assets_dir()));
    return;
  }
  if (const Lesson* lesson = current_lesson(ui)) {
    draw_lesson_step(ui, false);
    const std::string& summary = lesson->tr.pick("summary", lesson->summary, lang);
    ImGui::TextDisabled("%s", ui.tr("lesson.summary").c_str());
    rich_text(summary);
    if (!lesson->objectives.empty() && ImGui::CollapsingHeader(course_words(ui.words).objectives))
      draw_objectives(*lesson, lang);
    const int step = ui.lesson.step;
    if (ImGui::CollapsingHeader(fmt::format("{}###Sources", ui.tr("lesson.sources")).c_str())) {
      if (step >= 0 && step < static_cast<int>(lesson->steps.size()))
        draw_sources(*lesson, lesson->steps[static_cast<size_t>(step)].sources, "step", ui.words);
      draw_sources(*lesson, lesson->sources, "summary", ui.words);
    }
    const RealLife& real = lesson->real_life;
    if (!real.text.empty() &&
        ImGui::CollapsingHeader(fmt::format("{}###RealLife", ui.tr("lesson.real_life")).c_str())) {
      rich_text(real.tr.pick("text", real.text, lang));
      for (const std::string& command : real.commands) ImGui::BulletText("$ %s", command.c_str());
      draw_sources(*lesson, real.sources, "real", ui.words);
    }
    if (ImGui::SmallButton(fmt::format("{}###close", ui.tr("lesson.close")).c_str())) close_lesson(ui);
    ImGui::Separator();
  }
  draw_course(ui, commands);
}

}  // namespace deploysim::gui
