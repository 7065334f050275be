// What the importer makes of settings an audit found misread: Gunicorn 24's own ASGI worker,
// each server's flags named as the file writes them, systemd's RestartSteps= and [Install]
// hooks, a Deployment's restartPolicy, Compose's mem_limit beside deploy limits and optional
// env_files, nginx's `ssl on` and `ssl_reject_handshake` outside the default server.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import/import_model.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

TEST_CASE("gunicorn -k asgi (Gunicorn 24) serves the ASGI app itself, and uvicorn_worker's class is Uvicorn's") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn app.main:app -k asgi -w 4 -b 0.0.0.0:8000
  worker:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn app.main:app --worker-class uvicorn_worker.UvicornWorker -w 2 -b 0.0.0.0:8001
  wsgi:
    image: registry.example.com/shop/api:1.4.2
    command: gunicorn app.main:app -k gthread -b 0.0.0.0:8002
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  CHECK(service(sc, "api").server == ServerPreset::gunicorn);
  CHECK(service(sc, "api").workers == 4);
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:4", "worker class asgi"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:4", "WSGI"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7", "worker class uvicorn_worker.UvicornWorker"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:10",
                  "worker class gthread: a WSGI worker, which cannot serve an ASGI app such as FastAPI; taken as -k "
                  "uvicorn_worker.UvicornWorker"));
}

TEST_CASE("the report names the flags the file writes: --bind for gunicorn, Uvicorn's long names, -t") {
  const std::string unit = R"([Unit]
Description=Shop API

[Service]
ExecStart=/srv/shop/.venv/bin/gunicorn app.main:app -k uvicorn_worker.UvicornWorker -w 2 -t 60
Restart=always

[Install]
WantedBy=multi-user.target
)";
  const imp::ImportResult g = import_files({{"shop-api.service", unit, true}});
  load(g);
  CHECK(has_entry(g, imp::EntryKind::assumed, "shop-api.service:5",
                  "bind = \"127.0.0.1\": no --bind: gunicorn listens on 127.0.0.1 by default"));
  CHECK_FALSE(has_entry(g, imp::EntryKind::assumed, "shop-api.service:5", "no --host"));
  CHECK(has_entry(g, imp::EntryKind::ignored, "shop-api.service:5", "-t: deploysim does not model it"));

  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: >-
      uvicorn app.main:app --host 0.0.0.0 --port 8000
      --timeout-keep-alive 30 --limit-max-requests 10000 --timeout-graceful-shutdown 0
)";
  const imp::ImportResult u = import_files({{"docker-compose.yml", compose, true}});
  load(u);
  CHECK(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--timeout-keep-alive: deploysim does not"));
  CHECK(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--limit-max-requests: deploysim does not"));
  CHECK(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--timeout-graceful-shutdown: deploysim"));
  CHECK_FALSE(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--keep-alive:"));
  CHECK_FALSE(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--max-requests:"));
  CHECK_FALSE(has_entry(u, imp::EntryKind::ignored, "docker-compose.yml:4", "--graceful-timeout:"));
}

TEST_CASE("systemd: RestartSteps= with RestartMaxDelaySec= is modelled, either alone is ignored as systemd does") {
  const std::string unit = R"([Unit]
Description=Shop API

[Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=on-failure
RestartSec=2s
RestartSteps=5
RestartMaxDelaySec=5min

[Install]
RequiredBy=multi-user.target
)";
  const imp::ImportResult r = import_files({{"shop-api.service", unit, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "shop-api");
  CHECK(api.supervisor.restart_steps == 5);
  CHECK(api.supervisor.restart_max_delay == s(300));
  CHECK(api.supervisor.restart_sec == s(2));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop-api.service:8", "RestartSteps -> supervisor.restart_steps = 5"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop-api.service:9",
                  "RestartMaxDelaySec -> supervisor.restart_max_delay = \"5m\""));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "shop-api.service:8", "RestartSteps"));
  // RequiredBy= hooks it to the boot target as WantedBy= does.
  CHECK(api.supervisor.enabled);
  CHECK(has_entry(r, imp::EntryKind::assumed, "shop-api.service:12", "RequiredBy= a boot target: enabled on boot"));

  const std::string alone = R"([Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=always
RestartSteps=10

[Install]
UpheldBy=multi-user.target
)";
  const imp::ImportResult a = import_files({{"shop-api.service", alone, true}});
  const Scenario asc = load(a);
  CHECK(service(asc, "shop-api").supervisor.restart_steps == 0);
  CHECK(has_entry(a, imp::EntryKind::ignored, "shop-api.service:4",
                  "RestartSteps=10 without RestartMaxDelaySec=: systemd logs \"Service has RestartSteps= but no "
                  "RestartMaxDelaySec= setting. Ignoring.\""));
  CHECK(service(asc, "shop-api").supervisor.enabled);
  CHECK(has_entry(a, imp::EntryKind::assumed, "shop-api.service:7", "UpheldBy= a boot target"));

  const std::string below = R"([Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=always
RestartSec=30s
RestartSteps=3
RestartMaxDelaySec=10s
)";
  const imp::ImportResult b = import_files({{"shop-api.service", below, true}});
  const Scenario bsc = load(b);
  CHECK(service(bsc, "shop-api").supervisor.restart_sec == s(10));
  CHECK(has_entry(b, imp::EntryKind::assumed, "shop-api.service:6",
                  "supervisor.restart_sec = \"10s\": RestartMaxDelaySec=10s is below RestartSec="));
  CHECK(has_entry(b, imp::EntryKind::assumed, "shop-api.service:2",
                  "no [Install] WantedBy=/RequiredBy=/UpheldBy=: systemctl enable has nothing to hook the unit to"));

  const std::string many = R"([Service]
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
RestartSteps=5000
RestartMaxDelaySec=1min
)";
  const imp::ImportResult m = imp::import_texts({{"shop-api.service", many, true}}, en());
  CHECK_FALSE(m.ok());
  CHECK(has_error(m, "shop-api.service:3:1", "'RestartSteps' is 5000, expected 0 to 1000"));
}

