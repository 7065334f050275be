// deploysim-trace/1 JSON: byte-identical output for identical runs, a faithful round trip, and
// one located, readable error for every kind of broken file (never a crash).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "core/rng.hpp"
#include "deploysim/assets.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/trace_json.hpp"

using namespace deploysim;
using namespace deploysim::literals;

namespace {

// A small model in the shape of the real ones: a client sends requests at random intervals,
// the proxy forwards them to one of two workers, each worker answers after a lognormal
// service time. Everything random comes from per-actor streams of one seed.
struct Model {
  explicit Model(uint64_t seed)
      : client(trace.node("laptop")),
        proxy(trace.node("proxy")),
        workers{trace.node("worker-1"), trace.node("worker-2")},
        arrivals(seed, Rng::stream_id("laptop")),
        service{Rng(seed, Rng::stream_id("worker-1")), Rng(seed, Rng::stream_id("worker-2"))},
        balance(seed, Rng::stream_id("proxy")) {}
  Engine engine;
  Trace trace;
  NodeId client, proxy, workers[2];
  Rng arrivals, service[2], balance;
  uint32_t next_conn = 0;

  void send() {
    RecordSpec req;
    req.t = engine.now();
    req.kind = "http.request";
    req.stage = Stage::http;
    req.actor = req.from = client;
    req.to = proxy;
    req.dur = 20_ms;
    req.conn = static_cast<ConnId>(next_conn++);
    const RecordId rid = trace.append(req, {{"method", "GET"}, {"path", "/items"}, {"host", "api.example.test"}});
    const uint64_t w = balance.below(2);
    const Time took = service[w].lognormal(ms(30), ms(250));
    RecordSpec fwd = req;
    fwd.t = req.t + 20_ms;
    fwd.kind = "proxy.forward";
    fwd.stage = Stage::proxy;
    fwd.actor = fwd.from = proxy;
    fwd.to = workers[w];
    fwd.dur = 1_ms;
    fwd.cause = rid;
    const RecordId fid = trace.append(fwd, {{"x_forwarded_proto", "https"}, {"tls", false}});
    RecordSpec resp = fwd;
    resp.t = fwd.t + 1_ms + took;
    resp.kind = "http.response";
    resp.stage = Stage::http;
    resp.actor = resp.from = workers[w];
    resp.to = proxy;
    resp.cause = fid;
    resp.narration = took > ms(100) ? "http.response.slow" : "";
    trace.append(resp, {{"status", took > ms(200) ? 503 : 200}, {"service_time", took}});
    engine.schedule(arrivals.exponential(ms(50)), [this] { send(); });
  }
};

Trace run_model(uint64_t seed) {
  Model m(seed);
  m.engine.schedule(Time{}, [&m] { m.send(); });
  m.engine.run_until(2_s);
  return std::move(m.trace);
}

TraceJsonError read_error(const std::string& text) {
  const TraceReadResult r = read_trace_json(text, "t.json");
  REQUIRE_FALSE(r.file.has_value());
  REQUIRE(r.error.has_value());
  return *r.error;
}

// A valid two-record file; tests break it in one place.
std::string small_file() {
  Trace t;
  RecordSpec s;
  s.t = 5_ms;
  s.kind = "dns.query";
  s.stage = Stage::dns;
  s.actor = s.from = t.node("laptop");
  s.to = t.node("resolver");
  s.dur = 3_ms;
  t.append(s, {{"name", "api.example.test"}, {"type", "A"}});
  s.t = 8_ms;
  s.kind = "dns.answer";
  std::swap(s.from, s.to);
  s.actor = s.from;
  s.cause = RecordId{0};
  t.append(s, {{"ttl", 300_s}, {"cached", true}, {"addresses", 1}});
  return trace_to_json(t, "One IP, two domains", 42);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto p = text.find(from);
  REQUIRE(p != std::string::npos);
  return text.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("the writer produces the documented shape, byte for byte") {
  const std::string expected =
      R"({
  "schema": "deploysim-trace/1",
  "scenario": "One IP, two domains",
  "seed": 42,
  "fingerprint": "FP",
  "nodes": ["laptop", "resolver"],
  "roles": ["other", "other"],
  "hosts": [-1, -1],
  "records": [
    {"seq": 0, "t_ns": 5000000, "dur_ns": 3000000, "kind": "dns.query", "stage": "dns", )"
      R"("actor": "laptop", "from": "laptop", "to": "resolver", "conn": null, "proc": null, )"
      R"("detail": {"name": "api.example.test", "type": "A"}, "cause": null, "narration": "dns.query"},
    {"seq": 1, "t_ns": 8000000, "dur_ns": 3000000, "kind": "dns.answer", "stage": "dns", )"
      R"("actor": "resolver", "from": "resolver", "to": "laptop", "conn": null, "proc": null, )"
      R"("detail": {"ttl": {"ns": 300000000000}, "cached": true, "addresses": 1}, "cause": 0, "narration": "dns.answer"}
  ]
}
)";
  const std::string text = small_file();
  const auto fp = read_trace_json(text, "t.json");
  REQUIRE(fp.file.has_value());
  CHECK(text == replace(expected, "FP", fp.file->trace.fingerprint_hex()));
  SUBCASE("an empty trace is valid too") {
    const std::string empty = trace_to_json(Trace(), "empty", 0);
    CHECK(empty.find("\"records\": []") != std::string::npos);
    const auto r = read_trace_json(empty, "empty.json");
    REQUIRE(r.file.has_value());
    CHECK(r.file->trace.empty());
  }
}

