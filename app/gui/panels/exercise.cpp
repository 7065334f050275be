// The exercise panel: choose an exercise (assets/exercises), change what it allows, and "Check":
// the run on screen is graded against the exercise's goal, each condition shown held or not with
// its evidence, and the hint of each condition that failed. Choosing an exercise opens its
// scenario with its variant and [start]; a change posts RequestSetParam like the what-if panel,
// so the canvas shows the run being graded.
#include <algorithm>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/widgets/rich_text.hpp"

#include <imgui_stdlib.h>

namespace deploysim::gui {

namespace {

// The panel's words in the chosen language (assets/i18n, [exercise]), read once per frame.
struct Words {
  const char* none;
  const char* intro;
  const char* opening;
  const char* task;
  const char* may_change;
  const char* as_given;
  const char* set;
  const char* goal;
  const char* check;
  const char* busy;
  const char* held;
  const char* not_held;
  const char* hint;
  const char* solved;
  const char* not_yet;
  const char* stale;
  const char* restart;
  const char* refused;
  const char* other_run;
  const char* now;
};

Words words(const UiState& ui) {
  auto t = [&](const char* key) { return ui.tr(key).c_str(); };
  return Words{t("exercise.none"),       t("exercise.intro"),    t("exercise.opening"),   t("exercise.task"),
               t("exercise.may_change"), t("exercise.as_given"), t("exercise.set"),       t("exercise.goal"),
               t("exercise.check"),      t("exercise.busy"),     t("exercise.held"),      t("exercise.not_held"),
               t("exercise.hint"),       t("exercise.solved"),   t("exercise.not_yet"),   t("exercise.stale"),
               t("exercise.restart"),    t("exercise.refused"),  t("exercise.other_run"), t("exercise.now")};
}

using Overrides = std::vector<std::pair<std::string, std::string>>;

// What the exercise itself sets before the learner: its variant's keys, then [start].
Overrides exercise_prefix(const Exercise& ex, const Scenario& sc) {
  Overrides out;
  for (const VariantSpec& v : sc.variants)
    if (v.name == ex.variant) out.insert(out.end(), v.set.begin(), v.set.end());
  for (const ExerciseSetting& s : ex.start) out.emplace_back(s.path, s.value);
  return out;
}

void open_exercise(const Exercise& ex, ExerciseUi& st, Commands& commands) {
  Overrides start;
  for (const ExerciseSetting& s : ex.start) start.emplace_back(s.path, s.value);
  commands.post(RequestOpen{ex.scenario_path, ex.variant, start});
  st.tries = 0;
  st.checked = false;
  st.typed.clear();
}

// An exercise chosen or opened: the left column's windows make room for it (not on Restart, which
// keeps the windows where the learner put them).
void make_room(UiState& ui) {
  for (const auto& [name, r] : exercise_column(ui.layout))
    ui.window_moves.emplace_back(name, std::array{r.x, r.y, r.w, r.h});
}

// The learner's value of a path in the open run ("" = as the scenario sets it).
std::string current_value(const Overrides& overrides, const std::string& path) {
  for (const auto& [k, v] : overrides)
    if (k == path) return v;
  return {};
}

void param_widget(const ExerciseParam& p, const Exercise& ex, const Overrides& overrides, std::string_view lang,
                  const Words& w, ExerciseUi& st, Commands& commands) {
  const std::string now = current_value(overrides, p.path);
  const std::string label = p.tr.pick("label", p.label.empty() ? p.path : p.label, lang);
  ImGui::PushID(p.path.c_str());
  rich_text(label);
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 4);
  if (!p.values.empty()) {
    if (ImGui::BeginCombo("##v", now.empty() ? w.as_given : now.c_str())) {
      for (const std::string& v : p.values)
        if (ImGui::Selectable(v.c_str(), v == now)) commands.post(RequestSetParam{p.path, v});
      ImGui::EndCombo();
    }
  } else {
    std::string& text = st.typed[p.path];
    const std::string hint =
        fmt::format("{} .. {}{}", p.min, p.max, now.empty() ? "" : fmt::format(" ({} {})", w.now, now));
    const bool enter = ImGui::InputTextWithHint("##t", hint.c_str(), &text, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button(w.set) || enter) && !text.empty()) {
      const ExerciseSetting s{p.path, setting_value_text(text), "what-if", {}};
      if (const auto refused = check_setting(ex, s)) {
        st.refused = refused->message;
        st.checked = true;
      } else {
        commands.post(RequestSetParam{s.path, s.value});
        text.clear();
      }
    }
  }
  ImGui::PopID();
}

// Grades the run on screen: the overrides beyond the exercise's own must be allowed settings.
void check(const Exercise& ex, const PanelContext& ctx, ExerciseUi& st) {
  const Model& m = ctx.model;
  st.checked = true;
  st.refused.clear();
  st.results.clear();
  st.checked_fingerprint = m.run.trace.fingerprint_hex();
  // Two frames: the first one's scroll is clamped to the panel's height before the results.
  st.scroll_to_results = 2;
  ++st.tries;
  const Overrides prefix = exercise_prefix(ex, m.scenario);
  const Overrides& applied = ctx.session.overrides();
  for (size_t i = 0; i < applied.size(); ++i) {
    if (i < prefix.size() && applied[i] == prefix[i]) continue;
    const ExerciseSetting s{applied[i].first, applied[i].second, "what-if", {}};
    if (const auto refused = check_setting(ex, s)) {
      st.refused = refused->message;
      return;
    }
  }
  st.results = evaluate_goals(ex, m.run);
}

