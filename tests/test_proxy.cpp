// The TLS termination proxy: SNI and default certificates per preset, wrong DNS records,
// routing, and upstream failures turned into 502/503/504.
#include <doctest/doctest.h>

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

std::string failure(const Run& run) {
  return run.metrics.failures.empty() ? "" : run.metrics.failures.begin()->first;
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
  SUBCASE("an address nobody owns: SYN retransmissions 1, 2, 4 ... s, then a timeout") {
    Scenario sc = one_request("https://lost.example.test/");
    sc.info.duration = s(200);
    const Run run = simulate(sc);
    CHECK(count_kind(run.trace, "tcp.syn_retransmit") == 6);
    CHECK(failure(run) == "connect_timeout");
    const Record& err = run.trace[find_kind(run.trace, "client.error")];
    CHECK(err.t() - run.trace[find_kind(run.trace, "tcp.syn")].t() == s(127));
  }
}

TEST_CASE("a Host without a route gets 404 from the proxy") {
  const Run run = simulate(one_request("https://shop.example.test/"));
  CHECK(count_kind(run.trace, "proxy.no_route") == 1);
  CHECK(failure(run) == "404");
}

TEST_CASE("upstream failures: 502 when no worker runs or one dies mid-request, 504 when hung") {
  SUBCASE("every worker down: 502 Bad Gateway") {
    ManualRun m(one_request());
    for (auto& p : m.world.processes) p.state = ProcState::failed;
    m.run();
    const Trace& t = m.world.trace;
    CHECK(count_kind(t, "proxy.upstream_error") == 1);
    CHECK(m.world.metrics.failures.at("502") == 1);
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
