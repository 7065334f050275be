// The event queue: a total order on (time, priority, insertion), lazy cancellation, and a
// playhead-friendly step/run_until that never runs past its bound.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "core/rng.hpp"

using namespace deploysim;
using namespace deploysim::literals;

TEST_CASE("events run in time order, then by priority, then in insertion order") {
  Engine e;
  std::string log;
  e.schedule(20_ms, [&] { log += "late "; });
  e.schedule(10_ms, [&] { log += "b "; });
  e.schedule(10_ms, [&] { log += "c "; });
  e.schedule(
      10_ms, [&] { log += "urgent "; }, -5);
  e.schedule(
      10_ms, [&] { log += "lazy "; }, 5);
  e.schedule(10_ms, [&] { log += "d "; });
  e.schedule(
      5_ms, [&] { log += "first "; }, 100);
  e.run();
  CHECK(log == "first urgent b c d lazy late ");
  CHECK(e.now() == 20_ms);
  CHECK(e.dispatched() == 7);
}

TEST_CASE("events scheduled by a handler at the same time run after the ones already queued") {
  Engine e;
  std::vector<int> order;
  e.schedule(1_s, [&] {
    order.push_back(1);
    e.schedule(Time{}, [&] { order.push_back(3); });
  });
  e.schedule(1_s, [&] { order.push_back(2); });
  e.run();
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("the order is a pure function of the schedule calls, even with many ties") {
  auto run_once = [] {
    Engine e;
    Rng r(9, 1);
    std::vector<int> seen;
    for (int i = 0; i < 5000; ++i)
      e.schedule(
          ms(static_cast<int64_t>(r.below(20))), [&seen, i] { seen.push_back(i); }, static_cast<int8_t>(r.below(3)));
    e.run();
    return seen;
  };
  const auto a = run_once();
  CHECK(a.size() == 5000);
  CHECK(a == run_once());
}

TEST_CASE("a heap stress run agrees with a sorted reference") {
  Engine e;
  Rng r(77, 2);
  struct Ev {
    int64_t t;
    int prio;
    int seq;
  };
  std::vector<Ev> expected, got;
  for (int i = 0; i < 3000; ++i) {
    const Ev ev{static_cast<int64_t>(r.below(500)), static_cast<int>(r.below(5)) - 2, i};
    expected.push_back(ev);
    e.schedule(
        ns(ev.t), [&got, ev] { got.push_back(ev); }, static_cast<int8_t>(ev.prio));
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Ev& a, const Ev& b) { return a.t != b.t ? a.t < b.t : a.prio < b.prio; });
  e.run();
  REQUIRE(got.size() == expected.size());
  bool same = true;
  for (size_t i = 0; i < got.size(); ++i) same = same && got[i].seq == expected[i].seq;
  CHECK(same);
}

TEST_CASE("mass cancellation (timeouts answered early) keeps the order and the pending count") {
  // Like the request path: each "request" schedules a far timeout and an answer; the answer
  // (run from a handler) cancels the timeout, so tombstones outnumber live events by far and
  // the engine sweeps them out several times along the way.
  Engine e;
  Rng rng(7, 1);
  std::vector<std::pair<int64_t, int>> ran;  // (time, request)
  std::vector<EventId> timeouts(20000);
  int timeouts_fired = 0;
  for (int r = 0; r < 20000; ++r) {
    const Time start = us(r * 10);
    e.schedule_at(start, [&, r] {
      timeouts[r] = e.schedule(s(60), [&] { ++timeouts_fired; });
      const Time answer = us(1 + static_cast<int64_t>(rng.uniform() * 500));
      e.schedule(answer, [&, r] {
        ran.emplace_back(e.now().ns(), r);
        if (r % 1000 != 999) CHECK(e.cancel(timeouts[r]));  // every 1000th times out
      });
    });
  }
  e.run();
  CHECK(timeouts_fired == 20);
  CHECK(ran.size() == 20000);
  CHECK(std::is_sorted(ran.begin(), ran.end(), [](const auto& x, const auto& y) { return x.first < y.first; }));
  CHECK(e.pending() == 0);
  CHECK(e.dispatched() == 20000 * 2 + 20);
  CHECK(e.now() == us(199990) + s(60));
}

namespace {

// A plain reference queue with the engine's contract: a sorted map on (time, priority, seq).
class ReferenceQueue {
 public:
  using Id = std::tuple<int64_t, int, uint64_t>;
  Id schedule(Time delay, std::function<void()> f, int8_t prio = 0) {
    const Id id{(now_ + delay).ns(), prio, seq_++};
    q_.emplace(id, std::move(f));
    return id;
  }
  Id schedule_at(Time t, std::function<void()> f, int8_t prio = 0) { return schedule(t - now_, std::move(f), prio); }
  bool cancel(Id id) { return q_.erase(id) > 0; }
  void run() {
    while (!q_.empty()) {
      auto it = q_.begin();
      now_ = ns(std::get<0>(it->first));
      auto f = std::move(it->second);
      q_.erase(it);
      f();
    }
  }
  Time now() const { return now_; }

