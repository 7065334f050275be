// Narration: every record kind the request path emits has a sentence in every shipped language,
// and every placeholder in those sentences is filled from the record.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <algorithm>
#include <set>
#include <tuple>
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "deploysim/assets.hpp"
#include "deploysim/kinds.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/metrics_report.hpp"
#include "deploysim/narration.hpp"
#include "deploysim/simulate.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;

namespace {

// Scenarios in code that together reach every request-path record kind.
std::vector<Scenario> journeys() {
  std::vector<Scenario> out;
  Scenario base = basic_scenario();
  ClientSpec extra = base.clients[0];
  extra.requests = 1;
  auto with = [&](std::string name, std::string url, auto tweak) {
    Scenario sc = base;
    ClientSpec c = extra;
    c.name = std::move(name);
    c.url = std::move(url);
    tweak(sc, c);
    sc.clients.push_back(c);
    out.push_back(sc);
  };
  out.push_back(base);
  with("nosni", "https://api.example.test/", [](Scenario&, ClientSpec& c) { c.sni = false; });
  with("strict", "https://api.example.test/", [](Scenario& sc, ClientSpec& c) {
    c.sni = false;
    sc.proxy->strict_sni = true;
  });
  with("v12", "https://api.example.test/", [](Scenario&, ClientSpec& c) { c.tls_versions = tls12; });
  with("old", "https://old.example.test/", [](Scenario&, ClientSpec&) {});
  with("lost", "https://lost.example.test/", [](Scenario& sc, ClientSpec&) { sc.info.duration = s(200); });
  with("typo", "https://apj.example.test/", [](Scenario&, ClientSpec& c) {
    c.requests = 2;
    c.keep_alive = false;
  });
  with("cname", "https://app.example.test/", [](Scenario&, ClientSpec&) {});
  with("nocache", "https://app.example.test/", [](Scenario& sc, ClientSpec&) { sc.resolver.cache = false; });
  with("load", "https://api.example.test/", [](Scenario& sc, ClientSpec& c) {
    c.requests = 0;
    c.rate_per_s = 400;
    c.stop = s(2);
    sc.services[0].concurrency_limit = 3;
  });
  with("noroute", "https://shop.example.test/", [](Scenario&, ClientSpec&) {});
  return out;
}

// The shipped narration of every language, in Narrator::languages() order.
std::vector<Narrator> all_narrators() {
  std::vector<Narrator> narrators;
  for (const auto& lang : Narrator::languages()) {
    std::string error;
    auto n = Narrator::load(lang, &error);
    REQUIRE_MESSAGE(n.has_value(), error);
    narrators.push_back(std::move(*n));
  }
  return narrators;
}

// A record's kind and narration key are in the registry (kinds.hpp), each used as registered.
void check_registered(const Trace& trace, const Record& r, const std::string& where) {
  const KeyEntry* kind = find_key(trace.kind(r));
  const KeyEntry* key = find_key(trace.narration(r));
  CHECK_MESSAGE((kind && kind->use != KeyUse::narration), where, ": kind ", trace.kind(r), " not registered as a kind");
  CHECK_MESSAGE((key && key->use != KeyUse::kind_via_keys), where, ": narration key ", trace.narration(r),
                " not registered as a narrated key");
}

}  // namespace

TEST_CASE(
    "every registered kind and narration key has a sentence in every language, and every sentence a registered key") {
  const std::vector<Narrator> narrators = all_narrators();
  REQUIRE(all_keys.size() > 200);
  for (size_t li = 0; li < narrators.size(); ++li) {
    for (const KeyEntry& e : all_keys)
      if (e.use != KeyUse::kind_via_keys)
        CHECK_MESSAGE(narrators[li].has(e.key), Narrator::languages()[li], ": no sentence for registered key ", e.key);
    // Concept explanations are keyed by stage ("concept.tls"), not by record: test_concepts checks them.
    for (const std::string& key : narrators[li].keys()) {
      if (key == "fallback" || key.starts_with("concept.")) continue;
      const KeyEntry* e = find_key(key);
      CHECK_MESSAGE((e && e->use != KeyUse::kind_via_keys), Narrator::languages()[li], ": sentence for ", key,
                    ", which is no registered kind or narration key");
    }
  }
}

