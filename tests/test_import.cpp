// `deploysim import` (app/import): a team's docker-compose file and Kubernetes manifests become a
// scenario that the real loader takes and simulates, with the values the files give, comments
// citing file:line, and a report of what was assumed and ignored (bad input:
// test_import_bad_input.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

TEST_CASE("a compose file with Traefik and Let's Encrypt becomes a scenario that loads and runs") {
  const std::string file = dir + "/compose-traefik/docker-compose.yml";
  const imp::ImportResult r = import_ok({dir + "/compose-traefik"});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].kind == imp::FileKind::compose);
  const Scenario sc = load(r);

  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::traefik);
  CHECK(sc.proxy->persisted_storage);  // acme.json's folder is the `letsencrypt` volume
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "api.shop.example.com");
  CHECK(sc.proxy->routes[0].pool == "api");

  REQUIRE(sc.services.size() == 1);  // db (postgres) and the one-shot migrate are no app service
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.hosts.size() == 2);  // deploy.replicas
  CHECK(api.workers == 4);
  CHECK(api.server == ServerPreset::uvicorn);
  CHECK(api.bind == "0.0.0.0");
  CHECK(api.port == 8000);
  CHECK(api.forwarded_allow_ips == std::vector<std::string>{"*"});
  CHECK(api.supervisor.kind == SupervisorKind::docker);
  CHECK(api.supervisor.restart == "unless-stopped");
  REQUIRE(api.supervisor.memory_limit);
  CHECK(*api.supervisor.memory_limit == (1ULL << 30));
  REQUIRE(api.supervisor.grace_period);
  CHECK(*api.supervisor.grace_period == s(20));
  REQUIRE(api.pre_start.size() == 1);  // the migrate service the app waits for
  CHECK(api.pre_start[0].name == "migrate");
  CHECK(api.pre_start[0].mode == PreStartMode::once);

  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].domain == "api.shop.example.com");
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  CHECK(sc.certificates[0].challenge == Challenge::http01);

  // Provenance: each value cites its line; defaults say they were assumed.
  CHECK(r.scenario_text.find("workers = 4  # from " + file + ":26\n") != std::string::npos);
  CHECK(r.scenario_text.find("restart = \"unless-stopped\"  # from " + file + ":39\n") != std::string::npos);
  CHECK(r.scenario_text.find("persisted_storage = true  # from " + file + ":21\n") != std::string::npos);
  CHECK(r.scenario_text.find("duration = \"4s\"  # assumed: ") != std::string::npos);

  // The report: mapped, assumed and ignored, each at file:line.
  CHECK(has_entry(r, imp::EntryKind::mapped, file + ":35", "deploy.replicas -> hosts = 2"));
  CHECK(has_entry(r, imp::EntryKind::assumed, file + ":32", "pre_start.duration = \"4s\""));
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":41", "healthcheck: Docker health checks are not modelled"));
  // The container has Traefik labels: its health decides whether Traefik routes to it at all.
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":41",
                  "yet behind Traefik they decide routing: Traefik's Docker provider skips a container whose "
                  "health is not \"healthy\""));
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":41", "answers 404 Not Found"));
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":61", "service db (postgres:16)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":13", "certificatesresolvers.le.acme.email"));
  const std::string report = imp::format_report(r, en());
  CHECK(report.find("Assumed (the files are silent; deploysim picked these):\n") != std::string::npos);
  CHECK(report.find("  " + file + ":41: healthcheck:") != std::string::npos);

  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

TEST_CASE("without a volume for acme.json the scenario says so and a recreated Traefik orders again") {
  const std::string file = dir + "/compose-traefik-novolume/docker-compose.yml";
  const imp::ImportResult r = import_ok({file});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK_FALSE(sc.proxy->persisted_storage);
  CHECK(r.scenario_text.find("persisted_storage = false  # from " + file + ":14\n") != std::string::npos);
  CHECK(has_entry(r, imp::EntryKind::mapped, file + ":14",
                  "/letsencrypt/acme.json is not on a volume: a restart keeps it, but a recreated container"));

  // The variant recreates the proxy: its certificate store is lost and the certificate ordered again.
  const LoadResult recreated = apply_variant(sc, "the proxy container recreated at 1 min");
  REQUIRE_MESSAGE(recreated.scenario, recreated.error->to_string());
  const Run run = simulate(*recreated.scenario);
  CHECK(count_kind(run, "cert.storage_lost") == 1);

  // With the volume, the same variant loses nothing.
  const Scenario kept = load(import_ok({dir + "/compose-traefik"}));
  const Run run_kept = simulate(*apply_variant(kept, "the proxy container recreated at 1 min").scenario);
  CHECK(count_kind(run_kept, "cert.storage_lost") == 0);
}

