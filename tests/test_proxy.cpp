// The TLS termination proxy: SNI and default certificates per preset, wrong DNS records,
// routing, and upstream failures turned into 502/503/504.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>

#include "deploysim/simulate.hpp"
#include "path_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::test;

namespace {

Scenario one_request(std::string url = "https://api.example.test/") {
  Scenario sc = basic_scenario();
  sc.clients[0].url = std::move(url);
  sc.clients[0].requests = 1;
  return sc;
}

std::string failure(const Run& run) { return run.metrics.failures.empty() ? "" : run.metrics.failures.begin()->first; }

// The API on two hosts (app-1, app-2) behind `preset`, asked `rate` times a second.
Scenario two_app_hosts(ProxyPreset preset, double rate) {
  Scenario sc = basic_scenario();
  for (const char* name : {"app-1", "app-2"}) {
    HostSpec h;
    h.name = name;
    h.ip = name == std::string("app-1") ? "10.0.0.11" : "10.0.0.12";
    sc.hosts.push_back(h);
  }
  sc.proxy->preset = preset;
  ServiceSpec& api = sc.services[0];
  api.hosts = {"app-1", "app-2"};
  api.host = "app-1";
  api.bind = "0.0.0.0";
  api.supervisor.kind = SupervisorKind::systemd;
  sc.clients[0].url = "https://api.example.test/";
  sc.clients[0].requests = 0;
  sc.clients[0].rate_per_s = rate;
  return sc;
}

// Every record of a kind, in trace order.
std::vector<Record> of_kind(const Run& run, std::string_view kind) {
  std::vector<Record> out;
  for (const Record& r : run.trace.records())
    if (run.trace.kind(r) == kind) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("without SNI the proxy serves its default certificate: a name mismatch for api") {
  Scenario sc = one_request();
  sc.clients[0].sni = false;
  for (ProxyPreset preset : {ProxyPreset::nginx, ProxyPreset::haproxy, ProxyPreset::caddy, ProxyPreset::traefik}) {
    CAPTURE(static_cast<int>(preset));
    sc.proxy->preset = preset;
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const Record& cert = t[find_kind(t, "tls.certificate")];
    CHECK(t.detail_str(cert, "domain") == "www.example.test");
    CHECK(t.narration(cert) == "tls.certificate.default");
    const Record& alert = t[find_kind(t, "tls.alert")];
    CHECK(t.detail_str(alert, "alert") == "bad_certificate");
    CHECK(t.detail_int(alert, "verify_result") == 62);
    CHECK(t.node_name(alert.from) == "laptop");
    CHECK(failure(run) == "bad_certificate");
  }
  SUBCASE("unless the default certificate covers the name") {
    sc.proxy->default_certificate = "*.example.test";
    CHECK(simulate(sc).metrics.succeeded == 1);
  }
}

TEST_CASE("no default certificate: nginx/HAProxy use the first, Traefik its own, Caddy none") {
  Scenario sc = one_request();
  sc.clients[0].sni = false;
  sc.proxy->default_certificate.clear();
  sc.proxy->preset = ProxyPreset::nginx;
  CHECK(simulate(sc).metrics.succeeded == 1);  // the first certificate is api's
  sc.proxy->preset = ProxyPreset::traefik;
  const Run traefik = simulate(sc);
  CHECK(traefik.trace.detail_str(traefik.trace[find_kind(traefik.trace, "tls.certificate")], "domain") ==
        "TRAEFIK DEFAULT CERT");
  CHECK(failure(traefik) == "unknown_ca");
  sc.proxy->preset = ProxyPreset::caddy;
  const Run caddy = simulate(sc);
  CHECK(failure(caddy) == "internal_error");
  CHECK(count_kind(caddy.trace, "tls.certificate") == 0);
}

TEST_CASE("strict SNI refuses a ClientHello without SNI with an alert from the proxy") {
  Scenario sc = one_request();
  sc.clients[0].sni = false;
  sc.proxy->strict_sni = true;
  sc.proxy->preset = ProxyPreset::nginx;
  const Run run = simulate(sc);
  const Trace& t = run.trace;
  const Record& alert = t[find_kind(t, "tls.alert")];
  CHECK(t.node_name(alert.from) == "proxy");
  CHECK(t.detail_str(alert, "alert") == "unrecognized_name");
  CHECK(t.detail_int(alert, "code") == 112);
  CHECK(count_kind(t, "tls.certificate") == 0);
  CHECK(failure(run) == "unrecognized_name");
  sc.clients[0].sni = true;
  CHECK(simulate(sc).metrics.succeeded == 1);
}

TEST_CASE("a certificate checked at the simulated time: expired, or a client clock behind") {
  Scenario sc = one_request();
  for (auto& c : sc.certificates) c.renewal = Renewal::none;  // nobody fixes it during the run
  sc.certificates[0].issued = -days(91);
  const Run expired = simulate(sc);
  CHECK(failure(expired) == "certificate_expired");
  sc.certificates[0].issued = days(1);
  CHECK(failure(simulate(sc)) == "bad_certificate");  // not yet valid
  sc.certificates[0].issued = -days(30);
  sc.certificates[0].issuer = Issuer::self_signed;
  CHECK(failure(simulate(sc)) == "unknown_ca");
}

TEST_CASE("a wrong DNS record: RST from a host where nothing listens, silence from no host") {
  SUBCASE("the old server") {
    const Run run = simulate(one_request("https://old.example.test/"));
    const Trace& t = run.trace;
    const Record& rst = t[find_kind(t, "tcp.rst")];
    CHECK(t.node_name(rst.from) == "old-server");
    CHECK(failure(run) == "connection_refused");
    CHECK(count_kind(t, "tls.client_hello") == 0);
  }
  SUBCASE("an address nobody owns: SYN again after 1 s five times, then 2, 4 ... 32 s, a timeout") {
    Scenario sc = one_request("https://lost.example.test/");
    sc.info.duration = s(200);
    const Run run = simulate(sc);
    const Trace& t = run.trace;
    const Time syn = t[find_kind(t, "tcp.syn")].t();
    std::vector<Time> sent;
    for (size_t i = 0; i < t.size(); ++i)
      if (t.kind(t[i]) == "tcp.syn_retransmit") sent.push_back(t[i].t() - syn);
    CHECK(sent == std::vector<Time>{s(1), s(2), s(3), s(4), s(5), s(7), s(11), s(19), s(35), s(67)});
    CHECK(failure(run) == "connect_timeout");
    CHECK(t[find_kind(t, "client.error")].t() - syn == s(131));
  }
}

TEST_CASE("a Host without a route gets 404 from the proxy") {
  const Run run = simulate(one_request("https://shop.example.test/"));
  CHECK(count_kind(run.trace, "proxy.no_route") == 1);
  CHECK(failure(run) == "404");
}

TEST_CASE("upstream failures: 502 when no worker runs or one dies mid-request, 504 when hung") {
  SUBCASE("every worker down, manager included (nothing listens): 502 Bad Gateway") {
    ManualRun m(one_request());
    for (auto& p : m.world.processes) {
      p.state = ProcState::failed;
      p.listening = false;
    }
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "proxy.upstream_error") == 1);
    CHECK(m.world.metrics.failures.at("502") == 1);
  }
  SUBCASE("HAProxy retries a refused connection on the same server, then answers 503") {
    Scenario sc = one_request();
    sc.proxy->preset = ProxyPreset::haproxy;
    ManualRun m(sc);
    for (auto& p : m.world.processes) {
      p.state = ProcState::failed;
      p.listening = false;
    }
    m.run();
    const Trace& t = m.world.trace;
    CHECK(t.narration(t[find_kind(t, "proxy.upstream_error")]) == "proxy.upstream_error.haproxy");
    CHECK(m.world.metrics.failures.at("503") == 1);
    CHECK(m.world.metrics.failures.count("502") == 0);
  }
  SUBCASE("the worker crashes while serving: the in-flight request fails with 502") {
    Scenario sc = one_request();
    sc.services[0].service_time = {s(2), s(3)};
    ManualRun m(sc);
    m.set_state(s(1), 0, ProcState::crashed);
    m.run();
    const Trace& t = m.world.trace;
    const Record& up = t[find_kind(t, "proxy.upstream_error")];
    CHECK(t.detail_str(up, "reason") == "worker exited");
    CHECK(up.t() == s(1));
    CHECK(m.world.metrics.failures.at("502") == 1);
  }
  SUBCASE("a hung worker never answers: 504 after the proxy's upstream timeout") {
    Scenario sc = one_request();
    sc.services[0].workers = 1;
    sc.proxy->upstream_timeout = s(30);
    sc.info.duration = s(60);
    ManualRun m(sc);
    m.world.processes[0].state = ProcState::hung;
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "server.queued") == 1);
    CHECK(count_kind(t, "server.handle") == 0);
    const Record& to = t[find_kind(t, "proxy.timeout")];
    CHECK(to.t() - t[find_kind(t, "proxy.forward")].t() == s(30));
    CHECK(m.world.metrics.failures.at("504") == 1);
  }
  SUBCASE("the proxy is down: the port is closed") {
    ManualRun m(one_request());
    m.world.proxy_up = false;
    m.run();
    CHECK(m.world.metrics.failures.at("connection_refused") == 1);
  }
}

