// Traefik's dynamic configuration (what its file provider reads: http.routers, http.services):
// read with the Traefik container whose --providers.file.filename / .directory (or the static
// file's providers.file) names it through a volume, or, without a Traefik container, as the
// configuration of a Traefik on the machine. Its routers become routes to the app the service's
// server URL names, with the certificate of their resolver; the rest is reported at its line.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

// The imported scenario runs, and every request a browser sends succeeds.
void simulates(const Scenario& sc) {
  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

const RouteSpec* route(const Scenario& sc, const std::string& host) {
  if (!sc.proxy) return nullptr;
  for (const RouteSpec& r : sc.proxy->routes)
    if (r.host == host) return &r;
  return nullptr;
}

bool report_has(const imp::ImportResult& r, const std::string& text) {
  return std::any_of(r.report.begin(), r.report.end(),
                     [&](const imp::ReportEntry& e) { return e.message.find(text) != std::string::npos; });
}

// The app and its Traefik container, the file provider's folder mounted (lines 1 to 18).
const std::string compose_dir = R"~(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.file.directory=/etc/traefik/dynamic
      - --providers.file.filename=/etc/traefik/extra.yml
      - --entrypoints.websecure.address=:443
      - --entrypoints.websecure.http.tls.certresolver=le
      - --certificatesresolvers.le.acme.storage=/letsencrypt/acme.json
      - --certificatesresolvers.le.acme.tlschallenge=true
    ports: ["443:443"]
    volumes:
      - ./traefik/dynamic:/etc/traefik/dynamic:ro
      - letsencrypt:/letsencrypt
  web:
    image: registry.example.org/shop/web:3.0.1
    command: ["uvicorn", "shop.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
volumes: {letsencrypt: {}}
)~";

}  // namespace

TEST_CASE("a Compose file whose Traefik reads ./traefik/dynamic.yml: its routers route to the FastAPI app") {
  const std::string base = dir + "/compose-traefik-file";
  const std::string compose = base + "/docker-compose.yml", dynamic = base + "/traefik/dynamic.yml";
  const imp::ImportResult r = import_ok({base});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].kind == imp::FileKind::compose);
  CHECK(r.files[1].kind == imp::FileKind::traefik_dynamic);
  const Scenario sc = load(r);

  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::traefik);
  CHECK(sc.proxy->persisted_storage);  // acme.json on the letsencrypt volume
  REQUIRE(sc.proxy->routes.size() == 2);
  for (const char* host : {"api.shop.example.com", "www.shop.example.com"}) {
    const RouteSpec* to = route(sc, host);
    REQUIRE_MESSAGE(to, host);
    CHECK(to->pool == "api");
  }
  REQUIRE(sc.certificates.size() == 1);  // the dashboard's router is Traefik's own
  CHECK(sc.certificates[0].domain == "api.shop.example.com");
  CHECK(sc.certificates[0].alt_names == std::vector<std::string>{"www.shop.example.com"});
  CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  CHECK(sc.certificates[0].challenge == Challenge::http01);
  REQUIRE(sc.services.size() == 1);
  CHECK(service(sc, "api").port == 8000);

  // The file provider, the file it reads through the volume, the URL's app, the router's hosts.
  using K = imp::EntryKind;
  CHECK(has_entry(r, K::mapped, compose + ":9",
                  "providers.file.filename: Traefik's file provider reads routers and services from "
                  "/etc/traefik/dynamic.yml"));
  CHECK(has_entry(r, K::mapped, compose + ":9",
                  "/etc/traefik/dynamic.yml: Traefik's file provider reads the dynamic configuration " + dynamic));
  CHECK(has_entry(r, K::mapped, dynamic + ":41", "service api: http://api:8000 is the app api"));
  CHECK(has_entry(r, K::mapped, dynamic + ":5", "http.routers.api.rule -> proxy.routes = www.shop.example.com -> api"));
  CHECK(has_entry(r, K::mapped, dynamic + ":12", "tls.certResolver -> certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, K::mapped, compose + ":15", "-> certificate.challenge = \"http-01\""));
  CHECK(r.scenario_text.find("{ host = \"api.shop.example.com\", pool = \"api\" },  # from " + dynamic + ":5\n") !=
        std::string::npos);
  // What the model leaves out, each at its line.
  CHECK(has_entry(r, K::ignored, compose + ":10", "providers.file.watch: deploysim does not model it"));
  CHECK(has_entry(r, K::ignored, dynamic + ":8", "http.routers.api.middlewares: middlewares"));
  CHECK(has_entry(r, K::ignored, dynamic + ":29", "http.middlewares.to-https: middlewares"));
  CHECK(has_entry(r, K::ignored, dynamic + ":33", "http.middlewares.secure-headers"));
  CHECK(has_entry(r, K::ignored, dynamic + ":42", "http.services.api.loadBalancer.passHostHeader"));
  CHECK(has_entry(r, K::ignored, dynamic + ":46", "tcp.routers.postgres: TCP and UDP routing is not modelled"));
  CHECK(has_entry(r, K::ignored, dynamic + ":52", "tcp.services.postgres"));
  CHECK(has_entry(r, K::ignored, dynamic + ":23", "router dashboard is on the Traefik container itself"));
  // The port-80 router of the redirect: plain HTTP, and its hosts are the HTTPS router's already.
  CHECK(has_entry(r, K::ignored, dynamic + ":15", "router api-http: no TLS"));
  CHECK(has_entry(r, K::ignored, dynamic + ":15", "host api.shop.example.com is routed twice"));
  CHECK_FALSE(report_has(r, "no route of the proxy reaches it"));
  CHECK_FALSE(report_has(r, "Traefik dynamic configuration (the file provider's routers and services), but"));
  simulates(sc);

  // The Compose file alone: the mounted file beside it is read from disk.
  const imp::ImportResult alone = import_ok({compose});
  REQUIRE(alone.files.size() == 2);
  CHECK(alone.files[1].path == dynamic);
  CHECK(alone.files[1].kind == imp::FileKind::traefik_dynamic);
  CHECK(load(alone).proxy->routes.size() == 2);

  // In Korean, with the words of the Korean catalogue.
  const imp::ImportResult k = imp::import_paths({base}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, K::mapped, dynamic + ":41", "서비스 api: 주소 http://api:8000의 앱은 api입니다"));
  CHECK(has_entry(k, K::ignored, dynamic + ":29", "미들웨어"));
  CHECK(imp::format_report(k, ko()).find("(Traefik 동적 설정)") != std::string::npos);
}

