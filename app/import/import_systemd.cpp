// A systemd unit (parsed by systemd_unit.cpp) into a service supervised by systemd: the ASGI
// command of ExecStart=, Restart=, RestartSec=, the start limits, TimeoutStopSec= and whether
// it starts on boot. Its machine is "server", which an nginx or Caddy config beside it shares.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "import/import_model.hpp"
#include "import/systemd_unit.hpp"

namespace deploysim::import {

namespace {

// The flag of the command line that sets what a server's own variable would ("-w 2" for
// WEB_CONCURRENCY): the servers read the variable only as the default of that flag (Gunicorn's
// and Uvicorn's settings), so the flag wins. Empty when the command has none.
std::string flag_over(const std::vector<std::string>& argv, const std::string& var) {
  static const std::map<std::string, std::vector<std::string>> flags = {
      {"WEB_CONCURRENCY", {"-w", "--workers"}},
      {"UVICORN_WORKERS", {"--workers"}},
      {"UVICORN_PORT", {"--port"}},
      {"UVICORN_HOST", {"--host"}},
      {"PORT", {"-b", "--bind"}},
      {"FORWARDED_ALLOW_IPS", {"--forwarded-allow-ips"}}};
  const auto it = flags.find(var);
  if (it == flags.end()) return {};
  for (size_t i = 0; i < argv.size(); ++i)
    for (const std::string& flag : it->second) {
      if (argv[i] == flag && i + 1 < argv.size()) return flag + " " + argv[i + 1];
      if (argv[i].starts_with(flag + "=")) return argv[i];
    }
  return {};
}

}  // namespace

void report_parse_error(const ParseError& e, Report& r) {
  std::string text = format_parse_error(e, r.w);
  // format_parse_error says "file:line:col: text"; the report keeps the place apart.
  if (const std::string prefix = e.pos.str() + ": "; text.starts_with(prefix)) text.erase(0, prefix.size());
  r.error(e.pos, text);
}

void read_systemd(const std::string& file, const std::string& text, const std::vector<DropIn>& drop_ins, Deployment& d,
                  Report& r) {
  const SystemdResult parsed = parse_systemd_unit(text, file, drop_ins);
  if (parsed.error) {
    report_parse_error(*parsed.error, r);
    return;
  }
  d.sources.push_back(file);
  for (const DropIn& in : drop_ins) d.sources.push_back(in.file);
  const SystemdUnit& u = *parsed.value;
  const Messages& w = r.w;
  std::string name = file.substr(file.find_last_of('/') + 1);
  if (name.ends_with(".service")) name.resize(name.size() - 8);
  if (const size_t at = name.find('@'); at != std::string::npos) name.resize(at);  // a template unit

  ServiceModel s;
  s.name = node_name(name);
  s.pos = {file, 1, 0};
  s.host_name = "server";
  std::map<std::string, std::string> env;
  std::map<std::string, SourcePos> env_pos;
  for (const auto& e : u.environment) {
    env[e.value.first] = e.value.second;
    env_pos[e.value.first] = e.pos;
  }
  // EnvironmentFile= files given to the import are read as systemd reads them, after every
  // Environment= (systemd.exec(5): "Settings from these files override settings made with
  // Environment="), in their order. A "-" before the path only lets systemd skip a missing file.
  std::vector<std::pair<const Located<std::string>*, std::string>> env_files_read;  // line, file read
  for (const auto& f : u.environment_files) {
    for (const auto& [key, vars] : d.env_files) {
      if (!environment_file_matches(key, f.value)) continue;
      const auto input = d.inputs.find(key);
      const std::string name = input != d.inputs.end() ? input->second.first : key;
      for (const auto& [var, value] : vars) {
        env[var] = value.first;
        env_pos[var] = {name, value.second, 0};
      }
      env_files_read.emplace_back(&f, name);
      break;
    }
  }
  const ExecCommand* exec = u.exec_start.empty() ? nullptr : &u.exec_start.back();
  if (!exec || !apply_asgi_command(exec->argv, exec->pos, "ExecStart", s, r, env, env_pos)) {
    r.ignored(exec ? exec->pos : s.pos, w.format("import.systemd_not_asgi", name));
    return;
  }
  if (r.has_error()) return;
  s.pos = exec->pos;
  s.supervisor.set("kind", r.from(exec->pos, "[Service]", "supervisor.kind", toml_str("systemd")));
  // Lines systemd skips with a warning: the unit runs without them, which the new hire should see.
  bool restart_skipped = false;
  for (const SkippedLine& k : u.skipped) {
    switch (k.why) {
      case SkippedLine::Why::no_equals:
        r.ignored(k.pos, w.format("import.systemd_skipped_line", k.key));
        break;
      case SkippedLine::Why::outside_section:
        r.ignored(k.pos, w.format("import.systemd_skipped_outside", k.key));
        break;
      case SkippedLine::Why::wrong_section:
        r.ignored(k.pos, w.format("import.systemd_skipped_section", k.key, "Service"));
        break;
      case SkippedLine::Why::bad_value:
        r.ignored(k.pos, w.format("import.systemd_skipped_value", k.key, k.value, k.key));
        restart_skipped |= k.key == "Restart";
        break;
    }
  }
  if (u.restart.set)
    s.supervisor.set("restart", r.from(u.restart.pos, "Restart", "supervisor.restart", toml_str(u.restart.value)));
  else  // systemd.service(5): Restart=no by default (domain-facts.md)
    s.supervisor.set(
        "restart", r.assume(s.pos, "supervisor.restart", toml_str("no"),
                            w(restart_skipped ? "import.why_systemd_restart_skipped" : "import.why_systemd_restart")));
  if (u.oom_policy.set)
    s.supervisor.set("oom_policy",
                     r.from(u.oom_policy.pos, "OOMPolicy", "supervisor.oom_policy", toml_str(u.oom_policy.value)));
  if (u.restart_sec.set && !u.restart_sec.value.infinite)
    s.supervisor.set("restart_sec", r.from(u.restart_sec.pos, "RestartSec", "supervisor.restart_sec",
                                           duration_text(static_cast<uint64_t>(u.restart_sec.value.ms()))));
  if (u.start_limit_interval.set && !u.start_limit_interval.value.infinite)
    s.supervisor.set("start_limit_interval",
                     r.from(u.start_limit_interval.pos, u.start_limit_interval_key, "supervisor.start_limit_interval",
                            duration_text(static_cast<uint64_t>(u.start_limit_interval.value.ms()))));
  // RestartSteps= (v254) grows the delay from RestartSec= to RestartMaxDelaySec= over that many
  // restarts. systemd's service_verify(): each without the other is ignored with a warning, and a
  // RestartMaxDelaySec= below RestartSec= resets RestartSec= to it. The scenario takes 0 to 1000
  // steps, and restart_steps only with restart_max_delay.
  const bool steps = u.restart_steps.set && u.restart_steps.value > 0;
  const bool max_delay = u.restart_max_delay.set && !u.restart_max_delay.value.infinite;
  const std::string delay = duration_text(static_cast<uint64_t>(u.restart_max_delay.value.ms()));
  const std::string delay_words = delay.substr(1, delay.size() - 2);  // without TOML's quotes
  if (steps && u.restart_steps.value > 1000)
    r.error(u.restart_steps.pos, w.format("import.out_of_range", "RestartSteps", u.restart_steps.value, 0, 1000));
  else if (steps && max_delay) {
    // A zero RestartMaxDelaySec= leaves no delay to grow: RestartSec= becomes 0 and the steps do nothing.
    if (u.restart_max_delay.value.us > 0) {
      s.supervisor.set("restart_steps", r.from(u.restart_steps.pos, "RestartSteps", "supervisor.restart_steps",
                                               std::to_string(u.restart_steps.value)));
      s.supervisor.set("restart_max_delay",
                       r.from(u.restart_max_delay.pos, "RestartMaxDelaySec", "supervisor.restart_max_delay", delay));
    }
    if (u.restart_max_delay.value.us < u.restart_sec.value.us && !u.restart_sec.value.infinite)
      s.supervisor.set("restart_sec", r.assume(u.restart_max_delay.pos, "supervisor.restart_sec", delay,
                                               w.format("import.why_restart_max_delay_below", delay_words)));
  } else if (steps)
    r.ignored(u.restart_steps.pos, w.format("import.systemd_restart_steps_alone", "RestartSteps", u.restart_steps.value,
                                            "RestartMaxDelaySec"));
  else if (max_delay)
    r.ignored(u.restart_max_delay.pos,
              w.format("import.systemd_restart_steps_alone", "RestartMaxDelaySec", delay_words, "RestartSteps"));
  // The scenario takes 0 to 1000 (scenario_service.cpp); systemd takes any unsigned number.
  if (u.start_limit_burst.set && u.start_limit_burst.value > 1000)
    r.error(u.start_limit_burst.pos,
            w.format("import.out_of_range", "StartLimitBurst", u.start_limit_burst.value, 0, 1000));
  else if (u.start_limit_burst.set)
    s.supervisor.set("start_limit_burst",
                     r.from(u.start_limit_burst.pos, "StartLimitBurst", "supervisor.start_limit_burst",
                            std::to_string(u.start_limit_burst.value)));
  if (u.timeout_stop.set && !u.timeout_stop.value.infinite)
    s.supervisor.set("grace_period", r.from(u.timeout_stop.pos, "TimeoutStopSec", "supervisor.grace_period",
                                            duration_text(static_cast<uint64_t>(u.timeout_stop.value.ms()))));
  // WantedBy=, RequiredBy=, UpheldBy= are what `systemctl enable` hooks the unit to; whether it
  // was run is not in the file.
  if (u.enabled_on_boot)
    s.supervisor.set("enabled", r.assume(u.install_pos, "supervisor.enabled", "true",
                                         w.format("import.why_enabled", u.install_key)));
  else if (!u.install_key.empty())
    s.supervisor.set("enabled", r.from(u.install_pos, u.install_key, "supervisor.enabled", "false"));
  else  // no [Install] hook: `systemctl enable` has nothing to hook it to
    s.supervisor.set("enabled", r.assume(s.pos, "supervisor.enabled", "false", w("import.why_no_install")));
  if (u.memory_max.set && !u.memory_max.value.infinite)
    r.ignored(u.memory_max.pos, w.format("import.ignored_key", "MemoryMax", w("import.why_memory_max")));
  for (const auto& [key, v] :
       {std::pair{"User", &u.user}, std::pair{"WorkingDirectory", &u.working_directory}, std::pair{"Type", &u.type}})
    if (v->set)
      r.ignored(v->pos,
                w.format("import.ignored_key", std::string(key) + "=" + v->value, w("import.why_not_modelled")));
  // The model stops a unit with SIGTERM, systemd's default; another signal (Gunicorn takes INT as
  // a quick shutdown, not a graceful one) is said to be left out.
  if (u.kill_signal.set && u.kill_signal.value == "SIGTERM")
    r.mapped(u.kill_signal.pos, w("import.kill_sigterm"));
  else if (u.kill_signal.set)
    r.ignored(u.kill_signal.pos,
              w.format("import.ignored_key", "KillSignal=" + u.kill_signal.value, w("import.why_kill_signal")));
  for (const auto& e : u.environment) {
    // A variable the server reads that an EnvironmentFile= sets too: the file's value is the one
    // the service gets (systemd.exec(5), EnvironmentFile=: "Settings from these files override
    // settings made with Environment="), which the report names at the line it overrides.
    const auto from_file = std::find_if(env_files_read.begin(), env_files_read.end(), [&](const auto& f) {
      const auto at = env_pos.find(e.value.first);
      return at != env_pos.end() && at->second.file == f.second;
    });
    if (std::find(s.env_read.begin(), s.env_read.end(), e.value.first) != s.env_read.end()) {
      if (from_file != env_files_read.end())
        r.ignored(e.pos, w.format("import.systemd_env_overridden", e.value.first + "=" + e.value.second,
                                  "EnvironmentFile=" + from_file->first->value, where(env_pos.at(e.value.first))));
      continue;
    }
    const std::string flag = flag_over(exec->argv, e.value.first);
    r.ignored(e.pos, w.format("import.ignored_key", "Environment=" + e.value.first,
                              flag.empty() ? w("import.why_not_modelled")
                                           : w.format("import.why_flag_wins", flag, where(exec->pos))));
  }
  for (const auto& f : u.environment_files) {
    const auto read =
        std::find_if(env_files_read.begin(), env_files_read.end(), [&](const auto& e) { return e.first == &f; });
    if (read != env_files_read.end())
      r.mapped(f.pos, w.format("import.systemd_env_file_read", "EnvironmentFile=" + f.value, read->second));
    else
      r.ignored(f.pos,
                w.format("import.ignored_key", "EnvironmentFile=" + f.value, w("import.why_env_file_not_given")));
  }
  for (const Ignored& i : u.ignored)
    r.ignored(i.pos, w.format("import.ignored_key", i.in.empty() ? i.name : "[" + i.in + "] " + i.name,
                              w("import.why_not_modelled")));
  d.services.push_back(std::move(s));
}

}  // namespace deploysim::import
