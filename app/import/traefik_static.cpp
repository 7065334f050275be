// Traefik's static configuration file (traefik.yml, .yaml, .toml) that a Traefik container of a
// Compose file mounts: its certificate resolvers and TLS entry points, as the flags give them
// (compose_proxy.cpp, read_traefik_flags), each value naming the file's line.
#include <set>
#include <string>
#include <vector>

// toml++ as deploysim_sim uses it: Debian's shared library (its CMake package compiles with these).
#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 0
#endif
#ifndef TOML_SHARED_LIB
#define TOML_SHARED_LIB 1
#endif
#include <toml++/toml.h>

#include "import/compose_internal.hpp"

namespace deploysim::import {

// A namespace of its own: the unity build (DEPLOYSIM_UNITY_BUILD) compiles this file with others
// whose unnamed namespaces hold an Entry and a max_depth too.
namespace traefik_file {
namespace {

// One key of the file, with what is below it. YAML and TOML files become the same tree.
struct Entry {
  enum class Kind { scalar, map, list, null };
  std::string key;  ///< As written (Traefik compares keys case-insensitively, names of resolvers too).
  SourcePos pos;    ///< The key's line.
  Kind kind = Kind::scalar;
  std::string value;  ///< A scalar's text.
  std::vector<Entry> children;
};

// Deeper than any Traefik option (certificatesResolvers.x.acme.dnsChallenge.resolvers is 5).
constexpr int max_depth = 32;

void from_yaml(const std::string& file, const YAML::Node& map, std::vector<Entry>& out, int depth) {
  if (depth > max_depth) return;
  for (const auto& kv : map) {
    Entry e;
    e.key = scalar(kv.first);
    e.pos = pos_of(file, kv.first);
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      e.kind = Entry::Kind::map;
      from_yaml(file, v, e.children, depth + 1);
    } else if (v.IsSequence()) {
      e.kind = Entry::Kind::list;
    } else if (v.IsNull() || !v.IsDefined()) {
      e.kind = Entry::Kind::null;
    } else {
      e.value = scalar(v);
    }
    out.push_back(std::move(e));
  }
}

SourcePos toml_pos(const std::string& file, const toml::source_region& at, const SourcePos& fallback) {
  if (at.begin.line == 0) return fallback;  // a table made by a dotted header has no place of its own
  return {file, static_cast<uint32_t>(at.begin.line), static_cast<uint32_t>(at.begin.column)};
}

void from_toml(const std::string& file, const toml::table& table, const SourcePos& where, std::vector<Entry>& out,
               int depth) {
  if (depth > max_depth) return;
  for (const auto& [k, v] : table) {
    Entry e;
    e.key = std::string(k.str());
    e.pos = toml_pos(file, k.source(), toml_pos(file, v.source(), where));
    if (const toml::table* t = v.as_table()) {
      e.kind = Entry::Kind::map;
      from_toml(file, *t, e.pos, e.children, depth + 1);
    } else if (v.is_array()) {
      e.kind = Entry::Kind::list;
    } else if (const auto s = v.value<std::string>()) {
      e.value = *s;
    } else if (const auto b = v.value<bool>()) {
      e.value = *b ? "true" : "false";
    } else if (const auto i = v.value<int64_t>()) {
      e.value = std::to_string(*i);
    } else if (const auto f = v.value<double>()) {
      e.value = std::to_string(*f);
    }
    out.push_back(std::move(e));
  }
}

// toml++ 3.3 recurses once per part of a dotted key (sim/src/scenario/scenario_load.cpp guards
// the scenarios the same way): a line with hundreds of dots is refused before it parses.
bool too_many_dots(const std::string& text) {
  size_t dots = 0;
  for (const char ch : text) {
    if (ch == '\n') dots = 0;
    if (ch == '.' && ++dots > 128) return true;
  }
  return false;
}

// Applies the leaves of the file (a scalar, a list, a null, an empty map) as read_traefik_flags
// applies flags: the path of keys down to the leaf stands for the flag's dotted name.
class Apply {
 public:
  explicit Apply(ComposeCtx& c) : c_(c), r_(c.r) {}

  void walk(const std::vector<Entry>& entries, std::vector<const Entry*>& path) {
    for (const Entry& e : entries) {
      path.push_back(&e);
      if (e.kind == Entry::Kind::map && !e.children.empty())
        walk(e.children, path);
      else
        leaf(path);
      path.pop_back();
    }
  }

 private:
  void leaf(const std::vector<const Entry*>& path) {
    std::vector<std::string> k;
    for (const Entry* e : path) k.push_back(lowercase(e->key));
    const Entry& last = *path.back();
    const std::string dotted = joined(path, path.size());
    // yaml.v3 gives a key without a value as nil, and paerser's decodeRaw skips a nil value
    // (traefik/paerser file/raw_node.go): Traefik sees no such key.
    if (last.kind == Entry::Kind::null) {
      r_.ignored(last.pos, r_.w.format("import.traefik_file_null", dotted));
      return;
    }
    if (k[0] == "certificatesresolvers" && k.size() >= 2) {
      resolver(path, k);
      return;
    }
    if (k[0] == "entrypoints" && k.size() >= 4 && k[2] == "http" && k[3] == "tls") {
      entrypoint_tls(path, k);
      return;
    }
    if (k[0] == "providers" && k.size() >= 2 && k[1] == "docker") {
      r_.mapped(last.pos, r_.w.format("import.traefik_docker_provider", dotted));
      return;
    }
    not_modelled(last.pos, dotted);
  }

