// Certificates over time: when Caddy, Traefik, certbot (classic and 1/3 rule) and cert-manager
// renew, the ACME records, renewal without reload (serving vs stored), port 80 blocked with the
// rate limit, expiry at exactly notAfter, and short lifetimes.
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
  CHECK(due[0] == days(30));                  // notAfter (60 d) - 30 d, on a 10-minute tick
  const auto issued = records(run, "cert.issued");
  REQUIRE(issued.size() >= 2);
  CHECK(issued[0]->t() - due[0] < s(1));      // the ACME round trips take milliseconds
  CHECK(due[1] - issued[0]->t() <= days(60) + minutes(10));
  CHECK(due[1] - issued[0]->t() >= days(60));
  // The ACME flow appears step by step.
  for (const char* k : {"cert.acme.order", "cert.acme.authorization", "cert.acme.challenge",
                        "cert.acme.validated", "cert.acme.finalize", "cert.reloaded"})
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

TEST_CASE("certbot renews 30 days before expiry (classic) or at a third of the lifetime") {
  SUBCASE("90-day certificate, classic rule: twice-daily timer + up to 1 h delay after day 30") {
    Scenario sc = with_cert(ProxyPreset::nginx, Renewal::certbot, -days(30), days(90));
    Run run = simulate(sc);
    const auto due = times(run, "cert.renew_due");
    REQUIRE(!due.empty());
    CHECK(due[0] >= days(30));
    CHECK(due[0] < days(30) + hours(13));
    // The timer fires at 00:00 / 12:00 UTC; the scenario starts 09:00 UTC.
    const int64_t wall = (sc.info.start_unix + due[0].ns() / 1000000000) % 43200;
    CHECK(wall < 3600);
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

TEST_CASE("port 80 blocked: HTTP-01 fails, the rate limit bites, the certificate expires") {
  Scenario sc = with_cert(ProxyPreset::caddy, Renewal::proxy, -days(30), days(90));
  add_fault(sc, FaultKind::block_port_80, Time{});
  Run run = simulate(sc);
  CHECK(count(run, "cert.issued") == 0);
  const auto failed = times(run, "cert.acme.validation_failed");
  REQUIRE(failed.size() > 5);
  // At most 5 failed validations in any hour.
  for (size_t i = 5; i < failed.size(); ++i) CHECK(failed[i] - failed[i - 5] >= hours(1));
  CHECK(count(run, "cert.acme.rate_limited") > 0);
  CHECK(times(run, "cert.expired") == std::vector<Time>{days(60)});

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

TEST_CASE("traefik without a persisted acme.json re-orders on every start: 5 duplicates a week, then refused") {
  Scenario sc = with_cert(ProxyPreset::traefik, Renewal::proxy, -days(30), days(90), days(9));
  sc.proxy->persisted_storage = false;
  for (int h = 1; h <= 7; ++h) add_fault(sc, FaultKind::crash, hours(h), "proxy");
  Run run = simulate(sc);
  CHECK(count(run, "cert.storage_lost") == 7);
  const auto issued = times(run, "cert.issued");
  REQUIRE(issued.size() == 6);  // 5 re-orders, then one more once the first is a week old
  const auto refused = records(run, "cert.acme.rate_limited");
  REQUIRE(refused.size() == 2);  // at the 6th and 7th start
  CHECK(refused[0]->t() == hours(6) + s(1));  // the proxy is back 1 s after the crash
  CHECK(run.trace.detail_str(*refused[0], "error").find("too many certificates (5)") != std::string_view::npos);
  CHECK(run.trace.narration(*refused[0]) == "cert.acme.rate_limited.duplicates");
  // The CA counts at finalize, one round trip before the download (cert.issued).
  const Time counted = issued[0] - (issued[1] - times(run, "cert.acme.finalize")[1]);
  CHECK(ns(run.trace.detail_int(*refused[0], "retry_after")) == counted + days(7) - refused[0]->t());
  CHECK(issued[5] > counted + days(7));
  CHECK(issued[5] <= counted + days(8));  // at Traefik's next daily check
  Scenario kept = sc;
  kept.proxy->persisted_storage = true;
  Run fine = simulate(kept);
  CHECK(count(fine, "cert.storage_lost") == 0);
  CHECK(count(fine, "cert.issued") == 0);
}

TEST_CASE("50 certificates per registered domain per week: the 51st order is refused") {
  Scenario sc = with_cert(ProxyPreset::traefik, Renewal::proxy, -days(30), days(90), days(1));
  for (int i = 2; i <= 11; ++i) {
    CertificateSpec c = sc.certificates[0];
    c.domain = fmt::format("site{}.example.test", i);
    sc.certificates.push_back(c);
  }
  sc.proxy->persisted_storage = false;
  for (int h = 1; h <= 5; ++h) add_fault(sc, FaultKind::crash, hours(h), "proxy");
  Run run = simulate(sc);
  // 11 names x 4 starts = 44, then 6 more at the 5th start: 50; the other 5 are refused.
  CHECK(count(run, "cert.issued") == 50);
  size_t by_domain = 0, duplicates = 0;
  for (const auto& r : records(run, "cert.acme.rate_limited")) {
    by_domain += run.trace.narration(*r) == "cert.acme.rate_limited.registered_domain" ? 1 : 0;
    duplicates += run.trace.narration(*r) == "cert.acme.rate_limited.duplicates" ? 1 : 0;
    CHECK(run.trace.detail_str(*r, "registered_domain") == "example.test");
  }
  CHECK(by_domain == 5);
  CHECK(duplicates == 0);
}
