// Certificates over time: when Caddy, Traefik, certbot (classic and 1/3 rule) and cert-manager
// renew, the ACME records, renewal without reload (serving vs stored), port 80 blocked with the
// rate limit, expiry at exactly notAfter, and short lifetimes.
#include <algorithm>

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "life_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::literals;
using namespace deploysim::testing;

namespace {

Scenario with_cert(ProxyPreset preset, Renewal renewal, Time issued, Time lifetime, Time duration = days(120)) {
  Scenario sc = one_service(SupervisorKind::systemd, "on-failure");
  sc.proxy->preset = preset;
  CertificateSpec c;
  c.domain = "api.example.test";
  c.issued = issued;
  c.lifetime = lifetime;
  c.renewal = renewal;
  sc.certificates.push_back(c);
  sc.info.duration = duration;
  return sc;
}

// The serving notAfter as the days-left gauge implies it at time t.
double days_left_at(const Run& run, Time t) {
  double v = -1e9;
  for (const GaugePoint& g : run.metrics.cert_days_left.at("api.example.test"))
    if (g.t <= t) v = g.value;
  return v;
}

}  // namespace

TEST_CASE("caddy renews with a third of the lifetime left, checking every 10 minutes") {
  Run run = simulate(with_cert(ProxyPreset::caddy, Renewal::proxy, -days(30), days(90)));
  const auto due = times(run, "cert.renew_due");
  REQUIRE(due.size() >= 2);
  CHECK(due[0] == days(30));  // notAfter (60 d) - 30 d, on a 10-minute tick
  const auto issued = records(run, "cert.issued");
  REQUIRE(issued.size() >= 2);
  CHECK(issued[0]->t() - due[0] < s(1));  // the ACME round trips take milliseconds
  CHECK(due[1] - issued[0]->t() <= days(60) + minutes(10));
  CHECK(due[1] - issued[0]->t() >= days(60));
  // The ACME flow appears step by step.
  for (const char* k : {"cert.acme.order", "cert.acme.authorization", "cert.acme.challenge", "cert.acme.validated",
                        "cert.acme.finalize", "cert.reloaded"})
    CHECK(count(run, k) == issued.size());
  CHECK(count(run, "cert.expired") == 0);
  CHECK(days_left_at(run, days(29)) == doctest::Approx(31));
  CHECK(days_left_at(run, days(31)) > 88);
}

TEST_CASE("traefik renews 30 days before expiry for a 90-day certificate (daily check)") {
  Run run = simulate(with_cert(ProxyPreset::traefik, Renewal::proxy, -days(30) - hours(5), days(90)));
  const auto due = times(run, "cert.renew_due");
  REQUIRE(!due.empty());
  // notAfter - 30 d = 29 d 19 h: the next daily tick is day 30.
  CHECK(due[0] == days(30));
}

TEST_CASE("traefik's windows by lifetime: 2 days (every 2 h) from 6 days, 6 h (every 10 min) from 1 day") {
  // getCertificateRenewDurations in Traefik's pkg/provider/acme/provider.go.
  Run week = simulate(with_cert(ProxyPreset::traefik, Renewal::proxy, -hours(100), hours(160), days(3)));
  const auto due = times(week, "cert.renew_due");
  REQUIRE(!due.empty());
  CHECK(due[0] == hours(12));  // notAfter (60 h) - 48 h, on a 2-hour tick
  Run day = simulate(with_cert(ProxyPreset::traefik, Renewal::proxy, -hours(10), hours(24), days(2)));
  const auto due_day = times(day, "cert.renew_due");
  REQUIRE(due_day.size() >= 2);
  CHECK(due_day[0] == hours(8));                                                // notAfter (14 h) - 6 h
  CHECK(due_day[1] - times(day, "cert.issued")[0] <= hours(18) + minutes(10));  // 24 h - 6 h, 10-min tick
  CHECK(count(day, "cert.expired") == 0);
}

