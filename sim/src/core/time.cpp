#include "deploysim/time.hpp"

#include "core/compat.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace deploysim {

namespace {

std::string unit(const std::string& form, const std::string& number) { return fmt::format(fmt::runtime(form), number); }

// "12.5", "12.05", "12.125": a whole part and up to three decimals, without trailing zeros.
std::string decimal(const char* sign, uint64_t whole, uint64_t thousandths) {
  if (thousandths == 0) return fmt::format("{}{}", sign, whole);
  std::string frac = fmt::format("{:03}", thousandths);
  while (frac.back() == '0') frac.pop_back();
  return fmt::format("{}{}.{}", sign, whole, frac);
}

// "40 ms" when whole, "12.5 ms" otherwise.
std::string in_unit(const char* sign, uint64_t a, uint64_t scale, const std::string& form) {
  return unit(form, decimal(sign, a / scale, (a % scale) * 1000 / scale));
}

// "5 min" or "5 min 3 s": the smaller part only when it is not zero.
std::string two_parts(const char* sign, uint64_t big, const std::string& big_form, uint64_t small,
                      const std::string& small_form) {
  std::string out = unit(big_form, fmt::format("{}{}", sign, big));
  if (small != 0) out += " " + unit(small_form, std::to_string(small));
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string format_time(Time t) {
  static const TimeUnits english;
  return format_time(t, english);
}

std::string format_time(Time t, const TimeUnits& u) {
  const int64_t n = t.ns();
  // The magnitude as unsigned so that INT64_MIN formats instead of overflowing.
  const uint64_t a = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  const char* sign = n < 0 ? "-" : "";
  if (a == 0) return unit(u.s, "0");
  if (a < 1000) return unit(u.ns, fmt::format("{}{}", sign, a));
  if (a < 1000000) return in_unit(sign, a, 1000, u.us);
  if (a < 1000000000) return in_unit(sign, a, 1000000, u.ms);
  const uint64_t sec = a / 1000000000;
  const uint64_t ms = (a % 1000000000) / 1000000;
  // "1.5 s", "59.25 s"; whole minutes and seconds from one minute on ("1 min 30 s"), and a
  // fraction of a second only where there is one ("90.1 s").
  if (sec < 60 || (sec < 120 && ms != 0)) return unit(u.s, decimal(sign, sec, ms));
  if (sec < 7200) return two_parts(sign, sec / 60, u.min, sec % 60, u.s);
  if (sec < 172800) return two_parts(sign, sec / 3600, u.h, (sec % 3600) / 60, u.min);
  return two_parts(sign, sec / 86400, u.d, (sec % 86400) / 3600, u.h);
}

std::string format_span(Time t, const TimeUnits& u) {
  constexpr int64_t second = 1000000000;
  if (t.ns() == 0 || t.ns() % second != 0) return format_time(t, u);
  const int64_t sec = t.ns() / second;
  for (const auto& [size, form] : {std::pair{86400, &u.d}, std::pair{3600, &u.h}, std::pair{60, &u.min}})
    if (sec % size == 0) return unit(*form, std::to_string(sec / size));
  return unit(u.s, std::to_string(sec));
}

std::optional<Time> parse_duration(std::string_view v) {
  bool negative = false;
  if (!v.empty() && (v.front() == '-' || v.front() == '+')) {
    negative = v.front() == '-';
    v.remove_prefix(1);
  }
  if (v == "0") return Time{};
  size_t i = 0;
  uint64_t whole = 0;
  while (i < v.size() && is_digit(v[i])) {
    const auto digit = static_cast<uint64_t>(v[i] - '0');
    if (whole > (static_cast<uint64_t>(INT64_MAX) - digit) / 10) return std::nullopt;
    whole = whole * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;  // ".5s", "ms", "abc", ""
  uint64_t frac = 0, frac_scale = 1;
  if (i < v.size() && v[i] == '.') {
    const size_t first = ++i;
    while (i < v.size() && is_digit(v[i])) {
      if (frac_scale < 1000000000000000000ULL) {  // digits beyond 18 cannot matter
        frac = frac * 10 + static_cast<uint64_t>(v[i] - '0');
        frac_scale *= 10;
      }
      ++i;
    }
    if (i == first) return std::nullopt;  // "1.s"
  }
  const std::string_view unit = v.substr(i);
  uint64_t unit_ns = 0;
  if (unit == "ns")
    unit_ns = 1;
  else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")  // µs and μs as the output writes them
    unit_ns = 1000;
  else if (unit == "ms")
    unit_ns = 1000000;
  else if (unit == "s")
    unit_ns = 1000000000;
  else if (unit == "m" || unit == "min")
    unit_ns = 60ULL * 1000000000;
  else if (unit == "h")
    unit_ns = 3600ULL * 1000000000;
  else if (unit == "d")
    unit_ns = 86400ULL * 1000000000;
  else
    return std::nullopt;  // no unit, an unknown one, or anything after it ("5 ms", "5ms ")
  // Exact integer arithmetic: "1.5s" is 1500000000 ns, not a rounded double.
  const uint64_t part = compat::mul_div(frac, unit_ns, frac_scale);  // frac < frac_scale: < unit_ns
  if (whole > (static_cast<uint64_t>(INT64_MAX) - part) / unit_ns) return std::nullopt;
  const auto n = static_cast<int64_t>(whole * unit_ns + part);
  return ns(negative ? -n : n);
}

std::optional<Time> parse_formatted_time(std::string_view text) {
  // One or two "<number> <unit>" parts; each part is a duration without its space.
  std::vector<std::string_view> words;
  for (size_t at = 0; at <= text.size();) {
    const size_t space = std::min(text.find(' ', at), text.size());
    words.push_back(text.substr(at, space - at));
    at = space + 1;
  }
  if (words.size() != 2 && words.size() != 4) return std::nullopt;
  int64_t total = 0;
  for (size_t i = 0; i < words.size(); i += 2) {
    if (words[i].empty() || !is_digit(words[i].back())) return std::nullopt;
    const auto part = parse_duration(std::string(words[i]) + std::string(words[i + 1]));
    // The second part is never signed: "-5 min 3 s" is minus five minutes and three seconds.
    if (!part || (i > 0 && !is_digit(words[i].front()))) return std::nullopt;
    if (total < 0 || part->ns() < 0)
      total -= std::abs(part->ns());
    else
      total += part->ns();
  }
  const Time t = ns(total);
  if (format_time(t) != text) return std::nullopt;
  return t;
}

}  // namespace deploysim
