#include "cli/commands.hpp"

namespace deploysim::cli {
void register_lesson_commands(CLI::App&, Context&) {}
}  // namespace deploysim::cli
