// `deploysim import`: which kind each file is, reading them in an order that lets a proxy's own
// config (Caddyfile, nginx) add to the proxy container a Compose file declares, the scenario
// text, its check with the real loader, and the report as the CLI prints it.
#include "import/import.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <sstream>

#include <fmt/format.h>

#include "deploysim/scenario.hpp"
#include "import/certbot_conf.hpp"
#include "import/compose_internal.hpp"
#include "import/import_model.hpp"
#include "import/import_yaml.hpp"
#include "import/systemd_unit.hpp"

namespace deploysim::import {

namespace fs = std::filesystem;

const char* kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::compose:
      return "compose";
    case FileKind::kubernetes:
      return "kubernetes";
    case FileKind::systemd:
      return "systemd";
    case FileKind::systemd_dropin:
      return "systemd drop-in";
    case FileKind::nginx:
      return "nginx";
    case FileKind::caddy:
      return "caddy";
    case FileKind::dotenv:
      return "env file";
    case FileKind::traefik:
      return "traefik";
    case FileKind::traefik_dynamic:
      return "traefik dynamic";
    case FileKind::dockerfile:
      return "dockerfile";
    case FileKind::certbot:
      return "certbot";
    case FileKind::unknown:
      break;
  }
  return "unknown";
}

bool ImportResult::ok() const {
  return std::none_of(report.begin(), report.end(), [](const ReportEntry& e) { return e.kind == EntryKind::error; });
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {

// A Dockerfile by the names docker build and Compose use by default or by habit ("Dockerfile",
// "Dockerfile.prod", "api.Dockerfile", "prod.dockerfile"): read only through a Compose
// service's `build:`, so one no service builds is said as such, not as a file of no kind.
bool looks_like_dockerfile(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  std::string lower;
  for (const char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile");
}

// How a file's kind is told from its lines. Hand-written rather than std::regex, which recurses
// once per character matched: a one-line file of 500 KB overflowed the stack.
constexpr std::string_view blanks = " \t\r";

bool is_blank(char c) { return blanks.find(c) != std::string_view::npos; }

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

// Blanks and newlines too (a regex's \s).
std::string_view skip_space(std::string_view s) {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

bool only_blanks(std::string_view s) { return skip_blanks(s).empty(); }

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `s` starts with `word` (ASCII case ignored when `icase`) and no letter, digit or _ follows it.
bool starts_with_word(std::string_view s, std::string_view word, bool icase = false) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const char a = s[i], b = word[i];
    if (icase ? std::tolower(static_cast<unsigned char>(a)) != std::tolower(static_cast<unsigned char>(b)) : a != b)
      return false;
  }
  return s.size() == word.size() || !word_char(s[word.size()]);
}

// The first of `words` that `s` starts with (as a word), or "".
std::string_view starts_with_one(std::string_view s, std::initializer_list<std::string_view> words,
                                 bool icase = false) {
  for (const std::string_view w : words)
    if (starts_with_word(s, w, icase)) return w;
  return {};
}

// Whether `pred(line, after)` holds for a line of the text (`after`: the text after its newline).
template <class P>
bool any_line(std::string_view text, P&& pred) {
  for (size_t begin = 0; begin <= text.size();) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    if (pred(text.substr(begin, end - begin), text.substr(std::min(end + 1, text.size())))) return true;
    begin = end + 1;
  }
  return false;
}

// KEY, blanks, ":" (YAML), icase for Traefik's keys.
bool yaml_key(std::string_view line, std::initializer_list<std::string_view> keys, bool icase = false) {
  const std::string_view k = starts_with_one(line, keys, icase);
  return !k.empty() && skip_blanks(line.substr(k.size())).starts_with(':');
}

// Traefik's dynamic configuration (what its file provider reads): a top-level `http:` with
// `routers:`/`services:`/`middlewares:` below it, or `tls:` with `certificates:`/`options:`/`stores:`.
bool traefik_dynamic(const fs::path& path, std::string_view text) {
  const std::string ext = lowercase(path.extension().string());
  static const std::initializer_list<std::string_view> roots = {"http", "tcp", "udp", "tls"};
  static const std::initializer_list<std::string_view> keys = {"routers",      "services", "middlewares",
                                                               "certificates", "options",  "stores"};
  if (ext == ".yml" || ext == ".yaml")
    return any_line(text, [](std::string_view line, std::string_view after) {
      if (!yaml_key(line, roots, true)) return false;
      const size_t colon = line.find(':');
      if (!only_blanks(line.substr(colon + 1))) return false;
      // The next line, indented, names one of the keys (blank lines between count as indentation).
      const std::string_view next = skip_space(after);
      return next.size() < after.size() && yaml_key(next, keys, true);
    });
  if (ext == ".toml")
    return any_line(text, [](std::string_view line, std::string_view) {
      std::string_view l = skip_blanks(line);
      if (!l.starts_with('[')) return false;
      l.remove_prefix(l.starts_with("[[") ? 2 : 1);
      l = skip_blanks(l);
      const std::string_view root = starts_with_one(l, roots, true);
      if (root.empty() || l.size() <= root.size() || l[root.size()] != '.') return false;
      return !starts_with_one(l.substr(root.size() + 1), keys, true).empty();
    });
  return false;
}

}  // namespace

