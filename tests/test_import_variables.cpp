// What the importer fills in from the files' variables, and which files it reads together:
// Kubernetes $(NAME), a sh -c script's shell, Compose's .env and $$, a systemd specifier, a
// Unix-socket upstream, Traefik in a Compose file of its own, routes that serve one path, and
// Compose files merged (an override file, `extends:`).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

TEST_CASE("Kubernetes fills in $(NAME) in command and args from the container's env") {
  const imp::ImportResult k = import_ok_texts(api_deployment(R"(          env:
            - name: PORT
              value: "8080"
            - name: WORKERS
              valueFrom:
                configMapKeyRef: {name: api, key: workers}
          command: [uvicorn]
          args: [app.main:app, --host, 0.0.0.0, --port, $(PORT), --workers, $(WORKERS), --root-path, $$(PORT)]
)"));
  const Scenario sc = load(k);
  CHECK(service(sc, "api").port == 8080);
  CHECK(has_entry(k, imp::EntryKind::mapped, "k8s.yaml:16", "env PORT: Kubernetes fills in $(PORT)"));
  // A value read at run time (a ConfigMap) is not in the files: the server's default, said.
  CHECK(service(sc, "api").workers == 1);
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:22", "--workers $(WORKERS): the variable's value is not"));
  // $$ is one $: "$$(PORT)" reaches the server as the text "$(PORT)".
  CHECK(has_entry(k, imp::EntryKind::ignored, "k8s.yaml:22", "--root-path $(PORT)"));
}

TEST_CASE("a Deployment's strategy without a type, or with one Kubernetes refuses") {
  const std::string pod =
      "          command: [gunicorn, -k, uvicorn.workers.UvicornWorker, -b, unix:/run/api.sock, a:app]\n"
      "  replicas: 4\n"
      "  strategy:\n";
  const imp::ImportResult k = import_ok_texts(api_deployment(pod + "    rollingUpdate: {maxSurge: 1}\n"));
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:17", "rollout = \"rolling\": no strategy.type"));
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:18", "max_unavailable = 25: no rollingUpdate.maxUnavailable"));
  CHECK(has_entry(k, imp::EntryKind::ignored, "k8s.yaml:15", "--bind unix:/run/api.sock: Unix sockets"));
  const imp::ImportResult bad =
      imp::import_texts({{"k8s.yaml", api_deployment(pod + "    type: Rolling\n"), true}}, en());
  CHECK(has_error(bad, "k8s.yaml:18:11", "'strategy.type' is Rolling, expected RollingUpdate, Recreate"));
}

TEST_CASE("a Unix socket between nginx and Gunicorn, a template unit's %i") {
  const std::string unit = R"([Service]
ExecStart=/srv/shop/.venv/bin/gunicorn -k uvicorn.workers.UvicornWorker -w 3 --bind unix:/run/gunicorn.sock app.main:app
Restart=on-failure
)";
  const std::string site = R"(upstream app_server {
    server unix:/run/gunicorn.sock fail_timeout=0;
}
server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        proxy_pass http://app_server;
    }
}
)";
  // Gunicorn's deployment guide's upstream: the socket the unit binds, modelled as TCP.
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"shop.conf", site, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->routes.at(0).pool == "api");
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:2", "unix:/run/gunicorn.sock: Unix sockets are not modelled"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "api.service:2", "--bind unix:/run/gunicorn.sock"));
  // proxy_pass to a socket directly.
  std::string direct = site;
  direct.replace(direct.find("http://app_server"), 17, "http://unix:/run/gunicorn.sock:");
  CHECK(load(import_files({{"api.service", unit, true}, {"shop.conf", direct, true}})).proxy->routes.at(0).pool ==
        "api");
  // api@.service: %i is the instance's name, known when systemd starts it.
  const imp::ImportResult t =
      import_files({{"api@.service", "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port %i\n", true}});
  CHECK(load(t).services.at(0).port == 8000);
  CHECK(has_entry(t, imp::EntryKind::assumed, "api@.service:2", "--port %i: the variable's value is not in the files"));
}