namespace {

Run shipped(const std::string& file, const std::string& variant = {}) {
  const LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/" + file);
  REQUIRE_MESSAGE(base.scenario.has_value(), (base.error ? base.error->to_string() : ""));
  if (variant.empty()) return simulate(*base.scenario);
  const LoadResult v = apply_variant(*base.scenario, variant);
  REQUIRE_MESSAGE(v.scenario.has_value(), (v.error ? v.error->to_string() : ""));
  return simulate(*v.scenario);
}

// The ALPN protocol each client's first established connection got.
std::map<std::string, std::string> alpn_by_client(const Trace& t) {
  std::map<std::string, std::string> out;
  for (const Record& r : t.records())
    if (t.kind(r) == "tls.established") out.emplace(std::string(t.node_name(r.actor)), t.detail_str(r, "alpn"));
  return out;
}

// The upstream protocol of every proxy.forward, by Host.
std::map<std::string, std::set<std::string>> upstream_by_host(const Trace& t) {
  std::map<std::string, std::set<std::string>> out;
  for (const Record& r : t.records())
    if (t.kind(r) == "proxy.forward")
      out[std::string(t.detail_str(r, "host"))].insert(std::string(t.detail_str(r, "protocol")));
  return out;
}

}  // namespace

TEST_CASE("HTTP/2 is the proxy's choice: a Uvicorn back end gets h2 at the browser when the proxy offers it") {
  SUBCASE("Traefik offers h2 by default, for Uvicorn (api) as for Hypercorn (www)") {
    const auto alpn = alpn_by_client(shipped("http2-alpn.toml").trace);
    CHECK(alpn.at("browser-api") == "h2");
    CHECK(alpn.at("browser-www") == "h2");
  }
  SUBCASE("nginx without `http2 on` offers http/1.1 only, whatever the app speaks") {
    const Run run = shipped("http2-alpn.toml", "nginx without http2 on");
    const auto alpn = alpn_by_client(run.trace);
    CHECK(alpn.at("browser-api") == "http/1.1");
    CHECK(alpn.at("browser-www") == "http/1.1");
    // One request at a time per HTTP/1.1 connection: the busy browsers open more of them.
    CHECK(run.metrics.tls_handshakes > shipped("http2-alpn.toml").metrics.tls_handshakes);
  }
  SUBCASE("nginx with `http2 on` offers h2 to both") {
    const auto alpn = alpn_by_client(shipped("http2-alpn.toml", "nginx with http2 on").trace);
    CHECK(alpn.at("browser-api") == "h2");
    CHECK(alpn.at("browser-www") == "h2");
  }
  SUBCASE("each preset's default, with one Uvicorn service behind it") {
    const std::vector<std::pair<ProxyPreset, std::string>> defaults = {{ProxyPreset::caddy, "h2"},
                                                                       {ProxyPreset::traefik, "h2"},
                                                                       {ProxyPreset::haproxy, "h2"},
                                                                       {ProxyPreset::nginx, "http/1.1"}};
    for (const auto& d : defaults) {
      const ProxyPreset preset = d.first;  // not a structured binding: Clang 14 cannot capture one
      const std::string& want = d.second;
      CAPTURE(static_cast<int>(preset));
      Scenario sc = one_request();
      sc.proxy->preset = preset;
      const Trace t = simulate(sc).trace;
      CHECK(t.detail_str(t[find_kind(t, "tls.established")], "alpn") == want);
      CHECK(t.detail_str(t[find_kind(t, "tls.client_hello")], "server_alpn") ==
            (want == "h2" ? "h2,http/1.1" : "http/1.1"));
    }
  }
}

