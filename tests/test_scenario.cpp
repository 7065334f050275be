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
#include "expect_files.hpp"

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

TEST_CASE("a variant is named by its Korean name too, and a name far from all lists them") {
  // What a Korean lesson tells a learner to type: `deploysim run ... --variant "갱신 꺼짐"`.
  const Scenario sc =
      *load_scenario_file(std::string(DEPLOYSIM_TEST_DIR) + "/../assets/scenarios/cert-renewal.toml").scenario;
  const LoadResult off = apply_variant(sc, "갱신 꺼짐");
  REQUIRE_MESSAGE(!off.error, off.error->to_string());
  CHECK(off.scenario->certificates[0].renewal == Renewal::none);
  const LoadResult far = apply_variant(sc, "something else entirely");
  REQUIRE(far.error);
  CHECK(far.error->message.starts_with("no [[variant]] named 'something else entirely'; its variants: "));
  CHECK(far.error->message.find("'renewal off' / '갱신 꺼짐'") != std::string::npos);
}

TEST_CASE("the same DNS record twice is an error, also on one line") {
  std::string one_line = base;
  const std::string rec = R"({ name = "api.example.test", type = "A", value = "203.0.113.10" })";
  one_line.replace(one_line.find(rec), rec.size(), rec + ", " + rec);
  CHECK(load_error(one_line) ==
        "t.toml:4:80: duplicate record 'api.example.test' 203.0.113.10 (first at column 13 of the same line)");
  std::string two_lines = base;
  two_lines.replace(two_lines.find(rec), rec.size(), rec + ",\n  " + rec);
  CHECK(load_error(two_lines) == "t.toml:5:3: duplicate record 'api.example.test' 203.0.113.10 (first at line 4)");
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
    const LoadResult again = set_param(*r.scenario, "service.api.workers", "3");
    REQUIRE(again.scenario);
    CHECK(again.scenario->services[0].workers == 3);
    CHECK(again.scenario->overrides.size() == 2);
  }
  SUBCASE("a name key set back to its documented default, \"\"") {
    const Scenario named = *set_param(sc, "proxy.default_certificate", "\"api.example.test\"").scenario;
    CHECK(named.proxy->default_certificate == "api.example.test");
    const LoadResult r = set_param(named, "proxy.default_certificate", "\"\"");
    REQUIRE_MESSAGE(r.scenario, r.error->to_string());
    CHECK(r.scenario->proxy->default_certificate.empty());
    const LoadResult ech = set_param(sc, "proxy.ech_public_name", "\"\"");
    REQUIRE(ech.scenario);
    CHECK(ech.scenario->proxy->ech_public_name.empty());
  }
  SUBCASE("a change of kind brings that kind's defaults") {
    const LoadResult r = set_param(sc, "service.api.supervisor", R"({ kind = "kubernetes" })");
    REQUIRE(r.scenario);
    CHECK(r.scenario->services[0].supervisor.restart == "Always");
    const LoadResult nginx = set_param(sc, "proxy.preset", "\"nginx\"");
    REQUIRE(nginx.scenario);
    CHECK(nginx.scenario->certificates[0].renewal == Renewal::certbot);
  }
}

TEST_CASE("garbage never crashes and always gets a located message") {
  CHECK(load_error("[[service]]\nname = \"api\"\nhost = \"nowhere\"\n") ==
        "t.toml:3:8: service 'api' runs on host 'nowhere', but no [[host]] has that name");
  CHECK(load_error(std::string("\x00\x01\xff\xfe garbage", 12)).starts_with("t.toml:1:"));
  CHECK(load_error("[scenario]\nseed = 99999999999999999999999\n").starts_with("t.toml:2:"));
  CHECK(load_error("[scenario]\nduration = \"99999999999d\"\n")
            .starts_with("t.toml:2:12: 'duration' in [scenario] must be"));
  CHECK(load_error("[[host]]\nname = \"a\"\nip = \"1.2.3.4\"\nmemory = \"1e400GiB\"\n").starts_with("t.toml:4:10:"));
  std::string deep_key;
  for (int i = 0; i < 100000; ++i) deep_key += i ? ".a" : "a";
  CHECK(load_error("[" + deep_key + "]\n") == "t.toml:1:1: a key with 100000 dotted parts; at most 256 are allowed");
  CHECK(load_error("x = 1\n" + deep_key + " = 1\n").starts_with("t.toml:2:1: a key with 100000 dotted parts"));
  CHECK(load_error("[[" + deep_key.substr(0, 599) + "]]\n").starts_with("t.toml:1:1: a key with 300 dotted parts"));
  CHECK(load_error("[" + std::string(300, '[') + "]\n").starts_with("t.toml:1:"));
  CHECK(load_error("").starts_with("t.toml:1:1: the scenario describes nothing to simulate"));
  const LoadResult missing = load_scenario_file("/nonexistent/x.toml");
  REQUIRE(missing.error);
  CHECK(missing.error->to_string() == "/nonexistent/x.toml: cannot open the file (does it exist and is it readable?)");
}

