#pragma once
// What the command line asks of the system: its own path and whether it talks to a terminal.
#include <string>

namespace deploysim::cli {

/// This program's executable file ("" where the system gives no way to ask).
std::string executable_path();

/// The assets of an installed deploysim: `<prefix>/share/deploysim` beside `<prefix>/bin` (a .deb
/// puts the binary in /usr/bin and the assets in /usr/share/deploysim); "" when not installed so.
std::string installed_assets_dir();

/// Whether standard input and output are both a terminal (a person can press Enter).
bool interactive_terminal();

/// Whether standard error is a terminal (a progress line updated in place is read there, and
/// would clutter a file or a pipe).
bool error_is_terminal();

}  // namespace deploysim::cli
