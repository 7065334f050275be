// Value helpers of the import: scenario tables, the report's mapped/assumed entries, and the
// conversions from Docker, Compose and Kubernetes notations to the scenario's.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "deploysim/scenario.hpp"
#include "deploysim/scenario_write.hpp"
#include "import/import_model.hpp"

namespace deploysim::import {

void Table::set(const std::string& key, Val v) {
  for (auto& [k, val] : keys)
    if (k == key) {
      val = std::move(v);
      return;
    }
  keys.emplace_back(key, std::move(v));
}

const Val* Table::get(const std::string& key) const {
  for (const auto& [k, val] : keys)
    if (k == key) return &val;
  return nullptr;
}

bool Report::has_error() const {
  for (const ReportEntry& e : entries)
    if (e.kind == EntryKind::error) return true;
  return false;
}

Val Report::from(const SourcePos& pos, const std::string& file_key, const std::string& scenario_key, std::string toml) {
  mapped(pos, w.format("import.mapped", file_key, scenario_key, toml));
  return {std::move(toml), w.format("import.comment_from", where(pos))};
}

Val Report::assume(const SourcePos& pos, const std::string& scenario_key, std::string toml, const std::string& why) {
  assumed(pos, w.format("import.assumed", scenario_key, toml, why));
  return {std::move(toml), w.format("import.comment_assumed", why)};
}

ServiceModel* find_service(Deployment& d, const std::string& name) {
  for (ServiceModel& s : d.services)
    if (s.name == name) return &s;
  return nullptr;
}

std::string where(const SourcePos& pos) {
  SourcePos p = pos;
  p.col = 0;
  return p.str();
}

// Where the text stops being UTF-8 (npos: it all is). Deployment files are UTF-8 (YAML, TOML,
// nginx and systemd read them so), and the scenario written from them must be.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80                        ? 1
                     : (c >> 5) == 0x6 && c >= 0xc2  ? 2
                     : (c >> 4) == 0xe               ? 3
                     : (c >> 3) == 0x1e && c <= 0xf4 ? 4
                                                     : 0;
    if (n == 0 || i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return i;
    if (n == 3) {  // no overlong forms, no surrogates
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) return i;
    }
    if (n == 4) {  // no overlong forms, nothing past U+10FFFF
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90)) return i;
    }
    i += n;
  }
  return std::string_view::npos;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    const size_t bad = first_invalid_utf8(s);
    out += s.substr(0, bad);
    if (bad == std::string_view::npos) break;
    out += "\xEF\xBF\xBD";  // U+FFFD for the byte that does not start a character
    s.remove_prefix(bad + 1);
  }
  return out;
}

std::string printable_text(std::string_view s, std::string_view control_as) {
  std::string out;
  for (const char c : valid_utf8(s)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      out += control_as;
    else
      out += c;
  }
  return out;
}

void Report::add(EntryKind kind, const SourcePos& pos, const std::string& message) {
  // A message quotes the file, which may hold control characters (a NUL cut the printed report
  // short, a line break would split an entry).
  entries.push_back({kind, pos, printable_text(message, "\xEF\xBF\xBD")});
}

std::string toml_str(const std::string& text) {
  // A YAML library may hand over bytes that are not UTF-8 (yaml-cpp did for a NUL in a key).
  return toml_basic_string(valid_utf8(text));
}

std::string size_text(uint64_t bytes) {
  constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;
  if (bytes >= GiB && bytes % GiB == 0) return fmt::format("\"{}GiB\"", bytes / GiB);
  if (bytes >= MiB && bytes % MiB == 0) return fmt::format("\"{}MiB\"", bytes / MiB);
  if (bytes >= KiB && bytes % KiB == 0) return fmt::format("\"{}KiB\"", bytes / KiB);
  if (bytes >= 1000000 && bytes % 1000000 == 0) return fmt::format("\"{}MB\"", bytes / 1000000);
  return fmt::format("\"{}B\"", bytes);
}