TEST_CASE("a file provider's directory: YAML and TOML files in name order, the first definition of a name kept") {
  const std::string api = R"~(# the API
[http.routers.web]
  rule = "Host(`shop.example.org`)"
  entryPoints = ["websecure"]
  service = "web"
  [http.routers.web.tls]

[http.routers.web-api]
  rule = "Host(`api.shop.example.org`) && PathPrefix(`/v2`)"
  service = "web@file"

[[http.services.web.loadBalancer.servers]]
  url = "http://web:8000/"
[[http.services.web.loadBalancer.servers]]
  url = "http://web-canary:8000/"
)~";
  const std::string more = R"~(http:
  routers:
    web:
      rule: Host(`old.example.org`)
      service: web
    admin:
      rule: Host(`admin.example.org`)
      service: admin
      tls:
        certResolver: le
    metrics:
      rule: Host(`metrics.example.org`)
      service: split
    grafana:
      rule: Host(`grafana.example.org`)
      service: grafana@docker
  services:
    admin:
      loadBalancer:
        servers:
          - url: http://admin:9000
    split:
      weighted:
        services:
          - name: web
            weight: 3
)~";
  const imp::ImportResult r = import_files({{"ops/docker-compose.yml", compose_dir, true},
                                            {"ops/traefik/dynamic/20-more.yml", more, true},
                                            {"ops/traefik/dynamic/10-api.toml", api, true}});
  using K = imp::EntryKind;
  const std::string toml = "ops/traefik/dynamic/10-api.toml", yml = "ops/traefik/dynamic/20-more.yml";
  CHECK(has_entry(r, K::mapped, "ops/docker-compose.yml:5", "reads the dynamic configuration " + toml));
  CHECK(has_entry(r, K::mapped, "ops/docker-compose.yml:5", "reads the dynamic configuration " + yml));
  // Traefik reads the directory when both are given.
  CHECK(has_entry(r, K::ignored, "ops/docker-compose.yml:6",
                  "providers.file.filename: not used; the file provider reads its directory /etc/traefik/dynamic"));
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(route(sc, "shop.example.org"));
  CHECK(route(sc, "shop.example.org")->pool == "web");
  REQUIRE(route(sc, "api.shop.example.org"));  // "web@file" is the file's own service
  CHECK(has_entry(r, K::ignored, toml + ":9", "http.routers.web-api.rule: path rules are not modelled"));
  CHECK(has_entry(r, K::ignored, toml + ":15", "url = http://web-canary:8000/: balancing over several upstreams"));
  CHECK_FALSE(route(sc, "old.example.org"));
  CHECK(has_entry(r, K::ignored, yml + ":3", "http.routers.web: already defined in " + toml + ":2"));
  // `tls: {}` of its own: the entry point's resolver does not apply (Traefik's applyModel).
  CHECK(has_entry(r, K::ignored, toml + ":3",
                  "router web: its own tls section replaces the TLS of entry point websecure, so that entry "
                  "point's certificate resolver le does not apply"));
  CHECK(has_entry(r, K::assumed, toml + ":3", "router web: TLS without a certificate resolver"));
  // An app in no file, a weighted service, another provider's service: reported, not routed.
  CHECK(has_entry(r, K::ignored, yml + ":7",
                  "router admin: its service admin sends requests to http://admin:9000, where no app of the files "
                  "read listens"));
  CHECK(has_entry(r, K::ignored, yml + ":23", "http.services.split.weighted: only a loadBalancer service"));
  CHECK(has_entry(r, K::ignored, yml + ":12", "router metrics: its service split has no server URL"));
  CHECK(has_entry(r, K::ignored, yml + ":15", "router grafana: its service grafana@docker comes from another"));
  CHECK_FALSE(route(sc, "admin.example.org"));
  CHECK(sc.proxy->routes.size() == 2);
  // web-api has no tls of its own and no entry point: it is on websecure too, with its resolver.
  CHECK(has_entry(r, K::mapped, "ops/docker-compose.yml:8", "router web-api: on the entry point websecure"));
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].domain == "api.shop.example.org");
  CHECK(sc.certificates[0].challenge == Challenge::tls_alpn01);
}

