// ASGI servers' command lines. The defaults are the servers' documented ones:
//  - Uvicorn (https://www.uvicorn.org/settings/): --host 127.0.0.1, --port 8000, --workers from
//    WEB_CONCURRENCY else 1 (encode/uvicorn#940), --timeout-keep-alive 5, proxy headers on,
//    --forwarded-allow-ips 127.0.0.1.
//  - Gunicorn (https://docs.gunicorn.org/en/stable/settings.html): --bind 127.0.0.1:8000,
//    --workers 1 (WEB_CONCURRENCY), --timeout 30, --graceful-timeout 30, --max-requests 0,
//    --keep-alive 2, worker class sync. It also reads ./gunicorn.conf.py when present.
//  - Hypercorn (hypercorn/config.py): bind 127.0.0.1:8000 (a bind without port: 8000),
//    workers 1, graceful_timeout 3 s, keep_alive_timeout 5 s, worker_class asyncio.
//  - FastAPI CLI (fastapi-cli's cli.py, https://fastapi.tiangolo.com/fastapi-cli/): `fastapi run`
//    calls uvicorn.run with --host 0.0.0.0, --port 8000, no reload, --workers None (so
//    WEB_CONCURRENCY else 1) and proxy headers on; `fastapi dev` the same on 127.0.0.1 with
//    reload. Its options are its own: UVICORN_* variables do not reach them.
#include "import/asgi_command.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <span>

#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

using detail::make_error;
using detail::parse_uint;

std::string basename_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_shell(std::string_view b) { return b == "sh" || b == "bash" || b == "dash" || b == "ash" || b == "zsh"; }
bool is_server(std::string_view b) { return b == "uvicorn" || b == "gunicorn" || b == "hypercorn" || b == "fastapi"; }
bool is_operator(std::string_view w) { return w == "&&" || w == "||" || w == ";" || w == "|"; }
bool is_env_assignment(std::string_view w) {
  const size_t eq = w.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  return std::all_of(w.begin(), w.begin() + static_cast<long>(eq), [](char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

// The shell's parameter expansion in a `sh -c` script: $NAME, ${NAME}, ${NAME:-default} and
// ${NAME-default} from the environment the files give; `shell.defaults` gets each default taken
// because the name has no value there, `shell.used` each name filled in. Anything else ($(cmd),
// ${NAME:?}) is left as written.
std::string shell_expand(const std::string& word, const std::map<std::string, std::string>& env, ShellFill& shell) {
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '$' || i + 1 >= word.size()) {
      out += word[i];
      continue;
    }
    size_t end = i + 1;
    std::string name, fallback;
    bool has_fallback = false, colon = false;
    if (word[end] == '{') {
      const size_t close = word.find('}', end);
      if (close == std::string::npos) {
        out += word[i];
        continue;
      }
      const std::string inner = word.substr(end + 1, close - end - 1);
      size_t n = 0;
      while (n < inner.size() && detail::env_name_char(inner[n])) ++n;
      name = inner.substr(0, n);
      const std::string rest = inner.substr(n);
      if (rest.starts_with(":-") || rest.starts_with("-")) {
        colon = rest[0] == ':';
        has_fallback = true;
        fallback = rest.substr(colon ? 2 : 1);
      } else if (!rest.empty()) {
        name.clear();  // ${NAME:?...}, ${NAME#...}: not ours
      }
      end = close + 1;
    } else {
      while (end < word.size() && detail::env_name_char(word[end])) ++end;
      name = word.substr(i + 1, end - i - 1);
    }
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
      out += word[i];
      continue;
    }
    const auto it = env.find(name);
    const bool set = it != env.end() && !(colon && it->second.empty());
    if (set) {
      out += it->second;
      if (std::find(shell.used.begin(), shell.used.end(), name) == shell.used.end()) shell.used.push_back(name);
    } else if (has_fallback) {
      out += fallback;
      shell.defaults.push_back(word.substr(i, end - i));
    } else {
      out += word.substr(i, end - i);  // unknown here: left for the server's flags to say
    }
    i = end - 1;
  }
  return out;
}