TEST_CASE("certbot renews 30 days before expiry (classic) or at a third of the lifetime") {
  SUBCASE("90-day certificate, classic rule: the first timer run after day 30") {
    Scenario sc = with_cert(ProxyPreset::nginx, Renewal::certbot, -days(30), days(90));
    Run run = simulate(sc);
    const auto due = times(run, "cert.renew_due");
    REQUIRE(!due.empty());
    CHECK(due[0] >= days(30));
    CHECK(due[0] < days(30) + hours(24));  // runs start at most 12 h apart, each up to 12 h late
  }
  SUBCASE("45-day certificate: classic renews with 30 days left, the 1/3 rule with 15") {
    Scenario classic = with_cert(ProxyPreset::nginx, Renewal::certbot, Time{}, days(45), days(40));
    Scenario third = classic;
    third.certificates[0].certbot_rule = CertbotRule::third_of_lifetime;
    const Time c = times(simulate(classic), "cert.renew_due").at(0);
    const Time t = times(simulate(third), "cert.renew_due").at(0);
    CHECK(c >= days(15));
    CHECK(c < days(15) + hours(13));
    CHECK(t >= days(30));
    CHECK(t < days(30) + hours(13));
  }
}

TEST_CASE("the Debian certbot.timer starts each run up to 12 hours after 00:00 or 12:00 UTC") {
  // RandomizedDelaySec=43200: over many seeds the delays spread over the whole 12 hours.
  Time latest, earliest = hours(12);
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Scenario sc = with_cert(ProxyPreset::nginx, Renewal::certbot, -days(30), days(90), days(32));
    sc.info.seed = seed;
    const Run run = simulate(sc);
    const auto due = times(run, "cert.renew_due");
    REQUIRE(!due.empty());
    const Time delay = s((sc.info.start_unix + due[0].ns() / 1000000000) % 43200);
    latest = std::max(latest, delay);
    earliest = std::min(earliest, delay);
  }
  CHECK(latest < hours(12));
  CHECK(latest > hours(9));
  CHECK(earliest < hours(3));
}

TEST_CASE("cert-manager renews at exactly two thirds of the lifetime") {
  Run run = simulate(with_cert(ProxyPreset::nginx, Renewal::cert_manager, -days(10), days(90)));
  const auto due = times(run, "cert.renew_due");
  REQUIRE(due.size() >= 1);
  CHECK(due[0] == days(50));
}

TEST_CASE("renewal off: the certificate expires at exactly notAfter") {
  Run run = simulate(with_cert(ProxyPreset::caddy, Renewal::none, -days(80), days(90)));
  CHECK(count(run, "cert.issued") == 0);
  CHECK(times(run, "cert.expired") == std::vector<Time>{days(10)});
  CHECK(days_left_at(run, days(20)) == doctest::Approx(-10));
}

TEST_CASE("certbot without a deploy hook: the file is renewed, the proxy keeps the old certificate") {
  Scenario sc = with_cert(ProxyPreset::nginx, Renewal::certbot, -days(30), days(90));
  sc.certificates[0].reload_after_renewal = false;
  Run run = simulate(sc);
  CHECK(count(run, "cert.issued") >= 1);
  CHECK(count(run, "cert.reloaded") == 0);
  const auto kept = records(run, "cert.not_reloaded");
  REQUIRE(!kept.empty());
  CHECK(run.trace.detail_int(*kept[0], "serving_serial") == 1);
  CHECK(run.trace.detail_int(*kept[0], "stored_serial") == 2);
  CHECK(times(run, "cert.expired") == std::vector<Time>{days(60)});

  SUBCASE("a crash of the proxy: restarted a second later, it loads the renewed file") {
    add_fault(sc, FaultKind::crash, days(45), "proxy");
    Run r2 = simulate(sc);
    CHECK(times(r2, "cert.reloaded") == std::vector<Time>{days(45) + s(1)});
    CHECK(count(r2, "cert.expired") == 0);
  }
  SUBCASE("a reboot of the proxy's host loads the renewed file") {
    add_fault(sc, FaultKind::reboot, days(45), "edge-1", minutes(1));
    Run r2 = simulate(sc);
    CHECK(count(r2, "cert.reloaded") == 1);
    CHECK(count(r2, "cert.expired") == 0);
  }
}

