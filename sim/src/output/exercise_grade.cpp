// Grading an exercise: the learner's settings are checked against the exercise's params, applied
// by path on top of the scenario, its variant and [start], the scenario is simulated, and every
// goal is measured on the run, with the metric or the first record that decides it as evidence.
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <toml++/toml.h>

#include "deploysim/exercise.hpp"
#include "deploysim/messages.hpp"
#include "output/exercise_detail.hpp"
#include "core/join.hpp"

namespace deploysim {

using exercise_detail::node_text;

std::string_view compare_name(Compare c) {
  switch (c) {
    case Compare::at_least:
      return "at least";
    case Compare::at_most:
      return "at most";
    case Compare::below:
      return "below";
    case Compare::above:
      return "above";
    case Compare::equals:
      return "equals";
  }
  return "";
}

namespace {

std::optional<toml::table> parse_value(std::string_view text) {
  try {
    toml::table t = toml::parse("v = " + std::string(text));
    if (t.size() == 1 && t.get("v")) return t;
  } catch (const toml::parse_error&) {}
  return std::nullopt;
}

// Compares a value with a bound written as a number or a duration; nullopt when they differ in kind.
std::optional<int> order(const toml::node& v, std::string_view bound_text) {
  const auto bound = parse_value(bound_text);
  const toml::node& b = *bound->get("v");
  if (b.is_number() && v.is_number()) {
    const double x = v.value<double>().value_or(0), y = b.value<double>().value_or(0);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (b.is_string() && v.is_string()) {
    const auto x = parse_duration(v.as_string()->get()), y = parse_duration(b.as_string()->get());
    if (!x || !y) return std::nullopt;
    return *x < *y ? -1 : *y < *x ? 1 : 0;
  }
  return std::nullopt;
}

std::string unquoted(const std::string& text) {
  return text.size() >= 2 && text.front() == '"' ? text.substr(1, text.size() - 2) : text;
}

}  // namespace

std::optional<ScenarioError> check_setting(const Exercise& ex, const ExerciseSetting& s) {
  const auto refuse = [&](std::string msg) {
    return std::optional<ScenarioError>(ScenarioError{s.file, s.pos.line, s.pos.column, std::move(msg)});
  };
  const auto it = std::find_if(ex.params.begin(), ex.params.end(), [&](const auto& p) { return p.path == s.path; });
  if (it == ex.params.end()) {
    std::vector<std::string> paths;
    for (const auto& p : ex.params) paths.push_back(p.path);
    return refuse(fmt::format("'{}' is not a setting this exercise lets you change (allowed: {})", s.path,
                              join_with(paths, ", ")));
  }
  const auto parsed = parse_value(s.value);
  if (!parsed) return refuse(fmt::format("the value for '{}' is not a TOML value: {}", s.path, s.value));
  const toml::node& v = *parsed->get("v");
  if (!it->values.empty()) {
    if (std::find(it->values.begin(), it->values.end(), node_text(v)) == it->values.end())
      return refuse(fmt::format("'{}' = {} is not allowed here; choose one of: {}", s.path, s.value,
                                join_with(it->values, ", ")));
    return std::nullopt;
  }
  const std::string range =
      fmt::format("{} to {}", it->min.empty() ? "any" : unquoted(it->min), it->max.empty() ? "any" : unquoted(it->max));
  for (const auto& [bound, sign] : {std::pair{&it->min, -1}, std::pair{&it->max, 1}}) {
    if (bound->empty()) continue;
    const auto o = order(v, *bound);
    // A number where the bounds are durations ("4" for "100ms" .. "60s"), or the other way round:
    // the bound itself, as TOML text, shows how to write one.
    if (!o)
      return refuse(fmt::format("'{}' = {} is not the kind of value this setting takes; write one like {}, from {}",
                                s.path, s.value, *bound, range));
    if (*o == sign)
      return refuse(fmt::format("'{}' = {} is out of bounds; this exercise allows {}", s.path, s.value, range));
  }
  return std::nullopt;
}

LoadResult exercise_scenario(const Exercise& ex, const std::vector<ExerciseSetting>& settings) {
  LoadResult r = load_scenario_file(ex.scenario_path);
  if (!r.error && !ex.variant.empty()) r = apply_variant(*r.scenario, ex.variant);
  if (r.error) return r;
  for (const ExerciseSetting& s : settings)
    if (auto refused = check_setting(ex, s)) {
      r.scenario.reset();
      r.error = refused;
      return r;
    }
  // The exercise's start and the learner's settings together: their order does not matter.
  std::vector<std::pair<std::string, std::string>> params;
  for (const ExerciseSetting& s : ex.start) params.emplace_back(s.path, s.value);
  for (const ExerciseSetting& s : settings) params.emplace_back(s.path, s.value);
  size_t blamed = 0;
  r = set_params(*r.scenario, params, &blamed);
  if (r.error && blamed >= ex.start.size()) {
    const ExerciseSetting& s = settings[blamed - ex.start.size()];
    r.error = ScenarioError{s.file, s.pos.line, s.pos.column,
                            fmt::format("'{}' = {} is refused: {}", s.path, s.value, r.error->message)};
  }
  return r;
}

namespace {

constexpr int64_t never_before = std::numeric_limits<int64_t>::min();
constexpr int64_t never_after = std::numeric_limits<int64_t>::max();

struct Window {
  int64_t from = never_before, until = never_after;
  std::string missing;  // a bound that names a record the run does not have
  bool contains(int64_t t) const { return t >= from && t <= until; }
};

int64_t bound_time(const Trace& trace, const std::string& target, int64_t fallback, std::string& missing) {
  if (target.empty() || target == "start" || target == "end") return fallback;
  if (const auto t = parse_duration(target)) return t->ns();
  const auto i = resolve_step_target(trace, target);
  if (!i) {
    missing = target;
    return fallback;
  }
  return trace[*i].t_ns;
}

Window window_of(const ExerciseGoal& g, const Trace& trace) {
  Window w;
  w.from = bound_time(trace, g.from, never_before, w.missing);
  w.until = bound_time(trace, g.until, never_after, w.missing);
  return w;
}

// The program's words of every language with a catalogue, loaded once: the evidence is written in
// each of them, so that a language added as files gets it too.
const std::vector<Messages>& all_words() {
  static const std::vector<Messages> words = [] {
    std::vector<Messages> out;
    std::string ignored;
    for (const std::string& lang : Messages::languages())
      if (auto m = Messages::load(lang, &ignored)) out.push_back(std::move(*m));
    if (out.empty())
      if (auto m = Messages::parse("", "en.toml", &ignored)) out.push_back(std::move(*m));
    return out;
  }();
  return words;
}

// Fills the result's evidence in every language from `say(words)`.
template <typename Fn>
void say(GoalResult& out, Fn&& fn) {
  for (const Messages& m : all_words()) out.evidence_in[m.lang()] = fn(m);
  out.evidence = out.evidence_for("en");
}

std::string window_text(const Window& w, const Messages& m) {
  if (w.from == never_before && w.until == never_after) return "";
  return m.format("grade.window", w.from == never_before ? m("grade.the_start") : m.time(ns(w.from)),
                  w.until == never_after ? m("grade.the_end") : m.time(ns(w.until)));
}

bool holds(Compare c, double measured, double wanted) {
  switch (c) {
    case Compare::at_least:
      return measured >= wanted;
    case Compare::at_most:
      return measured <= wanted;
    case Compare::below:
      return measured < wanted;
    case Compare::above:
      return measured > wanted;
    case Compare::equals:
      return std::fabs(measured - wanted) < 1e-9;
  }
  return false;
}

// The kind an exercise counts, named and as the trace writes it ("new certificate not loaded
// (cert.not_reloaded)"), so the grade points at what the window and `--trace-json` show.
std::string counted_kind(const Messages& m, std::string_view kind) {
  // A narration key ("tls.certificate.default") is named by the record kind it varies.
  for (std::string_view k = kind;;) {
    const std::string name = m.record(k);
    if (name != k) return m.format("grade.kind_named", name, kind);
    const size_t dot = k.rfind('.');
    if (dot == std::string_view::npos || k.substr(0, dot).find('.') == std::string_view::npos) return std::string(kind);
    k = k.substr(0, dot);
  }
}

// "request failed 60 d (certificate_expired, monitor)": what a learner looks up in the trace; the
// record's narration key when that is what the measure counts (tls.certificate.default).
std::string record_text(const Trace& trace, size_t i, const Messages& m, std::string_view key = {}) {
  const Record& r = trace[i];
  std::string what(trace.node_name(r.actor));
  if (r.failure != FailureCause::none) what = fmt::format("{}, {}", failure_cause_name(r.failure), what);
  const std::string_view kind = !key.empty() && trace.narration(r) == key ? key : trace.kind(r);
  return fmt::format("{} {} ({})", m.record(kind), m.time(r.t()), what);
}

struct Outcomes {
  uint64_t ok = 0, failed = 0, matched = 0;  // matched: failed with the measure's cause (any when none)
  int64_t first_matched = -1;
};

Outcomes outcomes(const Trace& trace, const Window& w, std::string_view cause) {
  Outcomes o;
  for (size_t i = 0; i < trace.size(); ++i) {
    const Record& r = trace[i];
    if (r.outcome == Outcome::none || !w.contains(r.t_ns)) continue;
    if (r.outcome == Outcome::ok) {
      ++o.ok;
      continue;
    }
    ++o.failed;
    if (!cause.empty() && failure_cause_name(r.failure) != cause) continue;
    if (o.matched++ == 0) o.first_matched = static_cast<int64_t>(i);
  }
  return o;
}

void measure_requests(const ExerciseGoal& g, const Run& run, const Window& w, GoalResult& out) {
  const bool availability = g.measure == "availability";
  const std::string cause = g.measure.starts_with("failures.") ? g.measure.substr(9) : "";
  const Outcomes o = outcomes(run.trace, w, cause);
  const uint64_t total = o.ok + o.failed;
  auto first_text = [&](const Messages& m) {
    return o.first_matched < 0
               ? std::string()
               : m.format("grade.first_failure", record_text(run.trace, static_cast<size_t>(o.first_matched), m));
  };
  out.record = o.first_matched;
  if (availability) {
    // The share of requests answered successfully, as the run summary, the metrics panel and a
    // lesson's metric:availability count it: a request still waiting when a window that reaches
    // the end of the run closes has no answer, so a hung or overloaded server does not pass.
    const uint64_t waiting = w.until >= run.end.ns() ? run.metrics.in_flight : 0;
    const uint64_t asked = total + waiting;
    out.measured = asked == 0 ? 100.0 : 100.0 * static_cast<double>(o.ok) / static_cast<double>(asked);
    say(out, [&](const Messages& m) {
      return m.format("grade.availability", out.measured, o.ok, asked,
                      waiting ? m.format("grade.waiting", waiting) : std::string(), window_text(w, m), first_text(m));
    });
    return;
  }
  out.measured = static_cast<double>(o.matched);
  say(out, [&](const Messages& m) {
    return m.format("grade.failed", o.matched, total, cause.empty() ? "" : m.format("grade.with_cause", cause),
                    window_text(w, m), first_text(m));
  });
}

void measure_count(const ExerciseGoal& g, const Run& run, const Window& w, GoalResult& out) {
  const std::string kind = g.measure.substr(6);
  const Sym sym = run.trace.find_sym(kind);
  uint64_t n = 0;
  if (sym != Sym::none)
    for (size_t i = 0; i < run.trace.size(); ++i) {
      const Record& r = run.trace[i];
      if ((r.kind != sym && r.narration != sym) || !w.contains(r.t_ns)) continue;
      if (n++ == 0) out.record = static_cast<int64_t>(i);
    }
  out.measured = static_cast<double>(n);
  if (n == 0) {
    say(out, [&](const Messages& m) { return m.format("grade.no_record", counted_kind(m, kind), window_text(w, m)); });
    return;
  }
  say(out, [&](const Messages& m) {
    return m.format(n == 1 ? "grade.records_one" : "grade.records", n, counted_kind(m, kind), window_text(w, m),
                    record_text(run.trace, static_cast<size_t>(out.record), m, kind));
  });
}

void measure_metric(const ExerciseGoal& g, const Run& run, GoalResult& out) {
  const Metrics& m = run.metrics;
  if (g.measure.starts_with("latency.")) {
    const std::string which = g.measure.substr(8);
    const auto it = m.latency.find("total");
    if (it == m.latency.end() || it->second.count == 0) {
      out.measured = std::numeric_limits<double>::infinity();
      say(out, [](const Messages& m) { return m("grade.no_latency"); });
      return;
    }
    const Percentiles& p = it->second;
    const Time t = which == "p50" ? p.p50 : which == "p90" ? p.p90 : which == "p99" ? p.p99 : p.max;
    out.measured = static_cast<double>(t.ns()) / 1e6;
    say(out, [&](const Messages& m) { return m.format("grade.latency", which, m.time(t), p.count); });
  } else if (g.measure == "restarts") {
    out.measured = static_cast<double>(m.restarts);
    say(out, [&](const Messages& w) {
      return w.format(m.restarts == 1 ? "grade.restarts_one" : "grade.restarts", m.restarts);
    });
  } else if (g.measure == "error_budget") {
    out.measured = 100.0 * m.error_budget_consumed;
    say(out, [&](const Messages& w) { return w.format("grade.error_budget", out.measured, 100.0 * m.slo); });
  }
}

}  // namespace

std::vector<GoalResult> evaluate_goals(const Exercise& ex, const Run& run) {
  std::vector<GoalResult> out;
  for (const ExerciseGoal& g : ex.goals) {
    GoalResult r;
    const Window w = window_of(g, run.trace);
    if (!w.missing.empty()) {
      say(r, [&](const Messages& m) { return m.format("grade.missing_bound", w.missing); });
      out.push_back(std::move(r));
      continue;
    }
    if (g.measure == "availability" || g.measure == "failed" || g.measure.starts_with("failures."))
      measure_requests(g, run, w, r);
    else if (g.measure.starts_with("count:"))
      measure_count(g, run, w, r);
    else
      measure_metric(g, run, r);
    r.held = holds(g.compare, r.measured, g.value);
    out.push_back(std::move(r));
  }
  return out;
}

Grade grade_exercise(const Exercise& ex, const std::vector<ExerciseSetting>& settings) {
  Grade grade;
  const LoadResult sc = exercise_scenario(ex, settings);
  if (sc.error) {
    grade.error = sc.error;
    return grade;
  }
  const Run run = simulate(*sc.scenario);
  grade.goals = evaluate_goals(ex, run);
  grade.solved = std::all_of(grade.goals.begin(), grade.goals.end(), [](const GoalResult& r) { return r.held; });
  return grade;
}

std::vector<LessonIssue> check_exercise(const Exercise& ex, std::string_view lang) {
  std::vector<LessonIssue> out;
  const auto at = [&](SourcePos p, std::string msg) {
    return ScenarioError{ex.source_path, p.line, p.column, std::move(msg)};
  };
  std::vector<std::string> languages = Messages::languages();
  std::erase(languages, "en");
  const auto untranslated = [&](const std::string& en, const Translations& tr, SourcePos p, std::string_view key) {
    for (const std::string& lang : languages)
      if (auto msg = missing_translation(en, tr, key, lang)) out.push_back({at(p, std::move(*msg)), true});
  };
  untranslated(ex.title, ex.tr, ex.pos, "title");
  untranslated(ex.task, ex.tr, ex.pos, "task");
  for (const ExerciseParam& p : ex.params) untranslated(p.label, p.tr, p.pos, "label");
  for (const ExerciseGoal& g : ex.goals) {
    untranslated(g.text, g.tr, g.pos, "text");
    untranslated(g.hint, g.tr, g.pos, "hint");
  }
  // An exercise the learner cannot fail, or the teacher's own answer cannot pass, grades nobody
  // right: the start and the reference solution are graded as the class's settings would be.
  const Grade start = grade_exercise(ex, {});
  if (start.error) {
    out.push_back({*start.error, false});
  } else if (start.solved) {
    out.push_back({at(ex.pos,
                      "every goal already holds before the learner changes anything (check the [start] "
                      "settings and the goals' numbers): there is nothing to solve"),
                   false});
  }
  const Grade solved = grade_exercise(ex, ex.solution);
  if (solved.error) {
    out.push_back({*solved.error, false});
  } else {
    for (size_t i = 0; i < solved.goals.size() && i < ex.goals.size(); ++i)
      if (!solved.goals[i].held)
        out.push_back({at(ex.solution_pos, fmt::format("the [solution] does not solve the exercise: goal '{}' does "
                                                       "not hold with it ({})",
                                                       ex.goals[i].tr.pick("text", ex.goals[i].text, lang),
                                                       solved.goals[i].evidence_for(lang))),
                       false});
  }
  std::stable_sort(out.begin(), out.end(), [](const LessonIssue& a, const LessonIssue& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  return out;
}

}  // namespace deploysim