TEST_CASE("the static file's providers.file names the folder and a URL with another port or an unread file is said") {
  const std::string compose = R"~(services:
  proxy:
    image: traefik:v3.1
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - ./dynamic/:/etc/traefik/conf.d/
      - acme:/acme
  app:
    image: registry.example.org/app:1.0
    command: fastapi run app/main.py --port 8000 --workers 2
volumes: {acme: {}}
)~";
  const std::string traefik = R"~(entryPoints:
  websecure:
    address: ":443"
providers:
  file:
    directory: /etc/traefik/conf.d
    watch: true
certificatesResolvers:
  le:
    acme:
      storage: /acme/acme.json
      httpChallenge:
        entryPoint: web
)~";
  const std::string app = R"~(http:
  routers:
    app:
      rule: Host(`app.example.net`)
      service: app
      tls:
        certResolver: le
  services:
    app:
      loadBalancer:
        servers:
          - url: http://app:8080
)~";
  const std::string stray = R"~(http:
  routers:
    old:
      rule: Host(`old.example.net`)
      service: app
)~";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true},
                                            {"traefik.yml", traefik, true},
                                            {"dynamic/app.yml", app, true},
                                            {"old/dynamic.yml", stray, true}});
  using K = imp::EntryKind;
  CHECK(has_entry(r, K::mapped, "traefik.yml:6", "providers.file.directory: Traefik's file provider reads"));
  CHECK(has_entry(r, K::ignored, "traefik.yml:7", "providers.file.watch: deploysim does not model it"));
  CHECK(has_entry(r, K::mapped, "traefik.yml:6",
                  "/etc/traefik/conf.d: Traefik's file provider reads the dynamic configuration dynamic/app.yml"));
  CHECK(has_entry(r, K::ignored, "dynamic/app.yml:12",
                  "http://app:8080: the app app listens on port 8000, so Traefik would answer 502 Bad Gateway"));
  CHECK(has_entry(r, K::ignored, "old/dynamic.yml", "but no Traefik of these files reads it"));
  const Scenario sc = load(r);
  REQUIRE(route(sc, "app.example.net"));
  CHECK(route(sc, "app.example.net")->pool == "app");
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].challenge == Challenge::http01);
  CHECK(has_entry(r, K::mapped, "traefik.yml:10", "certificatesResolvers.le.acme -> certificate.issuer"));
  simulates(sc);
}

