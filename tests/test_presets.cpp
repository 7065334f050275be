// The proxy preset and supervisor tables are what the loader and the validator accept: every
// row's name loads (with the row's defaults), every policy of a row loads, and anything else is
// refused with one located error that lists the rows' names.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "deploysim/scenario.hpp"

using namespace deploysim;

namespace {

// Line 9 is the [proxy] preset; line 17 the service's supervisor.
std::string scenario(std::string_view preset, std::string_view supervisor) {
  return fmt::format(R"([[dns.zone]]
origin = "example.test"
records = [ {{ name = "api.example.test", type = "A", value = "203.0.113.10" }} ]
[[host]]
name = "edge-1"
ip = "203.0.113.10"
[proxy]
host = "edge-1"
preset = "{}"
routes = [ {{ host = "api.example.test", pool = "api" }} ]
[[certificate]]
domain = "api.example.test"
[[service]]
name = "api"
host = "edge-1"
port = 8000
supervisor = {}
[[client]]
name = "laptop"
url = "https://api.example.test/"
requests = 1
)",
                     preset, supervisor);
}

std::string quoted_names(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", n);
  return out;
}

}  // namespace

TEST_CASE("the loader accepts every proxy preset of the table, with the row's defaults") {
  for (const ProxyPresetInfo& row : proxy_presets()) {
    CAPTURE(row.name);
    const LoadResult r = load_scenario_text(scenario(row.name, R"({ kind = "systemd" })"), "t.toml");
    REQUIRE_MESSAGE(!r.error, r.error->to_string());
    CHECK(r.scenario->proxy->preset == row.preset);
    CHECK(find_proxy_preset(row.name) == &row);
    CHECK(*r.scenario->proxy->http2 == row.offers_h2);
    CHECK(*r.scenario->proxy->forwarded_headers == row.forwarded_headers);
    CHECK(*r.scenario->proxy->upstream_timeout == row.upstream_timeout);
    CHECK(r.scenario->certificates[0].renewal == row.renewal);
  }
}

TEST_CASE("a preset the table does not have is refused at its place, listing the table's names") {
  const LoadResult r = load_scenario_text(scenario("not-a-proxy", R"({ kind = "systemd" })"), "t.toml");
  REQUIRE(r.error);
  CHECK(r.error->to_string() == fmt::format(R"(t.toml:9:10: 'preset' in [proxy] must be one of {}, got "not-a-proxy")",
                                            quoted_names(proxy_preset_names())));
  CHECK(proxy_preset_names().size() == proxy_presets().size());
}

TEST_CASE("the loader accepts every supervisor of the table and each of its policies") {
  for (const SupervisorInfo& row : supervisors()) {
    CAPTURE(row.name);
    const std::string kind = fmt::format(R"({{ kind = "{}" }})", row.name);
    const LoadResult kind_only = load_scenario_text(scenario("caddy", kind), "t.toml");
    REQUIRE_MESSAGE(!kind_only.error, kind_only.error->to_string());
    CHECK(kind_only.scenario->services[0].supervisor.kind == row.kind);
    CHECK(find_supervisor(row.name) == &row);
    if (row.kind == SupervisorKind::none) continue;  // no policy to give: nothing restarts
    // The first policy is the tool's default.
    CHECK(kind_only.scenario->services[0].supervisor.restart == row.policies.front());
    for (std::string_view policy : row.policies) {
      CAPTURE(policy);
      const std::string sup = fmt::format(R"({{ kind = "{}", restart = "{}" }})", row.name, policy);
      const LoadResult r = load_scenario_text(scenario("caddy", sup), "t.toml");
      REQUIRE_MESSAGE(!r.error, r.error->to_string());
      CHECK(r.scenario->services[0].supervisor.restart == policy);
    }
    // A policy of another tool is refused where it is written.
    const std::string other = row.kind == SupervisorKind::kubernetes ? "on-failure" : "OnFailure";
    const std::string bad_sup = fmt::format(R"({{ kind = "{}", restart = "{}" }})", row.name, other);
    const LoadResult bad = load_scenario_text(scenario("caddy", bad_sup), "t.toml");
    REQUIRE(bad.error);
    CHECK(bad.error->to_string().starts_with("t.toml:17:"));
    for (std::string_view policy : row.policies)
      CHECK(bad.error->message.find(fmt::format("\"{}\"", policy)) != std::string::npos);
  }
}

TEST_CASE("a supervisor kind the table does not have is refused at its place, listing the table's names") {
  const LoadResult r = load_scenario_text(scenario("caddy", R"({ kind = "not-a-supervisor" })"), "t.toml");
  REQUIRE(r.error);
  CHECK(r.error->to_string() == fmt::format(R"(t.toml:17:23: 'kind' in supervisor must be one of {}, )"
                                            R"(got "not-a-supervisor")",
                                            quoted_names(supervisor_names())));
}

TEST_CASE("a key of one supervisor is refused under another, naming the tool whose row has it") {
  for (const SupervisorInfo& row : supervisors())
    for (const SupervisorInfo& other : supervisors()) {
      if (other.kind == row.kind || other.keys.empty() || row.kind == SupervisorKind::none) continue;
      CAPTURE(row.name);
      CAPTURE(other.keys.front());
      const std::string sup = fmt::format(R"({{ kind = "{}", {} = "1s" }})", row.name, other.keys.front());
      const LoadResult r = load_scenario_text(scenario("caddy", sup), "t.toml");
      REQUIRE(r.error);
      CHECK(r.error->to_string().starts_with("t.toml:17:"));
      CHECK(r.error->message.ends_with(fmt::format("it is a {} setting", other.tool)));
    }
}