TEST_CASE("a sh -c script's shell fills in variables from the environment the files give") {
  // Compose reads $$ as one $, so the container's shell fills in ${GUNICORN_WORKERS:-3}.
  const std::string compose = R"(services:
  api:
    image: registry.example.com/shop/api:1.4.2
    environment:
      GUNICORN_WORKERS: 5
    command: sh -c "gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 -w $${GUNICORN_WORKERS:-3} a:app"
  web:
    image: registry.example.com/shop/web:1.0.0
    command: sh -c "uvicorn web.main:app --host 0.0.0.0 --port $${PORT:-8001}"
)";
  const imp::ImportResult c = import_files({{"docker-compose.yml", compose, true}});
  const Scenario csc = load(c);
  CHECK(service(csc, "api").workers == 5);
  CHECK(has_entry(c, imp::EntryKind::mapped, "docker-compose.yml:4", "environment: GUNICORN_WORKERS is read"));
  CHECK(service(csc, "web").port == 8001);
  CHECK(has_entry(c, imp::EntryKind::assumed, "docker-compose.yml:9", "${PORT:-8001}: the shell fills it in"));
  // Kubernetes: a value in env is used; one from a ConfigMap is not in the files.
  const imp::ImportResult k = import_ok_texts(api_deployment(R"(          env:
            - {name: PORT, value: "8080"}
            - name: UVICORN_WORKERS
              valueFrom: {configMapKeyRef: {name: api, key: workers}}
          command: ["/bin/sh", "-c"]
          args: ['exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}" --workers "${UVICORN_WORKERS:-4}"']
)"));
  const Scenario ksc = load(k);
  CHECK(service(ksc, "api").port == 8080);
  CHECK(service(ksc, "api").workers == 4);
  CHECK(has_entry(k, imp::EntryKind::assumed, "k8s.yaml:20", "${UVICORN_WORKERS:-4}: the shell fills it in"));
}

TEST_CASE("Traefik in a Compose file of its own routes the labels of the other (docker compose -f a -f b)") {
  // full-stack-fastapi-template's layout: the app's labels in docker-compose.yml, the public
  // Traefik in docker-compose.traefik.yml.
  const std::string app = R"(services:
  backend:
    image: registry.example.com/shop/backend:1.0.0
    command: fastapi run --workers 4 app/main.py
    labels:
      - traefik.enable=true
      - traefik.http.routers.backend-https.rule=Host(`api.shop.example.com`)
      - traefik.http.routers.backend-https.entrypoints=https
      - traefik.http.routers.backend-https.tls.certresolver=le
)";
  const std::string traefik = R"(services:
  traefik:
    image: traefik:3.0
    command:
      - --providers.docker
      - --entrypoints.https.address=:443
      - --certificatesresolvers.le.acme.storage=/certificates/acme.json
      - --certificatesresolvers.le.acme.tlschallenge=true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - traefik-public-certificates:/certificates
volumes:
  traefik-public-certificates:
)";
  for (const bool traefik_first : {false, true}) {
    INFO("Traefik's file first: ", traefik_first);
    const std::vector<imp::TextFile> files =
        traefik_first ? std::vector<imp::TextFile>{{"docker-compose.traefik.yml", traefik, true},
                                                   {"docker-compose.yml", app, true}}
                      : std::vector<imp::TextFile>{{"docker-compose.yml", app, true},
                                                   {"docker-compose.traefik.yml", traefik, true}};
    const imp::ImportResult r = import_files(files);
    const Scenario sc = load(r);
    REQUIRE(sc.proxy);
    REQUIRE(sc.proxy->routes.size() == 1);
    CHECK(sc.proxy->routes[0].pool == "backend");
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].challenge == Challenge::tls_alpn01);
    CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.traefik.yml:11", "proxy.persisted_storage = true"));
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:7", "no Traefik container"));
  }
}

