// "Predict, then reveal": a lesson question's true answer is read from the run (records and
// metrics) through an answer source; and `check_lesson`, which checks a lesson against a run.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <tuple>
#include <utility>
#include <fmt/format.h>

#include "deploysim/kinds.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/lesson.hpp"

namespace deploysim {

namespace {

constexpr std::string_view kForms =
    "expected count:KIND, count-all:KIND, field:KIND[#n]/DETAIL, field:step/DETAIL, time:KIND[#n] or metric:NAME";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "KIND[#n]" -> kind and n (1 when absent); false when malformed.
bool split_kind(std::string_view s, std::string_view& kind, long& nth) {
  const auto hash = s.find('#');
  kind = s.substr(0, hash);
  nth = 1;
  if (kind.empty() || kind.find('/') != std::string_view::npos) return false;
  if (hash == std::string_view::npos) return true;
  const std::string_view n = s.substr(hash + 1);
  if (!all_digits(n)) return false;
  nth = std::strtol(std::string(n).c_str(), nullptr, 10);
  return nth >= 1;
}

AnswerValue number(double v, std::string_view unit = {}) {
  AnswerValue a{true, v, {}, std::string(unit)};
  if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e15) {
    a.text = fmt::format("{}", static_cast<long long>(std::llround(v)));
  } else {
    a.text = fmt::format("{:.3f}", v);
    while (a.text.back() == '0') a.text.pop_back();
    if (a.text.back() == '.') a.text.pop_back();
  }
  return a;
}

AnswerRead fail(std::string why) { return AnswerRead{std::nullopt, std::move(why)}; }

bool is_kind(const Record& r, Sym sym) { return r.kind == sym || r.narration == sym; }

// No record of `kind`: with the registered key nearest to it when it is no key at all (a typo,
// "cert.renewed"), as a step target gets.
std::string no_kind(std::string_view kind) {
  if (!find_key(kind))
    if (const auto best = closest_key(kind))
      return fmt::format("no record of kind '{}' in the run (did you mean '{}'?)", kind, *best);
  return fmt::format("no record of kind '{}' in the run", kind);
}

// The n-th record whose kind or narration key is `kind`, or why there is none.
std::optional<size_t> nth_record(const Trace& trace, std::string_view kind, long nth, std::string& why) {
  const Sym sym = trace.find_sym(kind);
  long seen = 0;
  if (sym != Sym::none)
    for (size_t i = 0; i < trace.size(); ++i)
      if (is_kind(trace[i], sym) && ++seen == nth) return i;
  why = seen == 0 ? no_kind(kind) : fmt::format("the run has {} record(s) of kind '{}', not {}", seen, kind, nth);
  return std::nullopt;
}

// The unit a time is read in, and its [units] key in the message catalogue.
struct TimeUnit {
  double seconds = 1;
  std::string_view key = "s";
};

// A trailing unit (":ms", ":min", ":h", ":days") reads a time in that unit instead of seconds.
TimeUnit strip_unit(std::string_view& s) {
  if (!(s.starts_with("field:") || s.starts_with("time:"))) return {};
  static constexpr std::tuple<std::string_view, double, std::string_view> units[] = {
      {":ms", 1e-3, "ms"}, {":min", 60, "min"}, {":h", 3600, "h"}, {":days", 86400, "d"}};
  for (const auto& [suffix, seconds, key] : units)
    if (s.ends_with(suffix)) {
      s.remove_suffix(suffix.size());
      return {seconds, key};
    }
  return {};
}

AnswerRead read_detail(const Trace& trace, size_t index, std::string_view detail, TimeUnit unit) {
  const Record r = trace[index];
  const Sym key = trace.find_sym(detail);
  for (const Field& f : trace.details(r)) {
    if (f.key != key || key == Sym::none) continue;
    if (unit.seconds != 1 && f.type != FieldType::time)
      return fail(fmt::format("detail '{}' of record #{} is not a time (drop the unit)", detail, index));
    switch (f.type) {
      case FieldType::integer:
        return {number(static_cast<double>(f.value)), {}};
      case FieldType::time:
        return {number(static_cast<double>(f.value) / 1e9 / unit.seconds, unit.key), {}};
      case FieldType::boolean:
        return {AnswerValue{false, 0, f.value ? "true" : "false", {}}, {}};
      case FieldType::string:
        return {AnswerValue{false, 0, std::string(trace.str(static_cast<Sym>(f.value))), {}}, {}};
    }
  }
  // The details it does carry, so that the teacher need not open the trace to find the name.
  std::string have;
  for (const Field& f : trace.details(r)) have += fmt::format("{}{}", have.empty() ? "" : ", ", trace.str(f.key));
  if (have.empty())
    return fail(fmt::format("record #{} ({}) has no detail '{}' (it has none)", index, trace.kind(r), detail));
  return fail(fmt::format("record #{} ({}) has no detail '{}' (its details: {})", index, trace.kind(r), detail, have));
}

double ms_of(Time t) { return static_cast<double>(t.ns()) / 1e6; }

AnswerRead read_metric(const Metrics& m, std::string_view name) {
  if (name == "requests") return {number(static_cast<double>(m.requests)), {}};
  if (name == "succeeded") return {number(static_cast<double>(m.succeeded)), {}};
  if (name == "in_flight") return {number(static_cast<double>(m.in_flight)), {}};
  if (name == "failed") {
    uint64_t n = 0;
    for (const auto& [cause, count] : m.failures) n += count;
    return {number(static_cast<double>(n)), {}};
  }
  if (name == "restarts") return {number(static_cast<double>(m.restarts)), {}};
  if (name == "time_in_backoff") return {number(static_cast<double>(m.time_in_backoff.ns()) / 1e9, "s"), {}};
  if (name == "tls_handshakes") return {number(static_cast<double>(m.tls_handshakes)), {}};
  if (name == "connections_reused") return {number(static_cast<double>(m.connections_reused)), {}};
  if (name == "tls_full_handshakes") return {number(static_cast<double>(m.tls_full_handshakes)), {}};
  if (name == "tls_resumed") return {number(static_cast<double>(m.tls_resumed)), {}};
  if (name == "tls_tickets_rejected") return {number(static_cast<double>(m.tls_tickets_rejected)), {}};
  if (name == "tls_hello_retries") return {number(static_cast<double>(m.tls_hello_retries)), {}};
  if (name == "early_data_accepted") return {number(static_cast<double>(m.early_data_accepted)), {}};
  if (name == "early_data_refused") return {number(static_cast<double>(m.early_data_refused)), {}};
  if (name == "too_early_answers") return {number(static_cast<double>(m.too_early_answers)), {}};
  if (name == "tls_round_trips_saved") return {number(static_cast<double>(m.tls_round_trips_saved)), {}};
  if (name == "tls_bytes_saved") return {number(static_cast<double>(m.tls_bytes_saved)), {}};
  if (name == "dns_cache_hits") return {number(static_cast<double>(m.dns_cache_hits)), {}};
  if (name == "dns_cache_misses") return {number(static_cast<double>(m.dns_cache_misses)), {}};
  if (name == "bytes_sent") return {number(static_cast<double>(m.bytes_sent)), {}};
  if (name == "bytes_received") return {number(static_cast<double>(m.bytes_received)), {}};
  if (name == "availability") return {number(100.0 * m.availability_ratio(), "percent"), {}};
  if (name.starts_with("failures.")) {
    const auto it = m.failures.find(std::string(name.substr(9)));
    if (it == m.failures.end()) return fail(fmt::format("the run has no failures of cause '{}'", name.substr(9)));
    return {number(static_cast<double>(it->second)), {}};
  }
  if (name.starts_with("latency.")) {
    const std::string_view rest = name.substr(8);
    const auto dot = rest.rfind('.');
    if (dot != std::string_view::npos) {
      const auto it = m.latency.find(std::string(rest.substr(0, dot)));
      if (it == m.latency.end())
        return fail(fmt::format("the run measured no latency of stage '{}'", rest.substr(0, dot)));
      const std::string_view what = rest.substr(dot + 1);
      const Percentiles& p = it->second;
      if (what == "count") return {number(static_cast<double>(p.count)), {}};
      if (what == "p50") return {number(ms_of(p.p50), "ms"), {}};
      if (what == "p90") return {number(ms_of(p.p90), "ms"), {}};
      if (what == "p99") return {number(ms_of(p.p99), "ms"), {}};
      if (what == "max") return {number(ms_of(p.max), "ms"), {}};
    }
  }
  return fail(fmt::format("unknown metric '{}' (see the list in docs/lessons.md)", name));
}

ScenarioError at(const Lesson& l, SourcePos p, std::string msg) {
  return ScenarioError{l.source_path, p.line, p.column, std::move(msg)};
}

}  // namespace