TEST_CASE("port 80 blocked: HTTP-01 fails, the failed-authorization bucket empties, the certificate expires") {
  Scenario sc = with_cert(ProxyPreset::caddy, Renewal::proxy, -days(30), days(90));
  add_fault(sc, FaultKind::block_port_80, Time{});
  Run run = simulate(sc);
  CHECK(count(run, "cert.issued") == 0);
  const auto failed = times(run, "cert.acme.validation_failed");
  REQUIRE(failed.size() > 5);
  // A bucket of 5 that gets one back every 12 minutes: Caddy's attempts every 10 minutes pass
  // for about three hours (a window of "5 an hour" would stop them after 5), then the refusals
  // let one attempt through every 12 minutes.
  const Time first = failed[0];
  CHECK(std::count_if(failed.begin(), failed.end(), [&](Time t) { return t < first + hours(3); }) > 15);
  const auto refused = records(run, "cert.acme.rate_limited");
  REQUIRE(!refused.empty());
  CHECK(run.trace.narration(*refused[0]) == "cert.acme.rate_limited.failed_authorizations");
  CHECK(
      run.trace.detail_str(*refused[0], "error")
          .find("too many failed authorizations (5) for \"api.example.test\" in the last 1h0m0s, retry after 2026-") !=
      std::string_view::npos);
  for (const auto& r : refused) CHECK(ns(run.trace.detail_int(*r, "retry_after")) <= minutes(12));
  CHECK(times(run, "cert.expired") == std::vector<Time>{days(60)});
  // Checks after notAfter say how long ago it expired, never a negative time left.
  for (const auto& r : records(run, "cert.renew_due")) {
    const bool past = ns(run.trace.detail_int(*r, "left")) < Time{};
    CHECK(run.trace.narration(*r) == (past ? "cert.renew_due.expired" : "cert.renew_due"));
    if (past) CHECK(ns(run.trace.detail_int(*r, "ago")) == r->t() - days(60));
  }

  SUBCASE("DNS-01 does not need port 80") {
    sc.certificates[0].challenge = Challenge::dns01;
    Run r2 = simulate(sc);
    CHECK(count(r2, "cert.acme.validation_failed") == 0);
    CHECK(count(r2, "cert.issued") >= 1);
  }
}

TEST_CASE("short lifetimes renew often: 45-day and 6-day certificates over 120 days (caddy)") {
  Run r45 = simulate(with_cert(ProxyPreset::caddy, Renewal::proxy, Time{}, days(45)));
  Run r6 = simulate(with_cert(ProxyPreset::caddy, Renewal::proxy, Time{}, hours(160)));
  // Renewed at 2/3 of the lifetime, on the next 10-minute tick after the previous issuance:
  // 30 d, 60 d 10 min, 90 d 20 min; 106 h 40 min then every 106 h 50 min -> 26 renewals.
  CHECK(count(r45, "cert.issued") == 3);
  CHECK(count(r6, "cert.issued") == 26);
  CHECK(count(r6, "cert.expired") == 0);
}

TEST_CASE("nginx has no ACME client of its own: renewal = proxy renews nothing") {
  Run run = simulate(with_cert(ProxyPreset::nginx, Renewal::proxy, -days(80), days(90)));
  CHECK(count(run, "cert.no_renewer") == 1);
  CHECK(count(run, "cert.expired") == 1);
}