std::string duration_text(uint64_t ms) {
  if (ms == 0) return "\"0\"";
  if (ms % 3600000 == 0) return fmt::format("\"{}h\"", ms / 3600000);
  if (ms % 60000 == 0) return fmt::format("\"{}m\"", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("\"{}s\"", ms / 1000);
  return fmt::format("\"{}ms\"", ms);
}

std::optional<std::string> seconds_text(long long secs, long long min, const SourcePos& pos, const std::string& key,
                                        const std::string& text, Report& r) {
  if (secs >= min && secs <= max_file_seconds) return duration_text(static_cast<uint64_t>(secs) * 1000);
  r.error(pos, r.w.format("import.out_of_range", key, text, min, max_file_seconds));
  return std::nullopt;
}

namespace {

// "1.5" and the rest ("g"); nullopt when it does not start with a number.
std::optional<std::pair<double, std::string>> number_unit(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  try {
    return std::make_pair(std::stod(text.substr(0, i)), text.substr(i));
  } catch (...) {
    return std::nullopt;
  }
}

// A number of bytes the scenario can hold (its sizes stop below 9e18 bytes, scenario_values.cpp's
// parse_size); nullopt for more, for a negative one and for one that is not a number.
std::optional<uint64_t> whole_bytes(double bytes) {
  const double rounded = std::round(bytes);
  if (!(rounded >= 0 && rounded < 9.0e18)) return std::nullopt;
  return static_cast<uint64_t>(rounded);
}

}  // namespace

std::optional<int> port_number(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int port = std::stoi(text);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

// Docker's RAMInBytes (docker/go-units size.go), which compose-go reads mem_limit and
// deploy.resources.limits.memory with: a number, at most one space, then nothing, "b", or one of
// k m g t p (powers of 1024) followed by nothing, "b" or "ib", all case-insensitive ("512m",
// "512MiB", "1GB", "512 m", "1.5g").
std::optional<uint64_t> parse_docker_size(const std::string& text) {
  const auto nu = number_unit(text);
  if (!nu) return std::nullopt;
  std::string unit;
  for (const char c : nu->second) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.starts_with(' ')) unit.erase(0, 1);
  if (unit.empty() || unit == "b") return whole_bytes(nu->first);
  static const std::string prefixes = "kmgtp";
  const size_t power = prefixes.find(unit[0]);
  if (power == std::string::npos || unit.size() > 3) return std::nullopt;
  if (const std::string rest = unit.substr(1); !(rest.empty() || rest == "b" || rest == "ib")) return std::nullopt;
  return whole_bytes(nu->first * std::pow(1024.0, static_cast<double>(power + 1)));
}

// A Kubernetes quantity as k8s.io/apimachinery's resource.Quantity reads it: a signed number
// (digits, "1.5", "1.", ".5") and one suffix, a binary one (Ki Mi Gi Ti Pi Ei), a decimal one
// (m "" k M G T P E) or a decimal exponent (e3, E-2); never two ("1e3M" is refused). A fraction
// of a byte is rounded up, as Quantity.Value() does ("100m" is 1 byte).
std::optional<uint64_t> parse_k8s_quantity(const std::string& text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0, dots = 0;
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'); ++i)
    (text[i] == '.' ? dots : digits) += 1;
  if (digits == 0 || dots > 1) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(text.substr(0, i));
  } catch (...) {
    return std::nullopt;
  }
  const std::string suffix = text.substr(i);
  static const std::pair<const char*, double> units[] = {
      {"Ki", 0x1p10}, {"Mi", 0x1p20}, {"Gi", 0x1p30}, {"Ti", 0x1p40}, {"Pi", 0x1p50}, {"Ei", 0x1p60}, {"m", 1e-3},
      {"", 1},        {"k", 1e3},     {"M", 1e6},     {"G", 1e9},     {"T", 1e12},    {"P", 1e15},    {"E", 1e18}};
  double mult = 0;
  for (const auto& [u, m] : units)
    if (suffix == u) mult = m;
  if (mult == 0 && suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    size_t k = 1;
    if (suffix[k] == '+' || suffix[k] == '-') ++k;
    if (k == suffix.size() || k + 3 < suffix.size() ||
        !std::all_of(suffix.begin() + static_cast<std::ptrdiff_t>(k), suffix.end(),
                     [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
      return std::nullopt;
    mult = std::pow(10.0, std::stoi(suffix.substr(1)));
  }
  if (mult == 0) return std::nullopt;
  const double bytes = number * mult;
  const double nearest = std::round(bytes);
  return whole_bytes(std::fabs(bytes - nearest) <= 1e-9 * std::max(1.0, bytes) ? nearest : std::ceil(bytes));
}

std::optional<uint64_t> parse_compose_duration_ms(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) ++j;
    if (j == i) return std::nullopt;
    double v = 0;
    try {
      v = std::stod(text.substr(i, j - i));
    } catch (...) {
      return std::nullopt;
    }
    size_t k = j;
    while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
    const std::string unit = text.substr(j, k - j);
    double mult = 0;
    if (unit.empty() && !any && k == text.size())
      mult = 1000;  // a bare number: seconds
    else if (unit == "h")
      mult = 3600000;
    else if (unit == "m")
      mult = 60000;
    else if (unit == "s")
      mult = 1000;
    else if (unit == "ms")
      mult = 1;
    else if (unit == "us")
      mult = 0.001;
    else if (unit == "ns")
      mult = 0.000001;
    else
      return std::nullopt;
    total += v * mult;
    any = true;
    i = k;
  }
  if (!(total < 9.0e18)) return UINT64_MAX;  // longer than anything: the callers' range check says so
  return static_cast<uint64_t>(std::llround(total));
}

std::optional<std::string> compose_duration_text(const std::string& text, uint64_t min_ms, const SourcePos& pos,
                                                 const std::string& key, const char* examples, Report& r) {
  const auto ms = parse_compose_duration_ms(text);
  if (!ms || *ms < min_ms) {
    r.error(pos, r.w.format("import.bad_value", key, text, examples));
    return std::nullopt;
  }
  constexpr auto max_ms = static_cast<uint64_t>(max_file_seconds) * 1000;
  if (*ms > max_ms) {
    const auto unquoted = [](const std::string& quoted) { return quoted.substr(1, quoted.size() - 2); };
    r.error(pos, r.w.format("import.out_of_range", key, text, unquoted(duration_text(min_ms)),
                            unquoted(duration_text(max_ms))));
    return std::nullopt;
  }
  return duration_text(*ms);
}

std::string node_name(const std::string& name) {
  std::string out;
  for (const char c : name) out += (c == '/' || c == ' ' || c == '"') ? '-' : c;
  return out.empty() ? "app" : out;
}

std::string registered_domain(const std::string& domain) {
  std::string d = domain.starts_with("*.") ? domain.substr(2) : domain;
  const auto last = d.rfind('.');
  if (last == std::string::npos || last == 0) return d;
  const auto prev = d.rfind('.', last - 1);
  return prev == std::string::npos ? d : d.substr(prev + 1);
}

bool valid_domain(const std::string& name) {
  // The scenario's rules (is_domain_name), and more: a dot, and no underscore.
  return name.find('.') != std::string::npos && name.find('_') == std::string::npos && is_domain_name(name, true);
}

}  // namespace deploysim::import
