// The program's words (assets/i18n): every language has exactly English's keys with the same
// placeholders, every key the code names exists, and every key is used; a catalogue that is
// not TOML, or holds a number, is reported with its file, line and column.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "deploysim/error_texts.hpp"
#include "deploysim/messages.hpp"

using namespace deploysim;

namespace {

const std::string dir = std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n";

// The replacement fields of a text: "{}", "{:.1f}", "{1}" (escaped "{{" are not fields).
size_t fields(const std::string& text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    ++n;
  }
  return n;
}

// Every string literal in the app's and the sim's sources that names a key of one of the
// catalogue's sections ("menu.open", "panel.topology").
std::set<std::string> keys_in_code(const std::set<std::string>& sections) {
  std::set<std::string> out;
  const std::regex literal(R"re("([a-z_]+)\.([a-z0-9_]+)")re");
  for (const char* sub : {"/../app", "/../sim"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(DEPLOYSIM_TEST_DIR) + sub)) {
      const auto ext = e.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), literal), end; it != end; ++it)
        if (sections.count((*it)[1].str())) out.insert((*it)[1].str() + "." + (*it)[2].str());
    }
  return out;
}

}  // namespace

TEST_CASE("every language has English's keys, with the same placeholders") {
  const std::vector<std::string> langs = Messages::languages(dir);
  REQUIRE(langs.size() >= 2);
  std::string error;
  const auto en = Messages::load("en", &error, dir);
  REQUIRE_MESSAGE(en, error);
  REQUIRE(en->texts().size() >= 50);
  for (const std::string& lang : langs) {
    const auto m = Messages::load(lang, &error, dir);
    REQUIRE_MESSAGE(m, error);
    for (const auto& entry : en->texts()) {  // not a structured binding: INFO captures it (clang 14)
      const std::string& key = entry.first;
      const std::string& text = entry.second;
      INFO(lang, ".toml: ", key);
      CHECK(m->has(key));
      if (m->has(key)) CHECK(fields((*m)(key)) == fields(text));
      if (m->has(key)) CHECK_FALSE((*m)(key).empty());
    }
    for (const auto& entry : m->texts()) {
      const std::string& key = entry.first;
      INFO(lang, ".toml has a key English does not: ", key);
      CHECK(en->has(key));
    }
  }
  // A language's own name is written in it.
  CHECK((*en)("language.name") == "English");
  CHECK((*Messages::load("ko", &error, dir))("language.name") == "한국어");
}

TEST_CASE("every key the code names is in the catalogue, and every key is used") {
  std::string error;
  const auto en = Messages::load("en", &error, dir);
  REQUIRE_MESSAGE(en, error);
  std::set<std::string> sections;
  for (const auto& [key, text] : en->texts()) sections.insert(key.substr(0, key.find('.')));
  const std::set<std::string> used = keys_in_code(sections);
  REQUIRE(used.size() >= 50);
  for (const std::string& key : used) {
    INFO("the code names ", key);
    CHECK(en->has(key));
  }
  for (const auto& entry : en->texts()) {
    const std::string& key = entry.first;
    // [detail] labels the keys records carry: test_korean_text checks them against the runs.
    if (key.starts_with("detail.")) continue;
    // [record] names the record kinds (kinds.hpp): test_korean_text checks them against the registry.
    if (key.starts_with("record.")) continue;
    INFO("en.toml's ", key, " is used nowhere");
    CHECK(used.count(key));
  }
}

