// The glossary a handout prints (assets/glossary.toml): every shipped term has both languages and
// sources from the catalogue; a term is found in a lesson's text as a whole word, Korean particles
// included; a mistake in the file is named with its line and column.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "deploysim/glossary.hpp"
#include "deploysim/lesson.hpp"

using namespace deploysim;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "deploysim-test-glossary";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> ids(const std::vector<const GlossaryEntry*>& found) {
  std::vector<std::string> out;
  for (const GlossaryEntry* e : found) out.push_back(e->id);
  return out;
}

}  // namespace

TEST_CASE("the shipped glossary loads, with the terms issue 15 names") {
  const GlossaryLoad g = load_glossary();
  REQUIRE_MESSAGE(!g.error, (g.error ? g.error->to_string() : ""));
  for (const char* id : {"sni", "alpn", "acme", "ttl", "oom"}) {
    const auto it = std::find_if(g.entries.begin(), g.entries.end(), [&](const auto& e) { return e.id == id; });
    REQUIRE_MESSAGE(it != g.entries.end(), id);
    CHECK(!it->text_ko.empty());
    CHECK(!it->sources.empty());
  }
}

TEST_CASE("every shipped lesson uses at least one glossary term, in both languages") {
  const GlossaryLoad g = load_glossary();
  REQUIRE(!g.error);
  for (const std::string& file : list_lessons()) {
    const LessonLoad ll = load_lesson_file(file);
    REQUIRE(ll.lesson);
    std::string en = ll.lesson->summary, ko = ll.lesson->summary_ko;
    for (const LessonStep& s : ll.lesson->steps) en += "\n" + s.text, ko += "\n" + s.text_ko;
    INFO(file);
    CHECK(!glossary_terms_in(g.entries, en, "en").empty());
    CHECK(!glossary_terms_in(g.entries, ko, "ko").empty());
  }
}

TEST_CASE("terms are whole words; a Korean particle after a Latin word still counts") {
  const GlossaryLoad g = load_glossary();
  REQUIRE(!g.error);
  const auto found = ids(glossary_terms_in(g.entries, "ClientHello는 SNI로 이름을 보낸다", "ko"));
  CHECK(std::find(found.begin(), found.end(), "sni") != found.end());
  CHECK(std::find(found.begin(), found.end(), "client_hello") != found.end());
  const auto none = ids(glossary_terms_in(g.entries, "SNIFF the TTLs of OOMPH", "en"));
  CHECK(std::find(none.begin(), none.end(), "sni") == none.end());
  CHECK(std::find(none.begin(), none.end(), "ttl") == none.end());
  CHECK(std::find(none.begin(), none.end(), "oom") == none.end());
}

TEST_CASE("a glossary mistake is located") {
  SUBCASE("unknown key") {
    const auto path = write_temp("unknown.toml",
                                 "[sni]\nterm = \"SNI\"\nterm_ko = \"SNI\"\ntext = \"a\"\n"
                                 "text_ko = \"b\"\nmatch = [\"SNI\"]\nsources = [\"rfc6066\"]\n"
                                 "defn = \"x\"\n");
    const GlossaryLoad g = load_glossary(path);
    REQUIRE(g.error);
    CHECK(g.error->line == 8);
    CHECK(g.error->column == 1);
    CHECK(g.error->message.find("unknown key 'defn'") != std::string::npos);
  }
  SUBCASE("a source not in the catalogue") {
    const auto path = write_temp("source.toml",
                                 "[sni]\nterm = \"SNI\"\nterm_ko = \"SNI\"\ntext = \"a\"\n"
                                 "text_ko = \"b\"\nmatch = [\"SNI\"]\nsources = [\"nowhere\"]\n");
    const GlossaryLoad g = load_glossary(path);
    REQUIRE(g.error);
    CHECK(g.error->line == 7);
    CHECK(g.error->message.find("'nowhere' is not in the source catalogue") != std::string::npos);
  }
  SUBCASE("a missing Korean definition") {
    const auto path = write_temp("ko.toml",
                                 "[sni]\nterm = \"SNI\"\nterm_ko = \"SNI\"\ntext = \"a\"\n"
                                 "match = [\"SNI\"]\nsources = [\"rfc6066\"]\n");
    const GlossaryLoad g = load_glossary(path);
    REQUIRE(g.error);
    CHECK(g.error->line == 1);
    CHECK(g.error->message.find("needs text_ko") != std::string::npos);
  }
}