FileKind detect_kind(const fs::path& path, std::string_view text) {
  const std::string name = lowercase(path.filename().string());
  const std::string ext = lowercase(path.extension().string());
  const std::string parent = lowercase(path.parent_path().filename().string());
  const auto k8s_api = [](std::string_view line, std::string_view after) {
    // apiVersion: and a value (on its line or the next ones).
    return line.starts_with("apiVersion:") && (!skip_space(line.substr(11)).empty() || !skip_space(after).empty());
  };
  const auto k8s_kind = [](std::string_view line, std::string_view after) {
    if (!line.starts_with("kind:")) return false;
    std::string_view v = skip_space(line.substr(5));
    if (v.empty()) v = skip_space(after);
    return !v.empty() && std::isupper(static_cast<unsigned char>(v.front()));
  };
  const auto compose_services = [](std::string_view line, std::string_view) {
    return line.starts_with("services:") && only_blanks(line.substr(9));
  };
  const auto unit_section = [](std::string_view line, std::string_view) {
    for (const std::string_view s : {"[Unit]", "[Service]", "[Install]"})
      if (line.starts_with(s) && only_blanks(line.substr(s.size()))) return true;
    return false;
  };
  // server {, http {, upstream NAME { (the brace maybe on a following line).
  const auto nginx_server = [](std::string_view line, std::string_view after) {
    const std::string_view l = skip_blanks(line);
    std::string_view rest;
    if (const std::string_view w = starts_with_one(l, {"server", "http"}); !w.empty()) {
      rest = l.substr(w.size());
    } else if (starts_with_word(l, "upstream")) {
      rest = skip_blanks(l.substr(8));
      if (rest.size() == l.size() - 8) return false;  // no blank after "upstream"
      size_t n = 0;
      while (n < rest.size() && !is_blank(rest[n])) ++n;
      if (n == 0) return false;
      if (rest[n - 1] == '{') return n >= 2;  // upstream app{
      rest = rest.substr(n);
    } else {
      return false;
    }
    rest = skip_blanks(rest);
    if (rest.empty()) rest = skip_space(after);
    return rest.starts_with('{');
  };
  // A site block's first line: "{" (global options), or addresses separated by commas, then "{".
  const auto caddy_site = [](std::string_view line, std::string_view) {
    std::string_view l = skip_blanks(line);
    if (l.empty()) return false;
    const auto address = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".*:/-").find(c) != std::string_view::npos;
    };
    if (l.front() != '{') {
      for (;;) {
        size_t n = 0;
        while (n < l.size() && address(l[n])) ++n;
        if (n == 0) return false;
        l = skip_blanks(l.substr(n));
        if (!l.starts_with(',')) break;
        l = skip_blanks(l.substr(1));
      }
      if (!l.starts_with('{')) return false;
    }
    return only_blanks(l.substr(1));
  };
  const auto caddy_directive = [](std::string_view line, std::string_view) {
    return !starts_with_one(skip_blanks(line),
                            {"reverse_proxy", "file_server", "encode", "respond", "tls", "handle", "redir"})
                .empty();
  };
  // Traefik's static configuration: its own name (Traefik looks for traefik.toml, .yaml, .yml:
  // pkg/cli/loader_file.go), or a top-level key only Traefik's static configuration has. Traefik
  // reads its keys case-insensitively (paerser's parser/nodes_metadata.go, strings.EqualFold).
  const auto traefik_yaml_root = [](std::string_view line, std::string_view) {
    return yaml_key(line, {"entrypoints", "certificatesresolvers"}, true);
  };
  const auto traefik_toml_root = [](std::string_view line, std::string_view) {
    std::string_view l = skip_blanks(line);
    if (l.starts_with('[')) l = skip_blanks(l.substr(l.starts_with("[[") ? 2 : 1));
    const std::string_view k = starts_with_one(l, {"entrypoints", "certificatesresolvers"}, true);
    if (k.empty()) return false;
    const std::string_view rest = skip_blanks(l.substr(k.size()));
    return !rest.empty() && (rest.front() == '.' || rest.front() == ']' || rest.front() == '=');
  };

  // .env: what docker compose fills ${VAR} in with; it and other env files (api.env,
  // .env.production) are what a service's env_file: names.
  if (name == ".env" || name.starts_with(".env.") || ext == ".env") return FileKind::dotenv;
  if (name.starts_with("caddyfile")) return FileKind::caddy;
  if (ext == ".service") return FileKind::systemd;
  // systemd reads NAME.service.d/*.conf over the unit (systemd.unit(5), "drop-in" files).
  if (ext == ".conf" && parent.ends_with(".service.d") && parent.size() > 10) return FileKind::systemd_dropin;
  // certbot's renewal configuration (/etc/letsencrypt/renewal/NAME.conf, or one by its section)
  // and the scripts of /etc/letsencrypt/renewal-hooks/{deploy,pre,post}/.
  const auto renewalparams = [](std::string_view line, std::string_view) {
    return skip_blanks(line).starts_with("[renewalparams]");
  };
  if (ext == ".conf" && (parent == "renewal" || any_line(text, renewalparams))) return FileKind::certbot;
  if (!certbot_hook_kind(path.generic_string()).empty()) return FileKind::certbot;
  if (ext == ".yml" || ext == ".yaml") {
    if (any_line(text, k8s_api) && any_line(text, k8s_kind)) return FileKind::kubernetes;
    if (any_line(text, compose_services)) return FileKind::compose;
    if (name == "traefik.yml" || name == "traefik.yaml" || any_line(text, traefik_yaml_root)) return FileKind::traefik;
    if (traefik_dynamic(path, text)) return FileKind::traefik_dynamic;
    return FileKind::unknown;
  }
  // A dynamic TOML file's routers may have an `entryPoints = [...]` line of their own.
  if (ext == ".toml" && name != "traefik.toml" && traefik_dynamic(path, text)) return FileKind::traefik_dynamic;
  if (ext == ".toml" && (name == "traefik.toml" || any_line(text, traefik_toml_root))) return FileKind::traefik;
  if (name == "nginx.conf" || ext == ".conf" || parent == "sites-available" || parent == "sites-enabled" ||
      parent == "conf.d")
    if (any_line(text, nginx_server)) return FileKind::nginx;
  // By content alone (a file without a telling name).
  if (any_line(text, unit_section) && text.find("ExecStart=") != std::string_view::npos) return FileKind::systemd;
  if (any_line(text, nginx_server) && text.find(';') != std::string_view::npos) return FileKind::nginx;
  if (any_line(text, caddy_site) && any_line(text, caddy_directive)) return FileKind::caddy;
  return FileKind::unknown;
}