TEST_CASE("Kubernetes manifests across files: Deployment, Service, Ingress, cert-manager, Job") {
  const std::string api = dir + "/k8s/api.yaml", ingress = dir + "/k8s/ingress.yaml";
  const imp::ImportResult r = import_ok({dir + "/k8s"});
  REQUIRE(r.files.size() == 4);
  for (const auto& f : r.files)
    CHECK(f.kind == (f.path.ends_with("README.md") ? imp::FileKind::unknown : imp::FileKind::kubernetes));
  // A file of no known kind inside a folder is reported, not an error.
  CHECK(has_entry(r, imp::EntryKind::ignored, dir + "/k8s/README.md", "not a docker-compose file"));
  const Scenario sc = load(r);

  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::ingress_nginx);
  REQUIRE(sc.proxy->upstream_timeout);
  CHECK(*sc.proxy->upstream_timeout == s(120));
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].pool == "api");  // Ingress -> Service api -> Deployment api by selector

  const ServiceSpec& svc = service(sc, "api");
  CHECK(svc.hosts.size() == 3);
  CHECK(svc.server == ServerPreset::gunicorn);
  CHECK(svc.workers == 2);
  CHECK(svc.bind == "0.0.0.0");
  CHECK(svc.rollout == RolloutStrategy::rolling);
  CHECK(svc.max_surge_percent == 33);  // maxSurge: 1 of 3 replicas, rounded up to 1 again
  CHECK(svc.max_unavailable_percent == 0);
  CHECK(svc.supervisor.kind == SupervisorKind::kubernetes);
  REQUIRE(svc.supervisor.memory_limit);
  CHECK(*svc.supervisor.memory_limit == (512ULL << 20));
  CHECK(svc.supervisor.grace_period == s(45));
  CHECK(svc.supervisor.pre_stop == s(5));
  CHECK(svc.supervisor.liveness.enabled);
  CHECK(svc.supervisor.liveness.period == s(10));
  CHECK(svc.supervisor.liveness.timeout == s(2));
  CHECK(svc.supervisor.readiness.enabled);
  CHECK(svc.supervisor.readiness.failure_threshold == 2);
  CHECK(svc.supervisor.startup.enabled);
  CHECK(svc.supervisor.startup.failure_threshold == 12);
  CHECK(svc.supervisor.startup.period == s(5));
  // The init container runs in every pod; the Helm pre-upgrade Job once before the rollout.
  REQUIRE(svc.pre_start.size() == 2);
  CHECK(svc.pre_start[0].name == "migrate");
  CHECK(svc.pre_start[0].mode == PreStartMode::per_replica);
  CHECK(svc.pre_start[1].name == "migrate-db");
  CHECK(svc.pre_start[1].mode == PreStartMode::once);

  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].domain == "api.shop.example.com");
  CHECK(sc.certificates[0].renewal == Renewal::cert_manager);
  CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
  CHECK(sc.certificates[0].lifetime == days(90));

  CHECK(r.scenario_text.find("hosts = [\"api-node-1\", \"api-node-2\", \"api-node-3\"]  # from " + api + ":9\n") !=
        std::string::npos);
  // A pod answers on its node's address, and a new pod of a rollout shares the node of the one it
  // replaces: the report says so, since a cluster gives each pod an address of its own.
  CHECK(has_entry(r, imp::EntryKind::assumed, api + ":5", "answers on the node's address"));
  CHECK(r.scenario_text.find("mode = \"per-replica\"  # from " + api + ":27\n") != std::string::npos);
  CHECK(has_entry(r, imp::EntryKind::ignored, ingress + ":49", "renewBefore"));
  CHECK(has_entry(r, imp::EntryKind::ignored, api + ":52", "livenessProbe.httpGet"));
  CHECK(has_entry(r, imp::EntryKind::ignored, dir + "/k8s/migrate-job.yaml:19", "HorizontalPodAutoscaler api"));
  CHECK(has_entry(r, imp::EntryKind::assumed, ingress + ":16", "client.rate = \"2/s\""));
  // The Certificate named after the TLS secret is what cert-manager renews (ingress-shim leaves a
  // Certificate it does not own alone): renewal and issuer come from it, the annotation is redundant.
  CHECK(has_entry(r, imp::EntryKind::mapped, ingress + ":43", "kind: Certificate -> certificate.renewal"));
  CHECK(has_entry(r, imp::EntryKind::mapped, ingress + ":52", "issuerRef names ClusterIssuer letsencrypt-prod"));
  CHECK(has_entry(r, imp::EntryKind::ignored, ingress + ":6", "cert-manager.io/cluster-issuer: redundant"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, ingress + ":6", "certificate.renewal"));
  CHECK(has_entry(r, imp::EntryKind::mapped, ingress + ":33", "acme.server -> certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, ingress + ":38", "solvers.http-01 -> certificate.challenge"));
  // gunicorn is in `command:` (line 33), its flags in `args:` (line 34).
  CHECK(has_entry(r, imp::EntryKind::mapped, api + ":33", "command -> server = \"gunicorn\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, api + ":34", "args --workers -> workers = 2"));
  CHECK(has_entry(r, imp::EntryKind::mapped, api + ":34", "args --bind -> bind = \"0.0.0.0\""));
  // No file says what a worker uses, only limits: the model's figure is said to be assumed.
  CHECK(has_entry(r, imp::EntryKind::assumed, api + ":33", "memory_per_worker = \"100MiB\""));

  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

// The shipped example of lesson 12 (assets/import-example): each value names the line of the key
// it was read from. The lesson quotes these lines; tests/app/import_example.sh only compares the
// shipped scenario with what the importer writes now, so it cannot catch a wrong line.
TEST_CASE("the shipped example: each value names the line of the key it was read from") {
  const std::string k8s = std::string(DEPLOYSIM_ASSETS_DIR) + "/import-example/deploy/k8s/";
  const std::string api = k8s + "api.yaml", issuer = k8s + "cluster-issuer.yaml", ingress = k8s + "ingress.yaml";
  const imp::ImportResult r = import_ok({std::string(DEPLOYSIM_ASSETS_DIR) + "/import-example"});
  const auto has_line = [&](const std::string& value, const std::string& file_line) {
    const std::string want = value + "  # from " + file_line + "\n";
    INFO(want);
    return r.scenario_text.find(want) != std::string::npos;
  };
  // command: ["uvicorn", "app.main:app"] on line 33; args: ["--host", ...] on line 34.
  CHECK(has_line("server = \"uvicorn\"", api + ":33"));
  CHECK(has_line("workers = 4", api + ":34"));
  CHECK(has_line("bind = \"0.0.0.0\"", api + ":34"));
  CHECK(has_line("port = 8000", api + ":34"));
  CHECK(has_line("forwarded_allow_ips = [\"*\"]", api + ":34"));
  CHECK(has_line("name = \"orders-api\"", api + ":6"));  // metadata.name
  CHECK(has_line("kind = \"kubernetes\"", api + ":4"));  // kind: Deployment
  CHECK(has_line("pre_stop = \"5s\"", api + ":61"));     // sleep: seconds: 5
  CHECK(has_line("initial_delay = \"10s\"", api + ":56"));
  // Let's Encrypt's ACME server URL (line 8) decides the issuer; `- http01:` (line 13) the challenge.
  CHECK(has_line("issuer = \"letsencrypt\"", issuer + ":8"));
  CHECK(has_line("challenge = \"http-01\"", issuer + ":13"));
  // The Certificate for the TLS secret (kind on line 30, issuerRef on line 40) is what
  // cert-manager renews from; the Ingress's cluster-issuer annotation (line 9) is redundant.
  CHECK(has_line("renewal = \"cert-manager\"", ingress + ":30"));
  // duration: 2160h (line 38) is not what Let's Encrypt issues: the CA decides, 90 days today.
  CHECK(r.scenario_text.find("lifetime = \"90d\"  # assumed: Let's Encrypt's lifetime") != std::string::npos);
  CHECK(has_entry(r, imp::EntryKind::ignored, ingress + ":38", "duration: Let's Encrypt decides the lifetime"));
  CHECK(has_entry(r, imp::EntryKind::mapped, ingress + ":40",
                  "Certificate orders-api-tls: its issuerRef names ClusterIssuer letsencrypt-prod"));
  CHECK(has_entry(r, imp::EntryKind::ignored, ingress + ":9",
                  "cert-manager.io/cluster-issuer: redundant next to Certificate orders-api-tls"));
  CHECK(has_entry(r, imp::EntryKind::mapped, api + ":52", "livenessProbe -> supervisor.liveness"));
  CHECK(has_entry(r, imp::EntryKind::mapped, api + ":71", "Service orders-api selects"));
}

namespace {

// An app, an Ingress for api.example.com whose TLS secret is `api-tls`, and what follows.
std::string k8s_with(const std::string& ingress_annotations, const std::string& more) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n"
         "  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n"
         "        - name: api\n          image: shop/api:1.0\n"
         "          command: [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\"]\n"
         "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n"
         "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n"
         "  annotations:\n" +
         ingress_annotations +
         "spec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [api.example.com]\n      secretName: api-tls\n"
         "  rules:\n    - host: api.example.com\n      http:\n        paths:\n          - path: /\n"
         "            pathType: Prefix\n            backend:\n              service: {name: api, port: {number: 80}}\n"
         "---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: le\nspec:\n  acme:\n"
         "    server: https://acme-v02.api.letsencrypt.org/directory\n    solvers:\n      - http01:\n"
         "          ingress: {ingressClassName: nginx}\n"
         "---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: own-ca\nspec:\n"
         "  ca: {secretName: own-ca}\n" +
         more;
}

const std::string certificate_named_api_tls =
    "---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api-tls\nspec:\n"
    "  secretName: api-tls\n  dnsNames: [api.example.com]\n  issuerRef:\n    kind: ClusterIssuer\n"
    "    name: own-ca\n";

}  // namespace

TEST_CASE("a Certificate named after the Ingress's TLS secret is what issues and renews it, not the annotation") {
  // Lines of k8s_with: the annotation is line 28; the Certificate's kind line 62, its issuerRef 68.
  const std::string yaml = k8s_with("    cert-manager.io/cluster-issuer: le\n", certificate_named_api_tls);
  const imp::ImportResult r = import_ok_texts(yaml);
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].renewal == Renewal::cert_manager);
  // The Certificate's issuerRef names own-ca (a CA issuer); the annotation's `le` would say Let's Encrypt.
  CHECK(sc.certificates[0].issuer == Issuer::private_ca);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:62", "kind: Certificate -> certificate.renewal"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:68", "issuerRef names ClusterIssuer own-ca"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:59", "ClusterIssuer own-ca ca -> certificate.issuer"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:28",
                  "cert-manager.io/cluster-issuer: redundant next to Certificate api-tls"));

  SUBCASE("without the annotation the Certificate renews it too (no Secret made by hand)") {
    const imp::ImportResult plain = import_ok_texts(k8s_with("    a.example/other: x\n", certificate_named_api_tls));
    const Scenario psc = load(plain);
    REQUIRE(psc.certificates.size() == 1);
    CHECK(psc.certificates[0].renewal == Renewal::cert_manager);
    CHECK(psc.certificates[0].issuer == Issuer::private_ca);
  }
  SUBCASE("a Certificate of another name: ingress-shim makes its own from the annotation") {
    std::string other = certificate_named_api_tls;
    other.replace(other.find("name: api-tls"), 13, "name: api-cert");
    const imp::ImportResult shim = import_ok_texts(k8s_with("    cert-manager.io/cluster-issuer: le\n", other));
    const Scenario ssc = load(shim);
    REQUIRE(ssc.certificates.size() == 1);
    CHECK(ssc.certificates[0].issuer == Issuer::letsencrypt);
    CHECK(has_entry(shim, imp::EntryKind::mapped, "k8s.yaml:28",
                    "cert-manager.io/cluster-issuer -> certificate.renewal"));
    CHECK(has_entry(shim, imp::EntryKind::mapped, "k8s.yaml:49", "ClusterIssuer le acme.server"));
    CHECK(has_entry(shim, imp::EntryKind::mapped, "k8s.yaml:51", "solvers.http-01"));
  }
}

