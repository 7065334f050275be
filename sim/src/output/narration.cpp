#include "deploysim/narration.hpp"

#include "deploysim/estimate.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "deploysim/assets.hpp"
#include "deploysim/estimate.hpp"
#include "deploysim/korean.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/time.hpp"
#include "output/toml_text.hpp"

namespace deploysim {

namespace {

std::string detail_text(const Trace& trace, const Field& f, const NarrationStyle& style) {
  switch (f.type) {
    case FieldType::string:
      return style.detail(trace.str(f.key), trace.str(static_cast<Sym>(f.value)));
    case FieldType::time:
      return format_time(ns(f.value), style.units);
    case FieldType::boolean: {
      // Its own keys ("value.bool.yes"): a text detail "no" (Docker's restart policy) stays as written.
      const auto it = style.values.find(f.value ? "bool.yes" : "bool.no");
      return it != style.values.end() ? it->second : f.value ? "yes" : "no";
    }
    case FieldType::integer:
      break;
  }
  return std::to_string(f.value);
}

}  // namespace

std::string fill_placeholders(std::string_view templ, const Trace& trace, const Record& r,
                              std::vector<std::string>* problems, const NarrationStyle& style) {
  std::string out;
  out.reserve(templ.size() + 32);
  size_t i = 0;
  while (i < templ.size()) {
    const size_t open = templ.find('{', i);
    if (open == std::string_view::npos) break;
    const size_t close = templ.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(templ.substr(i, open - i));
    std::string_view name = templ.substr(open + 1, close - open - 1);
    // {name:이/가}: the value, then the particle of the pair that fits how it is read; {name:size}:
    // a byte count as the window writes it (4.0 GiB).
    std::string_view particle_pair;
    if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
      particle_pair = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
    const bool as_size = particle_pair == "size";
    if (as_size) particle_pair = {};
    std::optional<std::string> value;
    if (name == "actor")
      value = std::string(trace.node_name(r.actor));
    else if (name == "from")
      value = std::string(trace.node_name(r.from));
    else if (name == "to")
      value = std::string(trace.node_name(r.to));
    else if (name == "t")
      value = format_time(r.t(), style.units);
    else if (name == "dur")
      value = format_time(ns(r.dur_ns), style.units);
    else if (name == "kind")
      value = std::string(trace.kind(r));
    else
      for (const Field& f : trace.details(r))
        if (trace.str(f.key) == name)
          value = as_size && f.type == FieldType::integer ? format_bytes(static_cast<double>(f.value))
                                                          : detail_text(trace, f, style);
    if (problems && (!value || value->empty()))
      problems->push_back(fmt::format("{{{}}} {}", name, value ? "empty" : "unknown"));
    if (value && !particle_pair.empty())
      out += with_particle(*value, particle_pair);
    else
      out += value ? *value : std::string(templ.substr(open, close - open + 1));
    i = close + 1;
  }
  out.append(templ.substr(i));
  return out;
}

std::optional<Narrator> Narrator::parse(std::string_view text, const std::string& name, std::string* error) {
  const auto parsed = parse_toml_text(text, name, error);
  if (!parsed) return std::nullopt;
  Narrator n;
  for (const auto& [key, node] : *parsed) {
    const auto* s = node.as_string();
    if (!s) {
      if (error)
        *error = fmt::format("{}:{}:{}: narration \"{}\" must be a string sentence", name, node.source().begin.line,
                             node.source().begin.column, key.str());
      return std::nullopt;
    }
    if (key.str().starts_with("failure.")) {
      n.style_.failures.emplace(std::string(key.str().substr(8)), s->get());
      continue;
    }
    if (key.str().starts_with("value.")) {
      const std::string english(key.str().substr(6));
      if (const size_t any = english.find("{}"); any != std::string::npos)
        n.style_.shapes.emplace_back(english.substr(0, any), english.substr(any + 2), s->get());
      else
        n.style_.values.emplace(english, s->get());
      continue;
    }
    n.sentences_.emplace(std::string(key.str()), s->get());
  }
  return n;
}

std::optional<Narrator> Narrator::load(std::string_view lang, std::string* error, const std::string& dir) {
  // <lang>.toml first, then every <lang>.<part>.toml (sorted), so each model's owner can keep
  // its sentences in its own file; a key defined twice is an error.
  std::vector<std::string> files{fmt::format("{}/{}.toml", dir, lang)};
  std::vector<std::string> parts;
  std::error_code ec;
  const std::string prefix = fmt::format("{}.", lang);
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".toml") && name != prefix + "toml")
      parts.push_back(e.path().string());
  }
  std::sort(parts.begin(), parts.end());
  files.insert(files.end(), parts.begin(), parts.end());
  Narrator all;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      if (error)
        *error = fmt::format("{}:1:1: cannot open the narration file (languages: {})", path,
                             fmt::join(languages(dir), ", "));
      return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto part = parse(text.str(), path, error);
    if (!part) return std::nullopt;
    all.style_.values.merge(part->style_.values);
    all.style_.failures.merge(part->style_.failures);
    all.style_.shapes.insert(all.style_.shapes.end(), part->style_.shapes.begin(), part->style_.shapes.end());
    for (auto& [key, sentence] : part->sentences_) {
      if (all.sentences_.count(key)) {
        if (error)
          *error = fmt::format("{}:1:1: narration \"{}\" is already defined in another {} file", path, key, lang);
        return std::nullopt;
      }
      all.sentences_.emplace(key, std::move(sentence));
    }
  }
  // Durations in the language's own units (assets/i18n/<lang>.toml [units]); English's when
  // the language has no catalogue of the program's words.
  std::string ignored;
  if (const auto words = Messages::load(lang, &ignored)) all.style_.units = words->time_units();
  return all;
}