TEST_CASE("behind the proxy the app gets HTTP/1.1, unless h2c is configured for a Hypercorn back end") {
  SUBCASE("by default both apps get HTTP/1.1, though both browsers speak h2 to the proxy") {
    const auto up = upstream_by_host(shipped("http2-alpn.toml").trace);
    CHECK(up.at("api.example.test") == std::set<std::string>{"HTTP/1.1"});
    CHECK(up.at("www.example.test") == std::set<std::string>{"HTTP/1.1"});
  }
  SUBCASE("upstream_h2c on www's route: h2c to Hypercorn, still HTTP/1.1 to Uvicorn") {
    const auto up = upstream_by_host(shipped("http2-alpn.toml", "h2c upstream to Hypercorn").trace);
    CHECK(up.at("api.example.test") == std::set<std::string>{"HTTP/1.1"});
    CHECK(up.at("www.example.test") == std::set<std::string>{"h2c"});
  }
  SUBCASE("h2c to a Uvicorn pool is a located error") {
    const LoadResult base = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/http2-alpn.toml");
    REQUIRE(base.scenario.has_value());
    const LoadResult bad = set_param(*base.scenario, "proxy.routes.api.example.test.upstream_h2c", "true");
    REQUIRE(bad.error.has_value());
    CHECK(bad.error->message.find("pool 'api' runs uvicorn") != std::string::npos);
    CHECK(bad.error->line > 0);
  }
}

