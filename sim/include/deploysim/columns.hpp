#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace deploysim {

/// `text` padded with spaces to `width` terminal columns: Hangul and other wide characters take
/// two columns, so a Korean stage name lines up like an English one (printf's %-10s counts bytes).
inline size_t columns_of(std::string_view text) {
  size_t columns = 0;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    columns += n >= 3 ? 2 : 1;  // three-byte UTF-8 here is Hangul or CJK: wide
    i += n;
  }
  return columns;
}

/// `text` padded on the right to `width` columns.
inline std::string pad_columns(std::string_view text, size_t width) {
  const size_t columns = columns_of(text);
  std::string out(text);
  if (columns < width) out.append(width - columns, ' ');
  return out;
}

/// `text` right-aligned in `width` columns ("     5.000초").
inline std::string align_columns(std::string_view text, size_t width) {
  const size_t columns = columns_of(text);
  return std::string(columns < width ? width - columns : 0, ' ') + std::string(text);
}

/// `rows` as a table: every column but the last padded to its widest cell, two spaces between,
/// so the last column (a title) starts at one column however long an id or however wide a
/// Korean topic is.
inline std::string table_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t c = 0; c + 1 < row.size(); ++c) {
      if (widths.size() <= c) widths.resize(c + 1, 0);
      if (columns_of(row[c]) > widths[c]) widths[c] = columns_of(row[c]);
    }
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) out += c + 1 < row.size() ? pad_columns(row[c], widths[c] + 2) : row[c];
    out += '\n';
  }
  return out;
}

}  // namespace deploysim
