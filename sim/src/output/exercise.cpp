// Reading exercise files and learners' settings files (docs/lessons.md, "Exercises"). Every mistake is one
// located error; a [start], [[param]] or [solution] path the scenario refuses is reported at the
// exercise file's line, with the scenario's reason.
#include "deploysim/exercise.hpp"
#include "deploysim/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "deploysim/kinds.hpp"
#include "deploysim/scenario_write.hpp"
#include "output/exercise_detail.hpp"
#include "output/toml_text.hpp"
#include "scenario/scenario_reader.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim {

namespace fs = std::filesystem;

namespace exercise_detail {

ScenarioError located(const std::string& file, const toml::source_region& where, std::string msg) {
  return ScenarioError{file, where.begin.line, where.begin.column, std::move(msg)};
}

ScenarioError wrong_type(const std::string& file, const toml::node& n, std::string_view key, std::string_view where,
                         std::string_view expected) {
  return located(file, n.source(),
                 fmt::format("'{}' in {} must be {}, got {}", key, where, expected, detail::describe(n)));
}

ScenarioError wrong_entry(const std::string& file, const toml::node& entry, std::string_view key,
                          std::string_view where, std::string_view expected) {
  return located(file, entry.source(),
                 fmt::format("'{}' in {} must be {}, got {} in it", key, where, expected, detail::describe(entry)));
}

std::string node_text(const toml::node& n) {
  if (const auto* s = n.as_string()) return toml_basic_string(s->get());
  std::ostringstream os;
  n.visit([&](const auto& v) { os << v; });
  return os.str();
}

}  // namespace exercise_detail

namespace {

using exercise_detail::located;
using exercise_detail::node_text;
using exercise_detail::read_own_sources;
using exercise_detail::wrong_entry;
using exercise_detail::wrong_type;

// How the tables a key may be read from are named in messages, as the file writes them.
constexpr std::string_view in_exercise_file = "the exercise file", in_exercise = "[exercise]", in_param = "[[param]]",
                           in_goal = "[[goal]]", in_settings_file = "the settings file";

// Thrown inside the readers and turned into the one error of the load.
struct Refused {
  ScenarioError error;
};

struct Reader {
  const std::string& file;

  [[noreturn]] void fail(const toml::node& at, std::string msg) const {
    throw Refused{located(file, at.source(), std::move(msg))};
  }

  // `key` of the table `where` holds something else than `expected`.
  [[noreturn]] void fail_type(const toml::node& at, std::string_view key, std::string_view where,
                              std::string_view expected) const {
    throw Refused{wrong_type(file, at, key, where, expected)};
  }

  void keys(const toml::table& t, const std::set<std::string_view>& allowed, std::string_view where) const {
    for (const auto& [k, v] : t) {
      if (allowed.count(k.str())) continue;
      // A field that may be given in Korean (`task_ko`) may be given in any language (`task_ja`).
      if (const auto tk = translated_key(k.str()); tk && allowed.count(std::string(tk->first) + "_ko")) continue;
      if (const auto ko = detail::translation_table_error(k.str(), where))
        throw Refused{located(file, k.source(), *ko)};
      const std::vector<std::string> keys(allowed.begin(), allowed.end());
      if (const auto best = detail::closest(k.str(), keys))
        throw Refused{located(file, k.source(),
                              fmt::format("unknown key '{}' in {} (did you mean '{}'?)", k.str(), where, *best))};
      std::string expected;
      for (auto a : allowed) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", a);
      throw Refused{located(file, k.source(),
                            fmt::format("unknown key '{}' in {} (expected one of: {})", k.str(), where, expected))};
    }
  }

  // Every `<field>_<lang>` string of `t` whose field is in `fields`, into `tr`.
  void translations(const toml::table& t, std::string_view where, std::initializer_list<std::string_view> fields,
                    Translations& tr) const {
    for (const auto& [k, v] : t) {
      const auto tk = translated_key(k.str());
      if (tk && std::find(fields.begin(), fields.end(), tk->first) != fields.end())
        tr.fields[std::string(tk->first)][std::string(tk->second)] = str(t, where, k.str());
    }
  }

