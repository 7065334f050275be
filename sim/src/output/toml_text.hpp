#pragma once
// Parsing a TOML text with its error located as "file:line:column: message" (narration and
// message catalogues).
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace deploysim {

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
