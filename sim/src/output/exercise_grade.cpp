// Grading an exercise: the learner's settings are checked against the exercise's params, applied
// by path on top of the scenario, its variant and [start], the scenario is simulated, and every
// goal is measured on the run, with the metric or the first record that decides it as evidence.
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <toml++/toml.h>

#include "deploysim/exercise.hpp"
#include "output/exercise_detail.hpp"

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

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
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
    return refuse(
        fmt::format("'{}' is not a setting this exercise lets you change (allowed: {})", s.path, join(paths)));
  }
  const auto parsed = parse_value(s.value);
  if (!parsed) return refuse(fmt::format("the value for '{}' is not a TOML value: {}", s.path, s.value));
  const toml::node& v = *parsed->get("v");
  if (!it->values.empty()) {
    if (std::find(it->values.begin(), it->values.end(), node_text(v)) == it->values.end())
      return refuse(fmt::format("'{}' = {} is not allowed here; choose one of: {}", s.path, s.value, join(it->values)));
    return std::nullopt;
  }
  const std::string range =
      fmt::format("{} to {}", it->min.empty() ? "any" : unquoted(it->min), it->max.empty() ? "any" : unquoted(it->max));
  for (const auto& [bound, sign] : {std::pair{&it->min, -1}, std::pair{&it->max, 1}}) {
    if (bound->empty()) continue;
    const auto o = order(v, *bound);
    if (!o)
      return refuse(
          fmt::format("'{}' = {} is not of the bounds' kind; expected a value from {}", s.path, s.value, range));
    if (*o == sign)
      return refuse(fmt::format("'{}' = {} is out of bounds; this exercise allows {}", s.path, s.value, range));
  }
  return std::nullopt;
}