  std::string str(const toml::table& t, std::string_view where, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (!n->is_string()) fail_type(*n, key, where, fmt::format("a string (e.g. {} = \"...\")", key));
    return n->as_string()->get();
  }

  std::vector<std::string> strs(const toml::table& t, std::string_view where, std::string_view key) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const std::string expected = fmt::format("an array of strings (e.g. {} = [\"a\", \"b\"])", key);
    if (!n->is_array()) fail_type(*n, key, where, expected);
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) throw Refused{wrong_entry(file, e, key, where, expected)};
      out.push_back(e.as_string()->get());
    }
    return out;
  }

  // [[param]] and [[goal]]: `[goal]`, with single brackets, is one table, not an entry of a list.
  const toml::array* tables(const toml::table& root, std::string_view key) const {
    const toml::node* n = root.get(key);
    if (!n) return nullptr;
    if (!n->is_array_of_tables())
      fail_type(*n, key, in_exercise_file, fmt::format("an array of tables (e.g. [[{}]])", key));
    return n->as_array();
  }

  // A table of path = value (the [start] and [solution] tables and a settings file's [set]).
  std::vector<ExerciseSetting> settings(const toml::table& root, std::string_view where, std::string_view key) const {
    std::vector<ExerciseSetting> out;
    const toml::node* n = root.get(key);
    if (!n) return out;
    if (!n->is_table()) fail_type(*n, key, where, fmt::format("a table (e.g. [{}] \"service.api.workers\" = 3)", key));
    const std::string table = fmt::format("[{}]", key);
    for (const auto& [k, v] : *n->as_table()) {
      // An unquoted dotted path (service.api.workers = 3) is, to TOML, a table named `service`.
      if (v.is_table() || v.is_array_of_tables())
        fail_type(v, k.str(), table,
                  "a number, a string, true/false or an array (a dotted path is written in quotes, e.g. "
                  "\"service.api.workers\" = 3)");
      out.push_back({std::string(k.str()), node_text(v), file, {v.source().begin.line, v.source().begin.column}});
    }
    return out;
  }
};

void read_params(const Reader& rd, const toml::table& root, Exercise& ex) {
  const toml::array* arr = rd.tables(root, "param");
  if (!arr) return;
  for (const toml::node& n : *arr) {
    const toml::table& t = *n.as_table();
    rd.keys(t, {"path", "label", "label_ko", "values", "min", "max"}, in_param);
    ExerciseParam p;
    p.pos = {t.source().begin.line, t.source().begin.column};
    p.path = rd.str(t, in_param, "path");
    p.label = rd.str(t, in_param, "label");
    p.label_ko = rd.str(t, in_param, "label_ko");
    rd.translations(t, in_param, {"label"}, p.tr);
    if (p.path.empty()) rd.fail(t, "[[param]] needs a path, e.g. path = \"service.api.workers\"");
    const toml::source_position at = t.get("path")->source().begin;
    p.pos = {at.line, at.column};  // a path the scenario refuses is reported here
    if (const toml::node* v = t.get("values")) {
      if (!v->is_array())
        rd.fail_type(*v, "values", in_param, "an array of the allowed values (e.g. values = [1, 2, 4])");
      if (v->as_array()->empty())
        rd.fail(*v, fmt::format("'values' in {} must not be empty (e.g. values = [1, 2, 4])", in_param));
      for (const toml::node& e : *v->as_array()) {
        p.values.push_back(node_text(e));
        p.value_pos.push_back({e.source().begin.line, e.source().begin.column});
      }
    }
    for (const char* key : {"min", "max"}) {
      const toml::node* b = t.get(key);
      if (!b) continue;
      const bool duration = b->is_string() && parse_duration(b->as_string()->get());
      if (!b->is_number() && !duration)
        rd.fail_type(*b, key, in_param, fmt::format("a number or a duration (e.g. {} = \"100ms\")", key));
      (std::string_view(key) == "min" ? p.min : p.max) = node_text(*b);
    }
    if (p.values.empty() == (p.min.empty() && p.max.empty()))
      rd.fail(t,
              fmt::format("[[param]] '{}' needs either 'values' (the allowed values) or 'min'/'max' bounds", p.path));
    ex.params.push_back(std::move(p));
  }
}

