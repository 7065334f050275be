// The GUI's settings.json (hand-edited by users): the same checks load_settings makes, on the
// text, without renaming or writing any file.
#include <string>

#include "fuzz_entry.hpp"
#include "gui/shell/settings.hpp"

namespace deploysim::fuzz {

int run_settings(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  bool not_json = false;
  const gui::LoadedSettings loaded = gui::parse_settings(text, "settings.json", &not_json);
  require(!not_json || !loaded.problem.empty(), "text that is not JSON is reported");
  const gui::Settings& s = loaded.settings;
  require(s.font_scale >= 0.5f && s.font_scale <= 3.0f, "font_scale stays in 0.5..3");
  require(s.speed >= 0.01 && s.speed <= 1e6, "speed stays in 0.01..1e6");
  require(s.recent.size() <= gui::max_recent, "at most max_recent recent files");
  return 0;
}

}  // namespace deploysim::fuzz