TEST_CASE("a Compose file is filled in from the .env of its folder, as docker compose does") {
  const std::string env = "# the stack\nDOMAIN=shop.example.com\nexport WORKERS=\"4\"  # per container\nEMPTY=\n";
  const std::string compose = R"(services:
  backend:
    image: registry.example.com/shop/backend:${TAG-latest}
    command: uvicorn app.main:app --host 0.0.0.0 --workers ${WORKERS:-2} --port ${EMPTY:-8001}
    labels:
      - traefik.http.routers.backend.rule=Host(`api.${DOMAIN?Variable not set}`)
      - traefik.http.routers.backend.tls.certresolver=le
  traefik:
    image: traefik:3.0
    command: [--providers.docker, --certificatesresolvers.le.acme.tlschallenge=true]
)";
  const imp::ImportResult r = import_files({{"shop/.env", env, true}, {"shop/docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  CHECK(service(sc, "backend").workers == 4);
  CHECK(service(sc, "backend").port == 8001);  // ${EMPTY:-8001}: empty takes the default
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "api.shop.example.com");
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop/.env:2", "DOMAIN=shop.example.com: docker compose fills it in"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop/.env:3", "WORKERS=4"));
  // The label's port beside a command that listens elsewhere: Traefik would answer 502, which is said.
  std::string wrong = compose;
  wrong.insert(wrong.find("  traefik:"), "      - traefik.http.services.backend.loadbalancer.server.port=8080\n");
  const imp::ImportResult w = import_files({{"shop/.env", env, true}, {"shop/docker-compose.yml", wrong, true}});
  CHECK(has_entry(w, imp::EntryKind::ignored, "shop/docker-compose.yml:8",
                  "loadbalancer.server.port=8080: the app listens on 8001, so Traefik would answer 502 Bad Gateway"));
  // Another folder's .env is not this file's: ${DOMAIN?...} has no value, which docker compose refuses.
  const imp::ImportResult other =
      imp::import_texts({{"other/.env", env, true}, {"shop/docker-compose.yml", compose, true}}, en());
  CHECK(has_error(other, "shop/docker-compose.yml:6:53",
                  "required variable DOMAIN is missing a value: Variable not set", false));
  std::string no_domain = compose;
  no_domain.replace(no_domain.find("${DOMAIN?Variable not set}"), 26, "shop.example.com");
  const imp::ImportResult alone =
      import_files({{"other/.env", env, true}, {"shop/docker-compose.yml", no_domain, true}});
  CHECK(service(load(alone), "backend").workers == 2);
}

TEST_CASE("a Compose file's ${VAR:-default} takes its default anywhere when no .env sets VAR") {
  const std::string compose = R"(services:
  api:
    image: x/api:${TAG:-latest}
    command: uvicorn app:app --host 0.0.0.0 --port ${PORT:-8000}
    mem_limit: ${MEM:-512m}
    deploy:
      replicas: ${N:-2}
    environment:
      SENTRY_DSN: ${SENTRY_DSN:-}
  # a comment is not interpolated: ${NOT_SET:?never read}
  proxy:
    image: caddy:2
    ports: ["443:443"]
    volumes: ["./Caddyfile:/etc/caddy/Caddyfile"]
)";
  const std::string caddyfile = "x.example.com {\n\treverse_proxy api:8000\n}\n";
  SUBCASE("without a .env, and with one that sets other names") {
    for (const bool with_env : {false, true}) {
      std::vector<imp::TextFile> files{{"p/compose.yaml", compose, true}, {"p/Caddyfile", caddyfile, true}};
      if (with_env) files.push_back({"p/.env", "TAG=1.0\n", true});
      const imp::ImportResult r = import_files(files);
      const Scenario sc = load(r);
      const ServiceSpec& api = service(sc, "api");
      CHECK(api.hosts.size() == 2);
      CHECK(api.supervisor.memory_limit == 512ull * 1024 * 1024);
      CHECK(api.port == 8000);
      CHECK(
          has_entry(r, imp::EntryKind::assumed, "p/compose.yaml:7",
                    "${N:-2} is filled in from the shell or .env when docker compose runs: its default, 2, is taken"));
      CHECK(has_entry(r, imp::EntryKind::assumed, "p/compose.yaml:5", "${MEM:-512m}"));
      // full-stack-fastapi-template writes ${SMTP_USER:-}: the empty default is said in words.
      CHECK(has_entry(r, imp::EntryKind::assumed, "p/compose.yaml:9",
                      "${SENTRY_DSN:-} is filled in from the shell or .env when docker compose runs: its default, an "
                      "empty value, is taken"));
      CHECK(has_entry(r, imp::EntryKind::mapped, "p/compose.yaml:7", "deploy.replicas -> hosts = 2"));
    }
  }
  SUBCASE("${VAR:?message} without a value stops docker compose, so the import") {
    std::string required = compose;
    required.replace(required.find("${N:-2}"), 7, "${N:?set the replicas}");
    const imp::ImportResult r =
        imp::import_texts({{"p/compose.yaml", required, true}, {"p/Caddyfile", caddyfile, true}}, en());
    CHECK_FALSE(r.ok());
    CHECK(has_error(r, "p/compose.yaml:7:17", "required variable N is missing a value: set the replicas", false));
    const imp::ImportResult empty = imp::import_texts(
        {{"p/compose.yaml", required, true}, {"p/Caddyfile", caddyfile, true}, {"p/.env", "N=\n", true}}, en());
    CHECK(has_error(empty, "p/compose.yaml:7:17", "required variable N is missing a value", false));
    const imp::ImportResult set =
        import_files({{"p/compose.yaml", required, true}, {"p/Caddyfile", caddyfile, true}, {"p/.env", "N=3\n", true}});
    CHECK(service(load(set), "api").hosts.size() == 3);
  }
}

