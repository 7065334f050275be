// Error budget: with an SLO of 99.9 %, 0.1 % of the requests may fail. The burn rate of a window
// is its error rate divided by that allowance (Google SRE workbook, "Alerting on SLOs").
#include "deploysim/metrics.hpp"

namespace deploysim {

void compute_error_budget(Metrics& m) {
  m.burn_rate.clear();
  m.budget_consumed.clear();
  const double allowed = 1.0 - m.slo;
  uint64_t answered = 0;
  for (const AvailabilityPoint& p : m.availability) answered += p.ok + p.failed;
  const double budget = allowed * static_cast<double>(answered);
  uint64_t failed = 0;
  for (const AvailabilityPoint& p : m.availability) {
    const uint64_t n = p.ok + p.failed;
    const double rate = n == 0 ? 0.0 : static_cast<double>(p.failed) / static_cast<double>(n);
    m.burn_rate.push_back({p.t, rate / allowed});
    failed += p.failed;
    m.budget_consumed.push_back({p.t, budget > 0 ? static_cast<double>(failed) / budget : 0.0});
  }
  m.error_budget_consumed = m.budget_consumed.empty() ? 0.0 : m.budget_consumed.back().value;
}

}  // namespace deploysim