TEST_CASE("an Ingress's class from the older annotation is reported under the annotation's name") {
  std::string yaml = k8s_with("    kubernetes.io/ingress.class: traefik\n", "");
  const std::string in_spec = "spec:\n  ingressClassName: nginx\n  tls:";
  REQUIRE(yaml.find(in_spec) != std::string::npos);
  yaml.replace(yaml.find(in_spec), in_spec.size(), "spec:\n  tls:");
  const imp::ImportResult r = import_ok_texts(yaml);
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::traefik);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:28", "kubernetes.io/ingress.class -> proxy.preset"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:28", "ingressClassName"));
}

TEST_CASE("a Certificate's duration is its lifetime from a CA issuer, not from Let's Encrypt") {
  // Without an annotation the Certificate's duration is line 70.
  std::string own_ca = certificate_named_api_tls + "  duration: 720h\n";
  SUBCASE("a CA issuer signs for the duration asked") {
    const imp::ImportResult r = import_ok_texts(k8s_with("", own_ca));
    const Scenario sc = load(r);
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].lifetime == days(30));
    CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:70", "spec.duration -> certificate.lifetime"));
  }
  SUBCASE("cert-manager does not send it to Let's Encrypt, which decides") {
    std::string le = own_ca;
    le.replace(le.find("name: own-ca"), 12, "name: le");
    const imp::ImportResult r = import_ok_texts(k8s_with("", le));
    const Scenario sc = load(r);
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
    CHECK(sc.certificates[0].lifetime == days(90));
    CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:70", "enableDurationFeature"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:70", "certificate.lifetime = \"90d\""));
  }
}