const std::set<std::string_view> metric_measures = {"availability", "failed",      "latency.p50", "latency.p90",
                                                    "latency.p99",  "latency.max", "restarts",    "error_budget"};

void check_measure(const Reader& rd, const toml::table& t, const ExerciseGoal& g) {
  const toml::node& at = t.get("measure") ? *t.get("measure") : static_cast<const toml::node&>(t);
  const bool windowed = g.measure == "availability" || g.measure == "failed" || g.measure.starts_with("failures.") ||
                        g.measure.starts_with("count:");
  if (g.measure.starts_with("count:")) {
    const std::string kind = g.measure.substr(6);
    if (!find_key(kind)) {
      if (const auto best = closest_key(kind))
        rd.fail(at, fmt::format("'{}' is not a record kind or narration key (did you mean '{}'?)", kind, *best));
      rd.fail(at, fmt::format("'{}' is not a record kind or narration key (see docs/trace-format.md)", kind));
    }
  } else if (g.measure.starts_with("failures.")) {
    // A cause no request fails with ("expired") would make `equals = 0` hold whatever happens.
    std::vector<std::string> causes;
    for (auto c = FailureCause::bad_url; c <= FailureCause::gateway_timeout;
         c = static_cast<FailureCause>(static_cast<int>(c) + 1))
      causes.emplace_back(failure_cause_name(c));
    const std::string cause = g.measure.substr(9);
    if (std::find(causes.begin(), causes.end(), cause) == causes.end()) {
      std::optional<std::string> best = cause.empty() ? std::nullopt : detail::closest(cause, causes);
      for (const std::string& c : causes)  // "expired": the cause that holds it
        if (!best && !cause.empty() && c.find(cause) != std::string::npos) best = c;
      std::string all;
      for (const std::string& c : causes) all += (all.empty() ? "" : ", ") + c;
      rd.fail(at,
              best ? fmt::format("unknown failure cause '{}' in failures.{} (did you mean '{}'?)", cause, cause, *best)
                   : fmt::format("unknown failure cause '{}' (expected failures. and one of: {})", cause, all));
    }
  } else if (!metric_measures.count(g.measure)) {
    rd.fail(at, fmt::format("unknown measure '{}' (expected availability, failed, failures.CAUSE, latency.p50, "
                            "latency.p90, latency.p99, latency.max, restarts, error_budget or count:KIND)",
                            g.measure));
  }
  for (const char* key : {"from", "until"}) {
    const toml::node* w = t.get(key);
    if (!w) continue;
    if (!windowed)
      rd.fail(*w, fmt::format("'{}' applies to availability, failed, failures.CAUSE and count:KIND only; '{}' "
                              "is measured over the whole run",
                              key, g.measure));
    if (!valid_step_target(w->as_string()->get()))
      rd.fail_type(*w, key, in_goal, "a time (\"1m\"), \"start\", \"end\" or \"kind:KIND[#n]\"");
  }
}

// The example of a goal's number in its measure's unit: availability is a percent (99.5, not 0.99).
std::string number_example(const std::string& measure, std::string_view key) {
  if (measure == "availability" || measure == "error_budget")
    return fmt::format("a number, a percent without the % sign (e.g. {} = 99.5 for {} %)", key, "99.5");
  if (measure.starts_with("latency."))
    return fmt::format("a number of milliseconds without the unit (e.g. {} = 250 for 250 ms)", key);
  return fmt::format("a number (e.g. {} = 0)", key);
}

constexpr std::pair<std::string_view, Compare> comparisons_by_key[] = {{"at_least", Compare::at_least},
                                                                       {"at_most", Compare::at_most},
                                                                       {"below", Compare::below},
                                                                       {"above", Compare::above},
                                                                       {"equals", Compare::equals}};

