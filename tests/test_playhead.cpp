// Playhead queries the GUI makes every frame: they must agree with a plain scan of the trace,
// for traces in time order, out of order, and growing between frames.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "deploysim/playhead.hpp"
#include "core/rng.hpp"

using namespace deploysim;
using namespace deploysim::literals;

namespace {

RecordId add(Trace& t, Time at, Stage stage, Time dur = Time{}, bool message = true) {
  RecordSpec s;
  s.t = at;
  s.kind = "x";
  s.stage = stage;
  s.actor = s.from = t.node("a");
  s.to = message ? t.node("b") : s.from;
  s.dur = dur;
  return t.append(s);
}

// Appends n random records; `jitter` allows records earlier than the previous ones.
void add_random(Trace& t, Rng& rng, size_t n, Time& clock, bool jitter) {
  for (size_t i = 0; i < n; ++i) {
    clock += ns(static_cast<int64_t>(rng.below(3)) * 1000000);  // ties are common
    Time at = clock;
    if (jitter && rng.below(4) == 0) at = at - ms(static_cast<int64_t>(rng.below(50)));
    if (jitter && rng.below(50) == 0) at = at + s(5);  // a record stamped in the future
    const uint64_t d = rng.below(10);
    const Time dur = d < 3   ? Time{}
                     : d < 8 ? us(static_cast<int64_t>(rng.below(40000)))
                             : s(static_cast<int64_t>(rng.below(30)));
    add(t, at, static_cast<Stage>(rng.below(static_cast<uint64_t>(Stage::count))), dur, rng.below(5) != 0);
  }
}

bool key_before(const Trace& t, uint32_t a, uint32_t b) {
  return t[a].t_ns < t[b].t_ns || (t[a].t_ns == t[b].t_ns && a < b);
}

// Checks every query against a brute-force scan at the given times.
void check_against_scan(const Trace& t, Playhead& p, const std::vector<Time>& times) {
  std::vector<uint32_t> order(t.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return t[a].t_ns < t[b].t_ns; });
  for (Time at : times) {
    CAPTURE(at.ns());
    size_t count = 0;
    for (const Record& r : t.records()) count += r.t_ns <= at.ns();
    const auto pos = p.last_at_or_before(at);
    if (count == 0) {
      CHECK_FALSE(pos.has_value());
    } else {
      REQUIRE(pos.has_value());
      CHECK(*pos == count - 1);
      CHECK(p.at(*pos) == static_cast<RecordId>(order[count - 1]));
    }
    std::vector<RecordId> flying;
    for (uint32_t id : order) {
      const Record& r = t[id];
      if (r.is_message() && r.t_ns <= at.ns() && at.ns() < r.t_ns + r.dur_ns)
        flying.push_back(static_cast<RecordId>(id));
    }
    CHECK(p.in_flight(at) == flying);
  }
  bool stages_ok = true;
  for (uint32_t id = 0; id < t.size(); id += 7) {
    for (size_t s = 0; s < static_cast<size_t>(Stage::count); ++s) {
      std::optional<RecordId> prev, next;
      for (uint32_t k : order) {
        if (t[k].stage != static_cast<Stage>(s) || k == id) continue;
        if (key_before(t, k, id))
          prev = static_cast<RecordId>(k);
        else if (!next)
          next = static_cast<RecordId>(k);
      }
      stages_ok = stages_ok && p.prev_of_stage(static_cast<RecordId>(id), static_cast<Stage>(s)) == prev &&
                  p.next_of_stage(static_cast<RecordId>(id), static_cast<Stage>(s)) == next;
    }
  }
  CHECK(stages_ok);
}

std::vector<Time> probe_times(Rng& rng, Time end) {
  std::vector<Time> v = {-1_s, Time{}, end, end + 1_ms, end + days(1)};
  for (int i = 0; i < 200; ++i) v.push_back(ns(static_cast<int64_t>(rng.below(static_cast<uint64_t>(end.ns()) + 1))));
  return v;
}

}  // namespace