TEST_CASE("a command line split over command: and args: names each key's line") {
  const std::string yaml =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
      "      containers:\n        - name: api\n          image: shop/api:1.0\n"
      "          command:\n            - python\n            - -m\n            - uvicorn\n"
      "          args:\n            - app.main:app\n            - --port\n            - \"9000\"\n"
      "            - --workers=3\n";
  const imp::ImportResult r = imp::import_texts({{"api.yaml", yaml, true}}, en());
  REQUIRE(r.ok());
  // The key's line, not the first item's (12) below it.
  CHECK(has_entry(r, imp::EntryKind::mapped, "api.yaml:11", "command -> server = \"uvicorn\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, "api.yaml:15", "ASGI app app.main:app"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "api.yaml:15", "args --port -> port = 9000"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "api.yaml:15", "args --workers -> workers = 3"));
  CHECK(r.scenario_text.find("port = 9000  # from api.yaml:15\n") != std::string::npos);

  SUBCASE("a bad value is an error at the key it is in") {
    std::string bad = yaml;
    bad.replace(bad.find("--workers=3"), 11, "--workers=x");
    const imp::ImportResult e = imp::import_texts({{"api.yaml", bad, true}}, en());
    CHECK_FALSE(e.ok());
    CHECK(std::any_of(e.report.begin(), e.report.end(), [](const imp::ReportEntry& x) {
      return x.kind == imp::EntryKind::error && x.pos.file == "api.yaml" && x.pos.line == 15;
    }));
  }
}

TEST_CASE("files given one by one; a Deployment without replicas or strategy gets Kubernetes' defaults") {
  const imp::ImportResult r = import_ok({dir + "/k8s/api.yaml", dir + "/k8s/ingress.yaml"});
  const Scenario sc = load(r);
  CHECK(service(sc, "api").pre_start.size() == 1);  // no Job file given
}

TEST_CASE("file kinds are told by name and content") {
  using imp::FileKind;
  CHECK(imp::detect_kind("docker-compose.yml", "services:\n  api:\n    image: x\n") == FileKind::compose);
  CHECK(imp::detect_kind("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\n") == FileKind::kubernetes);
  CHECK(imp::detect_kind("x.yaml", "foo: bar\n") == FileKind::unknown);
  CHECK(imp::detect_kind("api.service", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n") ==
        FileKind::systemd);
  CHECK(imp::detect_kind("unit", "[Service]\nExecStart=/usr/bin/uvicorn app:app\n") == FileKind::systemd);
  CHECK(imp::detect_kind("sites-available/shop", "server {\n  listen 443 ssl;\n}\n") == FileKind::nginx);
  CHECK(imp::detect_kind("Caddyfile", "api.example.com {\n  reverse_proxy localhost:8000\n}\n") == FileKind::caddy);
  CHECK(imp::detect_kind("site", "api.example.com {\n  reverse_proxy localhost:8000\n}\n") == FileKind::caddy);
  CHECK(imp::detect_kind("README.md", "# Deploying\n") == FileKind::unknown);
  // The forms each kind is told by, line by line.
  CHECK(imp::detect_kind("x.yaml", "apiVersion:\n  v1\nkind:\n  Service\n") == FileKind::kubernetes);
  CHECK(imp::detect_kind("x.yaml", "apiVersion: v1\nkind: service\n") == FileKind::unknown);
  CHECK(imp::detect_kind("x.yaml", "services: []\n") == FileKind::unknown);
  CHECK(imp::detect_kind("x.conf", "upstream app{\n  server 127.0.0.1:8000;\n}\n") == FileKind::nginx);
  CHECK(imp::detect_kind("x.conf", "  server\n  {\n    listen 80;\n  }\n") == FileKind::nginx);
  CHECK(imp::detect_kind("x.conf", "upstream {\n}\n") == FileKind::unknown);
  CHECK(imp::detect_kind("x.conf", "server_name a {\n}\n") == FileKind::unknown);
  CHECK(imp::detect_kind("site", "a.example.com, b.example.com {\n\ttls internal\n}\n") == FileKind::caddy);
  CHECK(imp::detect_kind("site", "{\n  email a@example.com\n}\nx.example.com {\n  respond 200\n}\n") ==
        FileKind::caddy);
  CHECK(imp::detect_kind("site", "a.example.com { # no\n  respond 200\n}\n") == FileKind::unknown);
  CHECK(imp::detect_kind("dyn.yml", "HTTP:\n\n  Routers:\n    api: {}\n") == FileKind::traefik_dynamic);
  CHECK(imp::detect_kind("dyn.yml", "http:\nrouters:\n") == FileKind::unknown);
  CHECK(imp::detect_kind("dyn.toml", "[[ tls.certificates ]]\n") == FileKind::traefik_dynamic);
  CHECK(imp::detect_kind("static.yml", "entryPoints :\n  web: {}\n") == FileKind::traefik);
  CHECK(imp::detect_kind("static.toml", "[certificatesResolvers.le.acme]\n") == FileKind::traefik);
  CHECK(imp::detect_kind("static.toml", "entrypointsX = 1\n") == FileKind::unknown);
  CHECK(imp::detect_kind("x.conf", "[renewalparams]\n") == FileKind::certbot);
  // A file of one long line is told apart as fast as any (std::regex, which read these once,
  // overflowed the stack on a line of 500 KB).
  const std::string line(500'000, 'a');
  for (const char* name : {"big.conf", "big.yml", "big.toml", "big"}) {
    CAPTURE(name);
    CHECK(imp::detect_kind(name, line) == FileKind::unknown);
    CHECK(imp::detect_kind(name, "server " + std::string(500'000, ' ') + "{\n  listen 80;\n}\n") ==
          (std::string_view(name) == "big.yml" ? FileKind::unknown : FileKind::nginx));
  }
}

TEST_CASE("the report and the comments in Korean; the scenario still loads") {
  const imp::ImportResult r = imp::import_paths({dir + "/compose-traefik"}, ko());
  REQUIRE(r.ok());
  CHECK(r.scenario_text.find("workers = 4  # 출처: ") != std::string::npos);
  CHECK(imp::format_report(r, ko()).find("가정한 값") != std::string::npos);
  load(r);
}

TEST_CASE("a systemd unit behind nginx on one server: restart keys, boot, strict SNI, certbot") {
  const std::string unit = dir + "/systemd-nginx/shop-api.service", conf = dir + "/systemd-nginx/shop.conf";
  const imp::ImportResult r = import_ok({dir + "/systemd-nginx"});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].kind == imp::FileKind::systemd);
  CHECK(r.files[1].kind == imp::FileKind::nginx);
  const Scenario sc = load(r);
  REQUIRE(sc.hosts.size() == 1);  // the proxy and the app share the machine
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::nginx);
  CHECK(sc.proxy->strict_sni);  // ssl_reject_handshake on in the default server
  CHECK(sc.proxy->http2 == std::optional<bool>(true));
  CHECK(sc.proxy->upstream_timeout == std::optional<Time>(s(30)));
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].pool == "shop-api");

  const ServiceSpec& api = service(sc, "shop-api");
  CHECK(api.host == sc.proxy->host);
  CHECK(api.server == ServerPreset::gunicorn);
  CHECK(api.workers == 3);
  CHECK(api.bind == "127.0.0.1");
  CHECK(api.supervisor.kind == SupervisorKind::systemd);
  CHECK(api.supervisor.restart == "on-failure");
  CHECK(api.supervisor.restart_sec == s(2));
  CHECK(api.supervisor.start_limit_burst == 3);
  CHECK(api.supervisor.start_limit_interval == s(60));
  CHECK(api.supervisor.grace_period == std::optional<Time>(s(30)));
  CHECK(api.supervisor.enabled);
  CHECK(api.supervisor.oom_policy == OomPolicy::keep);
  CHECK(has_entry(r, imp::EntryKind::mapped, unit + ":18", "supervisor.oom_policy = \"continue\""));

  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].renewal == Renewal::certbot);
  CHECK(has_entry(r, imp::EntryKind::assumed, conf + ":18", "certificate.renewal = \"certbot\""));
  CHECK(has_entry(r, imp::EntryKind::assumed, unit + ":21", "supervisor.enabled = true"));
  CHECK(has_entry(r, imp::EntryKind::ignored, unit + ":16", "LimitNOFILE"));
  CHECK(has_entry(r, imp::EntryKind::ignored, conf + ":2", "a plain HTTP server that redirects"));
  CHECK(r.scenario_text.find("strict_sni = true  # from " + conf + ":10\n") != std::string::npos);

  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

