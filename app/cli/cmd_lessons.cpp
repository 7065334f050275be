// `deploysim lessons` lists the lessons; `deploysim tour [LESSON]` walks one in the terminal:
// the scenario is simulated, and at each step the records since the previous step are narrated,
// then the teacher's text is shown. A step's question comes before its records (at a terminal the
// learner answers it) and its answer, read from the run, after them. The no-display fallback of
// `deploysim` runs the same tour.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "deploysim/columns.hpp"
#include "cli/cli_platform.hpp"
#include "cli/commands.hpp"
#include "cli/handout.hpp"
#include "cli/run_progress.hpp"
#include "cli/tour.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/narration.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

namespace {

// At most this many narrated records between two steps; a lesson spanning months would
// otherwise print thousands of renewal checks.
constexpr size_t max_records_per_step = 12;

// "  Sources: title <url>; title <url>" for a step, summary or note.
void print_sources(const Lesson& lesson, const std::vector<std::string>& ids, const Messages& words) {
  if (ids.empty()) return;
  std::string line;
  for (const std::string& id : ids) {
    const Source* src = find_source(lesson.own_sources, id);
    line += fmt::format("{}{}", line.empty() ? "" : "; ", src ? fmt::format("{} <{}>", src->title, src->url) : id);
  }
  std::printf("      %s %s\n", words("cli.sources").c_str(), line.c_str());
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// One line from the terminal without its line end; nothing at the end of input.
std::optional<std::string> read_line() {
  std::string line;
  for (int c; (c = std::getchar()) != EOF;) {
    if (c == '\n') return line;
    if (c != '\r') line += static_cast<char>(c);
  }
  if (line.empty()) return std::nullopt;
  return line;
}

// The learner's answer to a step's question, asked at the terminal until it is one (a choice's
// letter or number, or a number) or empty (skipped). Nothing: the input ended.
struct Given {
  std::optional<size_t> choice;
  std::optional<double> number;
};
std::optional<Given> ask(const Question& q, const Messages& words) {
  for (;;) {
    if (q.type == QuestionType::choice)
      std::printf("  %s",
                  words.format("cli.answer_choice", choice_letter(0), choice_letter(q.choices.size() - 1)).c_str());
    else
      std::printf("  %s", words("cli.answer_number").c_str());
    std::fflush(stdout);
    const auto line = read_line();
    if (!line) return std::nullopt;
    const std::string a = trim(*line);
    if (a.empty()) return Given{};
    if (q.type == QuestionType::choice) {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(a[0])));
      size_t i = q.choices.size();
      if (a.size() == 1 && c >= 'A' && c < 'A' + static_cast<int>(q.choices.size())) i = static_cast<size_t>(c - 'A');
      if (a.find_first_not_of("0123456789") == std::string::npos && a.size() <= 3) i = std::stoul(a) - 1;
      if (i < q.choices.size()) return Given{i, std::nullopt};
      std::printf("  %s\n",
                  words.format("cli.not_a_choice", choice_letter(0), choice_letter(q.choices.size() - 1)).c_str());
    } else {
      char* end = nullptr;
      const double x = std::strtod(a.c_str(), &end);
      if (end != a.c_str() && *end == '\0' && std::isfinite(x)) return Given{std::nullopt, x};
      std::printf("  %s\n", words("cli.not_a_number").c_str());
    }
  }
}

// "Predict first: ..." and the choices, before the step's events play.
void print_question(const HandoutQuestion& q, const Messages& words) {
  std::printf("  %s: %s\n", words("lesson.predict").c_str(), q.prompt.c_str());
  for (size_t i = 0; i < q.choices.size(); ++i)
    std::printf("    %s. %s\n", choice_letter(i).c_str(), q.choices[i].c_str());
}

// The answer read from the run after the step's events, whether the learner's was right, and why
// (the tour refuses a lesson whose answers the run does not have, as `deploysim check` does).
void print_answer(const Question& q, const HandoutQuestion& hq, const std::optional<Given>& given,
                  const Messages& words) {
  std::string verdict;
  if (given && hq.truth && (given->choice || given->number)) {
    const bool ok = given->choice ? given->choice == hq.right : number_is_right(q, *hq.truth, *given->number);
    const std::string yours = given->choice ? choice_letter(*given->choice)
                                            : number_with_unit(fmt::format("{:g}", *given->number), *hq.truth, words);
    verdict = " " + words.format("cli.verdict", words(ok ? "lesson.right" : "lesson.wrong"),
                                 words("lesson.your_answer"), yours);
  }
  std::printf("  %s: %s%s\n", words("lesson.answer").c_str(), hq.answer.c_str(), verdict.c_str());
  if (!hq.explain.empty()) std::printf("  %s\n", hq.explain.c_str());
}

}  // namespace

