// Exercises: every shipped exercise's reference solution passes and its starting state fails,
// the grader refuses settings the exercise does not allow, the evidence names what a learner
// finds in the trace, and each broken exercise file gets the located error of its '# expect:'.
#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "deploysim/exercise.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

Exercise shipped(const std::string& id) {
  const ExerciseLoad l = load_exercise_file(exercise_path(id));
  if (l.error) FAIL(l.error->to_string());
  return *l.exercise;
}

ExerciseSetting typed(const std::string& path, const std::string& value) {
  return {path, setting_value_text(value), "--set", {}};
}

}  // namespace

TEST_CASE("every shipped exercise: the reference solves it and the starting state does not") {
  const auto files = list_exercises();
  CHECK(files.size() >= 6);
  std::set<std::string> concepts;
  for (const std::string& file : files) {
    CAPTURE(file);
    const ExerciseLoad l = load_exercise_file(file);
    REQUIRE_MESSAGE(!l.error, l.error->to_string());
    const Exercise& ex = *l.exercise;
    concepts.insert(ex.topic);
    CHECK(!ex.title_ko.empty());
    CHECK(!ex.task_ko.empty());
    CHECK(!ex.sources.empty());
    for (const ExerciseGoal& g : ex.goals) CHECK(!g.text_ko.empty());
    // What `deploysim check --strict` finds: nothing, not even a missing Korean hint or label.
    for (const LessonIssue& issue : check_exercise(ex)) FAIL_CHECK(issue.where.to_string());
    const Grade start = grade_exercise(ex, {});
    REQUIRE_MESSAGE(!start.error, start.error->to_string());
    CHECK_FALSE(start.solved);
    for (size_t i = 0; i < ex.goals.size(); ++i)
      if (!start.goals[i].held) {
        CHECK(!start.goals[i].evidence.empty());
        CHECK(!start.goals[i].evidence_for("ko").empty());
        CHECK(start.goals[i].evidence_for("ko") != start.goals[i].evidence);
      }
    const Grade ref = grade_exercise(ex, ex.solution);
    REQUIRE_MESSAGE(!ref.error, ref.error->to_string());
    for (size_t i = 0; i < ex.goals.size(); ++i)
      CHECK_MESSAGE(ref.goals[i].held, ex.goals[i].text, ": ", ref.goals[i].evidence);
    CHECK(ref.solved);
  }
  for (const char* c : {"certificates", "restarts", "memory", "replication", "migrations", "sni"}) {
    CAPTURE(c);
    CHECK(concepts.count(c));
  }
}

TEST_CASE("the evidence is the metric or the record a learner can find in the trace") {
  const Exercise ex = shipped("cert-deploy-hook");
  const Grade g = grade_exercise(ex, {});
  REQUIRE(g.goals.size() == 2);
  CHECK_FALSE(g.goals[0].held);
  CHECK(g.goals[0].measured < 60.0);  // expired on day 60 of 120: about half the monitor's calls fail
  CHECK(g.goals[0].evidence.starts_with("availability "));
  CHECK(g.goals[0].evidence.find("first failure: request failed ") != std::string::npos);
  CHECK(g.goals[0].evidence.find("certificate_expired") != std::string::npos);
  CHECK(g.goals[0].record >= 0);
  CHECK_FALSE(g.goals[1].held);
  CHECK(g.goals[1].measured > 1000);

  const Exercise mem = shipped("memory-fit-workers");
  const Grade m = grade_exercise(mem, {typed("service.api.workers", "4")});
  CHECK_FALSE(m.goals[0].held);
  CHECK(m.goals[0].evidence.find(
            "“killed by the OOM killer” (memory.oom_kill) records; first: killed by the OOM killer ") !=
        std::string::npos);
  const Grade fits = grade_exercise(mem, {typed("service.api.workers", "3")});
  CHECK(fits.goals[0].evidence == "no “killed by the OOM killer” (memory.oom_kill) record");
  CHECK(fits.goals[2].evidence.starts_with("p99 "));

  // An overloaded worker's queue: the requests still waiting at the end have no answer, so the
  // availability goal fails too, with the run summary's number, and says how many were waiting.
  const Grade one = grade_exercise(shipped("replicate-for-load"), {typed("service.api.workers", "1")});
  CHECK_FALSE(one.goals[0].held);
  CHECK_FALSE(one.goals[2].held);
  CHECK(one.goals[2].measured < 50);
  CHECK(one.goals[2].evidence.find(" of them still waiting at the end, unanswered") != std::string::npos);
  const LoadResult overloaded = exercise_scenario(shipped("replicate-for-load"), {typed("service.api.workers", "1")});
  REQUIRE(overloaded.scenario);
  CHECK(one.goals[2].measured == doctest::Approx(100.0 * simulate(*overloaded.scenario).metrics.availability_ratio()));
}