std::string NarrationStyle::translate(std::string_view value) const {
  if (const auto it = values.find(std::string(value)); it != values.end()) return it->second;
  for (const auto& [prefix, suffix, translation] : shapes)
    if (value.size() >= prefix.size() + suffix.size() && value.starts_with(prefix) && value.ends_with(suffix)) {
      const std::string_view middle = value.substr(prefix.size(), value.size() - prefix.size() - suffix.size());
      std::string out = translation;
      if (const size_t at = out.find("{}"); at != std::string::npos) out.replace(at, 2, middle);
      return out;
    }
  return std::string(value);
}

std::string NarrationStyle::failure(std::string_view cause) const {
  const auto it = failures.find(std::string(cause));
  return it == failures.end() ? std::string(cause) : it->second;
}

std::string Narrator::default_dir() { return assets_dir() + "/narration"; }

std::vector<std::string> Narrator::languages(const std::string& dir) {
  // Every <lang>.toml (not the <lang>.<part>.toml parts).
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".toml") && name.find('.') == name.size() - 5) out.push_back(name.substr(0, name.size() - 5));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool Narrator::has(std::string_view key) const { return sentences_.count(std::string(key)) != 0; }

std::string_view Narrator::sentence(std::string_view key) const {
  auto it = sentences_.find(std::string(key));
  return it == sentences_.end() ? std::string_view{} : std::string_view(it->second);
}

std::vector<std::string> Narrator::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : sentences_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

std::string Narrator::narrate(const Trace& trace, const Record& r, std::vector<std::string>* problems) const {
  std::string_view templ = sentence(trace.narration(r));
  if (templ.empty()) templ = sentence(trace.kind(r));
  if (templ.empty() && problems) problems->push_back(fmt::format("no sentence for {}", trace.narration(r)));
  if (templ.empty()) templ = sentence("fallback");
  if (templ.empty()) return std::string(trace.kind(r));
  return fill_placeholders(templ, trace, r, problems, style_);
}

}  // namespace deploysim
