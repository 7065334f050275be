#include "deploysim/assets.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>
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

std::string find_scenario(const std::string& name, const std::string& from, std::string* looked) {
  namespace fs = std::filesystem;
  const fs::path p = name;
  if (p.is_absolute()) {
    if (looked) *looked = p.string();
    return p.string();
  }
  // The error_code form: a name the file system refuses (too long) is "not found", not an exception.
  std::error_code ec;
  const fs::path beside = fs::path(from).parent_path() / p;
  const fs::path shipped = fs::path(assets_dir()) / "scenarios" / p;
  if (!from.empty() && fs::is_regular_file(beside, ec)) return beside.string();
  if (looked) *looked = (from.empty() ? "" : beside.string() + ", ") + shipped.string();
  return shipped.string();
}

}  // namespace deploysim
