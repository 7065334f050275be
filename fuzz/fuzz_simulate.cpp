// The invariant target: any scenario that loads simulates its first simulated minute without a
// crash, and twice gives the same trace (fingerprint and record count). A legitimately large
// scenario (a million requests per second is valid) is cut after simulate_max_events events
// (fuzz_entry.hpp: more than any shipped scenario's first minute) through Options::cancel, the
// program's own stop, at the same event in both runs.
#include <atomic>
#include <string>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

namespace {

Run run_once(const Scenario& sc) {
  std::atomic<bool> stop{false};
  uint64_t events = 0;
  Options o;
  o.until = s(60);
  o.progress_every = 1024;
  o.cancel = &stop;
  o.progress = [&](Time, Time) {
    events += o.progress_every;
    if (events >= simulate_max_events) stop = true;
  };
  return simulate(sc, o);
}

}  // namespace

int run_simulate(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult r = load_scenario_text(text, "fuzz.toml");
  if (!r.scenario) return 0;
  const Run a = run_once(*r.scenario);
  // A run the cap did not stop is compared with the plain run (no progress, no cancel), which
  // must be the same: the progress loop only adds checks between events.
  Options plain;
  plain.until = s(60);
  const Run b = a.cancelled ? run_once(*r.scenario) : simulate(*r.scenario, plain);
  require(a.cancelled == b.cancelled, "both runs stop at the same point");
  require(a.trace.size() == b.trace.size(), "the same scenario gives the same number of records");
  require(a.trace.fingerprint() == b.trace.fingerprint(), "the same scenario gives the same trace fingerprint");
  require(a.end == b.end, "the same scenario ends at the same time");
  return 0;
}

}  // namespace deploysim::fuzz
