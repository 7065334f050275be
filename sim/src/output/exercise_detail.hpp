#pragma once
#include <string>
#include <string_view>
#include <toml++/toml.h>

#include "deploysim/lesson.hpp"
#include "deploysim/scenario.hpp"

// Shared by exercise.cpp (reading), exercise_grade.cpp (judging) and lesson.cpp.
namespace deploysim::exercise_detail {

/// A located error at a TOML node's position.
ScenarioError located(const std::string& file, const toml::source_region& where, std::string msg);
/// A value of the wrong type, at the value: "'KEY' in WHERE must be EXPECTED, got GOT", where
/// WHERE is the table as the file writes it ("[[goal]]", "[step.question]", "the exercise file").
ScenarioError wrong_type(const std::string& file, const toml::node& n, std::string_view key, std::string_view where,
                         std::string_view expected);
/// An entry of the wrong type in an array, at the entry: "..., got integer 3 in it".
ScenarioError wrong_entry(const std::string& file, const toml::node& entry, std::string_view key,
                          std::string_view where, std::string_view expected);
/// A TOML value written back as TOML text ("3", "\"15s\"", "true", "[ 1, 2 ]").
std::string node_text(const toml::node& n);
/// The `[source.ID]` tables of a lesson or exercise file (a title and a url each) into `own`; an
/// id the catalogue has already is an error.
std::optional<ScenarioError> read_own_sources(const toml::table& root, const std::string& path,
                                              const SourceCatalogue& catalogue, SourceCatalogue& own);

}  // namespace deploysim::exercise_detail