TEST_CASE("a unit's drop-ins are read over it, in file-name order, as systemd reads them") {
  const std::string base = dir + "/systemd-dropin/deploy";
  const std::string unit = base + "/shop-api.service", workers = base + "/shop-api.service.d/10-workers.conf",
                    override = base + "/shop-api.service.d/override.conf";
  const imp::ImportResult r = import_ok({dir + "/systemd-dropin"});
  REQUIRE(r.files.size() == 3);
  CHECK(r.files[0].kind == imp::FileKind::systemd);
  CHECK(r.files[1].kind == imp::FileKind::systemd_dropin);
  CHECK(r.files[2].kind == imp::FileKind::systemd_dropin);
  const Scenario sc = load(r);  // the reference below points into it
  const ServiceSpec& api = service(sc, "shop-api");
  CHECK(api.workers == 4);  // the drop-in's ExecStart=, after the empty one that resets the list
  CHECK(api.supervisor.restart == "always");
  CHECK(api.supervisor.restart_sec == s(5));
  CHECK(api.supervisor.enabled);
  CHECK(has_entry(r, imp::EntryKind::mapped, workers + ":5", "workers = 4"));
  CHECK(has_entry(r, imp::EntryKind::mapped, override + ":2", "supervisor.restart = \"always\""));
  CHECK(r.scenario_text.find("restart = \"always\"  # from " + override + ":2\n") != std::string::npos);
  CHECK(has_entry(r, imp::EntryKind::assumed, unit + ":15", "supervisor.enabled = true"));

  // A drop-in that adds a command without resetting the list: systemd refuses such a unit.
  const std::string main_unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --workers 2\n";
  const std::string added = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --workers 4\n";
  const imp::ImportResult twice =
      imp::import_texts({{"api.service", main_unit, true}, {"api.service.d/workers.conf", added, true}}, en());
  CHECK(has_error(
      twice, "api.service.d/workers.conf:2:1",
      "a second ExecStart= in a Type=simple service: systemd refuses to load the "
      "unit (only Type=oneshot may have several; a drop-in that replaces the command resets it first with an empty "
      "ExecStart=)"));
  // A drop-in whose unit is not among the files is named, not dropped.
  const imp::ImportResult alone = imp::import_texts(
      {{"api.service", main_unit, true}, {"worker.service.d/override.conf", "[Service]\nRestart=always\n", true}},
      en());
  REQUIRE(alone.ok());
  CHECK(has_entry(alone, imp::EntryKind::ignored, "worker.service.d/override.conf",
                  "a systemd drop-in for worker.service, which is not among the files"));
  CHECK(service(load(alone), "api").supervisor.restart == "no");
}