bool valid_answer_source(std::string_view s, std::string* why) {
  strip_unit(s);
  auto bad = [&](std::string_view reason) {
    if (why) *why = std::string(reason);
    return false;
  };
  std::string_view kind;
  long nth = 0;
  if (s.starts_with("count:") || s.starts_with("count-all:")) {
    const std::string_view rest = s.substr(s.find(':') + 1);
    if (rest.empty() || rest.find_first_of("#/") != std::string_view::npos)
      return bad("count:KIND counts the records of one kind or narration key, e.g. count:process.start");
    return true;
  }
  if (s.starts_with("field:")) {
    const std::string_view rest = s.substr(6);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash + 1 == rest.size())
      return bad("field:KIND[#n]/DETAIL, e.g. field:tls.client_hello/sni");
    const std::string_view left = rest.substr(0, slash);
    if (left != "step" && !split_kind(left, kind, nth))
      return bad("field:KIND[#n]/DETAIL with n a number from 1, e.g. field:tls.certificate#2/subject");
    return true;
  }
  if (s.starts_with("time:")) {
    if (!split_kind(s.substr(5), kind, nth)) return bad("time:KIND[#n], e.g. time:supervisor.give_up");
    return true;
  }
  if (s.starts_with("metric:")) {
    if (s.size() == 7) return bad("metric:NAME, e.g. metric:restarts");
    return true;
  }
  return bad(kForms);
}

