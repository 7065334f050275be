// Saving what-if changes as a scenario file a teacher can hand out: the original text with each
// override written where the file writes that key (or added to its table), so that the file's
// comments and order survive. Every edit is checked by comparing the parsed result with the tree
// the loader builds from the overrides; if they differ, the tree itself is written instead.
#include "deploysim/scenario_write.hpp"

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "deploysim/messages.hpp"
#include "scenario/scenario_sections.hpp"

namespace deploysim {

namespace {

// Byte offset of a toml++ position: toml++ counts columns in code points, not bytes.
size_t offset_of(const std::string& text, toml::source_position p) {
  size_t pos = 0;
  for (uint32_t l = 1; l < p.line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return text.size();
    ++pos;
  }
  for (uint32_t c = 1; c < p.column && pos < text.size() && text[pos] != '\n'; ++c) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
  return pos;
}

size_t line_end(const std::string& text, size_t pos) { return std::min(text.find('\n', pos), text.size()); }

// The offset of the first line that opens a [table] (the end when there is none).
size_t first_header(const std::string& text) {
  for (size_t at = 0; at < text.size(); at = line_end(text, at) + 1) {
    const size_t c = text.find_first_not_of(" \t\r\n", at);
    if (c != std::string::npos && text[c] == '[' && c < line_end(text, at)) return at;
  }
  return text.size();
}

// Text for a comment: TOML allows no control character in one but tab, so each run of them
// (a name's "\n" included) becomes one space.
std::string comment_text(std::string_view s) {
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      out += out.empty() || out.back() == ' ' ? "" : " ";
    else
      out += c;
  return out;
}

// A value as a comment shows it: on one line, shortened at a character's start (a Korean text
// cut inside a character would not be UTF-8, which TOML refuses).
std::string one_line(std::string_view s) {
  std::string out = comment_text(s);
  if (out.size() <= 60) return out;
  size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

// Whether the line at `line` is a [table] header whose last key is `key`. A table that only
// exists because of a deeper header ([dns.zone] makes dns) carries that header's position.
bool header_names(const std::string& text, uint32_t line, const std::string& key) {
  const size_t b = offset_of(text, {line, 1});
  std::string h = text.substr(b, line_end(text, b) - b);
  const size_t open = h.find_first_not_of(" \t");
  if (open == std::string::npos || h.compare(open, 1, "[") != 0 || h.compare(open, 2, "[[") == 0) return false;
  const size_t close = h.find(']', open);
  if (close == std::string::npos) return false;
  h = h.substr(open + 1, close - open - 1);
  std::string last = h.substr(h.rfind('.') == std::string::npos ? 0 : h.rfind('.') + 1);
  last.erase(0, last.find_first_not_of(" \t\""));
  last.erase(last.find_last_not_of(" \t\"") + 1);
  return last == key;
}

struct Change {
  std::string path, value, old;
  bool added = false;
};

std::string inline_comment(const Change& c, const Messages& w) {
  return "  # " + (c.added ? w("saved_whatif.inline_added") : w.format("saved_whatif.inline_was", c.old));
}

// Writes one override into `text` where the file has the key, or adds it to the deepest table
// the file writes on its path. False when the path cannot be followed in the text.
bool write_one(std::string& text, Change& c, const Messages& words) {
  toml::table root;
  try {
    root = toml::parse(std::string_view(text), std::string_view("saved"));
  } catch (const toml::parse_error&) {
    return false;
  }
  const std::vector<std::string> segs = detail::split_path(c.path);
  toml::table* cur = &root;
  toml::table* anchor = &root;  // the deepest table on the path that the text writes
  size_t anchor_at = 0;         // segments consumed at `anchor`
  size_t i = 0;
  while (i + 1 < segs.size()) {
    toml::node* n = cur->get(segs[i]);
    if (!n) break;
    if (n->is_table()) {
      cur = n->as_table();
      ++i;
      if (cur->is_inline() || header_names(text, cur->source().begin.line, segs[i - 1])) anchor = cur, anchor_at = i;
      continue;
    }
    if (!n->is_array()) return false;
    const detail::EntryMatch m = detail::find_entry(*n->as_array(), segs, i + 1, nullptr);
    if (!m.entry || m.ambiguous) return false;
    cur = anchor = m.entry;
    i += 1 + m.taken;
    anchor_at = i;
  }
  if (i + 1 == segs.size()) {
    if (toml::node* leaf = cur->get(segs.back())) {
      if ((leaf->is_table() && !leaf->as_table()->is_inline()) || leaf->is_array_of_tables()) return false;
      const size_t b = offset_of(text, leaf->source().begin), e = offset_of(text, leaf->source().end);
      if (e <= b) return false;
      c.old = one_line(std::string_view(text).substr(b, e - b));
      text.replace(b, e - b, c.value);
      text.insert(line_end(text, b + c.value.size()), inline_comment(c, words));
      return true;
    }
  }
  c.added = true;
  const std::string key = detail::join(segs, anchor_at, segs.size() - anchor_at);
  if (anchor == &root && segs.size() == 1) {
    // A key of the root table (`fault = [...]`) belongs before the first [table] header.
    const size_t at = first_header(text);
    text.insert(at, fmt::format("{} = {}{}\n\n", c.path, c.value, inline_comment(c, words)));
  } else if (anchor == &root) {
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += fmt::format("\n[{}]\n{} = {}{}\n", detail::join(segs, 0, segs.size() - 1), segs.back(), c.value,
                        inline_comment(c, words));
  } else if (anchor->is_inline()) {
    const size_t e = offset_of(text, anchor->source().end);
    const size_t close = text.rfind('}', e == 0 ? 0 : e - 1);
    if (close == std::string::npos) return false;
    const size_t last = text.find_last_not_of(" \t", close - 1);
    const std::string entry = fmt::format("{}{} = {} ", anchor->empty() ? " " : ", ", key, c.value);
    text.replace(last + 1, close - last - 1, entry);
    text.insert(line_end(text, last + 1), inline_comment(c, words));
  } else {
    const size_t after_header = line_end(text, offset_of(text, {anchor->source().begin.line, 1}));
    text.insert(after_header, fmt::format("\n{} = {}{}", key, c.value, inline_comment(c, words)));
  }
  return true;
}

std::string header(const Scenario& sc, const std::vector<Change>& changes, const Messages& w) {
  const std::string file = comment_text(std::filesystem::path(sc.source_path).filename().string());
  std::string out =
      "# " + w.format("saved_whatif.header", file, comment_text(sc.info.tr.pick("name", sc.info.name, w.lang()))) +
      "\n";
  out += "# " + w(changes.empty() ? "saved_whatif.nothing_changed" : "saved_whatif.changed") + "\n";
  for (const Change& c : changes) {
    const std::string note = c.added         ? w("saved_whatif.added")
                             : c.old.empty() ? w("saved_whatif.changed_one")
                                             : w.format("saved_whatif.was", c.old);
    out += fmt::format("#   {} = {}  ({})\n", comment_text(c.path), one_line(c.value), note);
  }
  if (!changes.empty()) out += "# " + w("saved_whatif.rest_same") + "\n\n";
  return out;
}

}  // namespace

std::string toml_basic_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  return out + "\"";
}

ScenarioText write_scenario_text(const Scenario& sc, const Messages& words) {
  ScenarioText out;
  // The tree the loader builds: what the saved file must parse to.
  toml::table expected;
  try {
    detail::LoadContext ctx;
    ctx.file = sc.source_path;
    expected = toml::parse(std::string_view(sc.source_text), std::string_view(sc.source_path));
    std::vector<detail::Override> overrides;
    for (const auto& [path, value] : sc.overrides) overrides.push_back({path, value, {}});
    detail::apply_overrides(expected, overrides, ctx);
  } catch (const toml::parse_error& e) {
    out.error = ScenarioError{sc.source_path, e.source().begin.line, e.source().begin.column,
                              fmt::format("not valid TOML: {}", e.description())};
    return out;
  } catch (const detail::LoadFailure& f) {
    out.error = f.error;
    return out;
  }
  std::string text = sc.source_text;
  std::vector<Change> changes;
  bool in_place = true;
  for (const auto& [path, value] : sc.overrides) {
    Change c{path, value, {}, false};
    in_place = in_place && write_one(text, c, words);
    changes.push_back(std::move(c));
  }
  if (in_place) {
    try {
      in_place = toml::parse(std::string_view(text), std::string_view(sc.source_path)) == expected;
    } catch (const toml::parse_error&) {
      in_place = false;
    }
  }
  if (!in_place) {
    std::ostringstream tree;
    tree << toml::toml_formatter(expected);
    text = tree.str() + "\n";
    out.rewritten = true;
  }
  text = header(sc, changes, words) + text;
  // A what-if may give a scenario that loads only as a what-if: `workers` lowered below a
  // fault's worker number is allowed there (the fault's target is gone), but in a file it is a
  // typo; and every [[variant]] of a file must still apply. Such changes are refused here
  // rather than written into a file that would not open.
  const LoadResult back = load_scenario_text(text, sc.source_path);
  if (back.error) {
    out.error =
        ScenarioError{sc.source_path, 0, 0,
                      fmt::format("this what-if cannot be saved as a file that opens again: {}", back.error->message)};
    out.rewritten = false;
    return out;
  }
  out.text = std::move(text);
  return out;
}

}  // namespace deploysim