TEST_CASE("Caddy in compose with its Caddyfile: the routes come from the Caddyfile, /data on a volume") {
  const imp::ImportResult r = import_ok({dir + "/compose-caddy"});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::caddy);
  CHECK(sc.proxy->persisted_storage);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "www.example.org");
  CHECK(sc.proxy->routes[0].pool == "web");
  const ServiceSpec& web = service(sc, "web");
  CHECK(web.server == ServerPreset::hypercorn);
  CHECK(web.port == 8080);
  CHECK(web.supervisor.restart == "always");
  CHECK(web.supervisor.memory_limit == std::optional<uint64_t>(768ULL << 20));
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  const Run run = simulate(sc);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

TEST_CASE("a server flag the scenario models is mapped, not dropped: --proxy-headers") {
  const imp::ImportResult r = import_ok({dir + "/files/systemd/uvicorn-direct.service"});
  const Scenario sc = load(r);
  REQUIRE(sc.services.size() == 1);
  REQUIRE(sc.services[0].proxy_headers);
  CHECK(*sc.services[0].proxy_headers);
  CHECK(r.scenario_text.find("proxy_headers = true  # from") != std::string::npos);
  CHECK(has_entry(r, imp::EntryKind::mapped, dir + "/files/systemd/uvicorn-direct.service:9", "--proxy-headers"));
}

