#include "deploysim/lesson.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <toml++/toml.h>

#include "output/exercise_detail.hpp"
#include "output/toml_text.hpp"
#include "scenario/scenario_reader.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim {

namespace fs = std::filesystem;
using exercise_detail::located;  // a located error at a TOML node, as exercises give them
using exercise_detail::wrong_entry;
using exercise_detail::wrong_type;

namespace {

// Parses a TOML file; a missing file or a syntax error becomes a located error.
bool parse_file(const std::string& path, std::string_view what, toml::table& root, std::optional<ScenarioError>& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = ScenarioError{path, 0, 0, fmt::format("cannot open {} (does it exist?)", what)};
    return false;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    root = toml::parse(text, path);
    return true;
  } catch (const toml::parse_error& e) {
    const TomlSyntaxError te = toml_syntax_error(text, e);
    err = ScenarioError{path, te.line, te.column, te.message};
    return false;
  }
}

// The table a key is read from (`[step.question]`): every error about a key names it, as a
// scenario's errors do, since a lesson has many `text` and `sources` keys.
using Where = std::string_view;

// Reads an optional string key; a present key of another type is an error.
bool read_string(const toml::table& t, std::string_view key, std::string& out, Where where, const std::string& file,
                 std::optional<ScenarioError>& err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (const auto* s = n->as_string()) {
    out = s->get();
    return true;
  }
  err = wrong_type(file, *n, key, where, fmt::format("a string (e.g. {} = \"...\")", key));
  return false;
}

// Reads an optional array of strings.
bool read_strings(const toml::table& t, std::string_view key, std::vector<std::string>& out, Where where,
                  const std::string& file, std::optional<ScenarioError>& err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  const toml::array* arr = n->as_array();
  const std::string expected = fmt::format("an array of strings (e.g. {} = [\"a\", \"b\"])", key);
  if (!arr) {
    err = wrong_type(file, *n, key, where, expected);
    return false;
  }
  for (const toml::node& e : *arr) {
    const auto* s = e.as_string();
    if (!s) {
      err = wrong_entry(file, e, key, where, expected);
      return false;
    }
    out.push_back(s->get());
  }
  return true;
}

// Every id of `key` must name a source in the catalogue.
bool check_sources(const toml::table& t, const std::vector<std::string>& ids, const SourceCatalogue& catalogue,
                   const std::string& file, std::optional<ScenarioError>& err) {
  const toml::array* arr = t["sources"].as_array();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (catalogue.count(ids[i])) continue;
    err = located(file, arr ? (*arr)[i].source() : t.source(), unknown_source_message(ids[i], catalogue));
    return false;
  }
  return true;
}

bool check_keys(const toml::table& t, const std::set<std::string_view>& allowed, std::string_view where,
                const std::string& file, std::optional<ScenarioError>& err) {
  for (const auto& [k, v] : t) {
    // A field that may be given in Korean (`text_ko`) may be given in any language (`text_ja`).
    const auto tk = translated_key(k.str());
    if (tk && allowed.count(std::string(tk->first) + "_ko")) continue;
    if (!allowed.count(k.str())) {
      if (const auto ko = detail::translation_table_error(k.str(), where)) {
        err = located(file, k.source(), *ko);
        return false;
      }
      // A typo gets the key it is closest to, as a scenario's does; else every key allowed.
      const std::vector<std::string> keys(allowed.begin(), allowed.end());
      if (const auto best = detail::closest(k.str(), keys)) {
        err = located(file, k.source(),
                      fmt::format("unknown key '{}' in {} (did you mean '{}'?)", k.str(), where, *best));
        return false;
      }
      std::string expected;
      for (auto a : allowed) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", a);
      err = located(file, k.source(),
                    fmt::format("unknown key '{}' in {} (expected one of: {})", k.str(), where, expected));
      return false;
    }
  }
  return true;
}