TEST_CASE("a restarted proxy keeps acme.json; a recreated one without a volume orders again") {
  Scenario sc = with_cert(ProxyPreset::traefik, Renewal::proxy, -days(30), days(90), hours(3));
  sc.proxy->persisted_storage = false;
  add_fault(sc, FaultKind::crash, hours(1), "proxy");                   // Docker restarts the same container
  add_fault(sc, FaultKind::reboot, minutes(90), "edge-1", minutes(1));  // so does a reboot
  add_fault(sc, FaultKind::redeploy, hours(2), "proxy");                // docker compose up: a new container
  Run run = simulate(sc);
  const auto orders = times(run, "cert.acme.order");
  REQUIRE(orders.size() == 1);
  CHECK(orders[0] == hours(2) + s(1));  // the new container is up a second later, empty
  CHECK(times(run, "cert.storage_lost") == std::vector<Time>{hours(2) + s(1)});
  CHECK(count(run, "cert.issued") == 1);

  CHECK(run.trace.detail_str(*records(run, "cert.storage_lost")[0], "store") == "acme.json");
  // The proxy's return is in the trace, a second after the crash and after the recreate (the
  // reboot brings it back with the host).
  const auto back = records(run, "proxy.restarted");
  REQUIRE(back.size() == 2);
  CHECK(back[0]->t() == hours(1) + s(1));
  CHECK(run.trace.narration(*back[0]) == "proxy.restarted");
  CHECK(back[1]->t() == hours(2) + s(1));
  CHECK(run.trace.narration(*back[1]) == "proxy.restarted.recreated");

  SUBCASE("with acme.json on a volume the recreated container has it too") {
    sc.proxy->persisted_storage = true;
    Run kept = simulate(sc);
    CHECK(count(kept, "cert.acme.order") == 0);
    CHECK(count(kept, "cert.storage_lost") == 0);
  }
  SUBCASE("Caddy loses /data, its image's data directory, a path that reads the same in every language") {
    sc.proxy->preset = ProxyPreset::caddy;
    Run caddy = simulate(sc);
    const auto lost = records(caddy, "cert.storage_lost");
    REQUIRE(lost.size() == 1);
    CHECK(caddy.trace.detail_str(*lost[0], "store") == "/data");
  }
}

TEST_CASE("recreated every 10 minutes without acme.json: 5 certificates, then retry about 34 h later") {
  Scenario sc = with_cert(ProxyPreset::traefik, Renewal::proxy, -days(30), days(90), days(3));
  sc.proxy->persisted_storage = false;
  for (int i = 0; i < 7; ++i) add_fault(sc, FaultKind::redeploy, hours(1) + minutes(10) * i, "proxy");
  Run run = simulate(sc);
  CHECK(count(run, "cert.storage_lost") == 7);
  const auto issued = times(run, "cert.issued");
  REQUIRE(issued.size() == 6);  // 5 from the full bucket, then one once a token is back
  const auto refused = records(run, "cert.acme.rate_limited");
  REQUIRE(refused.size() == 2);  // the 6th and 7th containers
  CHECK(refused[0]->t() == hours(1) + minutes(50) + s(1));
  CHECK(run.trace.narration(*refused[0]) == "cert.acme.rate_limited.duplicates");
  CHECK(run.trace.detail_str(*refused[0], "error")
            .find("too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, "
                  "retry after 2026-11-02 19:36:01 UTC") != std::string_view::npos);
  // The bucket refills one certificate every 7 d / 5 = 33 h 36 min, counted from the first of the
  // five: the next certificate is possible about a day and a half after the bucket emptied, not a
  // week later.
  const Time next_token = issued[0] + hours(33) + minutes(36);
  CHECK(ns(run.trace.detail_int(*refused[0], "retry_after")) == next_token - refused[0]->t());
  CHECK(next_token - issued[4] > hours(32));
  CHECK(next_token - issued[4] < hours(34));
  CHECK(issued[5] >= next_token);
  CHECK(issued[5] <= next_token + days(1));  // at Traefik's next daily check
}