TEST_CASE("a Deployment's pod template with restartPolicy OnFailure or Never is refused, as the API server does") {
  const std::string yaml = api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0]
      restartPolicy: OnFailure
)");
  const imp::ImportResult r = imp::import_texts({{"k8s.yaml", yaml, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "k8s.yaml:16:22",
                  "restartPolicy OnFailure: a Deployment's pod template allows Always only; the API server refuses it",
                  false));

  const imp::ImportResult never = imp::import_texts(
      {{"k8s.yaml",
        api_deployment("          command: [uvicorn, app.main:app]\n      restartPolicy: Never\n", "StatefulSet"),
        true}},
      en());
  CHECK_FALSE(never.ok());
  CHECK(has_error(never, "k8s.yaml:16:22", "restartPolicy Never: a StatefulSet's pod template allows Always only",
                  false));

  const imp::ImportResult always =
      import_ok_texts(api_deployment("          command: [uvicorn, app.main:app]\n      restartPolicy: Always\n"));
  CHECK(has_entry(always, imp::EntryKind::mapped, "k8s.yaml:16", "restartPolicy -> supervisor.restart = \"Always\""));
}

TEST_CASE("compose: mem_limit beside deploy.resources.limits without memory is refused, as compose-go does") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    mem_limit: 512m
    deploy:
      resources:
        limits:
          cpus: "0.50"
)";
  const imp::ImportResult r = imp::import_texts({{"docker-compose.yml", compose, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "docker-compose.yml:5:16",
                  "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory' (512m here, no "
                  "memory in the deploy.resources.limits at docker-compose.yml:8",
                  false));

  // Limits with the same memory: one setting, mem_limit redundant.
  const std::string same = compose + "          memory: 512M\n";
  const imp::ImportResult ok = import_files({{"docker-compose.yml", same, true}});
  load(ok);
  CHECK(has_entry(ok, imp::EntryKind::ignored, "docker-compose.yml:5", "mem_limit: 512m"));
}