  void resolver(const std::vector<const Entry*>& path, const std::vector<std::string>& k) {
    const Entry& last = *path.back();
    const std::string& name = path[1]->key;
    TraefikResolver& res = c_.resolvers[name];
    res.in_static_file = true;
    if (!res.pos.line) res.pos = path[1]->pos;
    if (k.size() < 3 || k[2] != "acme") {  // Tailscale's resolver, or a key Traefik does not know
      not_modelled(last.pos, joined(path, path.size()));
      return;
    }
    if (!res.issuer_pos.line) {  // Let's Encrypt's production CA unless caServer says otherwise
      res.issuer_pos = path[2]->pos;
      res.issuer_key = joined(path, 3);
    }
    if (k.size() < 4) return;  // `acme: {}`: a resolver with no challenge, said where a router uses it
    const std::string& option = k[3];
    const std::string key = joined(path, 4);
    if (option == "storage" && k.size() == 4 && last.kind == Entry::Kind::scalar) {
      res.storage = last.value;
      res.storage_pos = last.pos;
    } else if (option == "httpchallenge" || option == "tlschallenge" || option == "dnschallenge") {
      // `tlsChallenge: false` turns the challenge off: paerser marks an allowEmpty option whose
      // value is not "true" as disabled (parser/nodes_metadata.go).
      if (k.size() == 4 && last.kind == Entry::Kind::scalar && lowercase(last.value) != "true") {
        r_.ignored(last.pos, r_.w.format("import.traefik_challenge_off", key, last.value));
        return;
      }
      res.challenge = option == "httpchallenge" ? "http-01" : option == "tlschallenge" ? "tls-alpn-01" : "dns-01";
      res.challenge_pos = path[3]->pos;
      res.challenge_key = key;
    } else if (option == "caserver" && k.size() == 4) {
      res.staging = last.value.find("staging") != std::string::npos;
      res.issuer_pos = last.pos;
      res.issuer_key = key;
      if (res.staging) r_.mapped(last.pos, r_.w.format("import.traefik_staging", name));
    } else {
      not_modelled(last.pos, joined(path, path.size()));
    }
  }

  // An entry point's http.tls (a map, even an empty one, or true) is TLS for every router on it
  // (doc.traefik.io, EntryPoints, "http.tls"); its certResolver is their resolver.
  void entrypoint_tls(const std::vector<const Entry*>& path, const std::vector<std::string>& k) {
    const Entry& last = *path.back();
    const Entry& tls = *path[3];
    const std::string& ep = path[1]->key;
    if (k.size() == 4 && tls.kind == Entry::Kind::scalar && lowercase(tls.value) != "true") {
      not_modelled(tls.pos, joined(path, 4) + "=" + tls.value);  // TLS off, as paerser reads it
      return;
    }
    if (!tls_said_.count(ep)) {
      tls_said_.insert(ep);
      c_.tls_entrypoint = ep;
      c_.tls_entrypoint_pos = tls.pos;
      r_.mapped(tls.pos, r_.w.format("import.traefik_entrypoint_tls", joined(path, 4), ep));
    }
    if (k.size() == 5 && k[4] == "certresolver" && last.kind == Entry::Kind::scalar) {
      c_.default_resolver = last.value;
      c_.default_resolver_pos = last.pos;
      r_.mapped(last.pos, r_.w.format("import.traefik_entrypoint_resolver", joined(path, 5), last.value, ep));
    } else if (k.size() > 4) {
      not_modelled(last.pos, joined(path, path.size()));
    }
  }

  void not_modelled(const SourcePos& pos, const std::string& key) {
    r_.ignored(pos, r_.w.format("import.ignored_key", key, r_.w("import.why_not_modelled")));
  }

  static std::string joined(const std::vector<const Entry*>& path, size_t n) {
    std::string out;
    for (size_t i = 0; i < n && i < path.size(); ++i) out += (i ? "." : "") + path[i]->key;
    return out;
  }

  ComposeCtx& c_;
  Report& r_;
  std::set<std::string> tls_said_;
};

bool read_file(ComposeCtx& c, const std::string& name, const std::string& text, const std::string& container_path) {
  Report& r = c.r;
  std::vector<Entry> root;
  if (lowercase(container_path).ends_with(".toml")) {
    if (too_many_dots(text)) {
      r.error({name, 0, 0}, r.w.format("import.too_many_dots", 128));
      return false;
    }
    try {
      const toml::table t = toml::parse(std::string_view(text), std::string_view(name));
      from_toml(name, t, {name, 1, 1}, root, 0);
    } catch (const toml::parse_error& e) {
      // Traefik refuses to start on it (pkg/cli/loader_file.go returns the decoder's error).
      r.error({name, static_cast<uint32_t>(e.source().begin.line), static_cast<uint32_t>(e.source().begin.column)},
              r.w.format("import.toml_syntax", std::string(e.description())));
      return false;
    }
  } else {
    const auto docs = load_yaml(name, text, r);  // a syntax error is located there
    if (!docs) return false;
    // yaml.v3's Unmarshal, which Traefik's loader calls, reads the first document only.
    if (!docs->empty() && docs->front().IsMap()) from_yaml(name, docs->front(), root, 0);
  }
  Apply apply(c);
  std::vector<const Entry*> path;
  apply.walk(root, path);
  return true;
}

}  // namespace
}  // namespace traefik_file

bool read_traefik_static_file(ComposeCtx& c, const std::string& name, const std::string& text,
                              const std::string& container_path) {
  return traefik_file::read_file(c, name, text, container_path);
}

}  // namespace deploysim::import
