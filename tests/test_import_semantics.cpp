// What the importer makes of a setting that the files give twice or leave out, read as the tool
// itself reads it: docker compose's restart policy and its one-setting spellings, Caddy's
// matchers and DNS challenge, systemd's start-limit keys, WEB_CONCURRENCY's line, and the
// defaults each tool applies, reported as assumed (nginx's: test_import_nginx.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import/import_model.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

// The app container of the Traefik files below: its router asks resolver `le` for a certificate.
const std::string traefik_app = R"(  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.api.rule=Host(`api.shop.example.com`)
      - traefik.http.routers.api.tls.certresolver=le
)";

}  // namespace

TEST_CASE("compose: deploy.restart_policy wins over restart:, and without condition restarts nothing") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 2
    restart: always
    deploy:
      replicas: 2
      restart_policy:
        condition: on-failure
        max_attempts: 3
        delay: 5s
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);  // the reference below points into it
  const SupervisorSpec& sup = service(sc, "api").supervisor;
  CHECK(sup.restart == "on-failure");
  CHECK(sup.max_retries == 3);
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:9", "supervisor.restart = \"on-failure:3\""));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5",
                  "restart: always: deploy.restart_policy at docker-compose.yml:8 takes precedence"));

  // No condition: docker compose hands Docker an empty policy name, which is "no".
  const std::string no_condition = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    restart: unless-stopped
    deploy:
      restart_policy:
        max_attempts: 5
)";
  const imp::ImportResult n = import_files({{"docker-compose.yml", no_condition, true}});
  CHECK(service(load(n), "api").supervisor.restart == "no");
  CHECK(has_entry(n, imp::EntryKind::assumed, "docker-compose.yml:7", "deploy.restart_policy without condition"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "docker-compose.yml:5", "restart: unless-stopped"));
  // The same report in Korean loads and says it in Korean.
  const imp::ImportResult k = imp::import_texts({{"docker-compose.yml", no_condition, true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::assumed, "docker-compose.yml:7", "condition`이 없습니다"));
}

