// Scenario files: the example loads with its values, variants and set_param override by path,
// and every broken file in tests/scenarios/broken gets its exact located error.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "deploysim/scenario.hpp"

using namespace deploysim;

namespace {

const std::string example_path = std::string(DEPLOYSIM_TEST_DIR) + "/../assets/scenarios/one-ip-two-domains.toml";

Scenario load_ok(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.toml");
  if (r.error) FAIL_CHECK(r.error->to_string());
  REQUIRE(r.scenario);
  return *r.scenario;
}

std::string load_error(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "t.toml");
  REQUIRE_MESSAGE(r.error, "expected an error for:\n" << text);
  CHECK_FALSE(r.scenario);
  return r.error->to_string();
}

// The smallest valid scenario the snippets below extend.
const std::string base = R"(
[[dns.zone]]
origin = "example.test"
records = [ { name = "api.example.test", type = "A", value = "203.0.113.10" } ]

[[host]]
name = "edge-1"
ip = "203.0.113.10"

[proxy]
host = "edge-1"
routes = [ { host = "api.example.test", pool = "api" } ]

[[certificate]]
domain = "api.example.test"

[[service]]
name = "api"
host = "edge-1"

[[client]]
name = "laptop"
url = "https://api.example.test/"
requests = 1
)";

}  // namespace

TEST_CASE("the example scenario loads with the values it writes") {
  const LoadResult r = load_scenario_file(example_path);
  REQUIRE_MESSAGE(!r.error, r.error->to_string());
  const Scenario& sc = *r.scenario;
  CHECK(sc.info.name == "One IP, two domains");
  CHECK(sc.info.seed == 42);
  CHECK(sc.info.duration == minutes(2));
  CHECK(sc.info.start_unix == 1793523600);
  CHECK(sc.network.latency == ms(20));
  REQUIRE(sc.network.links.size() == 1);
  CHECK(sc.network.links[0].latency == ms(3));
  CHECK(sc.resolver.authoritative_latency == ms(40));
  REQUIRE(sc.zones.size() == 1);
  CHECK(sc.zones[0].records.size() == 2);
  CHECK(sc.hosts.at(0).memory == 4ULL << 30);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::caddy);
  CHECK(sc.proxy->default_certificate == "www.example.test");
  CHECK(sc.proxy->routes.at(1).pool == "web");
  REQUIRE(sc.certificates.size() == 2);
  CHECK(sc.certificates[0].issued == -days(30));
  CHECK(sc.certificates[1].issued == -days(80));
  REQUIRE(sc.services.size() == 2);
  const ServiceSpec& api = sc.services[0];
  CHECK(api.workers == 4);
  CHECK(api.memory_per_worker == 300ULL << 20);
  CHECK(api.service_time.p99 == ms(120));
  CHECK(api.concurrency_limit == 100);
  CHECK(api.supervisor.kind == SupervisorKind::systemd);
  CHECK(api.supervisor.restart == "on-failure");
  CHECK(api.supervisor.enabled);
  CHECK(api.pre_start.at(0).duration == s(4));
  CHECK(api.dependencies.at(0).constraint == "==0.45.0");
  CHECK(api.port == 8000);
  CHECK(sc.services[1].port == 8001);
  CHECK(sc.services[1].supervisor.restart == "unless-stopped");
  CHECK(sc.packages.at(0).releases.at(2).breaking);
  REQUIRE(sc.clients.size() == 2);
  CHECK(sc.clients[0].url_host == "api.example.test");
  CHECK(sc.clients[0].url_path == "/items/1");
  CHECK(sc.clients[0].alpn == std::vector<std::string>{"h2", "http/1.1"});
  CHECK(sc.clients[1].rate_per_s == doctest::Approx(2.0));
  CHECK(sc.clients[1].stop == minutes(1));
  CHECK(sc.faults.at(0).target == "api/worker-2");
  REQUIRE(sc.variants.size() == 2);
  CHECK(sc.variants[1].set.at(0).first == "service.api.workers");
  CHECK(sc.variants[1].set.at(0).second == "1");
}