TEST_CASE("a folder's big files (images, archives) are named and skipped, not read") {
  const auto folder = std::filesystem::temp_directory_path() / "deploysim-import-big";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(dir + "/compose-traefik/docker-compose.yml", folder / "docker-compose.yml");
  {
    std::ofstream big(folder / "logo.png", std::ios::binary);
    big << std::string(2 << 20, 'x');
  }
  const imp::ImportResult r = import_ok({folder});
  CHECK(r.files.size() == 1);
  CHECK(has_entry(r, imp::EntryKind::ignored, (folder / "logo.png").generic_string(), "2048 KiB"));
  std::filesystem::remove_all(folder);
}

TEST_CASE("a repository's installed dependencies are named once per folder and not read") {
  // A team points the importer at its repository's root: a virtual environment (here called
  // `env`, known by its pyvenv.cfg), node_modules and __pycache__ hold thousands of files.
  namespace fs = std::filesystem;
  const auto root = fs::temp_directory_path() / "deploysim-import-deps";
  fs::remove_all(root);
  for (const char* d : {"env/lib/python3.11/site-packages/fastapi", "web/node_modules/left-pad", "app/__pycache__"})
    fs::create_directories(root / d);
  fs::copy_file(dir + "/compose-traefik/docker-compose.yml", root / "docker-compose.yml");
  const auto write = [&](const char* name, const std::string& text) { std::ofstream(root / name) << text; };
  write("env/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n");
  write("env/lib/python3.11/site-packages/fastapi/__init__.py", "__version__ = \"0.115.0\"\n");
  write("web/node_modules/left-pad/index.js", "module.exports = leftPad;\n");
  write("web/package.json", "{}\n");
  write("app/__pycache__/main.cpython-311.pyc", "\x61\x0d\x0d\x0a");
  write("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n");
  write(".env", "# read by docker compose\nAPP_VERSION=1.4.2\n");  // a hidden file that is read
  write(".gitignore", ".env\n");
  write("gunicorn.conf.py", "workers = 9\n");
  const imp::ImportResult r = import_ok({root});
  CHECK(r.files.size() == 5);  // .env, docker-compose.yml, gunicorn.conf.py, app/main.py, web/package.json
  CHECK(has_entry(r, imp::EntryKind::ignored, (root / ".gitignore").generic_string(), "hidden"));
  const auto at = [&](const char* rel) { return (root / rel).generic_string(); };
  CHECK(has_entry(r, imp::EntryKind::ignored, at("gunicorn.conf.py"), "Gunicorn's configuration file"));
  CHECK(has_entry(r, imp::EntryKind::ignored, at("env"), "pyvenv.cfg"));
  CHECK(has_entry(r, imp::EntryKind::ignored, at("web/node_modules"), "Node.js"));
  CHECK(has_entry(r, imp::EntryKind::ignored, at("app/__pycache__"), "bytecode"));
  CHECK(has_entry(r, imp::EntryKind::ignored, at("app/main.py"), "not a docker-compose file"));
  CHECK(has_entry(r, imp::EntryKind::ignored, at("web/package.json"), "not a docker-compose file"));
  // Nothing inside them is named.
  for (const imp::ReportEntry& e : r.report) {
    CHECK(e.pos.file.find("site-packages") == std::string::npos);
    CHECK(e.pos.file.find("left-pad") == std::string::npos);
    CHECK(e.pos.file.find(".pyc") == std::string::npos);
  }
  // The same in Korean.
  const imp::ImportResult k = imp::import_paths({root}, ko());
  CHECK(has_entry(k, imp::EntryKind::ignored, at("env"), "파이썬 가상 환경"));
  fs::remove_all(root);
}

// Traefik with a resolver le on its TLS entry point websecure (lines 1 to 12 of the files below).
const std::string traefik_websecure_le = R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --entrypoints.web.address=:80
      - --entrypoints.websecure.address=:443
      - --entrypoints.websecure.http.tls.certresolver=le
      - --certificatesresolvers.le.acme.tlschallenge=true
      - --certificatesresolvers.le.acme.storage=/letsencrypt/acme.json
    ports: ["443:443"]
    volumes: ["./letsencrypt:/letsencrypt"]
)";

TEST_CASE("Traefik's entry point with a certificate resolver serves every router on it over TLS") {
  const std::string compose = traefik_websecure_le + R"(  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.api.rule=Host(`api.example.com`)
      - traefik.http.routers.api.entrypoints=websecure
  status:
    image: shop/api
    command: uvicorn status:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.status.rule=Host(`status.example.com`)
      - traefik.http.routers.status.entrypoints=web
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);  // the api router's, from the entry point's resolver
  CHECK(sc.certificates[0].domain == "api.example.com");
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:8",
                  "router api: on the entry point websecure, so served over TLS"));
  // A router on the plain-HTTP entry point only gets no certificate.
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:23", "router status: no TLS"));
  // The api's browser gets a trusted certificate (before, no router had one and every request
  // failed with unknown_ca); the status page's HTTPS browser still fails, as it would.
  const Run run = simulate(sc);
  CHECK(run.metrics.succeeded > 0);
}

