// docker-compose.yml (the Compose specification): app services with their command, replicas,
// restart policy, memory limit and grace period; a one-shot migration service other services
// wait for; the proxy container (compose_proxy.cpp). Everything else is reported as ignored.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "import/asgi_command.hpp"
#include "import/compose_internal.hpp"
#include "import/dockerfile.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

bool is_backing_image(const std::string& image) {
  static const char* names[] = {"postgres",  "postgis",  "mysql",      "mariadb",   "mongo",         "redis", "valkey",
                                "memcached", "rabbitmq", "kafka",      "zookeeper", "elasticsearch", "minio", "mailhog",
                                "adminer",   "pgadmin",  "prometheus", "grafana",   "loki"};
  for (const char* n : names)
    if (image.find(n) != std::string::npos) return true;
  return false;
}

namespace {

// A port item as written: the short syntax, or the long one as `published:target`.
std::string published_text(const YAML::Node& port) {
  if (!port.IsMap()) return scalar(port);
  const std::string published = scalar(child(port, "published"));
  return (published.empty() ? "" : published + ":") + scalar(child(port, "target"));
}

// The first item of `ports:` that publishes one fixed host port ("8000:8000",
// "127.0.0.1:8000:8000", `published: 8000`), which only one container can bind; not a container
// port alone ("8000", a random host port), a range ("8000-8001:8000") or "127.0.0.1::8000".
std::optional<YAML::Node> fixed_host_port(const YAML::Node& ports) {
  if (!ports.IsSequence()) return std::nullopt;
  for (const YAML::Node& port : ports) {
    std::string host;
    if (port.IsMap()) {
      host = scalar(child(port, "published"));
    } else {
      // [IP:][HOST:]CONTAINER[/PROTOCOL]; an IPv6 address in brackets.
      std::string text = scalar(port);
      text = text.substr(0, text.find('/'));
      if (const size_t bracket = text.rfind(']'); bracket != std::string::npos) text.erase(0, bracket + 1);
      std::vector<std::string> parts{""};
      for (const char ch : text)
        if (ch == ':')
          parts.emplace_back();
        else
          parts.back() += ch;
      if (parts.size() < 2) continue;  // a container port alone
      host = parts[parts.size() - 2];
    }
    if (!host.empty() && std::all_of(host.begin(), host.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return port;
  }
  return std::nullopt;
}

// Services that other services wait for to finish (`depends_on: {x: {condition:
// service_completed_successfully}}`): the migration step.
std::set<std::string> completed_dependencies(const YAML::Node& services) {
  std::set<std::string> out;
  for (const auto& svc : services) {
    const YAML::Node deps = child(svc.second, "depends_on");
    if (!deps.IsMap()) continue;
    for (const auto& dep : deps)
      if (scalar(child(dep.second, "condition")) == "service_completed_successfully") out.insert(scalar(dep.first));
  }
  return out;
}

// Docker's policy from `restart:` or Compose's `deploy.restart_policy`. docker compose reads
// `restart:` first and then, when `deploy.restart_policy` is there, replaces it with that
// (docker/compose pkg/compose/create.go, getRestartPolicy), so the restart_policy wins.
// Its condition is mapped by mapRestartPolicyCondition: none/no -> no, on-failure,
// unless-stopped, any/always -> always, and anything else passed on as the name; an absent
// condition is the empty name, which Docker takes as "no" (moby api/types/container
// RestartPolicy: "" is RestartPolicyDisabled). Swarm's default `any` applies to docker stack
// deploy only.
void read_restart(const ComposeCtx& c, const YAML::Node& svc, ServiceModel& s) {
  Report& r = c.r;
  const YAML::Node restart = child(svc, "restart");
  const YAML::Node policy = child(child(svc, "deploy"), "restart_policy");
  if (policy.IsDefined()) {
    const SourcePos policy_pos = c.at(key_pos(c.file, child(svc, "deploy"), "restart_policy"));
    const YAML::Node cond_node = child(policy, "condition");
    const std::string cond = scalar(cond_node);
    std::string v;
    if (cond == "none" || cond == "no" || cond.empty())
      v = "no";
    else if (cond == "any" || cond == "always")
      v = "always";
    else if (cond == "on-failure" || cond == "unless-stopped")
      v = cond;
    else {
      r.error(c.pos(cond_node),
              r.w.format("import.bad_value", "deploy.restart_policy.condition", cond, "none, on-failure, any"));
      return;
    }
    if (const auto n = as_int(child(policy, "max_attempts")); n && *n > 0 && v == "on-failure")
      v = fmt::format("on-failure:{}", *n);
    const SourcePos at = cond_node.IsDefined() ? c.at(key_pos(c.file, policy, "condition")) : policy_pos;
    s.supervisor.set("restart",
                     r.from(at, cond_node.IsDefined() ? "deploy.restart_policy.condition" : "deploy.restart_policy",
                            "supervisor.restart", toml_str(v)));
    if (!cond_node.IsDefined()) r.assumed(policy_pos, r.w("import.compose_policy_no_condition"));
    for (const char* k : {"delay", "window"})
      if (child(policy, k).IsDefined())
        r.ignored(c.pos(child(policy, k)), r.w.format("import.ignored_key", std::string("restart_policy.") + k,
                                                      r.w("import.why_docker_backoff")));
    if (restart.IsDefined())
      r.ignored(c.pos(restart),
                r.w.format("import.compose_restart_overridden", "restart: " + scalar(restart), where(policy_pos)));
    return;
  }
  if (restart.IsDefined()) {
    std::string v = scalar(restart);
    if (v == "on-failure" || v.starts_with("on-failure:") || v == "always" || v == "unless-stopped" || v == "no") {
      s.supervisor.set("restart", r.from(c.pos(restart), "restart", "supervisor.restart", toml_str(v)));
    } else {
      r.error(c.pos(restart),
              r.w.format("import.bad_value", "restart", v, "no, always, on-failure[:N], unless-stopped"));
    }
    return;
  }
  // Docker's default policy is "no" (domain-facts.md, "Restart supervisors").
  s.supervisor.set("restart",
                   r.assume(s.pos, "supervisor.restart", toml_str("no"), r.w("import.why_docker_restart_default")));
}

// compose-go's loader refuses a service whose two spellings of one setting disagree
// (loader/validate.go: "services.%s: can't set distinct values on 'scale' and
// 'deploy.replicas'", the same for 'mem_limit' and 'deploy.resources.limits.memory'); equal
// values are one setting. False after the located error; on true the second is reported as
// redundant when both are written.
bool one_setting(const ComposeCtx& c, const YAML::Node& deploy_node, const char* deploy_key, const YAML::Node& top,
                 const char* top_key, bool same) {
  if (!deploy_node.IsDefined() || !top.IsDefined()) return true;
  Report& r = c.r;
  if (!same) {
    r.error(c.pos(top), r.w.format("import.compose_distinct", top_key, deploy_key, scalar(top), scalar(deploy_node),
                                   where(c.pos(deploy_node))));
    return false;
  }
  r.ignored(c.pos(top), r.w.format("import.compose_redundant", std::string(top_key) + ": " + scalar(top), deploy_key,
                                   where(c.pos(deploy_node))));
  return true;
}

void read_memory(const ComposeCtx& c, const YAML::Node& svc, ServiceModel& s) {
  Report& r = c.r;
  const YAML::Node limits = child(child(child(svc, "deploy"), "resources"), "limits");
  const YAML::Node limit = child(limits, "memory");
  const YAML::Node mem_limit = child(svc, "mem_limit");
  // compose-go compares mem_limit with deploy.resources.limits' memory whenever limits exists:
  // without a memory there it is 0, a distinct value (loader/validate.go, checkConsistency).
  if (mem_limit.IsDefined() && limits.IsDefined() && !limits.IsNull() && !limit.IsDefined()) {
    // The `limits:` key's line, not its first entry's.
    const SourcePos limits_at = c.at(key_pos(c.file, child(child(svc, "deploy"), "resources"), "limits"));
    r.error(c.pos(mem_limit), r.w.format("import.compose_mem_limit_no_memory", scalar(mem_limit), where(limits_at)));
    return;
  }
  std::optional<uint64_t> bytes[2];
  const std::pair<const YAML::Node*, const char*> keys[] = {{&limit, "deploy.resources.limits.memory"},
                                                            {&mem_limit, "mem_limit"}};
  for (int i = 0; i < 2; ++i) {
    const YAML::Node& node = *keys[i].first;
    if (!node.IsDefined()) continue;
    bytes[i] = parse_docker_size(scalar(node));
    if (!bytes[i] || *bytes[i] == 0) {
      r.error(c.pos(node), r.w.format("import.bad_value", keys[i].second, scalar(node), "512m, 1g"));
      return;
    }
  }
  if (!one_setting(c, limit, keys[0].second, mem_limit, keys[1].second, bytes[0] == bytes[1])) return;
  const int i = limit.IsDefined() ? 0 : 1;
  if (!bytes[i]) return;
  s.supervisor.set("memory_limit",
                   r.from(c.pos(*keys[i].first), keys[i].second, "supervisor.memory_limit", size_text(*bytes[i])));
}

// An ASGI app container.
void read_app(const ComposeCtx& c, const std::string& name, const YAML::Node& svc,
              const std::set<std::string>& migrations, Deployment& d) {
  Report& r = c.r;
  ServiceModel s;
  s.name = node_name(name);
  s.pos = c.service_pos(name, svc);
  s.host_stem = "container";
  s.image = scalar(child(svc, "image"));
  s.supervisor.set("kind", r.from(s.pos, "services." + name, "supervisor.kind", toml_str("docker")));

  const YAML::Node command = child(svc, "command");
  BuildFile build = find_build(c, svc, d);
  const ImageCheck image_check = read_build(c, name, svc, build, d);
  bool known = false;
  // WEB_CONCURRENCY (Gunicorn's and Uvicorn's worker count from the environment): the image's ENV
  // under the env files and `environment:` (Compose's values win).
  std::map<std::string, std::string> env;
  std::map<std::string, SourcePos> env_pos;
  image_env(build, env, env_pos);
  container_env(c, svc, env, env_pos);
  const std::vector<std::vector<CommandPart>> commands = container_commands(c, svc, &build);
  for (const auto& parts : commands) {
    if (!known) known = apply_asgi_command(parts, parts.front().pos, s, r, env, env_pos);
  }
  report_image_env(c, build, s, env_pos);
  // The variables read that the Compose file gives (not the image's ENV, said at its lines).
  std::vector<std::string> compose_env_read;
  for (const std::string& var : s.env_read)
    if (const auto at = env_pos.find(var); at == env_pos.end() || at->second.file != build.name || build.name.empty())
      compose_env_read.push_back(var);
  if (!known) {
    std::vector<std::string> words = as_words(command);
    if (command.IsDefined()) {
      r.ignored(c.pos(command), r.w.format("import.unknown_command", command_text(words)));
    } else if (!child(svc, "entrypoint").IsDefined() && !commands.empty()) {  // the Dockerfile's
      for (const CommandPart& p : commands.back()) words.insert(words.end(), p.words.begin(), p.words.end());
      r.ignored(commands.back().back().pos, r.w.format("import.unknown_command", command_text(words)));
    }
    assume_asgi_defaults(s.pos, c.label_port(name).value_or(8000), s, r, !words.empty());
  }
  // Traefik connects to the port its label names; the command's (or the default) is where the app
  // listens. When they differ Traefik answers 502 Bad Gateway, which the model, with one port per
  // service, does not show: said.
  if (const auto port = c.label_port(name); port && !s.keys.get("port"))
    s.keys.set("port", r.from(c.label_port_pos(name), "loadbalancer.server.port", "port", std::to_string(*port)));
  else if (const Val* listens = s.keys.get("port"); port && listens && listens->toml != std::to_string(*port))
    r.ignored(c.label_port_pos(name), r.w.format("import.traefik_port_differs", *port, listens->toml));

  const YAML::Node replicas = child(child(svc, "deploy"), "replicas");
  const YAML::Node scale = child(svc, "scale");
  bool replicas_ok = true;
  for (const auto& [node, key] : {std::pair{&replicas, "deploy.replicas"}, std::pair{&scale, "scale"}}) {
    if (!node->IsDefined()) continue;
    if (const auto n = as_int(*node); !n || *n < 1 || *n > 64) {
      r.error(c.pos(*node), r.w.format("import.bad_value", key, scalar(*node), "1-64"));
      replicas_ok = false;
    }
  }
  if (replicas_ok && one_setting(c, replicas, "deploy.replicas", scale, "scale", as_int(replicas) == as_int(scale))) {
    const YAML::Node rep = replicas.IsDefined() ? replicas : scale;
    const char* key = replicas.IsDefined() ? "deploy.replicas" : "scale";
    if (const auto n = as_int(rep); n && *n > 1 && fixed_host_port(child(svc, "ports"))) {
      // Every replica's container publishes the same host port: Docker binds it for the first and
      // refuses the others ("Bind for 0.0.0.0:8000 failed: port is already allocated",
      // docker/compose#4950), so one replica serves and `docker compose up` ends with that error.
      const YAML::Node port = *fixed_host_port(child(svc, "ports"));
      s.replica_count = 1;
      s.replicas =
          r.assume(c.pos(rep), "hosts", "1",
                   r.w.format("import.compose_replicas_fixed_port", key, *n, published_text(port), where(c.pos(port))));
    } else if (n) {
      s.replica_count = static_cast<int>(*n);
      s.replicas = r.from(c.pos(rep), key, "hosts", std::to_string(*n));
    }
  }
  read_restart(c, svc, s);
  read_memory(c, svc, s);
  if (const YAML::Node g = child(svc, "stop_grace_period"); g.IsDefined()) {
    if (const auto d = compose_duration_text(scalar(g), 0, c.pos(g), "stop_grace_period", "10s, 1m30s", r))
      s.supervisor.set("grace_period", r.from(c.pos(g), "stop_grace_period", "supervisor.grace_period", *d));
  }
  // A migration the app waits for: a step once before the app starts (docker compose up runs
  // it first and starts the app when it exited 0).
  if (const YAML::Node deps = child(svc, "depends_on"); deps.IsDefined()) {
    if (deps.IsMap()) {
      for (const auto& dep : deps) {
        const std::string dname = scalar(dep.first);
        if (!migrations.count(dname)) {
          r.ignored(c.pos(dep.first), r.w.format("import.ignored_depends_on", "depends_on: " + dname));
          continue;
        }
        Table step;
        step.set("name", r.from(c.pos(dep.first), "depends_on." + dname, "pre_start.name", toml_str(node_name(dname))));
        step.set("mode", r.from(c.pos(child(dep.second, "condition")), "service_completed_successfully",
                                "pre_start.mode", toml_str("once")));
        step.set("duration",
                 r.assume(c.pos(dep.first), "pre_start.duration", "\"4s\"", r.w("import.why_step_duration")));
        s.pre_start.push_back(std::move(step));
      }
    } else {
      r.ignored(c.pos(deps), r.w.format("import.ignored_key", "depends_on", r.w("import.why_start_order")));
    }
  }

  static const std::set<std::string> handled = {"image",      "command", "entrypoint", "deploy",
                                                "scale",      "restart", "mem_limit",  "stop_grace_period",
                                                "depends_on", "labels",  "profiles"};
  for (const auto& kv : svc) {
    const std::string key = scalar(kv.first);
    if (key == "deploy") {
      for (const auto& dk : kv.second) {
        const std::string k = scalar(dk.first);
        if (k == "replicas" || k == "restart_policy") continue;
        if (k == "resources") {
          for (const auto& rk : dk.second)
            for (const auto& lk : rk.second)
              if (!(scalar(rk.first) == "limits" && scalar(lk.first) == "memory"))
                r.ignored(c.pos(lk.first), r.w.format("import.ignored_key",
                                                      "deploy.resources." + scalar(rk.first) + "." + scalar(lk.first),
                                                      r.w("import.why_not_modelled")));
          continue;
        }
        r.ignored(c.pos(dk.first), r.w.format("import.ignored_key", "deploy." + k, r.w("import.why_not_modelled")));
      }
      continue;
    }
    if (handled.count(key)) continue;
    if (key == "env_file") {
      {
        std::vector<bool> required;
        const std::vector<std::string> paths = env_file_paths(c, svc, &required);
        for (size_t i = 0; i < paths.size(); ++i)
          if (c.env_files && c.env_files->count(paths[i]))
            r.mapped(c.pos(kv.first), r.w.format("import.compose_env_file", paths[i]));
          else
            r.ignored(c.pos(kv.first), r.w.format(required[i] ? "import.compose_env_file_missing"
                                                              : "import.compose_env_file_optional_missing",
                                                  paths[i]));
      }
    } else if (key == "environment" && !compose_env_read.empty())
      r.mapped(c.pos(kv.first), r.w.format("import.env_partly", key, join_names(compose_env_read)));
    else if (key == "healthcheck") {
      // Traefik's Docker provider reads only healthy containers (keepContainer in
      // pkg/provider/docker), which the model cannot express for Docker: the report says so. A
      // check turned off (`disable: true`, `test: ["NONE"]`) leaves no health status to filter on.
      // Without `test` Docker runs the image's check with these options, and without one there
      // is no check at all (Docker's container config: an empty Test inherits the image's).
      const std::vector<std::string> test = as_words(child(kv.second, "test"));
      const bool off = scalar(child(kv.second, "disable")) == "true" || (!test.empty() && test.front() == "NONE");
      const bool no_test = !child(kv.second, "test").IsDefined();
      if (!off && no_test && image_check == ImageCheck::none)
        r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key,
                                              r.w.format("import.why_docker_healthcheck_no_test", build.name)));
      else if (!off && no_test && image_check == ImageCheck::unknown)
        r.ignored(c.pos(kv.first),
                  r.w.format("import.ignored_key", key,
                             r.w.format("import.why_docker_healthcheck_no_test_image",
                                        s.image.empty() ? "" : " (" + s.image + ")",
                                        r.w(c.has_traefik_labels(name) ? "import.why_docker_healthcheck_traefik"
                                                                       : "import.why_docker_healthcheck"))));
      else
        r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key,
                                              r.w(off                          ? "import.why_docker_healthcheck_off"
                                                  : c.has_traefik_labels(name) ? "import.why_docker_healthcheck_traefik"
                                                                               : "import.why_docker_healthcheck")));
    } else if (key == "ports")
      r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_app_ports")));
    else
      r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
  }
  d.services.push_back(std::move(s));
}

}  // namespace