TEST_CASE("a route that takes one path of the host is said: Caddy handle_path, nginx location, Ingress path") {
  const std::string caddy =
      "shop.example.com {\n\thandle_path /api/* {\n\t\treverse_proxy 127.0.0.1:8000\n\t}\n"
      "\thandle {\n\t\tfile_server\n\t}\n}\n";
  // Said as the file writes it: the block's line, not a "reverse_proxy /api/*" it never writes.
  CHECK(has_entry(import_files({{"Caddyfile", caddy, true}}), imp::EntryKind::ignored, "Caddyfile:2",
                  "handle_path /api/*: only these paths go to the app"));
  const std::string site = R"(server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        try_files $uri /index.html;
    }
    location /api/ {
        proxy_pass http://127.0.0.1:8000;
    }
    location /ws/ {
        proxy_pass http://127.0.0.1:8001;
    }
}
)";
  const imp::ImportResult n = import_files({{"shop.conf", site, true}});
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:9", "location /api/: only these paths go to the app"));
  CHECK(has_entry(n, imp::EntryKind::ignored, "shop.conf:13", "location /ws/ proxy_pass: path rules are not modelled"));
  const imp::ImportResult k = import_ok_texts(
      api_deployment("          command: [uvicorn, app.main:app, --host, 0.0.0.0]\n" + api_service + R"(---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend: {service: {name: api, port: {number: 80}}}
)"));
  CHECK(has_entry(k, imp::EntryKind::ignored, "k8s.yaml:32", "path /api: only these paths go to the app"));
}

