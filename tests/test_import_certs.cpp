// What the importer makes of a certificate's life: when the one in use was issued (chosen from
// its lifetime and its renewer's rule, so that a healthy deployment imports as healthy), who signs
// it (ACME or a CA cert-manager or Caddy holds itself) and for how long.
#include <doctest/doctest.h>

#include <string>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

// A Helm chart's rendered manifests: a 7-day certificate from cert-manager's `ca:` Issuer,
// with renewBefore 48h, which the run does not model (the Ingress's TLS entry is line 31,
// renewBefore line 48).
const std::string seven_days = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      containers:
        - name: payments
          image: registry.example.com/fin/payments:5.2.0
          command: [hypercorn, payments.asgi:application, --bind, "0.0.0.0:8080"]
---
apiVersion: v1
kind: Service
metadata: {name: payments}
spec:
  selector: {app: payments}
  ports: [{port: 8080, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: payments
spec:
  ingressClassName: traefik
  tls:
    - hosts: [pay.internal.fin.example]
      secretName: payments-internal-tls
  rules:
    - host: pay.internal.fin.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: payments, port: {number: 8080}}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: payments-internal-tls
spec:
  secretName: payments-internal-tls
  duration: 168h
  renewBefore: 48h
  dnsNames: [pay.internal.fin.example]
  issuerRef: {name: fin-internal-ca}
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: fin-internal-ca
spec:
  ca:
    secretName: fin-root-ca
)";

// The run of an imported scenario starts healthy: nothing is due, expired or refused.
void check_starts_healthy(const Scenario& sc) {
  const Run run = simulate(sc);
  CHECK(count_kind(run, "cert.renew_due") == 0);
  CHECK(count_kind(run, "cert.expired") == 0);
  CHECK(count_kind(run, "tls.alert") == 0);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

// The imported scenario run for `duration` with its browser asking once a minute: long enough
// to see a renewal, with few requests.
Run run_for(const imp::ImportResult& r, const std::string& duration) {
  std::string text = r.scenario_text;
  text.replace(text.find("duration = \"2m\""), 15, "duration = \"" + duration + "\"");
  text.replace(text.find("rate = \"2/s\""), 12, "rate = \"1/min\"");
  const LoadResult longer = load_scenario_text(text, "imported.toml");
  REQUIRE_MESSAGE(longer.scenario, longer.error->to_string());
  return simulate(*longer.scenario);
}

}  // namespace

TEST_CASE("a short-lived certificate starts in the first part of its life, not expired") {
  SUBCASE("cert-manager with renewBefore: the run renews at two thirds, and issued says so") {
    const imp::ImportResult r = import_ok_texts(seven_days);
    const Scenario sc = load(r);
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].lifetime == hours(168));
    // renewBefore is reported as ignored, so issued follows the rule the run applies:
    // (168 h - 56 h) / 2, not the 48 h of renewBefore.
    CHECK(sc.certificates[0].issued == -hours(56));
    CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:48", "renewBefore"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:31",
                    "certificate.issued = \"-56h\": a working deployment serves a certificate that its renewer does "
                    "not yet find due: taken as issued 56 h before the run, halfway to its renewal 56 h before the "
                    "end of its 7 d lifetime (cert-manager's default renewBefore, a third of the duration, which "
                    "deploysim applies: the renewBefore at k8s.yaml:48 is not modelled)"));
    check_starts_healthy(sc);
  }
  SUBCASE("cert-manager's default renewBefore, a third of the duration") {
    std::string yaml = seven_days;
    yaml.replace(yaml.find("  renewBefore: 48h\n"), 18, "");
    const imp::ImportResult r = import_ok_texts(yaml);
    const Scenario sc = load(r);
    CHECK(sc.certificates[0].issued == -hours(56));  // (168 h - 56 h) / 2
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:31", "cert-manager's default renewBefore"));
    check_starts_healthy(sc);
  }
  SUBCASE("Let's Encrypt's 90 days, renewed with 30 left: issued 30 days before, as always") {
    const std::string nginx = R"(server {
    listen 443 ssl;
    server_name api.example.com;
    ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;
    location / { proxy_pass http://127.0.0.1:8000; }
}
)";
    const imp::ImportResult r = import_files({{"sites-enabled/api.conf", nginx, true}});
    const Scenario sc = load(r);
    CHECK(sc.certificates[0].issued == -days(30));
    CHECK(has_entry(r, imp::EntryKind::assumed, "sites-enabled/api.conf:4", "certbot renews with 30 days left"));
  }
  SUBCASE("the reason in Korean") {
    const imp::ImportResult k = imp::import_texts({{"k8s.yaml", seven_days, true}}, ko());
    REQUIRE(k.ok());
    CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:31", "k8s.yaml:48의 renewBefore 설정은 모델링하지 않습니다"));
  }
}

