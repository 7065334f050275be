// The program's words per language (assets/i18n/<lang>.toml and its <lang>.<part>.toml files):
// nested tables flattened to dotted keys, English underneath every other language.
#include "deploysim/messages.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "deploysim/assets.hpp"
#include "deploysim/error_texts.hpp"
#include "deploysim/korean.hpp"
#include "deploysim/scenario.hpp"
#include "output/toml_text.hpp"

namespace deploysim {

namespace {

bool flatten(const toml::table& t, const std::string& prefix, const std::string& name,
             std::map<std::string, std::string, std::less<>>& out, std::string* error) {
  for (const auto& [key, node] : t) {
    const std::string full = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      if (!flatten(*sub, full, name, out, error)) return false;
    } else if (const auto* s = node.as_string()) {
      out.emplace(full, s->get());
    } else {
      if (error)
        *error = fmt::format("{}:{}:{}: \"{}\" must be a text (a string) or a table of texts", name,
                             node.source().begin.line, node.source().begin.column, full);
      return false;
    }
  }
  return true;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The files `<prefix>*.toml` in dir but `<prefix>toml` itself, in name order.
std::vector<std::string> part_files(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".toml") && name != prefix + "toml")
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string Messages::default_dir() { return assets_dir() + "/i18n"; }

std::vector<std::string> Messages::languages(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    // <lang>.toml; not the <lang>.<part>.toml files beside it (ko.errors.toml).
    if (e.path().extension() == ".toml" && e.path().stem().extension().empty()) out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Messages::language_name(std::string_view lang, const std::string& dir) {
  const auto text = read_file(fmt::format("{}/{}.toml", dir, lang));
  const auto m = text ? parse(*text, std::string(lang), nullptr) : std::nullopt;
  return m && m->has("language.name") ? (*m)("language.name") : std::string(lang);
}

std::string Messages::system_language(const std::string& dir) {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (!v || !*v) continue;
    const std::string value = v;
    const std::string code = value.substr(0, value.find_first_of("_.@"));
    const std::vector<std::string> have = languages(dir);
    return std::find(have.begin(), have.end(), code) != have.end() ? code : "en";
  }
  return "en";
}

std::optional<Messages> Messages::parse(std::string_view text, const std::string& name, std::string* error) {
  const auto parsed = parse_toml_text(text, name, error);
  if (!parsed) return std::nullopt;
  Messages m;
  if (!flatten(*parsed, "", name, m.own_, error)) return std::nullopt;
  m.read_units();
  return m;
}

std::optional<Messages> Messages::load(std::string_view lang, std::string* error, const std::string& dir) {
  auto one = [&](std::string_view l) -> std::optional<Messages> {
    const std::string path = fmt::format("{}/{}.toml", dir, l);
    const auto text = read_file(path);
    if (!text) {
      if (error)
        *error =
            fmt::format("{}:1:1: cannot open the language file (languages: {})", path, fmt::join(languages(dir), ", "));
      return std::nullopt;
    }
    auto m = parse(*text, path, error);
    if (!m) return std::nullopt;
    // Then every <lang>.<part>.toml (sorted) but the error texts, so no file grows past what one
    // translator reads through; a key in two files is an error.
    const std::string errors_prefix = fmt::format("{}.errors.", l);
    std::vector<std::string> parts;
    for (std::string& p : part_files(dir, fmt::format("{}.", l)))
      if (!std::filesystem::path(p).filename().string().starts_with(errors_prefix)) parts.push_back(std::move(p));
    for (const std::string& part_path : parts) {
      const auto part_text = read_file(part_path);
      auto part = part_text ? parse(*part_text, part_path, error) : std::nullopt;
      if (!part) return std::nullopt;
      for (auto& [key, value] : part->own_)
        if (!m->own_.emplace(key, std::move(value)).second) {
          if (error) *error = fmt::format("{}:1:1: \"{}\" is already defined in another {} file", part_path, key, l);
          return std::nullopt;
        }
    }
    m->read_units();
    return m;
  };
  auto m = one(lang);
  if (!m) return std::nullopt;
  m->lang_ = std::string(lang);
  if (lang != "en") {
    auto en = one("en");
    if (!en) return std::nullopt;
    m->english_ = std::move(en->own_);
    m->read_units();  // a unit this language lacks reads in English
    // <lang>.errors.toml, then its parts <lang>.errors.<part>.toml in name order.
    std::vector<std::string> error_files{fmt::format("{}/{}.errors.toml", dir, lang)};
    const std::vector<std::string> more = part_files(dir, fmt::format("{}.errors.", lang));
    error_files.insert(error_files.end(), more.begin(), more.end());
    std::optional<ErrorTexts> all;
    for (const std::string& errors_path : error_files) {
      const auto text = read_file(errors_path);
      if (!text) continue;
      auto errors = ErrorTexts::parse(*text, errors_path, std::string(lang), error);
      if (!errors) return std::nullopt;
      if (all)
        all->append(std::move(*errors));
      else
        all = std::move(errors);
    }
    if (all) {
      all->set_units(m->units_);
      m->errors_ = std::make_shared<const ErrorTexts>(std::move(*all));
    }
  }
  return m;
}

const std::string& Messages::operator()(std::string_view key) const {
  if (auto it = own_.find(key); it != own_.end()) return it->second;
  if (auto it = english_.find(key); it != english_.end()) return it->second;
  return unknown_;
}

std::string Messages::error(std::string_view english) const {
  return errors_ ? errors_->translate(english) : std::string(english);
}

std::string Messages::detail(std::string_view key) const {
  const std::string& text = (*this)(fmt::format("detail.{}", key));
  return &text == &unknown_ ? std::string(key) : text;
}

std::string Messages::record(std::string_view kind) const {
  const std::string& text = (*this)(fmt::format("record.{}", kind));
  return &text == &unknown_ ? std::string(kind) : text;
}

std::string ScenarioError::to_string(const Messages& words) const {
  if (line == 0) return fmt::format("{}: {}", file, words.error(message));
  return fmt::format("{}:{}:{}: {}", file, line, column, words.error(message));
}

const std::string& Messages::stage(Stage s) const {
  // Literal keys, in Stage order, so that tests/test_messages.cpp finds them in the code.
  static constexpr const char* keys[] = {"stage.dns",    "stage.tcp",     "stage.tls",        "stage.http",
                                         "stage.proxy",  "stage.process", "stage.supervisor", "stage.cert",
                                         "stage.memory", "stage.deploy",  "stage.client",     "stage.fault"};
  static_assert(sizeof(keys) / sizeof(keys[0]) == static_cast<size_t>(Stage::count));
  const auto i = static_cast<size_t>(s);
  return i < static_cast<size_t>(Stage::count) ? (*this)(keys[i]) : (*this)("stage.unknown");
}

const std::string& Messages::proc_state(ProcState s) const {
  // Literal keys, in ProcState order (tests/test_messages.cpp finds them in the code).
  static constexpr const char* keys[] = {"proc.none",    "proc.starting", "proc.running",     "proc.hung",
                                         "proc.exited",  "proc.crashed",  "proc.backing_off", "proc.failed",
                                         "proc.stopped", "proc.stopping"};
  const auto i = static_cast<size_t>(s);
  return (*this)(i < std::size(keys) ? keys[i] : keys[0]);
}

std::string Messages::percent(double value, int decimals) const {
  return fmt::format(fmt::runtime((*this)("units.percent")), fmt::format("{:.{}f}", value, decimals));
}

// Read once per catalogue: durations are formatted on every narrated record and every frame.
void Messages::read_units() {
  for (auto [key, field] :
       {std::pair{"units.ns", &units_.ns}, std::pair{"units.us", &units_.us}, std::pair{"units.ms", &units_.ms},
        std::pair{"units.s", &units_.s}, std::pair{"units.min", &units_.min}, std::pair{"units.h", &units_.h},
        std::pair{"units.d", &units_.d}})
    if (const std::string& text = (*this)(key); &text != &unknown_) *field = text;  // else English's default
}

std::optional<std::string> with_particle_fields(std::string_view templ, const std::vector<std::string>& texts) {
  std::string out;
  bool any = false;
  size_t next = 0;  // the argument of the next automatic field
  for (size_t i = 0; i < templ.size();) {
    const char c = templ[i];
    if ((c == '{' || c == '}') && i + 1 < templ.size() && templ[i + 1] == c) {  // {{ or }}
      out.append(templ.substr(i, 2));
      i += 2;
      continue;
    }
    const size_t close = c == '{' ? templ.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += c;
      ++i;
      continue;
    }
    const std::string_view field = templ.substr(i + 1, close - i - 1);
    const size_t colon = field.find(':');
    const std::string_view id = field.substr(0, colon);
    const std::string_view spec = colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);
    size_t index = next;
    if (id.empty())
      ++next;
    else if (std::all_of(id.begin(), id.end(), [](char d) { return d >= '0' && d <= '9'; }))
      index = static_cast<size_t>(std::stoul(std::string(id)));
    else
      return std::nullopt;  // a named field: not this scheme
    if (spec.find('/') != std::string_view::npos && index < texts.size()) {
      any = true;
      for (const char t : with_particle(texts[index], spec)) {
        out += t;
        if (t == '{' || t == '}') out += t;  // the value's own braces, as text
      }
    } else {
      out += fmt::format("{{{}{}{}}}", index, spec.empty() ? "" : ":", spec);
    }
    i = close + 1;
  }
  if (!any) return std::nullopt;
  return out;
}

}  // namespace deploysim