void read_goals(const Reader& rd, const toml::table& root, Exercise& ex) {
  const toml::array* arr = rd.tables(root, "goal");
  if (!arr || arr->empty()) rd.fail(root, "an exercise needs at least one [[goal]] (measure and a comparison)");
  for (const toml::node& n : *arr) {
    const toml::table& t = *n.as_table();
    rd.keys(t,
            {"text", "text_ko", "measure", "at_least", "at_most", "below", "above", "equals", "from", "until", "hint",
             "hint_ko"},
            in_goal);
    ExerciseGoal g;
    g.pos = {t.source().begin.line, t.source().begin.column};
    g.text = rd.str(t, in_goal, "text");
    g.text_ko = rd.str(t, in_goal, "text_ko");
    g.measure = rd.str(t, in_goal, "measure");
    g.from = rd.str(t, in_goal, "from");
    g.until = rd.str(t, in_goal, "until");
    g.hint = rd.str(t, in_goal, "hint");
    g.hint_ko = rd.str(t, in_goal, "hint_ko");
    rd.translations(t, in_goal, {"text", "hint"}, g.tr);
    if (g.text.empty() || g.measure.empty()) rd.fail(t, "[[goal]] needs a text and a measure");
    int comparisons = 0;
    const toml::node* number = nullptr;
    std::string_view number_key;
    for (const auto& [key, c] : comparisons_by_key) {
      const toml::node* v = t.get(key);
      if (!v) continue;
      if (!v->is_number()) rd.fail_type(*v, key, in_goal, number_example(g.measure, key));
      g.compare = c;
      g.value = v->value<double>().value_or(0);
      number = v;
      number_key = key;
      ++comparisons;
    }
    if (comparisons != 1)
      rd.fail(t, fmt::format("[[goal]] '{}' needs exactly one of at_least, at_most, below, above, equals", g.text));
    // 0.99 written as a fraction is 0.99 %, which every run but a dead one meets: the goal would
    // pass whatever the learner does.
    if (g.measure == "availability" && (g.compare == Compare::at_least || g.compare == Compare::above) && g.value > 0 &&
        g.value <= 1)
      rd.fail(*number, fmt::format("availability is a percent: {0} = {1:g} asks for {1:g} %, which almost any run "
                                   "meets (write {0} = {2:g} for {2:g} %)",
                                   number_key, g.value, g.value * 100));
    check_measure(rd, t, g);
    ex.goals.push_back(std::move(g));
  }
}

// Applies one setting to the scenario, relocating the scenario's refusal to the exercise file.
LoadResult apply_located(const Scenario& sc, const ExerciseSetting& s, std::string_view what) {
  LoadResult r = set_param(sc, s.path, s.value);
  if (r.error)
    r.error = ScenarioError{
        s.file, s.pos.line, s.pos.column,
        fmt::format("{} is refused by {}: {}", what, fs::path(sc.source_path).filename().string(), r.error->message)};
  return r;
}

// "true" or "4" written as a text where the scenario takes a boolean or a number: the value
// without its quotes, when that is a TOML boolean or number; else "".
std::string unquote_hint(const std::string& value) {
  if (value.size() < 2 || value.front() != '"') return "";
  const std::string inner = value.substr(1, value.size() - 2);
  try {
    const toml::table t = toml::parse("v = " + inner);
    if (const toml::node* v = t.get("v"); v && (v->is_boolean() || v->is_number())) return inner;
  } catch (const toml::parse_error&) {}
  return "";
}