std::vector<std::string> env_file_paths(const ComposeCtx& c, const YAML::Node& svc, std::vector<bool>* required) {
  // env_file: a path, a list of paths, or a list of {path, required} (relative to the Compose
  // file). `required` is true unless written false (Compose 2.24): docker compose up then skips a
  // missing file.
  std::vector<std::string> out;
  const YAML::Node e = child(svc, "env_file");
  const auto add = [&](const std::string& p, bool needed) {
    if (p.empty()) return;
    out.push_back((std::filesystem::path(c.file).parent_path() / p).lexically_normal().generic_string());
    if (required) required->push_back(needed);
  };
  if (e.IsScalar()) add(scalar(e), true);
  if (e.IsSequence())
    for (const YAML::Node& item : e) {
      if (!item.IsMap()) {
        add(scalar(item), true);
        continue;
      }
      const std::string req = scalar(child(item, "required"));
      add(scalar(child(item, "path")), !(req == "false" || req == "False" || req == "FALSE"));
    }
  return out;
}

void container_env(const ComposeCtx& c, const YAML::Node& svc, std::map<std::string, std::string>& env,
                   std::map<std::string, SourcePos>& env_pos) {
  // The env files first, in order: `environment:` wins over them (Compose's precedence).
  if (c.env_files)
    for (const std::string& path : env_file_paths(c, svc))
      if (const auto f = c.env_files->find(path); f != c.env_files->end())
        for (const auto& [name, value] : f->second) {
          env[name] = value.first;
          env_pos[name] = SourcePos{path, value.second, 1};
        }
  if (const YAML::Node e = child(svc, "environment"); e.IsMap()) {
    for (const auto& kv : e) {
      env[scalar(kv.first)] = scalar(kv.second);
      env_pos[scalar(kv.first)] = c.pos(kv.first);
    }
  } else if (e.IsSequence()) {
    for (const auto& item : e) {
      const std::string s = scalar(item);
      const size_t eq = s.find('=');
      if (eq != std::string::npos) {
        env[s.substr(0, eq)] = s.substr(eq + 1);
        env_pos[s.substr(0, eq)] = c.pos(item);
      }
    }
  }
}