// Every `<field>_<lang>` string of `t` whose field is in `fields` (`title_ko`, `title_ja`), into `tr`.
bool read_translations(const toml::table& t, std::initializer_list<std::string_view> fields, Translations& tr,
                       Where where, const std::string& file, std::optional<ScenarioError>& err) {
  for (const auto& [k, v] : t) {
    const auto tk = translated_key(k.str());
    if (!tk || std::find(fields.begin(), fields.end(), tk->first) == fields.end()) continue;
    std::string text;
    if (!read_string(t, k.str(), text, where, file, err)) return false;
    tr.fields[std::string(tk->first)][std::string(tk->second)] = std::move(text);
  }
  return true;
}

// Reads an optional number (integer or float): a question's tolerance, in the answer's unit.
bool read_number(const toml::table& t, std::string_view key, double& out, Where where, const std::string& file,
                 std::optional<ScenarioError>& err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (auto v = n->value<double>(); v && (n->is_integer() || n->is_floating_point())) {
    out = *v;
    return true;
  }
  err = wrong_type(file, *n, key, where, "a number in the unit the answer is read in (e.g. tolerance = 0.5)");
  return false;
}

// A text given only in another language (`text_ko` without `text`): the English is what every
// other language falls back to, so it is required; said so rather than "needs a text".
std::optional<ScenarioError> missing_english(const toml::table& t, std::string_view field, Where where,
                                             const std::string& file) {
  for (const auto& [k, v] : t)
    if (const auto tk = translated_key(k.str()); tk && tk->first == field)
      return located(file, t.source(),
                     fmt::format("{} has '{}' but no '{}': write the English '{}' too (it is shown wherever a "
                                 "translation is missing)",
                                 where, k.str(), field, field));
  return std::nullopt;
}

// A choice's value as text: a string, a number or a boolean (`value = 3` and `value = "3"` alike).
bool read_choice_value(const toml::table& t, std::string& out, const std::string& file,
                       std::optional<ScenarioError>& err) {
  const toml::node* n = t.get("value");
  if (!n) {
    err = located(file, t.source(), "a [[step.question.choice]] needs a value (compared with the answer from the run)");
    return false;
  }
  if (const auto* s = n->as_string())
    out = s->get();
  else if (const auto* i = n->as_integer())
    out = std::to_string(i->get());
  else if (const auto* f = n->as_floating_point())
    out = fmt::format("{}", f->get());
  else if (const auto* b = n->as_boolean())
    out = b->get() ? "true" : "false";
  else {
    err = wrong_type(file, *n, "value", "[[step.question.choice]]", "a string, a number or true/false");
    return false;
  }
  return true;
}

