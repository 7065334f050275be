// The what-if panel offers what the tables hold, and every choice it offers loads: picking any
// restart policy or proxy preset in the panel re-simulates instead of showing an error.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "deploysim/scenario.hpp"
#include "gui/panels/whatif_choices.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

Scenario shipped(const char* file) {
  const LoadResult r = load_scenario_file(std::string(DEPLOYSIM_TEST_DIR) + "/../assets/scenarios/" + file);
  REQUIRE_MESSAGE(!r.error, r.error->to_string());
  return *r.scenario;
}

bool same(std::span<const std::string_view> a, std::span<const std::string_view> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

TEST_CASE("the restart policies offered are the supervisor row's, and each one loads") {
  const Scenario sc = shipped("crash-loop-supervisors.toml");
  for (const SupervisorInfo& row : supervisors()) {
    CAPTURE(row.name);
    const auto offered = whatif_restart_choices(row.kind);
    if (row.kind == SupervisorKind::none) {
      CHECK(offered.empty());  // the panel says nothing restarts
      continue;
    }
    CHECK(same(offered, row.policies));
    const LoadResult kind = set_param(sc, "service.api.supervisor", fmt::format(R"({{ kind = "{}" }})", row.name));
    REQUIRE_MESSAGE(!kind.error, kind.error->to_string());
    for (std::string_view policy : offered) {
      CAPTURE(policy);
      // What the panel posts when the policy is picked.
      const LoadResult r = set_param(*kind.scenario, "service.api.supervisor.restart", fmt::format("\"{}\"", policy));
      REQUIRE_MESSAGE(!r.error, r.error->to_string());
      CHECK(r.scenario->services[0].supervisor.restart == policy);
    }
  }
}

TEST_CASE("the proxy presets offered are the table's, and each one loads") {
  // A scenario that leaves renewal to the preset (one that pins renewal = "proxy" is refused under
  // nginx, with the validator's located error: that is the lesson, not a panel bug).
  const Scenario sc = shipped("http2-alpn.toml");
  CHECK(same(whatif_preset_choices(), proxy_preset_names()));
  for (std::string_view name : whatif_preset_choices()) {
    CAPTURE(name);
    const LoadResult r = set_param(sc, "proxy.preset", fmt::format("\"{}\"", name));
    REQUIRE_MESSAGE(!r.error, r.error->to_string());
    CHECK(r.scenario->proxy->preset == find_proxy_preset(name)->preset);
  }
}
