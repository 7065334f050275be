// 1,000,000 HTTPS requests through the request path: DNS (cold and warm caches), TCP, TLS 1.3,
// the proxy and 8 Uvicorn workers, most clients on keep-alive connections. Measures the wall
// time of simulate() and the process's peak resident memory (getrusage ru_maxrss; run one case
// per process, --benchmark_filter, for a case's own peak: the first case's memory stays counted).
// The workload is bench/million.toml, so that `deploysim run bench/million.toml --trace-level ...`
// does the same run; the benchmark's label is the trace's fingerprint, to compare with the CLI's.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

Scenario million() {
  const LoadResult loaded = load_scenario_file(DEPLOYSIM_BENCH_DIR "/million.toml");
  if (!loaded.scenario) {
    std::fprintf(stderr, "bench/million.toml: %s\n", loaded.error ? loaded.error->to_string().c_str() : "not loaded");
    std::exit(1);
  }
  return *loaded.scenario;
}

void run_million(benchmark::State& state, TraceLevel level) {
  const Scenario sc = million();
  Options o;
  o.level = level;
  uint64_t requests = 0, events = 0, records = 0, ok = 0;
  std::string fingerprint;
  for (auto _ : state) {
    const Run run = simulate(sc, o);
    requests = run.metrics.requests;
    ok = run.metrics.succeeded;
    events = run.metrics.events;
    records = run.trace.size();
    fingerprint = run.trace.fingerprint_hex();
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["succeeded"] = static_cast<double>(ok);
  state.counters["events"] = static_cast<double>(events);
  state.counters["records"] = static_cast<double>(records);
  state.counters["peak_rss_MiB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  state.SetLabel(fingerprint);
}

}  // namespace

// Time is wall-clock time; CPU is the whole process's (a recording run stores its trace on a
// second thread, Trace::begin_background), so the two show what the second core takes.
BENCHMARK_CAPTURE(run_million, trace_none, TraceLevel::none)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(run_million, trace_outcomes, TraceLevel::outcomes)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(run_million, trace_full, TraceLevel::full)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