TEST_CASE("compose.override.yml is merged over compose.yaml, as `docker compose up` merges them") {
  const std::string base = dir + "/compose-override/compose.yaml",
                    over = dir + "/compose-override/compose.override.yml";
  const imp::ImportResult r = import_ok({dir + "/compose-override"});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.workers == 4);                    // the override's command replaces the base's
  CHECK(api.supervisor.restart == "always");  // a later value wins
  CHECK(api.supervisor.memory_limit == std::optional<uint64_t>(2ULL << 30));  // a key only the override has
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 2);  // the override's router rule, over the base's labels
  CHECK(sc.proxy->routes[1].host == "shop.example.com");
  CHECK(sc.proxy->persisted_storage);  // the base's Traefik and its volume, untouched
  // Each value names the file and line it came from.
  CHECK(has_entry(r, imp::EntryKind::mapped, over, "merged over " + base));
  CHECK(has_entry(r, imp::EntryKind::mapped, over + ":4", "workers = 4"));
  CHECK(has_entry(r, imp::EntryKind::mapped, over + ":5", "supervisor.restart = \"always\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, base + ":28", "certificate.renewal = \"proxy\""));
  CHECK(r.scenario_text.find("restart = \"always\"  # from " + over + ":5\n") != std::string::npos);

  // Lists are appended, but a port, a volume's target or an environment entry of the same name
  // is replaced; labels written as a list on one side and a map on the other merge by name.
  const std::string compose = R"(services:
  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    environment:
      - WEB_CONCURRENCY=2
      - DATABASE_URL=postgresql://db/shop
)";
  const std::string override_env = R"(services:
  api:
    environment:
      WEB_CONCURRENCY: "3"
)";
  const imp::ImportResult e =
      import_files({{"compose.yaml", compose, true}, {"compose.override.yaml", override_env, true}});
  CHECK(service(load(e), "api").workers == 3);
  // A Compose file of another name beside them is no override: not merged unless -f or
  // COMPOSE_FILE says so (test_import_compose_files.cpp); one of overrides only is said as such.
  const imp::ImportResult apart =
      import_files({{"compose.yaml", compose, true}, {"compose.prod.yaml", override_env, true}});
  CHECK(service(load(apart), "api").workers == 2);
  CHECK(has_entry(apart, imp::EntryKind::ignored, "compose.prod.yaml:2",
                  "compose.prod.yaml seems to extend another Compose file"));
}

TEST_CASE("a Compose service that extends another of its file takes its keys, its own over them") {
  const std::string compose = R"(x-app: &app
  image: registry.example.com/shop/api:1.4.2
services:
  base:
    <<: *app
    restart: on-failure:5
    mem_limit: 1g
    command: uvicorn app.main:app --workers 2
  api:
    extends: base
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 3
  worker:
    extends:
      service: api
    restart: always
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.workers == 3);
  CHECK(api.supervisor.restart == "on-failure");
  CHECK(api.supervisor.max_retries == 5);
  CHECK(api.supervisor.memory_limit == std::optional<uint64_t>(1ULL << 30));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:10", "extends: base"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:6", "supervisor.restart = \"on-failure:5\""));
  // A chain: worker extends api, which extends base.
  const ServiceSpec& worker = service(sc, "worker");
  CHECK(worker.workers == 3);
  CHECK(worker.supervisor.restart == "always");
  CHECK(worker.supervisor.memory_limit == std::optional<uint64_t>(1ULL << 30));

  // A base that is not there, a cycle, and a base in another file.
  const auto error_of = [](const std::string& text) {
    const imp::ImportResult x = imp::import_texts({{"docker-compose.yml", text, true}}, en());
    for (const auto& entry : x.report)
      if (entry.kind == imp::EntryKind::error) return entry.pos.str() + ": " + entry.message;
    return std::string();
  };
  CHECK(error_of("services:\n  api:\n    extends: nowhere\n    command: uvicorn a:app\n") ==
        "docker-compose.yml:3:14: extends: no service \"nowhere\" in this file");
  CHECK(error_of("services:\n  a:\n    extends: b\n  b:\n    extends: a\n") ==
        "docker-compose.yml:5:14: extends: b and a extend each other; docker compose refuses such a file (a "
        "circular reference)");
  const imp::ImportResult other = import_files(
      {{"docker-compose.yml",
        "services:\n  api:\n    extends: {file: common.yml, service: app}\n    command: uvicorn a:app\n", true}});
  CHECK(has_entry(other, imp::EntryKind::ignored, "docker-compose.yml:3",
                  "extends: app of common.yml: a service of another file, which the import does not read"));
}

