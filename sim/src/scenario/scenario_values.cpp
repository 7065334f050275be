#include "scenario/scenario_values.hpp"

#include "deploysim/kinds.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <vector>

namespace deploysim::detail {

namespace {

// Splits "1.5GiB" into a non-negative decimal number and its unit.
bool split_number(std::string_view text, double& number, std::string_view& unit) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
    if (text[i] == '.')
      dot = true;
    else
      digits = true;
    ++i;
  }
  if (!digits || i > 40) return false;
  number = std::strtod(std::string(text.substr(0, i)).c_str(), nullptr);
  unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return std::isfinite(number);
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  if (text == "0") return 0;
  double number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) return std::nullopt;
  struct Unit {
    std::string_view name;
    double bytes;
  };
  static constexpr Unit units[] = {{"B", 1},           {"KB", 1e3},           {"MB", 1e6},
                                   {"GB", 1e9},        {"TB", 1e12},          {"KiB", 1024.0},
                                   {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  for (const auto& u : units) {
    if (unit != u.name) continue;
    const double bytes = std::round(number * u.bytes);
    if (bytes >= 9.0e18) return std::nullopt;
    return static_cast<uint64_t>(bytes);
  }
  return std::nullopt;
}

std::optional<double> parse_rate(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  double number = 0;
  std::string_view rest;
  if (!split_number(text.substr(0, slash), number, rest) || !rest.empty()) return std::nullopt;
  const std::string_view per = text.substr(slash + 1);
  double seconds = 0;
  if (per == "s" || per == "sec")
    seconds = 1;
  else if (per == "min" || per == "m")
    seconds = 60;
  else if (per == "h")
    seconds = 3600;
  else if (per == "d")
    seconds = 86400;
  else
    return std::nullopt;
  const double rate = number / seconds;
  if (!(rate <= 1e9)) return std::nullopt;
  return rate;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool is_dns_name(std::string_view name, bool wildcard_ok) {
  if (wildcard_ok && name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    start = end + 1;
  }
  return true;
}

// Address literals are checked here, not by the system's address parser, with the same rules:
// four decimal parts of at most 255 without leading zeros; eight hex groups of 1-4 digits, one
// "::" for one or more zero groups, and an IPv4 tail in the last two.
bool is_ipv4(std::string_view text) {
  int parts = 0;
  size_t i = 0;
  for (;;) {
    const size_t start = i;
    unsigned v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + static_cast<unsigned>(text[i] - '0');
      if (v > 255) return false;
      ++i;
    }
    if (i == start || (i - start > 1 && text[start] == '0')) return false;
    ++parts;
    if (i == text.size()) break;
    if (text[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view text) {
  if (text.empty() || text.size() >= 64) return false;
  int groups = 0;
  bool gap = false;
  size_t i = 0;
  if (text.substr(0, 2) == "::") {
    gap = true;
    i = 2;
    if (i == text.size()) return true;
  } else if (text[0] == ':') {
    return false;
  }
  for (;;) {
    const size_t start = i;
    while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i < text.size() && text[i] == '.') {
      if (!is_ipv4(text.substr(start))) return false;
      groups += 2;
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (gap) return false;
      gap = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;
    }
  }
  return gap ? groups < 8 : groups == 8;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and adjacent transpositions.
  const auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates) {
  if (word.size() > 200) return std::nullopt;
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo changes a few characters; anything further is a different word.
  if (!best || best_distance > std::max<size_t>(2, word.size() / 3)) return std::nullopt;
  return best;
}

std::optional<std::string> duration_notation(std::string_view text) {
  // A sign, a number, optional spaces, a unit word: what a person writes in prose.
  size_t i = 0;
  std::string number;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) number += text[i++];
  const size_t digits = i;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) number += text[i++];
  if (i == digits || number.find_first_of("0123456789") == std::string::npos) return std::nullopt;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string word = to_lower(text.substr(i));
  static constexpr std::pair<std::string_view, std::string_view> units[] = {
      {"ns", "ns"},
      {"nanosecond", "ns"},
      {"nanoseconds", "ns"},
      {"us", "us"},
      {"microsecond", "us"},
      {"microseconds", "us"},
      {"ms", "ms"},
      {"msec", "ms"},
      {"millisecond", "ms"},
      {"milliseconds", "ms"},
      {"s", "s"},
      {"sec", "s"},
      {"secs", "s"},
      {"second", "s"},
      {"seconds", "s"},
      {"m", "m"},
      {"min", "min"},
      {"mins", "min"},
      {"minute", "min"},
      {"minutes", "min"},
      {"h", "h"},
      {"hr", "h"},
      {"hrs", "h"},
      {"hour", "h"},
      {"hours", "h"},
      {"d", "d"},
      {"day", "d"},
      {"days", "d"},
      // As a Korean teacher writes them: "5분", "3일", "1시간".
      {"나노초", "ns"},
      {"마이크로초", "us"},
      {"밀리초", "ms"},
      {"초", "s"},
      {"분", "min"},
      {"시간", "h"},
      {"일", "d"}};
  for (const auto& [name, unit] : units)
    if (word == name) {
      const std::string out = number + std::string(unit);
      // "15m" itself is fine: only a form that differs is a hint.
      return out == text ? std::nullopt : std::optional<std::string>(out);
    }
  // Weeks are no unit of the notation: in days.
  if ((word == "w" || word == "week" || word == "weeks" || word == "주") && number.find('.') == std::string::npos &&
      number.size() < 9) {
    return fmt::format("{}d", std::strtol(number.c_str(), nullptr, 10) * 7);
  }
  return std::nullopt;
}

std::optional<std::string> one_unit_duration(std::string_view text) {
  if (text.size() > 100) return std::nullopt;
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  const auto digit = [](char c) { return (c >= '0' && c <= '9') || c == '.'; };
  int64_t total = 0;
  size_t parts = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i == text.size()) break;
    const size_t start = i;
    while (i < text.size() && digit(text[i])) ++i;
    if (i == start) return std::nullopt;
    const std::string_view number = text.substr(start, i - start);
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t unit_start = i;
    while (i < text.size() && !digit(text[i]) && text[i] != ' ' && text[i] != ',') ++i;
    const std::string part = fmt::format("{}{}", number, text.substr(unit_start, i - unit_start));
    std::optional<Time> t = parse_duration(part);
    if (!t)
      if (const auto notation =
              duration_notation(fmt::format("{} {}", number, text.substr(unit_start, i - unit_start))))
        t = parse_duration(*notation);
    if (!t || t->ns() > INT64_MAX / 4 || total > INT64_MAX / 4) return std::nullopt;
    total += t->ns();
    ++parts;
  }
  if (parts < 2 || total == 0) return std::nullopt;
  static constexpr std::pair<int64_t, std::string_view> units[] = {{86400'000'000'000, "d"},
                                                                   {3600'000'000'000, "h"},
                                                                   {60'000'000'000, "min"},
                                                                   {1'000'000'000, "s"},
                                                                   {1'000'000, "ms"},
                                                                   {1'000, "us"},
                                                                   {1, "ns"}};
  for (const auto& [size, unit] : units)
    if (total % size == 0) return fmt::format("{}{}{}", negative ? "-" : "", total / size, unit);
  return std::nullopt;
}

std::optional<std::string> translation_table_error(std::string_view key, std::string_view where) {
  // "kr" is Korea's country code, the commonest slip for Korean's language code.
  const std::string code = key == "kr" ? "ko" : std::string(key);
  const auto langs = Messages::languages();
  if (std::find(langs.begin(), langs.end(), code) == langs.end()) return std::nullopt;
  return fmt::format(
      "unknown key '{}' in {}: a text in another language goes beside its English key, with '_{}' "
      "added (name_{}, text_{}, ...), not in a table of its own",
      key, where, code, code, code);
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const auto best = closest(word, candidates);
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

bool domain_matches(std::string_view pattern, std::string_view name) {
  if (pattern == name) return true;
  if (!pattern.starts_with("*.")) return false;
  const size_t dot = name.find('.');
  return dot != std::string_view::npos && dot > 0 && name.substr(dot + 1) == pattern.substr(2);
}

bool in_zone(std::string_view name, std::string_view origin) {
  return name == origin ||
         (name.size() > origin.size() && name.ends_with(origin) && name[name.size() - origin.size() - 1] == '.');
}

}  // namespace deploysim::detail

namespace deploysim {

bool is_ip_address(std::string_view text) { return detail::is_ipv4(text) || detail::is_ipv6(text); }

bool is_domain_name(std::string_view name, bool wildcard_ok) { return detail::is_dns_name(name, wildcard_ok); }

}  // namespace deploysim

namespace deploysim {

std::optional<std::string> closest_key(std::string_view key) {
  std::vector<std::string> keys;
  keys.reserve(all_keys.size());
  for (const KeyEntry& e : all_keys) keys.emplace_back(e.key);
  return detail::closest(key, keys);
}

}  // namespace deploysim
