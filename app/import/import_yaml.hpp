#pragma once
// yaml-cpp helpers for the YAML readers (compose.cpp, kubernetes.cpp): documents with located
// syntax errors, the position of a node, and scalars read without throwing.
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "import/import_model.hpp"

namespace deploysim::import {

/// Every document of a YAML text; a syntax error is reported at its file:line:col (yaml-cpp's
/// Mark) and gives nullopt.
std::optional<std::vector<YAML::Node>> load_yaml(const std::string& file, const std::string& text, Report& r);

/// Where a node was written (line and column from 1; the file alone when yaml-cpp has no mark).
SourcePos pos_of(const std::string& file, const YAML::Node& node);
/// Where the value of `key` in a map was written, on the key's line: the value itself when it
/// starts there (`args: ["--port", "8000"]`), else the key (a block value such as `http01:` or
/// `args:` followed by a list starts on a later line). The file alone when the key is absent.
SourcePos key_pos(const std::string& file, const YAML::Node& map, const char* key);

/// A scalar's text ("" for anything else).
std::string scalar(const YAML::Node& node);
/// A child of a map, or an invalid node (never throws on a scalar or a sequence).
YAML::Node child(const YAML::Node& map, const char* key);
/// An integer scalar.
std::optional<long long> as_int(const YAML::Node& node);
/// A YAML boolean ("true", "false", "yes", "no", "on", "off").
std::optional<bool> as_bool(const YAML::Node& node);
/// A string list from a sequence of scalars, or from one scalar split as a shell would (quotes
/// kept together; no variables).
std::vector<std::string> as_words(const YAML::Node& node);

}  // namespace deploysim::import