std::optional<Question> parse_question(const toml::node& node, const std::string& file,
                                       std::optional<ScenarioError>& err) {
  const toml::table* qt = node.as_table();
  if (!qt) {
    err = located(file, node.source(), "'question' must be a table: [step.question] with prompt, type, answer");
    return std::nullopt;
  }
  Question q;
  q.pos = {qt->source().begin.line, qt->source().begin.column};
  std::string type;
  constexpr Where where = "[step.question]";
  // A teacher who writes the right choice's number (`answer = 2`) is told what an answer is.
  if (const toml::node* an = qt->get("answer")) {
    const auto* text = an->as_string();
    if (!text || (!text->get().empty() &&
                  std::all_of(text->get().begin(), text->get().end(), [](char c) { return c >= '0' && c <= '9'; }))) {
      err = located(file, an->source(),
                    fmt::format("'answer' in {} is an answer source, a text such as \"field:step/DETAIL\" or "
                                "\"metric:NAME\" that says where the run holds the answer, not {}: the right choice is "
                                "the one whose value equals what it reads",
                                where, detail::describe(*an)));
      return std::nullopt;
    }
  }
  if (!check_keys(*qt, {"prompt", "prompt_ko", "type", "answer", "tolerance", "explain", "explain_ko", "choice"}, where,
                  file, err) ||
      !read_string(*qt, "prompt", q.prompt, where, file, err) ||
      !read_string(*qt, "prompt_ko", q.prompt_ko, where, file, err) ||
      !read_string(*qt, "type", type, where, file, err) || !read_string(*qt, "answer", q.answer, where, file, err) ||
      !read_number(*qt, "tolerance", q.tolerance, where, file, err) ||
      !read_string(*qt, "explain", q.explain, where, file, err) ||
      !read_string(*qt, "explain_ko", q.explain_ko, where, file, err) ||
      !read_translations(*qt, {"prompt", "explain"}, q.tr, where, file, err))
    return std::nullopt;
  if (q.prompt.empty()) {
    err = missing_english(*qt, "prompt", where, file);
    if (!err) err = located(file, qt->source(), "a [step.question] needs a prompt");
    return std::nullopt;
  }
  if (type == "number" || type.empty()) {
    q.type = QuestionType::number;
  } else if (type == "choice") {
    q.type = QuestionType::choice;
  } else {
    err = wrong_type(file, *qt->get("type"), "type", where, "\"number\" or \"choice\"");
    return std::nullopt;
  }
  const toml::node* an = qt->get("answer");
  if (!an) {
    err = located(file, qt->source(),
                  "a [step.question] needs an answer source, e.g. answer = \"count:process.start\" (the answer is "
                  "read from the run, never typed in)");
    return std::nullopt;
  }
  q.answer_pos = {an->source().begin.line, an->source().begin.column};
  if (std::string why; !valid_answer_source(q.answer, &why)) {
    err = located(file, an->source(), fmt::format("bad answer source '{}' ({})", q.answer, why));
    return std::nullopt;
  }
  if (const toml::node* tn = qt->get("tolerance")) {
    if (q.type != QuestionType::number) {
      err = located(
          file, tn->source(),
          fmt::format("'tolerance' in {} is for number questions only (this one has type = \"choice\")", where));
      return std::nullopt;
    }
    if (q.tolerance < 0) {
      err = wrong_type(file, *tn, "tolerance", where, "0 or more");
      return std::nullopt;
    }
  }
  const toml::node* cn = qt->get("choice");
  if (q.type == QuestionType::number) {
    if (cn) {
      err = located(file, cn->source(), "a number question has no choices (set type = \"choice\")");
      return std::nullopt;
    }
    return q;
  }
  const toml::array* arr = cn ? cn->as_array() : nullptr;
  if (!arr || arr->size() < 2) {
    err = located(file, cn ? cn->source() : qt->source(),
                  "a choice question needs at least two [[step.question.choice]] tables (text, text_ko, value)");
    return std::nullopt;
  }
  for (const toml::node& c : *arr) {
    const toml::table* ct = c.as_table();
    if (!ct) {
      err = located(file, c.source(), "each [[step.question.choice]] must be a table");
      return std::nullopt;
    }
    QuestionChoice choice;
    choice.pos = {ct->source().begin.line, ct->source().begin.column};
    constexpr Where cw = "[[step.question.choice]]";
    if (!check_keys(*ct, {"text", "text_ko", "value"}, cw, file, err) ||
        !read_string(*ct, "text", choice.text, cw, file, err) ||
        !read_string(*ct, "text_ko", choice.text_ko, cw, file, err) ||
        !read_translations(*ct, {"text"}, choice.tr, cw, file, err) || !read_choice_value(*ct, choice.value, file, err))
      return std::nullopt;
    if (choice.text.empty()) {
      err = missing_english(*ct, "text", cw, file);
      if (!err) err = located(file, ct->source(), "a [[step.question.choice]] needs a text");
      return std::nullopt;
    }
    for (const auto& other : q.choices)
      if (other.value == choice.value) {
        err = located(file, ct->get("value")->source(),
                      fmt::format("two choices have the value '{}' (each choice needs its own value)", choice.value));
        return std::nullopt;
      }
    q.choices.push_back(std::move(choice));
  }
  return q;
}

// --- The course around a lesson: objectives, minutes, prerequisites ---