namespace {

// The entries without a repeat of an earlier one (the same kind, place and words): a line that
// gives a value to two certificates, or two services, is said once.
std::vector<ReportEntry> said_once(std::vector<ReportEntry> entries) {
  std::set<std::tuple<int, std::string, uint32_t, uint32_t, std::string>> seen;
  std::vector<ReportEntry> out;
  out.reserve(entries.size());
  for (ReportEntry& e : entries)
    if (seen.emplace(static_cast<int>(e.kind), e.pos.file, e.pos.line, e.pos.col, e.message).second)
      out.push_back(std::move(e));
  return out;
}

struct Input {
  std::string name;  ///< As the report names it.
  fs::path path;
  bool given = false;  ///< Named by the user (not found in a folder).
};

// The message key for a folder of installed dependencies, which a repository's root often holds
// (thousands of files, none a deployment's): a Python virtual environment by its pyvenv.cfg
// (python -m venv writes one, whatever the folder is called), Node.js packages, Python's
// bytecode cache. Empty for any other folder.
std::string_view dependencies_key(const fs::path& dir, std::string_view base) {
  std::error_code ec;
  if (base == "node_modules") return "import.node_modules_skipped";
  if (base == "__pycache__") return "import.pycache_skipped";
  if (fs::is_regular_file(dir / "pyvenv.cfg", ec)) return "import.venv_skipped";
  return {};
}

// Every file under the paths, folders walked in name order. Hidden entries (a .git folder) and
// folders of installed dependencies are reported once and skipped: they are nobody's deployment.
void collect(const std::vector<fs::path>& paths, std::vector<Input>& out, Report& r) {
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        const std::string base = it->path().filename().string();
        if (base.starts_with(".") && !((base == ".env" || base.starts_with(".env.")) && it->is_regular_file())) {
          r.ignored({(p / fs::relative(it->path(), p)).generic_string(), 0, 0}, r.w("import.hidden_skipped"));
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (std::error_code dir_ec; it->is_directory(dir_ec)) {
          if (const std::string_view key = dependencies_key(it->path(), base); !key.empty()) {
            r.ignored({(p / fs::relative(it->path(), p)).generic_string(), 0, 0}, r.w(key));
            it.disable_recursion_pending();
          }
          continue;
        }
        if (it->is_regular_file()) found.push_back(it->path());
      }
      std::sort(found.begin(), found.end());
      for (const fs::path& f : found) out.push_back({(p / fs::relative(f, p)).generic_string(), f, false});
    } else {
      out.push_back({p.generic_string(), p, true});
    }
  }
}