TEST_CASE("each broken scenario gets the exact located error of its '# expect:' line") {
  const auto files = test::expect_files("scenarios/broken");
  CHECK(files.size() >= 20);
  for (const auto& f : files) {
    CAPTURE(f.path);
    const LoadResult r = load_scenario_file(f.path.string());
    REQUIRE(r.error);
    CHECK(r.error->to_string() == f.expected);
  }
}

TEST_CASE("a string left open on its line is located at its opening quote") {
  const auto error_of = [](const std::string& line2) {
    const LoadResult r = load_scenario_text("[scenario]\n" + line2 + "\nduration = \"1m\"\n", "s.toml");
    REQUIRE(r.error);
    return r.error->to_string();
  };
  const std::string open_basic =
      "not valid TOML: the string opened here is not closed on its line (its closing \" is missing)";
  CHECK(error_of("name = \"the \\\"old\\\" proxy") == "s.toml:2:8: " + open_basic);  // escaped quotes inside
  CHECK(error_of("name = 'literal") ==
        "s.toml:2:8: not valid TOML: the string opened here is not closed on its line (its closing ' is missing)");
  CHECK(error_of("description = \"한글 설명") == "s.toml:2:15: " + open_basic);  // columns count characters
  CHECK(error_of("name = \"x\" \"y") == "s.toml:2:12: " + open_basic);           // the second one is open
  // A '#' outside a string is a comment; a multi-line string may go on: toml++'s own words then.
  const std::string other = error_of("name = \"x\" y # an \"open quote in a comment");
  CHECK(other.starts_with("s.toml:2:"));
  CHECK(other.find("the string opened here") == std::string::npos);
  CHECK(error_of("name = \"\"\"never closed").find("the string opened here") == std::string::npos);
}

TEST_CASE("supervisor defaults follow the kind, as the real tools do") {
  const auto service_with = [](const std::string& supervisor) {
    std::string text = base;
    text += "\n[[service]]\nname = \"web\"\nhost = \"edge-1\"\nsupervisor = " + supervisor + "\n";
    return text;
  };
  SUBCASE("systemd: Restart=no, RestartSec 100ms, 5 starts in 10s, not enabled") {
    const SupervisorSpec sup = load_ok(service_with(R"({ kind = "systemd" })")).services[1].supervisor;
    CHECK(sup.restart == "no");
    CHECK(sup.restart_sec == ms(100));
    CHECK(sup.start_limit_burst == 5);
    CHECK(sup.start_limit_interval == s(10));
    CHECK(sup.restart_max_delay == Time::max());
    CHECK_FALSE(sup.enabled);
  }
  SUBCASE("docker: no by default; on-failure:3 caps the retries; always starts on boot") {
    CHECK(load_ok(service_with(R"({ kind = "docker" })")).services[1].supervisor.restart == "no");
    const SupervisorSpec capped =
        load_ok(service_with(R"({ kind = "docker", restart = "on-failure:3" })")).services[1].supervisor;
    CHECK(capped.restart == "on-failure");
    CHECK(capped.max_retries == 3);
    CHECK_FALSE(capped.enabled);
    CHECK(load_ok(service_with(R"({ kind = "docker", restart = "always" })")).services[1].supervisor.enabled);
    CHECK(load_error(service_with(R"({ kind = "docker", restart = "on-failure:0" })"))
              .find("must be one of \"no\", \"on-failure\", \"on-failure:N\" (N >= 1)") != std::string::npos);
  }
  SUBCASE("kubernetes: Always, probes with the kubelet defaults") {
    const SupervisorSpec sup =
        load_ok(service_with(R"({ kind = "kubernetes", liveness = { period = "5s" }, memory_limit = "512MiB" })"))
            .services[1]
            .supervisor;
    CHECK(sup.restart == "Always");
    CHECK(sup.liveness.enabled);
    CHECK(sup.liveness.period == s(5));
    CHECK(sup.liveness.timeout == s(1));
    CHECK(sup.liveness.failure_threshold == 3);
    CHECK_FALSE(sup.readiness.enabled);
    CHECK(sup.memory_limit == 512ULL << 20);
    CHECK(load_error(service_with(R"({ kind = "kubernetes", liveness = { success_threshold = 2 } })"))
              .find("must be 1 for liveness probes") != std::string::npos);
  }
  SUBCASE("supervisord: autorestart unexpected, startsecs 1, startretries 3") {
    const SupervisorSpec sup = load_ok(service_with(R"({ kind = "supervisord" })")).services[1].supervisor;
    CHECK(sup.restart == "unexpected");
    CHECK(sup.startsecs == s(1));
    CHECK(sup.startretries == 3);
    CHECK(sup.enabled);
  }
  SUBCASE("a key of another tool is refused, naming the tool") {
    CHECK(load_error(service_with(R"({ kind = "supervisord", restart_sec = "1s" })"))
              .ends_with("'restart_sec' in supervisor does not apply here: it is a systemd setting"));
    CHECK(load_error(service_with(R"({ restart = "always" })")).find("pick a kind first") != std::string::npos);
  }
}

