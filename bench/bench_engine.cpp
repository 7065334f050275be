// Null-event throughput of the engine against a bare std::priority_queue, in one binary.
// The "hold" model: N events pending; each handler reschedules itself after a random delay.
// Delays come from a pre-generated table so that both variants pay the same for randomness.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "core/engine.hpp"
#include "core/rng.hpp"

using namespace deploysim;

namespace {

constexpr size_t table_size = 1 << 16;

const std::vector<int64_t>& delay_table() {
  static const std::vector<int64_t> table = [] {
    Rng rng(2026, Rng::stream_id("bench"));
    std::vector<int64_t> t(table_size);
    for (auto& d : t) d = 1 + rng.exponential(ms(1)).ns();
    return t;
  }();
  return table;
}

struct HoldCtx {
  Engine* engine;
  const int64_t* delays;
  uint64_t next = 0;
};

// 8 bytes of capture, like a model handler that captures an index.
struct Hold {
  HoldCtx* ctx;
  void operator()() const { ctx->engine->schedule(ns(ctx->delays[ctx->next++ & (table_size - 1)]), Hold{ctx}); }
};

void BM_engine_hold(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  Engine engine;
  HoldCtx ctx{&engine, delay_table().data()};
  for (size_t i = 0; i < pending; ++i) engine.schedule(ns(ctx.delays[ctx.next++ & (table_size - 1)]), Hold{&ctx});
  for (auto _ : state) engine.step();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["pending"] = static_cast<double>(engine.pending());
}
BENCHMARK(BM_engine_hold)->Arg(1000)->Arg(100000);

struct BareEvent {
  int64_t t;
  uint64_t seq;
  uint32_t id;
  bool operator>(const BareEvent& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

void BM_bare_heap(benchmark::State& state) {
  const auto pending = static_cast<size_t>(state.range(0));
  const int64_t* delays = delay_table().data();
  std::priority_queue<BareEvent, std::vector<BareEvent>, std::greater<>> heap;
  uint64_t seq = 0, next = 0;
  for (size_t i = 0; i < pending; ++i)
    heap.push(BareEvent{delays[next++ & (table_size - 1)], seq++, static_cast<uint32_t>(i)});
  for (auto _ : state) {
    const BareEvent top = heap.top();
    heap.pop();
    heap.push(BareEvent{top.t + delays[next++ & (table_size - 1)], seq++, top.id});
    benchmark::DoNotOptimize(top.id);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_bare_heap)->Arg(1000)->Arg(100000);

// Schedule and cancel (a timeout armed per request and cancelled when the answer comes back),
// the other common engine pattern; one item = one schedule + one cancel + one dispatch.
void BM_engine_timeout_churn(benchmark::State& state) {
  Engine engine;
  const int64_t* delays = delay_table().data();
  uint64_t next = 0;
  for (auto _ : state) {
    const EventId timeout = engine.schedule(s(30), [] {});
    engine.schedule(ns(delays[next++ & (table_size - 1)]), [] {});
    engine.step();
    engine.cancel(timeout);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_engine_timeout_churn);

}  // namespace