// Where a systemd socket unit (NAME.socket, which systemd.socket(5) describes) has its [Socket]
// section; line 0 when the file is none.
SourcePos socket_section(const std::string& file, const Deployment& d) {
  if (lowercase(fs::path(file).extension().string()) != ".socket") return {file, 0, 0};
  const auto input = d.inputs.find(fs::path(file).lexically_normal().generic_string());
  if (input == d.inputs.end()) return {file, 0, 0};
  const std::string& text = input->second.second;
  uint32_t line = 1;
  for (size_t begin = 0; begin < text.size(); ++line) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view l = std::string_view(text).substr(begin, end - begin);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    if (l == "[Socket]") return {file, line, 0};
    begin = end + 1;
  }
  return {file, 0, 0};
}

}  // namespace

namespace {

struct Read {
  TextFile in;
  FileKind kind;
};

// The files' texts into a scenario: what import_paths and import_texts share. `first`: the path
// an error about the whole set is reported at; `compose_order`: the files -f names, in order.
ImportResult import_from(const std::vector<TextFile>& texts, Report& r, const std::string& first, bool no_inputs,
                         bool read_disk, const std::vector<std::string>& compose_order) {
  ImportResult result;
  const Messages& words = r.w;
  Deployment d;
  d.read_disk = read_disk;
  std::vector<Read> files;
  struct Unknown {
    size_t file;  ///< Its index in result.files.
    bool given;
  };
  std::vector<Unknown> unknown;
  // The files the systemd units name by EnvironmentFile=: Debian's /etc/default/NAME and RHEL's
  // /etc/sysconfig/NAME have no ".env" in their names, so a file given that one names (matched as
  // import_systemd.cpp matches it) and that is of no other kind is read as an env file.
  std::vector<std::string> unit_env_files;
  for (const TextFile& in : texts) {
    if (in.text.find("EnvironmentFile") == std::string::npos) continue;
    if (const FileKind k = detect_kind(fs::path(in.name), in.text);
        k != FileKind::systemd && k != FileKind::systemd_dropin)
      continue;
    if (const SystemdResult unit = parse_systemd_unit(in.text, in.name); unit.value)
      for (const auto& f : unit.value->environment_files) unit_env_files.push_back(f.value);
  }
  for (const TextFile& given : texts) {
    // A UTF-8 byte order mark (some Windows editors write one) is no part of the text: YAML,
    // systemd and nginx read past it too.
    TextFile in = given;
    if (in.text.starts_with("\xEF\xBB\xBF")) in.text.erase(0, 3);
    const fs::path path(in.name);
    if (const size_t bad = first_invalid_utf8(in.text); bad != std::string_view::npos) {
      const std::string_view before = std::string_view(in.text).substr(0, bad);
      const auto line = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n') + 1);
      const size_t nl = before.rfind('\n');
      const auto col = static_cast<uint32_t>(bad - (nl == std::string_view::npos ? 0 : nl + 1) + 1);
      result.files.push_back({in.name, FileKind::unknown});
      r.error({in.name, line, col}, words("import.not_utf8"));
      continue;
    }
    // A Helm chart's files are templates, not manifests: what they make is `helm template`'s
    // output, which is what to import (the values are filled in only there).
    if (const std::string ext = lowercase(path.extension().string()); ext == ".yml" || ext == ".yaml") {
      const std::string base = path.filename().string();
      const bool templated =
          in.text.find("{{") != std::string::npos &&
          (in.text.find(".Values") != std::string::npos || in.text.find(".Release") != std::string::npos ||
           in.text.find(".Chart") != std::string::npos || in.text.find("include ") != std::string::npos);
      if (templated || base == "Chart.yaml") {
        result.files.push_back({in.name, FileKind::unknown});
        if (in.given)
          r.error({in.name, 0, 0}, words("import.helm_template"));
        else
          r.ignored({in.name, 0, 0}, words("import.helm_template"));
        continue;
      }
    }
    FileKind kind = detect_kind(path, in.text);
    if (kind == FileKind::unknown &&
        std::any_of(unit_env_files.begin(), unit_env_files.end(), [&](const std::string& named) {
          return environment_file_matches(path.lexically_normal().generic_string(), named);
        }))
      kind = FileKind::dotenv;
    // What -f names is a Compose file, even one of overrides with no `services:` of its own.
    if (std::any_of(compose_order.begin(), compose_order.end(), [&](const std::string& name) {
          return fs::path(name).lexically_normal() == path.lexically_normal();
        }))
      kind = FileKind::compose;
    result.files.push_back({in.name, kind});
    d.inputs[path.lexically_normal().generic_string()] = {in.name, in.text};
    if (kind == FileKind::unknown) {
      const std::string ext = lowercase(path.extension().string());
      // A YAML file of no known kind may be one with a syntax error: say where it is.
      if ((ext == ".yml" || ext == ".yaml") && !load_yaml(in.name, in.text, r)) continue;
      // Gunicorn reads ./gunicorn.conf.py from its working directory, and its settings win over
      // the environment's (docs.gunicorn.org, "Configuration File"): said, not read.
      if (lowercase(path.filename().string()) == "gunicorn.conf.py")
        r.ignored({in.name, 0, 0}, words("import.gunicorn_conf"));
      else  // said once every Caddyfile is read: one may import it (a file of directives only)
        unknown.push_back({result.files.size() - 1, in.given});
      continue;
    }
    // Read when a Traefik container mounts it (compose_proxy.cpp), not on its own.
    if (kind == FileKind::traefik) {
      d.traefik_files[fs::path(in.name).lexically_normal().generic_string()] = {in.name, in.text};
      continue;
    }
    // Read when a Traefik container's file provider names it (traefik_dynamic.cpp).
    if (kind == FileKind::traefik_dynamic) {
      d.traefik_dynamic_files[fs::path(in.name).lexically_normal().generic_string()] = {in.name, in.text};
      continue;
    }
    files.push_back({in, kind});
  }
  // The proxy's own configuration after the files that may declare its container.
  std::stable_sort(files.begin(), files.end(), [](const Read& a, const Read& b) {
    // .env first: Compose files of its folder are filled in from it.
    // A Caddyfile before the files it may import (sites/*.caddy), which are then not read alone.
    const auto rank = [](const Read& f) {
      const bool caddyfile = lowercase(fs::path(f.in.name).filename().string()).starts_with("caddyfile");
      return f.kind == FileKind::dotenv                                              ? -1
             : f.kind == FileKind::nginx || (f.kind == FileKind::caddy && caddyfile) ? 1
             : f.kind == FileKind::caddy                                             ? 2
                                                                                     : 0;
    };
    return rank(a) < rank(b);
  });
  // Drop-ins by the unit they apply to (the folder's name without ".d"), in the order of their
  // file names, as systemd reads them; each is read with its unit, or said to have none.
  std::map<std::string, std::vector<DropIn>> drop_ins;
  std::set<std::string> units;
  for (const Read& f : files) {
    const fs::path path(f.in.name);
    if (f.kind == FileKind::systemd) units.insert(path.filename().string());
    if (f.kind != FileKind::systemd_dropin) continue;
    const std::string dir = path.parent_path().filename().string();
    drop_ins[dir.substr(0, dir.size() - 2)].push_back({f.in.name, f.in.text});
  }
  for (auto& [unit, list] : drop_ins) {
    std::stable_sort(list.begin(), list.end(), [](const DropIn& a, const DropIn& b) {
      return fs::path(a.file).filename() < fs::path(b.file).filename();
    });
    if (!units.count(unit))
      for (const DropIn& in : list) r.ignored({in.file, 0, 0}, words.format("import.dropin_no_unit", unit));
  }
  const std::vector<DropIn> no_drop_ins;
  // The readers check the shapes they read; anything they missed (yaml-cpp throws on a node of
  // another shape) is still located at its file, never a crash.
  const auto guarded = [&](const std::string& file, const auto& read) {
    try {
      read();
    } catch (const std::exception& e) {
      r.error({file, 0, 0}, words.format("import.unexpected_shape", e.what()));
    }
  };
  // The .env files first: a folder's COMPOSE_FILE chooses its Compose files, and Compose files
  // are filled in from it.
  for (const Read& f : files)
    if (f.kind == FileKind::dotenv) guarded(f.in.name, [&] { read_dotenv(f.in.name, f.in.text, d); });
  // The Compose files docker compose reads together, each set read where its first file is.
  std::map<std::string, ComposeSet> compose_set_of;  // first file -> its set
  {
    std::vector<const TextFile*> compose_files;
    for (const Read& f : files)
      if (f.kind == FileKind::compose) compose_files.push_back(&f.in);
    for (ComposeSet& set : compose_sets(compose_files, compose_order, d, r))
      compose_set_of[set.files.front()->name] = std::move(set);
  }
  std::vector<std::pair<std::string, std::string_view>> nginx_files;
  for (const Read& f : files)
    if (f.kind == FileKind::nginx) nginx_files.emplace_back(f.in.name, f.in.text);
  std::vector<CertbotFile> certbot_files;
  for (const Read& f : files) {
    guarded(f.in.name, [&] {
      switch (f.kind) {
        case FileKind::compose:
          // A later file of a set is read with its first; one a list leaves out, not at all.
          if (const auto set = compose_set_of.find(f.in.name); set != compose_set_of.end())
            read_compose(set->second, d, r);
          break;
        case FileKind::kubernetes:
          read_kubernetes(f.in.name, f.in.text, d, r);
          break;
        case FileKind::systemd:
          read_systemd(f.in.name, f.in.text,
                       drop_ins.count(fs::path(f.in.name).filename().string())
                           ? drop_ins.at(fs::path(f.in.name).filename().string())
                           : no_drop_ins,
                       d, r);
          break;
        case FileKind::systemd_dropin:  // read with its unit
          break;
        case FileKind::nginx:  // all at the first: nginx.conf's http level is the others' default
          if (f.in.name == nginx_files.front().first) read_nginx(nginx_files, d, r);
          break;
        case FileKind::caddy:
          if (d.caddy_imported.count(fs::path(f.in.name).lexically_normal().generic_string())) break;  // said there
          read_caddy(f.in.name, f.in.text, d, r);
          break;
        case FileKind::certbot: {  // read once the nginx files are, below
          std::error_code ec;
          const auto perms = fs::status(f.in.name, ec).permissions();
          const bool executable =
              !read_disk || ec ||
              (perms & (fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec)) != fs::perms::none;
          certbot_files.push_back({f.in.name, f.in.text, executable});
          break;
        }
        case FileKind::dotenv:  // read above
          break;
        case FileKind::traefik:  // read with the Compose file whose Traefik container mounts it
        case FileKind::traefik_dynamic:
        case FileKind::dockerfile:  // read with the Compose service whose build: names it
        case FileKind::unknown:
          break;
      }
    });
  }
  if (!certbot_files.empty()) guarded(certbot_files.front().name, [&] { read_certbot(certbot_files, d, r); });
  // A file of no kind that a Caddyfile's `import` read (directives only, no site block) is part
  // of that Caddyfile, as Caddy reads it; any other is reported.
  for (const Unknown& u : unknown) {
    ImportedFile& f = result.files[u.file];
    if (d.caddy_imported.count(fs::path(f.path).lexically_normal().generic_string()))
      f.kind = FileKind::caddy;
    else if (d.nginx_included.count(fs::path(f.path).lexically_normal().generic_string()))
      f.kind = FileKind::nginx;  // an nginx `include` read it in its place (snippets/ssl.conf)
    else if (d.dockerfiles_read.count(fs::path(f.path).lexically_normal().generic_string()))
      f.kind = FileKind::dockerfile;  // a Compose service's build: read it
    else if (looks_like_dockerfile(f.path)) {
      f.kind = FileKind::dockerfile;
      r.ignored({f.path, 0, 0}, words("import.dockerfile_not_built"));
    } else if (const SourcePos socket = socket_section(f.path, d); socket.line > 0) {
      f.kind = FileKind::systemd;  // a unit, of a type the model has none of
      r.ignored(socket, words("import.systemd_socket_unit"));
    } else if (u.given)
      r.error({f.path, 0, 0}, words("import.unknown_kind"));
    else
      r.ignored({f.path, 0, 0}, words("import.unknown_kind"));
  }
  if (!d.compose.empty()) guarded(d.compose.front()->file, [&] { finish_compose(d); });
  for (const auto& [name, kind] : d.files_from_disk) result.files.push_back({name, kind});
  if (!r.has_error() && !d.k8s_files.empty()) guarded(d.k8s_files.front().first, [&] { resolve_kubernetes(d, r); });
  // Traefik's dynamic files once every app is known (a server URL may name a Kubernetes Service).
  guarded(d.traefik_dynamic_files.empty() ? first : d.traefik_dynamic_files.begin()->second.first,
          [&] { finish_traefik_dynamic(d, r); });
  // After them: a Traefik on the machine reads a static file no container mounts.
  for (const auto& [key, file] : d.traefik_files)
    if (!d.traefik_files_used.count(key)) r.ignored({file.first, 0, 0}, words("import.traefik_file_unused"));
  // An app the proxy routes nothing to gets no client's request: said, not silently left idle
  // (a router of a file the import did not read, such as a Traefik dynamic file no Traefik reads,
  // is the usual cause).
  if (d.proxy && !r.has_error())
    for (const ServiceModel& s : d.services)
      if (std::none_of(d.proxy->routes.begin(), d.proxy->routes.end(),
                       [&](const RouteModel& route) { return route.pool == s.name; }))
        r.ignored(s.pos, words.format("import.service_unrouted", s.name));
  if (no_inputs) r.error({first, 0, 0}, words("import.no_files"));
  if (!r.has_error() && d.services.empty() && d.certs.empty()) r.error({first, 0, 0}, words("import.nothing"));
  // Two services whose names the scenario writes alike (services of two files, or names that
  // differ only in what a node name cannot hold): the second is an error at its place.
  std::map<std::string, SourcePos> service_at;
  for (const ServiceModel& s : d.services)
    if (const auto [it, fresh] = service_at.emplace(s.name, s.pos); !fresh && !r.has_error())
      r.error(s.pos, words.format("import.service_name_twice", s.name, it->second.str()));
  if (!r.has_error()) {
    std::string text = write_scenario(d, r);
    // The writer leaves out what the scenario cannot hold (a route to a service in no file, a
    // certificate for a name no route serves): that may leave nothing to simulate.
    const bool something = text.starts_with("[[service]]") || text.find("\n[[service]]") != std::string::npos ||
                           text.find("\n[[certificate]]") != std::string::npos;
    if (!something) {
      r.error({first, 0, 0}, words("import.nothing"));
      result.report = said_once(std::move(r.entries));
      return result;
    }
    // The scenario must load as any other: a failure here is a bug of the import, said plainly.
    const LoadResult loaded = load_scenario_text(text, "imported.toml");
    if (loaded.error)
      r.error({"imported.toml", loaded.error->line, loaded.error->column},
              words.format("import.generated_invalid", loaded.error->message));
    else
      result.scenario_text = std::move(text);
  }
  result.report = said_once(std::move(r.entries));
  return result;
}

}  // namespace

