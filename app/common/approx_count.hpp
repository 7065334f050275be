#pragma once
// A count as a rough estimate is said, shared by the terminal's progress lines and the window's.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "deploysim/messages.hpp"

namespace deploysim {

/// A count as a rough estimate is said, in the catalogue's units (`progress.count_units`):
/// "22 k" in English, "2.2만" in Korean, which counts by ten thousands.
inline std::string approx_count(const Messages& words, double n) {
  // "3= k|6= M|9= G": the power of ten each suffix stands for ("4=만|8=억|12=조" in Korean; a
  // count under the first is written whole).
  struct Unit {
    int exp;
    std::string suffix;
  };
  std::vector<Unit> units;
  const std::string& spec = words("progress.count_units");
  for (size_t at = 0; at <= spec.size();) {
    const size_t end = std::min(spec.find('|', at), spec.size());
    const std::string_view item = std::string_view(spec).substr(at, end - at);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      int exp = 0;
      for (const char c : item.substr(0, eq))
        if (c >= '0' && c <= '9') exp = exp * 10 + (c - '0');
      if (exp > 0) units.push_back({exp, std::string(item.substr(eq + 1))});
    }
    at = end + 1;
  }
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.exp < b.exp; });
  n = std::max(0.0, n);
  // Tenths under ten, whole numbers above; `rounded` is the number as shown.
  const auto rounded = [](double v) { return v < 9.95 ? std::round(v * 10) / 10 : std::round(v); };
  const auto shown = [](double v) { return v < 9.95 ? fmt::format("{:.1f}", v) : fmt::format("{:.0f}", v); };
  size_t u = units.size();  // none: the number as it is
  for (size_t i = 0; i < units.size(); ++i)
    if (n >= std::pow(10.0, units[i].exp)) u = i;
  if (u == units.size()) return fmt::format("{:.0f}", n);
  // 999,999 is "1.0 M", not "1000 k": the rounding reached the next unit.
  while (u + 1 < units.size() &&
         rounded(n / std::pow(10.0, units[u].exp)) >= std::pow(10.0, units[u + 1].exp - units[u].exp))
    ++u;
  return shown(n / std::pow(10.0, units[u].exp)) + units[u].suffix;
}

}  // namespace deploysim
