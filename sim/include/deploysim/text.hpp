#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace deploysim {

/// The other languages of a file's texts: `title_ko = "..."` beside `title = "..."` is the field
/// "title" in the language "ko". Any language code is read, so a language is added in the files
/// (lessons, exercises) without code.
struct Translations {
  /// Field -> language -> text.
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> fields;
  /// `english` in `lang`: the file's `<field>_<lang>` when it gives one (not empty), else `english`.
  const std::string& pick(std::string_view field, const std::string& english, std::string_view lang) const {
    const auto f = fields.find(field);
    if (f == fields.end()) return english;
    const auto t = f->second.find(lang);
    return t == f->second.end() || t->second.empty() ? english : t->second;
  }
  /// Whether the file gives `<field>_<lang>`.
  bool has(std::string_view field, std::string_view lang) const {
    const auto f = fields.find(field);
    return f != fields.end() && f->second.count(lang) != 0;
  }
};

/// "title_ko" is ("title", "ko"): a key ending in `_` and a language code (two or three
/// lower-case letters); nullopt for any other key.
inline std::optional<std::pair<std::string_view, std::string_view>> translated_key(std::string_view key) {
  const size_t u = key.rfind('_');
  if (u == std::string_view::npos || u == 0) return std::nullopt;
  const std::string_view lang = key.substr(u + 1);
  if (lang.size() < 2 || lang.size() > 3) return std::nullopt;
  for (char c : lang)
    if (c < 'a' || c > 'z') return std::nullopt;
  return std::pair{key.substr(0, u), lang};
}

}  // namespace deploysim
