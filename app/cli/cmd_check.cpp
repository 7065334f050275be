#include "cli/commands.hpp"

namespace deploysim::cli {
void register_check_command(CLI::App&, Context&) {}
}  // namespace deploysim::cli