// Strips what runs the server (env, exec, sh -c, python -m, poetry/uv run, a venv path). `from`
// follows argv: for each word left, the index of the word of the original argv it came from (the
// words of `sh -c "..."` all come from the string).
std::vector<std::string> unwrap(std::vector<std::string> argv, std::map<std::string, std::string>& env,
                                std::vector<size_t>& from, ShellFill& shell, int depth = 0) {
  if (depth > 4) return argv;  // sh -c 'sh -c "..."' nested deeper than anyone writes
  const auto drop = [&](size_t n) {
    n = std::min(n, argv.size());
    argv.erase(argv.begin(), argv.begin() + static_cast<long>(n));
    from.erase(from.begin(), from.begin() + static_cast<long>(n));
  };
  for (int round = 0; round < 8 && !argv.empty(); ++round) {
    size_t skip = 0;
    while (skip < argv.size() && is_env_assignment(argv[skip])) {
      const size_t eq = argv[skip].find('=');
      env[argv[skip].substr(0, eq)] = argv[skip].substr(eq + 1);
      ++skip;
    }
    drop(skip);
    if (argv.empty()) break;
    const std::string base = basename_of(argv[0]);
    if (base == "env" || base == "exec") {
      size_t i = 1;
      while (i < argv.size() && argv[i].starts_with('-')) i += (argv[i] == "-u" ? 2 : 1);
      drop(i);
    } else if (is_shell(base)) {
      size_t i = 1;
      while (i < argv.size() && argv[i].starts_with('-') && argv[i].find('c') == std::string::npos) ++i;
      if (i + 1 >= argv.size()) return argv;
      const size_t script = from[i + 1];
      std::vector<std::string> words;
      split_shell_words(argv[i + 1], words, true);
      // The segment that runs a server (after `cd /srv/app &&`, `alembic upgrade head &&`).
      std::vector<std::string> chosen, current, earlier;
      auto finish = [&] {
        std::map<std::string, std::string> scratch;
        std::vector<size_t> scratch_from(current.size(), script);
        ShellFill scratch_shell;
        const std::vector<std::string> inner = unwrap(current, scratch, scratch_from, scratch_shell, depth + 1);
        if (!inner.empty() && is_server(basename_of(inner[0]))) {
          chosen = current;
          shell.before = earlier;  // what runs before it, each time the container starts
        } else if (chosen.empty() && !current.empty()) {
          std::string text;
          for (const std::string& w : current) text += (text.empty() ? "" : " ") + w;
          earlier.push_back(text);
        }
        current.clear();
      };
      for (const std::string& w : words) {
        if (is_operator(w))
          finish();
        else
          current.push_back(w);
      }
      finish();
      argv = chosen.empty() ? words : chosen;
      from.assign(argv.size(), script);
      if (chosen.empty()) return argv;
      // The shell fills in the variables of the script's words from the process's environment.
      for (std::string& w : argv) w = shell_expand(w, env, shell);
    } else if (base.starts_with("python")) {
      size_t i = 1;
      while (i < argv.size() && argv[i].starts_with('-') && argv[i] != "-m" && argv[i] != "-c")
        i += (argv[i] == "-X" || argv[i] == "-W") ? 2 : 1;
      if (i + 1 < argv.size() && argv[i] == "-m") {
        drop(i + 1);
      } else {
        return argv;
      }
    } else if ((base == "poetry" || base == "uv" || base == "pdm" || base == "pipenv" || base == "hatch" ||
                base == "rye") &&
               argv.size() > 1 && argv[1] == "run") {
      size_t i = 2;
      while (i < argv.size() && argv[i].starts_with('-')) ++i;
      drop(i);
    } else {
      return argv;
    }
  }
  return argv;
}