TEST_CASE("a file provider's file no volume holds or not given: the app it routes to is said to be unrouted") {
  const std::string compose = R"~(services:
  traefik:
    image: traefik:v3.1
    command: [--providers.file.filename=/config/dynamic.yml, --certificatesresolvers.le.acme.tlschallenge=true,)~"
                              R"~( --providers.docker]
    ports: ["443:443"]
  shop:
    image: registry.example.org/shop/web:1.42.0
    command: uvicorn shop.asgi:app --host 0.0.0.0 --port 8000
  admin:
    image: registry.example.org/shop/admin:1.42.0
    command: uvicorn admin.asgi:app --host 0.0.0.0 --port 9000
    labels:
      - traefik.http.routers.admin.rule=Host(`admin.example.org`)
      - traefik.http.routers.admin.tls.certresolver=le
)~";
  const std::string dynamic = R"~(http:
  routers:
    shop:
      rule: "Host(`shop.example.org`)"
      service: shop
  services:
    shop:
      loadBalancer:
        servers:
          - url: "http://shop:8000"
)~";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"dynamic.yml", dynamic, true}});
  using K = imp::EntryKind;
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:4",
                  "/config/dynamic.yml: no volume of the Traefik container holds this path"));
  CHECK(has_entry(r, K::ignored, "dynamic.yml", "but no Traefik of these files reads it"));
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:7", "service shop: no route of the proxy reaches it"));
  CHECK(load(r).proxy->routes.size() == 1);  // admin's label

  // Mounted, but the file is not among those given (and import_texts reads no disk).
  std::string mounted = compose;
  mounted.insert(mounted.find("  shop:"), "    volumes: [\"./traefik:/config:ro\"]\n");
  const imp::ImportResult m = import_files({{"docker-compose.yml", mounted, true}});
  CHECK(has_entry(m, K::ignored, "docker-compose.yml:4",
                  "/config/dynamic.yml: Traefik's file provider reads it from traefik/dynamic.yml, which is neither"));
}

TEST_CASE("systemd units behind a Traefik on the machine: its static and dynamic files and the URL port") {
  const std::string unit = R"~([Unit]
Description=Shop API (FastAPI under Uvicorn)
After=network.target

[Service]
User=shop
WorkingDirectory=/srv/shop
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000 --workers 3
Restart=always

[Install]
WantedBy=multi-user.target
)~";
  const std::string traefik = R"~(entryPoints:
  websecure:
    address: ":443"
providers:
  file:
    directory: /etc/traefik/dynamic
certificatesResolvers:
  le:
    acme:
      email: ops@shop.example.com
      storage: /var/lib/traefik/acme.json
      tlsChallenge: {}
)~";
  const std::string dynamic = R"~([http.routers.shop]
  rule = "Host(`shop.example.com`)"
  entryPoints = ["websecure"]
  service = "shop"
  [http.routers.shop.tls]
    certResolver = "le"

[[http.services.shop.loadBalancer.servers]]
  url = "http://127.0.0.1:8000"
)~";
  const imp::ImportResult r = import_files({{"etc/systemd/system/shop-api.service", unit, true},
                                            {"etc/traefik/traefik.yml", traefik, true},
                                            {"etc/traefik/dynamic/shop.toml", dynamic, true}});
  REQUIRE(r.files.size() == 3);
  CHECK(r.files[2].kind == imp::FileKind::traefik_dynamic);  // entryPoints under a router: not the static file
  using K = imp::EntryKind;
  const std::string toml = "etc/traefik/dynamic/shop.toml";
  CHECK(has_entry(r, K::assumed, toml, "Traefik dynamic configuration with no Traefik container in these files"));
  CHECK(has_entry(r, K::mapped, "etc/traefik/traefik.yml", "Traefik's static configuration file that no container"));
  CHECK(has_entry(r, K::mapped, toml + ":9", "service shop: http://127.0.0.1:8000 is the app shop-api"));
  CHECK(has_entry(r, K::assumed, "etc/traefik/traefik.yml:11", "proxy.persisted_storage = true"));
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->preset == ProxyPreset::traefik);
  CHECK(sc.proxy->host == "server");
  REQUIRE(route(sc, "shop.example.com"));
  CHECK(route(sc, "shop.example.com")->pool == "shop-api");
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].challenge == Challenge::tls_alpn01);
  CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
  simulates(sc);

  // Another port of the machine: no unit listens there.
  std::string other = dynamic;
  other.replace(other.find("8000"), 4, "8001");
  const imp::ImportResult o = import_files({{"shop-api.service", unit, true}, {"shop.toml", other, true}});
  CHECK(
      has_entry(o, K::ignored, "shop.toml:2", "router shop: its service shop sends requests to http://127.0.0.1:8001"));
  CHECK(has_entry(o, K::ignored, "shop-api.service:8", "service shop-api: no route of the proxy reaches it"));
}