TEST_CASE("the same seed gives identical JSON; another seed does not") {
  const Trace a = run_model(42), b = run_model(42), c = run_model(43);
  REQUIRE(a.size() > 60);
  CHECK(a.fingerprint() == b.fingerprint());
  CHECK(trace_to_json(a, "model", 42) == trace_to_json(b, "model", 42));
  CHECK(a.fingerprint() != c.fingerprint());
  CHECK(trace_to_json(a, "model", 42) != trace_to_json(c, "model", 42));
}

TEST_CASE("a trace survives a round trip through JSON") {
  const Trace original = run_model(7);
  const std::string text = trace_to_json(original, "Crash loop \"quoted\" \xc3\xa9", 7);
  const TraceReadResult r = read_trace_json(text, "run.json");
  REQUIRE_MESSAGE(r.file.has_value(), (r.error ? r.error->to_string() : ""));
  const Trace& back = r.file->trace;
  CHECK(r.file->scenario == "Crash loop \"quoted\" \xc3\xa9");
  CHECK(r.file->seed == 7);
  CHECK(back.fingerprint() == original.fingerprint());
  REQUIRE(back.size() == original.size());
  REQUIRE(back.node_count() == original.node_count());
  bool same = true;
  for (size_t i = 0; i < back.size(); ++i) {
    const Record &x = original[i], &y = back[i];
    same = same && x.t_ns == y.t_ns && x.dur_ns == y.dur_ns && original.kind(x) == back.kind(y) &&
           original.narration(x) == back.narration(y) && x.stage == y.stage && x.actor == y.actor && x.from == y.from &&
           x.to == y.to && x.conn == y.conn && x.proc == y.proc && x.cause == y.cause &&
           original.details(x).size() == back.details(y).size();
  }
  CHECK(same);
  CHECK(back.detail_int(back[2], "service_time") == original.detail_int(original[2], "service_time"));
  CHECK(trace_to_json(back, r.file->scenario, r.file->seed) == text);

  SUBCASE("through a file on disk") {
    const std::string path = std::string(DEPLOYSIM_BINARY_DIR) + "/test_trace_json_roundtrip.json";
    {
      std::ofstream out(path, std::ios::binary);
      write_trace_json(out, original, "disk", 7);
    }
    const TraceReadResult f = read_trace_json_file(path);
    REQUIRE(f.file.has_value());
    CHECK(f.file->trace.fingerprint() == original.fingerprint());
    std::remove(path.c_str());
  }
}