// A prerequisite is a lesson id: a file <id>.toml next to the lesson or among the shipped lessons.
bool lesson_exists(const std::string& lesson_file, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos) return false;
  std::error_code ec;
  return fs::is_regular_file(fs::path(lesson_file).parent_path() / (id + ".toml"), ec) ||
         fs::is_regular_file(fs::path(assets_dir()) / "lessons" / (id + ".toml"), ec);
}

bool read_course(const toml::table& info, Lesson& lesson, const std::string& file, std::optional<ScenarioError>& err) {
  constexpr Where where = "[lesson]";
  if (!read_strings(info, "objectives", lesson.objectives, where, file, err) ||
      !read_strings(info, "objectives_ko", lesson.objectives_ko, where, file, err) ||
      !read_strings(info, "prerequisites", lesson.prerequisites, where, file, err))
    return false;
  for (const auto& [k, v] : info) {
    const auto tk = translated_key(k.str());
    if (!tk || tk->first != "objectives") continue;
    std::vector<std::string>& list = lesson.objectives_in[std::string(tk->second)];
    if (!read_strings(info, k.str(), list, where, file, err)) return false;
    if (list.size() != lesson.objectives.size()) {
      err = located(file, v.source(),
                    fmt::format("'{}' has {} entries and 'objectives' {}: give each objective in both "
                                "languages, in the same order",
                                k.str(), list.size(), lesson.objectives.size()));
      return false;
    }
  }
  if (const toml::node* n = info.get("minutes")) {
    const auto* v = n->as_integer();
    // A lesson is taught in one sitting: a class period, or at most a long workshop session.
    if (!v || v->get() < 1 || v->get() > 240) {
      err = wrong_type(file, *n, "minutes", where, "a whole number of minutes from 1 to 240 (e.g. minutes = 15)");
      return false;
    }
    lesson.minutes = static_cast<int>(v->get());
  }
  const toml::array* arr = info["prerequisites"].as_array();
  for (size_t i = 0; i < lesson.prerequisites.size(); ++i) {
    const std::string& id = lesson.prerequisites[i];
    if (id == lesson.id) {
      err = located(file, (*arr)[i].source(), fmt::format("lesson '{}' cannot be its own prerequisite", id));
      return false;
    }
    if (!lesson_exists(file, id)) {
      err = located(file, (*arr)[i].source(),
                    fmt::format("unknown prerequisite '{}' (expected a lesson id: the name of a lesson file without "
                                ".toml, next to this one or in {}/lessons, e.g. \"01-https-request\")",
                                id, assets_dir()));
      return false;
    }
  }
  return true;
}

}  // namespace

std::string step_message(size_t step, std::string_view message) { return fmt::format("in step {}: {}", step, message); }

bool valid_step_target(std::string_view target) {
  if (target == "start" || target == "end") return true;
  if (target.starts_with("kind:")) {
    std::string_view rest = target.substr(5);
    const auto hash = rest.find('#');
    std::string_view kind = rest.substr(0, hash);
    if (kind.empty()) return false;
    if (hash != std::string_view::npos) {
      std::string_view n = rest.substr(hash + 1);
      if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    }
    return true;
  }
  return parse_duration(target).has_value();
}

std::optional<size_t> resolve_step_target(const Trace& trace, std::string_view target) {
  if (trace.empty()) return std::nullopt;
  if (target == "start") return 0;
  if (target == "end") return trace.size() - 1;
  if (target.starts_with("kind:")) {
    std::string_view rest = target.substr(5);
    const auto hash = rest.find('#');
    const std::string_view kind = rest.substr(0, hash);
    long nth =
        hash == std::string_view::npos ? 1 : std::strtol(std::string(rest.substr(hash + 1)).c_str(), nullptr, 10);
    const Sym sym = trace.find_sym(kind);
    if (sym == Sym::none) return std::nullopt;
    return trace.find_nth(sym, nth);
  }
  const auto t = parse_duration(target);
  if (!t) return std::nullopt;
  const auto recs = trace.records();
  auto it = std::upper_bound(recs.begin(), recs.end(), t->ns(), [](int64_t v, const Record& r) { return v < r.t_ns; });
  if (it == recs.begin()) return 0;
  return static_cast<size_t>(it - recs.begin()) - 1;
}