// The scenario must accept every path the exercise names, and the solution must keep to the
// params, so that a typo in an exercise shows up in `deploysim check`, not in a class.
void check_against_scenario(const Reader& rd, const toml::table& root, const Exercise& ex) {
  LoadResult base = load_scenario_file(ex.scenario_path);
  if (base.error) throw Refused{*base.error};
  if (!ex.variant.empty()) {
    base = apply_variant(*base.scenario, ex.variant);
    if (base.error) rd.fail(*root["exercise"]["variant"].node(), base.error->message);
  }
  Scenario sc = *base.scenario;
  for (const ExerciseSetting& s : ex.start) {
    LoadResult r = apply_located(sc, s, "[start]");
    if (r.error) throw Refused{*r.error};
    sc = *r.scenario;
  }
  const Scenario unsolved = sc;
  // The solution first (a refusal names it), then each param it leaves alone, tried on the solved
  // scenario where the keys it depends on are set (max_unavailable needs rollout = "rolling"),
  // then the solution against the params.
  for (const ExerciseSetting& s : ex.solution) {
    LoadResult r = apply_located(sc, s, "[solution]");
    if (r.error) throw Refused{*r.error};
    sc = *r.scenario;
  }
  // Every value a param offers must be one the scenario takes, reported where it is written: a
  // learner would otherwise pick it in class and be refused.
  for (const ExerciseParam& p : ex.params) {
    if (p.values.empty()) {
      const bool solved_by =
          std::any_of(ex.solution.begin(), ex.solution.end(), [&](const auto& s) { return s.path == p.path; });
      if (solved_by) continue;
      LoadResult r = apply_located(sc, {p.path, !p.min.empty() ? p.min : p.max, ex.source_path, p.pos}, "[[param]]");
      if (r.error) throw Refused{*r.error};
      continue;
    }
    for (size_t i = 0; i < p.values.size(); ++i) {
      const SourcePos at = i < p.value_pos.size() ? p.value_pos[i] : p.pos;
      if (!set_param(sc, p.path, p.values[i]).error) continue;
      // A value may need a key the solution sets differently (max_unavailable needs rolling):
      // it counts if the scenario before the solution takes it.
      if (!set_param(unsolved, p.path, p.values[i]).error) continue;
      const LoadResult r =
          apply_located(sc, {p.path, p.values[i], ex.source_path, at}, "a value in [[param]] 'values'");
      std::string message = r.error->message;
      if (const std::string hint = unquote_hint(p.values[i]); !hint.empty() && !set_param(sc, p.path, hint).error)
        message += fmt::format(" (write {0} without quotes: values = [{0}, ...])", hint);
      throw Refused{ScenarioError{r.error->file, r.error->line, r.error->column, message}};
    }
  }
  for (const ExerciseSetting& s : ex.solution)
    if (auto e = check_setting(ex, s))
      throw Refused{ScenarioError{e->file, e->line, e->column, "[solution]: " + e->message}};
}

Exercise read_exercise(const std::string& path, const toml::table& root, const SourceCatalogue& catalogue) {
  const Reader rd{path};
  rd.keys(root, {"exercise", "start", "param", "goal", "solution", "source"}, in_exercise_file);
  const toml::table* info = root["exercise"].as_table();
  if (!info) throw Refused{ScenarioError{path, 1, 1, "missing [exercise] table (title, scenario, task, ...)"}};
  rd.keys(*info, {"title", "title_ko", "concept", "scenario", "variant", "task", "task_ko", "sources"}, in_exercise);
  Exercise ex;
  ex.source_path = path;
  ex.pos = {info->source().begin.line, info->source().begin.column};
  ex.id = fs::path(path).stem().string();
  ex.title = rd.str(*info, in_exercise, "title");
  ex.title_ko = rd.str(*info, in_exercise, "title_ko");
  ex.topic = rd.str(*info, in_exercise, "concept");
  ex.task = rd.str(*info, in_exercise, "task");
  ex.task_ko = rd.str(*info, in_exercise, "task_ko");
  rd.translations(*info, in_exercise, {"title", "task"}, ex.tr);
  ex.variant = rd.str(*info, in_exercise, "variant");
  ex.sources = rd.strs(*info, in_exercise, "sources");
  if (auto e = read_own_sources(root, path, catalogue, ex.own_sources)) throw Refused{*e};
  for (size_t i = 0; i < ex.sources.size(); ++i)
    if (!catalogue.count(ex.sources[i]) && !ex.own_sources.count(ex.sources[i])) {
      SourceCatalogue all = catalogue;
      all.insert(ex.own_sources.begin(), ex.own_sources.end());
      rd.fail(*(*info->get("sources")->as_array()).get(i), unknown_source_message(ex.sources[i], all));
    }
  const std::string scenario = rd.str(*info, in_exercise, "scenario");
  if (ex.title.empty() || scenario.empty() || ex.task.empty())
    rd.fail(*info,
            "[exercise] needs a title, a task and a scenario (a file beside the exercise or in assets/scenarios/)");
  std::string looked;
  const fs::path sp = find_scenario(scenario, path, &looked);
  std::error_code ec;  // a name the file system refuses (too long) is "not found", not an exception
  if (!fs::exists(sp, ec))
    rd.fail(*info->get("scenario"), fmt::format("scenario '{}' not found (looked at {})", scenario, looked));
  ex.scenario_path = sp.string();
  ex.start = rd.settings(root, in_exercise_file, "start");
  read_params(rd, root, ex);
  if (ex.params.empty()) rd.fail(root, "an exercise needs at least one [[param]] the learner may change");
  read_goals(rd, root, ex);
  ex.solution = rd.settings(root, in_exercise_file, "solution");
  if (const toml::node* sol = root.get("solution"))
    ex.solution_pos = {sol->source().begin.line, sol->source().begin.column};
  if (ex.solution.empty()) rd.fail(root, "an exercise needs a [solution] table: the settings that solve it");
  check_against_scenario(rd, root, ex);
  return ex;
}

}  // namespace

