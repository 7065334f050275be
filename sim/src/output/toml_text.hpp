#pragma once
// Parsing a TOML text with its error located as "file:line:column: message" (narration and
// message catalogues).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "scenario/scenario_values.hpp"

namespace deploysim {

/// A TOML syntax error as the person who wrote the file should read it.
struct TomlSyntaxError {
  uint32_t line = 0, column = 0;  ///< 1-based; the column counts characters, as toml++ does.
  std::string message;            ///< "not valid TOML: ...".
};

namespace toml_text_detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The name inside the first pair of single quotes after `after` in toml++'s description.
inline std::optional<std::string> quoted_after(std::string_view description, std::string_view after) {
  const size_t at = description.find(after);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t open = at + after.size();
  const size_t close = description.find('\'', open);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(description.substr(open, close - open));
}

// `key = value` where the value is text without quotes (a name, "15 minutes", Korean, “curly”
// quotes): toml++ says "could not determine value type" or names the character after a number.
inline std::optional<TomlSyntaxError> unquoted_text(std::string_view line, uint32_t line_no) {
  const size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view key = trim(line.substr(0, eq));
  std::string_view value = line.substr(eq + 1);
  if (const size_t hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
  value = trim(value);
  if (key.empty() || value.empty() || key.find_first_of("\"'[") != std::string_view::npos) return std::nullopt;
  const unsigned char first = static_cast<unsigned char>(value.front());
  if (first == '"' || first == '\'' || first == '[' || first == '{') return std::nullopt;
  const bool letters = std::any_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
  });
  if (!letters) return std::nullopt;
  uint32_t column = 1;
  for (const char* c = line.data(); c < value.data(); ++c) column += (static_cast<unsigned char>(*c) & 0xC0) != 0x80;
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "true" || lower == "false")
    return TomlSyntaxError{
        line_no, column, fmt::format("not valid TOML: true and false are written in lower case: {} = {}", key, lower)};
  // Typographic quotes, as a word processor writes them, are not TOML's.
  std::string inner(value);
  for (std::string_view curly : {"\u201c", "\u201d", "\u2018", "\u2019"})
    for (size_t at; (at = inner.find(curly)) != std::string::npos;) inner.erase(at, curly.size());
  if (const auto notation = detail::duration_notation(inner)) inner = *notation;
  return TomlSyntaxError{line_no, column,
                         fmt::format("not valid TOML: {} = {} is not a TOML value: a text goes in straight double "
                                     "quotes, {} = \"{}\"",
                                     key, value, key, inner)};
}

}  // namespace toml_text_detail

/// toml++'s words after "not valid TOML: ", at its position; but a string left open on the line
/// of the error (the commonest slip, a missing closing quote), which toml++ reports at the line's
/// end as "unescaped control characters", is said so, at its opening quote; and the other
/// common slips (text without quotes, a table or key written twice, [step.question] above its
/// [[step]]) in the file's own terms rather than the parser's.
inline TomlSyntaxError toml_syntax_error(std::string_view text, const toml::parse_error& e) {
  TomlSyntaxError out{e.source().begin.line, e.source().begin.column,
                      fmt::format("not valid TOML: {}", e.description())};
  // The error's line.
  size_t start = 0;
  for (uint32_t l = 1; l < out.line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos || start > text.size()) return out;
  std::string_view line = text.substr(start, text.find('\n', start) - start);
  if (line.ends_with('\r')) line.remove_suffix(1);
  const std::string_view d = e.description();
  using namespace toml_text_detail;
  if (d.ends_with("as array-of-tables"))
    if (const auto name = quoted_after(d, "existing table '")) {
      out.message = fmt::format(
          "not valid TOML: [[{0}]] cannot start here, because a [{0}] or [{0}.…] header above already made '{0}' "
          "a single table: write each [[{0}]] first, then the tables that belong to it",
          *name);
      return out;
    }
  if (const auto name = quoted_after(d, "cannot redefine existing table '")) {
    out.message = fmt::format("not valid TOML: the table [{0}] is written twice: put its keys under one [{0}]", *name);
    return out;
  }
  if (d.find("cannot redefine existing ") != std::string_view::npos) {
    const size_t open = d.rfind('\'', d.size() - 2);
    if (d.ends_with('\'') && open != std::string_view::npos) {
      out.message = fmt::format("not valid TOML: '{}' is set twice in this table (each key once)",
                                d.substr(open + 1, d.size() - open - 2));
      return out;
    }
  }
  if (d.find("could not determine value type") != std::string_view::npos || d.find("expected 'true'") != d.npos ||
      d.find("expected 'false'") != d.npos || d.find("expected digit") != d.npos ||
      d.find("expected a comment or whitespace") != d.npos)
    if (auto slip = unquoted_text(line, out.line)) return *slip;
  if (d.find("parsing table header: expected ']'") != std::string_view::npos) {
    out.message = "not valid TOML: the table header is not closed on its line (a closing ] is missing)";
    return out;
  }
  if (d.find("parsing array: expected comma") != std::string_view::npos) {
    out.message = "not valid TOML: the entries of an array are separated by commas, e.g. [\"a\", \"b\"]";
    return out;
  }
  // Its strings, from the left: a '#' outside one starts a comment; a multi-line string ("""
  // or ''') may go on, so the line says nothing then.
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '#') return out;
    if (c != '"' && c != '\'') continue;
    if (line.substr(i, 3) == std::string(3, c)) return out;
    size_t j = i + 1;
    while (j < line.size() && line[j] != c) j += (c == '"' && line[j] == '\\') ? 2 : 1;
    if (j < line.size()) {
      i = j;
      continue;
    }
    uint32_t column = 1;
    for (size_t k = 0; k < i; ++k) column += (static_cast<unsigned char>(line[k]) & 0xC0) != 0x80;
    out.column = column;
    out.message = fmt::format(
        "not valid TOML: the string opened here is not closed on its line (its closing {} is "
        "missing)",
        c);
    return out;
  }
  return out;
}

inline std::optional<toml::table> parse_toml_text(std::string_view text, const std::string& name, std::string* error) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    if (error)
      *error = fmt::format("{}:{}:{}: {}", name, e.source().begin.line, e.source().begin.column, e.description());
    return std::nullopt;
  }
}

}  // namespace deploysim
