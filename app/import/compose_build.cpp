// A Compose service's `build:`: the Dockerfile it names (its HEALTHCHECK, CMD and ENTRYPOINT, ENV
// and the ARGs it takes, as the image built from it carries them) and the command lines its
// container may run.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "import/asgi_command.hpp"
#include "import/compose_internal.hpp"
#include "import/dockerfile.hpp"

namespace deploysim::import {

namespace {

// What is left of Compose's interpolation in a command once the file is read (with_dotenv):
// $$ is a literal $, so "$${WORKERS:-3}" reaches the container as "${WORKERS:-3}", for its shell.
std::vector<std::string> unescaped(std::vector<std::string> words) {
  for (std::string& word : words)
    for (size_t at = word.find("${"); at != std::string::npos; at = word.find("${", at)) {
      size_t dollars = 0;
      while (dollars < at && word[at - 1 - dollars] == '$') ++dollars;
      if (dollars % 2 == 1)
        word.erase(at - 1, 1);
      else
        at += 2;
    }
  return words;
}

}  // namespace

BuildFile find_build(const ComposeCtx& c, const YAML::Node& svc, const Deployment& d) {
  namespace fs = std::filesystem;
  BuildFile b;
  const YAML::Node build = child(svc, "build");
  for (const auto& kv : svc)
    if (scalar(kv.first) == "build") b.pos = c.pos(kv.first);
  if (!build.IsDefined() || b.pos.line == 0) return b;
  if (const YAML::Node inline_text = child(build, "dockerfile_inline"); inline_text.IsDefined()) {
    b.state = BuildFile::State::inline_text;
    b.pos = c.pos(inline_text);
    return b;
  }
  const std::string context = build.IsScalar() ? scalar(build) : scalar(child(build, "context"));
  const std::string dockerfile = scalar(child(build, "dockerfile"));
  if (const YAML::Node t = child(build, "target"); t.IsDefined()) {
    b.target = scalar(t);
    b.target_pos = c.pos(t);
  }
  // build.args, map or list form, over the ARGs' defaults (Compose file reference, build: args).
  if (const YAML::Node args = child(build, "args"); args.IsMap()) {
    for (const auto& kv : args)
      b.args.push_back(BuildArg{
          scalar(kv.first), scalar(kv.second), kv.second.IsDefined() && !kv.second.IsNull(), c.pos(kv.first), {}});
  } else if (args.IsSequence()) {
    for (const auto& item : args) {
      const std::string s = scalar(item);
      const size_t eq = s.find('=');
      b.args.push_back(BuildArg{
          s.substr(0, eq), eq == std::string::npos ? "" : s.substr(eq + 1), eq != std::string::npos, c.pos(item), {}});
    }
  }
  // One written alone takes its value from docker compose's environment: the shell's, which the
  // files do not show, else the project's .env (compose-go: loader/normalize.go resolves
  // build.args from the environment, into which cli/options.go's WithDotEnv puts the .env).
  if (const auto env = d.dotenv.find(fs::path(c.file).parent_path().generic_string()); env != d.dotenv.end())
    for (BuildArg& a : b.args)
      if (const auto v = env->second.second.find(a.name); !a.has_value && v != env->second.second.end()) {
        a.value = v->second.first;
        a.has_value = true;
        a.dotenv = SourcePos{env->second.first, v->second.second, 1};
      }
  if (context.find("://") != std::string::npos || context.starts_with("git@")) {  // a Git repository, a URL
    b.state = BuildFile::State::remote;
    b.key = context;
    return b;
  }
  const fs::path dir = fs::path(c.file).parent_path() / (context.empty() ? "." : context);
  const fs::path path = (fs::path(dockerfile).is_absolute() ? fs::path(dockerfile)
                                                            : dir / (dockerfile.empty() ? "Dockerfile" : dockerfile))
                            .lexically_normal();
  b.key = path.generic_string();
  b.state = BuildFile::State::missing;
  if (const auto in = d.inputs.find(b.key); in != d.inputs.end()) {
    b.given = true;
    b.name = in->second.first;
    b.text = in->second.second;
  } else if (!d.read_disk) {
    return b;
  } else if (auto t = disk_file_text(path)) {
    b.name = b.key;
    b.text = std::move(*t);
  } else {
    return b;
  }
  b.state = BuildFile::State::found;
  std::map<std::string, std::string> build_args;
  for (const BuildArg& a : b.args)
    if (a.has_value) build_args[a.name] = a.value;
  b.read = read_dockerfile_health(b.text, b.name, b.target, build_args);
  return b;
}

// The command lines a container may run, in the order tried: Docker runs `entrypoint` with
// `command` as its arguments; a command alone runs after the image's own entrypoint (which
// usually ends in `exec "$@"`), so it is tried alone too, then the entrypoint alone. From a
// Dockerfile that `build:` reads: its ENTRYPOINT with `command` as its arguments, and, when the
// Compose file gives neither, its ENTRYPOINT and CMD (the Compose file's `entrypoint` clears the
// image's CMD: compose-spec, "entrypoint").
std::vector<std::vector<CommandPart>> container_commands(const ComposeCtx& c, const YAML::Node& svc,
                                                         const BuildFile* b) {
  const YAML::Node command = child(svc, "command"), entry = child(svc, "entrypoint");
  // A list's items each at its own line (`- --certfile`); a string's words at the string's.
  const auto part = [&](const char* key, const YAML::Node& node) {
    CommandPart p{key, c.pos(node), unescaped(as_words(node))};
    if (node.IsSequence())
      for (const YAML::Node& item : node) p.word_pos.push_back(c.pos(item));
    return p;
  };
  const auto image = [](const char* key, const DockerCommand& dc) { return CommandPart{key, dc.pos, dc.argv}; };
  const DockerfileHealth* df = b && b->image_known() ? &b->read : nullptr;
  std::vector<std::vector<CommandPart>> out;
  if (entry.IsDefined() && command.IsDefined()) out.push_back({part("entrypoint", entry), part("command", command)});
  if (!entry.IsDefined() && command.IsDefined() && df && df->entrypoint)
    out.push_back({image("ENTRYPOINT", *df->entrypoint), part("command", command)});
  if (command.IsDefined()) out.push_back({part("command", command)});
  if (entry.IsDefined()) out.push_back({part("entrypoint", entry)});
  if (!entry.IsDefined() && !command.IsDefined() && df) {
    std::vector<CommandPart> parts;
    if (df->entrypoint) parts.push_back(image("ENTRYPOINT", *df->entrypoint));
    if (df->cmd) parts.push_back(image("CMD", *df->cmd));
    if (!parts.empty()) out.push_back(std::move(parts));
  }
  return out;
}

// The Dockerfile of a service's `build:`, listed among the files read and reported: the image it
// builds carries its HEALTHCHECK, which Docker runs in the container unless the Compose file's
// `healthcheck:` changes or disables it, and its CMD and ENTRYPOINT, which the container runs
// unless `command:` or `entrypoint:` replace them (read with the command, container_commands).
// A `target` stage the file does not have is an error: docker build stops ("target stage ...
// could not be found").
ImageCheck read_build(const ComposeCtx& c, const std::string& name, const YAML::Node& svc, BuildFile& b,
                      Deployment& d) {
  Report& r = c.r;
  switch (b.state) {
    case BuildFile::State::none:
      return ImageCheck::unknown;
    case BuildFile::State::inline_text:
      r.ignored(b.pos, r.w("import.compose_dockerfile_inline"));
      return ImageCheck::unknown;
    case BuildFile::State::remote:
    case BuildFile::State::missing:
      r.ignored(b.pos, r.w.format("import.compose_dockerfile_missing", b.key));
      return ImageCheck::unknown;
    case BuildFile::State::found:
      break;
  }
  if (b.given) {
    if (d.dockerfiles_read.insert(b.key).second) d.sources.push_back(b.name);
  } else if (!d.inputs.count(b.key)) {  // another service built from it finds it among the inputs
    if (auto f = disk_text(d, b.key, FileKind::dockerfile)) d.inputs[b.key] = std::move(*f);
    d.dockerfiles_read.insert(b.key);
  }
  const DockerfileHealth& health = b.read;
  if (!health.target_found) {
    std::string stages;
    for (const std::string& st : health.stages)
      if (!st.empty()) stages += (stages.empty() ? "" : ", ") + st;
    r.error(b.target_pos,
            r.w.format("import.compose_build_target_missing", b.target, b.name, stages.empty() ? "-" : stages));
    return ImageCheck::unknown;
  }
  r.mapped(b.pos, r.w.format("import.compose_dockerfile_read", b.name));
  // build.args: each for the ARG it fills, or said unused (BuildKit, which docker compose builds
  // with, says nothing of it: moby/buildkit#2128).
  for (const BuildArg& a : b.args) {
    const auto decl = health.arg_lines.find(a.name);
    if (decl == health.arg_lines.end())
      r.ignored(a.pos, r.w.format("import.compose_build_arg_unused", a.name, b.name));
    else if (!a.has_value)
      r.assumed(a.pos, r.w.format("import.compose_build_arg_no_value", a.name, where(decl->second)));
    else if (a.dotenv.line > 0)
      r.mapped(a.pos,
               r.w.format("import.compose_build_arg_dotenv", a.name, a.value, where(a.dotenv), where(decl->second)));
    else
      r.mapped(a.pos, r.w.format("import.compose_build_arg", a.name, a.value, where(decl->second)));
  }
  for (const DockerLine& e : health.exposes)
    r.ignored(e.pos, r.w.format("import.ignored_key", e.written, r.w("import.why_dockerfile_expose")));
  for (const DockerLine& e : health.env_other_stages)
    r.ignored(e.pos, r.w.format("import.ignored_key", e.written, r.w("import.why_dockerfile_env_stage")));
  const YAML::Node hc = child(svc, "healthcheck");
  SourcePos hpos;
  for (const auto& kv : svc)
    if (scalar(kv.first) == "healthcheck") hpos = c.pos(kv.first);
  const std::vector<std::string> test = as_words(child(hc, "test"));
  const bool off = scalar(child(hc, "disable")) == "true" || (!test.empty() && test.front() == "NONE");
  const auto unquoted = [](std::string t) { return t.size() >= 2 && t.front() == '"' ? t.substr(1, t.size() - 2) : t; };
  ImageCheck check = ImageCheck::none;
  if (const auto& e = health.effective) {
    if (e->none) {
      r.ignored(e->pos, r.w.format("import.dockerfile_healthcheck_none", e->written));
    } else {
      check = ImageCheck::check;
      if (hc.IsDefined())
        r.ignored(e->pos,
                  r.w.format(off ? "import.dockerfile_healthcheck_off" : "import.dockerfile_healthcheck_overridden",
                             e->written, where(hpos)));
      else
        r.ignored(e->pos, r.w.format("import.dockerfile_healthcheck", e->written, name,
                                     unquoted(duration_text(e->interval_ms)), e->retries,
                                     r.w(c.has_traefik_labels(name) ? "import.why_docker_healthcheck_traefik"
                                                                    : "import.why_docker_healthcheck")));
    }
  }
  for (const DockerHealthcheck& u : health.unused)
    r.ignored(u.pos, r.w.format("import.dockerfile_healthcheck_unused", u.written));
  // The image's command where the Compose file replaces it (compose-spec: `command` overrides
  // the image's CMD; `entrypoint` its ENTRYPOINT, and the image's CMD is then ignored too).
  const YAML::Node command = child(svc, "command"), entry = child(svc, "entrypoint");
  if (health.cmd && command.IsDefined())
    r.ignored(health.cmd->pos,
              r.w.format("import.dockerfile_cmd_replaced", health.cmd->written, where(c.pos(command)), "command"));
  else if (health.cmd && entry.IsDefined())
    r.ignored(health.cmd->pos, r.w.format("import.dockerfile_cmd_cleared", health.cmd->written, where(c.pos(entry))));
  if (health.entrypoint && entry.IsDefined())
    r.ignored(health.entrypoint->pos, r.w.format("import.dockerfile_cmd_replaced", health.entrypoint->written,
                                                 where(c.pos(entry)), "entrypoint"));
  else if (health.entrypoint && command.IsDefined())
    r.mapped(health.entrypoint->pos,
             r.w.format("import.dockerfile_entrypoint_args", health.entrypoint->written, where(c.pos(command))));
  return check;
}

void image_env(const BuildFile& b, std::map<std::string, std::string>& env, std::map<std::string, SourcePos>& env_pos) {
  if (!b.image_known()) return;
  for (const auto& [name, e] : b.read.env) {
    env[name] = e.value;
    env_pos[name] = e.line.pos;
  }
}

// Each ENV instruction of the image, at its line: mapped with the variables the server reads from
// it (and where the ARGs in their values came from), or said replaced by the Compose file's
// environment, or not modelled.
void report_image_env(const ComposeCtx& c, const BuildFile& b, const ServiceModel& s,
                      const std::map<std::string, SourcePos>& env_pos) {
  if (!b.image_known()) return;
  Report& r = c.r;
  const auto arg_text = [&](const DockerArgUse& a) {
    if (a.from == DockerArgUse::From::empty) return r.w.format("import.dockerfile_arg_empty", a.name, where(a.pos));
    if (a.from == DockerArgUse::From::default_value)
      return r.w.format("import.dockerfile_arg_default", a.name, a.value, where(a.pos));
    const auto given = std::find_if(b.args.begin(), b.args.end(), [&](const BuildArg& g) { return g.name == a.name; });
    return r.w.format("import.dockerfile_arg_build", a.name, a.value,
                      where(given == b.args.end() ? a.pos : given->pos));
  };
  const std::string sep = r.w("import.dockerfile_arg_separator");  // "; " in English
  for (const DockerLine& line : b.read.env_lines) {
    std::vector<std::string> read, args;
    bool replaced = false;
    for (const auto& [name, e] : b.read.env) {
      if (e.line.pos != line.pos || std::find(s.env_read.begin(), s.env_read.end(), name) == s.env_read.end()) continue;
      if (const auto at = env_pos.find(name); at != env_pos.end() && at->second != line.pos) {
        r.ignored(line.pos, r.w.format("import.dockerfile_env_replaced", line.written, name, where(at->second)));
        replaced = true;
        continue;
      }
      read.push_back(name + "=" + e.value);
      for (const DockerArgUse& a : e.args)
        if (const std::string t = arg_text(a); std::find(args.begin(), args.end(), t) == args.end()) args.push_back(t);
    }
    if (!read.empty())
      r.mapped(line.pos,
               r.w.format("import.dockerfile_env_read", line.written, join_names(read),
                          args.empty() ? "" : r.w.format("import.dockerfile_env_args", join_names(args, sep.c_str()))));
    else if (!replaced)
      r.ignored(line.pos, r.w.format("import.ignored_key", line.written, r.w("import.why_dockerfile_env")));
  }
}

// A server deploysim knows runs there (also behind sh -c, python -m, a venv path); a bad value
// in its flags counts too, and read_app says where.
bool runs_asgi_server(const ComposeCtx& c, const YAML::Node& svc, const Deployment& d) {
  const BuildFile b = find_build(c, svc, d);
  for (const auto& parts : container_commands(c, svc, &b)) {
    std::vector<std::string> argv;
    for (const CommandPart& p : parts) argv.insert(argv.end(), p.words.begin(), p.words.end());
    const AsgiResult parsed = parse_asgi_command(argv, SourcePos{c.file, 0, 0});
    if (parsed.error || (parsed.value && parsed.value->server != AsgiServer::unknown)) return true;
  }
  return false;
}

}  // namespace deploysim::import