AnswerRead read_answer(const Trace& trace, const Metrics& metrics, std::string_view s, size_t step_record) {
  if (std::string why; !valid_answer_source(s, &why)) return fail(why);
  const TimeUnit unit = strip_unit(s);
  if (s.starts_with("metric:")) return read_metric(metrics, s.substr(7));
  if (trace.empty()) return fail("the run has no records");
  step_record = std::min(step_record, trace.size() - 1);
  if (s.starts_with("count:") || s.starts_with("count-all:")) {
    const bool all = s.starts_with("count-all:");
    const std::string_view kind = s.substr(s.find(':') + 1);
    const Sym sym = trace.find_sym(kind);
    size_t n = 0, total = 0;
    if (sym != Sym::none)
      for (size_t i = 0; i < trace.size(); ++i)
        if (is_kind(trace[i], sym)) {
          ++total;
          if (all || i <= step_record) ++n;
        }
    if (total == 0) return fail(no_kind(kind));
    return {number(static_cast<double>(n)), {}};
  }
  std::string why;
  std::string_view kind;
  long nth = 1;
  if (s.starts_with("time:")) {
    split_kind(s.substr(5), kind, nth);
    const auto i = nth_record(trace, kind, nth, why);
    if (!i) return fail(why);
    return {number(static_cast<double>(trace.t_ns(*i)) / 1e9 / unit.seconds, unit.key), {}};
  }
  const std::string_view rest = s.substr(6);
  const auto slash = rest.find('/');
  const std::string_view left = rest.substr(0, slash), detail = rest.substr(slash + 1);
  if (left == "step") return read_detail(trace, step_record, detail, unit);
  split_kind(left, kind, nth);
  const auto i = nth_record(trace, kind, nth, why);
  if (!i) return fail(why);
  return read_detail(trace, *i, detail, unit);
}

std::optional<size_t> right_choice(const Question& q, const AnswerValue& truth) {
  for (size_t i = 0; i < q.choices.size(); ++i) {
    const std::string& v = q.choices[i].value;
    if (truth.numeric) {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && *end == '\0' && std::abs(d - truth.number) < 1e-9) return i;
    } else if (v == truth.text) {
      return i;
    }
  }
  return std::nullopt;
}

namespace {

// The [units] key of the message catalogue an answer's unit is written with ("" for none).
std::string_view unit_key(std::string_view unit) {
  static constexpr std::pair<std::string_view, std::string_view> keys[] = {
      {"ms", "units.ms"}, {"s", "units.s"}, {"min", "units.min"},
      {"h", "units.h"},   {"d", "units.d"}, {"percent", "units.percent"}};
  for (const auto& [u, key] : keys)
    if (unit == u) return key;
  return {};
}

}  // namespace

std::string number_with_unit(const std::string& number, const AnswerValue& answer, const Messages& words) {
  const std::string_view key = unit_key(answer.unit);
  return key.empty() ? number : words.format(key, number);
}

std::string unit_word(std::string_view unit, const Messages& words) {
  const std::string_view key = unit_key(unit);
  if (key.empty()) return {};
  // The unit's pattern without its number: "{} ms" gives "ms", Korean's "{}일" gives "일".
  std::string word = words.format(key, "");
  const auto first = word.find_first_not_of(' ');
  return first == std::string::npos ? std::string{} : word.substr(first);
}

bool number_is_right(const Question& q, const AnswerValue& truth, double given) {
  if (!truth.numeric) return false;
  return std::abs(given - truth.number) <= q.tolerance + 1e-9;
}

std::optional<std::string> missing_translation(const std::string& english, const Translations& tr, std::string_view key,
                                               std::string_view lang) {
  if (english.empty() || &tr.pick(key, english, lang) != &english) return std::nullopt;
  // `text_kr` is read as a language "kr" (Kanuri's code): most likely meant as Korean.
  if (lang == "ko" && tr.has(key, "kr"))
    return fmt::format("missing ko text: '{}' has no '{}_ko' ('{}_kr' is there: Korean's language code is ko)", key,
                       key, key);
  return fmt::format("missing {} text: '{}' has no '{}_{}'", lang, key, key, lang);
}

