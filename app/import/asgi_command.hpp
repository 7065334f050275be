#pragma once
// An ASGI server's command line (from a systemd ExecStart, a compose `command:`, a Kubernetes
// container's command/args): which server, which app, where it listens, how many workers, and
// whether each was written or is the server's default.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "import/parse_error.hpp"
#include "import/source_pos.hpp"

namespace deploysim::import {

enum class AsgiServer { unknown, uvicorn, gunicorn, hypercorn };

/// What the shell of a `sh -c` script filled in from the environment.
struct ShellFill {
  std::vector<std::string> used;      ///< Variables whose values it took ("PORT").
  std::vector<std::string> defaults;  ///< "${PORT:-8000}": no value in the files, its default taken.
  std::vector<std::string> before;    ///< The script's commands before the server's ("alembic upgrade head").
};

/// What the command line says. Every Located has `pos` = where the word it was read from was
/// written (the parser's `word_pos`, else the one position given to it: argv carries no
/// columns; a default or WEB_CONCURRENCY has that one position); `set` = the command line (or
/// WEB_CONCURRENCY) gave it, else the value is the server's documented default.
struct AsgiCommand {
  AsgiServer server = AsgiServer::unknown;
  std::string server_name;                      ///< "uvicorn", "gunicorn", "hypercorn" ("" when unknown).
  SourcePos server_pos;                         ///< Where the server's word was written.
  Located<std::string> app;                     ///< "app.main:app".
  Located<std::string> host;                    ///< "0.0.0.0"; "127.0.0.1" by default.
  Located<int> port;                            ///< 8000 by default.
  Located<std::string> uds;                     ///< A Unix socket path instead of host:port.
  std::vector<std::string> binds;               ///< Every --bind as written (Gunicorn, Hypercorn take several).
  Located<int> workers;                         ///< 1 by default.
  bool workers_from_env = false;                ///< workers came from the environment (workers_env).
  std::string host_env, port_env, workers_env;  ///< The variable each came from ("" when none).
  std::string forwarded_env;                    ///< FORWARDED_ALLOW_IPS, when the list came from it.
  Located<std::string> worker_class;            ///< Gunicorn/Hypercorn -k ("uvicorn.workers.UvicornWorker").
  Located<double> timeout_s;                    ///< Gunicorn --timeout (30 s by default); unset for the others.
  Located<double> graceful_timeout_s;           ///< --graceful-timeout / --timeout-graceful-shutdown.
  Located<int> max_requests;                    ///< --max-requests / --limit-max-requests (0: never).
  Located<double> keep_alive_s;                 ///< --keep-alive / --timeout-keep-alive.
  /// The flag each of timeout_s, graceful_timeout_s, max_requests, keep_alive_s was read from, as
  /// written ("-t", "--timeout-keep-alive"); "" when not set.
  std::string timeout_flag, graceful_flag, max_requests_flag, keep_alive_flag;
  Located<bool> proxy_headers;  ///< Uvicorn: on unless --no-proxy-headers (trusting --forwarded-allow-ips).
  Located<std::string> forwarded_allow_ips;         ///< "127.0.0.1" by default (Uvicorn, Gunicorn).
  Located<std::string> config_file;                 ///< Gunicorn/Hypercorn -c: values may come from it too.
  bool reload = false;                              ///< --reload (a development server).
  std::vector<Located<std::string>> unknown_flags;  ///< Flags we do not model, with their values.
  std::vector<Located<std::string>> unresolved;     ///< "--port $(PORT)": a value only known at run time.
  ShellFill shell;                                  ///< Variables a `sh -c` script's shell filled in.
  std::vector<std::string> argv;                    ///< The server's own argv, after unwrapping python -m / sh -c.
};

using AsgiResult = ParseResult<AsgiCommand>;

/// Reads an argv. `env` (Environment= of the unit, environment: of the container) supplies
/// WEB_CONCURRENCY, Uvicorn's UVICORN_HOST/PORT/WORKERS and Gunicorn's PORT. `word_pos`, when given, is where each word
/// of argv was written (a Kubernetes container's `command:` and `args:` are two keys on two lines); else every word is
/// at `where`. A command that is not an ASGI server gives server == unknown, not an error; a
/// bad value ("--workers four") is an error where that value was written.
AsgiResult parse_asgi_command(const std::vector<std::string>& argv, const SourcePos& where,
                              const std::map<std::string, std::string>& env = {},
                              const std::vector<SourcePos>& word_pos = {});

/// Splits a shell command line (compose's string `command:`, the string of `sh -c`) into
/// words: POSIX quoting ('...', "...", backslash); `&&`, `||`, `;` and `|` come out as their
/// own words; a backslash before a newline is a line continuation, both removed (POSIX Shell
/// Command Language 2.2.1, also inside "..."). With `script` (the string of `sh -c`) a newline
/// outside quotes ends a command as `;` does (2.9.3 Lists) and comes out as a `;` word; without
/// it (Compose's string `command:`, which Compose splits into words itself) it is a space.
/// Returns false (and the words so far) on an unterminated quote.
bool split_shell_words(std::string_view line, std::vector<std::string>& words, bool script = false);

/// A command line as the report quotes it, on one line: the words joined by spaces, and a word
/// that is a multi-line script (`sh -c` with a YAML block scalar) as the shell reads it: a
/// backslash-newline continuation joined, each other newline written "; " (after `&&`, `|`,
/// `then`, `do`, `{` a space), indentation and whole-line comments left out.
std::string command_text(const std::vector<std::string>& words);

}  // namespace deploysim::import