TEST_CASE("the playhead finds the last record at or before a time") {
  Trace t;
  add(t, 10_ms, Stage::dns);
  add(t, 20_ms, Stage::tcp);
  add(t, 20_ms, Stage::tls);
  add(t, 30_ms, Stage::tls);
  Playhead p(t);
  CHECK_FALSE(p.last_at_or_before(9_ms).has_value());
  CHECK(p.last_at_or_before(10_ms) == 0u);
  CHECK(p.last_at_or_before(19_ms) == 0u);
  CHECK(p.last_at_or_before(20_ms) == 2u);  // the last of a tie
  CHECK(p.last_at_or_before(1_s) == 3u);
  CHECK(p.time_ordered());
  CHECK(p.prev_of_stage(RecordId{3}, Stage::tls) == RecordId{2});
  CHECK(p.prev_of_stage(RecordId{2}, Stage::tls) == std::nullopt);
  CHECK(p.next_of_stage(RecordId{0}, Stage::tls) == RecordId{2});
  CHECK(p.next_of_stage(RecordId{3}, Stage::tls) == std::nullopt);
  CHECK(p.next_of_stage_at(21_ms, Stage::tls) == RecordId{3});
  CHECK(p.next_of_stage_at(0_ms, Stage::dns) == RecordId{0});
  CHECK(p.next_of_stage_at(0_ms, Stage::cert) == std::nullopt);
  CHECK(p.prev_of_stage(RecordId{99}, Stage::tls) == std::nullopt);  // unknown record
  Trace empty;
  Playhead e(empty);
  CHECK_FALSE(e.last_at_or_before(Time::max()).has_value());
  CHECK(e.in_flight(1_s).empty());
}

TEST_CASE("positions and times in time order, also for records appended out of order") {
  Trace t;
  add(t, 30_ms, Stage::dns);
  add(t, 10_ms, Stage::tcp);
  add(t, 20_ms, Stage::tls);
  add(t, 10_ms, Stage::tls);
  Playhead p(t);
  CHECK_FALSE(p.time_ordered());
  // (t, seq) order: #1 (10 ms), #3 (10 ms), #2 (20 ms), #0 (30 ms).
  const std::vector<uint32_t> order{1, 3, 2, 0};
  for (size_t pos = 0; pos < order.size(); ++pos) {
    CHECK(raw(p.at(pos)) == order[pos]);
    CHECK(p.position_of(p.at(pos)) == pos);
    CHECK(p.t_ns_at(pos) == t[order[pos]].t_ns);
  }
  const Playhead& read_only = p;  // the GUI's shared, fully indexed playhead
  CHECK(read_only.last_at_or_before(10_ms) == 1u);
  CHECK(read_only.last_at_or_before(25_ms) == 2u);
  CHECK_FALSE(read_only.last_at_or_before(9_ms).has_value());
}

TEST_CASE("in-flight messages are those sent but not yet arrived") {
  Trace t;
  const RecordId a = add(t, 0_ms, Stage::tcp, 20_ms);
  const RecordId b = add(t, 5_ms, Stage::tls, 10_ms);
  add(t, 6_ms, Stage::process, 50_ms, false);                // local event: never flies
  add(t, 7_ms, Stage::tls, Time{});                          // zero flight time: never flies
  const RecordId slow = add(t, 1_ms, Stage::cert, days(2));  // out of order and very long
  Playhead p(t);
  CHECK(p.in_flight(0_ms) == std::vector<RecordId>{a});
  CHECK(p.in_flight(5_ms) == std::vector<RecordId>{a, slow, b});
  CHECK(p.in_flight(15_ms) == std::vector<RecordId>{a, slow});  // b arrived at 15 ms exactly
  CHECK(p.in_flight(20_ms) == std::vector<RecordId>{slow});
  CHECK(p.in_flight(days(2) + 1_ms).empty());
  CHECK_FALSE(p.time_ordered());
}

TEST_CASE("queries agree with a scan on random traces") {
  for (bool jitter : {false, true}) {
    CAPTURE(jitter);
    Rng rng(jitter ? 5 : 6, 1);
    Trace t;
    Time clock;
    add_random(t, rng, 3000, clock, jitter);
    Playhead p(t);
    CHECK(p.time_ordered() == !jitter);
    check_against_scan(t, p, probe_times(rng, clock + s(30)));
  }
}

TEST_CASE("the playhead follows a trace that grows between frames") {
  Rng rng(9, 9);
  Trace t;
  Time clock;
  Playhead p(t);
  for (int chunk = 0; chunk < 6; ++chunk) {
    CAPTURE(chunk);
    add_random(t, rng, 500, clock, chunk >= 3);  // in order at first, then out of order
    CHECK(p.last_at_or_before(Time::max()) == t.size() - 1);
    CHECK(p.size() == t.size());
    check_against_scan(t, p, probe_times(rng, clock + s(30)));
  }
  SUBCASE("and starts over on a new trace") {
    Trace other;
    add(other, 1_s, Stage::dns);
    p.reset(other);
    CHECK(p.size() == 1);
    CHECK(p.last_at_or_before(2_s) == 0u);
  }
}
