// The trace: what every panel and export reads. Interning, details, and a fingerprint that
// notices any change to any record and nothing else.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "deploysim/kinds.hpp"
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
  const RecordId id =
      t.append(spec, {{"sni", "api.example.test"}, {"alpn", "h2"}, {"port", 443}, {"resumed", false}, {"rtt", 40_ms}});
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

TEST_CASE("a record takes the texts its caller's memory holds when it is appended") {
  // The trace remembers recent records by the addresses of their texts: the same addresses
  // holding other text must give records with that other text.
  Trace reused, literal;
  std::string kind = "dns.query", narration = "dns.query.retry", key = "name", value = "api.example.test";
  const RecordSpec base = hello(reused);
  hello(literal);
  for (int round = 0; round < 3; ++round) {
    for (int repeat = 0; repeat < 2; ++repeat) {
      RecordSpec s = base;
      s.kind = kind;
      s.narration = narration;
      reused.append(s, {{DetailKey::runtime(key), value}, {"attempt", round}});
      RecordSpec l = base;
      l.kind = round == 0 ? "dns.query" : "dns.quers";
      l.narration = round < 2 ? "dns.query.retry" : "dns.query.retrx";
      literal.append(l, {{round == 0 ? DetailKey("name") : DetailKey("namf"),
                          round == 0 ? "api.example.test" : "www.example.test"},
                         {"attempt", round}});
    }
    kind.back() = 's';  // same lengths, other text
    key.back() = 'f';
    value.front() = 'w';
    value[1] = value[2] = 'w';
    if (round == 1) narration.back() = 'x';
  }
  const Record last = reused[reused.size() - 1];
  CHECK(reused.kind(last) == "dns.quers");
  CHECK(reused.narration(last) == "dns.query.retrx");
  CHECK(reused.detail_str(last, "namf") == "www.example.test");
  CHECK(reused.detail_str(last, "name").empty());
  CHECK(reused.detail_int(last, "attempt") == 2);
  CHECK(reused.kind(reused[0]) == "dns.query");
  CHECK(reused.detail_str(reused[1], "name") == "api.example.test");
  CHECK(reused.fingerprint() == literal.fingerprint());
}

TEST_CASE("a text is known by what it says wherever it is kept, and told apart by all of it") {
  // The trace finds a recent record by its strings' ends and lengths, so that a request's own
  // copy of a URL finds what the last request's copy found. Texts that share their ends and
  // length but differ inside must still read back as passed: a long one (a URL), and one of up
  // to 16 bytes, whose ends are all of it.
  Trace t, fresh;
  const std::string url = "https://api.example.test/items", host = "api.example.test";
  std::string inner_url = url, inner_host = host;
  inner_url[13] = 'X';   // "https://api.eXample.test/items": same ends, same length
  inner_host[12] = 'X';  // "api.example.Xest": the same first eight bytes
  // Round 1 changes the URL inside, round 2 the host, round 3 is round 0 again.
  for (int round = 0; round < 4; ++round) {
    const std::string& u0 = round == 1 ? inner_url : url;
    const std::string& h0 = round == 2 ? inner_host : host;
    const std::string u = u0, h = h0;  // other memory each round
    t.append(hello(t), {{"url", u}, {"host", h}, {"attempt", round % 3}});
    fresh.append(hello(fresh), {{"url", u0}, {"host", h0}, {"attempt", round % 3}});  // the same memory each time
  }
  REQUIRE(t.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(t.detail_str(t[i], "url") == (i == 1 ? inner_url : url));
    CHECK(t.detail_str(t[i], "host") == (i == 2 ? inner_host : host));
  }
  CHECK(t[3].details == t[0].details);
  CHECK(t.fingerprint() == fresh.fingerprint());
}

