// Texts fitted to their room outside the canvas: the timeline's axis ticks and lane names, and
// names shortened in the middle (the canvas's crowded labels, the sequence diagram's columns).
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "gui/run/layout.hpp"

namespace deploysim::gui {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// One character off the end or the front, never half of a UTF-8 sequence (a Hangul syllable is
// three bytes: half of one draws as "?").
void drop_last(std::string& t) {
  while (!t.empty() && continuation(t.back())) t.pop_back();
  if (!t.empty()) t.pop_back();  // the character's first byte
}
void drop_first(std::string& t) {
  do t.erase(0, 1);
  while (!t.empty() && continuation(t.front()));
}

// A tick's label, as round as its step: "500 ms", "45 s", "2 min", "1 h 30 min", "3 d".
std::string tick_label(int64_t t, int64_t step, const TimeUnits& u) {
  constexpr int64_t us = 1000, ms = 1000 * us, s = 1000 * ms, min = 60 * s, h = 60 * min, d = 24 * h;
  const auto in = [](const std::string& form, const std::string& n) { return fmt::format(fmt::runtime(form), n); };
  const auto num = [](int64_t v, int64_t unit) { return fmt::format("{:g}", static_cast<double>(v) / unit); };
  if (t == 0) return "0";
  if (step < us) return in(u.ns, std::to_string(t));
  if (step < ms) return in(u.us, num(t, us));
  if (step < s) return in(u.ms, num(t, ms));
  if (step < min && t < 2 * min) return in(u.s, num(t, s));
  const auto two = [&](int64_t v, int64_t big, const std::string& bn, int64_t small, const std::string& sn) {
    return v % big == 0 ? in(bn, std::to_string(v / big))
                        : in(bn, std::to_string(v / big)) + " " + in(sn, std::to_string(v % big / small));
  };
  if (t < 2 * h) return two(t, min, u.min, s, u.s);
  if (t < 2 * d) return two(t, h, u.h, min, u.min);
  return two(t, d, u.d, h, u.h);
}

// The axis's steps in ns: 1, 2, 5 x 10^k below a second, then round clock and calendar spans.
constexpr std::array<int64_t, 54> axis_steps = [] {
  constexpr int64_t s = 1'000'000'000, min = 60 * s, h = 60 * min, d = 24 * h;
  std::array<int64_t, 54> v{};
  size_t n = 0;
  for (int64_t p = 1; p < s; p *= 10)
    for (int64_t m : {1, 2, 5}) v[n++] = p * m;
  for (int64_t x : {s,        2 * s,    5 * s,    10 * s, 15 * s, 30 * s, min,    2 * min, 5 * min,
                    10 * min, 15 * min, 30 * min, h,      2 * h,  3 * h,  6 * h,  12 * h,  d,
                    2 * d,    5 * d,    7 * d,    14 * d, 30 * d, 60 * d, 90 * d, 180 * d, 365 * d})
    v[n++] = x;
  return v;
}();

}  // namespace

std::vector<AxisTick> axis_ticks(double t0_s, double t1_s, float width, const TextWidth& text_width,
                                 const TimeUnits& units) {
  std::vector<AxisTick> out;
  const double span = t1_s - t0_s;
  if (!(span > 0) || width <= 0) return out;
  const auto t0 = static_cast<int64_t>(t0_s * 1e9), t1 = static_cast<int64_t>(t1_s * 1e9);
  for (const int64_t step : axis_steps) {
    const double px = static_cast<double>(step) / 1e9 / span * width;  // pixels between two ticks
    if (px < 24 && step != axis_steps.back()) continue;
    out.clear();
    float widest = 0;
    for (int64_t t = (t0 + step - 1) / step * step; t <= t1; t += step) {
      out.push_back({static_cast<double>(t) / 1e9, tick_label(t, step, units)});
      widest = std::max(widest, text_width(out.back().label));
    }
    if (px >= widest + 12 || step == axis_steps.back()) break;
  }
  return out;
}

std::string elide_middle(const std::string& s, float avail, const TextWidth& width) {
  if (width(s) <= avail) return s;
  size_t half = s.size() / 2;  // on a character's first byte
  while (half > 0 && continuation(s[half])) --half;
  std::string head = s.substr(0, half), tail = s.substr(half);
  while (head.size() + tail.size() > 2 && width(head + ".." + tail) > avail) {
    if (head.size() > tail.size())
      drop_last(head);
    else
      drop_first(tail);
  }
  return head + ".." + tail;
}

std::string elide_front(const std::string& s, float avail, const TextWidth& width) {
  if (width(s) <= avail) return s;
  std::string tail = s;
  while (tail.size() > 1 && width(".." + tail) > avail) drop_first(tail);
  return ".." + tail;
}

std::string elide_back(const std::string& s, float avail, const TextWidth& width) {
  if (width(s) <= avail) return s;
  std::string head = s;
  while (!head.empty() && width(head + "..") > avail) drop_last(head);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head + "..";
}

std::string elide_name(const std::string& s, float avail, const TextWidth& width) {
  if (width(s) <= avail) return s;
  size_t digits = s.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(s[digits - 1]))) --digits;
  if (digits == s.size()) return elide_back(s, avail, width);
  // The separator before the number ("-1", "/2", " 3"); after a letter ("worker2", "×4") the
  // number is part of a word, cut in the middle as before.
  const auto sep = static_cast<unsigned char>(s[digits == 0 ? 0 : digits - 1]);
  if (digits == 0 || sep >= 0x80 || (!std::ispunct(sep) && sep != ' ')) return elide_middle(s, avail, width);
  const std::string tail = s.substr(digits - 1);
  std::string head = s.substr(0, digits - 1);
  while (!head.empty() && width(head + ".." + tail) > avail) drop_last(head);
  if (head.empty()) return elide_middle(s, avail, width);
  return head + ".." + tail;
}

LaneLabels lane_labels(float lane_h, float font_h, float widest) {
  LaneLabels l;
  const float gap = std::max(4.0f, font_h * 0.5f);
  if (lane_h >= font_h) {
    l.text_h = std::min(font_h, lane_h);
  } else {
    // A name centred on its lane may reach into both neighbours, which are in the other column.
    l.columns = 2;
    l.text_h = std::min(font_h, 2 * lane_h);
  }
  l.column_w = widest * (l.text_h / font_h) + gap;
  return l;
}

std::vector<size_t> wrap_items(const std::vector<float>& widths, float avail, float spacing) {
  std::vector<size_t> lines;
  size_t line = 0;
  float x = 0;
  for (const float w : widths) {
    if (!lines.empty() && x + spacing + w > avail) ++line, x = 0;
    x += (x > 0 ? spacing : 0) + w;
    lines.push_back(line);
  }
  return lines;
}

}  // namespace deploysim::gui
