// `deploysim run FILE`: simulate a scenario and narrate it, summarise it or export it.
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/columns.hpp"
#include "cli/commands.hpp"
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
};

int bad_input(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return 2;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

int run_command(const RunOptions& o) {
  LoadResult loaded = load_scenario_file(o.file);
  if (loaded.error) return bad_input(loaded.error->to_string());
  if (!o.variant.empty()) {
    loaded = apply_variant(*loaded.scenario, o.variant);
    if (loaded.error) return bad_input(loaded.error->to_string());
  }
  const Scenario& sc = *loaded.scenario;
  Options opt;
  opt.seed = o.seed;
  if (!o.until.empty()) {
    const auto until = parse_duration(o.until);
    if (!until || *until < Time{})
      return bad_input(fmt::format(
          "--until:1:1: \"{}\" is not a duration; expected e.g. \"90s\", \"10m\", \"36h\", \"90d\"", o.until));
    opt.until = *until;
  }
  opt.level = o.level == "none" ? TraceLevel::none : o.level == "outcomes" ? TraceLevel::outcomes : TraceLevel::full;
  std::optional<Narrator> narrator;
  std::optional<Messages> words;
  if (o.narrate) {
    std::string error;
    narrator = Narrator::load(o.lang, &error);
    if (!narrator) return bad_input(error);
    words = Messages::load(o.lang, &error);
    if (!words) return bad_input(error);
  }

  const Run run = simulate(sc, opt);

  if (narrator) {
    for (const Record& r : run.trace.records())
      std::printf("%s  %s %s\n", align_columns(words->time(r.t()), 12).c_str(),
                  pad_columns(words->stage(r.stage), 10).c_str(), narrator->narrate(run.trace, r).c_str());
  }
  if (o.summary) std::printf("%s", format_summary(run.metrics).c_str());
  if (!o.narrate && !o.summary)
    std::printf("%s: %zu records, fingerprint %s, %llu requests, %llu succeeded (seed %llu, %s)\n",
                sc.info.name.c_str(), run.trace.size(), run.trace.fingerprint_hex().c_str(),
                static_cast<unsigned long long>(run.metrics.requests),
                static_cast<unsigned long long>(run.metrics.succeeded), static_cast<unsigned long long>(run.seed),
                format_time(run.end).c_str());
  if (!o.trace_json.empty()) {
    std::ofstream out(o.trace_json, std::ios::binary);
    write_trace_json(out, run.trace, sc.info.name, run.seed);
    if (!out) {
      std::fprintf(stderr, "%s: cannot write the trace file\n", o.trace_json.c_str());
      return 1;
    }
  }
  if (!o.metrics_json.empty() && !write_file(o.metrics_json, metrics_to_json(run.metrics, sc.info.name, run.seed))) {
    std::fprintf(stderr, "%s: cannot write the metrics file\n", o.metrics_json.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void register_run_commands(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* run = app.add_subcommand("run", "Simulate a scenario: narrate it, summarise it, export it");
  run->add_option("file", opts->file, "Scenario file (TOML)")->required();
  run->add_option("--seed", opts->seed, "Seed of every random stream (default: the scenario's)");
  run->add_option("--until", opts->until, "Simulated time to stop at, e.g. 90s, 10m, 36h");
  run->add_option("--variant", opts->variant, "Apply the [[variant]] of this name first");
  run->add_option("--trace-json", opts->trace_json, "Write the trace as JSON (deploysim-trace/1) to this file");
  run->add_option("--metrics-json", opts->metrics_json, "Write the metrics as JSON to this file");
  run->add_flag("--narrate", opts->narrate, "Print every event in order with its narration");
  run->add_flag("--summary", opts->summary, "Print the metrics table");
  opts->lang = Messages::system_language();  // unless --lang says otherwise
  run->add_option("--lang", opts->lang, "Narration language")->check(CLI::IsMember(Messages::languages()));
  run->add_option("--trace-level", opts->level, "full | outcomes | none")
      ->check(CLI::IsMember({"full", "outcomes", "none"}));
  run->callback([opts, &ctx] { ctx.exit_code = run_command(*opts); });
}

}  // namespace deploysim::cli