TEST_CASE("values: sizes, rates, calendar start, URLs, durations") {
  SUBCASE("sizes in binary and decimal units") {
    const auto host_memory = [](const std::string& v) {
      std::string text = base;
      text.replace(text.find("ip = \"203.0.113.10\""), 19, "ip = \"203.0.113.10\"\nmemory = \"" + v + "\"");
      return load_ok(text).hosts[0].memory;
    };
    CHECK(host_memory("512MiB") == 512ULL << 20);
    CHECK(host_memory("3GiB") == 3ULL << 30);
    CHECK(host_memory("300MB") == 300000000ULL);
    CHECK(host_memory("1.5GiB") == 3ULL << 29);
  }
  SUBCASE("rates per second, minute, hour") {
    const auto rate = [](const std::string& v) {
      std::string text = base;
      text.replace(text.find("requests = 1"), 12, "rate = \"" + v + "\"\nstop = \"30s\"");
      return load_ok(text).clients[0].rate_per_s;
    };
    CHECK(rate("50/s") == doctest::Approx(50));
    CHECK(rate("2/min") == doctest::Approx(2.0 / 60));
    CHECK(rate("120/h") == doctest::Approx(1.0 / 30));
  }
  SUBCASE("start as a date-time, a string, with an offset") {
    CHECK(load_ok("[scenario]\nstart = 2026-11-01T09:00:00Z\n" + base).info.start_unix == 1793523600);
    CHECK(load_ok("[scenario]\nstart = \"2026-11-01T18:00:00+09:00\"\n" + base).info.start_unix == 1793523600);
    CHECK(load_ok("[scenario]\nstart = 1970-01-01T00:00:00Z\n" + base).info.start_unix == 0);
  }
  SUBCASE("URL parts, port and an NXDOMAIN lesson inside a declared zone") {
    std::string text = base;
    text.replace(text.find("https://api.example.test/"), 25, "https://Missing.example.test:8443/a/b?c=1");
    const ClientSpec c = load_ok(text).clients[0];
    CHECK(c.url_host == "missing.example.test");
    CHECK(c.url_port == 8443);
    CHECK(c.url_path == "/a/b?c=1");
    CHECK(load_error(std::string(base).replace(base.find("https://"), 8, "ftp://")).find("scheme https://") !=
          std::string::npos);
  }
  SUBCASE("certificate times relative to the start, negative allowed") {
    std::string text = base;
    text.replace(text.find("domain = \"api.example.test\""), 27,
                 "domain = \"api.example.test\"\nissued = \"-89d\"\nlifetime = \"160h\"");
    const CertificateSpec c = load_ok(text).certificates[0];
    CHECK(c.issued == -days(89));
    CHECK(c.lifetime == hours(160));
  }
}

