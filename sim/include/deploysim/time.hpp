#pragma once
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>

namespace deploysim {

/// Simulated time: a strong type over int64 nanoseconds (ns-3 style), relative to the scenario start.
class Time {
 public:
  constexpr Time() = default;
  /// From a raw nanosecond count.
  static constexpr Time from_ns(int64_t n) { return Time(n); }
  /// The nanosecond count.
  constexpr int64_t ns() const { return ns_; }
  /// Seconds as a double (for display and plots only, never for ordering).
  constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }
  /// The largest representable time; used as "never".
  static constexpr Time max() { return Time(INT64_MAX); }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(ns_ + o.ns_); }
  constexpr Time operator-(Time o) const { return Time(ns_ - o.ns_); }
  constexpr Time operator-() const { return Time(-ns_); }
  constexpr Time& operator+=(Time o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Time& operator-=(Time o) {
    ns_ -= o.ns_;
    return *this;
  }
  constexpr Time operator*(int64_t k) const { return Time(ns_ * k); }
  constexpr Time operator/(int64_t k) const { return Time(ns_ / k); }
  constexpr int64_t operator/(Time o) const { return ns_ / o.ns_; }

 private:
  constexpr explicit Time(int64_t n) : ns_(n) {}
  int64_t ns_ = 0;
};

/// Nanoseconds.
constexpr Time ns(int64_t n) { return Time::from_ns(n); }
/// Microseconds.
constexpr Time us(int64_t n) { return Time::from_ns(n * 1000); }
/// Milliseconds.
constexpr Time ms(int64_t n) { return Time::from_ns(n * 1000000); }
/// Seconds.
constexpr Time s(int64_t n) { return Time::from_ns(n * 1000000000); }
/// Minutes.
constexpr Time minutes(int64_t n) { return s(n * 60); }
/// Hours.
constexpr Time hours(int64_t n) { return s(n * 3600); }
/// Days.
constexpr Time days(int64_t n) { return s(n * 86400); }

/// How each unit is written in a language: `{}` is the number ("{} min" in English, "{}분" in
/// Korean). Messages::time_units() reads them from the catalogue's [units] table.
struct TimeUnits {
  std::string ns = "{} ns", us = "{} µs", ms = "{} ms", s = "{} s", min = "{} min", h = "{} h", d = "{} d";
};

/// Human formatting for narration and the UI: "500 ns", "50 µs", "12.500 ms", "40 ms", "1.250 s",
/// "2 min 5 s", "36 h", "3 d 4 h", "-30 d". Seconds below two minutes always show 3 decimals.
std::string format_time(Time t);
/// The same in a language's units ("2분 5초", "3일 4시간").
std::string format_time(Time t, const TimeUnits& units);

/// A length of time as a person sets it, in the largest unit it is a whole number of: "1 min"
/// for 60 s, "90 s", "1 h", "120 d" ("2분", "1시간"); otherwise as format_time writes it.
std::string format_span(Time t, const TimeUnits& units);

/// Parses a duration such as "250ms", "1.5s", "10m", "36h", "90d", "-30d", "+5s", "0".
/// Grammar: [+|-] digits [. digits] unit, unit one of ns us µs ms s m min h d, nothing else:
/// no spaces ("5 ms" is rejected), no exponent, no bare number except "0". Fractions are exact
/// and truncated to whole nanoseconds. Returns nullopt when the text is not such a duration or
/// its magnitude exceeds Time::max() (about 292 years).
std::optional<Time> parse_duration(std::string_view text);
/// The time an English format_time wrote ("2.080 s", "1 min 30 s", "3 d 4 h"), so that a message
/// made in English can show it in another language's units; nullopt for any other text
/// (format_time of the result gives back exactly `text`).
std::optional<Time> parse_formatted_time(std::string_view text);

namespace literals {
/// 5_ms style literals.
constexpr Time operator""_ns(unsigned long long v) { return ns(static_cast<int64_t>(v)); }
/// Microsecond literal.
constexpr Time operator""_us(unsigned long long v) { return us(static_cast<int64_t>(v)); }
/// Millisecond literal.
constexpr Time operator""_ms(unsigned long long v) { return ms(static_cast<int64_t>(v)); }
/// Second literal.
constexpr Time operator""_s(unsigned long long v) { return s(static_cast<int64_t>(v)); }
/// Day literal.
constexpr Time operator""_d(unsigned long long v) { return days(static_cast<int64_t>(v)); }
}  // namespace literals

}  // namespace deploysim
