#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/lesson.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "deploysim-test-questions";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

const std::string kHead = "[lesson]\ntitle = \"t\"\ntitle_ko = \"t\"\nscenario = \"no-sni.toml\"\n";

Run run_of(const Lesson& lesson) {
  const LoadResult sc = load_lesson_scenario(lesson);
  REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : std::string()));
  return simulate(*sc.scenario);
}

// A small trace: three starts, a give-up, with details.
Trace toy_trace() {
  Trace trace;
  const NodeId a = trace.node("a");
  for (int i = 0; i < 3; ++i)
    trace.append({.t = ms(100 * i), .kind = "process.start", .stage = Stage::client, .actor = a},
                 {{"pid", 100 + i}, {"unit", "api"}});
  trace.append({.t = ms(1500), .kind = "supervisor.give_up", .stage = Stage::client, .actor = a},
               {{"restarts", 2}, {"after", ms(1500)}, {"final", true}});
  trace.append({.t = ms(1600), .kind = "process.start", .stage = Stage::client, .actor = a});
  return trace;
}

}  // namespace

TEST_CASE("answer sources read counts, details, times and metrics from a run") {
  const Trace trace = toy_trace();
  Metrics m;
  m.requests = 10;
  m.succeeded = 9;
  m.failures["502"] = 1;
  m.restarts = 4;
  m.latency["tls"] = Percentiles{5, ms(20), ms(30), ms(40), ms(50)};
  auto read = [&](std::string_view s, size_t step = 3) { return read_answer(trace, m, s, step); };
  CHECK(read("count:process.start").value->number == 3);  // up to the step's record (#3), not the 4th start
  CHECK(read("count-all:process.start").value->number == 4);
  CHECK(read("count:process.start", 0).value->number == 1);
  CHECK(read("field:process.start#2/pid").value->text == "101");
  CHECK(read("field:process.start/unit").value->text == "api");
  CHECK(read("field:step/final").value->text == "true");
  CHECK(read("field:step/after").value->number == doctest::Approx(1.5));
  CHECK(read("time:supervisor.give_up").value->text == "1.5");
  CHECK(read("time:process.start#4").value->number == doctest::Approx(1.6));
  CHECK(read("time:process.start#4:ms").value->text == "1600");
  CHECK(read("field:step/after:ms").value->text == "1500");
  CHECK(read("field:step/restarts:ms").error.find("not a time") != std::string::npos);
  CHECK(read("time:supervisor.give_up:min").value->number == doctest::Approx(0.025));
  CHECK(read("metric:restarts").value->number == 4);
  CHECK(read("metric:failed").value->number == 1);
  CHECK(read("metric:failures.502").value->number == 1);
  CHECK(read("metric:availability").value->number == doctest::Approx(90.0));
  CHECK(read("metric:latency.tls.p99").value->number == doctest::Approx(40.0));
  // The unit a number is read in goes with it: the tour and the handout print "1600 ms".
  CHECK(read("time:process.start#4:ms").value->unit == "ms");
  CHECK(read("field:step/after").value->unit == "s");
  CHECK(read("time:supervisor.give_up:min").value->unit == "min");
  CHECK(read("metric:availability").value->unit == "percent");
  CHECK(read("metric:latency.tls.p99").value->unit == "ms");
  CHECK(read("metric:restarts").value->unit.empty());
  CHECK(read("count:process.start").value->unit.empty());
  CHECK(read("field:process.start#2/pid").value->unit.empty());
  // Sources that read nothing say why; none is a silent 0.
  CHECK(read("count:process.stop").error.find("no record of kind 'process.stop'") != std::string::npos);
  CHECK(read("field:process.start#9/pid").error.find("4 record(s)") != std::string::npos);
  CHECK(read("field:process.start/nope").error.find("no detail 'nope'") != std::string::npos);
  CHECK(read("metric:failures.503").error.find("cause '503'") != std::string::npos);
  CHECK(read("metric:latency.dns.p99").error.find("stage 'dns'") != std::string::npos);
  CHECK(read("metric:nope").error.find("unknown metric") != std::string::npos);
  CHECK(!valid_answer_source("count:"));
  CHECK(!valid_answer_source("field:process.start"));
  CHECK(!valid_answer_source("field:process.start#x/pid"));
  CHECK(!valid_answer_source("42"));
}

