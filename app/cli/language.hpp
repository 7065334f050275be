#pragma once
// The language of the command line's own words, and CLI11's chrome in it.
#include <string>

#include <CLI/CLI.hpp>

#include "deploysim/messages.hpp"

namespace deploysim::cli {

/// The language a command speaks: `--lang X` (or `--lang=X`) anywhere on the command line when a
/// catalogue has X, else the one saved in the window's settings.json, else the system's
/// (Messages::system_language). Read before the parser exists, since help texts are in it.
std::string cli_language(int argc, const char* const* argv);

/// The language saved in `config_dir`/settings.json ("" when none, or not one with a catalogue).
std::string saved_language(const std::string& config_dir);

/// Puts CLI11's own words (Usage, OPTIONS, REQUIRED, group titles, the help flag, parse errors)
/// into `words`' language, for `app` and every subcommand. Call once every option exists.
void localize_cli(CLI::App& app, const Messages& words);

/// A CLI11 parse error in `words`' language, with the hint to ask for help.
std::string parse_error_text(const CLI::Error& e, const Messages& words);

}  // namespace deploysim::cli