TEST_CASE("a missing key reads in English, then as [?]; a broken catalogue says where") {
  std::string error;
  auto ko = Messages::parse("[menu]\nopen = \"열기...\"\n", "ko.toml", &error);
  REQUIRE(ko);
  CHECK((*ko)("menu.open") == "열기...");
  CHECK((*ko)("menu.quit") == "[?]");
  CHECK_FALSE(Messages::parse("[menu]\nopen = 3\n", "x.toml", &error));
  CHECK(error.find("x.toml:2:8") == 0);
  CHECK_FALSE(Messages::parse("[menu\n", "y.toml", &error));
  CHECK(error.find("y.toml:1:") == 0);
  CHECK_FALSE(Messages::load("xx", &error, dir));
  CHECK(error.find("xx.toml:1:1: cannot open the language file (languages: en, ko)") != std::string::npos);
  const auto real = Messages::load("ko", &error, dir);
  REQUIRE(real);
  CHECK(real->format("exercise.solved", 2) == "해결했습니다 (시도 2회째).");
  // The Language menu's names, each read from its language's own file.
  CHECK(Messages::language_name("ko", dir) == "한국어");
  CHECK(Messages::language_name("en", dir) == "English");
  CHECK(Messages::language_name("xx", dir) == "xx");
  // Korean writes the percent sign next to its number; English here sets it apart.
  CHECK(real->percent(99.974, 2) == "99.97%");
  const auto en = Messages::load("en", &error, dir);
  REQUIRE(en);
  CHECK(en->percent(62.4, 0) == "62 %");
  CHECK(en->percent(100, 1) == "100.0 %");
  // A latency column: a cached lookup's zero in milliseconds like its neighbours, not "0 s".
  CHECK(en->latency(Time{}) == "0 ms");
  CHECK(en->latency(us(50)) == "50 \xC2\xB5s");
  CHECK(real->latency(Time{}) == "0 ms");
  CHECK(real->latency(ms(1500)) == "1.5초");
}

TEST_CASE("a field with a particle pair takes its value's particle, whatever the value holds") {
  // {N:을/를}: the value and the particle that fits it; fmt alone refuses such a spec.
  CHECK(with_particle_fields("{0:은/는} {1:을/를} 씁니다 ({2:.1f})", {"${N:-3}", "3", "1.5"}) ==
        "${{N:-3}}은 3을 씁니다 ({2:.1f})");
  CHECK(with_particle_fields("{} 다음 {:이/가} {}", {"a", "traefik", "b"}) == "{0} 다음 traefik이 {2}");
  CHECK_FALSE(with_particle_fields("{} {:.2f} {{x/y}}", {"a", "b"}));
  std::string error;
  // Every shipped text with such a field formats, with values that hold braces too.
  for (const std::string& lang : Messages::languages(dir)) {
    const auto m = Messages::load(lang, &error, dir);
    REQUIRE_MESSAGE(m, error);
    for (const auto& entry : m->texts()) {
      if (!with_particle_fields(entry.second, {"a", "b", "c", "d", "e", "f"})) continue;
      INFO(lang, ".toml: ", entry.first);
      std::string out;
      CHECK_NOTHROW(out = m->format(entry.first, "${A:-1}", "nginx", "3", "edge-1", "x", "y"));
      CHECK(out.find("${A:-1}") != std::string::npos);
    }
  }
}

TEST_CASE("an error message is translated by its English shape, values and nested messages too") {
  std::string error;
  const auto t = ErrorTexts::parse(R"(
[[error]]
en = "in variant '{}': {}"
ko = "변형 '{0}': {1}"
[[error]]
en = "unknown key '{}' in {}"
ko = "{1}에 모르는 키 '{0:이/가}' 있습니다"
[[error]]
en = "{} needs {{ host = {} }}"
ko = "{0:은/는} {{ host = {1} }}가 필요합니다"
)",
                                   "ko.errors.toml", "ko", &error);
  REQUIRE_MESSAGE(t, error);
  CHECK(t->translate("unknown key 'wokers' in [[service]]") == "[[service]]에 모르는 키 'wokers'가 있습니다");
  CHECK(t->translate("unknown key 'port' in [proxy]") == "[proxy]에 모르는 키 'port'가 있습니다");
  CHECK(t->translate("in variant 'typo': unknown key 'nmae' in [[client]]") ==
        "변형 'typo': [[client]]에 모르는 키 'nmae'가 있습니다");
  CHECK(t->translate("route needs { host = \"x\" }") == "route는 { host = \"x\" }가 필요합니다");
  CHECK(t->translate("something no shape fits") == "something no shape fits");
  CHECK(t->shapes().size() == 3);
  // A translation that drops a value is refused, where it is.
  CHECK_FALSE(ErrorTexts::parse("[[error]]\nen = \"a {} b {}\"\nko = \"{0}\"\n", "x.toml", "ko", &error));
  CHECK(error.starts_with("x.toml:3:"));
  CHECK(error.find("{1}") != std::string::npos);
}