enum class Opt {
  none,
  host,
  port,
  uds,
  bind,
  workers,
  worker_class,
  timeout,
  graceful,
  max_requests,
  keep_alive,
  forwarded,
  config,
  proxy_on,
  proxy_off,
  reload,
  no_reload,
  app_name,
  app_var
};

struct Flag {
  std::string_view name;  // "--workers" or "-w"
  bool value;             // takes a value
  Opt opt;
};

// Flags with values we must skip correctly even when we do not model them.
constexpr std::array uvicorn_flags = {Flag{"--host", true, Opt::host},
                                      Flag{"--port", true, Opt::port},
                                      Flag{"--uds", true, Opt::uds},
                                      Flag{"--workers", true, Opt::workers},
                                      Flag{"--timeout-keep-alive", true, Opt::keep_alive},
                                      Flag{"--timeout-graceful-shutdown", true, Opt::graceful},
                                      Flag{"--limit-max-requests", true, Opt::max_requests},
                                      Flag{"--forwarded-allow-ips", true, Opt::forwarded},
                                      Flag{"--proxy-headers", false, Opt::proxy_on},
                                      Flag{"--no-proxy-headers", false, Opt::proxy_off},
                                      Flag{"--reload", false, Opt::reload},
                                      Flag{"--fd", true, Opt::none},
                                      Flag{"--loop", true, Opt::none},
                                      Flag{"--http", true, Opt::none},
                                      Flag{"--ws", true, Opt::none},
                                      Flag{"--lifespan", true, Opt::none},
                                      Flag{"--interface", true, Opt::none},
                                      Flag{"--env-file", true, Opt::none},
                                      Flag{"--log-config", true, Opt::none},
                                      Flag{"--log-level", true, Opt::none},
                                      Flag{"--root-path", true, Opt::none},
                                      Flag{"--limit-concurrency", true, Opt::none},
                                      Flag{"--backlog", true, Opt::none},
                                      Flag{"--ssl-keyfile", true, Opt::none},
                                      Flag{"--ssl-certfile", true, Opt::none},
                                      Flag{"--header", true, Opt::none},
                                      Flag{"--app-dir", true, Opt::none},
                                      Flag{"--reload-dir", true, Opt::none},
                                      Flag{"--ws-max-size", true, Opt::none},
                                      Flag{"--ws-ping-interval", true, Opt::none},
                                      Flag{"--ws-ping-timeout", true, Opt::none},
                                      Flag{"--ssl-keyfile-password", true, Opt::none},
                                      Flag{"--ssl-ca-certs", true, Opt::none},
                                      Flag{"--ssl-ciphers", true, Opt::none}};

constexpr std::array fastapi_flags = {Flag{"--host", true, Opt::host},
                                      Flag{"--port", true, Opt::port},
                                      Flag{"--workers", true, Opt::workers},
                                      Flag{"--reload", false, Opt::reload},
                                      Flag{"--no-reload", false, Opt::no_reload},
                                      Flag{"--proxy-headers", false, Opt::proxy_on},
                                      Flag{"--no-proxy-headers", false, Opt::proxy_off},
                                      Flag{"--forwarded-allow-ips", true, Opt::forwarded},
                                      Flag{"--app", true, Opt::app_var},
                                      Flag{"--entrypoint", true, Opt::app_name},
                                      Flag{"-e", true, Opt::app_name},
                                      Flag{"--root-path", true, Opt::none},
                                      Flag{"--app-dir", true, Opt::none}};