TEST_CASE("a server URL naming a Kubernetes Service routes to the Deployment it selects") {
  const std::string manifests =
      api_deployment(R"~(          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
)~") + R"~(---
apiVersion: v1
kind: Service
metadata: {name: shop-api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8000}]
)~";
  const std::string dynamic = R"~(http:
  routers:
    api:
      rule: Host(`api.example.com`)
      service: api
      tls: {certResolver: le}
  services:
    api:
      loadBalancer:
        servers:
          - url: http://shop-api.shop.svc.cluster.local:8000
)~";
  const imp::ImportResult r = import_files({{"k8s/api.yaml", manifests, true}, {"traefik/routes.yml", dynamic, true}});
  using K = imp::EntryKind;
  CHECK(has_entry(r, K::mapped, "traefik/routes.yml:11",
                  "service api: http://shop-api.shop.svc.cluster.local:8000 is the app api"));
  // Traefik's static file is not among them: the resolver is assumed.
  CHECK(has_entry(r, K::ignored, "traefik/routes.yml",
                  "/etc/traefik/traefik.yml: Traefik's static configuration "
                  "file, not read; certificate resolver le"));
  const Scenario sc = load(r);
  REQUIRE(route(sc, "api.example.com"));
  CHECK(route(sc, "api.example.com")->pool == "api");
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
  simulates(sc);
}

TEST_CASE("a dynamic file's syntax error is located and a null tls or tls: false leaves the router without TLS") {
  const std::string compose = R"~(services:
  traefik:
    image: traefik:v3.1
    command: [--providers.file.filename=/etc/traefik/dynamic.toml]
    volumes: ["./dynamic.toml:/etc/traefik/dynamic.toml"]
  api:
    image: registry.example.org/api:1
    command: uvicorn app:app --host 0.0.0.0 --port 8000
)~";
  const imp::ImportResult bad =
      imp::import_texts({{"docker-compose.yml", compose, true},
                         {"dynamic.toml", "[http.routers.api]\nrule = \"Host(`a.example.org`)\n", true}},
                        en());
  CHECK_FALSE(bad.ok());
  CHECK(std::any_of(bad.report.begin(), bad.report.end(), [](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::error && e.pos.file == "dynamic.toml" && e.pos.line == 2;
  }));

  std::string yaml_compose = compose;
  for (size_t at; (at = yaml_compose.find("dynamic.toml")) != std::string::npos;)
    yaml_compose.replace(at, 12, "dynamic.yml");
  const std::string dynamic = R"~(http:
  routers:
    api:
      rule: Host(`api.example.org`)
      service: api
      tls:
    api2:
      rule: Host(`www.example.org`)
      service: api
      tls: false
  services:
    api:
      loadBalancer:
        servers: [{url: "http://api:8000"}]
)~";
  const imp::ImportResult r =
      import_files({{"docker-compose.yml", yaml_compose, true}, {"dynamic.yml", dynamic, true}});
  using K = imp::EntryKind;
  CHECK(has_entry(r, K::ignored, "dynamic.yml:6", "http.routers.api.tls: no value (YAML null)"));
  CHECK(has_entry(r, K::ignored, "dynamic.yml:10", "http.routers.api2.tls: false, so the router has no TLS"));
  CHECK(has_entry(r, K::ignored, "dynamic.yml:4", "router api: no TLS"));
  CHECK(has_entry(r, K::ignored, "dynamic.yml:8", "router api2: no TLS"));
  CHECK(load(r).proxy->routes.size() == 2);
}
