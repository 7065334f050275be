#include "deploysim/glossary.hpp"
#include "deploysim/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace deploysim {

namespace {

ScenarioError at(const std::string& file, const toml::source_region& s, std::string message) {
  return ScenarioError{file, s.begin.line, s.begin.column, std::move(message)};
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool has_word(std::string_view text, std::string_view word) {
  for (size_t p = text.find(word); p != std::string_view::npos; p = text.find(word, p + 1)) {
    const bool left = p == 0 || !word_char(text[p - 1]);
    const bool right = p + word.size() >= text.size() || !word_char(text[p + word.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

GlossaryLoad load_glossary(const std::string& path_in, const SourceCatalogue* sources) {
  const std::string path = path_in.empty() ? assets_dir() + "/glossary.toml" : path_in;
  const SourceCatalogue& catalogue = sources ? *sources : shipped_sources();
  GlossaryLoad out;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    out.error = e.source().begin.line ? at(path, e.source(), std::string(e.description()))
                                      : ScenarioError{path, 0, 0, "cannot read the glossary"};
    return out;
  }
  static const std::set<std::string_view> keys = {"term", "term_ko", "text", "text_ko", "match", "sources", "avoid_ko"};
  for (const auto& [key, node] : root) {
    const toml::table* t = node.as_table();
    if (t && (key.str() == "kept_in_english" || key.str() == "introduce_ko")) {
      std::vector<std::string>& list = key.str() == "kept_in_english" ? out.kept_in_english : out.introduce_ko;
      const toml::array* a = (*t)["words"].as_array();
      if (a)
        for (const auto& item : *a)
          if (const auto s = item.value<std::string>(); s && !s->empty()) list.push_back(*s);
      if (!a || list.size() != a->size() || t->size() != 1) {
        out.error =
            at(path, t->source(), fmt::format("[{}] needs only words = [\"...\", ...] (non-empty strings)", key.str()));
        return out;
      }
      continue;
    }
    if (!t) {
      out.error =
          at(path, key.source(), fmt::format("'{}' must be a table: [{}] with term, text, ...", key.str(), key.str()));
      return out;
    }
    GlossaryEntry e;
    e.id = std::string(key.str());
    e.pos = {t->source().begin.line, t->source().begin.column};
    for (const auto& [k, v] : *t) {
      // term_<lang>, text_<lang>: the term in another language (any language code).
      if (const auto tk = translated_key(k.str()); tk && (tk->first == "term" || tk->first == "text")) {
        const auto s = v.value<std::string>();
        if (!s || s->empty()) {
          out.error = at(path, v.source(), fmt::format("[{}] {} must be a non-empty string", e.id, k.str()));
          return out;
        }
        e.tr.fields[std::string(tk->first)][std::string(tk->second)] = *s;
        continue;
      }
      if (!keys.contains(k.str())) {
        out.error =
            at(path, k.source(),
               fmt::format("unknown key '{}' in [{}]; expected term, term_ko, text, text_ko, match, sources, avoid_ko",
                           k.str(), e.id));
        return out;
      }
    }
    for (auto [name, field] : {std::pair{"term", &e.term}, std::pair{"term_ko", &e.term_ko}, std::pair{"text", &e.text},
                               std::pair{"text_ko", &e.text_ko}}) {
      const auto s = (*t)[name].value<std::string>();
      if (!s || s->empty()) {
        out.error = at(path, t->source(), fmt::format("[{}] needs {} (a non-empty string)", e.id, name));
        return out;
      }
      *field = *s;
    }
    for (auto [name, list] : {std::pair{"match", &e.match}, std::pair{"sources", &e.sources}}) {
      const toml::array* a = (*t)[name].as_array();
      if (a)
        for (const auto& item : *a)
          if (const auto s = item.value<std::string>(); s && !s->empty()) list->push_back(*s);
      if (!a || list->size() != a->size() || list->empty()) {
        out.error = at(path, a ? a->source() : t->source(),
                       fmt::format("[{}] needs {} = [\"...\", ...] (non-empty strings)", e.id, name));
        return out;
      }
    }
    if (const toml::array* a = (*t)["avoid_ko"].as_array()) {
      for (const auto& item : *a)
        if (const auto s = item.value<std::string>(); s && !s->empty()) e.avoid_ko.push_back(*s);
      if (e.avoid_ko.size() != a->size()) {
        out.error = at(path, a->source(), fmt::format("[{}] avoid_ko = [\"...\", ...] (non-empty strings)", e.id));
        return out;
      }
    }
    for (const std::string& id : e.sources)
      if (!catalogue.contains(id)) {
        out.error = at(path, (*t)["sources"].node()->source(),
                       fmt::format("[{}]: source '{}' is not in the source catalogue (assets/sources.toml)", e.id, id));
        return out;
      }
    out.entries.push_back(std::move(e));
  }
  // toml++ iterates tables by key; the file's order reads better (related terms together).
  std::sort(out.entries.begin(), out.entries.end(), [](const GlossaryEntry& a, const GlossaryEntry& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  return out;
}

std::vector<const GlossaryEntry*> glossary_terms_in(const std::vector<GlossaryEntry>& glossary, std::string_view text,
                                                    std::string_view lang) {
  std::vector<const GlossaryEntry*> out;
  for (const GlossaryEntry& e : glossary)
    if (std::any_of(e.match.begin(), e.match.end(), [&](const std::string& w) { return has_word(text, w); }))
      out.push_back(&e);
  std::sort(out.begin(), out.end(), [&](const GlossaryEntry* a, const GlossaryEntry* b) {
    return a->tr.pick("term", a->term, lang) < b->tr.pick("term", b->term, lang);
  });
  return out;
}

}  // namespace deploysim
