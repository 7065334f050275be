#pragma once
// A Traefik configuration file (the static one, traefik.yml/.toml, and the dynamic ones its file
// provider reads) as one tree of keys, whether YAML or TOML, each key with its line: what
// traefik_static.cpp and traefik_dynamic.cpp read.
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "import/import_model.hpp"

namespace deploysim::import {

/// One key of the file, with what is below it.
struct TraefikEntry {
  enum class Kind { scalar, map, list, null };
  std::string key;  ///< As written (Traefik compares keys case-insensitively, names of resolvers too).
  SourcePos pos;    ///< The key's line (a list item's: the item's).
  Kind kind = Kind::scalar;
  std::string value;  ///< A scalar's text.
  /// A map's keys; a list's items, in order, each keyed by its index ("0", "1", ...).
  std::vector<TraefikEntry> children;
};

/// The file's keys: TOML when `toml`, else YAML (its first document, as yaml.v3's Unmarshal that
/// Traefik's loader calls reads). Nullopt after a located error (a syntax error).
std::optional<std::vector<TraefikEntry>> read_traefik_tree(const std::string& name, const std::string& text, bool toml,
                                                           Report& r);

/// A YAML map's keys as a tree (a Kubernetes TLSOption's spec), each at its line in `file`.
std::vector<TraefikEntry> traefik_tree_of(const std::string& file, const YAML::Node& map);

/// Traefik's provider.Normalize: the runs of letters and digits joined by "-" ("api_shop" -> "api-shop").
std::string traefik_normalize(const std::string& name);

/// The child of that key (case-insensitive, as Traefik reads keys), or null.
const TraefikEntry* traefik_child(const TraefikEntry& e, const std::string& lower_key);

}  // namespace deploysim::import
