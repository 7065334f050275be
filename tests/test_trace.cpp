// The trace: what every panel and export reads. Interning, details, and a fingerprint that
// notices any change to any record and nothing else.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "deploysim/trace.hpp"

using namespace deploysim;
using namespace deploysim::literals;

namespace {

RecordSpec hello(Trace& t) {
  RecordSpec s;
  s.t = 120_ms;
  s.kind = "tls.client_hello";
  s.stage = Stage::tls;
  s.actor = s.from = t.node("laptop");
  s.to = t.node("proxy");
  s.dur = 20_ms;
  s.conn = ConnId{3};
  return s;
}

}  // namespace

TEST_CASE("records keep what the model said") {
  Trace t;
  const RecordSpec spec = hello(t);
  const RecordId id = t.append(spec, {{"sni", "api.example.test"}, {"alpn", "h2"},
                                      {"port", 443}, {"resumed", false}, {"rtt", 40_ms}});
  REQUIRE(t.size() == 1);
  const Record& r = t.at(id);
  CHECK(r.t() == 120_ms);
  CHECK(r.end() == 140_ms);
  CHECK(t.kind(r) == "tls.client_hello");
  CHECK(t.narration(r) == "tls.client_hello");  // defaults to the kind
  CHECK(r.stage == Stage::tls);
  CHECK(t.node_name(r.from) == "laptop");
  CHECK(t.node_name(r.to) == "proxy");
  CHECK(r.is_message());
  CHECK(r.conn == ConnId{3});
  CHECK(r.proc == ProcId::none);
  CHECK(t.detail_str(r, "sni") == "api.example.test");
  CHECK(t.detail_int(r, "port") == 443);
  CHECK(t.detail_int(r, "resumed", 7) == 0);
  CHECK(t.detail_int(r, "rtt") == 40000000);
  CHECK(t.detail_int(r, "missing", -1) == -1);
  CHECK(t.detail_str(r, "port").empty());  // not a string
  const auto d = t.details(r);
  REQUIRE(d.size() == 5);
  CHECK(t.str(d[0].key) == "sni");
  CHECK(d[4].type == FieldType::time);
}

TEST_CASE("local events are not messages") {
  Trace t;
  RecordSpec s;
  s.kind = "process.crash";
  s.stage = Stage::process;
  s.actor = s.from = s.to = t.node("worker-1");
  s.narration = "process.crash.segfault";
  const Record& r = t.at(t.append(s));
  CHECK_FALSE(r.is_message());
  CHECK(t.narration(r) == "process.crash.segfault");
  CHECK(t.details(r).empty());
}

TEST_CASE("strings and nodes are interned once") {
  Trace t;
  const Sym a = t.intern("dns.query");
  CHECK(t.intern("dns.query") == a);
  CHECK(t.find_sym("dns.query") == a);
  CHECK(t.find_sym("nope") == Sym::none);
  CHECK(t.str(Sym::none).empty());
  CHECK(t.str(static_cast<Sym>(999)).empty());
  // Many strings: earlier views must stay valid while the table grows.
  std::vector<Sym> syms;
  for (int i = 0; i < 5000; ++i) syms.push_back(t.intern("a-fairly-long-string-number-" + std::to_string(i)));
  CHECK(t.str(syms[0]) == "a-fairly-long-string-number-0");
  CHECK(t.find_sym("a-fairly-long-string-number-4999") == syms.back());
  CHECK(t.node("proxy") == t.node("proxy"));
  CHECK(t.find_node("proxy") == NodeId{0});
  CHECK(t.find_node("ghost") == NodeId::none);
  CHECK(t.node_count() == 1);
  CHECK(t.node_name(NodeId::none).empty());
}

