#include "deploysim/lesson.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <toml++/toml.h>

namespace deploysim {

namespace fs = std::filesystem;

namespace {

ScenarioError located(const std::string& file, const toml::source_region& where, std::string msg) {
  return ScenarioError{file, where.begin.line, where.begin.column, std::move(msg)};
}

// Reads an optional string key; a present key of another type is an error.
bool read_string(const toml::table& t, std::string_view key, std::string& out,
                 const std::string& file, std::optional<ScenarioError>& err) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (const auto* s = n->as_string()) {
    out = s->get();
    return true;
  }
  err = located(file, n->source(), fmt::format("'{}' must be a string", key));
  return false;
}

bool check_keys(const toml::table& t, const std::set<std::string_view>& allowed, std::string_view where,
                const std::string& file, std::optional<ScenarioError>& err) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(k.str())) {
      std::string expected;
      for (auto a : allowed) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", a);
      err = located(file, k.source(),
                    fmt::format("unknown key '{}' in {} (expected one of: {})", k.str(), where, expected));
      return false;
    }
  }
  return true;
}

}  // namespace

std::string assets_dir() {
  if (const char* env = std::getenv("DEPLOYSIM_ASSETS"); env && *env) return env;
  return DEPLOYSIM_ASSETS_DIR;
}

bool valid_step_target(std::string_view target) {
  if (target == "start" || target == "end") return true;
  if (target.starts_with("kind:")) {
    std::string_view rest = target.substr(5);
    const auto hash = rest.find('#');
    std::string_view kind = rest.substr(0, hash);
    if (kind.empty()) return false;
    if (hash != std::string_view::npos) {
      std::string_view n = rest.substr(hash + 1);
      if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
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
    long nth = hash == std::string_view::npos ? 1 : std::strtol(std::string(rest.substr(hash + 1)).c_str(), nullptr, 10);
    const Sym sym = trace.find_sym(kind);
    if (sym == Sym::none) return std::nullopt;
    for (size_t i = 0; i < trace.size(); ++i)
      if ((trace[i].kind == sym || trace[i].narration == sym) && --nth <= 0) return i;
    return std::nullopt;
  }
  const auto t = parse_duration(target);
  if (!t) return std::nullopt;
  const auto recs = trace.records();
  auto it = std::upper_bound(recs.begin(), recs.end(), t->ns(),
                             [](int64_t v, const Record& r) { return v < r.t_ns; });
  if (it == recs.begin()) return 0;
  return static_cast<size_t>(it - recs.begin()) - 1;
}

LessonLoad load_lesson_file(const std::string& path) {
  LessonLoad out;
  std::optional<ScenarioError> err;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(path)) {
      out.error = ScenarioError{path, 0, 0, "cannot open the lesson file (does it exist?)"};
      return out;
    }
    out.error = located(path, e.source(), std::string(e.description()));
    return out;
  }
  if (!check_keys(root, {"lesson", "step"}, "the lesson file", path, err)) {
    out.error = err;
    return out;
  }
  const toml::table* info = root["lesson"].as_table();
  if (!info) {
    out.error = ScenarioError{path, 1, 1, "missing [lesson] table (title, scenario, ...)"};
    return out;
  }
  Lesson lesson;
  lesson.source_path = path;
  lesson.id = fs::path(path).stem().string();
  std::string scenario;
  if (!check_keys(*info, {"title", "title_ko", "concept", "summary", "summary_ko", "scenario", "variant"},
                  "[lesson]", path, err) ||
      !read_string(*info, "title", lesson.title, path, err) ||
      !read_string(*info, "title_ko", lesson.title_ko, path, err) ||
      !read_string(*info, "concept", lesson.topic, path, err) ||
      !read_string(*info, "summary", lesson.summary, path, err) ||
      !read_string(*info, "summary_ko", lesson.summary_ko, path, err) ||
      !read_string(*info, "scenario", scenario, path, err) ||
      !read_string(*info, "variant", lesson.variant, path, err)) {
    out.error = err;
    return out;
  }
  if (lesson.title.empty() || scenario.empty()) {
    out.error = located(path, info->source(), "[lesson] needs a title and a scenario (a file in assets/scenarios/)");
    return out;
  }
  fs::path sp = scenario;
  if (sp.is_relative()) sp = fs::path(assets_dir()) / "scenarios" / sp;
  if (!fs::exists(sp)) {
    out.error = located(path, info->get("scenario")->source(),
                        fmt::format("scenario '{}' not found (looked at {})", scenario, sp.string()));
    return out;
  }
  lesson.scenario_path = sp.string();

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
      if (!check_keys(*st, {"target", "text", "text_ko"}, "[[step]]", path, err) ||
          !read_string(*st, "target", step.target, path, err) ||
          !read_string(*st, "text", step.text, path, err) ||
          !read_string(*st, "text_ko", step.text_ko, path, err)) {
        out.error = err;
        return out;
      }
      if (step.target.empty()) step.target = "start";
      if (!valid_step_target(step.target)) {
        const toml::node* tn = st->get("target");
        out.error = located(path, tn ? tn->source() : st->source(),
                            fmt::format("bad step target '{}' (expected \"kind:<record kind>[#n]\", a time "
                                        "like \"1.5s\", \"start\" or \"end\")", step.target));
        return out;
      }
      if (step.text.empty()) {
        out.error = located(path, st->source(), "a [[step]] needs a text");
        return out;
      }
      lesson.steps.push_back(std::move(step));
    }
  }
  out.lesson = std::move(lesson);
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
