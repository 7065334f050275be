#include "gui/shell/settings.hpp"
#include "common/config_dir.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace deploysim::gui {

namespace {

// "line:column" (1-based) of byte `pos` in `text`.
std::string line_col(const std::string& text, size_t pos) {
  pos = std::min(pos, text.size());
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n');
  const size_t start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const size_t col = start == std::string::npos || pos == 0 ? pos + 1 : pos - start;
  return fmt::format("{}:{}", line, col);
}

// Where nlohmann's parser gives up on `text` (its SAX interface has the position that the
// DOM parser's out_of_range exception lacks); 0 when it does not.
size_t stop_position(const std::string& text) {
  struct Stop : nlohmann::json_sax<nlohmann::json> {
    size_t at = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception&) override {
      at = position >= token.size() ? position - token.size() : 0;  // `position` is past the token
      return false;
    }
  } stop;
  nlohmann::json::sax_parse(text, &stop);
  return stop.at;
}

// "progress": {"LESSON-ID": {"done": true, "answers": {"STEP": true, ...}}, ...}. What is well
// formed is kept; `bad(key, expected, after)` names the first thing that is not.
using BadSetting = std::function<void(const std::string& key, const char* expected, const std::string& after)>;

void read_progress(const nlohmann::json& v, std::map<std::string, LessonProgress>& out, const BadSetting& bad) {
  constexpr const char* shape = "an object {\"LESSON-ID\": {\"done\": true, \"answers\": {\"STEP\": true}}}";
  if (!v.is_object()) return bad("progress", shape, "");
  for (const auto& [id, entry] : v.items()) {
    if (!entry.is_object()) {
      bad(id, shape, "progress");
      continue;
    }
    LessonProgress p;
    for (const auto& [key, value] : entry.items()) {
      if (key == "done" && value.is_boolean()) {
        p.done = value.get<bool>();
      } else if (key == "answers" && value.is_object()) {
        for (const auto& [step, right] : value.items()) {
          int n = -1;
          const auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), n);
          if (ec != std::errc() || end != step.data() + step.size() || n < 0 || !right.is_boolean())
            bad(step, "a step number in quotes with true or false, e.g. \"3\": true", id);
          else
            p.answers[n] = right.get<bool>();
        }
      } else {
        bad(key, "\"done\": true or false, or \"answers\": {\"STEP\": true or false}", id);
      }
    }
    out[id] = std::move(p);
  }
}

// Keeps a recent file that still exists, after those already there, up to max_recent.
void add_recent_at_end(Settings& s, const std::string& path) {
  std::error_code ec;
  if (s.recent.size() >= max_recent || !std::filesystem::is_regular_file(path, ec)) return;
  if (std::find(s.recent.begin(), s.recent.end(), path) == s.recent.end()) s.recent.push_back(path);
}

}  // namespace

void add_recent(Settings& s, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return;
  std::string abs = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) abs = path;
  std::erase(s.recent, abs);
  s.recent.insert(s.recent.begin(), abs);
  if (s.recent.size() > max_recent) s.recent.resize(max_recent);
}

void drop_missing_recent(Settings& s) {
  std::erase_if(s.recent, [](const std::string& p) {
    std::error_code ec;
    return !std::filesystem::is_regular_file(p, ec);
  });
}

std::string config_dir() { return user_config_dir(); }

LoadedSettings load_settings(const std::string& dir) {
  const std::string path = dir + "/settings.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream buf;
  buf << in.rdbuf();
  bool not_json = false;
  LoadedSettings out = parse_settings(buf.str(), path, &not_json);
  if (not_json) {
    // Kept for the user to mend: the settings saved on quitting go to settings.json.
    std::error_code ec;
    std::filesystem::rename(path, path + ".broken", ec);
    if (!ec) out.problem += fmt::format(", the file is kept as {}.broken", path);
  }
  return out;
}