TEST_CASE("a window from a record: no failed request from the deploy on") {
  const Exercise ex = shipped("deploy-no-failed-request");
  const Grade recreate = grade_exercise(ex, {});
  REQUIRE_FALSE(recreate.error);
  CHECK(recreate.goals[0].measured > 0);
  CHECK(recreate.goals[0].evidence.find(", from 1 min to the end") != std::string::npos);
  // A rolling update without a preStop pause still loses a few requests to closing pods.
  const Grade rolling = grade_exercise(ex, {typed("service.api.rollout", "rolling")});
  CHECK_FALSE(rolling.goals[0].held);
  // Audit finding: max_unavailable before rollout = "rolling" was refused (each --set was checked
  // before the later ones); settings are applied together, in any order.
  const Grade first =
      grade_exercise(ex, {typed("service.api.max_unavailable", "0"), typed("service.api.rollout", "rolling"),
                          typed("service.api.supervisor.pre_stop", "\"5s\"")});
  const Grade last =
      grade_exercise(ex, {typed("service.api.rollout", "rolling"), typed("service.api.max_unavailable", "0"),
                          typed("service.api.supervisor.pre_stop", "\"5s\"")});
  REQUIRE_FALSE(first.error);
  REQUIRE_FALSE(last.error);
  CHECK(first.solved == last.solved);
  CHECK(first.goals[0].measured == last.goals[0].measured);
  // Alone, max_unavailable over the exercise's recreate is still refused, and the message names it.
  const Grade alone = grade_exercise(ex, {typed("service.api.max_unavailable", "0")});
  REQUIRE(alone.error);
  CHECK(alone.error->message.find("'service.api.max_unavailable' = 0 is refused") == 0);
}

TEST_CASE("settings the exercise does not allow are refused with a clear message") {
  const Exercise ex = shipped("memory-fit-workers");
  SUBCASE("a path that is not a param") {
    const Grade g = grade_exercise(ex, {typed("host.edge-1.memory", "8GiB")});
    REQUIRE(g.error);
    CHECK(g.error->to_string() ==
          "--set: 'host.edge-1.memory' is not a setting this exercise lets you change (allowed: "
          "service.api.workers)");
  }
  SUBCASE("out of bounds") {
    const Grade g = grade_exercise(ex, {typed("service.api.workers", "9")});
    REQUIRE(g.error);
    CHECK(g.error->message == "'service.api.workers' = 9 is out of bounds; this exercise allows 1 to 8");
  }
  SUBCASE("not a number") {
    const Grade g = grade_exercise(ex, {typed("service.api.workers", "many")});
    REQUIRE(g.error);
    CHECK(
        g.error->message ==
        "'service.api.workers' = \"many\" is not the kind of value this setting takes; write one like 1, from 1 to 8");
  }
  SUBCASE("a number where the bounds are durations") {
    const Grade g =
        grade_exercise(shipped("restart-outlast-outage"), {{"service.api.supervisor.restart_sec", "4", "--set", {}}});
    REQUIRE(g.error);
    CHECK(g.error->message ==
          "'service.api.supervisor.restart_sec' = 4 is not the kind of value this setting takes; "
          "write one like \"100ms\", from 100ms to 60s");
  }
  SUBCASE("a value not in the list") {
    const Exercise sni = shipped("sni-reject-unknown");
    const Grade g = grade_exercise(sni, {typed("proxy.default_certificate", "evil.example.test")});
    REQUIRE(g.error);
    CHECK(g.error->message ==
          "'proxy.default_certificate' = \"evil.example.test\" is not allowed here; choose one of: "
          "\"www.example.test\", \"api.example.test\"");
  }
  SUBCASE("durations are compared as durations") {
    const Exercise r = shipped("restart-outlast-outage");
    CHECK_FALSE(check_setting(r, typed("service.api.supervisor.restart_sec", "90s")) == std::nullopt);
    CHECK(check_setting(r, typed("service.api.supervisor.restart_sec", "1500ms")) == std::nullopt);
    CHECK(check_setting(r, typed("service.api.supervisor.restart_sec", "50ms"))->message ==
          "'service.api.supervisor.restart_sec' = \"50ms\" is out of bounds; this exercise allows 100ms to 60s");
  }
}