TEST_CASE("a shape's values are as short as let the rest fit, each within one line") {
  std::string error;
  const auto t = ErrorTexts::parse(R"(
[[error]]
en = "{} needs {}"
ko = "{0}에는 {1:이/가} 필요합니다"
[[error]]
en = "{}: {}: {} in {}"
ko = "{3}: {0}/{1}/{2}"
[[error]]
en = "{}{} end"
ko = "[{0}][{1}]"
)",
                                   "ko.errors.toml", "ko", &error);
  REQUIRE_MESSAGE(t, error);
  // The first value takes the first " needs " that lets the rest fit; the second the rest, which
  // is translated again.
  CHECK(t->translate("a needs b needs c") == "a에는 b에는 c가 필요합니다가 필요합니다");
  CHECK(t->translate("x: y: z: w in here") == "here: x/y/z: w");
  CHECK(t->translate("abc end") == "[a][bc]");
  // A value is never empty and never crosses a line.
  CHECK(t->translate(" needs b") == " needs b");
  CHECK(t->translate("a\nb needs c") == "a\nb needs c");
  CHECK(t->translate("a needs b\nc") == "a needs b\nc");
  // A long message that almost fits a shape with many values is answered, and left as it is.
  std::string long_message;
  for (int i = 0; i < 2000; ++i) long_message += "v: ";
  CHECK(t->translate(long_message + "in") == long_message + "in");
  CHECK(t->translate(long_message + "in x") != long_message + "in x");
}

TEST_CASE("the shipped error shapes load, and English keeps its messages") {
  std::string error;
  const auto ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  REQUIRE(ko->error_texts());
  CHECK(ko->error_texts()->shapes().size() >= 200);
  const auto en = Messages::load("en", &error);
  REQUIRE(en);
  CHECK(en->error("unknown key 'x' in [proxy]") == "unknown key 'x' in [proxy]");
  // A time the message was made with is written in the language's units, as the narration
  // writes it; what the file holds ('1s') is quoted as it is.
  const std::string below = ko->error("'p99' in service_time must not be below the median (2.08 s), got '1s'");
  CHECK_MESSAGE(below.find("(median, 2.08초)") != std::string::npos, below);
  CHECK(below.find("'1s'") != std::string::npos);
  CHECK(ko->error("the step's record is at 1 min 30 s") == "the step's record is at 1 min 30 s");  // no shape
  // The errors file is not a language of its own.
  const std::vector<std::string> langs = Messages::languages();
  CHECK(std::find(langs.begin(), langs.end(), "ko.errors") == langs.end());
}

TEST_CASE("a language's catalogue is its file and its parts; a key in two of them is an error") {
  const auto tmp = std::filesystem::temp_directory_path() / "deploysim_messages_parts";
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp);
  auto write = [&](const char* name, const char* text) { std::ofstream(tmp / name) << text; };
  write("en.toml", "[menu]\nopen = \"Open...\"\n");
  write("en.cli.toml", "[cli]\nrun = \"Run\"\n");
  std::string error;
  const auto m = Messages::load("en", &error, tmp.string());
  REQUIRE_MESSAGE(m, error);
  CHECK((*m)("menu.open") == "Open...");
  CHECK((*m)("cli.run") == "Run");
  CHECK(Messages::languages(tmp.string()) == std::vector<std::string>{"en"});
  write("en.more.toml", "[menu]\nopen = \"Again\"\n");
  CHECK_FALSE(Messages::load("en", &error, tmp.string()));
  CHECK(error == (tmp / "en.more.toml").string() + ":1:1: \"menu.open\" is already defined in another en file");
  std::filesystem::remove_all(tmp);
}
