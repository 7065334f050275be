// The proxy container of a Compose file (Traefik, Caddy, nginx, HAProxy) and Traefik's labels on
// the app containers: routes, certificates, and whether the ACME state lies on a volume.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "import/compose_internal.hpp"

namespace deploysim::import {

namespace fs = std::filesystem;

// Whether a file (or directory) at `path` inside the container lies on one of the volumes.
bool on_volume(const std::string& path, const std::vector<std::pair<std::string, SourcePos>>& volumes,
               SourcePos* where) {
  const std::string p = path.starts_with("/") ? path : "/" + path;  // Traefik's working directory is "/"
  for (const auto& [target, pos] : volumes) {
    std::string t = target;
    while (t.size() > 1 && t.back() == '/') t.pop_back();
    if (p == t || p.starts_with(t + "/") || t == "/") {
      *where = pos;
      return true;
    }
  }
  return false;
}

std::vector<std::string> traefik_rule_hosts(const std::string& rule) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = rule.find("Host(", at)) != std::string::npos) {
    // Not HostSNI( or HostRegexp(: those are other matchers ("Host(" is preceded by nothing or
    // a separator there).
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(rule[at - 1])))) {
      at += 5;
      continue;
    }
    const size_t end = rule.find(')', at);
    const std::string inside = rule.substr(at + 5, end == std::string::npos ? std::string::npos : end - at - 5);
    size_t i = 0;
    while (i < inside.size()) {
      const char q = inside[i];
      if (q == '`' || q == '"' || q == '\'') {
        const size_t close = inside.find(q, i + 1);
        if (close == std::string::npos) break;
        out.push_back(inside.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        ++i;
      }
    }
    at = end == std::string::npos ? rule.size() : end;
  }
  return out;
}

