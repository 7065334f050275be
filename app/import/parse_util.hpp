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
/// A character of a variable's name in `$NAME` (shell, Compose, Dockerfile alike).
inline bool env_name_char(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

}  // namespace deploysim::import::detail