LoadResult exercise_scenario(const Exercise& ex, const std::vector<ExerciseSetting>& settings) {
  LoadResult r = load_scenario_file(ex.scenario_path);
  if (!r.error && !ex.variant.empty()) r = apply_variant(*r.scenario, ex.variant);
  for (const ExerciseSetting& s : ex.start)
    if (!r.error) r = set_param(*r.scenario, s.path, s.value);
  for (const ExerciseSetting& s : settings) {
    if (r.error) break;
    if (auto refused = check_setting(ex, s)) {
      r.scenario.reset();
      r.error = refused;
      break;
    }
    r = set_param(*r.scenario, s.path, s.value);
    if (r.error)
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

std::string window_en(const Window& w) {
  if (w.from == never_before && w.until == never_after) return "";
  return fmt::format(", from {} to {}", w.from == never_before ? "the start" : format_time(ns(w.from)),
                     w.until == never_after ? "the end" : format_time(ns(w.until)));
}
std::string window_ko(const Window& w) {
  if (w.from == never_before && w.until == never_after) return "";
  return fmt::format(", {}부터 {}까지", w.from == never_before ? "시작" : format_time(ns(w.from)),
                     w.until == never_after ? "끝" : format_time(ns(w.until)));
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

// "client.error 60 d (certificate_expired, monitor)": what a learner looks up in the trace; the
// record's narration key when that is what the measure counts (tls.certificate.default).
std::string record_text(const Trace& trace, size_t i, std::string_view key = {}) {
  const Record& r = trace[i];
  std::string what(trace.node_name(r.actor));
  if (r.failure != FailureCause::none) what = fmt::format("{}, {}", failure_cause_name(r.failure), what);
  const std::string_view shown = !key.empty() && trace.narration(r) == key ? key : trace.kind(r);
  return fmt::format("{} {} ({})", shown, format_time(r.t()), what);
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
  const std::string first = o.first_matched >= 0 ? record_text(run.trace, static_cast<size_t>(o.first_matched)) : "";
  const std::string first_en = first.empty() ? "" : "; first failure: " + first;
  const std::string first_ko = first.empty() ? "" : "; 첫 실패: " + first;
  out.record = o.first_matched;
  if (availability) {
    // Requests still waiting when the run stops have no outcome yet: they are not counted (a run
    // cut at any moment has some), but the evidence says how many there are, so that an
    // overloaded server's queue does not pass for availability.
    const uint64_t waiting = w.until == never_after ? run.metrics.in_flight : 0;
    out.measured = total == 0 ? 100.0 : 100.0 * static_cast<double>(o.ok) / static_cast<double>(total);
    const std::string wait_en = waiting ? fmt::format("; {} more still waiting at the end, not counted", waiting) : "";
    const std::string wait_ko = waiting ? fmt::format("; 끝날 때 아직 기다리던 요청 {}개는 세지 않음", waiting) : "";
    out.evidence = fmt::format("availability {:.3f} % ({} of {} requests succeeded{}{}){}", out.measured, o.ok, total,
                               wait_en, window_en(w), first_en);
    out.evidence_ko = fmt::format("가용성 {:.3f} % (요청 {}개 중 {}개 성공{}{}){}", out.measured, total, o.ok, wait_ko,
                                  window_ko(w), first_ko);
    return;
  }
  out.measured = static_cast<double>(o.matched);
  const std::string with = cause.empty() ? "" : fmt::format(" with {}", cause);
  out.evidence = fmt::format("{} of {} requests failed{}{}{}", o.matched, total, with, window_en(w), first_en);
  out.evidence_ko = fmt::format("요청 {}개 중 {}개 실패{}{}{}", total, o.matched,
                                cause.empty() ? "" : fmt::format(" ({})", cause), window_ko(w), first_ko);
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
    out.evidence = fmt::format("no {} record{}", kind, window_en(w));
    out.evidence_ko = fmt::format("{} 기록 없음{}", kind, window_ko(w));
    return;
  }
  const std::string first = record_text(run.trace, static_cast<size_t>(out.record), kind);
  out.evidence = fmt::format("{} {} record{}{}; first: {}", n, kind, n == 1 ? "" : "s", window_en(w), first);
  out.evidence_ko = fmt::format("{} 기록 {}개{}; 첫 기록: {}", kind, n, window_ko(w), first);
}

void measure_metric(const ExerciseGoal& g, const Run& run, GoalResult& out) {
  const Metrics& m = run.metrics;
  if (g.measure.starts_with("latency.")) {
    const std::string which = g.measure.substr(8);
    const auto it = m.latency.find("total");
    if (it == m.latency.end() || it->second.count == 0) {
      out.measured = std::numeric_limits<double>::infinity();
      out.evidence = "no request was answered: there is no latency to measure";
      out.evidence_ko = "응답받은 요청이 없어 지연 시간을 잴 수 없음";
      return;
    }
    const Percentiles& p = it->second;
    const Time t = which == "p50" ? p.p50 : which == "p90" ? p.p90 : which == "p99" ? p.p99 : p.max;
    out.measured = static_cast<double>(t.ns()) / 1e6;
    out.evidence = fmt::format("{} {:.1f} ms end to end, over {} answered requests", which, out.measured, p.count);
    out.evidence_ko = fmt::format("응답받은 요청 {}개의 처음부터 끝까지 {} {:.1f} ms", p.count, which, out.measured);
  } else if (g.measure == "restarts") {
    out.measured = static_cast<double>(m.restarts);
    out.evidence = fmt::format("{} restarts by the supervisor", m.restarts);
    out.evidence_ko = fmt::format("감독 프로그램(supervisor)의 재시작 {}회", m.restarts);
  } else if (g.measure == "error_budget") {
    out.measured = 100.0 * m.error_budget_consumed;
    out.evidence = fmt::format("{:.1f} % of the error budget consumed (SLO {:.3g} %)", out.measured, 100.0 * m.slo);
    out.evidence_ko = fmt::format("오류 예산(error budget) {:.1f} % 소진 (SLO {:.3g} %)", out.measured, 100.0 * m.slo);
  }
}

}  // namespace

std::vector<GoalResult> evaluate_goals(const Exercise& ex, const Run& run) {
  std::vector<GoalResult> out;
  for (const ExerciseGoal& g : ex.goals) {
    GoalResult r;
    const Window w = window_of(g, run.trace);
    if (!w.missing.empty()) {
      r.evidence = fmt::format("the window's bound '{}' is not in this run", w.missing);
      r.evidence_ko = fmt::format("구간의 경계 '{}' 기록이 이 실행에 없음", w.missing);
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

}  // namespace deploysim
