// Everything shown in Korean reads as Korean: every lesson's Korean texts, every shipped
// scenario's narration (every variant) and the window's catalogue have no English word outside the
// glossary's [kept_in_english] list and the scenario's own names, no unfilled placeholder, no
// dual particle and no particle that does not fit the word before it; and no text uses a Korean
// word the glossary says to avoid for one of its terms.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "deploysim/exercise.hpp"
#include "deploysim/glossary.hpp"
#include "deploysim/kinds.hpp"
#include "deploysim/korean.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/narration.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/error_texts.hpp"

using namespace deploysim;

namespace {

using Words = std::set<std::string, std::less<>>;

const GlossaryLoad& glossary() {
  static const GlossaryLoad g = load_glossary();
  return g;
}

Words kept_words() {
  REQUIRE_MESSAGE(!glossary().error, glossary().error->to_string());
  return Words(glossary().kept_in_english.begin(), glossary().kept_in_english.end());
}

// The pieces of a scenario's own names (nodes, hosts, clients): "laptop", "resolver", "api".
void add_names(const Trace& trace, Words& words) {
  for (size_t n = 0; n < trace.node_count(); ++n) {
    const std::string name(trace.node_name(static_cast<NodeId>(n)));
    std::string piece;
    for (char c : name + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        piece += c;
      } else if (!piece.empty()) {
        words.insert(piece);
        piece.clear();
      }
    }
  }
}

// Names a scenario file gives its packages: "fastapi".
void add_names(const Scenario& sc, Words& words) {
  for (const PackageSpec& p : sc.packages) words.insert(p.name);
}

// `kept` and the names of a scenario file and of its run.
Words names_of(const std::string& scenario_path, const Words& kept) {
  Words names = kept;
  const LoadResult sc = load_scenario_file(scenario_path);
  REQUIRE(sc.scenario);
  add_names(simulate(*sc.scenario).trace, names);
  add_names(*sc.scenario, names);
  return names;
}

// Problems with one Korean text, including the avoided words of the glossary's terms; each
// problem of a `where` is reported once.
void check_text(const std::string& where, const std::string& text, const Words& kept) {
  static std::set<std::string> reported;
  std::vector<std::string> problems = korean_text_problems(text, kept);
  for (const GlossaryEntry& e : glossary().entries)
    for (const std::string& avoid : e.avoid_ko)
      if (text.find(avoid) != std::string::npos)
        problems.push_back(fmt::format("\"{}\" where the glossary's term is {}", avoid, e.term_ko));
  for (const std::string& p : problems)
    if (reported.insert(where + p).second) FAIL_CHECK(where, ": ", p, "\n  ", text);
}

std::vector<std::filesystem::path> files_in(const char* sub) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DEPLOYSIM_ASSETS_DIR) / sub))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Every shipped language's catalogue ("en", "ko", ...), with its language.
std::vector<std::pair<std::string, Messages>> catalogues() {
  std::vector<std::pair<std::string, Messages>> out;
  for (const std::string& lang : Messages::languages()) {
    std::string error;
    auto words = Messages::load(lang, &error);
    REQUIRE_MESSAGE(words, error);
    out.emplace_back(lang, std::move(*words));
  }
  return out;
}

}  // namespace

