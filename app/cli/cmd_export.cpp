#include "cli/commands.hpp"

namespace deploysim::cli {
void register_export_commands(CLI::App&, Context&) {}
}  // namespace deploysim::cli