constexpr std::array gunicorn_flags = {Flag{"--bind", true, Opt::bind},
                                       Flag{"-b", true, Opt::bind},
                                       Flag{"--workers", true, Opt::workers},
                                       Flag{"-w", true, Opt::workers},
                                       Flag{"--worker-class", true, Opt::worker_class},
                                       Flag{"-k", true, Opt::worker_class},
                                       Flag{"--timeout", true, Opt::timeout},
                                       Flag{"-t", true, Opt::timeout},
                                       Flag{"--graceful-timeout", true, Opt::graceful},
                                       Flag{"--max-requests", true, Opt::max_requests},
                                       Flag{"--keep-alive", true, Opt::keep_alive},
                                       Flag{"--forwarded-allow-ips", true, Opt::forwarded},
                                       Flag{"--config", true, Opt::config},
                                       Flag{"-c", true, Opt::config},
                                       Flag{"--reload", false, Opt::reload},
                                       Flag{"--threads", true, Opt::none},
                                       Flag{"--worker-connections", true, Opt::none},
                                       Flag{"--max-requests-jitter", true, Opt::none},
                                       Flag{"--chdir", true, Opt::none},
                                       Flag{"--access-logfile", true, Opt::none},
                                       Flag{"--error-logfile", true, Opt::none},
                                       Flag{"--log-file", true, Opt::none},
                                       Flag{"--log-level", true, Opt::none},
                                       Flag{"--access-logformat", true, Opt::none},
                                       Flag{"--log-config", true, Opt::none},
                                       Flag{"--name", true, Opt::none},
                                       Flag{"-n", true, Opt::none},
                                       Flag{"--pid", true, Opt::none},
                                       Flag{"-p", true, Opt::none},
                                       Flag{"--user", true, Opt::none},
                                       Flag{"-u", true, Opt::none},
                                       Flag{"--group", true, Opt::none},
                                       Flag{"-g", true, Opt::none},
                                       Flag{"-m", true, Opt::none},
                                       Flag{"--umask", true, Opt::none},
                                       Flag{"-e", true, Opt::none},
                                       Flag{"--env", true, Opt::none},
                                       Flag{"--backlog", true, Opt::none},
                                       Flag{"--certfile", true, Opt::none},
                                       Flag{"--keyfile", true, Opt::none},
                                       Flag{"--ca-certs", true, Opt::none},
                                       Flag{"--worker-tmp-dir", true, Opt::none},
                                       Flag{"--pythonpath", true, Opt::none},
                                       Flag{"--statsd-host", true, Opt::none},
                                       Flag{"--limit-request-line", true, Opt::none}};

constexpr std::array hypercorn_flags = {Flag{"--bind", true, Opt::bind},
                                        Flag{"-b", true, Opt::bind},
                                        Flag{"--workers", true, Opt::workers},
                                        Flag{"-w", true, Opt::workers},
                                        Flag{"--worker-class", true, Opt::worker_class},
                                        Flag{"-k", true, Opt::worker_class},
                                        Flag{"--graceful-timeout", true, Opt::graceful},
                                        Flag{"--max-requests", true, Opt::max_requests},
                                        Flag{"--keep-alive", true, Opt::keep_alive},
                                        Flag{"--config", true, Opt::config},
                                        Flag{"-c", true, Opt::config},
                                        Flag{"--reload", false, Opt::reload},
                                        Flag{"--insecure-bind", true, Opt::none},
                                        Flag{"--quic-bind", true, Opt::none},
                                        Flag{"--read-timeout", true, Opt::none},
                                        Flag{"--max-requests-jitter", true, Opt::none},
                                        Flag{"--access-logfile", true, Opt::none},
                                        Flag{"--error-logfile", true, Opt::none},
                                        Flag{"--log-level", true, Opt::none},
                                        Flag{"--log-config", true, Opt::none},
                                        Flag{"--root-path", true, Opt::none},
                                        Flag{"--certfile", true, Opt::none},
                                        Flag{"--keyfile", true, Opt::none},
                                        Flag{"--ca-certs", true, Opt::none},
                                        Flag{"--ciphers", true, Opt::none},
                                        Flag{"--backlog", true, Opt::none},
                                        Flag{"--access-logformat", true, Opt::none},
                                        Flag{"-g", true, Opt::none},
                                        Flag{"-u", true, Opt::none},
                                        Flag{"-m", true, Opt::none},
                                        Flag{"-p", true, Opt::none},
                                        Flag{"--server-name", true, Opt::none},
                                        Flag{"--statsd-host", true, Opt::none},
                                        Flag{"--websocket-ping-interval", true, Opt::none}};