TEST_CASE("the Korean check finds English words, placeholders and particles that do not fit") {
  const Words kept{"SNI", "ClientHello", "SIGTERM"};
  auto problems = [&](std::string_view text) { return korean_text_problems(text, kept); };
  CHECK(problems("ClientHello는 SNI로 도메인을 알립니다.").empty());
  CHECK(problems("api.example.test의 /items/1을 edge-1이 203.0.113.10과 X-Forwarded-For로 보냅니다").empty());
  CHECK(problems("phone가 요청합니다") ==
        std::vector<std::string>{"English word \"phone\"", "particle \"phone가\" should be \"phone이\""});
  CHECK(problems("SIGTERM: finished its requests").size() == 3);
  CHECK(problems("{actor}가 보냅니다").size() == 2);     // the placeholder, and "actor"
  CHECK(problems("서버이(가) 응답합니다").size() == 2);  // the dual form, and 서버이 for 서버가
  CHECK(problems("SNI으로 고릅니다") == std::vector<std::string>{"particle \"SNI으로\" should be \"SNI로\""});
  CHECK(problems("5 min 동안").size() == 1);
  CHECK(problems("가용성 99.9 % 이상, 25%는 넘음") == std::vector<std::string>{"\"99.9 %\" should be \"99.9%\""});
  CHECK(problems("'SNI'를 봅니다").empty());
  // Code in backticks is not checked for English, but the particle after it is, by its last word.
  CHECK(problems("`alembic upgrade head`를 실행하고 `docker compose up -d`를 씁니다").empty());
  CHECK(problems("`migrate`을 실행합니다") ==
        std::vector<std::string>{"particle \"migrate을\" should be \"migrate를\""});
  CHECK(problems("`systemctl enable app`가 켭니다") ==
        std::vector<std::string>{"particle \"systemctl enable app가\" should be \"systemctl enable app이\""});
  // A particle after one of the nouns the texts use most, by the noun's final sound; longer words
  // that start with one are not particles.
  CHECK(problems("모든 복제본가 교체되었습니다") ==
        std::vector<std::string>{"particle \"복제본가\" should be \"복제본이\""});
  CHECK(problems("워커을 띄우고 주소으로 보냅니다").size() == 2);
  CHECK(problems("복제본이 워커를 띄우고 주소로 서버리스 요청입니다").empty());
  // After a closing quote, by what is quoted; after a gloss, by the word it glosses; after
  // brackets set apart by a space, by their last word.
  CHECK(problems("'워커 3개'를 실행하고 '실제 환경에서는'을 보고 '누수 변형'를 봅니다") ==
        std::vector<std::string>{"particle \"누수 변형를\" should be \"누수 변형을\""});
  CHECK(problems("인증 기관(CA)이 '항상 재시작(always)'과 다르고 503(엔드포인트(endpoint)가 없음)을 봅니다").empty());
  CHECK(problems("`systemctl start`(지금)와 `systemctl enable`(부팅할 때마다)를 구분합니다") ==
        std::vector<std::string>{"particle \"systemctl enable를\" should be \"systemctl enable을\""});
  CHECK(problems("경고 protocol_version(70)로 거부합니다") ==
        std::vector<std::string>{"particle \"protocol_version로\" should be \"protocol_version으로\""});
  CHECK(problems("'워커 (SNI 30)'를 실행합니다") ==
        std::vector<std::string>{"particle \"워커 (SNI 30)를\" should be \"워커 (SNI 30)을\""});
}

TEST_CASE("every lesson's Korean text reads as Korean") {
  const Words kept = kept_words();
  size_t texts = 0;
  for (const auto& file : files_in("lessons")) {
    const LessonLoad l = load_lesson_file(file.string());
    REQUIRE_MESSAGE(l.lesson, (l.error ? l.error->to_string() : ""));
    const Lesson& lesson = *l.lesson;
    const Words names = names_of(lesson.scenario_path, kept);
    const std::string f = file.filename().string();
    auto check = [&](const std::string& what, const std::string& text) {
      ++texts;
      check_text(f + " " + what, text, names);
    };
    check("title_ko", lesson.title_ko);
    check("summary_ko", lesson.summary_ko);
    for (const std::string& o : lesson.objectives_ko) check("objectives_ko", o);
    for (size_t i = 0; i < lesson.steps.size(); ++i) {
      const LessonStep& st = lesson.steps[i];
      check(fmt::format("step {}", i + 1), st.text_ko);
      if (st.question) {
        check(fmt::format("step {} prompt_ko", i + 1), st.question->prompt_ko);
        check(fmt::format("step {} explain_ko", i + 1), st.question->explain_ko);
        for (const QuestionChoice& c : st.question->choices) check(fmt::format("step {} choice", i + 1), c.text_ko);
      }
    }
    if (!lesson.real_life.text_ko.empty()) check("real_life", lesson.real_life.text_ko);
    // A term the glossary introduces carries its English where the lesson first uses it, in what
    // every learner reads: the tour prints no objectives and the window folds them away.
    std::string all = lesson.title_ko + "\n" + lesson.summary_ko + "\n";
    for (const LessonStep& st : lesson.steps) {
      all += st.text_ko + "\n";
      if (!st.question) continue;
      all += st.question->prompt_ko + "\n";
      for (const QuestionChoice& c : st.question->choices) all += c.text_ko + "\n";
      all += st.question->explain_ko + "\n";
    }
    all += lesson.real_life.text_ko;
    for (const std::string& intro : glossary().introduce_ko) {
      const std::string word = intro.substr(0, intro.find('('));
      const std::string english = intro.substr(word.size(), intro.size() - word.size() - 1);  // "(replica"
      // The first use outside a quoted variant name ('재시작 정책 없는 Docker').
      size_t first = all.find(word);
      while (first != std::string::npos) {
        const size_t line = all.rfind('\n', first) + 1;  // npos + 1 is 0
        const auto quotes =
            std::count(all.begin() + static_cast<long>(line), all.begin() + static_cast<long>(first), '\'');
        if (quotes % 2 == 0) break;
        first = all.find(word, first + word.size());
      }
      if (first != std::string::npos && all.compare(first + word.size(), english.size(), english) != 0)
        FAIL_CHECK(f, ": the first \"", word, "\" needs its English, ", intro, ": \"",
                   all.substr(first, std::min<size_t>(80, all.size() - first)), "\"");
    }
  }
  CHECK(texts >= 200);
}

