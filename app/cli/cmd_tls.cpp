#include "cli/commands.hpp"

namespace deploysim::cli {
void register_tls_commands(CLI::App&, Context&) {}
}  // namespace deploysim::cli