TEST_CASE("50 new certificates per registered domain, one back every 202 minutes; renewals are exempt") {
  // 50 name sets last issued 200 days ago (no longer renewals: Let's Encrypt looks back 120 days)
  // are ordered at once; a 51st new name set an hour later finds the bucket empty.
  Scenario sc = with_cert(ProxyPreset::nginx, Renewal::cert_manager, -days(200), days(90), hours(6));
  sc.certificates[0].domain = "site1.example.test";
  for (int i = 2; i <= 50; ++i) {
    CertificateSpec c = sc.certificates[0];
    c.domain = fmt::format("site{}.example.test", i);
    sc.certificates.push_back(c);
  }
  CertificateSpec late = sc.certificates[0];
  late.domain = "late.example.test";
  late.issued = -days(121);
  late.lifetime = (days(121) + hours(1)) * 3 / 2;  // cert-manager renews it at 2/3: at 1 h
  sc.certificates.push_back(late);
  Run run = simulate(sc);
  const auto issued = times(run, "cert.issued");
  REQUIRE(issued.size() == 51);
  const auto refused = records(run, "cert.acme.rate_limited");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]->t() == hours(1));
  CHECK(run.trace.narration(*refused[0]) == "cert.acme.rate_limited.registered_domain");
  CHECK(run.trace.detail_str(*refused[0], "registered_domain") == "example.test");
  // 7 d / 50 = 201.6 min after the first of the 50; cert-manager tries again then.
  const Time token = issued.front() + s(12096);
  CHECK(ns(run.trace.detail_int(*refused[0], "retry_after")) == token - hours(1));
  CHECK(issued.back() > token);
  CHECK(issued.back() < token + s(1));

  SUBCASE("a renewal of a name set issued within 120 days does not count") {
    sc.certificates.back().issued = -days(100);
    sc.certificates.back().lifetime = (days(100) + hours(1)) * 3 / 2;
    Run renewal = simulate(sc);
    CHECK(count(renewal, "cert.issued") == 51);
    CHECK(count(renewal, "cert.acme.rate_limited") == 0);
  }
}

namespace {

// A scenario read from TOML text, as a teacher writes it (so keys the loader lacks fail loudly).
Scenario from_text(std::string_view text) {
  LoadResult r = load_scenario_text(text, "test.toml");
  if (r.error) FAIL(r.error->to_string());
  return *r.scenario;
}

constexpr std::string_view two_names = R"(
[scenario]
name = "two names"
duration = "70d"
[[dns.zone]]
origin = "example.test"
records = [
  { name = "api.example.test", value = "203.0.113.10" },
  { name = "www.example.test", value = "203.0.113.10" },
]
[[host]]
name = "edge-1"
ip = "203.0.113.10"
[proxy]
host = "edge-1"
preset = "nginx"
routes = [ { host = "api.example.test", pool = "api" }, { host = "www.example.test", pool = "api" } ]
[[certificate]]
domain = "api.example.test"
alt_names = ["www.example.test"]
issued = "-30d"
renewal = "certbot"
[[service]]
name = "api"
host = "edge-1"
[[client]]
name = "laptop"
url = "https://api.example.test/"
requests = 2
interval = "40d"
keep_alive = false
[[client]]
name = "phone"
url = "https://www.example.test/"
requests = 2
interval = "40d"
keep_alive = false
)";

}  // namespace

TEST_CASE("one certificate with two names (SAN) serves api and www, and renews in one order") {
  const Scenario sc = from_text(two_names);
  const Run run = simulate(sc);
  const auto hellos = records(run, "tls.client_hello");
  REQUIRE(hellos.size() == 4);
  for (const auto& h : hellos) {
    CHECK(run.trace.detail_str(*h, "cert_domain") == "api.example.test");
    CHECK(run.trace.detail_str(*h, "cert_alt_names") == "www.example.test");
  }
  CHECK(run.metrics.succeeded == 4);  // www verifies against the subjectAltName entry
  CHECK(count(run, "tls.alert") == 0);
  // One order, one authorization per name, one certificate.
  CHECK(count(run, "cert.acme.order") == 1);
  const auto authz = records(run, "cert.acme.authorization");
  REQUIRE(authz.size() == 2);
  CHECK(run.trace.detail_str(*authz[0], "domain") == "api.example.test");
  CHECK(run.trace.detail_str(*authz[1], "domain") == "www.example.test");
  CHECK(count(run, "cert.issued") == 1);
  // After the renewal (day 30 or so) both names get the new serial's notAfter.
  const auto late = std::vector{hellos[2], hellos[3]};
  for (const auto& h : late)
    CHECK(run.trace.detail_int(*h, "not_after_unix") > run.trace.detail_int(*hellos[0], "not_after_unix"));

  SUBCASE("Caddy cannot renew a certificate with several names: a located error") {
    std::string text(two_names);
    text.replace(text.find("preset = \"nginx\""), 16, "preset = \"caddy\"");
    text.replace(text.find("renewal = \"certbot\""), 19, "renewal = \"proxy\"");
    const LoadResult r = load_scenario_text(text, "caddy.toml");
    REQUIRE(r.error);
    CHECK(r.error->message.find("Caddy obtains one certificate per name") != std::string::npos);
    CHECK(r.error->line == 20);  // at alt_names
  }
}

