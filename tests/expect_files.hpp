#pragma once
// The broken example files of a folder under tests/ (scenarios/broken, lessons/broken, ...), each
// with the located error it expects: its first line, "# expect: LINE:COLUMN: message".
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace deploysim::test {

struct ExpectFile {
  std::filesystem::path path;
  std::string expected;  ///< "PATH:LINE:COLUMN: message", as ScenarioError::to_string() gives it.
};

/// The .toml files of tests/`folder`, in name order.
inline std::vector<ExpectFile> expect_files(const std::string& folder) {
  std::vector<ExpectFile> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DEPLOYSIM_TEST_DIR) / folder))
    if (e.path().extension() == ".toml") out.push_back({e.path(), {}});
  std::sort(out.begin(), out.end(), [](const ExpectFile& a, const ExpectFile& b) { return a.path < b.path; });
  for (ExpectFile& f : out) {
    std::ifstream in(f.path);
    std::string first;
    std::getline(in, first);
    CAPTURE(f.path);
    REQUIRE(first.starts_with("# expect: "));
    f.expected = f.path.string() + ":" + first.substr(10);
  }
  return out;
}

}  // namespace deploysim::test