namespace {

// The tables of `root`, one source each ([id] with a title and a url), into `out`; `prefix` is
// how a table is written where they are ("" in the catalogue, "source." in a lesson).
bool read_source_tables(const toml::table& root, std::string_view prefix, const std::string& path, SourceCatalogue& out,
                        std::optional<ScenarioError>& err) {
  for (const auto& [key, node] : root) {
    const toml::table* t = node.as_table();
    if (!t) {
      err = located(path, key.source(),
                    fmt::format("'{0}' must be a table: [{1}{0}] with a title and a url", key.str(), prefix));
      return false;
    }
    Source src;
    src.id = std::string(key.str());
    const std::string where = fmt::format("[{}{}]", prefix, key.str());
    if (!check_keys(*t, {"title", "url"}, where, path, err) || !read_string(*t, "title", src.title, where, path, err) ||
        !read_string(*t, "url", src.url, where, path, err))
      return false;
    if (src.title.empty() || src.url.empty()) {
      err = located(path, t->source(), fmt::format("[{}{}] needs a title and a url", prefix, key.str()));
      return false;
    }
    out.emplace(src.id, std::move(src));
  }
  return true;
}

}  // namespace

SourcesLoad load_sources(const std::string& path_in) {
  const std::string path = path_in.empty() ? assets_dir() + "/sources.toml" : path_in;
  SourcesLoad out;
  toml::table root;
  if (!parse_file(path, "the source catalogue", root, out.error)) return out;
  std::optional<ScenarioError> err;
  if (!read_source_tables(root, "", path, out.sources, err)) out.error = err;
  return out;
}

std::optional<ScenarioError> exercise_detail::read_own_sources(const toml::table& root, const std::string& path,
                                                               const SourceCatalogue& catalogue, SourceCatalogue& own) {
  const toml::node* n = root.get("source");
  if (!n) return std::nullopt;
  const toml::table* t = n->as_table();
  if (!t) return located(path, n->source(), "'source' must be a table of sources: [source.ID] with a title and a url");
  std::optional<ScenarioError> err;
  if (!read_source_tables(*t, "source.", path, own, err)) return err;
  // The same id in both would leave a reader unsure which page a step cites.
  for (const auto& [key, node] : *t)
    if (catalogue.count(key.str()))
      return located(path, node.source(),
                     fmt::format("source '{0}' is in the program's catalogue already: cite it without a "
                                 "[source.{0}] table, or give yours another id",
                                 key.str()));
  return std::nullopt;
}

const Source* find_source(const SourceCatalogue& own, std::string_view id) {
  if (const auto it = own.find(id); it != own.end()) return &it->second;
  if (const auto it = shipped_sources().find(id); it != shipped_sources().end()) return &it->second;
  return nullptr;
}

const SourceCatalogue& shipped_sources() {
  static const SourceCatalogue catalogue = load_sources().sources;
  return catalogue;
}

namespace {
LessonLoad lesson_from_table(const toml::table& root, const std::string& path, const SourceCatalogue& catalogue);
}  // namespace

std::string unknown_source_message(const std::string& id, const SourceCatalogue& catalogue) {
  std::vector<std::string> ids;
  for (const auto& entry : catalogue) ids.push_back(entry.first);
  if (const auto best = detail::closest(id, ids))
    return fmt::format("unknown source '{}' (did you mean '{}'?)", id, *best);
  return fmt::format("unknown source '{}' (add a [source.{}] table with a title and a url to this file)", id, id);
}