TEST_CASE("compose: an env_file item with required: false is skipped when missing, which the report says") {
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    env_file:
      - path: ./default.env
        required: true
      - path: ./override.env
        required: false
)";
  const imp::ImportResult r = import_files({{"deploy/docker-compose.yml", compose, true}});
  load(r);
  CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/docker-compose.yml:5",
                  "env_file deploy/default.env: not among the files given to the import, so its variables are not "
                  "read (docker compose up fails when it is missing)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/docker-compose.yml:5",
                  "env_file deploy/override.env: not among the files given to the import, so its variables are not "
                  "read (required: false: docker compose up skips it when it is missing)"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "deploy/docker-compose.yml:5",
                        "deploy/override.env: not among the files given to the import, so its variables are not read "
                        "(docker compose up fails"));
}

TEST_CASE("nginx: ssl on in the default server is TLS before nginx 1.25.1, reported as assumed and deprecated") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  // A Debian 12 (nginx 1.22.1) site written for an old nginx.
  const std::string nginx = R"(server {
    listen 443;
    server_name shop.example.com;
    ssl on;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
)";
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"shop.conf", nginx, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "shop.example.com");
  CHECK(has_entry(r, imp::EntryKind::assumed, "shop.conf:4",
                  "ssl on: TLS on the listen sockets of this server (the default server of its address:port)"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "shop.conf:4", "deprecated since 1.15.0 and removed in 1.25.1"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "shop.conf:2", "without ssl: nginx serves plain HTTP"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "shop.conf:4", "not modelled"));

  // In a server that is not the default of 443, `ssl on` starts no TLS.
  const std::string second = R"(server {
    listen 443 default_server;
    server_name _;
    return 444;
}
server {
    listen 443;
    server_name shop.example.com;
    ssl on;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
)";
  const imp::ImportResult n = imp::import_texts({{"api.service", unit, true}, {"shop.conf", second, true}}, en());
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:9", "ssl on: this server is not the default server"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:7", "listen 443 without ssl: nginx serves plain HTTP"));
}

TEST_CASE("nginx: ssl_reject_handshake makes strict SNI only in the default server of its address:port") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const std::string site = R"(server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
server {
    listen 443 ssl;
    server_name old.example.com;
    ssl_reject_handshake on;
}
)";
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"shop.conf", site, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK_FALSE(sc.proxy->strict_sni);
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:13",
                  "ssl_reject_handshake on: not in the default server of its address:port"));

  // The catch-all default server: handshakes without SNI or for other names are refused.
  const std::string catch_all = R"(server {
    listen 443 ssl default_server;
    ssl_reject_handshake on;
}
)" + site.substr(0, site.find("server {\n    listen 443 ssl;\n    server_name old"));
  const imp::ImportResult d = import_files({{"api.service", unit, true}, {"shop.conf", catch_all, true}});
  const Scenario dsc = load(d);
  REQUIRE(dsc.proxy);
  CHECK(dsc.proxy->strict_sni);
  CHECK(has_entry(d, imp::EntryKind::mapped, "shop.conf:3", "ssl_reject_handshake -> proxy.strict_sni = true"));
}

TEST_CASE("Traefik: a resolver without a challenge orders nothing, its routers get the self-signed default cert") {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --entrypoints.websecure.address=:443
      - --certificatesresolvers.le.acme.email=ops@shop.example.com
      - --certificatesresolvers.le.acme.storage=/letsencrypt/acme.json
    ports: ["443:443"]
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./letsencrypt:/letsencrypt
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.api.rule=Host(`api.shop.example.com`)
      - traefik.http.routers.api.tls.certresolver=le
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].issuer == Issuer::self_signed);
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7",
                  "certificate resolver le: its flags name no challenge (httpchallenge, tlschallenge, dnschallenge), "
                  "so Traefik orders nothing"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7",
                  "certificatesresolvers.le -> certificate.issuer = \"self-signed\""));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:7", "certificate.challenge = \"http-01\""));
}