TEST_CASE("paths reach records, routes, unnamed entries and unquoted dotted keys") {
  std::string text = base;
  text += R"(
[[fault]]
at = "10s"
target = "api"
kind = "crash"

[[variant]]
name = "short ttl"
[variant.set]
"dns.zone.example.test.records.api.example.test.ttl" = "5s"
"proxy.routes.api.example.test.pool" = "api"
"fault.0.at" = "20s"

[[variant]]
name = "unquoted"
set = { service.api.workers = 3, scenario.seed = 7 }
)";
  const Scenario sc = load_ok(text);
  const LoadResult ttl = apply_variant(sc, "short ttl");
  REQUIRE_MESSAGE(ttl.scenario, ttl.error->to_string());
  CHECK(ttl.scenario->zones[0].records[0].ttl == s(5));
  CHECK(ttl.scenario->faults[0].at == s(20));
  REQUIRE(sc.variants[1].set.size() == 2);
  CHECK(sc.variants[1].set[1].first == "service.api.workers");
  CHECK(sc.variants[1].set[1].second == "3");
  const LoadResult unquoted = apply_variant(sc, "unquoted");
  REQUIRE(unquoted.scenario);
  CHECK(unquoted.scenario->services[0].workers == 3);
  CHECK(unquoted.scenario->info.seed == 7);
  CHECK(unquoted.scenario->overrides.size() == 2);

  const LoadResult through_value = set_param(sc, "service.api.workers.count", "1");
  REQUIRE(through_value.error);
  CHECK(through_value.error->message.ends_with(
      "'workers' in [[service]] must be an integer from 1 to 1024 (e.g. workers = 4), got a table"));
  const LoadResult through_string = set_param(sc, "service.api.host.name", "\"x\"");
  REQUIRE(through_string.error);
  CHECK(through_string.error->message.ends_with(
      "'service.api.host.name' goes through 'service.api.host', which is a value, not a table"));
  const LoadResult typo = set_param(sc, "proxy.strict_snii", "true");
  REQUIRE(typo.error);
  CHECK(typo.error->message.ends_with("unknown key 'strict_snii' in [proxy] (did you mean 'strict_sni'?)"));
  const LoadResult not_toml = set_param(sc, "proxy.strict_sni", "yes please");
  REQUIRE(not_toml.error);
  CHECK(not_toml.error->line == 10);
  CHECK(not_toml.error->message.find("is not a TOML value") != std::string::npos);
  std::string deep_value = "{ x = 1 }\n";
  for (int i = 0; i < 50000; ++i) deep_value += "a.";
  const LoadResult deep = set_param(sc, "service.api.workers", deep_value + "a = 1");
  REQUIRE(deep.error);
  CHECK(deep.error->message.ends_with(
      "the value for 'service.api.workers' is refused: a key with 50001 dotted parts; at most 256 are allowed"));
  const LoadResult injected = set_param(sc, "service.api.workers", "2\nseed = 3");
  REQUIRE(injected.error);
  CHECK(injected.error->message.find("must be a single TOML value") != std::string::npos);
}

TEST_CASE("faults address replicas and workers the way the lifecycle model names them") {
  std::string text = base;
  text.replace(text.find("host = \"edge-1\"\n\n[[client]]"), 15, "hosts = [\"edge-1\", \"edge-2\"]\nworkers = 2");
  text += "\n[[host]]\nname = \"edge-2\"\nip = \"203.0.113.11\"\n";
  const auto with_fault = [&](const std::string& target) {
    return text + "\n[[fault]]\nat = \"1s\"\nkind = \"crash\"\ntarget = \"" + target + "\"\n";
  };
  CHECK(load_ok(with_fault("api-2")).faults[0].target == "api-2");
  CHECK(load_ok(with_fault("api-2/worker-2")).faults[0].target == "api-2/worker-2");
  CHECK(load_ok(with_fault("api/worker-1")).services[0].hosts.size() == 2);
  CHECK(load_error(with_fault("api-3/worker-1")).find("fault target 'api-3/worker-1' names nothing") !=
        std::string::npos);
}

TEST_CASE("an error inside a variant points at the variant's value") {
  std::string text = base + "\n[[variant]]\nname = \"bad\"\nset = { \"client.laptop.rate\" = \"fast\" }\n";
  const std::string error = load_error(text);
  CHECK_MESSAGE(error.starts_with("t.toml:28:32: in variant 'bad': a [[client]] has either 'requests'"), error);
  CHECK(error.find("in variant 'bad': ") != std::string::npos);
}

