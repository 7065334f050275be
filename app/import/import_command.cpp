// An ASGI server's command line (parsed by asgi_command.cpp) into a scenario service: server,
// workers, bind address, port, trusted proxies, graceful shutdown; the rest reported as ignored.
#include <algorithm>
#include <cctype>
#include <string>

#include <fmt/format.h>

#include "deploysim/scenario.hpp"
#include "import/asgi_command.hpp"
#include "import/import_model.hpp"

namespace deploysim::import {

namespace {

std::string server_key(AsgiServer s) {
  switch (s) {
    case AsgiServer::uvicorn:
      return "uvicorn";
    case AsgiServer::gunicorn:
      return "gunicorn";
    case AsgiServer::hypercorn:
      return "hypercorn";
    case AsgiServer::unknown:
      break;
  }
  return "";
}

// "*" or "10.0.0.1,10.0.0.2" as a TOML array; ranges ("10.0.0.0/8"), which the scenario does not
// take, go to `ranges`; what is neither ("10.0.0.068": Python's ipaddress refuses leading zeros,
// so Uvicorn keeps it as a name no client address equals) to `not_addresses`.
std::string ip_list(const std::string& text, std::vector<std::string>& ranges,
                    std::vector<std::string>& not_addresses) {
  std::string out, item;
  const auto flush = [&] {
    while (!item.empty() && item.back() == ' ') item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    if (item == "*" || is_ip_address(item))
      out += (out.empty() ? "" : ", ") + toml_str(item);
    else if (item.find('/') != std::string::npos)
      ranges.push_back(item);
    else if (!item.empty())
      not_addresses.push_back(item);
    item.clear();
  };
  for (const char c : text) {
    if (c == ',')
      flush();
    else
      item += c;
  }
  flush();
  return out.empty() ? "" : "[" + out + "]";
}

// The flag a value was read from as written, else (a default) the server's usual name for it.
std::string flag_of(const std::string& written, const char* fallback) {
  return written.empty() ? std::string(fallback) : written;
}

// What a worker uses is in no deployment file (they give limits): the model's default, said.
void assume_worker_memory(const SourcePos& pos, ServiceModel& s, Report& r) {
  s.keys.set("memory_per_worker",
             r.assume(pos, "memory_per_worker", toml_str("100MiB"), r.w("import.why_worker_memory")));
}

}  // namespace

bool apply_asgi_command(const std::vector<std::string>& argv, const SourcePos& pos, const std::string& where,
                        ServiceModel& s, Report& r, const std::map<std::string, std::string>& env,
                        const std::map<std::string, SourcePos>& env_pos) {
  return apply_asgi_command(std::vector<CommandPart>{{where, pos, argv}}, pos, s, r, env, env_pos);
}

bool apply_asgi_command(const std::vector<CommandPart>& parts, const SourcePos& pos, ServiceModel& s, Report& r,
                        const std::map<std::string, std::string>& env,
                        const std::map<std::string, SourcePos>& env_pos) {
  std::vector<std::string> argv;
  std::vector<SourcePos> word_pos;
  for (const CommandPart& part : parts)
    for (size_t i = 0; i < part.words.size(); ++i) {
      argv.push_back(part.words[i]);
      word_pos.push_back(i < part.word_pos.size() ? part.word_pos[i] : part.pos);
    }
  const AsgiResult parsed = parse_asgi_command(argv, pos, env, word_pos);
  if (parsed.error) {
    r.error(parsed.error->pos, format_parse_error(*parsed.error, r.w).substr(parsed.error->pos.str().size() + 2));
    return true;  // said; nothing more to assume
  }
  const AsgiCommand& cmd = *parsed.value;
  const std::string server = server_key(cmd.server);
  if (server.empty()) return false;
  const Messages& w = r.w;
  // The file key a value was read from ("command", "args"): the part written where it was.
  const auto key_at = [&](const SourcePos& p) {
    for (const CommandPart& part : parts)
      if (part.pos == p || std::find(part.word_pos.begin(), part.word_pos.end(), p) != part.word_pos.end())
        return part.key;
    return parts.empty() ? std::string() : parts.front().key;
  };
  const std::string where = key_at(cmd.server_pos);
  // `fastapi run` is Uvicorn under another name: the report says which command gave it.
  s.keys.set("server", r.from(cmd.server_pos, cmd.server_name == server ? where : where + " " + cmd.server_name,
                              "server", toml_str(server)));
  if (cmd.app.set) r.mapped(cmd.app.pos, w.format("import.command_app", cmd.app.value));

  // The scenario takes 1 to 1024 workers and ports 1 to 65535 (scenario_service.cpp): outside
  // them, a located error here rather than a scenario the loader refuses.
  // A value from the environment (WEB_CONCURRENCY, UVICORN_PORT, PORT) names the line of its
  // entry, not the command's.
  const auto env_at = [&](const std::string& var, const SourcePos& p) {
    if (var.empty()) return p;
    if (std::find(s.env_read.begin(), s.env_read.end(), var) == s.env_read.end()) s.env_read.push_back(var);
    const auto it = env_pos.find(var);
    return it == env_pos.end() ? p : it->second;
  };
  const std::string workers_key = !cmd.workers_env.empty() ? cmd.workers_env : key_at(cmd.workers.pos) + " --workers";
  const SourcePos workers_pos = env_at(cmd.workers_env, cmd.workers.pos);
  if (cmd.workers.set && (cmd.workers.value < 1 || cmd.workers.value > 1024))
    r.error(workers_pos, w.format("import.out_of_range", workers_key, cmd.workers.value, 1, 1024));
  else if (cmd.workers.set && cmd.reload && cmd.server == AsgiServer::uvicorn && cmd.workers.value > 1)
    // uvicorn/config.py: '"workers" flag is ignored when reloading is enabled.'
    s.keys.set("workers", r.assume(workers_pos, "workers", "1", w.format("import.why_reload_workers", workers_key)));
  else if (cmd.workers.set)
    s.keys.set("workers", r.from(workers_pos, workers_key, "workers", std::to_string(cmd.workers.value)));
  else
    s.keys.set("workers", r.assume(pos, "workers", std::to_string(cmd.workers.value),
                                   w.format("import.why_server_default", cmd.server_name)));
  assume_worker_memory(pos, s, r);

  if (cmd.uds.set) {
    s.uds = cmd.uds.value;
    // Gunicorn and Hypercorn write it as --bind unix:PATH, Uvicorn as --uds PATH.
    r.ignored(cmd.uds.pos, w.format("import.ignored_key",
                                    cmd.binds.empty() ? "--uds " + cmd.uds.value : "--bind unix:" + cmd.uds.value,
                                    w("import.why_unix_socket")));
    s.keys.set("bind", r.assume(pos, "bind", toml_str("127.0.0.1"), w("import.why_unix_socket_bind")));
  } else {
    const std::string& h = cmd.host.value;
    std::string bind = (h == "127.0.0.1" || h == "localhost" || h == "::1") ? "127.0.0.1" : "0.0.0.0";
    // Gunicorn's and Hypercorn's --bind HOST:PORT gives both; Uvicorn's --host and --port.
    const bool by_bind = !cmd.binds.empty();
    if (cmd.host.set)
      s.keys.set("bind",
                 r.from(env_at(cmd.host_env, cmd.host.pos),
                        !cmd.host_env.empty() ? cmd.host_env : key_at(cmd.host.pos) + (by_bind ? " --bind" : " --host"),
                        "bind", toml_str(bind)));
    else if (bind == "0.0.0.0")  // fastapi run
      s.keys.set("bind", r.assume(pos, "bind", toml_str(bind),
                                  w.format("import.why_bind_default_all", "--host", cmd.server_name)));
    else  // Gunicorn and Hypercorn have no --host: their flag is --bind.
      s.keys.set("bind", r.assume(pos, "bind", toml_str(bind),
                                  w.format("import.why_bind_default",
                                           cmd.server == AsgiServer::uvicorn ? "--host" : "--bind", cmd.server_name)));
    const std::string port_key =
        !cmd.port_env.empty() ? cmd.port_env : key_at(cmd.port.pos) + (by_bind ? " --bind" : " --port");
    const SourcePos port_pos = env_at(cmd.port_env, cmd.port.pos);
    if (cmd.port.set && (cmd.port.value < 1 || cmd.port.value > 65535))
      r.error(port_pos, w.format("import.out_of_range", port_key, cmd.port.value, 1, 65535));
    else if (cmd.port.set)
      s.keys.set("port", r.from(port_pos, port_key, "port", std::to_string(cmd.port.value)));
    else
      s.keys.set("port", r.assume(pos, "port", std::to_string(cmd.port.value),
                                  w.format("import.why_server_default", cmd.server_name)));
  }
  if (cmd.forwarded_allow_ips.set) {
    std::vector<std::string> ranges, not_addresses;
    const std::string list = ip_list(cmd.forwarded_allow_ips.value, ranges, not_addresses);
    const SourcePos at = env_at(cmd.forwarded_env, cmd.forwarded_allow_ips.pos);
    const std::string key =
        !cmd.forwarded_env.empty() ? cmd.forwarded_env : key_at(cmd.forwarded_allow_ips.pos) + " --forwarded-allow-ips";
    for (const std::string& d : ranges)
      r.ignored(at, w.format("import.ignored_key", key + " " + d, w("import.why_ip_range")));
    for (const std::string& d : not_addresses)
      r.ignored(at, w.format("import.ignored_key", key + " " + d, w("import.why_not_an_address")));
    if (!list.empty()) s.keys.set("forwarded_allow_ips", r.from(at, key, "forwarded_allow_ips", list));
  }
  if (cmd.proxy_headers.set)
    s.keys.set("proxy_headers", r.from(cmd.proxy_headers.pos,
                                       key_at(cmd.proxy_headers.pos) +
                                           (cmd.proxy_headers.value ? " --proxy-headers" : " --no-proxy-headers"),
                                       "proxy_headers", cmd.proxy_headers.value ? "true" : "false"));
  if (cmd.graceful_timeout_s.set) {
    if (cmd.server == AsgiServer::uvicorn && cmd.graceful_timeout_s.value > 0)
      s.keys.set("timeout_graceful_shutdown",
                 r.from(cmd.graceful_timeout_s.pos, key_at(cmd.graceful_timeout_s.pos) + " --timeout-graceful-shutdown",
                        "timeout_graceful_shutdown",
                        duration_text(static_cast<uint64_t>(cmd.graceful_timeout_s.value * 1000))));
    else
      r.ignored(cmd.graceful_timeout_s.pos,
                w.format("import.ignored_key", flag_of(cmd.graceful_flag, "--graceful-timeout"),
                         w("import.why_not_modelled")));
  }
  // Each flag as the file writes it (Uvicorn's --timeout-keep-alive, Gunicorn's -t).
  if (cmd.timeout_s.set)
    r.ignored(cmd.timeout_s.pos,
              w.format("import.ignored_key", flag_of(cmd.timeout_flag, "--timeout"), w("import.why_not_modelled")));
  if (cmd.max_requests.set)
    r.ignored(cmd.max_requests.pos, w.format("import.ignored_key", flag_of(cmd.max_requests_flag, "--max-requests"),
                                             w("import.why_not_modelled")));
  if (cmd.keep_alive_s.set)
    r.ignored(cmd.keep_alive_s.pos, w.format("import.ignored_key", flag_of(cmd.keep_alive_flag, "--keep-alive"),
                                             w("import.why_not_modelled")));
  // Gunicorn's own WSGI worker classes (sync, gthread, gevent, eventlet, tornado) cannot serve an
  // ASGI app; Uvicorn's can (uvicorn_worker.UvicornWorker from the uvicorn-worker package, or the
  // deprecated uvicorn.workers.UvicornWorker), and so can Gunicorn 24's own `asgi` class.
  std::string worker_class = cmd.worker_class.value;
  std::transform(worker_class.begin(), worker_class.end(), worker_class.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  const bool asgi_class = worker_class.find("uvicorn") != std::string::npos || worker_class == "asgi";
  if (cmd.worker_class.set && cmd.server == AsgiServer::gunicorn && !asgi_class)
    r.assumed(cmd.worker_class.pos, w.format("import.why_gunicorn_wsgi_class", cmd.worker_class.value));
  else if (cmd.worker_class.set)
    r.mapped(cmd.worker_class.pos, w.format("import.command_worker_class", cmd.worker_class.value));
  else if (cmd.server == AsgiServer::gunicorn)
    r.assumed(cmd.server_pos, w("import.why_gunicorn_sync"));
  if (cmd.config_file.set)
    r.ignored(cmd.config_file.pos,
              w.format("import.ignored_key", "-c " + cmd.config_file.value, w("import.why_config_file")));
  if (cmd.reload)
    r.ignored(pos, w.format("import.ignored_key", cmd.server_name == "fastapi dev" ? cmd.server_name : "--reload",
                            w("import.why_reload")));
  for (const auto& f : cmd.unresolved) r.assumed(f.pos, w.format("import.why_unresolved", f.value));
  for (const std::string& d : cmd.shell.defaults) r.assumed(cmd.server_pos, w.format("import.why_shell_default", d));
  // A script's commands before the server run at every start of every container: a migration
  // there (`alembic upgrade head && exec uvicorn ...`) is a step of each replica, as an
  // initContainer's is; anything else is said.
  for (const std::string& step : cmd.shell.before) {
    const bool migration = step.find("alembic upgrade") != std::string::npos ||
                           step.find("manage.py migrate") != std::string::npos ||
                           step.find("flask db upgrade") != std::string::npos;
    if (!migration) {
      r.ignored(cmd.server_pos, w.format("import.shell_before", step));
      continue;
    }
    const std::string name = s.pre_start.empty() ? "migrate" : "migrate-" + std::to_string(s.pre_start.size() + 1);
    Table t;
    t.set("name", r.from(cmd.server_pos, step, "pre_start.name", toml_str(name)));
    t.set("mode", r.from(cmd.server_pos, step, "pre_start.mode", toml_str("per-replica")));
    t.set("duration", r.assume(cmd.server_pos, "pre_start.duration", "\"4s\"", w("import.why_step_duration")));
    r.mapped(cmd.server_pos, w.format("import.shell_migration", step));
    s.pre_start.push_back(std::move(t));
  }
  for (const std::string& var : cmd.shell.used)
    if (std::find(s.env_read.begin(), s.env_read.end(), var) == s.env_read.end()) s.env_read.push_back(var);
  for (const auto& f : cmd.unknown_flags)
    r.ignored(f.pos, w.format("import.ignored_key", f.value, w("import.why_not_modelled")));
  return true;
}

void assume_asgi_defaults(const SourcePos& pos, int port, ServiceModel& s, Report& r, bool unknown_command) {
  const Messages& w = r.w;
  const std::string why = w(unknown_command ? "import.why_unknown_command" : "import.why_no_command");
  s.keys.set("server", r.assume(pos, "server", toml_str("uvicorn"), why));
  // An image's own CMD must listen on 0.0.0.0 to be reachable from another container or pod.
  s.keys.set("bind", r.assume(pos, "bind", toml_str("0.0.0.0"),
                              w(unknown_command ? "import.why_unknown_command_bind" : "import.why_no_command_bind")));
  s.keys.set("port", r.assume(pos, "port", std::to_string(port), why));
  assume_worker_memory(pos, s, r);
}

}  // namespace deploysim::import
