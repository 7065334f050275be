// `deploysim import PATH... [-o FILE]`: a team's deployment files (docker-compose, Kubernetes
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
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("import", ctx.words("cli_help.import"));
  cmd->add_option("paths", *paths, ctx.words("cli_help.import_paths"))->required();
  cmd->add_option("-o,--output", *output, ctx.words("cli_help.import_output"));
  cmd->callback([paths, output, &ctx] {
    const std::vector<std::filesystem::path> in(paths->begin(), paths->end());
    const import::ImportResult result = import::import_paths(in, ctx.words);
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
