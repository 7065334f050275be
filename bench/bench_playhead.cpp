// What the GUI pays per frame on a big trace: the playhead position and the in-flight set.
#include <benchmark/benchmark.h>

#include <vector>

#include "deploysim/playhead.hpp"
#include "core/rng.hpp"

using namespace deploysim;

namespace {

// n records, one every 10 us on average, a third of them messages of 1-40 ms, a few of hours.
Trace make_trace(size_t n) {
  Trace t;
  Rng rng(3, 3);
  const NodeId a = t.node("laptop"), b = t.node("proxy");
  int64_t clock = 0;
  for (size_t i = 0; i < n; ++i) {
    clock += static_cast<int64_t>(rng.below(20000));
    RecordSpec s;
    s.t = ns(clock);
    s.kind = "x";
    s.stage = static_cast<Stage>(i % static_cast<size_t>(Stage::count));
    s.actor = s.from = a;
    const uint64_t m = rng.below(3000);
    s.to = m < 1000 ? b : a;
    s.dur = m == 0 ? hours(2) : ms(1 + static_cast<int64_t>(rng.below(40)));
    t.append(s);
  }
  return t;
}

void BM_playhead_frame(benchmark::State& state) {
  const Trace trace = make_trace(static_cast<size_t>(state.range(0)));
  Playhead p(trace);
  Rng rng(4, 4);
  const int64_t end = trace[trace.size() - 1].t_ns;
  std::vector<RecordId> flying;
  size_t total = 0;
  for (auto _ : state) {
    const Time at = ns(static_cast<int64_t>(rng.below(static_cast<uint64_t>(end))));
    benchmark::DoNotOptimize(p.last_at_or_before(at));
    benchmark::DoNotOptimize(p.next_of_stage_at(at, Stage::tls));
    p.in_flight(at, flying);
    total += flying.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["in_flight_avg"] = static_cast<double>(total) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_playhead_frame)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// Indexing cost when a trace is opened (or re-simulated) in the GUI.
void BM_playhead_index(benchmark::State& state) {
  const Trace trace = make_trace(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Playhead p(trace);
    benchmark::DoNotOptimize(p.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_playhead_index)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