TEST_CASE("identical detail sets are stored once") {
  Trace t;
  RecordSpec s = hello(t);
  for (int i = 0; i < 1000; ++i) t.append(s, {{"sni", "api.example.test"}, {"status", 200}});
  CHECK(t.detail_set_count() == 2);  // the empty set and this one
  t.append(s, {{"sni", "api.example.test"}, {"status", 503}});
  t.append(s, {{"status", 200}, {"sni", "api.example.test"}});  // order matters
  t.append(s, {{"sni", "api.example.test"}, {"status", 200}});
  CHECK(t.detail_set_count() == 4);
  for (int i = 0; i < 20000; ++i) t.append(s, {{"n", i}});  // forces the index to grow
  CHECK(t.detail_set_count() == 20004);
  CHECK(t.detail_int(t[t.size() - 1], "n") == 19999);
  CHECK(t.detail_int(t[1003], "n") == 0);
  CHECK(t.detail_int(t[1002], "status") == 200);
}

TEST_CASE("a record with too many details is a programmer error") {
  Trace t;
  std::vector<FieldArg> many;
  for (int i = 0; i <= static_cast<int>(Trace::max_details); ++i) many.push_back({"k", i});
  CHECK_THROWS_AS(t.append(hello(t), many), std::length_error);
  CHECK(t.empty());
}

TEST_CASE("the fingerprint notices any change to any record") {
  auto build = [](auto&& tweak) {
    Trace t;
    RecordSpec s = hello(t);
    t.append(s, {{"sni", "api.example.test"}});
    tweak(t, s);
    t.append(s, {{"sni", "api.example.test"}});
    return t.fingerprint();
  };
  const uint64_t base = build([](Trace&, RecordSpec&) {});
  CHECK(base == build([](Trace&, RecordSpec&) {}));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.t = s.t + 1_ns; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.dur = 21_ms; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.kind = "tls.server_hello"; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.narration = "tls.client_hello.no_sni"; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.stage = Stage::tcp; }));
  CHECK(base != build([](Trace& t, RecordSpec& s) { s.actor = t.node("proxy"); }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.conn = ConnId{4}; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.proc = ProcId{0}; }));
  CHECK(base != build([](Trace&, RecordSpec& s) { s.cause = RecordId{0}; }));
  SUBCASE("and any detail") {
    Trace a, b;
    a.append(hello(a), {{"status", 200}});
    b.append(hello(b), {{"status", 503}});
    CHECK(a.fingerprint() != b.fingerprint());
    Trace c;
    c.append(hello(c), {{"status", "200"}});  // a string is not a number
    CHECK(a.fingerprint() != c.fingerprint());
    CHECK(a.fingerprint_hex().size() == 16);
    CHECK(a.fingerprint_hex() != b.fingerprint_hex());
  }
}

TEST_CASE("the fingerprint depends on content, not on the order strings were interned") {
  // Node indexes are content (ids); string numbering is not, and may differ between traces.
  Trace a, b2;
  b2.intern("zzz-interned-first");
  b2.intern("status");
  b2.intern("api.example.test");
  a.append(hello(a), {{"sni", "api.example.test"}, {"status", 200}});
  b2.append(hello(b2), {{"sni", "api.example.test"}, {"status", 200}});
  CHECK(a.fingerprint() == b2.fingerprint());
  CHECK(a.fingerprint() != Trace().fingerprint());
}

TEST_CASE("memory stays compact") {
  Trace t;
  RecordSpec s = hello(t);
  t.reserve(100000);
  for (int i = 0; i < 100000; ++i) {
    s.t = ns(i);
    t.append(s, {{"sni", "api.example.test"}, {"status", 200}});
  }
  // 10 million such records must fit well under 1 GB.
  CHECK(t.memory_bytes() / t.size() <= 64);
  CHECK(t.memory_bytes() >= t.size() * sizeof(Record));
}

TEST_CASE("a copied trace outlives its original") {
  Trace copy;
  {
    Trace original;
    original.append(hello(original), {{"sni", "api.example.test"}});
    copy = original;
    Trace moved(std::move(original));
    CHECK(moved.find_sym("sni") != Sym::none);
  }
  CHECK(copy.find_sym("api.example.test") != Sym::none);
  CHECK(copy.detail_str(copy[0], "sni") == "api.example.test");
  CHECK(copy.intern("sni") == copy.find_sym("sni"));
  copy.append(hello(copy), {{"sni", "www.example.test"}});
  CHECK(copy.size() == 2);
}