TEST_CASE("the client that sends no SNI is one that asks for the server's IP address") {
  const Run run = shipped("no-sni.toml");
  const Trace& t = run.trace;
  size_t without_sni = 0;
  for (const Record& r : t.records()) {
    if (t.kind(r) != "tls.client_hello" || !t.detail_str(r, "sni").empty()) continue;
    ++without_sni;
    CHECK(t.node_name(r.actor) == "curl-by-ip");
    CHECK(t.detail_str(r, "verify_host") == "203.0.113.10");  // https://203.0.113.10/
    CHECK(t.narration(r) == "tls.client_hello.by_ip");
  }
  CHECK(without_sni == 1);
  // nginx serves its default certificate (www); OpenSSL checks the IP against it: mismatch 64.
  const Record& alert = t[find_kind(t, "tls.alert")];
  CHECK(t.node_name(alert.from) == "curl-by-ip");
  CHECK(t.detail_int(alert, "verify_result") == 64);
  // Asking for the name sends SNI and works.
  const Run fixed = shipped("no-sni.toml", "curl asks for the name");
  CHECK(fixed.metrics.succeeded == 2);
  CHECK(count_kind(fixed.trace, "tls.alert") == 0);
}

TEST_CASE("two replicas without Kubernetes: the proxy keeps trying a dead one, as its preset does") {
  // Two replicas on two hosts, one crashes for good at 5 s. The proxy's list of servers is
  // static: it balances round robin over both and learns that one is down only by trying it.
  const auto run_with = [](ProxyPreset preset) {
    Scenario sc = two_app_hosts(preset, 10);
    sc.info.duration = s(30);
    FaultSpec crash;
    crash.kind = FaultKind::crash;
    crash.at = s(5);
    crash.target = "api-2";
    sc.faults.push_back(crash);
    return simulate(sc);
  };
  const auto failed = [](const Run& run, const char* cause) {
    const auto it = run.metrics.failures.find(cause);
    return it == run.metrics.failures.end() ? uint64_t{0} : it->second;
  };
  // Traefik and Caddy neither retry nor check by default: about every second request after the
  // crash reaches the dead replica and gets 502.
  for (const ProxyPreset preset : {ProxyPreset::traefik, ProxyPreset::caddy}) {
    CAPTURE(static_cast<int>(preset));
    const Run run = run_with(preset);
    const uint64_t bad = failed(run, "502");
    CHECK(bad > run.metrics.requests / 3);
    CHECK(bad < run.metrics.requests * 2 / 3);
  }
  // HAProxy retries the same server and answers 503.
  const Run haproxy = run_with(ProxyPreset::haproxy);
  CHECK(failed(haproxy, "503") > haproxy.metrics.requests / 3);
  // nginx passes each refused request on to the next server (proxy_next_upstream error).
  const Run nginx = run_with(ProxyPreset::nginx);
  CHECK(nginx.metrics.failures.empty());
  CHECK(count_kind(nginx.trace, "proxy.next_upstream") > 50);
}

