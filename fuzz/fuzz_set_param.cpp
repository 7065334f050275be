// The what-if path (the GUI's parameter widgets, exercise files' [[param]] and [solution], and
// `record-tls` edits): set_param(scenario, PATH, VALUE) on a shipped scenario, then the changed
// scenario written back as a file (the GUI's "Save as"). Input: the first byte picks the shipped
// scenario; then lines "PATH = VALUE", VALUE as TOML text, applied one after another.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "deploysim/assets.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/scenario_write.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

namespace {

const std::vector<Scenario>& shipped() {
  static const std::vector<Scenario> all = [] {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(assets_dir()) / "scenarios"))
      if (e.path().extension() == ".toml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    std::vector<Scenario> out;
    for (const std::string& f : files) {
      LoadResult r = load_scenario_file(f);
      require(r.scenario.has_value(), "every shipped scenario loads");
      out.push_back(std::move(*r.scenario));
    }
    return out;
  }();
  return all;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void init_set_param() {
  (void)shipped();
  (void)shipped_messages("en");
}

int run_set_param(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<Scenario>& scenarios = shipped();
  Scenario current = scenarios[data[0] % scenarios.size()];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  bool changed = false;
  for (int edits = 0; !rest.empty() && edits < 8; ++edits) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    LoadResult r = set_param(current, trimmed(line.substr(0, eq)), trimmed(line.substr(eq + 1)));
    require(r.scenario.has_value() != r.error.has_value(), "set_param gives a scenario or an error");
    if (r.error) {
      require(!r.error->message.empty() && !r.error->to_string().empty(), "a set_param error has a message");
      continue;
    }
    current = std::move(*r.scenario);
    changed = true;
  }
  if (!changed) return 0;
  const ScenarioText written = write_scenario_text(current, shipped_messages("en"));
  require(written.text.empty() == written.error.has_value(), "a written scenario gives a text or an error");
  if (!written.error) {
    // write_scenario_text promises that its text loads as the same scenario.
    const LoadResult back = load_scenario_text(written.text, current.source_path);
    require(back.scenario.has_value(), "a written what-if scenario loads again");
  }
  return 0;
}

}  // namespace deploysim::fuzz