TEST_CASE("a record of many details (a ClientHello's 14, or more) reads back what was passed") {
  // The memo remembers records of up to 16 details; the last detail is the one that changes
  // (other text at the same address, another number), and 20 details are not remembered at all.
  for (const size_t n : {size_t{14}, size_t{16}, size_t{20}}) {
    Trace t;
    std::string last = "x25519";
    for (int round = 0; round < 4; ++round) {
      std::vector<FieldArg> fields;
      for (size_t i = 0; i + 2 < n; ++i) fields.push_back({"ext", static_cast<int>(i)});
      fields.push_back({"attempt", round / 2});
      fields.push_back({"group", last});
      t.append(hello(t), fields);
      if (round == 1) last.front() = 'X';  // same address and length, other text
    }
    CAPTURE(n);
    REQUIRE(t.size() == 4);
    const Details first = t.details(t[0]), final = t.details(t[3]);
    REQUIRE(final.size() == n);
    CHECK(t.str(static_cast<Sym>(first[n - 1].value)) == "x25519");
    CHECK(t.str(static_cast<Sym>(final[n - 1].value)) == "X25519");
    CHECK(t.detail_int(t[1], "attempt") == 0);
    CHECK(t.detail_int(t[3], "attempt") == 1);
    CHECK(final[n - 3].value == static_cast<int64_t>(n - 3));
    CHECK(t[0].details == t[1].details);  // the same set, found again
    CHECK(t[2].details != t[1].details);
  }
}

TEST_CASE("registered kinds are known by their address, and the same text elsewhere by its text") {
  // The trace trusts an address only inside the registered keys' block; a copy of a key's text
  // (a kind composed at run time) is compared, and both give the same records.
  CHECK(in_key_block(kinds::tls_alert.data()));
  CHECK(in_key_block(kinds::tcp_syn.data()));
  const std::string copy(kinds::tls_alert);
  CHECK_FALSE(in_key_block(copy.data()));
  CHECK(kinds::tls_alert == "tls.alert");
  CHECK(find_key(kinds::tls_alert)->key.data() == kinds::tls_alert.data());
  Trace registered, composed;
  std::string kind(kinds::tls_alert), key = "code";
  for (int i = 0; i < 3; ++i) {
    RecordSpec r = hello(registered);
    r.kind = kinds::tls_alert;
    registered.append(r, {{"code", 40 + i}});
    RecordSpec c = hello(composed);
    c.kind = kind;
    composed.append(c, {{DetailKey::runtime(key), 40 + i}});
  }
  CHECK(registered.fingerprint() == composed.fingerprint());
  CHECK(composed.kind(composed[composed.size() - 1]) == "tls.alert");
  CHECK(composed.detail_int(composed[composed.size() - 1], "code") == 42);
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
  // 10 million such records must fit well under 1 GB: 28 bytes each plus chunk slack.
  CHECK(t.memory_bytes() / t.size() <= 32);
  CHECK(t.memory_bytes() >= t.size() * Trace::record_bytes);
  CHECK(t.shape_count() == 1);
}

