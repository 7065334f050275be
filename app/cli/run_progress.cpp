// Terminal runs of any size (run_progress.hpp). The progress line goes to stderr only, so what
// the commands print on stdout is the same with or without it; it shows when stderr is a terminal
// and the run takes more than a moment (DEPLOYSIM_PROGRESS=always shows it anywhere, =never
// nowhere: the tests use both).
#include "cli/run_progress.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_platform.hpp"
#include "common/approx_count.hpp"
#include "deploysim/columns.hpp"

namespace deploysim::cli {

namespace {

// Set by the SIGINT handler: the run's cancel flag. A lock-free atomic is safe to store to from
// a signal handler.
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_interrupt(int) {
  interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl+C ends the program at once
}

enum class Show { when_long, always, never };

Show progress_setting() {
  const char* v = std::getenv("DEPLOYSIM_PROGRESS");
  const std::string_view s = v ? v : "";
  return s == "always" ? Show::always : s == "never" ? Show::never : Show::when_long;
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Wall time for people: "42 s" under two minutes, else the catalogue's "5 min 3 s".
std::string wall_time(const Messages& words, double seconds) {
  const auto whole = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  return whole < 120 ? words.format("progress.seconds", whole) : words.time(s(whole));
}

// A trace level's name in the command's language.
const std::string& level_word(const Messages& words, TraceLevel level) {
  return words(level == TraceLevel::full       ? "progress.level_full"
               : level == TraceLevel::outcomes ? "progress.level_outcomes"
                                               : "progress.level_none");
}

// "42" or, under 10 %, "0.3": a long run moves by tenths for minutes.
std::string percent_of(Time now, Time end) {
  const double p = end <= Time{} ? 100 : std::clamp(100.0 * now.seconds() / end.seconds(), 0.0, 100.0);
  return p < 10 ? fmt::format("{:.1f}", std::floor(p * 10) / 10) : fmt::format("{}", static_cast<int>(p));
}

}  // namespace

TerminalRun::TerminalRun(const Messages& words, uint64_t budget) : words_(words), budget_(budget) {
  interrupted = false;
  previous_ = std::signal(SIGINT, on_interrupt);
  if (previous_ == SIG_ERR) previous_ = nullptr;
}

TerminalRun::~TerminalRun() { std::signal(SIGINT, previous_ ? previous_ : SIG_DFL); }

Run TerminalRun::run(const Scenario& scenario, Options options) {
  estimate_ = estimate_run(scenario, options);
  const TraceLevel wanted = options.level;
  level_ = level_that_fits(estimate_, wanted, budget_);
  if (level_ != wanted) {
    const std::string limit = format_bytes(static_cast<double>(budget_));
    if (level_ == TraceLevel::none)
      std::fprintf(stderr, "%s\n",
                   words_
                       .format("progress.bounded_none", level_word(words_, wanted),
                               format_bytes(estimate_.trace_bytes(wanted)), limit)
                       .c_str());
    else
      std::fprintf(
          stderr, "%s\n",
          words_
              .format("progress.bounded", level_word(words_, wanted), format_bytes(estimate_.trace_bytes(wanted)),
                      limit, level_word(words_, level_), format_bytes(estimate_.trace_bytes(level_)))
              .c_str());
  }
  options.level = level_;
  options.cancel = &interrupted;

  const Show show = progress_setting();
  const bool terminal = error_is_terminal();
  const auto start = Clock::now();
  auto last_print = start;
  bool shown = false;
  size_t line_width = 0;
  auto print_line = [&](const std::string& line) {
    // Padded over the previous line's tail, then back to the start: updated in place. In
    // columns, as the terminal shows them: Hangul takes two, in three bytes.
    const size_t width = columns_of(line);
    std::fprintf(stderr, "\r%s%s", line.c_str(), std::string(line_width > width ? line_width - width : 0, ' ').c_str());
    line_width = width;
    std::fflush(stderr);
  };
  if (show != Show::never) {
    options.progress = [&](Time now, Time end) {
      const auto t = Clock::now();
      const double elapsed = std::chrono::duration<double>(t - start).count();
      if (!shown) {
        const bool wanted_now =
            show == Show::always || (terminal && (elapsed >= 1.0 || (estimate_.seconds > 2 && elapsed >= 0.2)));
        if (!wanted_now) return;
        shown = true;
        const std::string size =
            level_ == TraceLevel::none
                ? words_.format("progress.estimate_none", approx_count(words_, estimate_.events))
                : words_.format("progress.estimate", approx_count(words_, estimate_.events), level_word(words_, level_),
                                approx_count(words_, estimate_.records(level_)),
                                format_bytes(estimate_.trace_bytes(level_)));
        std::fprintf(stderr, "%s\n", size.c_str());
      } else if (t - last_print < std::chrono::milliseconds(250) && now < end) {
        return;
      }
      last_print = t;
      const double done = end > Time{} ? std::clamp(now.seconds() / end.seconds(), 0.0, 1.0) : 1.0;
      // From the speed so far once there is one; the estimate's wall time before.
      const double left = done > 0 && elapsed > 0.5 ? elapsed * (1 - done) / done : estimate_.seconds * (1 - done);
      print_line(words_.format("progress.line", percent_of(now, end), words_.time(now), words_.time(end),
                               wall_time(words_, left)));
    };
  }
  Run run = simulate(scenario, options);
  if (shown && !run.cancelled) {
    print_line(words_.format("progress.done", words_.time(run.end), wall_time(words_, seconds_since(start)),
                             approx_count(words_, static_cast<double>(run.metrics.events))));
    std::fprintf(stderr, "\n");
  } else if (shown) {
    std::fprintf(stderr, "\n");  // the report starts on a line of its own
  }
  return run;
}

void TerminalRun::report_interrupted(const Run& run, const std::vector<std::string>& not_written) const {
  std::fprintf(stderr, "%s\n",
               words_
                   .format("progress.interrupted", words_.time(run.end), words_.time(estimate_.end),
                           percent_of(run.end, estimate_.end))
                   .c_str());
  std::fprintf(stderr, "%s\n", words_("progress.kept").c_str());
  for (const std::string& f : not_written)
    std::fprintf(stderr, "%s\n", words_.format("progress.not_written", f).c_str());
}

std::optional<uint64_t> trace_memory_budget(const std::string& text) {
  if (text.empty()) return default_trace_memory_budget();
  return parse_memory_size(text);
}

bool write_whole_file(const std::string& path, const std::function<bool(std::ostream&)>& write) {
  const std::string part = path + ".part";
  bool ok = false;
  {
    std::ofstream out(part, std::ios::binary);
    ok = out && write(out);
    out.close();
    ok = ok && !out.fail();
  }
  std::error_code ec;
  if (ok) std::filesystem::rename(part, path, ec);
  if (!ok || ec) {
    std::filesystem::remove(part, ec);
    return false;
  }
  return true;
}

}  // namespace deploysim::cli