TEST_CASE("Kubernetes fills $(NAME) in args from a ConfigMap in the files, a Secret's value stays unknown") {
  const std::string yaml = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  APP_PORT: "8080"
  APP_WORKERS: "3"
---
)" + api_deployment(R"(          command: [uvicorn]
          args: [app.main:app, --host, 0.0.0.0, --port, $(APP_PORT), --workers, $(APP_WORKERS),
                 --forwarded-allow-ips, $(TRUSTED)]
          envFrom:
            - configMapRef: {name: api-config}
          env:
            - name: APP_PORT
              valueFrom:
                configMapKeyRef: {name: api-config, key: APP_PORT}
            - name: TRUSTED
              valueFrom:
                secretKeyRef: {name: api-secrets, key: trusted}
)");
  const imp::ImportResult r = import_ok_texts(yaml);
  const Scenario sc = load(r);
  CHECK(service(sc, "api").port == 8080);
  CHECK(service(sc, "api").workers == 3);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:6", "env APP_PORT: Kubernetes fills in $(APP_PORT)"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:7", "env APP_WORKERS: Kubernetes fills in $(APP_WORKERS)"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:24", "--forwarded-allow-ips $(TRUSTED)"));
}

TEST_CASE("Caddy 2.0 to 2.4 images keep /data on the image's anonymous volume through a compose recreate") {
  const auto compose = [](const std::string& image) {
    return "services:\n  caddy:\n    image: " + image +
           "\n    ports:\n      - \"443:443\"\n    volumes:\n      - ./Caddyfile:/etc/caddy/Caddyfile\n"
           "  api:\n    image: shop/api\n    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n";
  };
  const std::string caddyfile = "api.example.com {\n\treverse_proxy api:8000\n}\n";
  const imp::ImportResult old =
      import_files({{"docker-compose.yml", compose("caddy:2.4.6-alpine"), true}, {"Caddyfile", caddyfile, true}});
  const Scenario osc = load(old);
  REQUIRE(osc.proxy);
  CHECK(osc.proxy->persisted_storage);
  CHECK(has_entry(old, imp::EntryKind::mapped, "docker-compose.yml:3",
                  "image caddy:2.4.6-alpine: Caddy images from 2.0 to 2.4 declare VOLUME /data"));
  // From 2.5 on the image declares no volume: /data is in the container's writable layer.
  for (const char* image : {"caddy:2.8", "caddy:2", "caddy", "caddy:2.5.1-alpine", "library/caddy:2.10.0"}) {
    INFO(std::string(image));
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose(image), true}, {"Caddyfile", caddyfile, true}});
    const Scenario sc = load(r);
    REQUIRE(sc.proxy);
    CHECK_FALSE(sc.proxy->persisted_storage);
    CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:3", "/data is not on a volume"));
  }
  const imp::ImportResult docker_io = import_files(
      {{"docker-compose.yml", compose("docker.io/library/caddy:2.3.0"), true}, {"Caddyfile", caddyfile, true}});
  CHECK(load(docker_io).proxy->persisted_storage);
}

TEST_CASE("the Korean report: a drop-in's file kind and Caddy's automatic HTTPS in Korean") {
  const std::vector<imp::TextFile> files{
      {"srv/api.service", "[Service]\nExecStart=/srv/.venv/bin/uvicorn app:app --port 8000\n", true},
      {"srv/api.service.d/override.conf", "[Service]\nRestart=always\n", true},
      {"srv/Caddyfile", "api.example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n", true}};
  const imp::ImportResult r = imp::import_texts(files, ko());
  REQUIRE(r.ok());
  const std::string report = imp::format_report(r, ko());
  CHECK(report.find("srv/api.service.d/override.conf (systemd 드롭인)") != std::string::npos);
  CHECK(report.find("자동 HTTPS -> certificate.issuer") != std::string::npos);
  CHECK(report.find("drop-in") == std::string::npos);
  CHECK(report.find("automatic HTTPS") == std::string::npos);
}