LessonLoad load_lesson_file(const std::string& path, const SourceCatalogue* sources) {
  LessonLoad out;
  if (!sources) {
    const SourcesLoad catalogue = load_sources();
    if (catalogue.error) {
      out.error = catalogue.error;
      return out;
    }
    return load_lesson_file(path, &catalogue.sources);
  }
  toml::table root;
  if (!parse_file(path, "the lesson file", root, out.error)) return out;
  return lesson_from_table(root, path, *sources);
}

LessonLoad load_lesson_text(std::string_view text, const std::string& path, const SourceCatalogue* sources) {
  if (!sources) return load_lesson_text(text, path, &shipped_sources());
  LessonLoad out;
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const TomlSyntaxError te = toml_syntax_error(text, e);
    out.error = ScenarioError{path, te.line, te.column, te.message};
    return out;
  }
  return lesson_from_table(root, path, *sources);
}

namespace {

// A lesson from its parsed file (`path` for errors and its id).
LessonLoad lesson_from_table(const toml::table& root, const std::string& path, const SourceCatalogue& catalogue) {
  LessonLoad out;
  std::optional<ScenarioError> err;
  // A scenario or an exercise given where a lesson belongs (`tour imported.toml`) is named as one,
  // with the command that takes it, not as a lesson of unknown keys.
  if (!root.contains("lesson")) {
    if (const toml::table* sc = root["scenario"].as_table()) {
      out.error = located(path, sc->source(),
                          fmt::format("this is a scenario file, not a lesson (a lesson has a [lesson] table): "
                                      "`deploysim run {} --narrate` walks it event by event",
                                      path));
      return out;
    }
    if (const toml::table* ex = root["exercise"].as_table()) {
      out.error = located(path, ex->source(),
                          fmt::format("this is an exercise file, not a lesson (a lesson has a [lesson] table): "
                                      "`deploysim exercise {}` grades it",
                                      path));
      return out;
    }
  }
  if (!check_keys(root, {"lesson", "step", "real_life", "source"}, "the lesson file", path, err)) {
    out.error = err;
    return out;
  }
  const toml::table* info = root["lesson"].as_table();
  if (!info) {
    out.error = ScenarioError{path, 1, 1, "missing [lesson] table (title, scenario, ...)"};
    return out;
  }
  Lesson lesson;
  if ((out.error = exercise_detail::read_own_sources(root, path, catalogue, lesson.own_sources))) return out;
  // What the lesson may cite: the catalogue and its own sources (a copy only when it has some).
  SourceCatalogue all;
  if (!lesson.own_sources.empty()) {
    all = catalogue;
    all.insert(lesson.own_sources.begin(), lesson.own_sources.end());
  }
  const SourceCatalogue* sources = lesson.own_sources.empty() ? &catalogue : &all;
  lesson.source_path = path;
  lesson.id = fs::path(path).stem().string();
  lesson.pos = {info->source().begin.line, info->source().begin.column};
  std::string scenario;
  if (!check_keys(*info,
                  {"title", "title_ko", "concept", "summary", "summary_ko", "scenario", "variant", "sources",
                   /* the course: */ "objectives", "objectives_ko", "minutes", "prerequisites"},
                  "[lesson]", path, err) ||
      !read_string(*info, "title", lesson.title, "[lesson]", path, err) ||
      !read_string(*info, "title_ko", lesson.title_ko, "[lesson]", path, err) ||
      !read_string(*info, "concept", lesson.topic, "[lesson]", path, err) ||
      !read_string(*info, "summary", lesson.summary, "[lesson]", path, err) ||
      !read_string(*info, "summary_ko", lesson.summary_ko, "[lesson]", path, err) ||
      !read_translations(*info, {"title", "summary"}, lesson.tr, "[lesson]", path, err) ||
      !read_string(*info, "scenario", scenario, "[lesson]", path, err) ||
      !read_string(*info, "variant", lesson.variant, "[lesson]", path, err) ||
      !read_strings(*info, "sources", lesson.sources, "[lesson]", path, err) ||
      !check_sources(*info, lesson.sources, *sources, path, err) || !read_course(*info, lesson, path, err)) {
    out.error = err;
    return out;
  }
  // Each missing key said on its own: "needs a title and a scenario" left the teacher to guess.
  if (lesson.title.empty()) {
    out.error = missing_english(*info, "title", "[lesson]", path);
    if (!out.error) out.error = located(path, info->source(), "[lesson] needs a title (e.g. title = \"...\")");
    return out;
  }
  if (scenario.empty()) {
    out.error = located(path, info->source(),
                        "[lesson] needs a scenario: a file beside the lesson or in assets/scenarios/ (e.g. scenario "
                        "= \"basic-https.toml\")");
    return out;
  }
  std::string looked;
  const fs::path sp = find_scenario(scenario, path, &looked);
  // The error_code form: a name the file system refuses (too long: fuzz_lesson) is "not found"
  // too, where the throwing form ended `deploysim check`.
  std::error_code exists_ec;
  if (!fs::exists(sp, exists_ec)) {
    out.error = located(path, info->get("scenario")->source(),
                        fmt::format("scenario '{}' not found (looked at {})", scenario, looked));
    return out;
  }
  lesson.scenario_path = sp.string();
  // A variant the scenario does not have is the lesson's mistake: said at its `variant` line (a
  // scenario that does not load says so itself when the lesson runs).
  if (!lesson.variant.empty()) {
    const LoadResult base = load_scenario_file(lesson.scenario_path);
    if (base.scenario && std::none_of(base.scenario->variants.begin(), base.scenario->variants.end(),
                                      [&](const VariantSpec& v) { return v.name == lesson.variant; })) {
      std::string names;
      for (const VariantSpec& v : base.scenario->variants) names += (names.empty() ? "'" : ", '") + v.name + "'";
      out.error = located(path, info->get("variant")->source(),
                          fmt::format("scenario '{}' has no [[variant]] named '{}' (its variants: {})", scenario,
                                      lesson.variant, names.empty() ? "none" : names));
      return out;
    }
  }

  if (const toml::node* steps = root.get("step")) {
    const toml::array* arr = steps->as_array();
    if (!arr) {
      out.error = located(path, steps->source(), "'step' must be an array of tables: [[step]]");
      return out;
    }
    for (const toml::node& n : *arr) {
      const toml::table* st = n.as_table();
      if (!st) {
        out.error = located(path, n.source(), "each [[step]] must be a table");
        return out;
      }
      LessonStep step;
      step.pos = {st->source().begin.line, st->source().begin.column};
      // Every error inside a step says which one: a lesson has many `text` and `question` keys.
      const size_t number = lesson.steps.size() + 1;
      auto fail = [&](std::optional<ScenarioError> e) {
        if (e) e->message = step_message(number, e->message);
        out.error = std::move(e);
        return out;
      };
      constexpr Where where = "[[step]]";
      if (!check_keys(*st, {"target", "text", "text_ko", "sources", "question", "show"}, where, path, err) ||
          !read_string(*st, "target", step.target, where, path, err) ||
          !read_string(*st, "text", step.text, where, path, err) ||
          !read_string(*st, "show", step.show, where, path, err) ||
          !read_string(*st, "text_ko", step.text_ko, where, path, err) ||
          !read_translations(*st, {"text"}, step.tr, where, path, err) ||
          !read_strings(*st, "sources", step.sources, where, path, err) ||
          !check_sources(*st, step.sources, *sources, path, err))
        return fail(err);
      if (step.target.empty()) step.target = "start";
      if (!valid_step_target(step.target)) {
        const toml::node* tn = st->get("target");
        // "5 minutes", "1 hour": the notation it means.
        const auto notation = detail::duration_notation(step.target);
        return fail(located(
            path, tn ? tn->source() : st->source(),
            notation ? fmt::format("bad step target '{}' (did you mean '{}'? a time is a number and a unit without "
                                   "a space: \"250ms\", \"1.5s\", \"10m\", \"2h\", \"3d\")",
                                   step.target, *notation)
                     : fmt::format("bad step target '{}' (expected \"kind:<record kind>[#n]\", a time "
                                   "like \"1.5s\", \"start\" or \"end\")",
                                   step.target)));
      }
      if (step.text.empty()) {
        if (auto e = missing_english(*st, "text", where, path)) return fail(e);
        return fail(located(path, st->source(), "a [[step]] needs a text"));
      }
      if (!step.show.empty() && !std::count(std::begin(step_panels), std::end(step_panels), step.show)) {
        const std::vector<std::string> names(std::begin(step_panels), std::end(step_panels));
        const auto best = detail::closest(step.show, names);
        return fail(located(path, st->get("show")->source(),
                            best ? fmt::format("unknown panel '{}' in 'show' (did you mean '{}'?)", step.show, *best)
                                 : fmt::format("unknown panel '{}' in 'show' (expected one of: {})", step.show,
                                               fmt::join(names, ", "))));
      }
      const toml::node* tn = st->get("target");
      step.target_pos = tn ? SourcePos{tn->source().begin.line, tn->source().begin.column} : step.pos;
      if (const toml::node* qn = st->get("question")) {
        step.question = parse_question(*qn, path, err);
        if (!step.question) return fail(err);
      }
      lesson.steps.push_back(std::move(step));
    }
  }
  if (const toml::node* rl = root.get("real_life")) {
    const toml::table* t = rl->as_table();
    if (!t) {
      out.error =
          located(path, rl->source(), "'real_life' must be a table: [real_life] with text, text_ko, commands, sources");
      return out;
    }
    RealLife& r = lesson.real_life;
    r.pos = {t->source().begin.line, t->source().begin.column};
    constexpr Where where = "[real_life]";
    if (!check_keys(*t, {"text", "text_ko", "commands", "sources"}, where, path, err) ||
        !read_string(*t, "text", r.text, where, path, err) ||
        !read_string(*t, "text_ko", r.text_ko, where, path, err) ||
        !read_translations(*t, {"text"}, r.tr, where, path, err) ||
        !read_strings(*t, "commands", r.commands, where, path, err) ||
        !read_strings(*t, "sources", r.sources, where, path, err) ||
        !check_sources(*t, r.sources, *sources, path, err)) {
      out.error = err;
      return out;
    }
    if (r.text.empty()) {
      out.error = missing_english(*t, "text", where, path);
      if (!out.error) out.error = located(path, t->source(), "[real_life] needs a text");
      return out;
    }
  }
  out.lesson = std::move(lesson);
  return out;
}

}  // namespace