TEST_CASE("a value typed on the command line becomes TOML text") {
  CHECK(setting_value_text("3") == "3");
  CHECK(setting_value_text("true") == "true");
  CHECK(setting_value_text("15s") == "\"15s\"");
  CHECK(setting_value_text("\"once\"") == "\"once\"");
  CHECK(setting_value_text("per-replica") == "\"per-replica\"");
  CHECK(setting_value_text("a\"b") == "\"a\\\"b\"");
  // Control characters are escaped: the text is one valid TOML string that reads back as typed.
  for (const std::string& typed : std::vector<std::string>{"two\nlines", "a\ttab", "bell\x07", "del\x7F", "cr\r"}) {
    CAPTURE(typed);
    const std::string text = setting_value_text(typed);
    CHECK(std::none_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }));
    const toml::table t = toml::parse("v = " + text);
    CHECK(t["v"].value<std::string>() == typed);
  }
}

TEST_CASE("a settings file: [set] with located values, and its mistakes located") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "deploysim_test_exercise";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string good = write("good.toml",
                                 "exercise = \"memory-fit-workers\"\nlearner = \"Kim\"\n[set]\n"
                                 "\"service.api.workers\" = 9\n");
  const SettingsFile sf = load_settings_file(good);
  REQUIRE_FALSE(sf.error);
  CHECK(sf.learner == "Kim");
  REQUIRE(sf.settings.size() == 1);
  const Grade g = grade_exercise(shipped("memory-fit-workers"), sf.settings);
  REQUIRE(g.error);
  CHECK(g.error->to_string() ==
        good + ":4:25: 'service.api.workers' = 9 is out of bounds; this exercise allows 1 to 8");
  const std::string no_set = write("no-set.toml", "learner = \"Kim\"\n");
  CHECK(load_settings_file(no_set).error->to_string() ==
        no_set + ":1:1: missing [set] table: the settings, e.g. [set] \"service.api.workers\" = 3");
  const std::string typo = write("typo.toml", "[sett]\n");
  CHECK(load_settings_file(typo).error->to_string() ==
        typo + ":1:2: unknown key 'sett' in the settings file (did you mean 'set'?)");
  const std::string other = write("other.toml", "[answers]\n");  // no key near it: the list
  CHECK(load_settings_file(other).error->to_string() ==
        other + ":1:2: unknown key 'answers' in the settings file (expected one of: exercise, learner, set)");
  // A learner's commonest slips: a name without quotes' kind of value, a dotted path without
  // quotes (TOML makes it a table); each names its key, its table and what it takes, in Korean too.
  std::string error;
  const auto ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  const std::string number = write("number.toml", "learner = 7\n[set]\n\"service.api.workers\" = 3\n");
  const ScenarioError learner = *load_settings_file(number).error;
  CHECK(learner.to_string() ==
        number + ":1:11: 'learner' in the settings file must be a string (e.g. learner = \"...\"), got integer 7");
  CHECK(ko->error(learner.message) ==
        "설정 파일의 'learner'에는 문자열(예: learner = \"...\")만 쓸 수 있습니다 (적힌 값: 정수 7)");
  const std::string dotted = write("dotted.toml", "[set]\nservice.api.workers = 3\n");
  const ScenarioError path = *load_settings_file(dotted).error;
  CHECK(path.to_string() == dotted +
                                ":2:1: 'service' in [set] must be a number, a string, true/false or an array (a "
                                "dotted path is written in quotes, e.g. \"service.api.workers\" = 3), got a table");
  CHECK(ko->error(path.message) ==
        "[set]의 'service'에는 숫자, 문자열, true/false, 배열 중 하나(점으로 이은 경로는 따옴표로 감쌉니다. 예: "
        "\"service.api.workers\" = 3)만 쓸 수 있습니다 (적힌 값: 테이블)");
  std::filesystem::remove_all(dir);
}

TEST_CASE("each broken exercise gets the exact located error of its '# expect:' line") {
  const std::filesystem::path dir = std::filesystem::path(DEPLOYSIM_TEST_DIR) / "exercises" / "broken";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 8);
  for (const auto& path : files) {
    CAPTURE(path);
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    REQUIRE(first.starts_with("# expect: "));
    CHECK(is_exercise_file(path.string()));
    const ExerciseLoad l = load_exercise_file(path.string());
    REQUIRE(l.error);
    std::string expected = path.string() + ":" + first.substr(10);
    if (const auto at = expected.find("{assets}"); at != std::string::npos) expected.replace(at, 8, assets_dir());
    if (const auto at = expected.find("{here}"); at != std::string::npos)
      expected.replace(at, 6, path.parent_path().string());
    CHECK(l.error->to_string() == expected);
  }
}

