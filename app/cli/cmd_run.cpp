// `deploysim run FILE`: simulate a scenario and narrate it, summarise it or export it.
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "deploysim/columns.hpp"
#include "cli/commands.hpp"
#include "cli/run_progress.hpp"
#include "deploysim/metrics_report.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/narration.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/trace_json.hpp"

namespace deploysim::cli {

namespace {

struct RunOptions {
  std::string file;
  std::optional<uint64_t> seed;
  std::string until;
  std::string variant;
  std::string trace_json;
  std::string metrics_json;
  bool narrate = false;
  bool summary = false;
  std::string lang = "en";
  std::string level = "full";
  std::string max_trace_memory;  ///< "" = default_trace_memory_budget()
};

int bad_input(const std::string& message) {  // message already in the learner's language
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

bool write_file(const std::string& path, const std::string& text) {
  return write_whole_file(path, [&](std::ostream& out) { return static_cast<bool>(out << text); });
}

// `words`: main loaded them in this command's language (cli_language reads --lang too).
int run_command(const RunOptions& o, const Messages& words) {
  std::string error;
  LoadResult loaded = load_scenario_file(o.file);
  if (loaded.error) return bad_input(loaded.error->to_string(words));
  if (!o.variant.empty()) {
    loaded = apply_variant(*loaded.scenario, o.variant);
    if (loaded.error) return bad_input(loaded.error->to_string(words));
  }
  const Scenario& sc = *loaded.scenario;
  Options opt;
  opt.seed = o.seed;
  if (!o.until.empty()) {
    const auto until = parse_duration(o.until);
    if (!until || *until < Time{}) return bad_input(words.format("cli.bad_until", o.until));
    opt.until = *until;
  }
  opt.level = o.level == "none" ? TraceLevel::none : o.level == "outcomes" ? TraceLevel::outcomes : TraceLevel::full;
  const auto budget = trace_memory_budget(o.max_trace_memory);
  if (!budget) return bad_input(words.format("progress.bad_size", o.max_trace_memory));
  std::optional<Narrator> narrator;
  if (o.narrate || o.summary) {
    narrator = Narrator::load(o.lang, &error);
    if (!narrator) return bad_input(error);
  }

  // A long run shows its progress on stderr, a trace too big for the budget is recorded at a
  // lower level, and Ctrl+C stops the run: what ran is printed, no file is written.
  TerminalRun terminal(words, *budget);
  const Run run = terminal.run(sc, opt);
  if (run.cancelled) {
    std::vector<std::string> not_written;
    for (const std::string* f : {&o.trace_json, &o.metrics_json})
      if (!f->empty()) not_written.push_back(*f);
    terminal.report_interrupted(run, not_written);
  }

  if (o.narrate) {
    for (const Record& r : run.trace.records())
      std::printf("%s  %s %s\n", align_columns(words.time(r.t()), 12).c_str(),
                  pad_columns(words.stage(r.stage), 10).c_str(), narrator->narrate(run.trace, r).c_str());
  }
  if (o.summary) std::printf("%s", format_summary(run.metrics, words, &narrator->style(), run.trace.size()).c_str());
  if (!o.narrate && !o.summary)
    std::printf("%s\n", words
                            .format("cli.run_line", sc.info.tr.pick("name", sc.info.name, words.lang()),
                                    run.trace.size(), run.trace.fingerprint_hex(), run.metrics.requests,
                                    run.metrics.succeeded, run.seed, words.time(run.end))
                            .c_str());
  if (run.cancelled) return interrupted_exit_code;
  if (!o.trace_json.empty()) {
    const bool written = write_whole_file(o.trace_json, [&](std::ostream& out) {
      write_trace_json(out, run.trace, sc.info.name, run.seed);
      return static_cast<bool>(out);
    });
    if (!written) {
      std::fprintf(stderr, "%s\n", words.format("cli.cannot_write_trace", o.trace_json).c_str());
      return 1;
    }
  }
  if (!o.metrics_json.empty() && !write_file(o.metrics_json, metrics_to_json(run.metrics, sc.info.name, run.seed))) {
    std::fprintf(stderr, "%s\n", words.format("cli.cannot_write_metrics", o.metrics_json).c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void register_run_commands(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", ctx.words("cli_help.run"));
  run->add_option("file", opts->file, ctx.words("cli_help.run_file"))->required();
  run->add_option("--seed", opts->seed, ctx.words("cli_help.run_seed"));
  run->add_option("--until", opts->until, ctx.words("cli_help.run_until"));
  run->add_option("--variant", opts->variant, ctx.words("cli_help.run_variant"));
  run->add_option("--trace-json", opts->trace_json, ctx.words("cli_help.run_trace_json"));
  run->add_option("--metrics-json", opts->metrics_json, ctx.words("cli_help.run_metrics_json"));
  run->add_flag("--narrate", opts->narrate, ctx.words("cli_help.run_narrate"));
  run->add_flag("--summary", opts->summary, ctx.words("cli_help.run_summary"));
  opts->lang = ctx.words.lang();  // unless --lang says otherwise
  run->add_option("--lang", opts->lang, ctx.words("cli_help.run_lang"))->check(CLI::IsMember(Messages::languages()));
  run->add_option("--trace-level", opts->level, ctx.words("cli_help.run_trace_level"))
      ->check(CLI::IsMember({"full", "outcomes", "none"}));
  run->add_option("--max-trace-memory", opts->max_trace_memory, ctx.words("cli_help.run_max_trace_memory"));
  run->callback([opts, &ctx] { ctx.exit_code = run_command(*opts, ctx.words); });
}

}  // namespace deploysim::cli
