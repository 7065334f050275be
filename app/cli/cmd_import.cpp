// `deploysim import [-f COMPOSE_FILE]... PATH... [-o FILE]`: a team's deployment files (docker-compose, Kubernetes
// manifests, systemd units, nginx and Caddy configs) as a scenario, with a report of what was
// mapped, assumed and ignored. Bad input exits 2 with `file:line:col: message`.
#if DEPLOYSIM_WITH_IMPORT
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "import/import.hpp"

namespace deploysim::cli {

void register_import_command(CLI::App& app, Context& ctx) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto compose = std::make_shared<std::vector<std::string>>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("import", ctx.words("cli_help.import"));
  cmd->add_option("paths", *paths, ctx.words("cli_help.import_paths"));
  // One file per -f, as docker compose takes them: `-f a.yml -f b.yml deploy/` leaves deploy/ a path.
  cmd->add_option("-f,--file", *compose, ctx.words("cli_help.import_file"))->allow_extra_args(false);
  cmd->add_option("-o,--output", *output, ctx.words("cli_help.import_output"));
  cmd->callback([paths, compose, output, &ctx] {
    // PATH... is needed unless -f names the files.
    if (paths->empty() && compose->empty())
      throw CLI::RequiredError("nothing to import: give files or folders, or Compose files with -f",
                               CLI::ExitCodes::RequiredError);
    const std::vector<std::filesystem::path> in(paths->begin(), paths->end());
    const std::vector<std::filesystem::path> files(compose->begin(), compose->end());
    const import::ImportResult result = import::import_paths(in, ctx.words, files);
    if (!result.ok()) {
      // Nothing to simulate: the report says what each file was and why it was left out.
      const bool nothing = std::any_of(result.report.begin(), result.report.end(), [&](const import::ReportEntry& e) {
        return e.kind == import::EntryKind::error && e.message == ctx.words("import.nothing");
      });
      if (nothing) std::fputs(import::format_report(result, ctx.words).c_str(), stderr);
      for (const import::ReportEntry& e : result.report)
        if (e.kind == import::EntryKind::error && !nothing)
          std::fprintf(stderr, "%s: %s\n", e.pos.str().c_str(), e.message.c_str());
      ctx.exit_code = 2;
      return;
    }
    const std::string report = import::format_report(result, ctx.words);
    if (output->empty()) {
      std::fputs(result.scenario_text.c_str(), stdout);
      std::fputs(report.c_str(), stderr);
      return;
    }
    std::ofstream out(*output, std::ios::binary);
    out << result.scenario_text;
    out.close();
    if (!out) {
      std::fprintf(stderr, "%s\n", ctx.words.format("import.cannot_write", *output).c_str());
      ctx.exit_code = 2;
      return;
    }
    std::fputs(report.c_str(), stdout);
    std::printf("%s\n", ctx.words.format("import.written", *output).c_str());
  });
}

}  // namespace deploysim::cli
#endif