TEST_CASE("a StatefulSet rolls one pod at a time; a database's StatefulSet is no app") {
  const std::string sts = api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0, --port, "8000"]
  serviceName: api
  replicas: 3
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: redis
  selector:
    matchLabels: {app: redis}
  template:
    metadata:
      labels: {app: redis}
    spec:
      containers:
        - name: redis
          image: redis:7.2
)",
                                         "StatefulSet");
  const imp::ImportResult r = import_ok_texts(sts);
  const Scenario sc = load(r);
  REQUIRE(sc.services.size() == 1);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.hosts.size() == 3);
  CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:1", "max_surge = 0: a StatefulSet's RollingUpdate replaces"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "k8s.yaml:1", "max_unavailable = 34"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:22",
                  "StatefulSet redis (redis:7.2): neither an ASGI app nor a proxy"));
  // OnDelete: no rollout to model, said.
  std::string on_delete = sts.substr(0, sts.find("---"));
  on_delete.insert(on_delete.find("  selector:"), "  updateStrategy:\n    type: OnDelete\n");
  const imp::ImportResult o = import_ok_texts(on_delete);
  CHECK(has_entry(o, imp::EntryKind::ignored, "k8s.yaml:7", "updateStrategy OnDelete"));
}

TEST_CASE("a Compose service in a profile runs only when COMPOSE_PROFILES in the .env names it") {
  const std::string compose = R"(services:
  api:
    image: shop/api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
  admin:
    image: shop/api
    command: uvicorn admin.main:app --host 0.0.0.0 --port 8000
    profiles: [admin]
)";
  const imp::ImportResult off = import_files({{"docker-compose.yml", compose, true}});
  CHECK(load(off).services.size() == 1);
  CHECK(has_entry(off, imp::EntryKind::ignored, "docker-compose.yml:5",
                  "service admin: in the profiles admin only, which `docker compose up` starts when one is active"));
  const imp::ImportResult on =
      import_files({{"docker-compose.yml", compose, true}, {".env", "COMPOSE_PROFILES=admin,debug\n", true}});
  CHECK(load(on).services.size() == 2);
  CHECK(has_entry(on, imp::EntryKind::mapped, "docker-compose.yml:8", "active through COMPOSE_PROFILES"));
}

TEST_CASE("a Compose service's env_file: gives its environment, under environment:") {
  const std::string compose = R"(services:
  api:
    image: shop/api
    command: gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000 app.main:app
    env_file:
      - api.env
      - path: missing.env
        required: false
  worker:
    image: shop/api
    command: gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8001 app.main:app
    env_file: api.env
    environment:
      WEB_CONCURRENCY: "2"
)";
  const imp::ImportResult r = import_files({{"deploy/docker-compose.yml", compose, true},
                                            {"deploy/api.env", "# tuned for 8 cores\nWEB_CONCURRENCY=6\n", true}});
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[1].kind == imp::FileKind::dotenv);
  const Scenario sc = load(r);
  CHECK(service(sc, "api").workers == 6);
  CHECK(has_entry(r, imp::EntryKind::mapped, "deploy/api.env:2", "workers = 6"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "deploy/docker-compose.yml:5", "env_file deploy/api.env"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/docker-compose.yml:5",
                  "env_file deploy/missing.env: not among the files given"));
  CHECK(service(sc, "worker").workers == 2);  // environment: wins over the env file
}

TEST_CASE("kubectl get -o yaml's kind: List is read item by item") {
  std::string deployment = api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0, --workers, "3"]
)");
  // The Deployment as an item of the List: every line two spaces further in, the first after "- ".
  std::string items;
  size_t begin = 0;
  while (begin < deployment.size()) {
    const size_t end = deployment.find('\n', begin);
    items += (begin == 0 ? "  - " : "    ") + deployment.substr(begin, end - begin) + "\n";
    begin = end + 1;
  }
  const imp::ImportResult r = import_ok_texts("apiVersion: v1\nkind: List\nitems:\n" + items + "metadata: {}\n");
  CHECK(service(load(r), "api").workers == 3);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:2",
                  "kind: List (what kubectl get -o yaml writes): each of its items read as a manifest (1 in all)"));
}