// "0.0.0.0:8000", "[::]:8000", "unix:/run/app.sock", "fd://3", "0.0.0.0" (port 8000).
bool apply_bind(AsgiCommand& c, const std::string& v, const SourcePos& at) {
  c.binds.push_back(v);
  if (c.binds.size() > 1) return true;  // host and port follow the first bind
  if (v.starts_with("unix:")) {
    c.uds = {v.substr(5), at, true};
    return true;
  }
  if (v.starts_with("fd://")) return true;
  std::string host = v;
  std::string port;
  if (v.starts_with('[')) {
    const size_t close = v.find(']');
    if (close == std::string::npos) return false;
    host = v.substr(1, close - 1);
    if (close + 1 < v.size()) {
      if (v[close + 1] != ':') return false;
      port = v.substr(close + 2);
    }
  } else if (const size_t colon = v.rfind(':'); colon != std::string::npos) {
    host = v.substr(0, colon);
    port = v.substr(colon + 1);
  }
  c.host = {host, at, true};
  if (!port.empty() || v.ends_with(':')) {
    const auto p = parse_uint(port, 65535);
    if (!p) return false;
    c.port = {static_cast<int>(*p), at, true};
  }
  return true;
}

std::optional<double> parse_seconds(const std::string& v) {
  if (v.empty() || v.size() > 12) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size() || !(d >= 0) || d > 1e9) return std::nullopt;
  return d;
}

}  // namespace

bool split_shell_words(std::string_view line, std::vector<std::string>& words, bool script) {
  std::string cur;
  bool have = false;
  size_t i = 0;
  auto flush = [&] {
    if (have) words.push_back(cur);
    cur.clear();
    have = false;
  };
  while (i < line.size()) {
    const char ch = line[i];
    if (ch == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
      i += 2;  // a line continuation: removed before the line is split into words
    } else if (ch == '\n' && script) {
      flush();
      words.emplace_back(";");  // a newline ends a command of the script as `;` does
      ++i;
    } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      flush();
      ++i;
    } else if (ch == '\'') {
      const size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) {
        flush();
        return false;
      }
      cur += line.substr(i + 1, close - i - 1);
      have = true;
      i = close + 1;
    } else if (ch == '"') {
      ++i;
      have = true;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
          i += 2;  // a line continuation inside "..." is removed too
          continue;
        }
        if (line[i] == '\\' && i + 1 < line.size() &&
            std::string_view("$`\"\\").find(line[i + 1]) != std::string_view::npos)
          ++i;
        cur += line[i];
        ++i;
      }
      if (i >= line.size()) {
        flush();
        return false;
      }
      ++i;
    } else if (ch == '\\') {
      if (i + 1 < line.size()) cur += line[i + 1];
      have = true;
      i += 2;
    } else if (ch == ';' || ch == '|' || ch == '&') {
      flush();
      const bool doubled = i + 1 < line.size() && line[i + 1] == ch && ch != ';';
      words.emplace_back(line.substr(i, doubled ? 2 : 1));
      i += doubled ? 2 : 1;
    } else if (ch == '#' && !have) {
      while (i < line.size() && line[i] != '\n') ++i;  // a comment
    } else {
      cur += ch;
      have = true;
      ++i;
    }
  }
  flush();
  return true;
}

