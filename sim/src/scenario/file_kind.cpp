// Telling lessons, exercises and scenarios apart by content, for a file given on the command
// line, dropped on the window or picked in the file browser.
#include "deploysim/file_kind.hpp"

#include <fstream>
#include <sstream>

#include "scenario/scenario_sections.hpp"

namespace deploysim {

FileKind detect_file_kind_text(std::string_view text) {
  try {
    detail::check_key_depth(text, detail::LoadContext{});  // toml++ recurses once per dotted part
    const toml::table root = toml::parse(text, std::string_view("file"));
    if (root.get_as<toml::table>("lesson")) return FileKind::lesson;
    if (root.get_as<toml::table>("exercise")) return FileKind::exercise;
    return FileKind::scenario;
  } catch (const toml::parse_error&) {
  } catch (const detail::LoadFailure&) {}
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    line.erase(0, line.find_first_not_of(" \t"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line == "[lesson]") return FileKind::lesson;
    if (line == "[exercise]") return FileKind::exercise;
  }
  return FileKind::scenario;
}

FileKind detect_file_kind(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileKind::scenario;
  std::stringstream text;
  text << in.rdbuf();
  return detect_file_kind_text(text.str());
}

}  // namespace deploysim