 private:
  std::map<Id, std::function<void()>> q_;
  Time now_;
  uint64_t seq_ = 0;
};

// A request-path-like load: fixed link latencies (which the engine keeps in lanes), random
// service times, absolute arrivals, far timeouts cancelled by the answer, priorities, and
// zero delays. Returns the order the steps ran in.
template <class Q>
std::vector<std::pair<int64_t, int>> drive(Q& q) {
  using Id = decltype(q.schedule(Time{}, [] {}));
  std::vector<std::pair<int64_t, int>> log;
  std::vector<Id> timeout(4000);
  Rng r(2026, 4);
  std::function<void(int, int)> hop = [&](int req, int left) {
    log.emplace_back(q.now().ns(), req * 100 + left);
    if (left == 0) {
      if (req % 7 != 0) q.cancel(timeout[static_cast<size_t>(req)]);
      return;
    }
    const Time links[] = {ms(20), ms(20), us(50), Time{}, ms(15)};
    const Time d = left == 3 ? ms(2) + us(static_cast<int64_t>(r.below(9000))) : links[r.below(5)];
    q.schedule(
        d, [&hop, req, left] { hop(req, left - 1); }, static_cast<int8_t>(left % 3 == 0 ? -1 : 0));
  };
  for (int req = 0; req < 4000; ++req) {
    const Time at = us(static_cast<int64_t>(req) * 700 + static_cast<int64_t>(r.below(300)));
    q.schedule_at(at, [&, req] {
      timeout[static_cast<size_t>(req)] = q.schedule(s(60), [&log, req] { log.emplace_back(-1, req); });
      hop(req, 6);
    });
  }
  q.run();
  return log;
}

}  // namespace

TEST_CASE("fixed-delay lanes, random delays, priorities and cancellations agree with a sorted reference") {
  Engine e;
  ReferenceQueue ref;
  const auto got = drive(e);
  const auto want = drive(ref);
  CHECK(got.size() == 4000 * 7 + 4000 / 7 + 1);  // every step, plus the timeouts never cancelled
  CHECK(got.size() == want.size());
  CHECK(got == want);
  CHECK(e.pending() == 0);
}

TEST_CASE("cancellation") {
  Engine e;
  std::string log;
  const EventId a = e.schedule(1_ms, [&] { log += "a"; });
  const EventId b = e.schedule(2_ms, [&] { log += "b"; });
  e.schedule(3_ms, [&] { log += "c"; });
  CHECK(e.pending() == 3);

  SUBCASE("a pending event never runs and is not counted") {
    CHECK(e.cancel(b));
    CHECK(e.pending() == 2);
    CHECK_FALSE(e.cancel(b));  // twice: no effect
    e.run();
    CHECK(log == "ac");
    CHECK(e.dispatched() == 2);
  }
  SUBCASE("cancelling the head moves peek to the next live event") {
    CHECK(e.cancel(a));
    CHECK(e.peek() == 2_ms);
  }
  SUBCASE("a finished event cannot be cancelled, and its recycled slot is safe") {
    CHECK(e.step());
    CHECK(log == "a");
    CHECK_FALSE(e.cancel(a));
    const EventId d = e.schedule(10_ms, [&] { log += "d"; });  // may reuse a's slot
    CHECK_FALSE(e.cancel(a));                                  // stale handle: harmless
    e.run();
    CHECK(log == "abcd");
    CHECK_FALSE(e.cancel(d));
  }
  SUBCASE("a running event cannot cancel itself, but can cancel others") {
    Engine f;
    std::string l2;
    EventId self{}, other{};
    bool self_cancel = true;
    self = f.schedule(1_ms, [&] {
      self_cancel = f.cancel(self);
      CHECK(f.cancel(other));
      l2 += "s";
    });
    other = f.schedule(2_ms, [&] { l2 += "o"; });
    f.run();
    CHECK_FALSE(self_cancel);
    CHECK(l2 == "s");
    CHECK(f.pending() == 0);
  }
  SUBCASE("a default handle cancels nothing") {
    CHECK_FALSE(e.cancel(EventId{}));
    CHECK(e.pending() == 3);
  }
}

TEST_CASE("cancelled slots are reused, so a long timer churn keeps memory flat") {
  Engine e;
  EventId timer{};
  int fired = 0;
  for (int i = 0; i < 100000; ++i) {
    e.cancel(timer);
    timer = e.schedule(1_s, [&] { ++fired; });
    e.schedule(1_ms, [] {});
    e.run_until(e.now() + 1_ms);
  }
  e.run();
  CHECK(fired == 1);
  CHECK(e.pending() == 0);
  CHECK_FALSE(e.step());
}