TEST_CASE("grading: the choice whose value equals the truth, a number within the tolerance") {
  Question q;
  q.type = QuestionType::choice;
  q.choices = {{"a", "", "www.example.test", {}, {}}, {"b", "", "api.example.test", {}, {}}, {"c", "", "3", {}, {}}};
  CHECK(right_choice(q, AnswerValue{false, 0, "api.example.test", {}}) == 1u);
  CHECK(right_choice(q, AnswerValue{true, 3, "3", {}}) == 2u);
  CHECK(!right_choice(q, AnswerValue{false, 0, "other", {}}));
  Question n;
  n.tolerance = 0.5;
  const AnswerValue three{true, 3, "3", {}};
  CHECK(number_is_right(n, three, 3.5));
  CHECK(number_is_right(n, three, 2.5));
  CHECK(!number_is_right(n, three, 3.6));
}

TEST_CASE("a lesson question loads, and its answer is read from the lesson's run") {
  const auto p =
      write_temp("q.toml", kHead +
                               "[[step]]\ntarget = \"kind:tls.certificate.default\"\ntext = \"x\"\n"
                               "text_ko = \"x\"\n[step.question]\nprompt = \"Which?\"\n"
                               "prompt_ko = \"어느 것?\"\ntype = \"choice\"\nanswer = \"field:step/domain\"\n"
                               "[[step.question.choice]]\ntext = \"api\"\ntext_ko = \"api\"\n"
                               "value = \"api.example.test\"\n[[step.question.choice]]\ntext = \"www\"\n"
                               "text_ko = \"www\"\nvalue = \"www.example.test\"\n");
  const LessonLoad ll = load_lesson_file(p, &shipped_sources());
  REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
  const LessonStep& step = ll.lesson->steps.at(0);
  REQUIRE(step.question);
  CHECK(step.question->type == QuestionType::choice);
  CHECK(step.question->answer_pos.line == 13);
  const Run run = run_of(*ll.lesson);
  const auto rec = resolve_step_target(run.trace, step.target);
  REQUIRE(rec);
  const AnswerRead truth = read_answer(run.trace, run.metrics, step.question->answer, *rec);
  REQUIRE(truth.value);
  CHECK(truth.value->text == "www.example.test");  // nginx's default certificate, not the one for the API
  CHECK(right_choice(*step.question, *truth.value) == 1u);
  CHECK(check_lesson(*ll.lesson, run.trace, run.metrics).empty());
}