TEST_CASE("no mutation of the example file crashes the loader") {
  std::ifstream in(example_path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const char replacements[] = {'\0', '"', '[', '=', '-', '\xff', '9', '\n'};
  size_t errors = 0, loads = 0;
  for (size_t i = 0; i < text.size(); i += 11) {
    std::string mutated = text;
    mutated[i] = replacements[i % sizeof replacements];
    const LoadResult r = load_scenario_text(mutated, "m.toml");
    ++loads;
    CHECK(r.scenario.has_value() != r.error.has_value());
    if (r.error) {
      ++errors;
      CHECK_MESSAGE(r.error->line > 0, r.error->to_string());
      CHECK_FALSE(r.error->message.empty());
    }
  }
  CHECK(errors > loads / 4);
  for (size_t cut = 0; cut < text.size(); cut += 37) {
    const LoadResult r = load_scenario_text(
        text.substr(0, cut) + text.substr(cut + 20 < text.size() ? cut + 20 : text.size()), "m.toml");
    CHECK(r.scenario.has_value() != r.error.has_value());
    if (r.error) CHECK_MESSAGE(r.error->line > 0, r.error->to_string());
  }
}

// The unknown-key message lists every key a table accepts; each must be in the format reference.
TEST_CASE("docs/scenario-format.md documents every key the loader accepts") {
  std::ifstream in(example_path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string example = buf.str();
  std::ifstream doc_in(std::string(DEPLOYSIM_TEST_DIR) + "/../docs/scenario-format.md");
  std::stringstream doc_buf;
  doc_buf << doc_in.rdbuf();
  const std::string docs = doc_buf.str();
  REQUIRE(docs.size() > 1000);

  const std::string bogus = "zzzzzzzzzzzzzzzz = 1, ";
  const std::vector<std::pair<std::string, std::string>> injections = {
      {"[scenario]\n", ""},
      {"[network]\n", ""},
      {"[dns.resolver]\n", ""},
      {"[[dns.zone]]\n", ""},
      {"{ name = \"api.example.test\", type", "{ "},
      {"[[host]]\n", ""},
      {"[proxy]\n", ""},
      {"{ host = \"api.example.test\"", "{ "},
      {"[[certificate]]\n", ""},
      {"[[service]]\n", ""},
      {"service_time = { median = \"20ms\"", "service_time = { "},
      {"supervisor = { kind = \"systemd\"", "supervisor = { "},
      {"supervisor = { kind = \"docker\"", "supervisor = { "},
      {"{ name = \"migrate\"", "{ "},
      {"{ package = \"fastapi\"", "{ "},
      {"# the release catalogue a redeploy resolves against\n", ""},
      {"{ version = \"0.45.0\"", "{ "},
      {"[[client]]\n", ""},
      {"[[fault]]\n", ""},
      {"[[variant]]\n", ""},
      {"{ from = \"laptop\"", "{ "},
      {"", ""},
  };
  size_t documented = 0;
  for (const auto& [anchor, keep] : injections) {
    std::string text = example;
    const size_t at = text.find(anchor);
    REQUIRE(at != std::string::npos);
    // A table header takes the key on the next line; an inline table inside its braces.
    if (keep.empty())
      text.insert(at + anchor.size(), bogus.substr(0, bogus.size() - 2) + "\n");
    else
      text.insert(at + keep.size(), bogus);
    const LoadResult r = load_scenario_text(text, "doc.toml");
    REQUIRE(r.error);
    CAPTURE(r.error->to_string());
    const size_t list = r.error->message.find("(expected one of: ");
    REQUIRE(list != std::string::npos);
    std::string keys = r.error->message.substr(list + 18);
    keys.pop_back();
    std::stringstream split(keys);
    for (std::string key; std::getline(split, key, ',');) {
      if (key.starts_with(" ")) key.erase(0, 1);
      CHECK_MESSAGE(
          (docs.find("`" + key + "`") != std::string::npos || docs.find("[" + key + "]") != std::string::npos ||
           docs.find("." + key + "]") != std::string::npos),
          "key '" << key << "' is not documented");
      ++documented;
    }
  }
  CHECK(documented > 100);
}
