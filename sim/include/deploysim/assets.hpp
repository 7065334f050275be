#pragma once
#include <string>

namespace deploysim {

/// Where the shipped assets (scenarios, lessons, narration, sources.toml) are: $DEPLOYSIM_ASSETS
/// when set, else the directory given to set_assets_dir() (the program's installed share
/// directory), else the source tree's assets/ this library was built from.
std::string assets_dir();

/// Uses `dir` as the assets directory unless $DEPLOYSIM_ASSETS is set (call at start-up, before
/// any thread reads it).
void set_assets_dir(std::string dir);

/// The scenario file a lesson or an exercise names: an absolute path as it is; a relative one
/// beside the file that names it (`from`: a teacher hands out a lesson and its scenario together),
/// else in the assets' scenarios/ (the shipped ones). `looked` gets the places it looked, for a
/// "not found" message.
std::string find_scenario(const std::string& name, const std::string& from, std::string* looked = nullptr);

}  // namespace deploysim