TEST_CASE("records read back exactly across chunks, long flights and shared shapes") {
  Trace t;
  const NodeId a = t.node("laptop"), b = t.node("proxy");
  const int n = 20000;  // more than two chunks of records and of detail fields
  for (int i = 0; i < n; ++i) {
    RecordSpec spec;
    spec.t = ns(int64_t{i} * 1'000'000'007 - 5);  // beyond 32 bits, and once negative
    spec.kind = i % 2 ? "tcp.syn" : "tls.client_hello";
    spec.narration = i % 5 == 0 ? "tls.client_hello.cold" : "";
    spec.stage = i % 2 ? Stage::tcp : Stage::tls;
    spec.actor = spec.from = i % 3 ? a : b;
    spec.to = i % 3 ? b : a;
    spec.dur = i % 7 == 0 ? s(90 * 86400) : ns(i % 7 == 1 ? 4'294'967'294 : i);  // 90 d: the escape
    spec.conn = static_cast<ConnId>(i / 4);
    spec.proc = i % 11 == 0 ? ProcId::none : static_cast<ProcId>(i % 3);
    spec.cause = i ? static_cast<RecordId>(i - 1) : RecordId::none;
    FieldArg fields[Trace::max_details] = {{"k0", i},   {"k1", "v"}, {"k2", i % 2 == 0}, {"k3", ms(i)}, {"k4", 4},
                                           {"k5", 5},   {"k6", 6},   {"k7", 7},          {"k8", 8},     {"k9", 9},
                                           {"k10", 10}, {"k11", 11}, {"k12", 12},        {"k13", 13},   {"k14", 14},
                                           {"k15", 15}, {"k16", 16}, {"k17", 17},        {"k18", 18},   {"k19", 19},
                                           {"k20", 20}, {"k21", 21}, {"k22", 22},        {"k23", 23}};
    t.append(spec, std::span<const FieldArg>(fields, static_cast<size_t>(1 + i % Trace::max_details)));
  }
  REQUIRE(t.size() == static_cast<size_t>(n));
  CHECK(t.shape_count() < 40);
  size_t i = 0;
  for (const Record& r : t.records()) {
    const int k = static_cast<int>(i);
    CHECK(r.t_ns == int64_t{k} * 1'000'000'007 - 5);
    CHECK(t.t_ns(i) == r.t_ns);
    CHECK(r.dur_ns == (k % 7 == 0 ? s(90 * 86400).ns() : k % 7 == 1 ? 4'294'967'294 : k));
    CHECK(t.kind(r) == (k % 2 ? "tcp.syn" : "tls.client_hello"));
    CHECK(t.narration(r) == (k % 5 == 0 ? "tls.client_hello.cold" : t.kind(r)));
    CHECK(r.stage == (k % 2 ? Stage::tcp : Stage::tls));
    CHECK(r.from == (k % 3 ? a : b));
    CHECK(r.conn == static_cast<ConnId>(k / 4));
    CHECK(r.proc == (k % 11 == 0 ? ProcId::none : static_cast<ProcId>(k % 3)));
    CHECK(r.cause == (k ? static_cast<RecordId>(k - 1) : RecordId::none));
    const auto d = t.details(r);
    REQUIRE(d.size() == static_cast<size_t>(1 + k % Trace::max_details));
    CHECK(t.detail_int(r, "k0", -1) == k);
    if (d.size() > 3) CHECK(t.detail_int(r, "k3") == ms(k).ns());
    if (d.size() > 15) CHECK(t.detail_int(r, "k15") == 15);
    ++i;
  }
  CHECK(i == static_cast<size_t>(n));
  // The range is random access: a binary search by time finds the record at or before t.
  const auto recs = t.records();
  const auto it = std::upper_bound(recs.begin(), recs.end(), int64_t{12345} * 1'000'000'007,
                                   [](int64_t v, const Record& r) { return v < r.t_ns; });
  CHECK(it - recs.begin() == 12346);
  // A copy reads the same records.
  const Trace copy = t;
  CHECK(copy.fingerprint() == t.fingerprint());
  CHECK(copy[n - 1].dur_ns == t[n - 1].dur_ns);
  CHECK(copy.detail_int(copy[n - 1], "k0") == n - 1);
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

TEST_CASE("records that do not fit the compact form read back exactly") {
  // Causes far back, times before their group's first or far after it, and more flight times
  // than the 65,535 classes a compact record can name: all go to the side table.
  Trace t;
  const NodeId a = t.node("laptop"), b = t.node("proxy");
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    RecordSpec spec;
    spec.t = ns(i % 300 == 1 ? -int64_t{i} : i % 300 == 2 ? int64_t{i} * 100'000'000'000 : int64_t{i} * 1000);
    spec.kind = "tcp.syn";
    spec.stage = Stage::tcp;
    spec.actor = spec.from = a;
    spec.to = b;
    spec.dur = ns(i);  // one class per record
    spec.cause = i >= 66000 ? RecordId{0} : i % 5 == 0 ? RecordId::none : static_cast<RecordId>(i - 1);
    spec.conn = static_cast<ConnId>(i);
    t.append(spec, {{"i", i}, {"neg", -i}});
  }
  for (int i = 0; i < n; ++i) {
    const Record r = t[static_cast<size_t>(i)];
    INFO(i);
    const int64_t want_t = i % 300 == 1 ? -int64_t{i} : i % 300 == 2 ? int64_t{i} * 100'000'000'000 : int64_t{i} * 1000;
    REQUIRE(r.t_ns == want_t);
    REQUIRE(t.t_ns(static_cast<size_t>(i)) == want_t);
    REQUIRE(r.dur_ns == i);
    REQUIRE(r.cause == (i >= 66000 ? RecordId{0} : i % 5 == 0 ? RecordId::none : static_cast<RecordId>(i - 1)));
    REQUIRE(r.conn == static_cast<ConnId>(i));
    REQUIRE(t.kind(r) == "tcp.syn");
    REQUIRE(r.to == b);
    REQUIRE(t.detail_int(r, "i", -1) == i);
    REQUIRE(t.detail_int(r, "neg", 1) == -i);
  }
  CHECK(t.shape_count() == 1);
}
