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

}  // namespace deploysim