ImportResult import_paths(const std::vector<fs::path>& paths, const Messages& words,
                          const std::vector<fs::path>& compose_files) {
  Report r(words);
  std::vector<Input> inputs;
  std::vector<std::string> compose_order;
  for (const fs::path& p : compose_files) {
    std::error_code ec;
    if (fs::is_directory(p, ec))
      r.error({p.generic_string(), 0, 0}, words("import.compose_f_folder"));
    else
      inputs.push_back({p.generic_string(), p, true});
    compose_order.push_back(p.generic_string());
  }
  // docker compose reads the .env of the project folder, the first -f file's.
  if (!compose_files.empty()) {
    const fs::path env = compose_files.front().parent_path() / ".env";
    std::error_code ec;
    if (fs::is_regular_file(env, ec)) inputs.push_back({env.generic_string(), env, false});
  }
  collect(paths, inputs, r);
  // A file both named by -f and found in a folder given is read once, by its -f name.
  std::set<fs::path> seen;
  std::vector<TextFile> texts;
  for (const Input& in : inputs) {
    std::error_code canon_ec;
    if (const fs::path canon = fs::weakly_canonical(in.path, canon_ec); !canon_ec && !seen.insert(canon).second)
      continue;
    // A repository also holds images, archives and node_modules: no deployment file is this big.
    std::error_code size_ec;
    if (const auto size = fs::file_size(in.path, size_ec); !size_ec && size > max_file_bytes) {
      r.ignored({in.name, 0, 0}, words.format("import.too_big", size / 1024, max_file_bytes / 1024));
      continue;
    }
    auto text = read_text(in.path);
    if (!text) {
      r.error({in.name, 0, 0}, words("import.cannot_open"));
      continue;
    }
    texts.push_back({in.name, std::move(*text), in.given});
  }
  const std::string first = !paths.empty()           ? paths.front().generic_string()
                            : !compose_files.empty() ? compose_files.front().generic_string()
                                                     : std::string();
  return import_from(texts, r, first, inputs.empty() && compose_files.empty(), true, compose_order);
}

