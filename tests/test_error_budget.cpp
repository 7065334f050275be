// The error budget and the lifecycle time series: burn rate per window, budget consumed over the
// run, restarts and back-off per window, the `slo` key and its place in --metrics-json.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "deploysim/metrics_report.hpp"
#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

double sum(const std::vector<GaugePoint>& v) {
  double total = 0;
  for (const GaugePoint& p : v) total += p.value;
  return total;
}

}  // namespace

TEST_CASE("burn rate is the window's error rate over 1 - SLO; the budget is spent cumulatively") {
  Metrics m;
  m.slo = 0.999;
  m.availability = {{s(0), 999, 1}, {s(1), 990, 10}, {s(2), 0, 0}, {s(3), 1000, 0}};
  compute_error_budget(m);
  REQUIRE(m.burn_rate.size() == 4);
  CHECK(m.burn_rate[0].value == doctest::Approx(1.0));   // 0.1 % errors at 99.9 %: exactly on budget
  CHECK(m.burn_rate[1].value == doctest::Approx(10.0));  // 1 % errors: ten times too fast
  CHECK(m.burn_rate[2].value == 0);                      // no requests, nothing burned
  CHECK(m.burn_rate[1].t == s(1));
  // Budget: 0.1 % of 3000 answered requests = 3 failures.
  CHECK(m.budget_consumed[0].value == doctest::Approx(1.0 / 3));
  CHECK(m.budget_consumed[1].value == doctest::Approx(11.0 / 3));
  CHECK(m.budget_consumed[3].value == doctest::Approx(11.0 / 3));
  CHECK(m.error_budget_consumed == doctest::Approx(11.0 / 3));
  m.slo = 0.99;
  compute_error_budget(m);
  CHECK(m.burn_rate[1].value == doctest::Approx(1.0));
  CHECK(m.error_budget_consumed == doctest::Approx(11.0 / 30));
}

TEST_CASE("a crash loop burns the budget while the service is down, restarts and back-off are series") {
  Scenario sc = one_service(SupervisorKind::kubernetes);
  sc.services[0].rollout = RolloutStrategy::recreate;  // the old pod goes first: the site is down
  sc.info.duration = minutes(10);
  add_https_client(sc, 0, Time{}, 5);
  add_fault(sc, FaultKind::crash_on_start, minutes(2));
  const Run run = simulate(sc);
  REQUIRE(run.metrics.requests > 1000);
  REQUIRE(run.metrics.restarts >= 4);
  const Metrics& m = run.metrics;
  CHECK(m.burn_rate.size() == m.availability.size());
  CHECK(m.restarts_over_time.size() == m.availability.size());
  CHECK(m.backoff_over_time.size() == m.availability.size());
  // Before the crash nothing burns; after it the windows burn at 1000x (every request fails).
  for (size_t i = 0; i < m.availability.size(); ++i) {
    if (m.availability[i].t + m.availability_window <= minutes(2)) CHECK(m.burn_rate[i].value == 0);
    if (m.availability[i].t >= minutes(3) && m.availability[i].ok + m.availability[i].failed > 0)
      CHECK(m.burn_rate[i].value == doctest::Approx(1000.0));
  }
  CHECK(m.error_budget_consumed > 100);  // down 8 of 10 minutes: 800x the 0.1 % allowance
  CHECK(sum(m.restarts_over_time) == doctest::Approx(static_cast<double>(m.restarts)));
  CHECK(sum(m.backoff_over_time) == doctest::Approx(m.time_in_backoff.seconds()));
  // Each restart sits in the window of its supervisor.restart record.
  for (Time t : times(run, "supervisor.restart")) {
    const auto i = static_cast<size_t>(t / m.availability_window);
    CHECK(m.restarts_over_time[i].value >= 1);
  }
  const auto json = nlohmann::json::parse(metrics_to_json(m, "t", 1));
  CHECK(json.at("slo").get<double>() == doctest::Approx(0.999));
  CHECK(json.at("burn_rate").size() == m.availability.size());
  CHECK(json.at("restarts_over_time").size() == m.availability.size());
  CHECK(json.at("error_budget_consumed").get<double>() == doctest::Approx(m.error_budget_consumed));
  const std::string summary = format_summary(m);
  CHECK(summary.find("Error budget (SLO 99.9 %, of the requests answered or failed)") != std::string::npos);
  CHECK(summary.find("(exhausted)") != std::string::npos);
}

TEST_CASE("scenario slo: a percentage, default 99.9, out-of-range values are located errors") {
  std::ifstream in(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/basic-https.toml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find("[scenario]\n");
  REQUIRE(at != std::string::npos);
  const auto line_of_slo =
      static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 2);
  auto with = [&](const std::string& line) {
    std::string t = text;
    t.insert(at + 11, line + "\n");
    return load_scenario_text(t, "s.toml");
  };
  LoadResult def = load_scenario_text(text, "s.toml");
  REQUIRE(def.scenario);
  CHECK(def.scenario->info.slo == doctest::Approx(0.999));
  LoadResult set = with("slo = 99.5");
  REQUIRE(set.scenario);
  CHECK(set.scenario->info.slo == doctest::Approx(0.995));
  CHECK(simulate(*set.scenario).metrics.slo == doctest::Approx(0.995));
  LoadResult bad = with("slo = 100");
  REQUIRE(bad.error);
  CHECK(bad.error->line == line_of_slo);
  CHECK(bad.error->column == 7);
  CHECK(bad.error->message.find("below 100") != std::string::npos);
  LoadResult word = with("slo = \"high\"");
  REQUIRE(word.error);
  CHECK(word.error->line == line_of_slo);
  LoadResult what_if = set_param(*def.scenario, "scenario.slo", "99");
  REQUIRE(what_if.scenario);
  CHECK(what_if.scenario->info.slo == doctest::Approx(0.99));
}

TEST_CASE("a run that made no request says so rather than 100 % available") {
  Metrics m;
  const std::string none = format_summary(m);
  CHECK(none.find("availability                 none measured: the run made no request") != std::string::npos);
  CHECK(none.find("100.00") == std::string::npos);
  m.requests = 4;
  m.succeeded = 3;
  m.failures["502"] = 1;
  CHECK(format_summary(m).find("availability                 75.00 %") != std::string::npos);
}
