#include "lifecycle/versions.hpp"

#include <charconv>
#include <fmt/format.h>

namespace deploysim {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Version::to_string() const { return fmt::format("{}.{}.{}", major, minor, patch); }

std::optional<Version> parse_version(std::string_view text) {
  text = trim(text);
  uint32_t parts[3] = {0, 0, 0};
  int n = 0;
  while (true) {
    if (n == 3 || text.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), parts[n]);
    if (ec != std::errc{} || p == text.data()) return std::nullopt;
    ++n;
    text.remove_prefix(static_cast<size_t>(p - text.data()));
    if (text.empty()) break;
    if (text.front() != '.') return std::nullopt;
    text.remove_prefix(1);
  }
  return Version{parts[0], parts[1], parts[2]};
}

bool VersionConstraint::allows(const Version& v) const {
  for (const VersionClause& c : clauses) {
    using Op = VersionClause::Op;
    bool ok = false;
    switch (c.op) {
      case Op::eq:
        ok = v == c.v;
        break;
      case Op::ne:
        ok = v != c.v;
        break;
      case Op::ge:
        ok = v >= c.v;
        break;
      case Op::gt:
        ok = v > c.v;
        break;
      case Op::le:
        ok = v <= c.v;
        break;
      case Op::lt:
        ok = v < c.v;
        break;
      // PEP 440 "~=0.45.0" means >=0.45.0,==0.45.*.
      case Op::compatible:
        ok = v >= c.v && v.major == c.v.major && v.minor == c.v.minor;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::optional<VersionConstraint> parse_constraint(std::string_view text, std::string* error) {
  VersionConstraint out;
  text = trim(text);
  if (text.empty()) return out;
  while (true) {
    const size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    struct OpText {
      std::string_view s;
      VersionClause::Op op;
    };
    static constexpr OpText ops[] = {{"==", VersionClause::Op::eq},         {"!=", VersionClause::Op::ne},
                                     {">=", VersionClause::Op::ge},         {"<=", VersionClause::Op::le},
                                     {"~=", VersionClause::Op::compatible}, {">", VersionClause::Op::gt},
                                     {"<", VersionClause::Op::lt}};
    bool matched = false;
    for (const OpText& o : ops) {
      if (part.substr(0, o.s.size()) != o.s) continue;
      auto v = parse_version(part.substr(o.s.size()));
      if (!v) break;
      out.clauses.push_back({o.op, *v});
      matched = true;
      break;
    }
    if (!matched) {
      if (error)
        *error = fmt::format(
            "expected a version constraint such as \"==0.45.0\" or "
            "\">=0.45.0,<0.46.0\", got \"{}\"",
            part);
      return std::nullopt;
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Resolution resolve(const DependencySpec& dep, const std::vector<PackageSpec>& catalogue, Time at,
                   std::optional<Version> from) {
  Resolution res;
  auto constraint = parse_constraint(dep.constraint);
  if (!constraint) return res;
  const PackageSpec* pkg = nullptr;
  for (const PackageSpec& p : catalogue)
    if (p.name == dep.package) pkg = &p;
  if (!pkg) return res;
  for (const ReleaseSpec& r : pkg->releases) {
    auto v = parse_version(r.version);
    if (!v || r.published > at || !constraint->allows(*v)) continue;
    if (!res.found || *v > res.version) res.version = *v;
    res.found = true;
  }
  if (res.found && from)
    for (const ReleaseSpec& r : pkg->releases) {
      auto v = parse_version(r.version);
      if (v && r.breaking && *v > *from && *v <= res.version) res.breaking_since = true;
    }
  return res;
}

}  // namespace deploysim