namespace {

// The container path of a volume entry: "letsencrypt:/letsencrypt", "./acme.json:/acme.json:rw",
// { type: volume, source: x, target: /data }.
std::string volume_target(const YAML::Node& v) {
  if (v.IsMap()) return scalar(child(v, "target"));
  const std::string s = scalar(v);
  const size_t colon = s.find(':');
  if (colon == std::string::npos) return s;  // an anonymous volume: still a volume
  std::string rest = s.substr(colon + 1);
  if (const size_t mode = rest.find(':'); mode != std::string::npos) rest.resize(mode);
  return rest;
}

// A boolean as Go's strconv.ParseBool reads it (Traefik's flags, labels and files: paerser).
std::optional<bool> go_bool(const std::string& v) {
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

// A Traefik static-configuration flag: "--certificatesresolvers.le.acme.storage=/x" ->
// ("certificatesresolvers.le.acme.storage", "/x").
std::pair<std::string, std::string> flag(const std::string& arg) {
  std::string a = arg;
  while (a.starts_with("-")) a.erase(0, 1);
  const size_t eq = a.find('=');
  if (eq == std::string::npos) return {a, "true"};
  return {a.substr(0, eq), a.substr(eq + 1)};
}

// `static_file`: the static configuration file that was read. Traefik's loaders are tried in
// order, file, flags, environment, and the first that finds a configuration is the only one
// used (cmd/traefik/traefik.go; paerser's cli/commands.go stops at the first loader that is
// done), so with a file the flags are not read, except --configFile, which names the file
// (pkg/cli/loader_file.go).
void read_traefik_flags(ComposeCtx& c, const YAML::Node& command, const std::string* static_file) {
  Report& r = c.r;
  const std::vector<std::string> args = as_words(command);
  for (size_t i = 0; i < args.size(); ++i) {
    const SourcePos pos = command.IsSequence() ? c.pos(command[i]) : c.pos(command);
    const auto [key, value] = flag(args[i]);
    const std::string lower = lowercase(key);
    if (static_file) {
      if (lower == "configfile")
        r.mapped(pos, r.w.format("import.traefik_static_read", value, *static_file));
      else
        r.ignored(pos, r.w.format("import.traefik_flag_file_wins", args[i], *static_file));
      continue;
    }
    if (lower.starts_with("certificatesresolvers.")) {
      const size_t dot = lower.find('.', 22);
      const std::string name = key.substr(22, dot == std::string::npos ? std::string::npos : dot - 22);
      const std::string rest = dot == std::string::npos ? "" : lower.substr(dot + 1);
      TraefikResolver& res = c.resolvers[name];
      if (!res.pos.line) res.pos = pos;
      if (rest == "acme.storage") {
        res.storage = value;
        res.storage_pos = pos;
      } else if (rest.starts_with("acme.httpchallenge")) {
        res.challenge = "http-01", res.challenge_pos = pos;
      } else if (rest.starts_with("acme.tlschallenge")) {
        res.challenge = "tls-alpn-01", res.challenge_pos = pos;
      } else if (rest.starts_with("acme.dnschallenge")) {
        res.challenge = "dns-01", res.challenge_pos = pos;
      } else if (rest == "acme.caserver") {
        res.staging = value.find("staging") != std::string::npos;
        if (res.staging) r.mapped(pos, r.w.format("import.traefik_staging", name));
      } else {
        r.ignored(pos, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
      }
      continue;
    }
    // An entry point's http.tls (a resolver, or "true") is TLS for every router on that entry
    // point, whether or not its labels say tls (doc.traefik.io, EntryPoints, "http.tls").
    if (lower.starts_with("entrypoints.") &&
        (lower.ends_with(".http.tls.certresolver") || (lower.ends_with(".http.tls") && value != "false"))) {
      const std::string ep = key.substr(12, key.find('.', 12) - 12);
      c.tls_entrypoint = ep;
      c.tls_entrypoint_pos = pos;
      if (lower.ends_with(".certresolver")) {
        c.default_resolver = value;
        c.default_resolver_pos = pos;
      }
      r.mapped(pos, r.w.format("import.traefik_entrypoint_tls", key, ep));
      continue;
    }
    if (lower == "configfile") {
      c.static_config = value;
      c.static_config_pos = pos;
      continue;
    }
    if (lower == "providers.docker" || lower.starts_with("providers.docker.")) {
      c.docker_provider_option(lower == "providers.docker" ? "" : lower.substr(17), key, value, pos);
      continue;
    }
    if (lower == "providers.file" || lower.starts_with("providers.file.")) {
      c.file_provider_option(lower == "providers.file" ? "" : lower.substr(15), key, value, pos);
      continue;
    }
    r.ignored(pos, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
  }
}

using Mount = ProxyMount;

Mount mount_of(const ComposeCtx& c, const YAML::Node& v) {
  Mount m;
  m.pos = c.pos(v);
  m.target = volume_target(v);
  if (v.IsMap()) {
    m.source = scalar(child(v, "source"));
    m.bind = scalar(child(v, "type")) == "bind";
  } else if (const std::string s = scalar(v); s.find(':') != std::string::npos) {
    m.source = s.substr(0, s.find(':'));
    // Compose's short syntax: a source that is a path (".", "/", "~") is a bind mount, else
    // the name of a volume (compose-spec, "volumes", short syntax).
    m.bind = m.source.starts_with(".") || m.source.starts_with("/") || m.source.starts_with("~");
  }
  while (m.target.size() > 1 && m.target.back() == '/') m.target.pop_back();
  return m;
}

// Where Traefik's static configuration file comes from, as the import could find it.
struct StaticLookup {
  enum class State { none, found, missing, elsewhere } state = State::none;
  std::string container_path;  ///< Where Traefik reads it (or the mounted folder, when missing).
  std::string file;            ///< Found: its name in the report; missing: the host path; elsewhere: the source.
  std::string text;
  SourcePos pos;  ///< The volume that mounts it.
};

// The Traefik files of one kind among the inputs (static or dynamic), and which are read.
struct KnownFiles {
  std::map<std::string, std::pair<std::string, std::string>>& files;
  std::set<std::string>& used;
  FileKind kind;
};

KnownFiles static_files(Deployment& d) { return {d.traefik_files, d.traefik_files_used, FileKind::traefik}; }
KnownFiles dynamic_files(Deployment& d) {
  return {d.traefik_dynamic_files, d.traefik_dynamic_used, FileKind::traefik_dynamic};
}

}  // namespace

std::optional<std::string> disk_file_text(const fs::path& host) {
  std::error_code ec;
  if (!fs::is_regular_file(host, ec) || fs::file_size(host, ec) > max_file_bytes || ec) return std::nullopt;
  auto read = read_text(host);
  if (!read) return std::nullopt;
  std::string t = std::move(*read);
  if (t.starts_with("\xEF\xBB\xBF")) t.erase(0, 3);
  if (first_invalid_utf8(t) != std::string::npos) return std::nullopt;
  return t;
}

std::optional<std::pair<std::string, std::string>> disk_text(Deployment& d, const fs::path& host, FileKind kind) {
  std::optional<std::string> t = disk_file_text(host);
  if (!t) return std::nullopt;
  const std::string key = host.lexically_normal().generic_string();
  d.files_from_disk.emplace_back(key, kind);
  d.sources.push_back(key);
  return std::pair{key, std::move(*t)};
}

namespace {

// A file a bind mount names: among the inputs (by path, or on disk the same file), else, for a
// path beside the Compose file, on disk (import_paths only).
std::optional<std::pair<std::string, std::string>> mounted_text(Deployment& d, const fs::path& host, bool disk,
                                                                const KnownFiles& known) {
  const std::string key = host.lexically_normal().generic_string();
  const auto use = [&](const std::string& k) {
    if (known.used.insert(k).second) d.sources.push_back(known.files.at(k).first);
    return known.files.at(k);
  };
  if (known.files.count(key)) return use(key);
  if (!d.read_disk) return std::nullopt;
  std::error_code ec;
  for (const auto& entry : known.files)
    if (fs::equivalent(entry.first, host, ec)) return use(entry.first);
  if (!disk) return std::nullopt;
  return disk_text(d, host, known.kind);
}

// A path inside the container: the innermost volume holding it (Docker mounts the deeper one
// last, over the other), the rest of the path below its target, and where that is on the host.
struct InContainer {
  const Mount* mount = nullptr;
  std::string rest;       ///< "" for the volume's target itself.
  bool relative = false;  ///< A bind mount of a path relative to the Compose file's folder.
  fs::path host;          ///< The host path (a bind mount's; else the volume's name).
};

InContainer locate(const ComposeCtx& c, const std::vector<Mount>& mounts, const std::string& path) {
  InContainer at;
  for (const Mount& v : mounts)
    if ((path == v.target || path.starts_with(v.target == "/" ? "/" : v.target + "/")) &&
        (!at.mount || v.target.size() > at.mount->target.size()))
      at.mount = &v;
  if (!at.mount) return at;
  const Mount& m = *at.mount;
  at.rest = path == m.target ? "" : path.substr(m.target == "/" ? 1 : m.target.size() + 1);
  at.relative = m.bind && !m.source.starts_with("/") && !m.source.starts_with("~");
  at.host = at.relative ? fs::path(c.file).parent_path() / m.source : fs::path(m.source);
  if (!at.rest.empty()) at.host /= at.rest;  // appending "" would add a trailing separator
  return at;
}

// The dynamic files below a mounted folder, as Traefik's file provider reads a directory: every
// .toml, .yaml and .yml file, subfolders too, each folder in name order (loadFileConfigFromDirectory
// in pkg/provider/file). Among the inputs, else (import_paths, a folder beside the Compose file)
// on disk; a file given with another kind is not read as one.
std::vector<std::pair<std::string, std::string>> mounted_folder(Deployment& d, const fs::path& dir, bool disk) {
  const auto traefik_ext = [](const fs::path& p) {
    const std::string ext = lowercase(p.extension().string());
    return ext == ".toml" || ext == ".yaml" || ext == ".yml";
  };
  std::map<fs::path, std::string> keys;  // fs::path orders name by name, as the folders are walked
  std::string prefix = dir.lexically_normal().generic_string();
  while (prefix.size() > 1 && prefix.ends_with("/")) prefix.pop_back();
  for (const auto& entry : d.traefik_dynamic_files)
    if (entry.first.starts_with(prefix + "/") && traefik_ext(entry.first)) keys[fs::path(entry.first)] = entry.first;
  std::map<fs::path, std::pair<std::string, std::string>> from_disk;
  std::error_code ec;
  if (d.read_disk && fs::is_directory(dir, ec))
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const fs::path p = it->path().lexically_normal();
      if (!it->is_regular_file() || !traefik_ext(p) || keys.count(p) || d.inputs.count(p.generic_string())) continue;
      const auto same =
          std::find_if(d.traefik_dynamic_files.begin(), d.traefik_dynamic_files.end(), [&](const auto& entry) {
            std::error_code same_ec;  // apart from the walk's
            return fs::equivalent(entry.first, p, same_ec);
          });
      if (same != d.traefik_dynamic_files.end())
        keys[p] = same->first;
      else if (disk)
        if (auto f = disk_text(d, p, FileKind::traefik_dynamic)) from_disk[p] = std::move(*f);
    }
  std::map<fs::path, std::pair<std::string, std::string>> all = std::move(from_disk);
  for (const auto& [p, key] : keys) {
    if (d.traefik_dynamic_used.insert(key).second) d.sources.push_back(d.traefik_dynamic_files.at(key).first);
    all[p] = d.traefik_dynamic_files.at(key);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& entry : all) out.push_back(std::move(entry.second));
  return out;
}

// The files Traefik's file provider reads, found through the container's volumes as the static
// file is: its directory, else its filename (BuildConfiguration in pkg/provider/file reads the
// directory when both are given).
void find_dynamic_files(ComposeCtx& c, Deployment& d, const std::vector<Mount>& mounts) {
  Report& r = c.r;
  const TraefikFileProvider& fp = c.file_provider;
  const bool folder = !fp.directory.empty();
  if (!folder && fp.filename.empty()) return;
  if (folder && !fp.filename.empty())
    r.ignored(fp.filename_pos, r.w.format("import.traefik_filename_with_directory", fp.filename_key, fp.directory));
  const std::string& written = folder ? fp.directory : fp.filename;
  const SourcePos& pos = folder ? fp.directory_pos : fp.filename_pos;
  std::string path = fs::path(written.starts_with("/") ? written : "/" + written).lexically_normal().generic_string();
  while (path.size() > 1 && path.ends_with("/")) path.pop_back();
  const InContainer at = locate(c, mounts, path);
  if (!at.mount) {
    r.ignored(pos, r.w.format("import.traefik_dynamic_not_mounted", path));
    return;
  }
  std::vector<std::pair<std::string, std::string>> found;
  if (at.mount->bind && !folder) {
    if (auto f = mounted_text(d, at.host, at.relative, dynamic_files(d))) found.push_back(std::move(*f));
  } else if (at.mount->bind) {
    found = mounted_folder(d, at.host, at.relative);
  }
  if (found.empty()) {
    if (at.relative)
      r.ignored(pos, r.w.format("import.traefik_dynamic_missing", path, at.host.lexically_normal().generic_string()));
    else
      r.ignored(pos, r.w.format("import.traefik_dynamic_elsewhere", path, at.mount->source));
    return;
  }
  for (auto& f : found) {
    r.mapped(pos, r.w.format("import.traefik_dynamic_read", path, f.first));
    c.dynamic_files.push_back(std::move(f));
  }
}

// Traefik's static configuration file in the container, found as Traefik finds it: the
// --configFile path, then traefik.toml, .yaml, .yml in /etc/traefik/, $XDG_CONFIG_HOME/ (unset
// in the official image: "/"), $HOME/.config/ and the working directory (/ in the image), the
// first that exists (pkg/cli/loader_file.go; paerser's cli/file_finder.go). A path no volume
// covers is not in the image.
StaticLookup find_static_file(const ComposeCtx& c, Deployment& d, const std::vector<Mount>& mounts,
                              const std::string& config_flag) {
  std::vector<std::string> paths;
  if (!config_flag.empty())
    paths.push_back(
        fs::path(config_flag.starts_with("/") ? config_flag : "/" + config_flag).lexically_normal().generic_string());
  for (const char* base : {"/etc/traefik/traefik", "/traefik", "/root/.config/traefik"})
    for (const char* ext : {".toml", ".yaml", ".yml"}) paths.push_back(std::string(base) + ext);
  const fs::path dir = fs::path(c.file).parent_path();
  StaticLookup folder_missing;
  for (const std::string& path : paths) {
    const InContainer at = locate(c, mounts, path);
    if (!at.mount) continue;
    const Mount* m = at.mount;
    if (m->bind)
      if (const auto f = mounted_text(d, at.host, at.relative, static_files(d)))
        return {StaticLookup::State::found, path, f->first, f->second, m->pos};
    if (!at.relative)  // a named volume or a path on the server: Traefik finds the file there
      return {StaticLookup::State::elsewhere, at.rest.empty() ? path : m->target, m->source, "", m->pos};
    if (at.rest.empty())
      return {StaticLookup::State::missing, path, at.host.lexically_normal().generic_string(), "", m->pos};
    if (folder_missing.state == StaticLookup::State::none)  // a mounted folder: the next name may be in it
      folder_missing = {StaticLookup::State::missing, m->target, (dir / m->source).lexically_normal().generic_string(),
                        "", m->pos};
  }
  return folder_missing;
}

// The tag of an official Caddy image from 2.0 to 2.4 ("caddy:2.4.6-alpine" -> "2.4.6-alpine"),
// else "". Those images declare VOLUME /config and VOLUME /data (caddyserver/caddy-docker,
// 2.4/alpine/Dockerfile); 2.5 dropped them (2.5/alpine/Dockerfile). An image's volume is an
// anonymous one, which `docker compose up` copies into a container it recreates unless told -V
// (--renew-anon-volumes).
std::string caddy_tag_with_data_volume(const std::string& image) {
  const size_t slash = image.find_last_of('/');
  const std::string name = image.substr(slash == std::string::npos ? 0 : slash + 1);
  if (!name.starts_with("caddy:")) return {};
  const std::string tag = name.substr(6, name.find('@') == std::string::npos ? std::string::npos : name.find('@') - 6);
  if (tag.size() < 3 || !tag.starts_with("2.") || tag[2] < '0' || tag[2] > '4') return {};
  if (tag.size() > 3 && (tag[3] != '.' && tag[3] != '-')) return {};  // 2.40 would be another minor
  return tag;
}

}  // namespace

std::string proxy_preset_of_image(const std::string& image) {
  // The image's name without registry and tag: "docker.io/library/traefik:v3.1" -> "traefik".
  std::string name = image.substr(0, image.find(':'));
  if (const size_t slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  for (const char* p : {"traefik", "caddy", "haproxy"})
    if (name.starts_with(p)) return p;
  if (name.starts_with("nginx") && name.find("unit") == std::string::npos) return "nginx";
  return "";
}

void ComposeCtx::read_labels() {
  for (const auto& kv : services) {
    const std::string owner = scalar(kv.first);
    const YAML::Node labels = child(kv.second, "labels");
    if (!labels.IsDefined()) continue;
    std::vector<std::tuple<std::string, std::string, SourcePos>> items;
    if (labels.IsSequence()) {
      for (const auto& l : labels) {
        const std::string s = scalar(l);
        const size_t eq = s.find('=');
        items.emplace_back(s.substr(0, eq), eq == std::string::npos ? "" : s.substr(eq + 1), pos(l));
      }
    } else if (labels.IsMap()) {
      for (const auto& l : labels) items.emplace_back(scalar(l.first), scalar(l.second), pos(l.first));
    }
    for (const auto& [key, value, p] : items) this->labels[owner][key] = value;
    for (const auto& [key, value, p] : items) {
      if (!key.starts_with("traefik.")) {
        r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
        continue;
      }
      traefik_labelled[owner] = true;
      if (key == "traefik.enable") {  // with false Traefik skips the container, whatever exposedByDefault says
        const auto on = go_bool(value);
        traefik_enable[owner] = {on.value_or(false), p};
        traefik_enable_text[owner] = value;  // said once the Docker provider is known (add_routes)
        continue;
      }
      const std::string routers = "traefik.http.routers.";
      if (key.starts_with(routers)) {
        const size_t dot = key.find('.', routers.size());
        const std::string name = key.substr(routers.size(), dot - routers.size());
        const std::string rest = dot == std::string::npos ? "" : key.substr(dot + 1);
        TraefikRouter& router = routers_of(name, owner);
        if (router.rule_pos.file.empty()) router.rule_pos = p;  // a router without a rule: its first label
        if (rest == "rule") {
          router.hosts = traefik_rule_hosts(value);
          router.rule_pos = p;
          router.rule_written = true;
          if (value.find("Path") != std::string::npos)
            r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_path_rules")));
        } else if (rest == "tls") {
          // "true" makes the router's tls section (empty), which replaces its entry point's TLS.
          router.tls = value == "true";
          router.tls_section = router.tls_section || router.tls;
        } else if (rest == "tls.certresolver") {
          router.tls = true;
          router.certresolver = value;
          router.resolver_pos = p;
        } else if (rest == "entrypoints") {
          router.entrypoints = split_commas(value);
          r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_entrypoints")));
        } else if (lowercase(rest) == "tls.options") {  // a tls section too; resolved with the files' options
          router.tls = router.tls_section = true;
          router.tls_options_key = key;
          router.tls_options = value;
          router.tls_options_pos = p;
        } else if (rest.starts_with("tls.")) {  // tls.domains[0].main: a tls section too
          router.tls = router.tls_section = true;
          r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
        } else {
          r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
        }
        continue;
      }
      const std::string svcs = "traefik.http.services.";
      if (key.starts_with(svcs) && key.ends_with(".loadbalancer.server.port")) {
        if (const auto port = port_number(value))
          lb_ports[owner] = {*port, p};
        else
          r.error(p, r.w.format("import.out_of_range", key, value, 1, 65535));
        continue;
      }
      r.ignored(p, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
    }
  }
}

void ComposeCtx::file_provider_option(const std::string& option, const std::string& key, const std::string& value,
                                      const SourcePos& pos) {
  if (option == "directory" || option == "filename") {
    const bool dir = option == "directory";
    (dir ? file_provider.directory : file_provider.filename) = value;
    (dir ? file_provider.directory_pos : file_provider.filename_pos) = pos;
    (dir ? file_provider.directory_key : file_provider.filename_key) = key;
    r.mapped(pos, r.w.format("import.traefik_file_provider", key, value));
    return;
  }
  r.ignored(pos, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));  // watch, ...
}

TraefikRouter& ComposeCtx::routers_of(const std::string& name, const std::string& owner) {
  TraefikRouter& router = routers[name];
  if (router.owner.empty()) router.owner = owner;
  return router;
}

std::optional<int> ComposeCtx::label_port(const std::string& service) const {
  const auto it = lb_ports.find(service);
  if (it == lb_ports.end()) return std::nullopt;
  return it->second.first;
}

SourcePos ComposeCtx::label_port_pos(const std::string& service) const {
  const auto it = lb_ports.find(service);
  return it == lb_ports.end() ? SourcePos{file, 0, 0} : it->second.second;
}

bool ComposeCtx::routed(const std::string& service) const {
  for (const auto& [name, router] : routers)
    if (router.owner == service && !router.hosts.empty()) return true;
  return false;
}

bool ComposeCtx::has_traefik_labels(const std::string& service) const { return traefik_labelled.count(service) > 0; }

bool ComposeCtx::exposed(const std::string& service) const {
  const auto it = traefik_enable.find(service);
  return it != traefik_enable.end() ? it->second.first : exposed_by_default;
}

void ComposeCtx::set_exposed_by_default(const std::string& key, const std::string& value, const SourcePos& pos) {
  const auto on = go_bool(value);
  if (!on) {  // paerser cannot read it: Traefik stops with an error
    r.error(pos, r.w.format("import.bad_value", key, value, "true, false"));
    return;
  }
  exposed_by_default = *on;
  exposed_by_default_pos = pos;
  r.mapped(pos, r.w.format(*on ? "import.traefik_docker_provider" : "import.traefik_exposed_by_default_false",
                           key + "=" + value));
}

void read_proxy_container(ComposeCtx& c, const std::string& name, const YAML::Node& svc, const std::string& preset,
                          Deployment& d) {
  Report& r = c.r;
  if (d.proxy) {
    r.ignored(c.service_pos(name, svc), r.w.format("import.second_proxy", name));
    return;
  }
  c.proxy_service = name;
  c.proxy_pos = c.service_pos(name, svc);
  c.traefik_container = preset == "traefik";
  container_env(c, svc, d.proxy_env, d.proxy_env_pos);  // Caddy fills in {$NAME} from it
  ProxyModel p;
  p.pos = c.service_pos(name, svc);
  p.keys.set("preset", r.from(c.pos(child(svc, "image")), "image", "proxy.preset", toml_str(preset)));
  std::vector<Mount> mounts;
  if (const YAML::Node vols = child(svc, "volumes"); vols.IsSequence())
    for (const auto& v : vols) {
      const std::string target = volume_target(v);
      c.proxy_volumes.emplace_back(target, c.pos(v));
      mounts.push_back(mount_of(c, v));
      // Traefik looks for traefik.yml, .yaml or .toml in /etc/traefik/, $XDG_CONFIG_HOME/,
      // $HOME/.config/ and its working directory (doc.traefik.io, "Configuration Discovery").
      const std::string base = target.substr(target.find_last_of('/') + 1);
      if (preset == "traefik" && (base == "traefik.yml" || base == "traefik.yaml" || base == "traefik.toml" ||
                                  target == "/etc/traefik" || target == "/etc/traefik/")) {
        c.static_config = target;
        c.static_config_pos = c.pos(v);
      }
    }
  if (preset == "traefik") {
    std::string config_flag;
    for (const std::string& arg : as_words(child(svc, "command")))
      if (const auto [key, value] = flag(arg); lowercase(key) == "configfile") config_flag = value;
    const StaticLookup found = find_static_file(c, d, mounts, config_flag);
    if (found.state != StaticLookup::State::none && c.static_config.empty()) {
      c.static_config = found.container_path;
      c.static_config_pos = found.pos;
    }
    if (found.state == StaticLookup::State::found) {
      c.static_config = found.container_path;
      c.static_config_pos = found.pos;
      c.static_file = found.file;
      r.mapped(found.pos, r.w.format("import.traefik_static_read", found.container_path, found.file));
      read_traefik_static_file(c, found.file, found.text, found.container_path);
    } else if (found.state == StaticLookup::State::missing) {
      r.ignored(found.pos, r.w.format("import.traefik_static_missing", found.container_path, found.file));
    } else if (found.state == StaticLookup::State::elsewhere) {
      r.ignored(found.pos, r.w.format("import.traefik_static_elsewhere", found.container_path, found.file));
    }
  }

  for (const auto& kv : svc) {
    const std::string key = scalar(kv.first);
    const SourcePos kpos = c.pos(kv.first);
    if (key == "image") continue;
    if (key == "command" && preset == "traefik") {
      read_traefik_flags(c, kv.second, c.static_file.empty() ? nullptr : &c.static_file);
    } else if (key == "volumes") {
      for (const auto& v : kv.second) r.mapped(c.pos(v), r.w.format("import.proxy_volume", volume_target(v)));
    } else if (key == "ports") {
      for (const auto& port : kv.second) {
        // The short syntax ("443:443", "443/tcp") or the long one ({target, published, protocol}).
        std::string s = scalar(port);
        if (port.IsMap()) {
          const std::string published = scalar(child(port, "published")), protocol = scalar(child(port, "protocol"));
          s = (published.empty() ? "" : published + ":") + scalar(child(port, "target")) +
              (protocol.empty() ? "" : "/" + protocol);
        }
        if (s.ends_with(":443") || s.ends_with(":443/tcp") || s == "443" || s == "443/tcp")
          p.keys.set("listen", r.from(c.pos(port), "ports", "proxy.listen", "443"));
        else
          r.ignored(c.pos(port), r.w.format("import.ignored_key", "ports: " + s, r.w("import.why_proxy_port")));
      }
    } else if (key == "restart") {
      r.ignored(kpos, r.w.format("import.ignored_key", key, r.w("import.why_proxy_restart")));
    } else if (key == "labels") {
      continue;  // read with every container's labels
    } else if ((key == "command" || key == "entrypoint") && preset == "nginx" && c.nginx_reload_pos.line > 0 &&
               key == c.nginx_reload_key) {
      r.mapped(c.nginx_reload_pos, r.w.format("import.nginx_reload_loop", key));  // compose.cpp found it
    } else if (key == "environment" && preset == "caddy") {
      r.mapped(kpos, r.w("import.caddy_env_key"));  // each variable a Caddyfile uses is named too
    } else if (key == "env_file" && preset == "caddy") {
      // Its files' variables are the container's too (container_env above), under environment:.
      r.mapped(kpos, r.w("import.caddy_env_file_key"));
    } else {
      r.ignored(kpos, r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
    }
  }
  if (preset == "traefik") find_dynamic_files(c, d, mounts);  // its flags, or its static file, name them
  // Its static file read, or no file but its flags: the whole static configuration is known.
  c.traefik_config_known = preset == "traefik" && (!c.static_file.empty() || c.static_config.empty());
  // Caddy's official image keeps certificates under /data (XDG_DATA_HOME): Caddy's docs ask for
  // a volume there.
  if (preset == "caddy") {
    SourcePos vpos;
    const std::string image = scalar(child(svc, "image"));
    const std::string old_tag = caddy_tag_with_data_volume(image);
    if (on_volume("/data/caddy", c.proxy_volumes, &vpos)) {
      p.keys.set("persisted_storage", r.from(vpos, "volumes", "proxy.persisted_storage", "true"));
    } else if (!old_tag.empty()) {
      const SourcePos ipos = c.pos(child(svc, "image"));
      p.keys.set("persisted_storage", r.from(ipos, "image", "proxy.persisted_storage", "true"));
      r.mapped(ipos, r.w.format("import.caddy_image_volume", old_tag));
    } else {
      p.keys.set("persisted_storage", r.from(p.pos, "volumes", "proxy.persisted_storage", "false"));
      r.mapped(p.pos, r.w.format("import.acme_not_persisted", "/data"));
    }
    d.proxy_recreate_variant = true;
  }
  d.proxy = std::move(p);
}

}  // namespace deploysim::import