bool is_lesson_file(const std::string& path) {
  try {
    const toml::table root = toml::parse_file(path);
    return root["lesson"].is_table();
  } catch (const toml::parse_error&) {
    return false;
  }
}

CourseOrder course_order(const std::vector<Lesson>& lessons) {
  CourseOrder out;
  std::vector<bool> placed(lessons.size(), false);
  auto ready = [&](size_t i) {
    for (const std::string& pre : lessons[i].prerequisites)
      for (size_t j = 0; j < lessons.size(); ++j)
        if (lessons[j].id == pre && !placed[j]) return false;
    return true;
  };
  // Each round places the first lesson, in the given order, whose prerequisites are all placed.
  while (out.order.size() < lessons.size()) {
    size_t next = lessons.size();
    for (size_t i = 0; i < lessons.size() && next == lessons.size(); ++i)
      if (!placed[i] && ready(i)) next = i;
    if (next == lessons.size()) {
      for (size_t i = 0; i < lessons.size(); ++i)
        if (!placed[i]) {
          out.cycle += fmt::format("{}{}", out.cycle.empty() ? "" : ", ", lessons[i].id);
          out.order.push_back(i);
        }
      break;
    }
    placed[next] = true;
    out.order.push_back(next);
  }
  return out;
}

std::vector<std::string> list_lessons(const std::string& dir) {
  const fs::path d = dir.empty() ? fs::path(assets_dir()) / "lessons" : fs::path(dir);
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(d, ec))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace deploysim