TEST_CASE("a teacher's exercise finds its scenario beside it, cites its own source, and is graded on it") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "deploysim-test-exercise-beside";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(assets_dir()) / "scenarios" / "crash-loop-supervisors.toml", dir / "crashy.toml");
  const fs::path p = dir / "outlast.toml";
  std::ofstream(p) << R"([exercise]
title = "Outlast the outage"
scenario = "crashy.toml"
task = "Keep systemd restarting until the database is back."
sources = ["systemd-service", "team-runbook"]

[source.team-runbook]
title = "Our runbook: the api unit"
url = "https://wiki.example.test/runbooks/api"

[[param]]
path = "service.api.supervisor.restart_sec"
min = "100ms"
max = "60s"

[[goal]]
text = "systemd never gives up"
measure = "count:supervisor.give_up"
equals = 0

[solution]
"service.api.supervisor.restart_sec" = "15s"
)";
  const ExerciseLoad l = load_exercise_file(p.string());
  REQUIRE_MESSAGE(l.exercise, (l.error ? l.error->to_string() : std::string()));
  CHECK(fs::equivalent(l.exercise->scenario_path, dir / "crashy.toml"));
  CHECK(l.exercise->own_sources.at("team-runbook").url == "https://wiki.example.test/runbooks/api");
  CHECK(grade_exercise(*l.exercise, l.exercise->solution).solved);
  CHECK_FALSE(grade_exercise(*l.exercise, {}).solved);
  fs::remove_all(dir);
}

TEST_CASE("check grades an exercise's start and its solution, and finds its missing Korean texts") {
  namespace fs = std::filesystem;
  const fs::path shipped = fs::path(assets_dir()) / "exercises" / "cert-deploy-hook.toml";
  std::ifstream in(shipped);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const fs::path dir = fs::temp_directory_path() / "deploysim-test-exercise-check";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(assets_dir()) / "scenarios" / "cert-renewal.toml", dir / "cert-renewal.toml");
  const auto issues_of = [&](const std::string& name, const std::string& body) {
    const fs::path p = dir / name;
    std::ofstream(p) << body;
    const ExerciseLoad l = load_exercise_file(p.string());
    REQUIRE_FALSE(l.error);
    std::vector<std::string> out;
    for (const LessonIssue& i : check_exercise(*l.exercise))
      out.push_back((i.warning ? "warning: " : "") + i.where.to_string());
    return out;
  };
  const auto replaced = [&](std::string from, const std::string& to) {
    std::string t = text;
    const size_t at = t.find(from);
    REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };
  // The shipped exercise: its start fails, its solution passes, every text has its Korean.
  CHECK(issues_of("good.toml", text).empty());
  // A teacher's [solution] that leaves the problem as it was: each goal it misses, at [solution].
  const auto unsolved =
      issues_of("unsolved.toml", replaced("reload_after_renewal\" = true", "reload_after_renewal\" = false"));
  REQUIRE(unsolved.size() == 2);
  CHECK(unsolved[0].starts_with((dir / "unsolved.toml").string() +
                                ":50:1: the [solution] does not solve the exercise: "
                                "goal 'Availability at least 99.9 % over the 120 days' "
                                "does not hold with it (availability "));
  CHECK(unsolved[1].find("goal 'No request fails with certificate_expired' does not hold") != std::string::npos);
  // A start in which every goal already holds: nothing for the class to do.
  const auto solved_start = issues_of(
      "solved-start.toml",
      replaced("[[param]]", "[start]\n\"certificate.api.example.test.reload_after_renewal\" = true\n\n[[param]]"));
  REQUIRE_FALSE(solved_start.empty());
  CHECK(solved_start[0] == (dir / "solved-start.toml").string() +
                               ":2:1: every goal already holds before the learner changes anything (check the [start] "
                               "settings and the goals' numbers): there is nothing to solve");
  // A task without its Korean, and one written task_kr: warnings, as a lesson's.
  const auto no_ko = issues_of("no-ko.toml", replaced("task_ko = ", "task_kr = "));
  REQUIRE(no_ko.size() == 1);
  CHECK(no_ko[0] ==
        "warning: " + (dir / "no-ko.toml").string() +
            ":2:1: missing ko text: 'task' has no 'task_ko' ('task_kr' is there: Korean's language code is ko)");
  fs::remove_all(dir);
}