LoadResult load_lesson_scenario(const Lesson& lesson) {
  LoadResult loaded = load_scenario_file(lesson.scenario_path);
  if (loaded.scenario && !lesson.variant.empty()) loaded = apply_variant(*loaded.scenario, lesson.variant);
  return loaded;
}

std::vector<LessonIssue> check_lesson(const Lesson& l, const Trace& trace, const Metrics& metrics) {
  std::vector<LessonIssue> out;
  // Every language with a catalogue of the program's words should have the lesson's texts too
  // (a warning: the English shows meanwhile).
  std::vector<std::string> languages = Messages::languages();
  std::erase(languages, "en");
  auto untranslated = [&](const std::string& en, const Translations& tr, SourcePos p, std::string_view key) {
    for (const std::string& lang : languages)
      if (auto msg = missing_translation(en, tr, key, lang)) out.push_back({at(l, p, std::move(*msg)), true});
  };
  untranslated(l.title, l.tr, l.pos, "title");
  untranslated(l.summary, l.tr, l.pos, "summary");
  size_t previous = 0, number = 0, previous_step = 0;
  for (const LessonStep& step : l.steps) {
    ++number;
    // Every error inside a step says which one, as the loader's do.
    auto error = [&](SourcePos p, std::string msg) { out.push_back({at(l, p, step_message(number, msg)), false}); };
    untranslated(step.text, step.tr, step.pos, "text");
    const auto rec = resolve_step_target(trace, step.target);
    // A kind no model emits is a typo ("supervisor.giveup"): the registered key nearest to it.
    std::optional<std::string> typo;
    if (!rec && step.target.starts_with("kind:")) {
      const std::string kind = step.target.substr(
          5, step.target.find('#') == std::string::npos ? std::string::npos : step.target.find('#') - 5);
      if (!find_key(kind)) typo = closest_key(kind);
    }
    if (!rec && typo) {
      error(step.target_pos,
            fmt::format("step target '{}' resolves to nothing in the run (no record has that kind or narration key; "
                        "did you mean 'kind:{}'?)",
                        step.target, *typo));
    } else if (!rec) {
      error(step.target_pos, fmt::format("step target '{}' resolves to nothing in the run (no record has that kind or "
                                         "narration key; `deploysim run --trace-json` lists them)",
                                         step.target));
    } else if (*rec < previous) {
      // In times, which the teacher can compare with --narrate, not record numbers alone.
      error(step.target_pos,
            fmt::format("step target '{}' lands at {} (record {}), before step {}'s at {} (record {}): a lesson only "
                        "moves forward",
                        step.target, format_time(Time::from_ns(trace.t_ns(*rec))), *rec, previous_step,
                        format_time(Time::from_ns(trace.t_ns(previous))), previous));
    }
    // A step whose record is wrong (none, or one before the last step's) has its error above; an
    // answer read from that record would only repeat it as a second, misleading one.
    const bool record_wrong = !rec || *rec < previous;
    if (!record_wrong) {
      previous = *rec;
      previous_step = number;
    }
    if (!step.question) continue;
    const Question& q = *step.question;
    untranslated(q.prompt, q.tr, q.pos, "prompt");
    untranslated(q.explain, q.tr, q.pos, "explain");
    for (const auto& c : q.choices) untranslated(c.text, c.tr, c.pos, "text");
    if (record_wrong && (q.answer.starts_with("field:step/") || q.answer.starts_with("count:"))) continue;
    const AnswerRead truth = read_answer(trace, metrics, q.answer, rec.value_or(trace.empty() ? 0 : trace.size() - 1));
    if (!truth.value) {
      error(q.answer_pos, fmt::format("answer source '{}' does not exist in the run: {}", q.answer, truth.error));
    } else if (q.type == QuestionType::choice && !right_choice(q, *truth.value)) {
      error(q.pos, fmt::format("none of the choices has the value read from '{}' in the run ('{}')", q.answer,
                               truth.value->text));
    } else if (q.type == QuestionType::number && !truth.value->numeric) {
      error(q.answer_pos, fmt::format("answer source '{}' reads a text ('{}'), not a number: use type = \"choice\"",
                                      q.answer, truth.value->text));
    }
  }
  untranslated(l.real_life.text, l.real_life.tr, l.real_life.pos, "text");
  std::stable_sort(out.begin(), out.end(), [](const LessonIssue& a, const LessonIssue& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  return out;
}

}  // namespace deploysim