void read_dotenv(const std::string& file, const std::string& text, Deployment& d) {
  // docker compose's .env: KEY=VALUE lines, `export` allowed, # comments, values in '...' or
  // "..." (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/).
  // Only a folder's `.env` fills in its Compose files; any env file may be a service's env_file.
  auto& vars = d.env_files[std::filesystem::path(file).lexically_normal().generic_string()];
  uint32_t line_no = 0;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    const auto trim = [](std::string s) {
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
      return s;
    };
    line = trim(line);
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      const size_t close = value.find(value.front(), 1);
      value = value.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    } else if (const size_t hash = value.find(" #"); hash != std::string::npos) {
      value = trim(value.substr(0, hash));
    }
    if (!key.empty()) vars[key] = {value, line_no};
    if (end == text.size()) break;
  }
  if (std::filesystem::path(file).filename() == ".env")
    d.dotenv[std::filesystem::path(file).parent_path().generic_string()] = {file, vars};
}

namespace {

bool env_name_start(char c) { return c == '_' || std::isalpha(static_cast<unsigned char>(c)); }

// docker compose's interpolation of a Compose file with its folder's .env: $NAME, ${NAME} and
// ${NAME:-x}, ${NAME-x}, ${NAME:?x}, ${NAME?x}, ${NAME:+x}, ${NAME+x}. A name .env does not set
// takes the value compose-go's template gives an unset name: the default of `-`/`:-` (assumed:
// the shell may set it), nothing for `+`/`:+`, and `?`/`:?` is an error, as docker compose
// refuses to start. $NAME and ${NAME} unset are left as written for the readers after (a server
// flag still a variable takes the server's default, said there); so is $$. Each variable used
// is reported at its .env line. YAML comments are copied as written: compose interpolates
// values, not comments.
std::string with_dotenv(const std::string& text, const std::string& file, const std::string& env_file,
                        const std::map<std::string, std::pair<std::string, uint32_t>>& vars, Report& r) {
  std::string out;
  std::set<std::string> used;
  uint32_t line = 1;
  size_t line_start = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') {
      ++line;
      line_start = i + 1;
      quote = 0;
      comment = false;
    } else if (!comment && quote && ch == quote) {
      quote = 0;
    } else if (!comment && !quote && (ch == '"' || ch == '\'')) {
      quote = ch;
    } else if (!quote && ch == '#' && (i == line_start || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      comment = true;
    }
    if (ch != '$' || comment || i + 1 >= text.size()) {
      out += ch;
      continue;
    }
    if (text[i + 1] == '$') {  // a literal $, for the container's shell
      out += "$$";
      ++i;
      continue;
    }
    std::string name, op, arg;
    size_t end = i + 1;
    if (text[end] == '{') {
      const size_t close = text.find('}', end);
      if (close == std::string::npos || text.find('\n', end) < close) {
        out += ch;
        continue;
      }
      size_t n = end + 1;
      while (n < close && detail::env_name_char(text[n])) ++n;
      name = text.substr(end + 1, n - end - 1);
      const std::string rest = text.substr(n, close - n);
      for (const char* o : {":-", ":?", ":+", "-", "?", "+"})
        if (rest.starts_with(o)) {
          op = o;
          arg = rest.substr(op.size());
          break;
        }
      if (!rest.empty() && op.empty()) name.clear();
      end = close + 1;
    } else if (env_name_start(text[end])) {
      while (end < text.size() && detail::env_name_char(text[end])) ++end;
      name = text.substr(i + 1, end - i - 1);
    }
    const auto it = name.empty() ? vars.end() : vars.find(name);
    if (it == vars.end()) {
      const SourcePos at{file, line, static_cast<uint32_t>(i - line_start + 1)};
      const std::string written = text.substr(i, end - i);
      if (name.empty() || op.empty()) {
        out += ch;
        continue;
      }
      if (op == ":-" || op == "-") {
        out += arg;
        // `${SMTP_USER:-}`: an empty default is said as such, not as a blank between commas.
        r.assumed(at, r.w.format("import.why_compose_default", written, arg.empty() ? r.w("import.empty_value") : arg));
      } else if (op == ":?" || op == "?") {
        r.error(at, arg.empty() ? r.w.format("import.compose_required", name)
                                : r.w.format("import.compose_required_why", name, arg));
      } else {
        r.assumed(at, r.w.format("import.why_compose_unset_plus", written, name));
      }
      i = end - 1;
      continue;
    }
    const std::string& value = it->second.first;
    const bool empty = value.empty();
    if (op == ":-")
      out += empty ? arg : value;
    else if (op == ":+")
      out += empty ? "" : arg;
    else if (op == "+")
      out += arg;
    else if (op == ":?" && empty)
      r.error(SourcePos{file, line, static_cast<uint32_t>(i - line_start + 1)},
              arg.empty() ? r.w.format("import.compose_required", name)
                          : r.w.format("import.compose_required_why", name, arg));
    else
      out += value;  // $NAME, ${NAME}, ${NAME-x}, ${NAME?x}, ${NAME:?x}
    if (used.insert(name).second)
      r.mapped(SourcePos{env_file, it->second.second, 1},
               r.w.format("import.compose_dotenv", name, value, std::filesystem::path(file).filename().string()));
    i = end - 1;
  }
  return out;
}

}  // namespace

