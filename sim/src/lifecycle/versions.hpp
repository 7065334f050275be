#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"

namespace deploysim {

// Package versions and the PEP 440 subset a requirements file uses for pinning
// (`==0.45.0`, `==0.45.*`, `>=0.45.0,<0.46.0`, `>=0.45.0`, `~=0.45.0`, `~=0.45`, `!=0.46.0`).

/// A release number "major.minor.patch" (missing parts are 0).
struct Version {
  uint32_t major = 0;  ///< Major.
  uint32_t minor = 0;  ///< Minor: breaking changes in 0.x (FastAPI "About versions").
  uint32_t patch = 0;  ///< Patch: fixes only.
  auto operator<=>(const Version&) const = default;
  /// "0.45.0".
  std::string to_string() const;
};

/// Parses "0.45.0", "0.45", "1"; nullopt when not a version.
std::optional<Version> parse_version(std::string_view text);

/// One comparison of a constraint.
struct VersionClause {
  enum class Op : uint8_t { eq, ne, ge, gt, le, lt, compatible } op = Op::eq;  ///< ==, !=, >=, >, <=, <, ~=.
  Version v;                                                                   ///< Right-hand side.
  uint8_t parts = 3;      ///< How many parts the right-hand side spelled ("0.45" = 2).
  bool wildcard = false;  ///< "==0.45.*" / "!=0.45.*": the spelled parts are a prefix.
};

/// A constraint: all clauses must hold (comma = and). An empty constraint accepts everything.
struct VersionConstraint {
  std::vector<VersionClause> clauses;  ///< Clauses.
  /// Whether `v` satisfies every clause.
  bool allows(const Version& v) const;
};

/// Parses ">=0.45.0,<0.46.0"; on error returns nullopt and sets `error` to what was expected.
std::optional<VersionConstraint> parse_constraint(std::string_view text, std::string* error = nullptr);

/// The outcome of resolving one dependency against a package catalogue at a time.
struct Resolution {
  bool found = false;           ///< A release satisfies the constraint.
  Version version;              ///< The newest such release published by then.
  bool breaking_since = false;  ///< A breaking release lies in (from, version] (see resolve()).
};

/// Resolves `dep` against the releases of its package published at or before `at`, choosing the
/// newest allowed one (what `pip install` does). `from`, when given, is the version currently
/// installed: breaking_since tells whether the upgrade crosses a breaking release.
Resolution resolve(const DependencySpec& dep, const std::vector<PackageSpec>& catalogue, Time at,
                   std::optional<Version> from = std::nullopt);

}  // namespace deploysim
