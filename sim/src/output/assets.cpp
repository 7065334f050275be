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
  if (looked && !fs::exists(shipped, ec)) {
    // Where it was looked for as full paths ("looked at friday-expiry" said no folder), and the
    // name with ".toml" when that file is there: scenario = "friday-expiry" for friday-expiry.toml.
    const auto full = [](const fs::path& f) {
      std::error_code e;
      const fs::path a = fs::absolute(f, e);
      return (e ? f : a.lexically_normal()).string();
    };
    *looked = (from.empty() ? "" : full(beside) + ", ") + full(shipped);
    if (p.extension() != ".toml") {
      fs::path with = p;
      with += ".toml";
      const fs::path beside_toml = fs::path(from).parent_path() / with;
      const fs::path shipped_toml = fs::path(assets_dir()) / "scenarios" / with;
      if ((!from.empty() && fs::is_regular_file(beside_toml, ec)) || fs::is_regular_file(shipped_toml, ec))
        *looked += "; did you mean '" + with.string() + "'?";
    }
  } else if (looked) {
    *looked = (from.empty() ? "" : beside.string() + ", ") + shipped.string();
  }
  return shipped.string();
}

}  // namespace deploysim