TEST_CASE("a key composed at run time must be registered") {
  CHECK(registered("supervisor.give_up.fatal") == kinds::supervisor_give_up_fatal);
  CHECK_THROWS_AS(registered("supervisor.gave_up.fatal"), std::logic_error);
}

TEST_CASE("every record of the request path narrates in every language with all placeholders filled") {
  const std::vector<Narrator> narrators = all_narrators();
  std::set<std::string> kinds_seen;
  for (const Scenario& sc : journeys()) {
    const Run run = simulate(sc);
    for (const Record& r : run.trace.records()) {
      if (!is_path_kind(run.trace.kind(r))) continue;  // the lifecycle models test their own
      kinds_seen.emplace(run.trace.kind(r));
      for (size_t li = 0; li < narrators.size(); ++li) {
        const std::string key(run.trace.narration(r));
        CHECK_MESSAGE(narrators[li].has(key), Narrator::languages()[li], ": no sentence for ", key);
        const std::string text = narrators[li].narrate(run.trace, r);
        CHECK_MESSAGE(text.find('{') == std::string::npos, key, ": ", text);
        if (std::getenv("DEPLOYSIM_PRINT_NARRATION") && li == 0) fmt::print("{:>12} {}\n", format_time(r.t()), text);
      }
    }
  }
  for (const char* k : {"tls.alert", "tcp.rst", "tcp.syn_retransmit", "dns.nxdomain", "dns.stub_cache_hit",
                        "server.reject", "server.queued", "proxy.no_route", "tls.server_hello_done"})
    CHECK_MESSAGE(kinds_seen.count(k) == 1, "journeys never produced ", std::string(k));
}

TEST_CASE("a broken narration file is reported with its location") {
  std::string error;
  CHECK_FALSE(Narrator::parse("\"dns.query\" = 3\n", "x.toml", &error).has_value());
  CHECK(error.starts_with("x.toml:1:"));
  CHECK_FALSE(Narrator::parse("\"dns.query\" = \n", "y.toml", &error).has_value());
  CHECK(error.starts_with("y.toml:1:"));
  CHECK_FALSE(Narrator::load("xx", &error).has_value());
  CHECK(error.find("xx.toml") != std::string::npos);
}