TEST_CASE("run_until stops exactly at the bound and advances now") {
  Engine e;
  std::vector<int64_t> at;
  for (int64_t t : {5, 10, 10, 11, 20}) e.schedule(ms(t), [&at, &e] { at.push_back(e.now().ns()); });

  e.run_until(10_ms);
  CHECK(at == std::vector<int64_t>{5000000, 10000000, 10000000});
  CHECK(e.now() == 10_ms);
  CHECK(e.peek() == 11_ms);

  e.run_until(15_ms);
  CHECK(at.size() == 4);
  CHECK(e.now() == 15_ms);  // no event at 15 ms, but the clock moves there

  e.run_until(12_ms);  // never backwards
  CHECK(e.now() == 15_ms);

  SUBCASE("an event scheduled at the bound during the run still runs") {
    e.schedule(5_ms, [&] { e.schedule(Time{}, [&] { at.push_back(-1); }); });
    e.run_until(20_ms);
    CHECK(at.back() == -1);
    CHECK(e.now() == 20_ms);
    CHECK(e.pending() == 0);
  }
}

TEST_CASE("step runs one event at a time for the GUI") {
  Engine e;
  int n = 0;
  e.schedule(1_s, [&] { ++n; });
  e.schedule(2_s, [&] { ++n; });
  CHECK(e.peek() == 1_s);
  CHECK(e.now() == Time{});  // peeking does not move the clock
  CHECK(e.step());
  CHECK((n == 1 && e.now() == 1_s));
  CHECK(e.step());
  CHECK_FALSE(e.step());
  CHECK_FALSE(e.peek().has_value());
  CHECK(e.now() == 2_s);
}

TEST_CASE("scheduling in the past is a programmer error") {
  Engine e;
  e.run_until(1_s);
  CHECK_THROWS_AS(e.schedule(-1_ms, [] {}), std::logic_error);
  CHECK_THROWS_AS(e.schedule_at(999_ms, [] {}), std::logic_error);
  CHECK(e.pending() == 0);
  e.schedule_at(1_s, [] {});  // now itself is fine
  CHECK(e.pending() == 1);
}

TEST_CASE("a far-future delay saturates at Time::max instead of overflowing") {
  Engine e;
  e.run_until(1_s);
  bool ran = false;
  e.schedule(Time::max(), [&] { ran = true; });
  CHECK(e.peek() == Time::max());
  e.run_until(days(365));
  CHECK_FALSE(ran);
}

TEST_CASE("handlers own their captures and release them when run or cancelled") {
  auto token = std::make_shared<int>(1);
  Engine e;
  const EventId a = e.schedule(1_ms, [token] {});
  e.schedule(2_ms, [token] {});
  CHECK(token.use_count() == 3);
  e.cancel(a);
  CHECK(token.use_count() == 2);
  e.run();
  CHECK(token.use_count() == 1);
  {
    Engine dropped;
    dropped.schedule(1_ms, [token] {});
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);  // destroying the engine destroys pending handlers
}

TEST_CASE("a handler may look at the queue before rescheduling itself") {
  Engine e;
  std::vector<int64_t> peeks;
  int rounds = 0;
  struct Tick {
    Engine* e;
    std::vector<int64_t>* peeks;
    int* rounds;
    void operator()() const {
      const auto next = e->peek();  // the running event is no longer in the queue
      peeks->push_back(next ? next->ns() : -1);
      if (++*rounds < 3) e->schedule(ms(10), *this);
    }
  };
  e.schedule(ms(10), Tick{&e, &peeks, &rounds});
  e.schedule(ms(15), [] {});
  e.run();
  CHECK(peeks == std::vector<int64_t>{15000000, -1, -1});
  CHECK(e.now() == ms(30));
}

TEST_CASE("a throwing handler leaves the engine usable") {
  Engine e;
  int after = 0;
  e.schedule(1_ms, [] { throw std::runtime_error("model bug"); });
  e.schedule(2_ms, [&] { ++after; });
  CHECK_THROWS_AS(e.step(), std::runtime_error);
  CHECK(e.pending() == 1);
  CHECK(e.peek() == 2_ms);
  e.run();
  CHECK(after == 1);
}

TEST_CASE("handlers with non-trivial captures survive many slot recycles") {
  Engine e;
  std::string log;
  for (int i = 0; i < 3000; ++i)
    e.schedule(us(i % 7),
               [&log, word = std::string(i % 2 ? "odd-word-long-enough-to-allocate" : "e")] { log += word[0]; });
  e.run();
  CHECK(log.size() == 3000);
  CHECK(std::count(log.begin(), log.end(), 'o') == 1500);
}