TEST_CASE("compose: mem_limit and scale beside their deploy spellings are one setting") {
  // One service that gives its replicas and its memory limit twice each.
  const auto compose = [](const std::string& scale, const std::string& memory) {
    return "services:\n"
           "  api:\n"
           "    image: registry.example.com/shop/api:1.4.2\n"
           "    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n"
           "    mem_limit: 512m\n"
           "    scale: " +
           scale +
           "\n"
           "    deploy:\n"
           "      replicas: 2\n"
           "      resources:\n"
           "        limits:\n"
           "          memory: " +
           memory + "\n";
  };
  const imp::ImportResult r = imp::import_texts({{"docker-compose.yml", compose("3", "1g"), true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "docker-compose.yml:5:16",
                  "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory' (512m here, 1g at "
                  "docker-compose.yml:11)",
                  false));
  CHECK(has_error(r, "docker-compose.yml:6:12",
                  "can't set distinct values on 'scale' and 'deploy.replicas' (3 here, 2 at docker-compose.yml:8)",
                  false));

  const std::string same = compose("2", "512MiB");
  const imp::ImportResult s = import_files({{"docker-compose.yml", same, true}});
  const Scenario sc = load(s);
  CHECK(service(sc, "api").hosts.size() == 2);
  CHECK(service(sc, "api").supervisor.memory_limit == std::optional<uint64_t>(512ULL << 20));
  CHECK(has_entry(s, imp::EntryKind::mapped, "docker-compose.yml:11", "deploy.resources.limits.memory"));
  CHECK(has_entry(s, imp::EntryKind::ignored, "docker-compose.yml:5", "mem_limit: 512m: the same value as"));
  CHECK(has_entry(s, imp::EntryKind::ignored, "docker-compose.yml:6", "scale: 2: the same value as deploy.replicas"));
}

TEST_CASE("compose: memory sizes as Docker's RAMInBytes reads them") {
  for (const auto& entry : std::vector<std::pair<std::string, uint64_t>>{{"512MiB", 512ULL << 20},
                                                                         {"1GiB", 1ULL << 30},
                                                                         {"512 m", 512ULL << 20},
                                                                         {"1.5g", 3ULL << 29},
                                                                         {"2gb", 2ULL << 30},
                                                                         {"1T", 1ULL << 40},
                                                                         {"1p", 1ULL << 50},
                                                                         {"1048576", 1ULL << 20},
                                                                         {"64kB", 64ULL << 10}}) {
    const std::string& text = entry.first;  // a structured binding cannot be captured (clang 14)
    const uint64_t bytes = entry.second;
    CAPTURE(text);
    CHECK(imp::parse_docker_size(text) == std::optional<uint64_t>(bytes));
  }
  for (const char* bad : {"512 MiBs", "1x", "1  m", "1mi", "m", "-1m", "1 kib b"}) {
    CAPTURE(bad);
    CHECK_FALSE(imp::parse_docker_size(bad));
  }
}

TEST_CASE("WEB_CONCURRENCY names its environment entry's line, and the environment is partly mapped") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn app.main:app -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000
    environment:
      DATABASE_URL: postgresql://shop@db/shop
      WEB_CONCURRENCY: "3"
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  CHECK(service(load(r), "api").workers == 3);
  CHECK(has_text(r, "workers = 3  # from docker-compose.yml:7\n"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7", "WEB_CONCURRENCY -> workers = 3"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:5", "environment: WEB_CONCURRENCY is read"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5", "environment"));
  // --bind gives the address and the port, and the report names it.
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:4", "command --bind -> bind = \"0.0.0.0\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:4", "command --bind -> port = 8000"));

  const std::string k8s = dir + "/files/k8s/web-concurrency.yaml";
  const imp::ImportResult k = import_ok({k8s});
  CHECK(has_entry(k, imp::EntryKind::mapped, k8s + ":19", "WEB_CONCURRENCY -> workers = 4"));
  CHECK(has_entry(k, imp::EntryKind::mapped, k8s + ":16", "env: WEB_CONCURRENCY is read"));

  const std::string unit = R"([Unit]
Description=Shop API

[Service]
User=shop
Environment=PYTHONUNBUFFERED=1
Environment=WEB_CONCURRENCY=5
ExecStart=/srv/shop/.venv/bin/gunicorn app.main:app -k uvicorn.workers.UvicornWorker --bind 127.0.0.1:8000
Restart=on-failure
)";
  const imp::ImportResult u = import_files({{"shop-api.service", unit, true}});
  CHECK(has_entry(u, imp::EntryKind::mapped, "shop-api.service:7", "WEB_CONCURRENCY -> workers = 5"));
  CHECK(has_entry(u, imp::EntryKind::ignored, "shop-api.service:6", "Environment=PYTHONUNBUFFERED"));
}

TEST_CASE("Caddy: the catch-all reverse_proxy is the route, a DNS provider or a wildcard means DNS-01") {
  const std::string caddyfile = R"({
	email ops@shop.example.com
}