TEST_CASE("a broken question gets one located error") {
  auto load = [](const std::string& name, const std::string& question) {
    const auto p = write_temp(name, kHead + "[[step]]\ntarget = \"end\"\ntext = \"x\"\n[step.question]\n" + question);
    return load_lesson_file(p, &shipped_sources());
  };
  struct Case {
    const char* question;
    uint32_t line;
    const char* message;
  };
  const Case cases[] = {
      {"prompt = \"p\"\n", 8, "needs an answer source"},
      {"prompt = \"p\"\nanswer = \"count\"\n", 10, "bad answer source 'count'"},
      {"prompt = \"p\"\nanswer = \"count:a\"\ntype = \"slider\"\n", 11,
       "in step 1: 'type' in [step.question] must be \"number\" or \"choice\", got \"slider\""},
      {"prompt = \"p\"\nanswer = \"count:a\"\nanwser = 3\n", 11, "unknown key 'anwser'"},
      {"prompt = \"p\"\nanswer = \"count:a\"\ntolerance = -1\n", 11, "0 or more"},
      {"prompt = \"p\"\nanswer = \"field:a/b\"\ntype = \"choice\"\ntolerance = 1\n", 12, "number questions only"},
      {"prompt = \"p\"\nanswer = \"field:a/b\"\ntype = \"choice\"\n[[step.question.choice]]\ntext = \"a\"\nvalue = 1\n",
       12, "at least two"},
      {"prompt = \"p\"\nanswer = \"field:a/b\"\ntype = \"choice\"\n[[step.question.choice]]\ntext = \"a\"\nvalue = "
       "1\n[[step.question.choice]]\ntext = \"b\"\nvalue = \"1\"\n",
       17, "two choices have the value '1'"},
      {"answer = \"count:a\"\n", 8, "needs a prompt"},
  };
  int i = 0;
  for (const Case& c : cases) {
    CAPTURE(c.question);
    const LessonLoad ll = load("broken-" + std::to_string(i++) + ".toml", c.question);
    REQUIRE(ll.error);
    CHECK(ll.error->line == c.line);
    CHECK(ll.error->message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("every shipped question's answer is found in its lesson's run, and every lesson asks at least two") {
  for (const auto& file : list_lessons()) {
    CAPTURE(file);
    const LessonLoad ll = load_lesson_file(file);
    REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
    const Lesson& lesson = *ll.lesson;
    const Run run = run_of(lesson);
    for (const LessonIssue& issue : check_lesson(lesson, run.trace, run.metrics))
      CHECK_MESSAGE(false, issue.where.to_string());  // errors and missing Korean alike
    int questions = 0;
    for (const LessonStep& step : lesson.steps) {
      if (!step.question) continue;
      ++questions;
      const Question& q = *step.question;
      CAPTURE(q.answer);
      CHECK(!q.prompt_ko.empty());
      CHECK(!q.explain.empty());
      CHECK(!q.explain_ko.empty());
      const auto at = resolve_step_target(run.trace, step.target);
      REQUIRE(at);
      const AnswerRead truth = read_answer(run.trace, run.metrics, q.answer, *at);
      REQUIRE_MESSAGE(truth.value, truth.error);
      if (q.type == QuestionType::choice)
        CHECK(right_choice(q, *truth.value));
      else
        CHECK(truth.value->numeric);
    }
    CHECK(questions >= 2);
  }
}

TEST_CASE("check_lesson: a target or an answer source that is not in the run, no right choice, no Korean") {
  const auto p =
      write_temp("mistakes.toml",
                 "[lesson]\ntitle = \"t\"\nscenario = \"no-sni.toml\"\n"                          // 1-3: no title_ko
                 "[[step]]\ntarget = \"kind:tls.client_hello\"\ntext = \"x\"\ntext_ko = \"x\"\n"  // 4-7
                 "[step.question]\nprompt = \"p\"\nprompt_ko = \"p\"\nanswer = \"count:tls.clienthello\"\n"  // 8-11
                 "[[step]]\ntarget = \"kind:tls.certficate\"\ntext = \"x\"\ntext_ko = \"x\"\n"               // 12-15
                 "[[step]]\ntarget = \"kind:tls.certificate.default\"\ntext = \"x\"\ntext_ko = \"x\"\n"      // 16-19
                 "[step.question]\nprompt = \"p\"\nprompt_ko = \"p\"\ntype = \"choice\"\n"                   // 20-23
                 "answer = \"field:step/domain\"\n"                                                          // 24
                 "[[step.question.choice]]\ntext = \"a\"\ntext_ko = \"a\"\nvalue = \"a.example.test\"\n"     // 25-28
                 "[[step.question.choice]]\ntext = \"b\"\nvalue = \"b.example.test\"\n");  // 29-31: no text_ko
  const LessonLoad ll = load_lesson_file(p, &shipped_sources());
  REQUIRE_MESSAGE(ll.lesson, (ll.error ? ll.error->to_string() : std::string()));
  const Run run = run_of(*ll.lesson);
  const auto issues = check_lesson(*ll.lesson, run.trace, run.metrics);
  std::vector<std::string> got;
  for (const auto& i : issues)
    got.push_back(fmt::format("{}:{}:{}", i.where.line, i.where.column, i.warning ? "warning" : "error"));
  CHECK(got == std::vector<std::string>{"1:1:warning", "11:10:error", "13:10:error", "20:1:error", "29:1:warning"});
  REQUIRE(issues.size() == 5);
  CHECK(issues[1].where.message.find("answer source 'count:tls.clienthello' does not exist in the run") !=
        std::string::npos);
  CHECK(issues[2].where.message.find("step target 'kind:tls.certficate' resolves to nothing") != std::string::npos);
  CHECK(issues[3].where.message.find("none of the choices has the value read from 'field:step/domain' in the run "
                                     "('www.example.test')") != std::string::npos);
  CHECK(issues[0].where.message.find("'title' has no 'title_ko'") != std::string::npos);
}