std::string command_text(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) {
    std::string text;
    if (word.find('\n') == std::string::npos) {
      text = word;
    } else {
      // A script's lines: a continuation joins two, a comment line is none, and a line that ends
      // in an operator or a keyword the next command follows (`&&`, `|`, `then`, `do`, `{`) takes
      // a space where the others take "; " (a newline ends a command as `;` does).
      std::string joined;
      for (size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '\\' && i + 1 < word.size() && word[i + 1] == '\n') {
          // The next line's indentation, one space at most: it separates words, as any blank does.
          size_t next = i + 2;
          while (next < word.size() && (word[next] == ' ' || word[next] == '\t')) ++next;
          if (next > i + 2 && !joined.empty() && joined.back() != ' ') joined += ' ';
          i = next - 1;
        } else {
          joined += word[i];
        }
      }
      size_t start = 0;
      while (start <= joined.size()) {
        size_t end = joined.find('\n', start);
        if (end == std::string::npos) end = joined.size();
        std::string_view line = std::string_view(joined).substr(start, end - start);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
        if (!line.empty() && !line.starts_with('#')) {
          if (!text.empty()) {
            const size_t space = text.rfind(' ');
            const std::string_view last = std::string_view(text).substr(space == std::string::npos ? 0 : space + 1);
            const bool continues = text.ends_with('&') || text.ends_with('|') || text.ends_with(';') || last == "{" ||
                                   last == "(" || last == "then" || last == "do" || last == "else";
            text += continues ? " " : "; ";
          }
          text += line;
        }
        start = end + 1;
      }
    }
    out += (out.empty() ? "" : " ") + text;
  }
  return out;
}

