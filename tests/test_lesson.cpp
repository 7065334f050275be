#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/assets.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/simulate.hpp"
#include "expect_files.hpp"

using namespace deploysim;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "deploysim-test-lesson";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("every shipped lesson loads, and each step lands on a record of its scenario, in order") {
  const auto lessons = list_lessons();
  REQUIRE(lessons.size() >= 11);
  for (const auto& file : lessons) {
    CAPTURE(file);
    const LessonLoad ll = load_lesson_file(file);
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->message : std::string()));
    const Lesson& lesson = *ll.lesson;
    CHECK(!lesson.title_ko.empty());
    CHECK(!lesson.steps.empty());
    LoadResult sc = load_scenario_file(lesson.scenario_path);
    REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : std::string()));
    if (!lesson.variant.empty()) {
      sc = apply_variant(*sc.scenario, lesson.variant);
      REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : std::string()));
    }
    const Run run = simulate(*sc.scenario);
    size_t previous = 0;
    for (const LessonStep& step : lesson.steps) {
      CAPTURE(step.target);
      CHECK(!step.text_ko.empty());
      const auto at = resolve_step_target(run.trace, step.target);
      REQUIRE_MESSAGE(at, "step target not found in the scenario's trace");
      CHECK(*at >= previous);  // a tour only moves forward
      previous = *at;
    }
  }
}

TEST_CASE("the first lesson is the HTTPS journey and its steps follow the seed notes' order") {
  const auto lessons = list_lessons();
  REQUIRE(!lessons.empty());
  const LessonLoad ll = load_lesson_file(lessons.front());
  REQUIRE(ll.lesson);
  CHECK(ll.lesson->id == "01-https-request");
  std::vector<std::string> targets;
  for (const auto& s : ll.lesson->steps) targets.push_back(s.target);
  const std::vector<std::string> journey = {"kind:dns.query.stub",   "kind:dns.response",  "kind:tcp.ack",
                                            "kind:tls.client_hello", "kind:proxy.forward", "kind:client.response"};
  size_t pos = 0;
  for (const auto& t : targets)
    if (pos < journey.size() && t == journey[pos]) ++pos;
  CHECK(pos == journey.size());
}

TEST_CASE("step targets: kinds with an occurrence, times, start and end") {
  Trace trace;
  const NodeId a = trace.node("a");
  for (int i = 0; i < 3; ++i) {
    trace.append({.t = ms(10 * i), .kind = "x.ping", .stage = Stage::client, .actor = a});
    trace.append({.t = ms(10 * i + 5), .kind = "x.pong", .stage = Stage::client, .actor = a});
  }
  CHECK(resolve_step_target(trace, "start") == 0u);
  CHECK(resolve_step_target(trace, "end") == 5u);
  CHECK(resolve_step_target(trace, "kind:x.pong") == 1u);
  CHECK(resolve_step_target(trace, "kind:x.pong#3") == 5u);
  CHECK(!resolve_step_target(trace, "kind:x.pong#4"));
  CHECK(!resolve_step_target(trace, "kind:y.none"));
  CHECK(resolve_step_target(trace, "12ms") == 2u);
  CHECK(valid_step_target("kind:a.b#2"));
  CHECK(!valid_step_target("kind:"));
  CHECK(!valid_step_target("kind:a#x"));
  CHECK(!valid_step_target("soon"));
}

