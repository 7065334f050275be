#include "cli/language.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config_dir.hpp"
#include "deploysim/columns.hpp"

namespace deploysim::cli {

namespace {

bool has_catalogue(const std::string& lang) {
  const std::vector<std::string> langs = Messages::languages();
  return std::find(langs.begin(), langs.end(), lang) != langs.end();
}

// CLI11's labels, by the key it asks its formatter for, and the catalogue key of each.
constexpr std::pair<const char*, const char*> labels[] = {{"Usage", "cli_help.usage"},
                                                          {"OPTIONS", "cli_help.options_badge"},
                                                          {"SUBCOMMAND", "cli_help.subcommand"},
                                                          {"SUBCOMMANDS", "cli_help.subcommand"},
                                                          {"Positionals", "cli_help.positionals"},
                                                          {"REQUIRED", "cli_help.required"},
                                                          {"Excludes", "cli_help.excludes"},
                                                          {"Needs", "cli_help.needs"},
                                                          {"Env", "cli_help.env"},
                                                          {"TEXT", "cli_help.text"},
                                                          {"UINT", "cli_help.uint"},
                                                          {"INT", "cli_help.int"},
                                                          {"FLOAT", "cli_help.float"}};

// Positional arguments' names as the help shows them ("file" is the key the parser uses).
constexpr std::pair<const char*, const char*> positionals[] = {
    {"file", "cli_help.pos_file"},     {"files", "cli_help.pos_files"}, {"scenario", "cli_help.pos_scenario"},
    {"lesson", "cli_help.pos_lesson"}, {"paths", "cli_help.pos_paths"}, {"id", "cli_help.pos_id"}};

// CLI11's formatter, with columns counted as a terminal shows them (Hangul takes two), the
// positionals' names in the language, and no backticks (the English help has none either).
class Formatter : public CLI::Formatter {
 public:
  explicit Formatter(const Messages& words) : words_(words) {}
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string desc = make_option_desc(opt);
    std::string out = pad_columns(name, column_width_);
    if (!desc.empty()) {
      if (columns_of(name) >= column_width_) out += "\n" + std::string(column_width_, ' ');
      for (const char c : desc) {
        if (c == '`') continue;  // the catalogue's marks around terms kept in English (docs/translating.md)
        out += c;
        if (c == '\n') out += std::string(column_width_, ' ');
      }
    }
    return out + "\n";
  }
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    if (is_positional)
      for (const auto& [name, key] : positionals)
        if (opt->get_name(true, false) == name) return words_(key);
    return CLI::Formatter::make_option_name(opt, is_positional);
  }

 private:
  const Messages& words_;
};

void localize_app(CLI::App& app, const Messages& words, const std::shared_ptr<Formatter>& formatter) {
  app.formatter(formatter);
  if (CLI::Option* help = app.get_help_ptr()) help->description(words("cli_help.help"));
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_group() == "Options") opt->group(words("cli_help.options"));
    // "TEXT:{en,ko}": the type in the language, the validator's own text kept.
    const std::string type = opt->get_type_name();
    const std::string base = type.substr(0, type.find(':'));
    for (const auto& [label, key] : labels)
      if (base == label && type != base) opt->type_name(words(key));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group(words("cli_help.subcommands"));
    localize_app(*sub, words, formatter);
  }
}

}  // namespace

std::string saved_language(const std::string& config_dir) {
  if (config_dir.empty()) return {};
  std::ifstream in(config_dir + "/settings.json", std::ios::binary);
  if (!in) return {};
  // A broken file is the window's to report (and keep); here it only means "nothing saved".
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("language") || !j["language"].is_string()) return {};
  const std::string lang = j["language"].get<std::string>();
  return has_catalogue(lang) ? lang : std::string();
}

std::string cli_language(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    std::string value;
    if (a == "--lang" && i + 1 < argc)
      value = argv[i + 1];
    else if (a.starts_with("--lang="))
      value = std::string(a.substr(7));
    if (!value.empty() && has_catalogue(value)) return value;
  }
  if (std::string saved = saved_language(user_config_dir()); !saved.empty()) return saved;
  return Messages::system_language();
}

void localize_cli(CLI::App& app, const Messages& words) {
  const auto formatter = std::make_shared<Formatter>(words);
  for (const auto& [label, key] : labels) formatter->label(label, words(key));
  localize_app(app, words, formatter);
  app.failure_message([&words](const CLI::App*, const CLI::Error& e) { return parse_error_text(e, words); });
}

std::string parse_error_text(const CLI::Error& e, const Messages& words) {
  return words.error(e.what()) + "\n" + words("cli_help.run_help") + "\n";
}

}  // namespace deploysim::cli
