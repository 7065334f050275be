#pragma once
// systemd unit files (app.service): our own reader of their INI-like syntax (sections, KEY=VALUE,
// `#`/`;` comments, backslash continuations, repeated keys appending, an empty value resetting a
// list), keeping the settings the simulation models with where each was written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "import/asgi_command.hpp"
#include "import/parse_error.hpp"
#include "import/source_pos.hpp"

namespace deploysim::import {

/// A systemd time span ("5", "5s", "1min 30s", "500ms", "infinity").
struct TimeSpan {
  int64_t us = 0;         ///< Microseconds (systemd's unit).
  bool infinite = false;  ///< "infinity".
  int64_t ms() const { return us / 1000; }
};

/// A systemd memory limit ("1G", "512M", "infinity", "50%").
struct ByteLimit {
  uint64_t bytes = 0;  ///< K, M, G, T, P, E are powers of 1024, as systemd reads them.
  bool infinite = false;
  double percent = -1;  ///< >= 0 when written as a share of the machine's memory.
};

/// One ExecStart= command line.
struct ExecCommand {
  std::string path;               ///< The program ("/srv/app/.venv/bin/gunicorn").
  std::vector<std::string> argv;  ///< argv[0] first (with "@", the word after the path).
  std::string prefixes;           ///< "-", "@", "+", "!", "!!", ":" as written.
  SourcePos pos;
};

/// A line systemd loads the unit without: it logs a warning, skips the line, and what was set
/// before (or the default) stands. A typo here leaves a unit that starts but does not do what
/// its file seems to say, so the import reports each one.
struct SkippedLine {
  enum class Why : uint8_t {
    no_equals,        ///< Neither KEY=VALUE nor a header: "Missing '=', ignoring line."
    outside_section,  ///< An assignment before any [Section]: "Assignment outside of section. Ignoring."
    bad_value,        ///< A value its key's parser cannot read ("Failed to parse ..., ignoring").
    wrong_section,    ///< A key its section does not have ([Service] StartLimitIntervalSec=): "Unknown key".
  };
  Why why = Why::bad_value;
  std::string key;    ///< The key (no_equals: the whole line).
  std::string value;  ///< bad_value: the value systemd could not read.
  SourcePos pos;
};

/// What a unit file holds.
struct SystemdUnit {
  Located<std::string> description;
  std::vector<ExecCommand> exec_start;  ///< Usually one (several only for Type=oneshot).
  Located<std::string> type;            ///< "simple" by default.
  Located<std::string> working_directory;
  Located<std::string> user;
  Located<std::string> restart;            ///< "no" by default.
  Located<TimeSpan> restart_sec;           ///< 100 ms by default.
  Located<std::string> oom_policy;         ///< OOMPolicy=: unset reads DefaultOOMPolicy= (stop).
  Located<int> start_limit_burst;          ///< 5 by default ([Unit], or the old [Service] place).
  Located<TimeSpan> start_limit_interval;  ///< 10 s by default (StartLimitIntervalSec=, old StartLimitInterval=).
  std::string start_limit_interval_key;    ///< The key it was read from, as written.
  Located<ByteLimit> memory_max;           ///< MemoryMax= (or the old MemoryLimit=).
  Located<TimeSpan> timeout_stop;          ///< TimeoutStopSec= (90 s by default).
  Located<std::string> kill_signal;        ///< "SIGTERM" by default; written "TERM" or "15" is normalized when known.
  Located<int> restart_steps;              ///< RestartSteps= (v254): 0, off, by default.
  Located<TimeSpan> restart_max_delay;     ///< RestartMaxDelaySec= (v254): infinity by default.
  /// [Install] WantedBy=, RequiredBy=, UpheldBy=: each a hook `systemctl enable` links the unit to.
  Located<std::vector<std::string>> wanted_by, required_by, upheld_by;
  bool enabled_on_boot = false;  ///< One of them names multi-user.target or default.target.
  std::string install_key;       ///< The key that hooks it to a boot target, else the first written ("" when none).
  SourcePos install_pos;         ///< Where install_key was written.
  std::vector<Located<std::pair<std::string, std::string>>> environment;  ///< Environment= in order.
  std::vector<Located<std::string>> environment_files;
  std::optional<AsgiCommand> asgi;   ///< The ASGI server of the (last) ExecStart=, when it runs one.
  std::vector<Ignored> ignored;      ///< Keys we do not model (in = the section).
  std::vector<SkippedLine> skipped;  ///< Lines systemd itself would skip, in file order.
};

using SystemdResult = ParseResult<SystemdUnit>;

/// A drop-in of the unit (api.service.d/override.conf): read after the unit, in this order.
struct DropIn {
  std::string file;
  std::string_view text;
};

/// Parses one unit file's text (`file` names it in positions), then its drop-ins, each over
/// what came before as systemd reads them (a later value wins; an empty one resets a list).
/// Never throws.
SystemdResult parse_systemd_unit(std::string_view text, const std::string& file,
                                 const std::vector<DropIn>& drop_ins = {});

/// Whether a file given to the import is the one an EnvironmentFile= line names: `input` is the
/// file's path as given, made lexically normal ("etc/default/inventory"), `path` the line's value
/// ("/etc/default/inventory", a leading "-" allowed). The same path, or an absolute `path` the
/// input's path ends with, whole names only: a copy of the machine's /etc in the repository.
bool environment_file_matches(std::string_view input, std::string_view path);

/// systemd's time span notation (a bare number is seconds).
std::optional<TimeSpan> parse_systemd_timespan(std::string_view text);
/// systemd's byte notation for memory limits.
std::optional<ByteLimit> parse_systemd_bytes(std::string_view text);
/// Splits a command line as systemd does for Exec*= ("..." and '...' quoting, C escapes).
/// On error returns the code and the offset (in `text`) where it applies.
std::optional<std::pair<ParseErrorCode, size_t>> split_systemd_words(std::string_view text,
                                                                     std::vector<std::string>& words);

}  // namespace deploysim::import