namespace {

// A service docker compose refuses in a project of its file alone: no image to run, no build
// to make one (compose-go's checkConsistency, loader/validate.go: "service %q has neither an
// image nor a build context specified"), and no `extends:` that may give one. A file with one
// holds overrides of another.
std::optional<YAML::Node> incomplete_service(const YAML::Node& services) {
  for (const auto& kv : services)
    if (kv.second.IsMap() && !child(kv.second, "image").IsDefined() && !child(kv.second, "build").IsDefined() &&
        !child(kv.second, "extends").IsDefined())
      return kv.first;
  return std::nullopt;
}

}  // namespace

void read_compose(const ComposeSet& set, Deployment& d, Report& r) {
  const std::string& file = set.files.front()->name;
  // The project's .env is the first file's folder's, for every file of the set.
  const auto env = d.dotenv.find(std::filesystem::path(file).parent_path().generic_string());
  const auto interpolate = [&](const std::string& name, const std::string& in) {
    return env == d.dotenv.end() ? with_dotenv(in, name, "", {}, r)
                                 : with_dotenv(in, name, env->second.first, env->second.second, r);
  };
  // A required variable without a value stops docker compose before it reads the YAML.
  const auto errors = [&] {
    return std::count_if(r.entries.begin(), r.entries.end(), [](const auto& e) { return e.kind == EntryKind::error; });
  };
  const auto errors_before = errors();
  YAML::Node root;
  // Each file checked where it is; a later one then loaded again below the lines of the files
  // before it, so that each merged node's mark says which file it came from (ComposeCtx::at).
  std::vector<std::pair<std::string, uint32_t>> layers;
  uint32_t after = 0;
  for (const TextFile* f : set.files) {
    const std::string text = interpolate(f->name, f->text);
    if (errors() != errors_before) return;
    const auto docs = load_yaml(f->name, text, r);
    if (!docs) return;
    if (docs->empty() || !(*docs)[0].IsMap()) {
      r.error({f->name, 1, 1}, r.w.format("import.compose_no_services", "services"));
      return;
    }
    if (f == set.files.front()) {
      root = (*docs)[0];
    } else {
      Report checked(r.w);  // its errors were reported above, at their own lines
      const auto shifted = load_yaml(f->name, std::string(after, '\n') + text, checked);
      if (!shifted || shifted->empty()) return;
      root = merge_compose(root, (*shifted)[0]);
      layers.emplace_back(f->name, after);
    }
    after += static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n') + 1);
  }
  const YAML::Node services = child(root, "services");
  if (!services.IsMap()) {
    r.error(pos_of(file, root), r.w.format("import.compose_no_services", "services"));
    return;
  }
  // One file that only overrides another's services: said, with how to give both, not read as
  // if complete (its services would lack what the base gives them).
  if (set.files.size() == 1)
    if (const auto name = incomplete_service(services)) {
      const SourcePos at = pos_of(file, *name);
      if (set.base_hint.empty())
        r.ignored(at, r.w.format("import.compose_overlay_no_base", scalar(*name), file));
      else
        r.ignored(at, r.w.format("import.compose_overlay_alone", scalar(*name), file, set.base_hint));
      return;
    }
  d.compose.push_back(std::make_shared<ComposeCtx>(file, r, root, services));
  ComposeCtx& c = *d.compose.back();
  c.env_files = &d.env_files;
  c.layers = layers;
  d.sources.push_back(file);
  std::string before = file;
  for (const auto& [name, line] : layers) {
    d.sources.push_back(name);
    if (set.env_pos.line > 0)
      r.mapped({name, 0, 0}, r.w.format(set.merged_key, name, before, where(set.env_pos)));
    else
      r.mapped({name, 0, 0}, r.w.format(set.merged_key, name, before));
    before += ", " + name;
  }
  if (!resolve_extends(c)) return;
  c.read_labels();

  // COMPOSE_PROJECT_NAME comes before `name:` and the folder (compose-go's cli/options.go,
  // withNamePrecedenceLoad); unlike them it is not normalized but refused when not a name.
  if (env != d.dotenv.end())
    if (const auto it = env->second.second.find("COMPOSE_PROJECT_NAME");
        it != env->second.second.end() && !it->second.first.empty()) {
      const std::string& name = it->second.first;
      const SourcePos at{env->second.first, it->second.second, 1};
      const bool valid =
          name.front() != '-' && name.front() != '_' && std::all_of(name.begin(), name.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
          });
      if (!valid) {
        r.error(at, r.w.format("import.compose_project_name_bad", name));
        return;
      }
      c.env_project_name = name;
      r.mapped(at, r.w.format("import.compose_project_name", name));
    }

  const std::set<std::string> migrations = completed_dependencies(services);
  // `docker compose up` starts a service with `profiles:` only when one of them is active:
  // COMPOSE_PROFILES (from the folder's .env here; the shell's is not seen) or --profile.
  std::vector<std::string> active;
  if (env != d.dotenv.end())
    if (const auto it = env->second.second.find("COMPOSE_PROFILES"); it != env->second.second.end())
      active = split_commas(it->second.first);
  for (const auto& kv : services) {
    const std::string name = scalar(kv.first);
    const YAML::Node& svc = kv.second;
    if (const YAML::Node profiles = child(svc, "profiles"); profiles.IsSequence() && profiles.size() > 0) {
      std::vector<std::string> names;
      bool on = false;
      for (const YAML::Node& p : profiles) {
        names.push_back(scalar(p));
        on |= std::find(active.begin(), active.end(), scalar(p)) != active.end() ||
              std::find(active.begin(), active.end(), "*") != active.end();
      }
      if (!on) {
        r.ignored(c.pos(kv.first), r.w.format("import.compose_profile_off", name, join_names(names)));
        continue;
      }
      r.mapped(c.pos(child(svc, "profiles")), r.w.format("import.compose_profile_on", name, join_names(names)));
    }
    const std::string image = scalar(child(svc, "image"));
    const std::vector<std::string> argv = as_words(child(svc, "command"));
    if (const std::string preset = proxy_preset_of_image(image); !preset.empty()) {
      // nginx reloads its certificates on `nginx -s reload` (a loop in its command, as teams
      // pair with a certbot container).
      if (const std::optional<SourcePos> at = command_holds(c, svc, "nginx -s reload", &c.nginx_reload_key);
          at && preset == "nginx")
        c.nginx_reload_pos = *at;
      read_proxy_container(c, name, svc, preset, d);
    } else if (migrations.count(name)) {
      r.mapped(c.pos(kv.first), r.w.format("import.compose_migration", name));
    } else if (runs_asgi_server(c, svc, d) || c.routed(name) ||
               (!is_backing_image(image) && (!image.empty() || child(svc, "build").IsDefined()) && argv.empty() &&
                c.has_traefik_labels(name))) {
      read_app(c, name, svc, migrations, d);
      // The app server terminating TLS itself (Hypercorn's and Gunicorn's --certfile, Uvicorn's
      // --ssl-certfile): said where the scenario has no proxy (scenario_out.cpp).
      for (const char* flag : {"--certfile", "--ssl-certfile"})
        if (const std::optional<SourcePos> at = command_holds(c, svc, flag); at && c.tls_app.empty()) {
          c.tls_app = name;
          c.tls_app_pos = *at;
        }
    } else {
      note_certbot(c, name, svc, image, c.pos(kv.first));
      // A certbot container is said with the certificates it renews (certbot_reload, scenario_out.cpp).
      if (c.certbot_service != name)
        r.ignored(c.pos(kv.first), r.w.format("import.compose_not_asgi", name, image.empty() ? name : image));
    }
  }
  for (const auto& kv : root) {
    const std::string key = scalar(kv.first);
    if (key == "services") continue;
    if (key == "volumes" || key == "networks" || key == "secrets" || key == "configs" || key == "version" ||
        key == "name" || key.starts_with("x-"))
      r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
    else
      r.ignored(c.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_unknown_key")));
  }
}

}  // namespace deploysim::import