std::string resolve_lesson(const std::string& name) {
  if (name.empty()) {
    const auto all = list_lessons();
    return all.empty() ? std::string{} : all.front();
  }
  std::error_code ec;  // a name the file system refuses (too long) is looked up as a lesson id
  if (std::filesystem::exists(name, ec)) return name;
  for (const auto& f : list_lessons())
    if (std::filesystem::path(f).stem().string() == name ||
        std::filesystem::path(f).stem().string().find(name) != std::string::npos)
      return f;
  return name;
}

std::optional<LessonScenario> load_lesson_scenario(const std::string& file, const Messages& words) {
  LessonLoad ll = load_lesson_file(file);
  if (!ll.lesson) {
    std::fprintf(stderr, "%s\n", ll.error->to_string(words).c_str());
    return std::nullopt;
  }
  LoadResult loaded = load_scenario_file(ll.lesson->scenario_path);
  if (loaded.scenario && !ll.lesson->variant.empty()) loaded = apply_variant(*loaded.scenario, ll.lesson->variant);
  if (!loaded.scenario) {
    std::fprintf(stderr, "%s\n", loaded.error->to_string(words).c_str());
    return std::nullopt;
  }
  return LessonScenario{std::move(*ll.lesson), std::move(*loaded.scenario)};
}

int run_tour(const TourOptions& options) {
  std::string err;
  const auto words = Messages::load(options.lang, &err);
  if (!words) {
    std::fprintf(stderr, "deploysim: %s\n", err.c_str());
    return 2;
  }
  const std::string file = resolve_lesson(options.lesson);
  if (file.empty()) {
    std::fprintf(stderr, "deploysim: %s\n", words->format("cli.no_lessons", assets_dir() + "/lessons").c_str());
    return 2;
  }
  const auto loaded = load_lesson_scenario(file, *words);
  if (!loaded) return 2;
  const Lesson& lesson = loaded->lesson;
  const auto narrator = Narrator::load(options.lang, &err);
  if (!narrator) {
    std::fprintf(stderr, "deploysim: %s\n", err.c_str());
    return 2;
  }
  // A lesson's scenario is small; the same guards as `run` all the same (progress, budget, Ctrl+C).
  Run run;
  {
    const auto budget = default_trace_memory_budget();
    TerminalRun terminal(*words, budget);
    run = terminal.run(loaded->scenario, Options{});
    if (run.cancelled) {
      terminal.report_interrupted(run, {});
      return interrupted_exit_code;
    }
  }
  // What `deploysim check` refuses (a step target or an answer source that finds nothing in the
  // run, choices none of which is right) would walk a class through wrong steps and answers.
  size_t errors = 0;
  for (const LessonIssue& issue : check_lesson(lesson, run.trace, run.metrics)) {
    if (issue.warning) continue;  // a missing translation: the tour shows the English
    ScenarioError where = issue.where;
    where.file = file;
    std::fprintf(stderr, "%s\n", where.to_string(*words).c_str());
    ++errors;
  }
  if (errors > 0) return 2;
  const bool interactive = options.pause && cli::interactive_terminal();

  std::printf("%s\n", fmt::format("== {} ==", lesson.tr.pick("title", lesson.title, options.lang)).c_str());
  const std::string& summary = lesson.tr.pick("summary", lesson.summary, options.lang);
  if (!summary.empty()) std::printf("%s\n", summary.c_str());
  if (options.sources) print_sources(lesson, lesson.sources, *words);
  const std::string scenario_file = std::filesystem::path(lesson.scenario_path).filename().string();
  const std::string& variant = variant_title(loaded->scenario, lesson.variant, options.lang);
  std::printf("%s\n\n",
              (lesson.variant.empty() ? words->format("cli.scenario", scenario_file, run.trace.size())
                                      : words->format("cli.scenario_variant", scenario_file, variant, run.trace.size()))
                  .c_str());

  size_t next = 0;
  for (size_t si = 0; si < lesson.steps.size(); ++si) {
    const LessonStep& step = lesson.steps[si];
    const auto target = resolve_step_target(run.trace, step.target);
    // "Predict, then reveal": the question before the step's events, its answer after them.
    std::optional<Given> given;
    std::optional<HandoutQuestion> hq;
    if (step.question) {
      hq = handout_question(*step.question, run, target, *words);
      print_question(*hq, *words);
      if (interactive) {
        given = ask(*step.question, *words);
        if (!given) break;  // the input ended
      } else {
        std::printf("  %s\n", (*words)("cli.answer_after").c_str());
      }
      std::printf("\n");
    }
    if (target && *target + 1 > next) {
      const size_t end = *target + 1;
      const size_t shown_from = end - next > max_records_per_step ? end - max_records_per_step : next;
      if (shown_from > next)
        std::printf(
            "   %s\n",
            words->format(shown_from - next == 1 ? "cli.earlier_one" : "cli.earlier", shown_from - next).c_str());
      for (size_t i = shown_from; i < end; ++i) {
        const Record& r = run.trace[i];
        std::printf("  %s  %s %s\n", align_columns(words->time(r.t()), 12).c_str(),
                    pad_columns(words->stage(r.stage), 10).c_str(), narrator->narrate(run.trace, r).c_str());
      }
      next = end;
    }
    const std::string& text = step.tr.pick("text", step.text, options.lang);
    std::printf("\n  [%zu/%zu] %s\n", si + 1, lesson.steps.size(), text.c_str());
    if (options.sources) print_sources(lesson, step.sources, *words);
    if (step.question) {
      std::printf("\n");
      print_answer(*step.question, *hq, given, *words);
    }
    std::printf("\n");
    if (interactive && si + 1 < lesson.steps.size()) {
      std::printf("  %s", (*words)("cli.next_step").c_str());
      std::fflush(stdout);
      // The whole line: what else was typed must not answer the next question.
      const auto line = read_line();
      if (!line || trim(*line) == "q" || trim(*line) == "Q") break;
    }
  }
  std::string causes;
  for (const auto& [cause, n] : run.metrics.failures)
    causes += (causes.empty() ? "" : ", ") + words->format("tour.failure_count", narrator->style().failure(cause), n);
  std::printf("  %s%s%s\n",
              words->format("cli.outcome", run.metrics.requests, 100.0 * run.metrics.availability_ratio()).c_str(),
              causes.empty() ? "" : (*words)("cli.failures").c_str(), causes.c_str());
  const RealLife& real = lesson.real_life;
  if (!real.text.empty()) {
    std::printf("\n  %s\n  %s\n", (*words)("cli.real_life").c_str(),
                real.tr.pick("text", real.text, options.lang).c_str());
    for (const std::string& command : real.commands) std::printf("    $ %s\n", command.c_str());
    if (options.sources) print_sources(lesson, real.sources, *words);
  }
  return 0;
}

