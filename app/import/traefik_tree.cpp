// Traefik's configuration files as one tree of keys (traefik_tree.hpp): YAML through yaml-cpp,
// TOML through toml++, the scenarios' TOML library.
#include "import/traefik_tree.hpp"

#include <cctype>
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

#include "import/import_yaml.hpp"

namespace deploysim::import {

// A namespace of its own: the unity build (DEPLOYSIM_UNITY_BUILD) compiles this file with others
// whose unnamed namespaces hold a max_depth too.
namespace traefik_tree {
namespace {

using Entry = TraefikEntry;

// Deeper than any Traefik option (certificatesResolvers.x.acme.dnsChallenge.resolvers is 5,
// http.services.x.loadBalancer.servers[0].url 6).
constexpr int max_depth = 32;

void yaml_value(const std::string& file, const YAML::Node& v, Entry& e, int depth);

void yaml_list(const std::string& file, const YAML::Node& seq, std::vector<Entry>& out, int depth) {
  if (depth > max_depth) return;
  size_t i = 0;
  for (const YAML::Node& item : seq) {
    Entry e;
    e.key = std::to_string(i++);
    e.pos = pos_of(file, item);
    yaml_value(file, item, e, depth + 1);
    out.push_back(std::move(e));
  }
}

void from_yaml(const std::string& file, const YAML::Node& map, std::vector<Entry>& out, int depth) {
  if (depth > max_depth) return;
  for (const auto& kv : map) {
    Entry e;
    e.key = scalar(kv.first);
    e.pos = pos_of(file, kv.first);
    yaml_value(file, kv.second, e, depth + 1);
    out.push_back(std::move(e));
  }
}

void yaml_value(const std::string& file, const YAML::Node& v, Entry& e, int depth) {
  if (v.IsMap()) {
    e.kind = Entry::Kind::map;
    from_yaml(file, v, e.children, depth);
  } else if (v.IsSequence()) {
    e.kind = Entry::Kind::list;
    yaml_list(file, v, e.children, depth);
  } else if (v.IsNull() || !v.IsDefined()) {
    e.kind = Entry::Kind::null;
  } else {
    e.value = scalar(v);
  }
}

SourcePos toml_pos(const std::string& file, const toml::source_region& at, const SourcePos& fallback) {
  if (at.begin.line == 0) return fallback;  // a table made by a dotted header has no place of its own
  return {file, static_cast<uint32_t>(at.begin.line), static_cast<uint32_t>(at.begin.column)};
}

void from_toml(const std::string& file, const toml::table& table, const SourcePos& where, std::vector<Entry>& out,
               int depth);

void toml_value(const std::string& file, const toml::node& v, Entry& e, int depth) {
  if (const toml::table* t = v.as_table()) {
    e.kind = Entry::Kind::map;
    from_toml(file, *t, e.pos, e.children, depth);
  } else if (const toml::array* a = v.as_array()) {
    e.kind = Entry::Kind::list;
    if (depth > max_depth) return;
    size_t i = 0;
    for (const toml::node& item : *a) {
      Entry it;
      it.key = std::to_string(i++);
      it.pos = toml_pos(file, item.source(), e.pos);
      toml_value(file, item, it, depth + 1);
      e.children.push_back(std::move(it));
    }
  } else if (const auto s = v.value<std::string>()) {
    e.value = *s;
  } else if (const auto b = v.value<bool>()) {
    e.value = *b ? "true" : "false";
  } else if (const auto i = v.value<int64_t>()) {
    e.value = std::to_string(*i);
  } else if (const auto f = v.value<double>()) {
    e.value = std::to_string(*f);
  }
}

void from_toml(const std::string& file, const toml::table& table, const SourcePos& where, std::vector<Entry>& out,
               int depth) {
  if (depth > max_depth) return;
  for (const auto& [k, v] : table) {
    Entry e;
    e.key = std::string(k.str());
    e.pos = toml_pos(file, k.source(), toml_pos(file, v.source(), where));
    toml_value(file, v, e, depth + 1);
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

}  // namespace
}  // namespace traefik_tree

std::optional<std::vector<TraefikEntry>> read_traefik_tree(const std::string& name, const std::string& text, bool toml,
                                                           Report& r) {
  std::vector<TraefikEntry> root;
  if (toml) {
    if (traefik_tree::too_many_dots(text)) {
      r.error({name, 0, 0}, r.w.format("import.too_many_dots", 128));
      return std::nullopt;
    }
    try {
      const toml::table t = toml::parse(std::string_view(text), std::string_view(name));
      traefik_tree::from_toml(name, t, {name, 1, 1}, root, 0);
    } catch (const toml::parse_error& e) {
      // Traefik refuses the file (its loaders return the decoder's error).
      r.error({name, static_cast<uint32_t>(e.source().begin.line), static_cast<uint32_t>(e.source().begin.column)},
              r.w.format("import.toml_syntax", std::string(e.description())));
      return std::nullopt;
    }
  } else {
    const auto docs = load_yaml(name, text, r);  // a syntax error is located there
    if (!docs) return std::nullopt;
    // yaml.v3's Unmarshal, which Traefik's loaders call, reads the first document only.
    if (!docs->empty() && docs->front().IsMap()) traefik_tree::from_yaml(name, docs->front(), root, 0);
  }
  return root;
}

std::vector<TraefikEntry> traefik_tree_of(const std::string& file, const YAML::Node& map) {
  std::vector<TraefikEntry> out;
  if (map.IsMap()) traefik_tree::from_yaml(file, map, out, 0);
  return out;
}

std::string traefik_normalize(const std::string& name) {
  std::string out, run;
  for (const char ch : name) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) >= 0x80) {
      run += ch;
    } else if (!run.empty()) {
      out += (out.empty() ? "" : "-") + run;
      run.clear();
    }
  }
  if (!run.empty()) out += (out.empty() ? "" : "-") + run;
  return out;
}

const TraefikEntry* traefik_child(const TraefikEntry& e, const std::string& lower_key) {
  for (const TraefikEntry& c : e.children)
    if (lowercase(c.key) == lower_key) return &c;
  return nullptr;
}

}  // namespace deploysim::import
