#include "cli/commands.hpp"

namespace deploysim::cli {
void register_run_commands(CLI::App&, Context&) {}
}  // namespace deploysim::cli