ImportResult import_texts(const std::vector<TextFile>& files, const Messages& words,
                          const std::vector<std::string>& compose_files) {
  Report r(words);
  for (const std::string& name : compose_files)
    if (std::none_of(files.begin(), files.end(), [&](const TextFile& f) { return f.name == name; }))
      r.error({name, 0, 0}, words("import.cannot_open"));
  return import_from(files, r, files.empty() ? std::string() : files.front().name, files.empty(), false, compose_files);
}

std::string format_report(const ImportResult& result, const Messages& w) {
  std::string out;
  const auto section = [&](EntryKind kind, const char* title_key) {
    std::string body;
    for (const ReportEntry& e : result.report)
      if (e.kind == kind) body += fmt::format("  {}: {}\n", where(e.pos), e.message);
    if (!body.empty()) out += w(title_key) + "\n" + body;
  };
  for (const ReportEntry& e : result.report)
    if (e.kind == EntryKind::error) out += fmt::format("{}: {}\n", e.pos.str(), e.message);
  std::string kinds;
  for (const ImportedFile& f : result.files)  // the kinds are the formats' own names; "unknown", "env file" words
    kinds += fmt::format("  {} ({})\n", f.path,
                         f.kind == FileKind::unknown           ? w("import.report_kind_unknown")
                         : f.kind == FileKind::dotenv          ? w("import.report_kind_env")
                         : f.kind == FileKind::systemd_dropin  ? w("import.report_kind_dropin")
                         : f.kind == FileKind::traefik_dynamic ? w("import.report_kind_traefik_dynamic")
                                                               : kind_name(f.kind));
  if (!kinds.empty()) out += w("import.report_files") + "\n" + kinds;
  section(EntryKind::mapped, "import.report_mapped");
  section(EntryKind::assumed, "import.report_assumed");
  section(EntryKind::ignored, "import.report_ignored");
  return out;
}

}  // namespace deploysim::import