TEST_CASE("every shipped scenario's narration reads as Korean, in every variant") {
  const Words kept = kept_words();
  std::string error;
  const auto ko = Narrator::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  size_t narrated = 0;
  std::set<std::string> detail_keys;
  for (const auto& file : files_in("scenarios")) {
    const LoadResult base = load_scenario_file(file.string());
    REQUIRE(base.scenario);
    std::vector<std::string> variants{""};
    for (const VariantSpec& v : base.scenario->variants) variants.push_back(v.name);
    {
      const ScenarioInfo& info = base.scenario->info;
      const Words names = names_of(file.string(), kept);
      check_text(file.filename().string() + " name", info.tr.pick("name", info.name, "ko"), names);
      check_text(file.filename().string() + " description", info.tr.pick("description", info.description, "ko"), names);
      for (const VariantSpec& v : base.scenario->variants)
        check_text(file.filename().string() + " variant name", v.tr.pick("name", v.name, "ko"), names);
    }
    for (const std::string& variant : variants) {
      const LoadResult sc = variant.empty() ? base : apply_variant(*base.scenario, variant);
      REQUIRE(sc.scenario);
      const Run run = simulate(*sc.scenario);
      Words names = kept;
      add_names(run.trace, names);
      add_names(*sc.scenario, names);
      std::set<std::tuple<Sym, uint32_t, NodeId, NodeId, NodeId>> seen;
      for (const Record& r : run.trace.records()) {
        for (const Field& f : run.trace.details(r)) detail_keys.insert(std::string(run.trace.str(f.key)));
        if (!seen.emplace(r.narration, r.details, r.actor, r.from, r.to).second) continue;
        ++narrated;
        check_text(fmt::format("{}{} {}", file.filename().string(), variant.empty() ? "" : " [" + variant + "]",
                               run.trace.narration(r)),
                   ko->narrate(run.trace, r), names);
      }
    }
  }
  MESSAGE("checked ", narrated, " Korean sentences");
  CHECK(narrated >= 500);
  // The inspector labels every detail these runs write, in every language.
  CHECK(detail_keys.size() >= 100);
  for (const auto& catalogue : catalogues())  // not a structured binding: INFO captures it (clang 14)
    for (const std::string& key : detail_keys) {
      INFO(catalogue.first, ".toml has no [detail] label for ", key);
      CHECK(catalogue.second.has("detail." + key));
    }
}