TEST_CASE("a replica whose host is down answers nothing: the proxy waits for its connect timeout") {
  // Two replicas on two hosts; app-2 reboots at 5 s and is still down at the end. A process that is down is refused at
  // once (RST), a host that is down sends nothing, so each try costs the preset's connect timeout.
  const auto run_with = [](ProxyPreset preset, std::optional<Time> connect_timeout = std::nullopt) {
    Scenario sc = two_app_hosts(preset, 4);
    sc.info.duration = s(75);  // app-2 is down until the end
    sc.proxy->connect_timeout = connect_timeout;
    sc.clients[0].keep_alive = false;
    FaultSpec reboot;
    reboot.kind = FaultKind::reboot;
    reboot.at = s(5);
    reboot.duration = s(80);
    reboot.target = "app-2";
    sc.faults.push_back(reboot);
    return simulate(sc);
  };
  // The wait from each unanswered SYN to the proxy's giving up.
  const auto waits = [](const Run& run) {
    const Trace& t = run.trace;
    std::set<int64_t> out;
    for (size_t k = 0; k < t.size(); ++k)
      if (t.kind(t[k]) == "proxy.connect_timeout")
        out.insert((t[k].t() - t[static_cast<size_t>(t[k].cause)].t()) / ms(1));
    return out;
  };
  const auto failed = [](const Run& run, const char* cause) {
    const auto it = run.metrics.failures.find(cause);
    return it == run.metrics.failures.end() ? uint64_t{0} : it->second;
  };
  // Caddy (dial_timeout 3 s) and Traefik (dialTimeout 30 s) give up with 504, not a fast 502.
  const Run caddy = run_with(ProxyPreset::caddy);
  CHECK(count_kind(caddy.trace, "proxy.syn_unanswered") > 20);
  CHECK(waits(caddy) == std::set<int64_t>{3000});
  CHECK(failed(caddy, "504") > 20);
  CHECK(failed(caddy, "502") == 0);
  const Run traefik = run_with(ProxyPreset::traefik);
  CHECK(waits(traefik) == std::set<int64_t>{30000});
  CHECK(failed(traefik, "504") > 20);
  // nginx (proxy_connect_timeout 60 s) passes each one on after the whole wait: no failure, but
  // requests that took a minute.
  const Run nginx = run_with(ProxyPreset::nginx);
  CHECK(waits(nginx) == std::set<int64_t>{60000});
  CHECK(failed(nginx, "504") == 0);
  CHECK(failed(nginx, "502") == 0);
  size_t timed_out_on = 0;
  for (const auto& r : of_kind(nginx, "proxy.next_upstream"))
    timed_out_on += nginx.trace.detail_str(r, "reason") == "connection timed out";
  CHECK(timed_out_on > 5);
  // [proxy] upstream_connect_timeout replaces the preset's.
  CHECK(waits(run_with(ProxyPreset::nginx, s(5))) == std::set<int64_t>{5000});
  // HAProxy (timeout connect 5 s in Debian's haproxy.cfg) tries the same server 4 times, with no
  // pause after a timeout, then answers 503: 20 s.
  const Run haproxy = run_with(ProxyPreset::haproxy);
  CHECK(waits(haproxy) == std::set<int64_t>{5000});
  CHECK(failed(haproxy, "503") > 10);
  // Four tries of 5 s each for every 503 (no pause after a timeout: the waits above are all 5 s).
  CHECK(count_kind(haproxy.trace, "proxy.retry") >= 3 * failed(haproxy, "503"));
}