TEST_CASE("a cert-manager CA, Vault or Venafi issuer signs without ACME, in the report and in the run") {
  SUBCASE("ca: the run renews with cert-manager's CA, no order and no challenge") {
    const imp::ImportResult r = import_ok_texts(seven_days);
    CHECK(load(r).certificates[0].issuer == Issuer::private_ca);
    CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:57", "ca -> certificate.issuer = \"private-ca\""));
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:57",
                    "cert-manager signs it with a CA it holds, without an ACME order or challenge"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:57", "set issuer = \"untrusted\" to see it"));
    CHECK_FALSE(r.scenario_text.find("challenge = ") != std::string::npos);
    // Three days: the renewal falls 52 h into the run.
    const Run run = run_for(r, "3d");
    CHECK(count_kind(run, "cert.acme.order") == 0);
    CHECK(count_kind(run, "cert.acme.challenge") == 0);
    CHECK(count_kind(run, "cert.issued") == 1);
    CHECK(count_kind(run, "cert.expired") == 0);
    CHECK(count_kind(run, "tls.alert") == 0);
    for (const Record& rec : run.trace.records())
      if (run.trace.kind(rec) == "cert.issued") {
        CHECK(run.trace.narration(rec) == "cert.issued.private_ca");
        CHECK(rec.t() > hours(51));
      }
  }
  SUBCASE("vault: assumed to be a CA of the organisation") {
    std::string yaml = seven_days;
    yaml.replace(yaml.find("  ca:\n    secretName: fin-root-ca"), 32,
                 "  vault:\n    server: https://vault.fin.example\n    path: pki/sign/fin");
    const imp::ImportResult r = import_ok_texts(yaml);
    CHECK(load(r).certificates[0].issuer == Issuer::private_ca);
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:57",
                    "certificate.issuer = \"private-ca\": Issuer fin-internal-ca signs through vault, not ACME"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:57", "cert-manager signs it with a CA it holds"));
  }
  SUBCASE("in Korean") {
    const imp::ImportResult k = imp::import_texts({{"k8s.yaml", seven_days, true}}, ko());
    REQUIRE(k.ok());
    CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:57", "cert-manager가 직접 가진 CA로"));
  }
}

TEST_CASE("Caddy's tls internal: 12-hour certificates from its own CA, said in the report") {
  const std::string caddyfile = R"(intranet.corp.test {
	tls internal
	reverse_proxy 127.0.0.1:8000
}
)";
  SUBCASE("the default lifetime, renewed by Caddy without ACME") {
    const imp::ImportResult r = import_files({{"Caddyfile", caddyfile, true}});
    const Scenario sc = load(r);
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].issuer == Issuer::private_ca);
    CHECK(sc.certificates[0].lifetime == hours(12));
    CHECK(sc.certificates[0].issued == -hours(4));  // (12 h - 4 h) / 2: CertMagic renews with a third left
    CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:2",
                    "certificate.lifetime = \"12h\": Caddy's internal issuer signs certificates for 12 hours"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:2", "Caddy signs it with a CA it holds"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:1", "Caddy renews when a third of the lifetime is left"));
    check_starts_healthy(sc);
    // Twelve hours: Caddy renews at 4 h (8 h into its life) from its own CA.
    const Run run = run_for(r, "12h");
    CHECK(count_kind(run, "cert.acme.order") == 0);
    CHECK(count_kind(run, "cert.issued") >= 1);
    CHECK(count_kind(run, "cert.expired") == 0);
    CHECK(count_kind(run, "tls.alert") == 0);
  }
  SUBCASE("issuer internal { lifetime 7d }") {
    const std::string seven = R"(intranet.corp.test {
	tls {
		issuer internal {
			lifetime 7d
		}
	}
	reverse_proxy 127.0.0.1:8000
}
)";
    const imp::ImportResult r = import_files({{"Caddyfile", seven, true}});
    const Scenario sc = load(r);
    CHECK(sc.certificates[0].lifetime == days(7));
    CHECK(sc.certificates[0].issued == -hours(56));
    CHECK(has_entry(r, imp::EntryKind::mapped, "Caddyfile:4",
                    "issuer internal { lifetime } -> certificate.lifetime = \"168h\""));
  }
  // Caddy never signs past its intermediate's expiry (7 days by default): 30d is cut to 7d.
  const auto with_lifetime = [](const std::string& lifetime) {
    return "intranet.corp.test {\n\ttls {\n\t\tissuer internal {\n\t\t\tlifetime " + lifetime +
           "\n\t\t}\n\t}\n\treverse_proxy 127.0.0.1:8000\n}\n";
  };
  SUBCASE("issuer internal { lifetime 30d }: clamped to the intermediate's 7 days") {
    const imp::ImportResult r = import_files({{"Caddyfile", with_lifetime("30d"), true}});
    const Scenario sc = load(r);
    CHECK(sc.certificates[0].lifetime == days(7));
    CHECK(has_entry(r, imp::EntryKind::mapped, "Caddyfile:4",
                    "issuer internal { lifetime } -> certificate.lifetime = \"168h\""));
    CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:4",
                    "lifetime 30d: Caddy never signs a certificate past the expiry of the intermediate certificate"));
  }
  SUBCASE("lifetime 0s is Caddy's default, 12 hours") {
    const imp::ImportResult r = import_files({{"Caddyfile", with_lifetime("0s"), true}});
    CHECK(load(r).certificates[0].lifetime == hours(12));
    CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:4",
                    "certificate.lifetime = \"12h\": lifetime 0s: Caddy takes a lifetime of 0 as its default"));
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "Caddyfile:4", "not a duration Caddy reads"));
  }
  SUBCASE("a lifetime Caddy cannot read: Caddy refuses the Caddyfile, an error") {
    for (const std::string bad : {"30", "7x", "1.5"}) {
      const imp::ImportResult r = imp::import_texts({{"Caddyfile", with_lifetime(bad), true}}, en());
      CHECK_FALSE(r.ok());
      CHECK(has_error(
          r, "Caddyfile:4:13",
          "lifetime " + bad + ": not a duration Caddy reads (such as 24h or 7d): Caddy refuses this Caddyfile", false));
    }
  }
  SUBCASE("in Korean") {
    const imp::ImportResult k = imp::import_texts({{"Caddyfile", caddyfile, true}}, ko());
    REQUIRE(k.ok());
    CHECK(has_entry(k, imp::EntryKind::assumed, "Caddyfile:2", "인증서를 12시간짜리로 서명하고"));
  }
}