TEST_CASE("variants override keys by path and keep the rest") {
  const Scenario sc = *load_scenario_file(example_path).scenario;
  const LoadResult renewal_off = apply_variant(sc, "renewal off");
  REQUIRE_MESSAGE(!renewal_off.error, renewal_off.error->to_string());
  CHECK(renewal_off.scenario->certificates[0].renewal == Renewal::none);
  CHECK(renewal_off.scenario->certificates[1].renewal == Renewal::proxy);
  CHECK(renewal_off.scenario->info.duration == days(120));
  const LoadResult one = apply_variant(sc, "one worker");
  REQUIRE(one.scenario);
  CHECK(one.scenario->services[0].workers == 1);
  CHECK(one.scenario->services[1].workers == 2);
  const LoadResult missing = apply_variant(sc, "one wroker");
  REQUIRE(missing.error);
  CHECK(missing.error->message == "no [[variant]] named 'one wroker' (did you mean 'one worker'?)");
}

TEST_CASE("set_param changes one key and locates errors at the key it replaces") {
  const Scenario sc = load_ok(base);
  SUBCASE("a value inside an array entry named by a dotted domain") {
    const LoadResult r = set_param(sc, "certificate.api.example.test.lifetime", "\"45d\"");
    REQUIRE(r.scenario);
    CHECK(r.scenario->certificates[0].lifetime == days(45));
  }
  SUBCASE("a key the file does not write yet") {
    const LoadResult r = set_param(sc, "dns.resolver.cache", "false");
    REQUIRE(r.scenario);
    CHECK_FALSE(r.scenario->resolver.cache);
  }
  SUBCASE("an impossible value") {
    const LoadResult r = set_param(sc, "service.api.workers", "0");
    REQUIRE(r.error);
    CHECK(r.error->to_string() ==
          "t.toml:17:1: with service.api.workers = 0: 'workers' in [[service]] must be an integer from 1 to 1024 "
          "(e.g. workers = 4), got integer 0");
  }
  SUBCASE("an unknown entry") {
    const LoadResult r = set_param(sc, "service.apii.workers", "2");
    REQUIRE(r.error);
    CHECK(r.error->message.find("has no entry named 'apii' (did you mean 'api'?)") != std::string::npos);
  }
  SUBCASE("overrides accumulate") {
    const Scenario two = *set_param(sc, "service.api.workers", "2").scenario;
    const LoadResult r = set_param(two, "client.laptop.sni", "false");
    REQUIRE(r.scenario);
    CHECK(r.scenario->services[0].workers == 2);
    CHECK_FALSE(r.scenario->clients[0].sni);
  }
}

TEST_CASE("garbage never crashes and always gets a located message") {
  CHECK(load_error("[[service]]\nname = \"api\"\nhost = \"nowhere\"\n") ==
        "t.toml:3:8: service 'api' runs on host 'nowhere', but no [[host]] has that name");
  CHECK(load_error(std::string("\x00\x01\xff\xfe garbage", 12)).starts_with("t.toml:1:"));
  CHECK(load_error("[scenario]\nseed = 99999999999999999999999\n").starts_with("t.toml:2:"));
  CHECK(load_error("[scenario]\nduration = \"99999999999d\"\n").starts_with("t.toml:2:12: 'duration' in [scenario] must be"));
  CHECK(load_error("[[host]]\nname = \"a\"\nip = \"1.2.3.4\"\nmemory = \"1e400GiB\"\n").starts_with("t.toml:4:10:"));
  CHECK(load_error("").starts_with("t.toml:1:1: the scenario describes nothing to simulate"));
  const LoadResult missing = load_scenario_file("/nonexistent/x.toml");
  REQUIRE(missing.error);
  CHECK(missing.error->to_string() == "/nonexistent/x.toml: cannot open the file (does it exist and is it readable?)");
}

TEST_CASE("each broken scenario gets the exact located error of its '# expect:' line") {
  const std::filesystem::path dir = std::filesystem::path(DEPLOYSIM_TEST_DIR) / "scenarios" / "broken";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  CHECK(files.size() >= 20);
  for (const auto& path : files) {
    CAPTURE(path);
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    REQUIRE(first.starts_with("# expect: "));
    const LoadResult r = load_scenario_file(path.string());
    REQUIRE(r.error);
    CHECK(r.error->to_string() == path.string() + ":" + first.substr(10));
  }
}