TEST_CASE("a stack that serves plain HTTP only says the run's HTTPS browsers will fail, and why") {
  // A development Compose file: Traefik on port 80 only, the router on its http entry point.
  const std::string compose = R"(services:
  proxy:
    image: traefik:3.0
    command:
      - --providers.docker
      - --entrypoints.http.address=:80
    ports: ["80:80"]
  backend:
    image: shop/backend
    command: fastapi run --host 0.0.0.0 --port 8000 app/main.py
    labels:
      - traefik.enable=true
      - traefik.http.routers.backend-http.rule=Host(`api.shop.test`)
      - traefik.http.routers.backend-http.entrypoints=http
)";
  const imp::ImportResult r = import_files({{"compose.yml", compose, true}});
  CHECK(has_entry(r, imp::EntryKind::assumed, "compose.yml:13", "no route is served over HTTPS"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "compose.yml:13", "serving plain HTTP is not modelled"));
  const imp::ImportResult k = imp::import_texts({{"compose.yml", compose, true}}, ko());
  CHECK(has_entry(k, imp::EntryKind::assumed, "compose.yml:13", "HTTPS로 서비스되는 라우트가 없습니다"));
  // One router with TLS is enough: no such line.
  std::string with_tls = compose;
  with_tls +=
      "      - traefik.http.routers.backend-https.rule=Host(`api.shop.test`)\n"
      "      - traefik.http.routers.backend-https.tls=true\n";
  const imp::ImportResult t = import_files({{"compose.yml", with_tls, true}});
  for (const imp::ReportEntry& e : t.report)
    CHECK(e.message.find("no route is served over HTTPS") == std::string::npos);
  // The name is on both routers: the HTTPS one is kept, since the browsers ask https://.
  CHECK(has_entry(t, imp::EntryKind::ignored, "compose.yml:13",
                  "host api.shop.test is also routed over HTTPS: this plain-HTTP route is left out"));
  const Scenario sc = load(t);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "api.shop.test");
}

TEST_CASE("a router label tls=true makes its own tls section: the entry point's resolver does not apply") {
  // Traefik copies an entry point's http.tls into a router only when the router has no tls
  // section (applyModel: `if cp.TLS == nil`), and the label tls=true makes an empty one; the
  // docs say so since traefik/traefik#13630 ("Router TLS replaces entrypoint TLS").
  const std::string compose = traefik_websecure_le + R"(  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.api.rule=Host(`api.example.com`)
      - traefik.http.routers.api.entrypoints=websecure
      - traefik.http.routers.api.tls=true
  shop:
    image: shop/api
    command: uvicorn shop:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.shop.rule=Host(`shop.example.com`)
      - traefik.http.routers.shop.entrypoints=websecure
      - traefik.http.routers.shop.tls.options=modern@file
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  // Neither router gets a certificate from the entry point's resolver le.
  CHECK(sc.certificates.empty());
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:17",
                  "router api: its own tls section replaces the TLS of entry point websecure"));
  CHECK(
      has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:17", "router api: TLS without a certificate resolver"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:24",
                  "router shop: its own tls section replaces the TLS of entry point websecure"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:26", "tls.options"));
  // With tls.certresolver=le on the router itself, the certificate is back.
  std::string fixed = compose;
  const std::string own = "      - traefik.http.routers.api.tls=true\n";
  fixed.replace(fixed.find(own), own.size(), own + "      - traefik.http.routers.api.tls.certresolver=le\n");
  const Scenario with_resolver = load(import_files({{"docker-compose.yml", fixed, true}}));
  REQUIRE(with_resolver.certificates.size() == 1);
  CHECK(with_resolver.certificates[0].domain == "api.example.com");
}

TEST_CASE("the proxy's ports in Compose's long syntax: the TCP 443 target is the listen port") {
  const std::string compose = R"(services:
  caddy:
    image: caddy:2.8
    ports:
      - target: 443
        published: 443
        protocol: tcp
      - target: 443
        published: 443
        protocol: udp
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile
      - caddy_data:/data
  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
)";
  const std::string caddyfile = "api.example.com {\n\treverse_proxy api:8000\n}\n";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"Caddyfile", caddyfile, true}});
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:5", "ports -> proxy.listen = 443"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:8", "ports: 443:443/udp"));
}

TEST_CASE("a healthcheck turned off gives Traefik no health status to filter on") {
  // `disable: true` (or test NONE) turns off the image's HEALTHCHECK too: Docker reports no
  // health, and Traefik's Docker provider keeps the container (keepContainer skips only a status
  // other than "" and "healthy").
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    healthcheck:
      disable: true
    labels:
      - traefik.http.routers.api.rule=Host(`api.example.com`)
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5",
                  "healthcheck: the check is turned off (disable: true, or test NONE), the image's HEALTHCHECK too"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5", "behind Traefik"));
}