AsgiResult parse_asgi_command(const std::vector<std::string>& argv_in, const SourcePos& at,
                              const std::map<std::string, std::string>& env_in,
                              const std::vector<SourcePos>& word_pos) {
  AsgiResult result;
  AsgiCommand c;
  std::map<std::string, std::string> env = env_in;
  std::vector<size_t> from(argv_in.size());
  for (size_t i = 0; i < from.size(); ++i) from[i] = i;
  c.argv = unwrap(argv_in, env, from, c.shell);
  // Where word k of c.argv was written: its own place when the caller gave one, else `at`.
  const auto word_at = [&](size_t k) -> const SourcePos& {
    return k < from.size() && from[k] < word_pos.size() ? word_pos[from[k]] : at;
  };
  c.server_pos = c.argv.empty() ? at : word_at(0);
  std::string base = c.argv.empty() ? "" : basename_of(c.argv[0]);
  std::span<const Flag> flags;
  size_t first_arg = 1;
  // `fastapi run` / `fastapi dev`: Uvicorn under its own options and defaults.
  const bool fastapi = base == "fastapi" && c.argv.size() > 1 && (c.argv[1] == "run" || c.argv[1] == "dev");
  if (fastapi) {
    c.server = AsgiServer::uvicorn;
    flags = fastapi_flags;
    c.keep_alive_s = {5, at, false};
    c.proxy_headers = {true, at, false};
    c.reload = c.argv[1] == "dev";
    base = "fastapi " + c.argv[1];
    first_arg = 2;
  } else if (base == "uvicorn") {
    c.server = AsgiServer::uvicorn;
    flags = uvicorn_flags;
    c.keep_alive_s = {5, at, false};
    c.proxy_headers = {true, at, false};
  } else if (base == "gunicorn") {
    c.server = AsgiServer::gunicorn;
    flags = gunicorn_flags;
    c.timeout_s = {30, at, false};
    c.graceful_timeout_s = {30, at, false};
    c.keep_alive_s = {2, at, false};
    c.max_requests = {0, at, false};
    c.worker_class = {"sync", at, false};
  } else if (base == "hypercorn") {
    c.server = AsgiServer::hypercorn;
    flags = hypercorn_flags;
    c.graceful_timeout_s = {3, at, false};
    c.keep_alive_s = {5, at, false};
    c.worker_class = {"asyncio", at, false};
  } else {
    result.value = std::move(c);
    return result;
  }
  c.server_name = base;
  c.host = {base == "fastapi run" ? "0.0.0.0" : "127.0.0.1", at, false};
  c.port = {8000, at, false};
  c.workers = {1, at, false};
  if (c.server != AsgiServer::hypercorn) c.forwarded_allow_ips = {"127.0.0.1", at, false};
  // Uvicorn's Config and Gunicorn's forwarded_allow_ips setting both default to the
  // FORWARDED_ALLOW_IPS variable when it is set; the flag overrides it.
  if (auto it = env.find("FORWARDED_ALLOW_IPS"); it != env.end() && c.server != AsgiServer::hypercorn) {
    c.forwarded_allow_ips = {it->second, at, true};
    c.forwarded_env = "FORWARDED_ALLOW_IPS";
  }
  if (auto it = env.find("WEB_CONCURRENCY"); it != env.end() && c.server != AsgiServer::hypercorn) {
    if (auto n = parse_uint(it->second, 100000)) {
      c.workers = {static_cast<int>(*n), at, true};
      c.workers_from_env = true;
      c.workers_env = "WEB_CONCURRENCY";
    }
  }
  // Uvicorn's options also come from UVICORN_<OPTION> (click's auto_envvar_prefix="UVICORN" in
  // uvicorn/main.py); a flag on the command line overrides them, and UVICORN_WORKERS is the
  // --workers option itself, so it goes before WEB_CONCURRENCY (read by Config only when
  // workers is None). A value the option cannot take is left to the server's error.
  if (c.server == AsgiServer::uvicorn && !fastapi) {
    if (auto it = env.find("UVICORN_HOST"); it != env.end() && !it->second.empty()) {
      c.host = {it->second, at, true};
      c.host_env = "UVICORN_HOST";
    }
    if (auto it = env.find("UVICORN_PORT"); it != env.end())
      if (auto n = parse_uint(it->second, 65535)) {
        c.port = {static_cast<int>(*n), at, true};
        c.port_env = "UVICORN_PORT";
      }
    if (auto it = env.find("UVICORN_WORKERS"); it != env.end())
      if (auto n = parse_uint(it->second, 100000)) {
        c.workers = {static_cast<int>(*n), at, true};
        c.workers_from_env = true;
        c.workers_env = "UVICORN_WORKERS";
      }
  }
  std::vector<Located<std::string>> positional;
  auto fail = [&](ParseErrorCode code, const SourcePos& where, std::initializer_list<std::string> args) {
    result.error = make_error(code, where, args);
    return result;
  };
  Located<std::string> app_name, app_var;
  for (size_t i = first_arg; i < c.argv.size(); ++i) {
    const std::string& a = c.argv[i];
    const SourcePos& flag_at = word_at(i);
    if (a == "--") {
      for (size_t k = i + 1; k < c.argv.size(); ++k) positional.push_back({c.argv[k], word_at(k), true});
      break;
    }
    if (!a.starts_with('-') || a == "-") {
      positional.push_back({a, flag_at, true});
      continue;
    }
    std::string name = a, value;
    bool has_value = false;
    if (const size_t eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    auto it = std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.name == name; });
    if (it == flags.end() && !a.starts_with("--") && a.size() > 2) {  // -w4, -b0.0.0.0:8000
      name = a.substr(0, 2);
      it = std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.name == name && f.value; });
      if (it != flags.end()) {
        value = a.substr(2);
        has_value = true;
      }
    }
    if (it == flags.end()) {
      c.unknown_flags.push_back({a, flag_at, true});
      continue;
    }
    if (it->value && !has_value) {
      if (i + 1 >= c.argv.size()) return fail(ParseErrorCode::needs_value, flag_at, {name});
      value = c.argv[++i];
    }
    // A value names where it was written: `--port 8000` split over command and args is the args'.
    const SourcePos& at_value = word_at(i);
    const Located<std::string> v{value, at_value, true};
    // A variable left for run time ($PORT, Kubernetes' $(PORT) from a Secret, a systemd specifier
    // such as %i, the instance of a template unit): no value to read.
    const size_t pct = value.find('%');
    const bool specifier =
        pct != std::string::npos && pct + 1 < value.size() && std::isalpha(static_cast<unsigned char>(value[pct + 1]));
    if (it->value && it->opt != Opt::none && (value.find('$') != std::string::npos || specifier)) {
      c.unresolved.push_back({name + " " + value, at_value, true});
      continue;
    }
    switch (it->opt) {
      case Opt::host:
        c.host = v;
        c.host_env.clear();
        break;
      case Opt::uds:
        c.uds = v;
        break;
      case Opt::forwarded:
        c.forwarded_allow_ips = v;
        c.forwarded_env.clear();
        break;
      case Opt::worker_class:
        c.worker_class = v;
        break;
      case Opt::config:
        c.config_file = v;
        break;
      case Opt::proxy_on:
        c.proxy_headers = {true, at_value, true};
        break;
      case Opt::proxy_off:
        c.proxy_headers = {false, at_value, true};
        break;
      case Opt::reload:
        c.reload = true;
        break;
      case Opt::no_reload:
        c.reload = false;
        break;
      case Opt::app_name:
        app_name = v;
        break;
      case Opt::app_var:
        app_var = v;
        break;
      case Opt::bind:
        if (!apply_bind(c, value, at_value)) return fail(ParseErrorCode::bad_port, at_value, {value});
        break;
      case Opt::port: {
        const auto p = parse_uint(value, 65535);
        if (!p) return fail(ParseErrorCode::bad_port, at_value, {value});
        c.port = {static_cast<int>(*p), at_value, true};
        c.port_env.clear();
        break;
      }
      case Opt::workers:
      case Opt::max_requests: {
        const auto n = parse_uint(value, 100000000);
        if (!n) return fail(ParseErrorCode::bad_number, at_value, {value});
        (it->opt == Opt::workers ? c.workers : c.max_requests) = {static_cast<int>(*n), at_value, true};
        if (it->opt == Opt::max_requests) c.max_requests_flag = name;
        if (it->opt == Opt::workers) {
          c.workers_from_env = false;
          c.workers_env.clear();
        }
        break;
      }
      case Opt::timeout:
      case Opt::graceful:
      case Opt::keep_alive: {
        const auto s = parse_seconds(value);
        if (!s) return fail(ParseErrorCode::bad_duration, at_value, {value, "30"});
        (it->opt == Opt::timeout    ? c.timeout_s
         : it->opt == Opt::graceful ? c.graceful_timeout_s
                                    : c.keep_alive_s) = {*s, at_value, true};
        (it->opt == Opt::timeout    ? c.timeout_flag
         : it->opt == Opt::graceful ? c.graceful_flag
                                    : c.keep_alive_flag) = name;
        break;
      }
      case Opt::none:  // said at the flag's own word (a list item of its own line)
        c.unknown_flags.push_back({it->value ? name + " " + value : name, flag_at, true});
        break;
    }
  }
  // Gunicorn without --bind binds 0.0.0.0:$PORT when PORT is set (gunicorn/config.py, Bind's
  // default).
  if (auto it = env.find("PORT"); it != env.end() && c.server == AsgiServer::gunicorn && c.binds.empty())
    if (auto n = parse_uint(it->second, 65535)) {
      c.host = {"0.0.0.0", at, true};
      c.port = {static_cast<int>(*n), at, true};
      c.host_env = c.port_env = "PORT";
    }
  // The app: "module:attribute"; Gunicorn also takes a bare module (its `application`).
  const auto app = std::find_if(positional.begin(), positional.end(),
                                [](const Located<std::string>& p) { return p.value.find(':') != std::string::npos; });
  if (app != positional.end())
    c.app = *app;
  else if (!positional.empty())
    c.app = positional.front();
  // fastapi's PATH is a file or package; --app names the variable in it, --entrypoint the whole.
  if (app_name.set)
    c.app = app_name;
  else if (app_var.set)
    c.app = {(c.app.set ? c.app.value + ":" : std::string()) + app_var.value, app_var.pos, true};
  result.value = std::move(c);
  return result;
}

}  // namespace deploysim::import
