#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/lesson.hpp"
#include "deploysim/text.hpp"
#include "deploysim/scenario.hpp"

namespace deploysim {

/// One term of the glossary (assets/glossary.toml: one table per term).
struct GlossaryEntry {
  std::string id;                    ///< Table name, e.g. "sni".
  std::string term;                  ///< English heading, e.g. "SNI (Server Name Indication)".
  std::string term_ko;               ///< Korean heading.
  std::string text;                  ///< English definition.
  std::string text_ko;               ///< Korean definition.
  std::vector<std::string> match;    ///< Words that, found in a lesson's text, mean the lesson uses the term.
  std::vector<std::string> sources;  ///< Ids in the source catalogue.
  Translations tr;                   ///< `term` and `text` in every language the file gives (term_ko, ...).
  /// Korean words for the same concept that the program does not use, so that each concept has
  /// one Korean term (tests/test_korean_text.cpp checks every Korean text against them).
  std::vector<std::string> avoid_ko;
  SourcePos pos;  ///< Where the table starts.
};

/// The glossary or a located error in it.
struct GlossaryLoad {
  std::vector<GlossaryEntry> entries;  ///< In file order.
  /// [kept_in_english] words: terms a Korean text writes in English (SNI, ClientHello, Uvicorn).
  std::vector<std::string> kept_in_english;
  /// [introduce_ko] words: "복제본(replica)": where a lesson's Korean first uses the term, the English
  /// follows in brackets.
  std::vector<std::string> introduce_ko;
  std::optional<ScenarioError> error;
};

/// Reads a glossary (default: assets/glossary.toml). Each table needs term, term_ko, text,
/// text_ko, match and sources; every source id must be in `sources` (default: the shipped catalogue).
GlossaryLoad load_glossary(const std::string& path = {}, const SourceCatalogue* sources = nullptr);

/// The entries whose match words occur in `text` as whole words (ASCII letters and digits bound a
/// word; a Korean particle after a Latin word does not), sorted by the heading of `lang`.
std::vector<const GlossaryEntry*> glossary_terms_in(const std::vector<GlossaryEntry>& glossary, std::string_view text,
                                                    std::string_view lang);

}  // namespace deploysim
