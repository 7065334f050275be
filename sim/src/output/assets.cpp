#include "deploysim/assets.hpp"

#include <cstdlib>
#include <utility>

namespace deploysim {

namespace {

// Set once at start-up by the program (its installed share directory); read-only afterwards.
std::string installed_dir;

}  // namespace

std::string assets_dir() {
  if (const char* env = std::getenv("DEPLOYSIM_ASSETS"); env && *env) return env;
  if (!installed_dir.empty()) return installed_dir;
  return DEPLOYSIM_ASSETS_DIR;
}

void set_assets_dir(std::string dir) { installed_dir = std::move(dir); }

}  // namespace deploysim