LoadedSettings parse_settings(const std::string& text, const std::string& path, bool* not_json) {
  LoadedSettings out;
  Settings& s = out.settings;
  if (not_json) *not_json = false;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    if (not_json) *not_json = true;
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    out.problem =
        fmt::format("{}:{}: not valid JSON ({}); using the default settings", path, line_col(text, at), e.what());
    return out;
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double (1e400): nlohmann cannot hold it and says so without a position.
    // Found by fuzz_settings (it ended the GUI at start): reported and kept as a syntax error is.
    if (not_json) *not_json = true;
    out.problem = fmt::format("{}:{}: not valid JSON ({}); using the default settings", path,
                              line_col(text, stop_position(text)), e.what());
    return out;
  }
  if (!j.is_object()) {
    out.problem =
        fmt::format("{}:1:1: expected a JSON object {{\"key\": value, ...}}; using the default settings", path);
    return out;
  }
  // Each key checked for its type: a wrong one keeps that setting's default, and the first such
  // problem is reported with where the key is.
  // `after`: a key inside whose value this one is (a lesson id in "progress"), to find the right one.
  auto bad = [&](const std::string& key, const char* expected, const std::string& after = {}) {
    if (!out.problem.empty()) return;
    const size_t from = after.empty() ? 0 : text.find('"' + after + '"');
    const size_t at = text.find('"' + key + '"', from == std::string::npos ? 0 : from);
    out.problem = fmt::format("{}:{}: \"{}\" should be {}; using the default for it", path,
                              line_col(text, at == std::string::npos ? 0 : at), key, expected);
  };
  for (const auto& [key, v] : j.items()) {
    if (key == "presenter" || key == "show_trails") {
      if (!v.is_boolean())
        bad(key, "true or false");
      else
        (key == "presenter" ? s.presenter : s.show_trails) = v.get<bool>();
    } else if (key == "font_scale") {
      if (!v.is_number())
        bad(key, "a number from 0.5 to 3");
      else
        s.font_scale = std::clamp(v.get<float>(), 0.5f, 3.0f);
    } else if (key == "speed") {
      if (!v.is_number())
        bad(key, "a number from 0.01 to 1000000");
      else
        s.speed = std::clamp(v.get<double>(), 0.01, 1e6);
    } else if (key == "stage_filter") {
      if (!v.is_number_unsigned())
        bad(key, "a whole number (one bit per stage)");
      else
        s.stage_filter = static_cast<uint32_t>(v.get<uint64_t>()) & all_stages;
    } else if (key == "last_scenario") {
      if (!v.is_string())
        bad(key, "a file path in quotes");
      else
        s.last_scenario = v.get<std::string>();
    } else if (key == "language") {
      const std::vector<std::string> langs = Messages::languages();
      if (!v.is_string() || std::find(langs.begin(), langs.end(), v.get<std::string>()) == langs.end())
        bad(key, fmt::format("one of {} in quotes (assets/i18n)", fmt::join(langs, ", ")).c_str());
      else
        s.language = v.get<std::string>();
    } else if (key == "progress") {
      read_progress(v, s.progress, bad);
    } else if (key == "recent") {
      if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_string(); }))
        bad(key, "a list of file paths in quotes");
      else
        for (const auto& e : v) add_recent_at_end(s, e.get<std::string>());
    } else {
      bad(key,
          "one of presenter, font_scale, speed, stage_filter, last_scenario, show_trails, language, recent, progress "
          "(an "
          "unknown key, ignored)");
    }
  }
  return out;
}

bool save_settings(const std::string& dir, const Settings& s) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return false;
  nlohmann::json j = {{"presenter", s.presenter},
                      {"font_scale", s.font_scale},
                      {"speed", s.speed},
                      {"stage_filter", s.stage_filter},
                      {"last_scenario", s.last_scenario},
                      {"show_trails", s.show_trails},
                      {"recent", s.recent}};
  if (!s.language.empty()) j["language"] = s.language;  // unset: the system's language at each start
  nlohmann::json& progress = j["progress"] = nlohmann::json::object();
  for (const auto& [id, p] : s.progress) {
    nlohmann::json answers = nlohmann::json::object();
    for (const auto& [step, right] : p.answers) answers[std::to_string(step)] = right;
    progress[id] = {{"done", p.done}, {"answers", answers}};
  }
  std::ofstream out(dir + "/settings.json");
  out << j.dump(2) << '\n';
  return static_cast<bool>(out);
}

std::string choose_language(const std::string& flag, const std::string& saved) {
  if (!flag.empty()) return flag;
  return saved.empty() ? Messages::system_language() : saved;
}

}  // namespace deploysim::gui