TEST_CASE("a language can be split into parts; a key defined twice is an error") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "deploysim_narration_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "en.toml") << "\"a.b\" = \"first {actor}\"\n";
  std::ofstream(dir / "en.lifecycle.toml") << "\"c.d\" = \"second\"\n";
  std::string error;
  auto n = Narrator::load("en", &error, dir.string());
  REQUIRE_MESSAGE(n.has_value(), error);
  CHECK(n->has("a.b"));
  CHECK(n->has("c.d"));
  std::ofstream(dir / "en.more.toml") << "\"a.b\" = \"again\"\n";
  CHECK_FALSE(Narrator::load("en", &error, dir.string()).has_value());
  CHECK(error.find("a.b") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "every shipped scenario and variant narrates in every language: a sentence for each record, no empty or unfilled "
    "placeholder") {
  const std::vector<Narrator> narrators = all_narrators();
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DEPLOYSIM_ASSETS_DIR) / "scenarios"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 18);
  size_t runs = 0, narrated = 0;
  for (const auto& file : files) {
    const LoadResult base = load_scenario_file(file.string());
    REQUIRE_MESSAGE(base.scenario, (base.error ? base.error->to_string() : ""));
    std::vector<std::string> variants{""};
    for (const VariantSpec& v : base.scenario->variants) variants.push_back(v.name);
    for (const std::string& variant : variants) {
      const LoadResult sc = variant.empty() ? base : apply_variant(*base.scenario, variant);
      REQUIRE_MESSAGE(sc.scenario, (sc.error ? sc.error->to_string() : ""));
      const Run run = simulate(*sc.scenario);
      ++runs;
      // A sentence reads the same for every record with the same key, nodes and details.
      std::set<std::tuple<Sym, Sym, uint32_t, NodeId, NodeId, NodeId>> seen;
      for (const Record& r : run.trace.records()) {
        check_registered(run.trace, r, file.filename().string() + (variant.empty() ? "" : " [" + variant + "]"));
        if (!seen.emplace(r.narration, r.kind, r.details, r.actor, r.from, r.to).second) continue;
        for (size_t li = 0; li < narrators.size(); ++li) {
          std::vector<std::string> problems;
          const std::string text = narrators[li].narrate(run.trace, r, &problems);
          ++narrated;
          for (const std::string& p : problems)
            FAIL_CHECK(file.filename().string(), variant.empty() ? "" : " [" + variant + "]", " ",
                       Narrator::languages()[li], ": ", run.trace.narration(r), ": ", p, "\n  ", text);
        }
      }
    }
  }
  CHECK(runs >= 50);
  MESSAGE("narrated ", narrated, " distinct records over ", runs, " runs");
}

TEST_CASE("TLS 1.2 narration: no keys agreed and no request before the second round trip") {
  const LoadResult l = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/tls12-vs-tls13.toml");
  REQUIRE(l.scenario.has_value());
  const Run run = simulate(*l.scenario);
  const Trace& t = run.trace;
  for (const auto& lang : Narrator::languages()) {
    CAPTURE(lang);
    std::string error;
    const auto n = Narrator::load(lang, &error);
    REQUIRE_MESSAGE(n.has_value(), error);
    size_t hellos = 0, finished = 0;
    for (const Record& r : t.records()) {
      if (t.node_name(r.actor) != "proxy" && t.node_name(r.actor) != "tls12-client") continue;
      const bool tls12 = t.node_name(r.to) == "tls12-client" || t.node_name(r.actor) == "tls12-client";
      if (!tls12) continue;
      const std::string text = n->narrate(t, r);
      if (t.kind(r) == "tls.server_hello") {
        ++hellos;
        CHECK(t.detail_str(r, "version") == "TLS 1.2");
        // Nothing is agreed at ServerHello in TLS 1.2: the 1.3 sentence must not be used.
        for (const char* claim : {"agreed", "합의"}) CHECK_MESSAGE(text.find(claim) == std::string::npos, text);
      }
      if (t.kind(r) == "tls.finished" && t.node_name(r.actor) == "tls12-client") {
        ++finished;
        // The client's Finished is not the moment it may send: the server's Finished comes first.
        for (const char* claim : {"at once", "곧바로"}) CHECK_MESSAGE(text.find(claim) == std::string::npos, text);
        CHECK(t.detail_int(r, "encrypted", -1) == 1);
      }
      if (t.kind(r) == "tls.certificate") CHECK(t.detail_int(r, "encrypted", -1) == 0);  // in clear in 1.2
    }
    CHECK(hellos == 1);
    CHECK(finished == 1);
  }
}

TEST_CASE("an OOM kill is narrated with sizes as the window writes them, not byte counts") {
  const LoadResult l = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/memory-four-workers.toml");
  REQUIRE(l.scenario.has_value());
  const Run run = simulate(*l.scenario);
  const Trace& t = run.trace;
  std::optional<Record> kill;
  for (const Record& r : t.records())
    if (!kill && t.kind(r) == "memory.oom_kill") kill = r;
  REQUIRE(kill);
  for (const auto& [lang, used] :
       {std::pair{"en", "4.0 GiB used of 3.0 GiB"}, std::pair{"ko", "3.0 GiB 중 4.0 GiB 사용"}}) {
    std::string error;
    const auto n = Narrator::load(lang, &error);
    REQUIRE_MESSAGE(n.has_value(), error);
    const std::string text = n->narrate(t, *kill);
    CHECK_MESSAGE(text.find(used) != std::string::npos, text);
    CHECK_MESSAGE(text.find("4294967296") == std::string::npos, text);
  }
}