TEST_CASE("a broken lesson file gets one located error") {
  SUBCASE("unknown key") {
    const auto p = write_temp(
        "typo.toml",
        "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\n\n[[step]]\ntarget = \"start\"\ntxet = \"hi\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 7);
    CHECK(ll.error->column == 1);
    CHECK(ll.error->message.find("unknown key 'txet'") != std::string::npos);
  }
  SUBCASE("bad target") {
    const auto p = write_temp(
        "target.toml",
        "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\n[[step]]\ntarget = \"soon\"\ntext = \"x\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 5);
    CHECK(ll.error->message.find("bad step target 'soon'") != std::string::npos);
  }
  SUBCASE("missing scenario file") {
    const auto p = write_temp("missing.toml", "[lesson]\ntitle = \"t\"\nscenario = \"nope.toml\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 3);
    CHECK(ll.error->message.find("scenario 'nope.toml' not found") != std::string::npos);
  }
  SUBCASE("a variant the scenario does not have: at the lesson's line, not in the scenario file") {
    const auto p =
        write_temp("variant.toml", "[lesson]\ntitle = \"t\"\nscenario = \"no-sni.toml\"\nvariant = \"strict sni\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->file == p);
    CHECK(ll.error->line == 4);
    CHECK(ll.error->column == 11);
    CHECK(ll.error->message ==
          "scenario 'no-sni.toml' has no [[variant]] named 'strict sni' (its variants: 'strict SNI', 'curl asks for "
          "the name')");
  }
  SUBCASE("TOML syntax error") {
    const auto p = write_temp("syntax.toml", "[lesson\ntitle = 1\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 1);
  }
  SUBCASE("missing file") {
    const LessonLoad ll = load_lesson_file("/nonexistent/lesson.toml");
    REQUIRE(ll.error);
    CHECK(ll.error->message.find("cannot open") != std::string::npos);
  }
}

namespace {

// The first error a teacher sees for a lesson file: the loader's, else the first of `check`'s.
std::string first_error(const std::string& path) {
  const LessonLoad ll = load_lesson_file(path);
  if (ll.error) return ll.error->to_string();
  const LoadResult sc = load_lesson_scenario(*ll.lesson);
  REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : std::string()));
  const Run run = simulate(*sc.scenario);
  for (const LessonIssue& issue : check_lesson(*ll.lesson, run.trace, run.metrics))
    if (!issue.warning) return issue.where.to_string();
  return "";
}

}  // namespace

TEST_CASE("a scenario named without .toml: the full paths looked at, and the name with .toml") {
  namespace fs = std::filesystem;
  const fs::path lesson = write_temp("no-extension.toml", "[lesson]\ntitle = \"t\"\nscenario = \"no-sni\"\n");
  const fs::path dir = lesson.parent_path();
  // Run from the lesson's folder with a relative path, as a teacher types `deploysim check x.toml`.
  const fs::path was = fs::current_path();
  fs::current_path(dir);
  const LessonLoad ll = load_lesson_file("no-extension.toml");
  fs::current_path(was);
  REQUIRE(ll.error);
  CHECK(ll.error->line == 3);
  CHECK(ll.error->message == "scenario 'no-sni' not found (looked at " + (dir / "no-sni").string() + ", " +
                                 (fs::path(assets_dir()) / "scenarios" / "no-sni").string() +
                                 "; did you mean 'no-sni.toml'?)");
  // A name with no such file beside it or shipped gets no guess.
  const LessonLoad none = load_lesson_file(
      write_temp("names-no-file.toml", "[lesson]\ntitle = \"t\"\nscenario = \"names-nothing-here\"\n"));
  REQUIRE(none.error);
  CHECK(none.error->message.find("did you mean") == std::string::npos);
}

TEST_CASE("each broken lesson gets the exact located error of its '# expect:' line") {
  const auto files = test::expect_files("lessons/broken");
  CHECK(files.size() >= 20);
  for (const auto& f : files) {
    CAPTURE(f.path);
    CHECK(first_error(f.path.string()) == f.expected);
  }
}

TEST_CASE("a teacher's mistake in a lesson names its file, line, column, key, table and step") {
  const std::string head = "[lesson]\ntitle = \"t\"\nscenario = \"no-sni.toml\"\n";         // lines 1-3
  const std::string step = "[[step]]\ntarget = \"kind:tls.client_hello\"\ntext = \"x\"\n";  // 3 lines
  auto error_of = [](const std::string& name, const std::string& text) {
    const LessonLoad ll = load_lesson_file(write_temp(name, text));
    REQUIRE(ll.error);
    return *ll.error;
  };
  SUBCASE("a type error in [lesson]") {
    const ScenarioError e = error_of("minutes.toml", head + "minutes = \"ten\"\n");
    CHECK(
        e.to_string().ends_with("minutes.toml:4:11: 'minutes' in [lesson] must be a whole number of minutes from 1 "
                                "to 240 (e.g. minutes = 15), got \"ten\""));
  }
  SUBCASE("a type error in the second step's question") {
    const ScenarioError e =
        error_of("tolerance.toml",
                 head + step + step + "[step.question]\nprompt = \"p\"\nanswer = \"count:a\"\ntolerance = \"1s\"\n");
    CHECK(e.line == 13);
    CHECK(e.column == 13);
    CHECK(e.message ==
          "in step 2: 'tolerance' in [step.question] must be a number in the unit the answer is read in "
          "(e.g. tolerance = 0.5), got \"1s\"");
  }
  SUBCASE("a choice's value of the wrong type") {
    const ScenarioError e = error_of("value.toml", head + step +
                                                       "[step.question]\nprompt = \"p\"\ntype = \"choice\"\nanswer = "
                                                       "\"field:step/sni\"\n[[step.question.choice]]\ntext = "
                                                       "\"a\"\nvalue = { x = 1 }\n[[step.question.choice]]\ntext = "
                                                       "\"b\"\nvalue = 2\n");
    CHECK(e.line == 13);
    CHECK(e.message ==
          "in step 1: 'value' in [[step.question.choice]] must be a string, a number or true/false, got a "
          "table");
  }
  SUBCASE("the right choice's number written as the answer") {
    const ScenarioError e = error_of("index.toml", head + step + "[step.question]\nprompt = \"p\"\nanswer = 2\n");
    CHECK(e.line == 9);
    CHECK(e.column == 10);
    CHECK(e.message.starts_with("in step 1: 'answer' in [step.question] is an answer source"));
    CHECK(e.message.find("not integer 2") != std::string::npos);
  }
  SUBCASE("a string where a list is expected, in [real_life]") {
    const ScenarioError e = error_of("commands.toml", head + "[real_life]\ntext = \"x\"\ncommands = \"curl\"\n");
    CHECK(e.line == 6);
    CHECK(e.message ==
          "'commands' in [real_life] must be an array of strings (e.g. commands = [\"a\", \"b\"]), got "
          "\"curl\"");
  }
  SUBCASE("Korean without the English, and a [ko] table") {
    CHECK(error_of("ko-only.toml", head + "[[step]]\ntext_ko = \"가\"\n").message ==
          "in step 1: [[step]] has 'text_ko' but no 'text': write the English 'text' too (it is shown wherever a "
          "translation is missing)");
    CHECK(error_of("ko-title.toml", "[lesson]\ntitle_ko = \"가\"\nscenario = \"no-sni.toml\"\n").message ==
          "[lesson] has 'title_ko' but no 'title': write the English 'title' too (it is shown wherever a translation "
          "is missing)");
    const ScenarioError t = error_of("ko-table.toml", head + step + "[step.ko]\ntext = \"가\"\n");
    CHECK(t.line == 7);
    CHECK(t.message.starts_with("in step 1: unknown key 'ko' in [[step]]: a text in another language goes beside"));
  }
  SUBCASE("a title or a scenario missing is said on its own") {
    CHECK(error_of("no-title.toml", "[lesson]\nscenario = \"no-sni.toml\"\n").message ==
          "[lesson] needs a title (e.g. title = \"...\")");
    CHECK(error_of("no-scenario.toml", "[lesson]\ntitle = \"t\"\n").message.starts_with("[lesson] needs a scenario:"));
  }
}

TEST_CASE("a lesson's sources and its 'in real life' note load, and every source id must be in the catalogue") {
  SourceCatalogue catalogue;
  catalogue.emplace("systemd-service", Source{"systemd-service", "systemd.service(5)", "https://example.test/systemd"});
  catalogue.emplace("uvicorn-settings", Source{"uvicorn-settings", "Uvicorn settings", "https://example.test/uvicorn"});
  const std::string head =
      "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\nsources = [\"uvicorn-settings\"]\n";
  SUBCASE("all of it") {
    const auto p = write_temp(
        "sourced.toml",
        head +
            "[[step]]\ntarget = \"start\"\ntext = \"x\"\nsources = [\"systemd-service\", \"uvicorn-settings\"]\n"
            "[real_life]\ntext = \"The model simplifies.\"\ntext_ko = \"모델은 단순화합니다.\"\n"
            "commands = [\"journalctl -u api\", \"systemctl status api\"]\nsources = [\"systemd-service\"]\n");
    const LessonLoad ll = load_lesson_file(p, &catalogue);
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
    CHECK(ll.lesson->sources == std::vector<std::string>{"uvicorn-settings"});
    CHECK(ll.lesson->steps.at(0).sources == std::vector<std::string>{"systemd-service", "uvicorn-settings"});
    CHECK(ll.lesson->real_life.text == "The model simplifies.");
    CHECK(ll.lesson->real_life.commands.size() == 2);
    CHECK(ll.lesson->real_life.sources == std::vector<std::string>{"systemd-service"});
  }
  SUBCASE("an unknown id is named at its place") {
    const auto p = write_temp("unknown.toml",
                              head + "[[step]]\ntext = \"x\"\nsources = [\"systemd-service\", \"systemd-servce\"]\n");
    const LessonLoad ll = load_lesson_file(p, &catalogue);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 7);
    CHECK(ll.error->column == 31);
    CHECK(ll.error->message.find("unknown source 'systemd-servce'") != std::string::npos);
  }
  SUBCASE("sources must be a list of strings") {
    const auto p = write_temp("notalist.toml", head + "[[step]]\ntext = \"x\"\nsources = \"systemd-service\"\n");
    const LessonLoad ll = load_lesson_file(p, &catalogue);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 7);
    CHECK(ll.error->message.find("array of strings") != std::string::npos);
  }
  SUBCASE("an 'in real life' note needs a text") {
    const auto p = write_temp("emptyreal.toml", head + "[real_life]\ncommands = [\"dig +trace api.example.test\"]\n");
    const LessonLoad ll = load_lesson_file(p, &catalogue);
    REQUIRE(ll.error);
    CHECK(ll.error->line == 5);
    CHECK(ll.error->message.find("[real_life] needs a text") != std::string::npos);
  }
  SUBCASE("without a catalogue given, the shipped one is used") {
    const auto p = write_temp(
        "shipped.toml", "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\nsources = [\"fastapi-https\"]\n");
    CHECK(load_lesson_file(p).lesson);
    const auto q =
        write_temp("notshipped.toml",
                   "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\nsources = [\"no-such-source\"]\n");
    CHECK(load_lesson_file(q).error);
  }
}

TEST_CASE("a teacher's lesson cites pages of its own with [source.ID] tables, shown like shipped ones") {
  const std::string head =
      "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\nsources = [\"fastapi-https\"]\n"
      "[[step]]\ntext = \"x\"\nsources = [\"team-runbook\", \"rfc6066\"]\n";
  SUBCASE("cited beside the shipped catalogue") {
    const auto p = write_temp("own.toml", head +
                                              "[source.team-runbook]\ntitle = \"Our runbook\"\n"
                                              "url = \"https://wiki.example.test/runbook\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
    const Source* own = find_source(ll.lesson->own_sources, "team-runbook");
    REQUIRE(own);
    CHECK(own->title == "Our runbook");
    CHECK(own->url == "https://wiki.example.test/runbook");
    const Source* shipped = find_source(ll.lesson->own_sources, "rfc6066");
    REQUIRE(shipped);
    CHECK(shipped->url.find("rfc6066") != std::string::npos);
    CHECK_FALSE(find_source(ll.lesson->own_sources, "no-such-source"));
  }
  SUBCASE("not given: the error says where to add it") {
    const LessonLoad ll = load_lesson_file(write_temp("own-missing.toml", head));
    REQUIRE(ll.error);
    CHECK(ll.error->line == 7);
    CHECK(ll.error->message ==
          "in step 1: unknown source 'team-runbook' (add a [source.team-runbook] table with a "
          "title and a url to this file)");
  }
  SUBCASE("a typo of its own source is caught like a typo of a shipped one") {
    const auto p = write_temp("own-typo.toml",
                              "[lesson]\ntitle = \"t\"\nscenario = \"basic-https.toml\"\n"
                              "sources = [\"team-runbok\"]\n[source.team-runbook]\n"
                              "title = \"Our runbook\"\nurl = \"https://wiki.example.test/r\"\n");
    const LessonLoad ll = load_lesson_file(p);
    REQUIRE(ll.error);
    CHECK(ll.error->message == "unknown source 'team-runbok' (did you mean 'team-runbook'?)");
  }
  SUBCASE("'source' must hold tables") {
    const LessonLoad ll = load_lesson_file(write_temp("own-flat.toml", "source = \"team-runbook\"\n" + head));
    REQUIRE(ll.error);
    CHECK(ll.error->message.find("'source' must be a table of sources: [source.ID]") == 0);
  }
}

TEST_CASE("a scenario or an exercise given as a lesson is named as one, with the command that takes it") {
  const std::string scenario = assets_dir() + "/scenarios/basic-https.toml";
  const LessonLoad sl = load_lesson_file(scenario);
  REQUIRE(sl.error);
  CHECK(sl.error->line == 8);  // its [scenario] table
  CHECK(sl.error->message.find("this is a scenario file, not a lesson") == 0);
  CHECK(sl.error->message.find("`deploysim run " + scenario + " --narrate`") != std::string::npos);
  const auto p = write_temp("an-exercise.toml", "# graded\n[exercise]\ntitle = \"t\"\n");
  const LessonLoad el = load_lesson_file(p);
  REQUIRE(el.error);
  CHECK(el.error->line == 2);
  CHECK(el.error->message.find("this is an exercise file, not a lesson") == 0);
}

TEST_CASE("the source catalogue: every entry has a title and a url; a broken one is located") {
  const SourcesLoad shipped = load_sources();
  REQUIRE_MESSAGE(!shipped.error, (shipped.error ? shipped.error->to_string() : std::string()));
  CHECK(shipped.sources.size() >= 10);
  for (const auto& entry : shipped.sources) {
    CAPTURE(entry.first);
    CHECK((entry.second.url.starts_with("https://") || entry.second.url.starts_with("http://")));
  }
  // In alphabetical order, as its header asks: where a teacher looks a source up by its name.
  std::ifstream in(std::filesystem::path(assets_dir()) / "sources.toml");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("[") && line.find(']') != std::string::npos)
      names.push_back(line.substr(1, line.find(']') - 1));
  CHECK(names.size() == shipped.sources.size());
  for (size_t i = 1; i < names.size(); ++i) {
    CAPTURE(names[i]);
    CHECK(names[i - 1] < names[i]);
  }
  const auto p = write_temp("sources.toml", "[a]\ntitle = \"A\"\nurl = \"https://a.test\"\n\n[b]\ntitle = \"B\"\n");
  const SourcesLoad broken = load_sources(p);
  REQUIRE(broken.error);
  CHECK(broken.error->line == 5);
  CHECK(broken.error->message.find("[b] needs a title and a url") != std::string::npos);
}

TEST_CASE("lesson 06 stops where the app that was never enabled stays down after the reboot") {
  std::optional<Lesson> lesson;
  for (const auto& file : list_lessons())
    if (file.find("06-start-on-boot") != std::string::npos) lesson = load_lesson_file(file).lesson;
  REQUIRE(lesson);
  LoadResult sc = load_scenario_file(lesson->scenario_path);
  REQUIRE(sc.scenario);
  const Run run = simulate(*sc.scenario);
  std::optional<size_t> skip;
  for (const LessonStep& step : lesson->steps) {
    const auto at = resolve_step_target(run.trace, step.target);
    REQUIRE(at);
    if (run.trace.kind(run.trace[*at]) == "supervisor.boot_skip") skip = at;
  }
  REQUIRE_MESSAGE(skip, "no step lands on supervisor.boot_skip");
  const Record& r = run.trace[*skip];
  CHECK(run.trace.detail_str(r, "unit") == "api");
  CHECK(run.trace.detail_str(r, "reason") == "not-enabled");
  // It stays down: nothing starts it again, and from then on the proxy has no app to send to.
  size_t after = 0;
  for (size_t i = *skip + 1; i < run.trace.size(); ++i) {
    const Record& x = run.trace[i];
    const std::string_view kind = run.trace.kind(x);
    CHECK(kind != "process.start");
    CHECK(kind != "process.ready");
    if (kind == "client.response") CHECK(x.t_ns < r.t_ns);
    if (kind == "client.error" && run.trace.detail_int(x, "status") == 502) ++after;
  }
  CHECK(after > 100);
}

TEST_CASE("every shipped lesson says where its claims come from and how reality differs") {
  const auto lessons = list_lessons();
  REQUIRE(lessons.size() >= 21);
  for (const auto& file : lessons) {
    CAPTURE(file);
    const LessonLoad ll = load_lesson_file(file);  // an unknown source id would fail here
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
    const Lesson& lesson = *ll.lesson;
    CHECK_MESSAGE(!lesson.sources.empty(), "the summary cites no source");
    for (const LessonStep& step : lesson.steps) {
      CAPTURE(step.target);
      CHECK_MESSAGE(!step.sources.empty(), "step at line ", step.pos.line, " cites no source");
    }
    const RealLife& real = lesson.real_life;
    CHECK_MESSAGE(!real.text.empty(), "no [real_life] note");
    CHECK_MESSAGE(!real.text_ko.empty(), "the [real_life] note has no Korean text");
    CHECK_MESSAGE(!real.commands.empty(), "the [real_life] note names no command to see it on a real system");
    CHECK_MESSAGE(!real.sources.empty(), "the [real_life] note cites no source");
  }
}

TEST_CASE("a third language is added in the lesson file alone: <field>_<code> for any language code") {
  const auto p =
      write_temp("third-language.toml",
                 "[lesson]\ntitle = \"Certificates\"\ntitle_ko = \"인증서\"\ntitle_ja = \"証明書\"\n"
                 "summary = \"S\"\nsummary_ja = \"要約\"\nscenario = \"basic-https.toml\"\n"
                 "objectives = [\"Explain A.\"]\nobjectives_ja = [\"Aを説明できる。\"]\n"
                 "[[step]]\ntarget = \"start\"\ntext = \"x\"\ntext_ja = \"エックス\"\n"
                 "[step.question]\nprompt = \"Which?\"\nprompt_ja = \"どれ?\"\ntype = \"choice\"\n"
                 "answer = \"field:tls.client_hello/sni\"\n"
                 "[[step.question.choice]]\ntext = \"api\"\ntext_ja = \"エーピーアイ\"\nvalue = \"api.example.test\"\n"
                 "[[step.question.choice]]\ntext = \"www\"\nvalue = \"www.example.test\"\n"
                 "[real_life]\ntext = \"Real.\"\ntext_ja = \"本当。\"\n");
  const LessonLoad ll = load_lesson_file(p);
  REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
  const Lesson& l = *ll.lesson;
  CHECK(l.tr.pick("title", l.title, "ja") == "証明書");
  CHECK(l.tr.pick("title", l.title, "ko") == "인증서");
  CHECK(l.tr.pick("summary", l.summary, "ko") == "S");  // not given: the English
  CHECK(l.objectives_for("ja") == std::vector<std::string>{"Aを説明できる。"});
  CHECK(l.objectives_for("fr") == l.objectives);
  const LessonStep& st = l.steps.at(0);
  CHECK(st.tr.pick("text", st.text, "ja") == "エックス");
  CHECK(st.question->tr.pick("prompt", st.question->prompt, "ja") == "どれ?");
  CHECK(st.question->choices.at(0).tr.pick("text", st.question->choices.at(0).text, "ja") == "エーピーアイ");
  CHECK(l.real_life.tr.pick("text", l.real_life.text, "ja") == "本当。");
  // A misspelt field is still an error, located at its key.
  const auto bad =
      write_temp("bad-field.toml", "[lesson]\ntitle = \"t\"\ntitel_ja = \"x\"\nscenario = \"basic-https.toml\"\n");
  const LessonLoad lb = load_lesson_file(bad);
  REQUIRE(lb.error);
  CHECK(lb.error->line == 3);
  CHECK(lb.error->message.find("unknown key 'titel_ja'") != std::string::npos);
}

TEST_CASE("a teacher's lesson finds its scenario beside it first, then among the shipped ones") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "deploysim-test-lesson-beside";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(assets_dir()) / "scenarios" / "crash-loop-supervisors.toml", dir / "crashy.toml");
  const auto lesson_with = [&](const std::string& scenario) {
    const fs::path p = dir / "restart-loop.toml";
    std::ofstream(p) << "[lesson]\ntitle = \"Restart loop\"\nscenario = \"" << scenario
                     << "\"\n\n[[step]]\ntarget = \"start\"\ntext = \"t\"\n";
    return load_lesson_file(p.string());
  };
  const LessonLoad beside = lesson_with("crashy.toml");
  REQUIRE_MESSAGE(beside.lesson, (beside.error ? beside.error->to_string() : std::string()));
  CHECK(fs::equivalent(beside.lesson->scenario_path, dir / "crashy.toml"));
  // A shipped scenario's name still means the shipped file, unless the teacher's folder has one.
  const LessonLoad shipped = lesson_with("basic-https.toml");
  REQUIRE(shipped.lesson);
  CHECK(fs::equivalent(shipped.lesson->scenario_path, fs::path(assets_dir()) / "scenarios" / "basic-https.toml"));
  fs::copy_file(dir / "crashy.toml", dir / "basic-https.toml");
  CHECK(fs::equivalent(lesson_with("basic-https.toml").lesson->scenario_path, dir / "basic-https.toml"));
  // Not found: both places are named.
  const LessonLoad missing = lesson_with("nowhere.toml");
  REQUIRE(missing.error);
  CHECK(missing.error->line == 3);
  CHECK(missing.error->message.find((dir / "nowhere.toml").string()) != std::string::npos);
  CHECK(missing.error->message.find((fs::path(assets_dir()) / "scenarios" / "nowhere.toml").string()) !=
        std::string::npos);
  fs::remove_all(dir);
}
