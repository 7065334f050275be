#include "lifecycle/versions.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace deploysim {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the first `parts` parts of `a` and `b` are equal.
bool same_prefix(const Version& a, const Version& b, int parts) {
  if (parts >= 1 && a.major != b.major) return false;
  if (parts >= 2 && a.minor != b.minor) return false;
  return parts < 3 || a.patch == b.patch;
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
        ok = c.wildcard ? same_prefix(v, c.v, c.parts) : v == c.v;
        break;
      case Op::ne:
        ok = c.wildcard ? !same_prefix(v, c.v, c.parts) : v != c.v;
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
      // PEP 440: "~=0.45.0" means >=0.45.0,==0.45.*; "~=0.45" means >=0.45,==0.*.
      case Op::compatible:
        ok = v >= c.v && same_prefix(v, c.v, c.parts - 1);
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
      std::string_view rhs = trim(part.substr(o.s.size()));
      const bool equality = o.op == VersionClause::Op::eq || o.op == VersionClause::Op::ne;
      const bool wildcard = equality && rhs.ends_with(".*");
      if (wildcard) rhs.remove_suffix(2);
      auto v = parse_version(rhs);
      const auto parts = static_cast<uint8_t>(1 + std::count(rhs.begin(), rhs.end(), '.'));
      // "~=" needs two parts at least (PEP 440, "Compatible release").
      if (!v || (o.op == VersionClause::Op::compatible && parts < 2)) break;
      out.clauses.push_back({o.op, *v, parts, wildcard});
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
