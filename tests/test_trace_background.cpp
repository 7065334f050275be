// A run's trace stored on a second thread (Trace::begin_background): the same trace, record for
// record, as storing each record when it is appended, whatever the caller's memory holds later.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "deploysim/kinds.hpp"
#include "deploysim/trace.hpp"

using namespace deploysim;
using namespace deploysim::literals;

namespace {

// Appends a mix of what the models append: registered kinds and other texts, narrations and
// keys made at run time in buffers that are overwritten right after, strings of every length
// (one bigger than a queue block), all four value types, causes, and nodes named on the way.
std::vector<RecordId> fill(Trace& t, int n) {
  std::vector<RecordId> ids;
  const NodeId laptop = t.node("laptop"), proxy = t.node("proxy");
  std::string narration, key, value;
  for (int i = 0; i < n; ++i) {
    RecordSpec s;
    s.t = ns(int64_t{i} * 977'000'011);
    s.kind = i % 3 == 0 ? kinds::tcp_syn : i % 3 == 1 ? std::string_view("tls.client_hello") : kinds::dns_query;
    narration = i % 4 == 0 ? "" : "dns.query.retry." + std::to_string(i % 5);
    s.narration = narration;
    s.stage = i % 2 ? Stage::tcp : Stage::tls;
    s.actor = s.from = i % 7 == 0 ? t.node("client-" + std::to_string(i % 50)) : laptop;
    s.to = proxy;
    s.dur = ns(i % 9);
    s.conn = static_cast<ConnId>(i / 3);
    s.proc = i % 5 ? static_cast<ProcId>(i % 4) : ProcId::none;
    s.cause = i ? ids.back() : RecordId::none;
    s.outcome = i % 6 == 0 ? Outcome::ok : Outcome::none;
    s.reports_failure = i % 13 == 0;
    key = "hdr-" + std::to_string(i % 3);
    value = i % 11 == 0 ? std::string(static_cast<size_t>(i % 300), 'x') : "/items/" + std::to_string(i % 17);
    if (i == n / 2) value.assign((3u << 20) + 5, 'y');  // longer than a queue block
    ids.push_back(t.append(s, {{"path", value},
                               {DetailKey::runtime(key), i},
                               {"late", ms(i % 23)},
                               {"encrypted", i % 2 == 0},
                               {"sni", i % 3 ? "api.example.test" : ""}}));
    narration.assign(narration.size(), '#');  // the caller's memory now holds other text
    key.assign(key.size(), '#');
    value.assign(value.size(), '#');
    if (i % 10 == 0) ids.push_back(t.append({.t = s.t, .kind = kinds::process_ready, .stage = Stage::process}));
  }
  return ids;
}

void check_same(const Trace& a, const Trace& b) {
  REQUIRE(a.size() == b.size());
  CHECK(a.fingerprint() == b.fingerprint());
  CHECK(a.string_count() == b.string_count());
  // Not detail_set_count(): which sets are stored twice depends on the memo, which knows texts
  // by the addresses they are passed at, on either thread.
  CHECK(a.shape_count() == b.shape_count());
  CHECK(a.node_count() == b.node_count());
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const Record x = a[i], y = b[i];
    bool same = x.t_ns == y.t_ns && x.dur_ns == y.dur_ns && a.kind(x) == b.kind(y) &&
                a.narration(x) == b.narration(y) && x.actor == y.actor && x.from == y.from && x.to == y.to &&
                x.conn == y.conn && x.proc == y.proc && x.cause == y.cause && x.stage == y.stage &&
                x.outcome == y.outcome && x.reports_failure == y.reports_failure;
    const Details dx = a.details(x), dy = b.details(y);
    same = same && dx.size() == dy.size();
    for (size_t k = 0; same && k < dx.size(); ++k)
      same = a.str(dx[k].key) == b.str(dy[k].key) && dx[k].type == dy[k].type &&
             (dx[k].type == FieldType::string
                  ? a.str(static_cast<Sym>(dx[k].value)) == b.str(static_cast<Sym>(dy[k].value))
                  : dx[k].value == dy[k].value);
    differ += same ? 0 : 1;
  }
  CHECK(differ == 0);
}

}  // namespace

TEST_CASE("a trace stored on a second thread is the trace stored as records came") {
  const int n = 30000;  // several queue blocks
  Trace now, later;
  const std::vector<RecordId> direct = fill(now, n);
  later.begin_background();
  if (std::thread::hardware_concurrency() >= 2) CHECK(later.in_background());  // else: stored as they come
  const std::vector<RecordId> queued = fill(later, n);
  later.end_background();
  CHECK_FALSE(later.in_background());
  CHECK(queued == direct);  // append gave every record its id at once
  check_same(now, later);
  size_t longest = 0;
  for (const Record& r : later.records()) longest = std::max(longest, later.detail_str(r, "path").size());
  CHECK(longest == (3u << 20) + 5);

  // Records appended after the background ended are stored as they come, and a second
  // background continues from them.
  fill(now, 100);
  fill(later, 100);
  later.begin_background();
  fill(now, 100);
  fill(later, 100);
  later.end_background();
  check_same(now, later);
}

TEST_CASE("in the background a record with too many details is still refused at once") {
  Trace t;
  t.begin_background();
  std::vector<FieldArg> many(Trace::max_details + 1, FieldArg{"k", 1});
  CHECK_THROWS_AS(t.append({.t = 1_ms, .kind = kinds::tcp_syn}, std::span<const FieldArg>(many)), std::length_error);
  CHECK(t.append({.t = 2_ms, .kind = kinds::tcp_syn}, {{"k", 1}}) == RecordId{0});
  t.end_background();
  REQUIRE(t.size() == 1);
  CHECK(t.detail_int(t[0], "k") == 1);
}

TEST_CASE("a trace destroyed in the background stores and stops first") {
  // ThreadSanitizer and AddressSanitizer see the second thread end before the trace goes.
  for (int round = 0; round < 20; ++round) {
    Trace t;
    t.begin_background();
    fill(t, round * 37);
    t.begin_background();  // a second begin changes nothing
  }
  Trace t;
  t.end_background();  // never begun: nothing to do
  CHECK(t.empty());
}
