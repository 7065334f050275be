#pragma once
// What the proxy preset and supervisor tables (presets.cpp, supervisors.cpp) have in common: rows
// indexed by their enum, looked up by name.
#include <array>
#include <cstddef>
#include <string_view>

namespace deploysim::detail {

/// Whether row i holds enum value i (`id` is the member with the enum).
template <class Row, size_t N, class Id>
constexpr bool rows_follow_enum(const std::array<Row, N>& rows, Id Row::*id) {
  for (size_t i = 0; i < N; ++i)
    if (static_cast<size_t>(rows[i].*id) != i) return false;
  return true;
}

/// The rows' names, in order.
template <class Row, size_t N>
constexpr std::array<std::string_view, N> row_names(const std::array<Row, N>& rows) {
  std::array<std::string_view, N> names{};
  for (size_t i = 0; i < N; ++i) names[i] = rows[i].name;
  return names;
}

/// The row of enum value `id` (the first row for a value out of range).
template <class Row, size_t N, class Id>
constexpr const Row& row_of(const std::array<Row, N>& rows, Id id) {
  const auto i = static_cast<size_t>(id);
  return rows[i < N ? i : 0];
}

/// The row named `name`, or nullptr.
template <class Row, size_t N>
constexpr const Row* row_named(const std::array<Row, N>& rows, std::string_view name) {
  for (const Row& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace deploysim::detail
