// Scenario loading speed: the GUI's what-if widgets call set_param on every edit, which re-reads
// the whole file with the change applied; the target is < 5 ms for a typical file.
#include <benchmark/benchmark.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "deploysim/scenario.hpp"

namespace {

std::string example_text() {
  std::ifstream in(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/one-ip-two-domains.toml");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::optional<deploysim::Scenario> example_or_skip(benchmark::State& state) {
  auto r = deploysim::load_scenario_text(example_text(), "one-ip-two-domains.toml");
  if (!r.scenario) state.SkipWithError("the example did not load");
  return r.scenario;
}

// Loading also checks each [[variant]] (the example has two), as `deploysim check` does.
void BM_load_example(benchmark::State& state) {
  const std::string text = example_text();
  for (auto _ : state) {
    auto r = deploysim::load_scenario_text(text, "one-ip-two-domains.toml");
    if (!r.scenario) state.SkipWithError("the example did not load");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_load_example)->Unit(benchmark::kMicrosecond);

void BM_set_param_workers(benchmark::State& state) {
  const auto base = example_or_skip(state);
  if (!base) return;
  int workers = 1;
  for (auto _ : state) {
    auto r = deploysim::set_param(*base, "service.api.workers", std::to_string(workers));
    workers = workers % 8 + 1;
    if (!r.scenario) state.SkipWithError("set_param failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_set_param_workers)->Unit(benchmark::kMicrosecond);

void BM_apply_variant(benchmark::State& state) {
  const auto base = example_or_skip(state);
  if (!base) return;
  for (auto _ : state) {
    auto r = deploysim::apply_variant(*base, "renewal off");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_apply_variant)->Unit(benchmark::kMicrosecond);

}  // namespace
