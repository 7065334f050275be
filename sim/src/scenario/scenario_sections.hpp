#pragma once
// The loader's pieces, one concept per file: sections (scenario_load.cpp), services and
// supervisors (scenario_service.cpp), cross-references (scenario_validate.cpp), overrides by
// path (scenario_variants.cpp). Private to sim/src.
#include <string>
#include <vector>

#include "scenario/scenario_reader.hpp"

namespace deploysim::detail {

/// One override: a path and its value, located for errors.
struct Override {
  std::string path;        ///< "service.api.workers".
  std::string value_text;  ///< TOML text of the value ("1", "\"none\"").
  SourcePos pos;           ///< Where errors in it are reported ({} = at the key it replaces).
};

/// Splits a path ("service.api.workers") at its dots.
std::vector<std::string> split_path(std::string_view path);
/// segs[from, from + count) joined with dots.
std::string join(const std::vector<std::string>& segs, size_t from, size_t count);
/// The entry of an array of tables that a path names, and how many segments the name took.
struct EntryMatch {
  toml::table* entry = nullptr;  ///< nullptr: no entry matches.
  size_t taken = 0;              ///< Segments of the path the name took (domains contain dots).
  bool ambiguous = false;        ///< Several entries match `wanted`.
  std::string wanted;            ///< The (lower-cased) name last tried.
};
/// Finds the entry that segs[from..] names: the longest run of segments (leaving the last, the
/// key) equal to an entry's name/domain/origin/host/package/version, or a 0-based index.
/// `names` (when given) collects the entries' names for a "did you mean".
EntryMatch find_entry(toml::array& arr, const std::vector<std::string>& segs, size_t from,
                      std::vector<std::string>* names);
/// Rejects keys with hundreds of dotted parts before toml++ sees them (it would overflow the stack).
void check_key_depth(std::string_view text, const LoadContext& ctx);
/// Reads one [[service]] table.
ServiceSpec read_service(TableReader& r);
/// Reads the whole document into a Scenario (no cross-reference checks).
Scenario read_scenario(LoadContext& ctx, const toml::table& root);
/// Cross-reference and consistency checks; throws LoadFailure on the first problem.
void validate_scenario(const Scenario& sc, const LoadContext& ctx);
/// Applies overrides to a parsed document in place.
void apply_overrides(toml::table& root, const std::vector<Override>& overrides, LoadContext& ctx);
/// Parses, overrides, reads and validates; variants are checked too when `check_variants`.
LoadResult load_with(std::string_view text, const std::string& file, const std::vector<Override>& overrides,
                     const std::string& prefix, bool check_variants);

}  // namespace deploysim::detail
