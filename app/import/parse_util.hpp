#pragma once
// Small pieces the import parsers share: a cursor over a file's text that knows its line and
// column (columns count characters, not bytes, as editors show them), and number reading that
// refuses overflow instead of wrapping.
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "import/parse_error.hpp"

namespace deploysim::import::detail {

class Cursor {
 public:
  Cursor(std::string_view text, const std::string& file) : s_(text), file_(file) {}
  bool done() const { return i_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  size_t index() const { return i_; }
  void advance() {
    if (done()) return;
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(s_[i_]) & 0xC0) != 0x80) {
      ++col_;  // a UTF-8 continuation byte belongs to the column of its lead byte
    }
    ++i_;
  }
  SourcePos pos() const { return SourcePos{file_, line_, col_}; }
  const std::string& file() const { return file_; }

 private:
  std::string_view s_;
  const std::string& file_;
  size_t i_ = 0;
  uint32_t line_ = 1, col_ = 1;
};

inline ParseError make_error(ParseErrorCode code, SourcePos pos, std::initializer_list<std::string> args = {}) {
  return ParseError{code, std::vector<std::string>(args), std::move(pos)};
}

/// A decimal number without sign, below `max`.
inline std::optional<uint64_t> parse_uint(std::string_view s, uint64_t max = UINT64_MAX / 16) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

/// Without the white space at either end.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
/// A character of a variable's name in `$NAME` (shell, Compose, Dockerfile alike).
inline bool env_name_char(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

/// Whether `name` matches the shell pattern `pattern` as fnmatch(3) with FNM_PATHNAME |
/// FNM_PERIOD matches it (nginx's include and Caddy's import expand globs with glob(3)): `*`, `?`,
/// `[set]` (`[!set]`, `[^set]`, ranges) and `\` escapes, none of which matches a '/', and a '.'
/// beginning the name or a part after '/' matched only by a '.' written. Each part is matched with
/// one backtracking point, so that a pattern of many stars stays linear.
inline bool glob_match(std::string_view pattern, std::string_view name) {
  const auto one_part = [](std::string_view p, std::string_view n) {
    if (!n.empty() && n.front() == '.' && !(p.starts_with('.') || p.starts_with("\\."))) return false;
    // The length of the item at p[i] and whether it matches c.
    const auto item = [&](size_t i, char c, size_t& len) {
      if (p[i] == '\\' && i + 1 < p.size()) {
        len = 2;
        return p[i + 1] == c;
      }
      if (p[i] == '[') {
        size_t j = i + 1;
        const bool negate = j < p.size() && (p[j] == '!' || p[j] == '^');
        if (negate) ++j;
        bool in = false;
        const size_t first = j;
        for (; j < p.size() && (p[j] != ']' || j == first); ++j)
          if (p[j] == '\\' && j + 1 < p.size()) {  // an escaped member: "[a\\]]"
            in |= p[++j] == c;
          } else if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            in |= p[j] <= c && c <= p[j + 2];
            j += 2;
          } else {
            in |= p[j] == c;
          }
        if (j < p.size()) {  // a set closed by ']'
          len = j + 1 - i;
          return in != negate;
        }
      }
      len = 1;
      return p[i] == '?' || p[i] == c;
    };
    size_t pi = 0, ni = 0, star = std::string_view::npos, star_n = 0;
    while (ni < n.size()) {
      size_t len = 0;
      if (pi < p.size() && p[pi] == '*') {
        star = ++pi;
        star_n = ni;
      } else if (pi < p.size() && item(pi, n[ni], len)) {
        pi += len;
        ++ni;
      } else if (star != std::string_view::npos) {
        pi = star;
        ni = ++star_n;
      } else {
        return false;
      }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
  };
  // "\\/" is a '/' written escaped: a separator all the same.
  std::string unescaped;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] != '/') unescaped += pattern[i];
      unescaped += pattern[++i];
      continue;
    }
    unescaped += pattern[i];
  }
  pattern = unescaped;
  // The pattern's next separator: a '/' outside a closed set ("[a/]" is a set that never matches '/').
  const auto separator = [](std::string_view p) {
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '\\') {
        ++i;
      } else if (p[i] == '/') {
        return i;
      } else if (p[i] == '[') {
        size_t j = i + 1;
        if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
        if (j < p.size() && p[j] == ']') ++j;
        while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
        if (j < p.size()) i = j;
      }
    }
    return std::string_view::npos;
  };
  while (true) {
    const size_t ps = separator(pattern), ns = name.find('/');
    if ((ps == std::string_view::npos) != (ns == std::string_view::npos)) return false;
    if (!one_part(pattern.substr(0, ps), name.substr(0, ns))) return false;
    if (ps == std::string_view::npos) return true;
    pattern.remove_prefix(ps + 1);
    name.remove_prefix(ns + 1);
  }
}

}  // namespace deploysim::import::detail