void results(const Exercise& ex, const PanelContext& ctx, const Messages& m, const Words& w, ExerciseUi& st) {
  const std::string& lang = m.lang();
  const bool stale = st.checked_fingerprint != ctx.model.run.trace.fingerprint_hex();
  if (st.scroll_to_results > 0) {  // the verdict (or the refusal) at the panel's top edge
    ImGui::SetScrollFromPosY(ImGui::GetCursorPosY() - ImGui::GetScrollY() - ImGui::GetStyle().WindowPadding.y, 0.0f);
    --st.scroll_to_results;
  }
  if (!st.refused.empty()) {
    wrapped_text(std::string(w.refused) + m.error(st.refused));  // the CLI's words, in this language
    return;
  }
  // The verdict first: in a short panel, scrolled to the results, it is the line a class sees.
  bool solved = true;
  for (size_t i = 0; i < ex.goals.size() && i < st.results.size(); ++i) solved &= st.results[i].held;
  wrapped_text(fmt::format(fmt::runtime(solved ? w.solved : w.not_yet), st.tries));
  if (stale) wrapped_text(w.stale);
  ImGui::Spacing();
  for (size_t i = 0; i < ex.goals.size() && i < st.results.size(); ++i) {
    const ExerciseGoal& g = ex.goals[i];
    const GoalResult& r = st.results[i];
    // Never colour alone: the mark says it in words too.
    ImGui::PushStyleColor(ImGuiCol_Text, r.held ? IM_COL32(86, 180, 233, 255) : IM_COL32(230, 159, 0, 255));
    ImGui::TextUnformatted(r.held ? w.held : w.not_held);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    rich_text(g.tr.pick("text", g.text, lang));
    ImGui::Indent();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    wrapped_text(r.evidence_for(lang));
    ImGui::PopStyleColor();
    if (!r.held && !g.hint.empty()) rich_text(fmt::format("{}{}", w.hint, g.tr.pick("hint", g.hint, lang)));
    ImGui::Unindent();
  }
}

}  // namespace

void draw_exercise(const PanelContext& ctx, UiState& ui, Commands& commands) {
  ExerciseUi& st = ui.exercise;
  const std::string& lang = ui.settings.language;
  const Words w = words(ui);

  if (!st.listed) {
    st.listed = true;
    for (const std::string& file : list_exercises(ctx.assets_dir + "/exercises")) {
      ExerciseLoad l = load_exercise_file(file);
      if (l.exercise)
        st.list.push_back(std::move(*l.exercise));
      else if (st.error.empty())
        st.error = l.error->to_string(ui.words);
    }
  }
  if (st.opened) {  // an exercise file opened from disk: it replaces a shipped one with its id
    auto same = std::find_if(st.list.begin(), st.list.end(), [&](const Exercise& e) { return e.id == st.opened->id; });
    if (same == st.list.end())
      same = st.list.insert(st.list.end(), std::move(*st.opened));
    else
      *same = std::move(*st.opened);
    st.opened.reset();
    st.error.clear();
    st.current = static_cast<int>(same - st.list.begin());
    open_exercise(*same, st, commands);
    make_room(ui);
  }
  if (!st.error.empty()) wrapped_text(st.error);
  if (!st.choose.empty()) {  // the script's `exercise ID`
    for (size_t i = 0; i < st.list.size(); ++i)
      if (st.list[i].id == st.choose) {
        st.current = static_cast<int>(i);
        open_exercise(st.list[i], st, commands);
        make_room(ui);
      }
    if (st.current < 0 || st.list[static_cast<size_t>(st.current)].id != st.choose)
      st.error = ui.trf("exercise.no_such", st.choose, ctx.assets_dir);
    st.choose.clear();
  }
  ImGui::SetNextItemWidth(-1);
  const char* preview =
      st.current < 0 ? w.none : st.list[st.current].tr.pick("title", st.list[st.current].title, lang).c_str();
  if (ImGui::BeginCombo("##exercise", preview)) {
    for (size_t i = 0; i < st.list.size(); ++i)
      if (ImGui::Selectable(st.list[i].tr.pick("title", st.list[i].title, lang).c_str(),
                            static_cast<int>(i) == st.current)) {
        st.current = static_cast<int>(i);
        open_exercise(st.list[i], st, commands);
        make_room(ui);
      }
    ImGui::EndCombo();
  }
  // A script's check waits for the run; with no exercise open it has nothing to wait for.
  if (st.current < 0) {
    wrapped_text(w.intro);
    st.check_now = false;
    return;
  }
  const Exercise& ex = st.list[st.current];
  if (ctx.session.path() != ex.scenario_path) {
    wrapped_text(ctx.session.busy() ? w.opening : w.other_run);
    if (!ctx.session.busy()) st.check_now = false;
    return;
  }
  if (ImGui::CollapsingHeader(w.task, ImGuiTreeNodeFlags_DefaultOpen)) rich_text(ex.tr.pick("task", ex.task, lang));
  ImGui::Spacing();
  ImGui::TextDisabled("%s", w.may_change);
  ImGui::Separator();
  for (const ExerciseParam& p : ex.params) param_widget(p, ex, ctx.session.overrides(), lang, w, st, commands);
  ImGui::Spacing();
  ImGui::TextDisabled("%s", w.goal);
  ImGui::Separator();
  if (!st.checked)
    for (const ExerciseGoal& g : ex.goals) {  // wrapped: the column is narrow on a small screen
      ImGui::Bullet();
      rich_text(g.tr.pick("text", g.text, lang));
    }
  ImGui::BeginDisabled(ctx.session.busy());
  const bool go = ImGui::Button(ctx.session.busy() ? w.busy : w.check);
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button(w.restart)) open_exercise(ex, st, commands);
  if (go || (st.check_now && !ctx.session.busy())) check(ex, ctx, st);
  if (!ctx.session.busy()) st.check_now = false;
  if (st.checked) results(ex, ctx, ui.words, w, st);
}

}  // namespace deploysim::gui