TEST_CASE("a wildcard certificate needs DNS-01: with HTTP-01 the order stops, nothing is issued") {
  std::string text(two_names);
  const std::string_view san = "domain = \"api.example.test\"\nalt_names = [\"www.example.test\"]";
  text.replace(text.find(san), san.size(), "domain = \"*.example.test\"\nchallenge = \"http-01\"");
  const Run run = simulate(from_text(text));
  const auto stopped = records(run, "cert.acme.no_usable_challenge");
  REQUIRE(!stopped.empty());
  CHECK(run.trace.detail_str(*stopped[0], "error").find("can do challenges over DNS") != std::string_view::npos);
  const auto authz = records(run, "cert.acme.authorization");
  REQUIRE(!authz.empty());
  CHECK(run.trace.detail_str(*authz[0], "challenge") == "dns-01");  // all the CA offers for *.example.test
  CHECK(count(run, "cert.acme.challenge") == 0);
  CHECK(count(run, "cert.issued") == 0);
  CHECK(times(run, "cert.expired") == std::vector<Time>{days(60)});
  CHECK(run.metrics.succeeded == 4);  // the wildcard in place serves both names until then

  SUBCASE("with DNS-01 the wildcard is issued: a TXT record at _acme-challenge.example.test") {
    text.replace(text.find("challenge = \"http-01\""), 21, "challenge = \"dns-01\"");
    const Run dns = simulate(from_text(text));
    CHECK(count(dns, "cert.acme.no_usable_challenge") == 0);
    const auto ch = records(dns, "cert.acme.challenge");
    REQUIRE(ch.size() == 1);
    CHECK(dns.trace.detail_str(*ch[0], "where") == "TXT _acme-challenge.example.test");
    CHECK(count(dns, "cert.issued") == 1);
    CHECK(count(dns, "tls.alert") == 0);
  }
}

