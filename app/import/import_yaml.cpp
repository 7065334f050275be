// yaml-cpp helpers: located syntax errors, node positions, scalars read without exceptions.
#include "import/import_yaml.hpp"

#include "import/asgi_command.hpp"

#include <algorithm>
#include <cctype>

namespace deploysim::import {

std::optional<std::vector<YAML::Node>> load_yaml(const std::string& file, const std::string& text, Report& r) {
  try {
    return YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from 0.
    SourcePos pos{file, static_cast<uint32_t>(std::max(0, e.mark.line) + 1),
                  static_cast<uint32_t>(std::max(0, e.mark.column) + 1)};
    r.error(pos, r.w.format("import.yaml_syntax", e.msg));
    return std::nullopt;
  }
}

SourcePos pos_of(const std::string& file, const YAML::Node& node) {
  SourcePos p{file, 0, 0};
  if (!node.IsDefined()) return p;
  const YAML::Mark m = node.Mark();
  if (m.line >= 0) p.line = static_cast<uint32_t>(m.line + 1);
  if (m.line >= 0 && m.column >= 0) p.col = static_cast<uint32_t>(m.column + 1);
  return p;
}

std::string scalar(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return "";
  return node.Scalar();
}

YAML::Node child(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<long long> as_int(const YAML::Node& node) {
  const std::string s = scalar(node);
  if (s.empty()) return std::nullopt;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i >= s.size()) return std::nullopt;
  long long v = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    if (v > 1'000'000'000'000LL) return std::nullopt;
  }
  return s[0] == '-' ? -v : v;
}

std::optional<bool> as_bool(const YAML::Node& node) {
  std::string s = scalar(node);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::vector<std::string> as_words(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsDefined() && node.IsSequence()) {
    for (const auto& item : node) out.push_back(scalar(item));
    return out;
  }
  // A string is split as a shell would (Compose does the same with a string `command:`).
  split_shell_words(scalar(node), out);
  return out;
}

}  // namespace deploysim::import