namespace {

bool read_whole(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return false;
  std::ostringstream all;
  all << in.rdbuf();  // an empty file sets failbit on `all`, not an error
  text = all.str();
  return !in.bad();
}

}  // namespace

ExerciseLoad load_exercise_file(const std::string& path, const SourceCatalogue* sources) {
  ExerciseLoad out;
  std::string text;
  std::error_code ec;
  if (!fs::exists(path, ec) || !read_whole(path, text)) {
    out.error = ScenarioError{path, 0, 0, "cannot open the exercise file (does it exist?)"};
    return out;
  }
  return load_exercise_text(text, path, sources);
}

ExerciseLoad load_exercise_text(std::string_view text, const std::string& path, const SourceCatalogue* sources) {
  ExerciseLoad out;
  if (!sources) {
    const SourcesLoad catalogue = load_sources();
    if (catalogue.error) {
      out.error = catalogue.error;
      return out;
    }
    return load_exercise_text(text, path, &catalogue.sources);
  }
  try {
    const toml::table root = toml::parse(text, path);
    out.exercise = read_exercise(path, root, *sources);
  } catch (const toml::parse_error& e) {
    const TomlSyntaxError te = toml_syntax_error(text, e);
    out.error = ScenarioError{path, te.line, te.column, te.message};
  } catch (const Refused& r) {
    out.error = r.error;
  }
  return out;
}

bool is_exercise_file(const std::string& path) {
  try {
    return toml::parse_file(path)["exercise"].is_table();
  } catch (const toml::parse_error&) {
    return false;
  }
}

std::vector<std::string> list_exercises(const std::string& dir_in) {
  const std::string dir = dir_in.empty() ? assets_dir() + "/exercises" : dir_in;
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string exercise_path(std::string_view id_or_path) {
  const fs::path shipped = fs::path(assets_dir()) / "exercises" / (std::string(id_or_path) + ".toml");
  std::error_code ec;
  if (id_or_path.find('/') == std::string_view::npos && !id_or_path.ends_with(".toml") && fs::exists(shipped, ec))
    return shipped.string();
  return std::string(id_or_path);
}

std::string setting_value_text(std::string_view typed) {
  try {
    const toml::table t = toml::parse("v = " + std::string(typed));
    if (t.size() == 1 && !t.get("v")->is_table()) return std::string(typed);
  } catch (const toml::parse_error&) {}
  return toml_basic_string(typed);
}

SettingsFile load_settings_file(const std::string& path) {
  SettingsFile out;
  std::string text;
  std::error_code ec;
  if (!fs::exists(path, ec) || !read_whole(path, text)) {
    out.error = ScenarioError{path, 0, 0, "cannot open the settings file (does it exist?)"};
    return out;
  }
  return load_settings_text(text, path);
}

SettingsFile load_settings_text(std::string_view text, const std::string& path) {
  SettingsFile out;
  try {
    const toml::table root = toml::parse(text, path);
    const Reader rd{path};
    rd.keys(root, {"exercise", "learner", "set"}, in_settings_file);
    out.exercise = rd.str(root, in_settings_file, "exercise");
    out.learner = rd.str(root, in_settings_file, "learner");
    if (!root.get("set")) rd.fail(root, "missing [set] table: the settings, e.g. [set] \"service.api.workers\" = 3");
    out.settings = rd.settings(root, in_settings_file, "set");
  } catch (const toml::parse_error& e) {
    const TomlSyntaxError te = toml_syntax_error(text, e);
    out.error = ScenarioError{path, te.line, te.column, te.message};
  } catch (const Refused& r) {
    out.error = r.error;
  }
  return out;
}

}  // namespace deploysim