TEST_CASE(
    "HTTPS managed elsewhere: an ingress with cert-manager and a cloud load balancer renew without the app's host") {
  const std::string common = R"(
[scenario]
name = "managed"
duration = "2h"
[[dns.zone]]
origin = "example.test"
records = [ { name = "api.example.test", value = "203.0.113.50" } ]
[[host]]
name = "edge"
ip = "203.0.113.50"
[[host]]
name = "app-1"
ip = "10.0.0.5"
[[service]]
name = "api"
host = "app-1"
bind = "0.0.0.0"
supervisor = { kind = "kubernetes" }
[[client]]
name = "browser"
url = "https://api.example.test/"
alpn = ["h2", "http/1.1"]
requests = 2
interval = "1h"
keep_alive = false
)";
  // The [proxy] at "edge" routing api.example.test, and its one [[certificate]].
  auto with_proxy = [&](std::string_view preset, std::string_view cert_keys) {
    return fmt::format(
        "{}[proxy]\nhost = \"edge\"\npreset = \"{}\"\nroutes = [ {{ host = \"api.example.test\", "
        "pool = \"api\" }} ]\n[[certificate]]\ndomain = \"api.example.test\"\n{}\n",
        common, preset, cert_keys);
  };
  auto check_run = [](const Run& run, std::initializer_list<std::string_view> renewers) {
    REQUIRE(count(run, "cert.issued") == 1);
    for (const Record& r : run.trace.records()) {
      if (r.stage != Stage::cert) continue;
      CAPTURE(run.trace.kind(r));
      const std::string_view actor = run.trace.node_name(r.actor);
      CHECK(std::find(renewers.begin(), renewers.end(), actor) != renewers.end());
    }
    const auto hellos = records(run, "tls.client_hello");
    REQUIRE(hellos.size() == 2);
    CHECK(run.trace.detail_int(*hellos[1], "not_after_unix") > run.trace.detail_int(*hellos[0], "not_after_unix"));
    CHECK(run.trace.detail_str(*hellos[0], "server_alpn") == "h2,http/1.1");  // h2 on by default
    CHECK(run.metrics.succeeded == 2);
  };
  SUBCASE("Ingress NGINX controller + cert-manager: renewBefore 1/3, the Secret is updated") {
    const Run run = simulate(from_text(with_proxy("ingress-nginx", "issued = \"-1439.5h\"")));
    CHECK(times(run, "cert.renew_due") == std::vector<Time>{minutes(30)});  // at 2/3 of 90 days
    CHECK(count(run, "cert.acme.order") == 1);
    const auto reloaded = records(run, "cert.reloaded");
    REQUIRE(reloaded.size() == 1);
    CHECK(run.trace.narration(*reloaded[0]) == "cert.reloaded.cert-manager");
    check_run(run, {"cert-manager", "acme-ca", "proxy"});
  }
  SUBCASE("cloud load balancer: the provider renews its own 198-day certificate 45 days before expiry") {
    const Run run = simulate(from_text(with_proxy("cloud-lb", "lifetime = \"198d\"\nissued = \"-3671.5h\"")));
    const auto due = records(run, "cert.renew_due");
    REQUIRE(due.size() == 1);
    CHECK(due[0]->t() == minutes(30));  // 198 d - 45 d = 153 d after issuance
    CHECK(run.trace.narration(*due[0]) == "cert.renew_due.provider");
    CHECK(count(run, "cert.acme.order") == 0);  // no ACME client anywhere: the provider validates by DNS
    CHECK(count(run, "cert.provider.validated") == 1);
    const auto issued = records(run, "cert.issued");
    CHECK(ns(run.trace.detail_int(*issued[0], "lifetime")) == days(198));
    CHECK(run.trace.narration(*records(run, "cert.reloaded")[0]) == "cert.reloaded.provider");
    check_run(run, {"acm", "proxy"});
  }
  SUBCASE("without SNI: the ingress's fake certificate, the load balancer's default one") {
    auto no_sni = [](std::string text) {
      return text.replace(text.find("keep_alive = false"), 18, "keep_alive = false\nsni = false");
    };
    const Run ingress = simulate(from_text(no_sni(with_proxy("ingress-nginx", ""))));
    const auto hello = records(ingress, "tls.client_hello");
    REQUIRE(!hello.empty());
    CHECK(ingress.trace.detail_str(*hello[0], "cert_domain") == "Kubernetes Ingress Controller Fake Certificate");
    CHECK(ingress.metrics.failures.at("unknown_ca") == 2);
    const Run lb = simulate(from_text(no_sni(with_proxy("cloud-lb", "lifetime = \"198d\""))));
    const auto lb_hello = records(lb, "tls.client_hello");
    REQUIRE(!lb_hello.empty());
    CHECK(lb.trace.detail_str(*lb_hello[0], "cert_domain") == "api.example.test");  // the listener's default
    CHECK(lb.metrics.succeeded == 2);
  }
  SUBCASE("70 s idle: past an ALB's 60 s idle timeout, within the ingress's keep-alive of 75 s") {
    auto idle = [](std::string text) {
      const std::string_view client = "requests = 2\ninterval = \"1h\"\nkeep_alive = false";
      return text.replace(text.find(client), client.size(), "requests = 3\ninterval = \"70s\"\nkeep_alive = true");
    };
    CHECK(count(simulate(from_text(idle(with_proxy("ingress-nginx", "")))), "tcp.reuse") == 2);
    CHECK(count(simulate(from_text(idle(with_proxy("cloud-lb", "lifetime = \"198d\"")))), "tcp.reuse") == 0);
  }
  SUBCASE("a load balancer's certificate is the provider's to renew: certbot there is a located error") {
    const LoadResult r = load_scenario_text(with_proxy("cloud-lb", "renewal = \"certbot\""), "lb.toml");
    REQUIRE(r.error);
    CHECK(r.error->message.find("renewed by the provider") != std::string::npos);
  }
}