TEST_CASE("a container's environment from a ConfigMap in the files: envFrom and configMapKeyRef") {
  const std::string config = R"(
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  WEB_CONCURRENCY: "6"
  PORT_NUMBER: "8080"
)";
  const imp::ImportResult r =
      import_ok_texts(api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0]
          envFrom:
            - configMapRef:
                name: api-config
)") + config);
  CHECK(service(load(r), "api").workers == 6);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:26", "WEB_CONCURRENCY -> workers = 6"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:16", "envFrom: the variables of the ConfigMaps"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:21", "ConfigMap api-config: read where a container"));

  // One key by reference; the container's own entry wins over envFrom.
  const imp::ImportResult k =
      import_ok_texts(api_deployment(R"(          command: [uvicorn, app.main:app, --host, 0.0.0.0]
          env:
            - name: UVICORN_WORKERS
              valueFrom:
                configMapKeyRef: {name: api-config, key: WEB_CONCURRENCY}
)") + config);
  CHECK(service(load(k), "api").workers == 6);
  CHECK(has_entry(k, imp::EntryKind::mapped, "k8s.yaml:27", "UVICORN_WORKERS -> workers = 6"));
}

TEST_CASE("a Caddyfile's import of files reads them where the line is, as Caddy does") {
  const std::string caddyfile = R"(import common.caddy

(proxy_app) {
	reverse_proxy {args[0]} {
		header_up X-Real-IP {remote_host}
	}
}

app.example.com {
	handle_path /v2/* {
		import proxy_app 127.0.0.1:8001
	}
	import proxy_app 127.0.0.1:8000
}

web.example.com {
	import proxy_app 127.0.0.1:8002
}

import sites/*.caddy
)";
  const std::string docs = "docs.example.com {\n\treverse_proxy 127.0.0.1:8003\n}\n";
  const std::string shop = "shop.example.com {\n\timport ../snippets/tls.caddy\n\treverse_proxy 127.0.0.1:8004\n}\n";
  const auto hosts = [](const Scenario& sc) {
    std::vector<std::string> out;
    for (const RouteSpec& route : sc.proxy->routes) out.push_back(route.host);
    return out;
  };
  // Read once, in the Caddyfile, not again as files of their own: no route twice.
  SUBCASE("the files given: a glob at the end, a file inside a site, in name order") {
    const imp::ImportResult r = import_files({{"deploy/Caddyfile", caddyfile, true},
                                              {"deploy/sites/shop.caddy", shop, true},
                                              {"deploy/sites/docs.caddy", docs, true},
                                              {"deploy/snippets/tls.caddy", "tls internal\n", false}});
    const Scenario sc = load(r);
    REQUIRE(sc.proxy);
    CHECK(hosts(sc) ==
          std::vector<std::string>{"app.example.com", "web.example.com", "docs.example.com", "shop.example.com"});
    CHECK(has_entry(r, imp::EntryKind::mapped, "deploy/Caddyfile:20",
                    "import sites/*.caddy: deploy/sites/docs.caddy is read here"));
    CHECK(has_entry(r, imp::EntryKind::mapped, "deploy/sites/shop.caddy:2",
                    "import ../snippets/tls.caddy: deploy/snippets/tls.caddy is read here"));
    const auto shop_cert = std::find_if(sc.certificates.begin(), sc.certificates.end(),
                                        [](const CertificateSpec& c) { return c.domain == "shop.example.com"; });
    REQUIRE(shop_cert != sc.certificates.end());
    CHECK(shop_cert->issuer == Issuer::private_ca);
    CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/Caddyfile:1", "import common.caddy: no such file"));
  }
  SUBCASE("the files not given: each import is said at its line, the rest read as Caddy reads it") {
    const imp::ImportResult r = import_files({{"deploy/Caddyfile", caddyfile, true}});
    const Scenario sc = load(r);
    CHECK(hosts(sc) == std::vector<std::string>{"app.example.com", "web.example.com"});
    CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/Caddyfile:20", "import sites/*.caddy: no such file"));
    // What a snippet gives a site is said at the import that uses it; its own lines once.
    CHECK(
        has_entry(r, imp::EntryKind::ignored, "deploy/Caddyfile:10", "handle_path /v2/*: path rules are not modelled"));
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "deploy/Caddyfile:4", "reverse_proxy /v2/*"));
    CHECK(std::count_if(r.report.begin(), r.report.end(), [](const imp::ReportEntry& e) {
            return e.message.find("header_up") != std::string::npos;
          }) == 1);
  }
}