TEST_CASE("every failure cause is named in words in every language, and a request's failure is told in them") {
  for (const std::string& lang : Narrator::languages()) {
    CAPTURE(lang);
    std::string error;
    const auto n = Narrator::load(lang, &error);
    REQUIRE_MESSAGE(n, error);
    for (int c = 1; c <= static_cast<int>(FailureCause::gateway_timeout); ++c) {
      const std::string_view cause = failure_cause_name(static_cast<FailureCause>(c));
      CAPTURE(cause);
      CHECK(n->style().failures.count(std::string(cause)) == 1);
      CHECK(n->style().failure(cause) != cause);
    }
  }
  // The metrics keep the cause's name; the sentence and the summary show its words.
  Scenario sc = basic_scenario();
  sc.clients.resize(1);
  sc.clients[0].requests = 1;
  sc.clients[0].url = "https://old.example.test/";  // a host where nothing listens on 443
  const Run run = simulate(sc);
  REQUIRE(run.metrics.failures.count("connection_refused") == 1);
  const auto find_error = [&](const Narrator& n) {
    for (const Record& r : run.trace.records())
      if (run.trace.kind(r) == "client.error") return n.narrate(run.trace, r);
    return std::string();
  };
  std::string error;
  const auto en = Narrator::load("en", &error), ko = Narrator::load("ko", &error);
  REQUIRE(en);
  REQUIRE(ko);
  CHECK(find_error(*en).find("failed: connection refused after") != std::string::npos);
  CHECK(find_error(*ko).find("실패했습니다: 연결 거부(connection refused).") != std::string::npos);
  const auto words = Messages::load("ko", &error);
  REQUIRE(words);
  const std::string summary = format_summary(run.metrics, *words, &ko->style());
  CHECK(summary.find("실패: 연결 거부(connection refused) 1") != std::string::npos);
  // An alert's name in tls.alert's sentence stays as written: only {cause} is a failure cause.
  CHECK(ko->style().detail("alert", "bad_certificate") == "bad_certificate");
  CHECK(ko->style().detail("cause", "bad_certificate") == "TLS 경고 bad_certificate(잘못된 인증서)");
}

TEST_CASE("a fault without a duration is told as lasting, never as 'for 0 s'") {
  std::ifstream in(std::filesystem::path(assets_dir()) / "scenarios" / "crash-loop-supervisors.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find("duration = \"45s\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 16, "duration = \"0\"");  // docs/scenario-format.md: "0", until the end
  const LoadResult l = load_scenario_text(text, "crash-for-good.toml");
  REQUIRE_MESSAGE(l.scenario, (l.error ? l.error->to_string() : std::string()));
  const Run run = simulate(*l.scenario);
  std::string error;
  const auto en = Narrator::load("en", &error);
  const auto ko = Narrator::load("ko", &error);
  REQUIRE(en);
  REQUIRE(ko);
  bool seen = false;
  for (size_t i = 0; i < run.trace.size(); ++i) {
    const Record& r = run.trace[i];
    if (run.trace.kind(r) != "fault.crash-on-start") continue;
    seen = true;
    CHECK(
        en->narrate(run.trace, r) ==
        "Fault: api is restarted and every start fails from now on (exit code 1): what breaks it is not fixed in this "
        "run.");
    CHECK(ko->narrate(run.trace, r).find("이제부터 모든 시작이 실패합니다") != std::string::npos);
    CHECK(en->narrate(run.trace, r).find(" 0 s") == std::string::npos);
  }
  CHECK(seen);
}
