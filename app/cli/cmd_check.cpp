// `deploysim check FILE...`: validates scenario files; bad input exits 2 with `file:line:column: message`.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "deploysim/exercise.hpp"
#include "deploysim/scenario.hpp"

namespace deploysim::cli {

namespace {

std::string plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string summary(const Scenario& sc) {
  size_t records = 0;
  for (const auto& z : sc.zones) records += z.records.size();
  return fmt::format("{}, {}, {}, {}, {}, {}, {}", plural(sc.clients.size(), "client"),
                     plural(sc.services.size(), "service"), plural(sc.hosts.size(), "host"),
                     plural(records, "DNS record"), plural(sc.certificates.size(), "certificate"),
                     plural(sc.faults.size(), "fault"), plural(sc.variants.size(), "variant"));
}

// An exercise file (an [exercise] table): loading it checks its scenario, paths and solution.
bool check_exercise(const std::string& file) {
  const ExerciseLoad ex = load_exercise_file(file);
  if (ex.error) {
    std::fprintf(stderr, "%s\n", ex.error->to_string().c_str());
    return false;
  }
  std::printf("%s: ok (exercise, %s, %s)\n", file.c_str(), plural(ex.exercise->params.size(), "param").c_str(),
              plural(ex.exercise->goals.size(), "goal").c_str());
  return true;
}

}  // namespace

void register_check_command(CLI::App& app, Context& ctx) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd =
      app.add_subcommand("check", "Validate scenario and exercise files (prints file:line:column: message on errors)");
  cmd->add_option("files", *files, "Scenario or exercise TOML files")->required();
  cmd->callback([files, &ctx] {
    for (const auto& file : *files) {
      if (is_exercise_file(file)) {
        if (!check_exercise(file)) ctx.exit_code = 2;
        continue;
      }
      const LoadResult result = load_scenario_file(file);
      if (result.error) {
        std::fprintf(stderr, "%s\n", result.error->to_string().c_str());
        ctx.exit_code = 2;
        continue;
      }
      std::printf("%s: ok (%s)\n", file.c_str(), summary(*result.scenario).c_str());
    }
  });
}

}  // namespace deploysim::cli
