#include "settings.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace deploysim::gui {

std::string config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/deploysim";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/deploysim";
  return {};
}

Settings load_settings(const std::string& dir) {
  Settings s;
  std::ifstream in(dir + "/settings.json");
  if (!in) return s;
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object()) return s;
  s.presenter = j.value("presenter", s.presenter);
  s.font_scale = std::clamp(j.value("font_scale", s.font_scale), 0.5f, 3.0f);
  s.speed = std::clamp(j.value("speed", s.speed), 0.01, 1e6);
  s.stage_filter = j.value("stage_filter", s.stage_filter) & all_stages;
  s.last_scenario = j.value("last_scenario", s.last_scenario);
  s.show_trails = j.value("show_trails", s.show_trails);
  s.language = j.value("language", s.language);
  return s;
}

bool save_settings(const std::string& dir, const Settings& s) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return false;
  const nlohmann::json j = {{"presenter", s.presenter},       {"font_scale", s.font_scale},
                            {"speed", s.speed},               {"stage_filter", s.stage_filter},
                            {"last_scenario", s.last_scenario}, {"show_trails", s.show_trails},
                            {"language", s.language}};
  std::ofstream out(dir + "/settings.json");
  out << j.dump(2) << '\n';
  return static_cast<bool>(out);
}

}  // namespace deploysim::gui
