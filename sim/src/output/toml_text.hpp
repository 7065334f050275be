#pragma once
// Parsing a TOML text with its error located as "file:line:column: message" (narration and
// message catalogues).
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace deploysim {

/// A TOML syntax error as the person who wrote the file should read it.
struct TomlSyntaxError {
  uint32_t line = 0, column = 0;  ///< 1-based; the column counts characters, as toml++ does.
  std::string message;            ///< "not valid TOML: ...".
};

/// toml++'s words after "not valid TOML: ", at its position; but a string left open on the line
/// of the error (the commonest slip, a missing closing quote), which toml++ reports at the line's
/// end as "unescaped control characters", is said so, at its opening quote.
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
