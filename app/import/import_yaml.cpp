// yaml-cpp helpers: located syntax errors, node positions, scalars read without exceptions.
#include "import/import_yaml.hpp"

#include "import/asgi_command.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <set>
#include <vector>

namespace deploysim::import {

namespace {

// YAML requires the keys of a mapping to be unique (docker compose and kubectl refuse a file
// with a repeated one); yaml-cpp keeps both, so the second is found here. Depth-limited like the
// reader (a node nested deeper than any deployment file is left unchecked).
bool duplicate_key(const std::string& file, const YAML::Node& node, Report& r, int depth = 0) {
  if (depth > 64) return false;
  if (node.IsSequence()) {
    for (const auto& item : node)
      if (duplicate_key(file, item, r, depth + 1)) return true;
  } else if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      // An empty key, `~` and `null` are all YAML's null: one key, however it is written.
      const bool null_key = kv.first.IsNull();
      if ((kv.first.IsScalar() || null_key) && !seen.insert(null_key ? "null" : kv.first.Scalar()).second) {
        r.error(pos_of(file, kv.first),
                r.w.format("import.yaml_duplicate_key", null_key ? std::string("null") : kv.first.Scalar()));
        return true;
      }
      if (duplicate_key(file, kv.second, r, depth + 1)) return true;
    }
  }
  return false;
}

// YAML 1.1's merge key, which docker compose applies (Compose's "Fragments": `<<: *default`)
// and yaml-cpp does not: the keys of the map (or maps, the earlier winning) that `<<` names are
// added to the map that has it, unless it writes them itself; `<<` itself goes. A shallow merge,
// as in YAML. `budget` bounds the walk over aliases shared many times.
void apply_merge_keys(YAML::Node node, int depth, size_t& budget) {
  if (depth > 64 || budget == 0) return;
  --budget;
  if (node.IsSequence()) {
    for (YAML::Node item : node) apply_merge_keys(item, depth + 1, budget);
    return;
  }
  if (!node.IsMap()) return;
  for (auto kv : node) apply_merge_keys(kv.second, depth + 1, budget);
  const YAML::Node merge = child(node, "<<");
  if (!merge.IsDefined()) return;
  std::vector<YAML::Node> from;
  if (merge.IsMap()) from.push_back(merge);
  if (merge.IsSequence())
    for (const YAML::Node& m : merge)
      if (m.IsMap()) from.push_back(m);
  if (from.size() != (merge.IsSequence() ? merge.size() : 1)) return;  // not maps: left for the reader to name
  node.remove("<<");
  for (const YAML::Node& m : from)
    for (const auto& kv : m)
      if (kv.first.IsScalar() && !child(node, kv.first.Scalar().c_str()).IsDefined())
        node.force_insert(kv.first, kv.second);
}

// The first tab in a line's indentation, up to line `last` (1-based line and column).
std::optional<std::pair<uint32_t, uint32_t>> indenting_tab(std::string_view text, uint32_t last) {
  uint32_t line = 1;
  for (size_t begin = 0; begin < text.size() && line <= last; ++line) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(begin, end - begin);
    const size_t content = l.find_first_not_of(" \t\r");
    if (content != std::string_view::npos && l[content] != '#')
      if (const size_t tab = l.find('\t'); tab < content) return std::pair{line, static_cast<uint32_t>(tab + 1)};
    begin = end + 1;
  }
  return std::nullopt;
}

}  // namespace

// The documents of a YAML stream, each loaded on its own. YAML::LoadAll of yaml-cpp 0.7 (Debian
// 12's) never returns on some malformed input (a stray ",": it keeps adding empty documents,
// jbeder/yaml-cpp#1040, fixed upstream by #1319 in 2024); YAML::Load reads one document and
// stops. Each part keeps its place in the file (blank lines before it), so marks stay true.
std::vector<YAML::Node> load_documents(const std::string& text) {
  std::vector<YAML::Node> docs;
  std::string part;
  size_t lines_before = 0, line = 0;
  bool content = false;
  const auto flush = [&] {
    if (content) docs.push_back(YAML::Load(std::string(lines_before, '\n') + part));
    part.clear();
    content = false;
  };
  for (size_t begin = 0; begin < text.size(); ++line) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view l(text.data() + begin, end - begin);
    const bool marker = l.starts_with("---") && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
    if (marker) {
      flush();
      lines_before = line;
    }
    const size_t first = l.find_first_not_of(" \t\r");
    if (!marker && first != std::string_view::npos && l[first] != '#') content = true;
    if (const size_t after = marker ? l.find_first_not_of(" \t\r", 3) : std::string_view::npos;
        after != std::string_view::npos && l[after] != '#')
      content = true;  // "--- {a: 1}": the document starts on the marker's line
    part.append(l);
    part.push_back('\n');
    begin = end + 1;
  }
  flush();
  return docs;
}

std::optional<std::vector<YAML::Node>> load_yaml(const std::string& file, const std::string& text, Report& r) {
  try {
    std::vector<YAML::Node> docs = load_documents(text);
    for (const YAML::Node& doc : docs)
      if (duplicate_key(file, doc, r)) return std::nullopt;
    size_t budget = 1000000;
    for (YAML::Node& doc : docs) apply_merge_keys(doc, 0, budget);
    return docs;
  } catch (const YAML::Exception& e) {
    // yaml-cpp counts lines and columns from 0.
    SourcePos pos{file, static_cast<uint32_t>(std::max(0, e.mark.line) + 1),
                  static_cast<uint32_t>(std::max(0, e.mark.column) + 1)};
    // A tab in the indentation (YAML allows spaces only, spec 1.2 section 6.1) at or above the
    // error is its likeliest cause, which yaml-cpp's "illegal map value" does not name.
    if (const auto tab = indenting_tab(text, pos.line)) {
      r.error(SourcePos{file, tab->first, tab->second}, r.w("import.yaml_tab"));
      return std::nullopt;
    }
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

SourcePos key_pos(const std::string& file, const YAML::Node& map, const char* key) {
  if (map.IsDefined() && map.IsMap())
    for (const auto& kv : map)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) {
        const SourcePos k = pos_of(file, kv.first), v = pos_of(file, kv.second);
        return v.line == k.line ? v : k;
      }
  return SourcePos{file, 0, 0};
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
