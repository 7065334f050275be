#include "deploysim/time.hpp"

#include <cctype>
#include <cstdlib>
#include <fmt/format.h>

namespace deploysim {

std::string format_time(Time t) {
  const int64_t n = t.ns();
  const int64_t a = n < 0 ? -n : n;
  const char* sign = n < 0 ? "-" : "";
  if (a == 0) return "0 s";
  if (a < 1000) return fmt::format("{}{} ns", sign, a);
  if (a < 1000000) return fmt::format("{}{:.3g} us", sign, a / 1e3);
  if (a < 1000000000) {
    const double v = a / 1e6;
    return v == static_cast<int64_t>(v) ? fmt::format("{}{} ms", sign, static_cast<int64_t>(v))
                                       : fmt::format("{}{:.3f} ms", sign, v);
  }
  const int64_t sec = a / 1000000000;
  if (sec < 120) return fmt::format("{}{:.3f} s", sign, a / 1e9);
  if (sec < 7200) return fmt::format("{}{} min {} s", sign, sec / 60, sec % 60);
  if (sec < 172800) return fmt::format("{}{} h {} min", sign, sec / 3600, (sec % 3600) / 60);
  return fmt::format("{}{} d {} h", sign, sec / 86400, (sec % 86400) / 3600);
}

std::optional<Time> parse_duration(std::string_view text) {
  std::string_view v = text;
  bool negative = false;
  if (!v.empty() && (v.front() == '-' || v.front() == '+')) {
    negative = v.front() == '-';
    v.remove_prefix(1);
  }
  if (v == "0") return Time{};
  size_t i = 0;
  int64_t whole = 0;
  bool any_digit = false;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    if (whole > (INT64_MAX / 10)) return std::nullopt;
    whole = whole * 10 + (v[i] - '0');
    ++i;
    any_digit = true;
  }
  int64_t frac = 0, frac_scale = 1;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      if (frac_scale < 1000000000) {
        frac = frac * 10 + (v[i] - '0');
        frac_scale *= 10;
      }
      ++i;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  const std::string_view unit = v.substr(i);
  int64_t unit_ns = 0;
  if (unit == "ns") unit_ns = 1;
  else if (unit == "us") unit_ns = 1000;
  else if (unit == "ms") unit_ns = 1000000;
  else if (unit == "s") unit_ns = 1000000000;
  else if (unit == "m" || unit == "min") unit_ns = 60LL * 1000000000;
  else if (unit == "h") unit_ns = 3600LL * 1000000000;
  else if (unit == "d") unit_ns = 86400LL * 1000000000;
  else return std::nullopt;
  if (whole > INT64_MAX / unit_ns / 2) return std::nullopt;
  // Integer arithmetic keeps "1.5s" exact; the fraction never exceeds 9 digits.
  __int128 total = static_cast<__int128>(whole) * unit_ns +
                   static_cast<__int128>(frac) * unit_ns / frac_scale;
  if (total > INT64_MAX) return std::nullopt;
  const int64_t n = static_cast<int64_t>(total);
  return ns(negative ? -n : n);
}

}  // namespace deploysim
