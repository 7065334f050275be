// The soak run of issue #19 (tests/scenarios/soak-year.toml: four replicas, a crash about every
// hour, certificate renewals, 20 requests/s) at the trace level that fits, with wall time and the
// process's peak RSS. BM_SoakDay runs the first simulated day; BM_SoakYear the whole year (about
// 630 million requests: minutes; run it alone, --benchmark_filter=SoakYear). Figures in
// bench/NOTES.md.
#include <benchmark/benchmark.h>

#include <string>

#include "deploysim/estimate.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#endif

using namespace deploysim;

namespace {

// Peak resident memory of this process so far, MiB (0 where the system does not say).
double peak_rss_mib() {
#if defined(__linux__)
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024;  // KiB on Linux
#elif defined(__APPLE__)
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / (1024 * 1024);  // bytes on macOS
#else
  return 0;
#endif
}

void run_soak(benchmark::State& state, Time until) {
  const LoadResult loaded =
      load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/../tests/scenarios/soak-year.toml");
  if (!loaded.scenario) {
    state.SkipWithError(loaded.error->to_string().c_str());
    return;
  }
  Options opt;
  opt.until = until;
  const RunEstimate e = estimate_run(*loaded.scenario, opt);
  opt.level = level_that_fits(e, TraceLevel::full, default_trace_memory_budget());
  Run run;
  for (auto _ : state) {
    run = simulate(*loaded.scenario, opt);
    benchmark::DoNotOptimize(run.metrics.requests);
  }
  state.counters["requests"] = static_cast<double>(run.metrics.requests);
  state.counters["events"] = static_cast<double>(run.metrics.events);
  state.counters["est_events"] = e.events;
  state.counters["restarts"] = static_cast<double>(run.metrics.restarts);
  state.counters["availability_pct"] = 100 * run.metrics.availability_ratio();
  state.counters["trace_level"] = static_cast<double>(opt.level);  // 0 full, 1 outcomes, 2 none
  state.counters["trace_MiB"] = static_cast<double>(run.trace.memory_bytes()) / (1 << 20);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_SoakDay(benchmark::State& state) { run_soak(state, days(1)); }
void BM_SoakYear(benchmark::State& state) { run_soak(state, days(365)); }

}  // namespace

BENCHMARK(BM_SoakDay)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_SoakYear)->Unit(benchmark::kSecond)->Iterations(1);