TEST_CASE("HAProxy retries a refused server after min(timeout connect, 1 s), three times") {
  // One replica whose process crashes for good at 5 s (its host stays up: RST at once).
  Scenario sc = basic_scenario();
  sc.info.duration = s(20);
  sc.proxy->preset = ProxyPreset::haproxy;
  sc.clients[0].url = "https://api.example.test/";
  sc.clients[0].requests = 1;
  sc.clients[0].start = s(10);
  sc.services[0].supervisor.kind = SupervisorKind::none;
  FaultSpec crash;
  crash.kind = FaultKind::crash;
  crash.at = s(5);
  crash.target = sc.services[0].name;
  sc.faults.push_back(crash);
  const Run run = simulate(sc);
  const auto retries = of_kind(run, "proxy.retry");
  REQUIRE(retries.size() == 3);
  // Each retry comes a turn-around second (and a refusal's round trip) after the one before.
  for (size_t i = 1; i < retries.size(); ++i) CHECK(retries[i].t() - retries[i - 1].t() >= s(1));
  CHECK(run.metrics.failures.at("503") == 1);
  const auto error = of_kind(run, "proxy.upstream_error");
  REQUIRE(error.size() == 1);
  CHECK(error[0].t() - retries[0].t() > s(3));
}

TEST_CASE("a proxy that went down closed its connections: the next request connects again") {
  // nginx keeps an idle connection 75 s; the client's second request, 10 s after the first and
  // after a proxy crash at 5 s (back at 6 s), cannot reuse it.
  Scenario sc = basic_scenario();
  sc.proxy->preset = ProxyPreset::nginx;
  sc.clients[0].url = "https://api.example.test/";
  sc.clients[0].requests = 3;
  sc.clients[0].interval = s(10);
  FaultSpec crash;
  crash.kind = FaultKind::crash;
  crash.at = s(5);
  crash.target = sc.proxy->name;
  const Run quiet = simulate(sc);
  CHECK(count_kind(quiet.trace, "tcp.reuse") == 2);
  sc.faults.push_back(crash);
  const Run run = simulate(sc);
  CHECK(count_kind(run.trace, "tcp.reuse") == 1);  // the third reuses the second's connection
  CHECK(count_kind(run.trace, "tls.client_hello") == count_kind(quiet.trace, "tls.client_hello") + 1);
  CHECK(run.metrics.failures.empty());
}