TEST_CASE("malformed files give one located error") {
  const std::string good = small_file();
  struct Case {
    const char* what;
    std::string text;
    uint32_t line, column;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty file", "", 1, 1, "invalid JSON"},
      {"truncated", good.substr(0, 40), 3, 6, "invalid JSON"},
      {"not an object", "[1, 2]", 1, 1, "expected a JSON object"},
      {"wrong schema", replace(good, "deploysim-trace/1", "deploysim-trace/2"), 2, 13,
       "schema: expected \"deploysim-trace/1\""},
      {"unknown stage", replace(good, "\"stage\": \"dns\"", "\"stage\": \"quantum\""), 10, 82,
       "unknown stage \"quantum\""},
      {"time as a string", replace(good, "\"t_ns\": 5000000", "\"t_ns\": \"5ms\""), 10, 24,
       "t_ns: expected an integer number of nanoseconds, got a string"},
      {"fractional time", replace(good, "\"t_ns\": 5000000", "\"t_ns\": 5.5"), 10, 24, "got a fractional number"},
      {"huge time", replace(good, "\"t_ns\": 5000000", "\"t_ns\": 99999999999999999999999"), 10, 24,
       "got a fractional number"},
      {"time beyond int64", replace(good, "\"t_ns\": 5000000", "\"t_ns\": 9223372036854775808"), 10, 24,
       "out of range"},
      {"negative duration", replace(good, "\"dur_ns\": 3000000", "\"dur_ns\": -1"), 10, 43, "out of range"},
      {"seq out of order", replace(good, "\"seq\": 1", "\"seq\": 5"), 11, 13, "seq: expected 1"},
      {"unknown node", replace(good, "\"to\": \"resolver\"", "\"to\": \"ghost\""), 10, 132, "unknown node \"ghost\""},
      {"cause from the future", replace(good, "\"cause\": 0", "\"cause\": 1"), 11, 257, "earlier record"},
      {"edited record", replace(good, "\"t_ns\": 8000000", "\"t_ns\": 8000001"), 5, 18,
       "fingerprint: the records hash to"},
      {"duplicate key", replace(good, "\"dur_ns\": 3000000", "\"seq\": 0"), 10, 33, "duplicate key \"seq\""},
      {"unknown key", replace(good, "\"dur_ns\": 3000000", "\"duration\": 3000000"), 10, 33,
       "unknown record key \"duration\""},
      {"array as detail", replace(good, "\"type\": \"A\"", "\"type\": [\"A\"]"), 10, 219,
       "expected a scalar value or an object, got an array"},
      {"time without ns", replace(good, "{\"ns\": 300000000000}", "{}"), 11, 193, "\"ns\" is missing"},
      {"records before nodes", replace(good, "\"nodes\"", "\"nodez\""), 6, 3, "unknown key \"nodez\""},
      {"missing kind", replace(good, "\"kind\": \"dns.query\", ", ""), 10, 5, "record 0: missing \"kind\""},
      {"trailing garbage", good + "x", 14, 1, "invalid JSON"},
      {"invalid UTF-8", replace(good, "One IP", "One \xff"), 3, 20, "invalid JSON"},
      {"bad fingerprint text", replace(good, "\"fingerprint\": \"", "\"fingerprint\": \"X"), 5, 18,
       "16 lower-case hex digits"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const TraceJsonError e = read_error(c.text);
    CHECK(e.file == "t.json");
    CHECK(e.message.find(c.message) != std::string::npos);
    CAPTURE(e.to_string());
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
  }
  const TraceJsonError e = read_error(replace(good, "\"stage\": \"dns\"", "\"stage\": \"quantum\""));
  CHECK(e.to_string().rfind("t.json:10:82: stage: unknown stage \"quantum\" (expected one of dns, tcp,", 0) == 0);
}

TEST_CASE("hostile input never crashes the reader") {
  const std::string good = small_file();
  SUBCASE("every truncation is an error") {
    for (size_t n = 0; n < good.size() - 1; ++n) {
      const auto r = read_trace_json(good.substr(0, n), "cut.json");
      REQUIRE(r.error.has_value());
    }
  }
  SUBCASE("random byte edits give a trace or an error") {
    Rng rng(1, 2);
    int errors = 0;
    for (int i = 0; i < 3000; ++i) {
      std::string text = good;
      for (int k = 0; k < 3; ++k) text[rng.below(text.size())] = static_cast<char>(rng.below(256));
      const auto r = read_trace_json(text, "fuzz.json");
      CHECK(r.file.has_value() != r.error.has_value());
      errors += r.error.has_value();
    }
    CHECK(errors > 2500);
  }
  SUBCASE("deep nesting") {
    CHECK(read_error(std::string(200000, '[')).message.find("expected a JSON object") != std::string::npos);
    const std::string deep = replace(good, "\"cached\": true", "\"cached\": " + std::string(100000, '{'));
    CHECK_FALSE(read_trace_json(deep, "deep.json").file.has_value());
  }
  SUBCASE("too many details") {
    std::string many = "\"a0\": 0";
    for (int i = 1; i <= static_cast<int>(Trace::max_details); ++i) many += ", \"a" + std::to_string(i) + "\": 0";
    CHECK(read_error(replace(good, "\"addresses\": 1", many))
              .message.find(fmt::format("at most {} details", Trace::max_details)) != std::string::npos);
  }
  SUBCASE("structure errors") {
    CHECK(read_error(R"({"schema": "deploysim-trace/1", "records": [], "nodes": []})").message ==
          "records: \"nodes\" must come before \"records\"");
    const TraceJsonError missing = read_error(R"({"schema": "deploysim-trace/1", "nodes": [], "records": []})");
    CHECK(missing.message.find("missing \"fingerprint\"") == 0);
    CHECK(read_error(R"({"schema": "deploysim-trace/1", "nodes": ["a", "a"]})").message ==
          "nodes: \"a\" is listed twice");
    CHECK(read_error(R"({"seed": -1})").message.find("seed: expected a non-negative integer") == 0);
    CHECK(read_error(R"({"nodes": {}})").message == "nodes: expected an array, got an object");
  }
  SUBCASE("a missing file") {
    const auto r = read_trace_json_file("/nonexistent/trace.json");
    REQUIRE(r.error.has_value());
    CHECK(r.error->to_string() == "/nonexistent/trace.json: cannot open the file for reading");
  }
}

TEST_CASE("the typed facts survive a round trip: node roles and hosts, states, outcomes, causes") {
  // A crash loop under systemd and failing requests: every kind of fact appears.
  const LoadResult loaded = load_scenario_file(assets_dir() + "/scenarios/crash-loop-supervisors.toml");
  REQUIRE(loaded.scenario.has_value());
  const Run run = simulate(*loaded.scenario);
  const Trace& original = run.trace;
  const std::string text = trace_to_json(original, loaded.scenario->info.name, run.seed);
  CHECK(text.find("\"roles\": [\"") != std::string::npos);
  CHECK(text.find("\"state\": \"crashed\"") != std::string::npos);
  CHECK(text.find("\"outcome\": \"failed\"") != std::string::npos);
  CHECK(text.find("\"reports_failure\": true") != std::string::npos);
  const TraceReadResult r = read_trace_json(text, "run.json");
  REQUIRE_MESSAGE(r.file.has_value(), (r.error ? r.error->to_string() : ""));
  const Trace& back = r.file->trace;
  REQUIRE(back.size() == original.size());
  REQUIRE(back.node_count() == original.node_count());
  size_t roles = 0, states = 0, failures = 0;
  for (size_t i = 0; i < back.node_count(); ++i) {
    const auto n = static_cast<NodeId>(i);
    CAPTURE(original.node_name(n));
    CHECK(back.node_role(n) == original.node_role(n));
    CHECK(back.node_host(n) == original.node_host(n));
    roles += original.node_role(n) != NodeRole::other ? 1 : 0;
  }
  bool same = true;
  for (size_t i = 0; i < back.size(); ++i) {
    const Record &x = original[i], &y = back[i];
    same = same && x.state == y.state && x.outcome == y.outcome && x.failure == y.failure &&
           x.reports_failure == y.reports_failure;
    states += x.state != ProcState::none ? 1 : 0;
    failures += x.failure != FailureCause::none ? 1 : 0;
  }
  CHECK(same);
  CHECK(roles > 3);
  CHECK(states > 3);
  CHECK(failures > 0);
  CHECK(trace_to_json(back, r.file->scenario, r.file->seed) == text);
}

TEST_CASE("broken typed facts give one located error") {
  const std::string good = small_file();
  struct Case {
    const char* what;
    std::string text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"unknown role", replace(good, "\"roles\": [\"other\"", "\"roles\": [\"wizard\""),
       "roles: expected one of \"client\""},
      {"too few roles", replace(good, "\"roles\": [\"other\", \"other\"]", "\"roles\": [\"client\"]"),
       "roles: expected one per node (2), got 1"},
      {"host below -1", replace(good, "\"hosts\": [-1", "\"hosts\": [-2"), "hosts: negative value out of range"},
      {"unknown state",
       replace(good, "\"narration\": \"dns.query\"", "\"narration\": \"dns.query\", \"state\": \"asleep\""),
       "state: expected one of \"starting\""},
      {"outcome maybe",
       replace(good, "\"narration\": \"dns.query\"", "\"narration\": \"dns.query\", \"outcome\": \"maybe\""),
       "outcome: expected \"ok\" or \"failed\""},
      {"unknown failure",
       replace(good, "\"narration\": \"dns.query\"", "\"narration\": \"dns.query\", \"failure\": \"418\""),
       "failure: expected one of \"bad_url\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const TraceJsonError e = read_error(c.text);
    CAPTURE(e.to_string());
    CHECK(e.message.find(c.message) != std::string::npos);
    CHECK(e.line > 0);
  }
}