void register_lesson_commands(CLI::App& app, Context& ctx) {
  auto* lessons = app.add_subcommand("lessons", ctx.words("cli_help.lessons"));
  auto lang = std::make_shared<std::string>("en");
  *lang = ctx.words.lang();  // unless --lang says otherwise
  lessons->add_option("--lang", *lang, ctx.words("cli_help.lessons_lang"))->check(CLI::IsMember(Messages::languages()));
  lessons->callback([&ctx, lang] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : list_lessons()) {
      const LessonLoad ll = load_lesson_file(f);
      if (!ll.lesson) {
        std::fprintf(stderr, "%s\n", ll.error->to_string(ctx.words).c_str());
        ctx.exit_code = 2;
        continue;
      }
      const Lesson& l = *ll.lesson;
      rows.push_back({l.id, topic_name(l.topic, ctx.words), l.tr.pick("title", l.title, *lang)});
    }
    std::fputs(table_columns(rows).c_str(), stdout);
  });

  auto* tour = app.add_subcommand("tour", ctx.words("cli_help.tour"));
  auto opts = std::make_shared<TourOptions>();
  tour->add_option("lesson", opts->lesson, ctx.words("cli_help.tour_lesson"));
  opts->lang = ctx.words.lang();  // unless --lang says otherwise
  tour->add_option("--lang", opts->lang, ctx.words("cli_help.tour_lang"))->check(CLI::IsMember(Messages::languages()));
  // A callback, not CLI11's "!--no-pause": that one's help line reads "--no-pause{false}".
  tour->add_flag_callback(
      "--no-pause", [opts] { opts->pause = false; }, ctx.words("cli_help.tour_no_pause"));
  tour->add_flag("--sources", opts->sources, ctx.words("cli_help.tour_sources"));
  tour->callback([&ctx, opts] { ctx.exit_code = run_tour(*opts); });
}

}  // namespace deploysim::cli
