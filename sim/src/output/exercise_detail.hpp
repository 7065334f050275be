#pragma once
#include <string>
#include <toml++/toml.h>

#include "deploysim/scenario.hpp"

// Shared by exercise.cpp (reading) and exercise_grade.cpp (judging).
namespace deploysim::exercise_detail {

/// A located error at a TOML node's position.
ScenarioError located(const std::string& file, const toml::source_region& where, std::string msg);
/// A TOML value written back as TOML text ("3", "\"15s\"", "true", "[ 1, 2 ]").
std::string node_text(const toml::node& n);

}  // namespace deploysim::exercise_detail