TEST_CASE("every located error of the broken test files reads as Korean") {
  Words kept = kept_words();
  // Key names and values of the file formats are typed as they are: every word the format
  // documents in backticks.
  for (const char* doc : {"scenario-format.md", "lessons.md", "trace-format.md"}) {
    std::ifstream in(std::filesystem::path(DEPLOYSIM_TEST_DIR) / ".." / "docs" / doc);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    const std::regex code("`([^`]*)`"), word("[A-Za-z]+");
    for (std::sregex_iterator it(s.begin(), s.end(), code), end; it != end; ++it) {
      const std::string span = (*it)[1].str();
      for (std::sregex_iterator w(span.begin(), span.end(), word), e; w != e; ++w) kept.insert(w->str());
    }
  }
  REQUIRE(kept.count("supervisor"));
  std::string error;
  const auto ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  REQUIRE(ko->error_texts());
  // What the user typed is quoted as typed ('wokers', "1 minute", [[service]], `code`): not
  // Korean's to check.
  const std::regex quoted(R"('[^']*'|"[^"]*"|\[\[?[^\]]*\]\]?|`[^`]*`)");
  size_t checked = 0;
  const std::filesystem::path tests(DEPLOYSIM_TEST_DIR);
  for (const char* dir : {"scenarios/broken", "lessons/broken", "exercises/broken"})
    for (const auto& e : std::filesystem::directory_iterator(tests / dir)) {
      const std::string file = e.path().string();
      std::optional<ScenarioError> err;
      if (std::string_view(dir).starts_with("scenarios")) {
        err = load_scenario_file(file).error;
      } else if (std::string_view(dir).starts_with("lessons")) {
        const LessonLoad l = load_lesson_file(file);
        err = l.error;
        if (!err) {
          const LoadResult sc = load_lesson_scenario(*l.lesson);
          REQUIRE(sc.scenario);
          const Run run = simulate(*sc.scenario);
          for (const LessonIssue& issue : check_lesson(*l.lesson, run.trace, run.metrics))
            if (!issue.warning && !err) err = issue.where;
        }
      } else {
        err = load_exercise_file(file).error;
      }
      REQUIRE_MESSAGE(err, file, " loads without an error");
      const std::string korean = ko->error(err->message);
      INFO(file, ": ", err->message);
      CHECK(korean != err->message);
      ++checked;
      check_text(e.path().filename().string(), std::regex_replace(korean, quoted, "''"), kept);
    }
  CHECK(checked >= 50);
}

TEST_CASE("the window's Korean words read as Korean") {
  const Words kept = kept_words();
  std::string error;
  const auto ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  const std::regex field(R"(\{[^{}]*\})");
  for (const auto& entry : ko->texts())
    if (entry.first != "language.name")
      check_text("ko.toml " + entry.first, std::regex_replace(entry.second, field, "0"), kept);
}

TEST_CASE("the window names every record kind in every language, never by its raw id") {
  // The inspector, the narration's heading, the sequence diagram and the canvas name a record by
  // [record] ("ServerHello"), not by the trace's kind (tls.server_hello), which a learner reading
  // Korean would see as an identifier. Every registered kind has a name, and every name a kind.
  std::set<std::string, std::less<>> kinds;
  for (const KeyEntry& e : all_keys)
    if (e.use != KeyUse::narration) kinds.insert(std::string(e.key));
  REQUIRE(kinds.size() >= 100);
  for (const auto& catalogue : catalogues()) {  // not a structured binding: INFO captures it (clang 14)
    const std::string& lang = catalogue.first;
    const Messages& words = catalogue.second;
    for (const std::string& kind : kinds) {
      INFO(lang, ": no [record] name for the kind ", kind);
      CHECK(words.has("record." + kind));
      // A name is no dotted identifier: "tls.server_hello" shown as is, or another kind's.
      if (words.has("record." + kind)) CHECK_FALSE(kinds.count(words("record." + kind)));
    }
    for (const auto& entry : words.texts())
      if (entry.first.starts_with("record.")) {
        INFO(lang, ": [record] names ", entry.first.substr(7), ", which is no record kind (kinds.hpp)");
        CHECK(kinds.count(entry.first.substr(7)));
      }
  }
}

TEST_CASE("every exercise's Korean text reads as Korean") {
  const Words kept = kept_words();
  size_t texts = 0;
  for (const auto& file : files_in("exercises")) {
    const ExerciseLoad l = load_exercise_file(file.string());
    REQUIRE_MESSAGE(l.exercise, (l.error ? l.error->to_string() : ""));
    const Exercise& ex = *l.exercise;
    const Words names = names_of(ex.scenario_path, kept);
    const std::string f = file.filename().string();
    auto check = [&](const std::string& what, const std::string& text) {
      ++texts;
      check_text(f + " " + what, text, names);
    };
    check("title_ko", ex.tr.pick("title", ex.title, "ko"));
    check("task_ko", ex.tr.pick("task", ex.task, "ko"));
    for (const ExerciseParam& p : ex.params)
      if (!p.label.empty()) check("label_ko", p.tr.pick("label", p.label, "ko"));
    for (const ExerciseGoal& g : ex.goals) {
      check("text_ko", g.tr.pick("text", g.text, "ko"));
      if (!g.hint.empty()) check("hint_ko", g.tr.pick("hint", g.hint, "ko"));
    }
  }
  CHECK(texts >= 30);
}