shop.example.com {
	encode zstd gzip
	reverse_proxy /api/* 127.0.0.1:8000
	reverse_proxy 127.0.0.1:3000
}

api.shop.example.com {
	tls {
		dns cloudflare {env.CLOUDFLARE_API_TOKEN}
	}
	reverse_proxy 127.0.0.1:8000
}
)";
  const imp::ImportResult r = import_files({{"Caddyfile", caddyfile, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 2);
  CHECK(service(sc, sc.proxy->routes[0].pool).port == 3000);
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:7", "reverse_proxy /api/*: path rules are not modelled"));
  REQUIRE(sc.certificates.size() == 2);
  CHECK(sc.certificates[0].challenge == Challenge::http01);
  CHECK(sc.certificates[1].challenge == Challenge::dns01);
  CHECK(has_entry(r, imp::EntryKind::mapped, "Caddyfile:13", "certificate.challenge = \"dns-01\""));

  // The global acme_dns, and a wildcard name (DNS-01 is the only challenge for one).
  const std::string global = "{\n\tacme_dns route53\n}\n\nshop.example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n";
  const imp::ImportResult g = import_files({{"Caddyfile", global, true}});
  CHECK(load(g).certificates.at(0).challenge == Challenge::dns01);
  CHECK(has_entry(g, imp::EntryKind::mapped, "Caddyfile:2", "acme_dns route53 -> certificate.challenge"));

  const std::string wildcard = "*.shop.example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n";
  const imp::ImportResult w = imp::import_texts({{"Caddyfile", wildcard, true}}, en());
  CHECK(has_entry(w, imp::EntryKind::mapped, "Caddyfile:1", "certificate.challenge = \"dns-01\""));
}

TEST_CASE("Caddy: snippets are read where they are imported, with their arguments; one list of TLS versions") {
  const std::string caddyfile = R"((common) {
	encode zstd gzip
	tls {
		protocols tls1.3
	}
}

(app) {
	reverse_proxy 127.0.0.1:{args[0]}
}

api.shop.example.com {
	import common
	import app 8000
}

shop.example.com {
	import app 3000
}

admin.shop.example.com {
	import later
	reverse_proxy 127.0.0.1:9000
}
)";
  const imp::ImportResult r = import_files({{"Caddyfile", caddyfile, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 3);
  // Each import fills in its own argument (a Caddyfile alone runs one assumed service).
  CHECK(service(sc, sc.proxy->routes[0].pool).port == 8000);
  CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:9", "upstream 127.0.0.1:8000: no service"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:9", "upstream 127.0.0.1:3000: no service"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "Caddyfile:13", "import common: the directives of the snippet (common)"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "Caddyfile:4", "protocols -> proxy.tls_versions = [\"1.3\"]"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:2", "encode zstd gzip: deploysim does not model it"));
  // The sites that keep Caddy's default TLS versions are said to differ from the proxy's list.
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:17", "protocols tls1.2 tls1.3: this site keeps Caddy's"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:21", "protocols tls1.2 tls1.3: this site keeps Caddy's"));
  // A name no snippet above has is a file.
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:22", "import later"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:23", "upstream 127.0.0.1:9000: no service"));
}

TEST_CASE("Caddy: {$NAME} in the Caddyfile is filled in from the Caddy container's environment") {
  const std::string compose = R"(services:
  caddy:
    image: caddy:2.8
    environment:
      DOMAIN: shop.example.com
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
)";
  const std::string caddyfile =
      "{$DOMAIN} {\n\treverse_proxy api:8000\n}\n\nadmin.{$ZONE:shop.example.com} {\n\treverse_proxy api:8000\n}\n";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"Caddyfile", caddyfile, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 2);
  CHECK(sc.proxy->routes[0].host == "shop.example.com");
  CHECK(sc.proxy->routes[1].host == "admin.shop.example.com");
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:5", "DOMAIN=shop.example.com: Caddy fills it in"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "Caddyfile:5", "{$ZONE:shop.example.com}: the Caddy container's"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:4", "environment"));
}

TEST_CASE("systemd: [Unit] StartLimitInterval= is read, [Service] StartLimitIntervalSec= is skipped") {
  const std::string unit = R"([Unit]
Description=Shop API
StartLimitInterval=120
StartLimitBurst=4

[Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=on-failure
)";
  const imp::ImportResult r = import_files({{"shop-api.service", unit, true}});
  const Scenario sc = load(r);
  CHECK(service(sc, "shop-api").supervisor.start_limit_interval == s(120));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop-api.service:3", "StartLimitInterval -> supervisor.start_limit"));
  // No [Install]: not enabled on boot, which the file does not say but systemd does.
  CHECK_FALSE(service(sc, "shop-api").supervisor.enabled);
  CHECK(has_entry(r, imp::EntryKind::assumed, "shop-api.service:7", "supervisor.enabled = false: no [Install]"));

  const std::string misplaced = R"([Unit]
Description=Shop API

[Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=on-failure
StartLimitIntervalSec=30
StartLimitBurst=3

[Install]
WantedBy=multi-user.target
)";
  const imp::ImportResult m = import_files({{"shop-api.service", misplaced, true}});
  CHECK(service(load(m), "shop-api").supervisor.start_limit_interval == s(10));  // systemd's default
  CHECK(has_entry(m, imp::EntryKind::ignored, "shop-api.service:7",
                  "StartLimitIntervalSec= in [Service]: not a key of that section"));
  const imp::ImportResult k = imp::import_texts({{"shop-api.service", misplaced, true}}, ko());
  CHECK(has_entry(k, imp::EntryKind::ignored, "shop-api.service:7", "`[Service]` 섹션의 `StartLimitIntervalSec=`"));
}

TEST_CASE("the defaults the tools apply are reported as assumed: probes, rolling update, Traefik's storage") {
  const std::string k8s = dir + "/files/k8s/probe-defaults.yaml";
  const imp::ImportResult r = import_ok({k8s});
  CHECK(has_entry(r, imp::EntryKind::mapped, k8s + ":19", "supervisor.readiness.period = \"5s\""));
  CHECK(
      has_entry(r, imp::EntryKind::assumed, k8s + ":17",
                "supervisor.readiness.timeout = \"1s\": no readinessProbe.timeoutSeconds: Kubernetes' default is 1 s"));
  CHECK(has_entry(r, imp::EntryKind::assumed, k8s + ":17", "supervisor.readiness.failure_threshold = 3"));
  // In Korean the default's duration is in Korean units, as every other duration.
  const imp::ImportResult k = imp::import_paths({k8s}, ko());
  CHECK(has_entry(k, imp::EntryKind::assumed, k8s + ":17", "Kubernetes 기본값은 1초입니다"));
  CHECK(has_entry(r, imp::EntryKind::assumed, k8s + ":1", "max_surge = 25: no rollingUpdate.maxSurge"));
  CHECK(has_entry(r, imp::EntryKind::assumed, k8s + ":1", "max_unavailable = 25"));
  const Scenario sc = load(r);
  CHECK(service(sc, "api").max_surge_percent == 25);

  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --entrypoints.websecure.address=:443
      - --certificatesresolvers.le.acme.httpchallenge.entrypoint=web
    ports:
      - "443:443"
)" + traefik_app;
  const imp::ImportResult t = import_files({{"docker-compose.yml", compose, true}});
  CHECK(has_entry(t, imp::EntryKind::assumed, "docker-compose.yml:7", "acme.storage = \"acme.json\""));
  CHECK(has_entry(t, imp::EntryKind::assumed, "docker-compose.yml:7", "proxy.persisted_storage = false"));
  CHECK_FALSE(load(t).proxy->persisted_storage);
}

TEST_CASE("Traefik: a resolver defined in a mounted traefik.yml is assumed, the file reported as not read") {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    ports:
      - "443:443"
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - /var/run/docker.sock:/var/run/docker.sock:ro
)" + traefik_app;
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:7",
                  "/etc/traefik/traefik.yml: Traefik's static configuration file, not read; certificate resolver le"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:14", "certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:14", "certificate.challenge = \"http-01\""));
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
}

TEST_CASE("the servers' own environment variables: UVICORN_* and Gunicorn's PORT") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app
    environment:
      - UVICORN_HOST=0.0.0.0
      - UVICORN_PORT=8080
      - UVICORN_WORKERS=3
      - WEB_CONCURRENCY=8
  worker:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --port 9000
    environment:
      UVICORN_PORT: "8080"
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.bind == "0.0.0.0");
  CHECK(api.port == 8080);
  CHECK(api.workers == 3);  // UVICORN_WORKERS is --workers itself, before WEB_CONCURRENCY
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7", "UVICORN_PORT -> port = 8080"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:8", "UVICORN_WORKERS -> workers = 3"));
  CHECK(service(sc, "worker").port == 9000);  // a flag overrides the variable

  const std::string unit = R"([Service]
Environment=PORT=8081
ExecStart=/srv/shop/.venv/bin/gunicorn app.main:app -k uvicorn.workers.UvicornWorker
)";
  const imp::ImportResult u = import_files({{"shop-api.service", unit, true}});
  const Scenario gsc = load(u);  // the reference below points into it
  const ServiceSpec& g = service(gsc, "shop-api");
  CHECK(g.bind == "0.0.0.0");
  CHECK(g.port == 8081);
  CHECK(has_entry(u, imp::EntryKind::mapped, "shop-api.service:2", "PORT -> port = 8081"));
}

TEST_CASE("Kubernetes quantities as resource.Quantity reads them") {
  for (const auto& entry : std::vector<std::pair<std::string, uint64_t>>{{"512Mi", 512ULL << 20},
                                                                         {"1Pi", 1ULL << 50},
                                                                         {"2P", 2000000000000000ULL},
                                                                         {"1.5Gi", 3ULL << 29},
                                                                         {".5Gi", 1ULL << 29},
                                                                         {"129e6", 129000000},
                                                                         {"1E3", 1000},
                                                                         {"500M", 500000000},
                                                                         {"100m", 1},
                                                                         {"1500m", 2}}) {
    const std::string& text = entry.first;  // a structured binding cannot be captured (clang 14)
    const uint64_t bytes = entry.second;
    CAPTURE(text);
    CHECK(imp::parse_k8s_quantity(text) == std::optional<uint64_t>(bytes));
  }
  for (const char* bad : {"1e3M", "1.2.3Mi", "Mi", "1 Mi", "1e", "1MiB", "1KI", "-1Gi"}) {
    CAPTURE(bad);
    CHECK_FALSE(imp::parse_k8s_quantity(bad));
  }
}

TEST_CASE("compose as docker compose reads it: merge keys, entrypoint + command, sh -c, ${VAR:-default}") {
  // YAML's merge key: the fragment's keys come in unless the service writes them itself.
  const std::string merged = R"(x-app: &app
  image: registry.example.com/shop/api:1.4.2
  restart: always
  mem_limit: 512m
  command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 4
services:
  api:
    <<: *app
  worker:
    <<: *app
    command: uvicorn app.main:app --host 0.0.0.0 --port 8001
)";
  const imp::ImportResult m = import_files({{"docker-compose.yml", merged, true}});
  const Scenario msc = load(m);
  CHECK(service(msc, "api").workers == 4);
  CHECK(service(msc, "api").supervisor.restart == "always");
  CHECK(service(msc, "api").supervisor.memory_limit == std::optional<uint64_t>(512ULL << 20));
  CHECK(service(msc, "worker").port == 8001);
  CHECK(service(msc, "worker").workers == 1);
  CHECK(service(msc, "worker").supervisor.restart == "always");
  CHECK(has_entry(m, imp::EntryKind::mapped, "docker-compose.yml:3", "restart -> supervisor.restart = \"always\""));
  CHECK_FALSE(has_entry(m, imp::EntryKind::ignored, "docker-compose.yml:9", "<<"));

  // The entrypoint runs with the command as its arguments; sh -c and a default in ${...}.
  const std::string joined = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    entrypoint: [gunicorn, -k, uvicorn.workers.UvicornWorker]
    command: [-w, "2", --bind, 0.0.0.0:8007, app.main:app]
  web:
    image: registry.example.com/shop/web:1.0.0
    command: sh -c "uvicorn app.main:app --host 0.0.0.0 --port 8006 --workers ${WORKERS:-3}"
)";
  const imp::ImportResult j = import_files({{"docker-compose.yml", joined, true}});
  const Scenario jsc = load(j);
  CHECK(service(jsc, "api").workers == 2);
  CHECK(service(jsc, "api").port == 8007);
  CHECK(has_entry(j, imp::EntryKind::mapped, "docker-compose.yml:4", "entrypoint -> server = \"gunicorn\""));
  CHECK(has_entry(j, imp::EntryKind::mapped, "docker-compose.yml:5", "command --workers -> workers = 2"));
  CHECK(service(jsc, "web").workers == 3);
  CHECK(has_entry(j, imp::EntryKind::assumed, "docker-compose.yml:8", "${WORKERS:-3} is filled in from the shell"));
}

TEST_CASE("what the servers and the API server do with what is written: --reload, -k, probe fields at 0") {
  const std::string compose = R"(services:
  dev:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --reload --workers 4 --host 0.0.0.0
  wsgi:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn -w 4 -b 0.0.0.0:8004 app.main:app
  gevent:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn -k gevent -w 4 -b 0.0.0.0:8005 app.main:app
)";
  const imp::ImportResult c = import_files({{"docker-compose.yml", compose, true}});
  const Scenario csc = load(c);
  CHECK(service(csc, "dev").workers == 1);
  CHECK(has_entry(c, imp::EntryKind::assumed, "docker-compose.yml:4", "workers = 1: command --workers with --reload"));
  CHECK(has_entry(c, imp::EntryKind::assumed, "docker-compose.yml:7", "gunicorn without -k runs its default sync"));
  CHECK(has_entry(c, imp::EntryKind::assumed, "docker-compose.yml:10",
                  "worker class gevent: a WSGI worker, which cannot serve an ASGI app such as FastAPI"));

  // FastAPI's own CLI, as its Docker guide writes it.
  const std::string cli = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: ["fastapi", "run", "app/main.py", "--port", "80", "--workers", "4"]
  dev:
    image: registry.example.com/shop/api:1.4.2
    command: fastapi dev app/main.py
)";
  const imp::ImportResult f = import_files({{"docker-compose.yml", cli, true}});
  const Scenario fsc = load(f);
  CHECK(service(fsc, "api").server == ServerPreset::uvicorn);
  CHECK(service(fsc, "api").workers == 4);
  CHECK(service(fsc, "api").port == 80);
  CHECK(service(fsc, "api").bind == "0.0.0.0");
  CHECK(has_entry(f, imp::EntryKind::mapped, "docker-compose.yml:4", "command fastapi run -> server = \"uvicorn\""));
  CHECK(has_entry(f, imp::EntryKind::assumed, "docker-compose.yml:4",
                  "bind = \"0.0.0.0\": no --host: fastapi run listens on 0.0.0.0 by default"));
  CHECK(service(fsc, "dev").bind == "127.0.0.1");
  CHECK(has_entry(f, imp::EntryKind::ignored, "docker-compose.yml:7", "fastapi dev: a development server"));

  const imp::ImportResult k =
      import_ok_texts(api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0]
          livenessProbe:
            httpGet: {path: /health, port: 8000}
            timeoutSeconds: 0
            failureThreshold: 0
            successThreshold: 0
)"));
  const Scenario ksc = load(k);
  CHECK(service(ksc, "api").supervisor.liveness.failure_threshold == 3);
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:18",
                  "supervisor.liveness.timeout = \"1s\": livenessProbe.timeoutSeconds is 0, which the API server"));
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:20", "livenessProbe.successThreshold is 0"));
}

TEST_CASE("what the parsers read but the model leaves out is said: KillSignal, body size, keepalive") {
  const std::string unit = R"([Service]
ExecStart=/opt/app/venv/bin/gunicorn -k uvicorn.workers.UvicornWorker -w 2 -b 127.0.0.1:8000 app.main:app
KillSignal=SIGINT
MemoryMax=1G
[Install]
WantedBy=multi-user.target
)";
  const imp::ImportResult u = import_files({{"api.service", unit, true}});
  CHECK(
      has_entry(u, imp::EntryKind::ignored, "api.service:3", "KillSignal=SIGINT: the model stops a unit with SIGTERM"));
  // MemoryMax: what systemd does with it, and why the model cannot (no memory_limit for systemd).
  CHECK(has_entry(u, imp::EntryKind::ignored, "api.service:4",
                  "MemoryMax: systemd makes it the unit's cgroup limit (memory.max; systemd.resource-control(5)"));
  CHECK(has_entry(u, imp::EntryKind::ignored, "api.service:4",
                  "OOMPolicy= (stop by default) then stops the unit with the result oom-kill"));
  CHECK(has_entry(u, imp::EntryKind::ignored, "api.service:4",
                  "The scenario format has no memory limit for a systemd unit"));
  const std::string site = R"(upstream app {
    least_conn;
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    listen 443 ssl;
    server_name api.example.com;
    ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/api.example.com/privkey.pem;
    client_max_body_size 20m;
    location / {
        proxy_pass http://app;
    }
}
)";
  const imp::ImportResult n = import_files({{"api.service", unit, true}, {"shop.conf", site, true}});
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:2", "least_conn"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:4", "keepalive 16"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:11", "client_max_body_size"));
}

TEST_CASE("what a location or reverse_proxy says beside the route is reported, not dropped") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const std::string nginx = R"(server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
    location /admin/ {
        proxy_pass http://127.0.0.1:9000/;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 300s;
    }
}
)";
  const imp::ImportResult n = import_files({{"api.service", unit, true}, {"shop.conf", nginx, true}});
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:10", "location /admin/ proxy_pass"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:11", "location /admin/ proxy_set_header x-forwarded-proto"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:12", "location /admin/ proxy_read_timeout"));

  const std::string caddy = R"(shop.example.com {
	reverse_proxy localhost:8000 localhost:8001 {
		lb_policy least_conn
		health_uri /healthz
	}
}
)";
  const imp::ImportResult c = import_files({{"api.service", unit, true}, {"Caddyfile", caddy, true}});
  CHECK(has_entry(c, imp::EntryKind::ignored, "Caddyfile:3", "lb_policy least_conn: balancing over several upstreams"));
  CHECK(has_entry(c, imp::EntryKind::ignored, "Caddyfile:4", "health_uri /healthz: active health checks"));
}

TEST_CASE("FORWARDED_ALLOW_IPS in the environment is what Uvicorn and Gunicorn trust, unless a flag says") {
  const std::string compose = R"(services:
  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    environment:
      FORWARDED_ALLOW_IPS: "172.18.0.2"
  flag:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8001 --forwarded-allow-ips 10.0.0.5
    environment:
      FORWARDED_ALLOW_IPS: "172.18.0.2"
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:6", "FORWARDED_ALLOW_IPS -> forwarded_allow_ips"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:9", "--forwarded-allow-ips -> forwarded_allow_ips"));
  CHECK(r.scenario_text.find("forwarded_allow_ips = [\"172.18.0.2\"]  # from docker-compose.yml:6") !=
        std::string::npos);
}

TEST_CASE("a sh -c script's commands before the server: a migration is a step of every replica") {
  const std::string compose = R"(services:
  api:
    image: shop/api
    command: sh -c "cd /srv/app && alembic upgrade head && exec uvicorn app.main:app --host 0.0.0.0"
    deploy:
      replicas: 2
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  REQUIRE(api.pre_start.size() == 1);
  CHECK(api.pre_start[0].name == "migrate");
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:4",
                  "the script runs the migration `alembic upgrade head` before the server"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:4", "the script runs `cd /srv/app` before"));
  CHECK(api.pre_start[0].mode == PreStartMode::per_replica);  // both replicas run it as they start
}

TEST_CASE("cert-manager: another ACME CA is said as assumed; each certificate gets the solver its names select") {
  const std::string ingress = api_service + R"(---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations: {cert-manager.io/cluster-issuer: public}
spec:
  ingressClassName: nginx
  tls:
    - {hosts: [api.shop.io], secretName: api-tls}
    - {hosts: [www.shop.com], secretName: www-tls}
  rules:
    - host: api.shop.io
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
    - host: www.shop.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: public}
spec:
  acme:
    server: SERVER
    solvers:
      - selector: {dnsZones: [shop.io]}
        dns01: {cloudflare: {}}
      - http01: {ingress: {ingressClassName: nginx}}
)";
  const auto with_server = [&](const std::string& server) {
    std::string text = api_deployment("          command: [uvicorn, app:app, --host, 0.0.0.0]\n") + ingress;
    text.replace(text.find("SERVER"), 6, server);
    return text;
  };
  const auto challenge = [](const Scenario& sc, const std::string& domain) {
    for (const CertificateSpec& c : sc.certificates)
      if (c.domain == domain) return c.challenge;
    FAIL("no certificate for " << domain);
    return Challenge::http01;
  };
  const imp::ImportResult le = import_ok_texts(with_server("https://acme-v02.api.letsencrypt.org/directory"));
  const Scenario sc = load(le);
  CHECK(challenge(sc, "api.shop.io") == Challenge::dns01);
  CHECK(challenge(sc, "www.shop.com") == Challenge::http01);
  CHECK(has_entry(le, imp::EntryKind::mapped, "k8s.yaml:49", "solvers: cert-manager picks this one for www.shop.com"));
  CHECK(has_entry(le, imp::EntryKind::mapped, "k8s.yaml:45", "acme.server -> certificate.issuer = \"letsencrypt\""));
  const imp::ImportResult zerossl = import_ok_texts(with_server("https://acme.zerossl.com/v2/DV90"));
  CHECK(has_entry(zerossl, imp::EntryKind::assumed, "k8s.yaml:45",
                  "its ACME server https://acme.zerossl.com/v2/DV90 is not Let's Encrypt"));
  CHECK_FALSE(has_entry(zerossl, imp::EntryKind::mapped, "k8s.yaml:45", "certificate.issuer"));
}
