// What the importer makes of files a new hire's second audit found misread: a certbot container
// beside nginx (F6), Traefik's tls.options.default (F7), replicas of a service with a fixed
// published port (F9), Hypercorn terminating TLS itself (F13), and report lines that contradicted
// each other (F10, F11).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

// nginx in front of the api, its certificate from certbot's webroot (the audit's c1).
const std::string orders_conf = R"(upstream orders_api {
    server api:8000;
}

server {
    listen 80;
    server_name orders.example.com;
    location /.well-known/acme-challenge/ {
        root /var/www/certbot;
    }
    location / {
        return 301 https://$host$request_uri;
    }
}

server {
    listen 443 ssl;
    http2 on;
    server_name orders.example.com;

    ssl_certificate     /etc/letsencrypt/live/orders.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/orders.example.com/privkey.pem;

    location / {
        proxy_pass http://orders_api;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
)";

// The Compose file: api, nginx (`nginx_extra` below its volumes, line 17 on) and a certbot
// container whose entrypoint is `certbot_loop` (line 22 without `nginx_extra`).
std::string certbot_compose(const std::string& nginx_extra, const std::string& certbot_loop) {
  return R"(services:
  api:
    image: registry.example.com/acme/orders-api:2024.06.1
    command: >
      gunicorn app.main:app
      --workers 4
      --worker-class uvicorn.workers.UvicornWorker
      --bind 0.0.0.0:8000
    restart: unless-stopped
  nginx:
    image: nginx:1.25-alpine
    ports: ["80:80", "443:443"]
    volumes:
      - ./nginx/conf.d:/etc/nginx/conf.d:ro
      - certbot-www:/var/www/certbot:ro
      - certbot-conf:/etc/letsencrypt:ro
)" + nginx_extra +
         R"(  certbot:
    image: certbot/certbot:v2.11.0
    volumes:
      - certbot-www:/var/www/certbot:rw
      - certbot-conf:/etc/letsencrypt:rw
)" + certbot_loop +
         R"(volumes:
  certbot-www:
  certbot-conf:
)";
}

const CertificateSpec& cert(const Scenario& sc, const std::string& domain) {
  const auto it = std::find_if(sc.certificates.begin(), sc.certificates.end(),
                               [&](const CertificateSpec& c) { return c.domain == domain; });
  REQUIRE(it != sc.certificates.end());
  return *it;
}

}  // namespace

TEST_CASE("F6: a certbot container without a deploy hook: nginx keeps the old certificate after renewal") {
  const std::string compose = certbot_compose(
      "",
      "    entrypoint: /bin/sh -c 'trap exit TERM; while :; do certbot renew --webroot -w /var/www/certbot; "
      "sleep 12h & wait $${!}; done;'\n");
  const imp::ImportResult r =
      import_files({{"docker-compose.yml", compose, true}, {"nginx/conf.d/orders.conf", orders_conf, true}});
  const Scenario sc = load(r);
  const CertificateSpec& c = cert(sc, "orders.example.com");
  CHECK(c.renewal == Renewal::certbot);
  CHECK_FALSE(c.reload_after_renewal);
  CHECK(has_text(r, "reload_after_renewal = false"));
  // The files show who renews: the container, not an assumed timer.
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:17",
                  "service certbot -> certificate.renewal = \"certbot\""));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "nginx/conf.d/orders.conf:21", "certbot's timer"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:17", "neither an ASGI app nor a proxy"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "nginx/conf.d/orders.conf:21",
                  "certificate.reload_after_renewal = false: the certbot container certbot (docker-compose.yml:17) "
                  "renews the file, but nothing in the files reloads nginx"));
}

TEST_CASE("F6: a --deploy-hook that reaches nginx, or an nginx reload loop, reloads the renewed certificate") {
  SUBCASE("a --deploy-hook runs in certbot's container, where no nginx runs") {
    const std::string compose =
        certbot_compose("",
                        "    entrypoint: /bin/sh -c 'while :; do certbot renew --deploy-hook \"nginx -s reload\"; "
                        "sleep 12h; done'\n");
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose, true}, {"nginx/conf.d/orders.conf", orders_conf, true}});
    CHECK_FALSE(cert(load(r), "orders.example.com").reload_after_renewal);
    CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:22",
                    "certificate.reload_after_renewal = false: --deploy-hook in the certbot container certbot: certbot "
                    "runs its hook there, where no nginx runs"));
  }
  SUBCASE("a --deploy-hook through the Docker socket") {
    const std::string compose = certbot_compose(
        "",
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
        "    entrypoint: /bin/sh -c 'while :; do certbot renew --deploy-hook \"docker kill -s HUP orders-nginx-1\"; "
        "sleep 12h; done'\n");
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose, true}, {"nginx/conf.d/orders.conf", orders_conf, true}});
    CHECK(cert(load(r), "orders.example.com").reload_after_renewal);
    CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:23",
                    "--deploy-hook -> certificate.reload_after_renewal = true"));
  }
  SUBCASE("the Docker socket, but a docker command that reloads no nginx") {
    const std::string compose =
        certbot_compose("",
                        "      - /var/run/docker.sock:/var/run/docker.sock\n"
                        "    entrypoint: /bin/sh -c 'while :; do certbot renew --deploy-hook \"docker restart api\"; "
                        "sleep 12h; done'\n");
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose, true}, {"nginx/conf.d/orders.conf", orders_conf, true}});
    CHECK_FALSE(cert(load(r), "orders.example.com").reload_after_renewal);
  }
  SUBCASE("nginx -s reload every 6 hours in the nginx container") {
    const std::string compose = certbot_compose(
        "    command: \"/bin/sh -c 'while :; do sleep 6h & wait $${!}; nginx -s reload; done & nginx -g \\\"daemon "
        "off;\\\"'\"\n",
        "    entrypoint: /bin/sh -c 'while :; do certbot renew; sleep 12h; done'\n");
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose, true}, {"nginx/conf.d/orders.conf", orders_conf, true}});
    CHECK(cert(load(r), "orders.example.com").reload_after_renewal);
    CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:17",
                    "nginx -s reload -> certificate.reload_after_renewal = true"));
    CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:17", "command: runs nginx -s reload"));
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:17", "command"));
  }
}

TEST_CASE("F6: nginx on a server with a certbot certificate: no reload unless certbot --nginx wrote the file") {
  const std::string unit = R"([Unit]
Description=orders API

[Service]
ExecStart=/srv/orders/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000
Restart=always

[Install]
WantedBy=multi-user.target
)";
  const std::string site = R"(server {
    listen 443 ssl;
    server_name orders.example.com;
    ssl_certificate /etc/letsencrypt/live/orders.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/orders.example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
)";
  SUBCASE("certonly: no reload") {
    const imp::ImportResult r = import_files({{"orders.service", unit, true}, {"sites-enabled/orders", site, true}});
    CHECK_FALSE(cert(load(r), "orders.example.com").reload_after_renewal);
    CHECK(has_entry(r, imp::EntryKind::assumed, "sites-enabled/orders:4",
                    "certificate.reload_after_renewal = false: certbot's renewal configuration is not in the files"));
  }
  SUBCASE("certbot --nginx: its installer reloads nginx") {
    std::string managed = site;
    managed.replace(managed.find("fullchain.pem;"), 14, "fullchain.pem; # managed by Certbot");
    const imp::ImportResult r = import_files({{"orders.service", unit, true}, {"sites-enabled/orders", managed, true}});
    CHECK(cert(load(r), "orders.example.com").reload_after_renewal);
    CHECK(has_entry(r, imp::EntryKind::assumed, "sites-enabled/orders:4", "# managed by Certbot"));
  }
}

namespace {

// Traefik v2.11 with a static file and a file provider directory (the audit's c2); `options` is
// the dynamic file's tls section from line 16 on.
std::vector<imp::TextFile> traefik_files(const std::string& options) {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v2.11
    restart: always
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./traefik/traefik.yml:/etc/traefik/traefik.yml:ro
      - ./traefik/dynamic:/etc/traefik/dynamic:ro
      - ./letsencrypt:/letsencrypt
  admin:
    image: ghcr.io/example/billing-admin:1.4.2
    command: ["hypercorn", "admin.app:app", "--bind", "0.0.0.0:9000", "--workers", "2"]
    restart: unless-stopped
)";
  const std::string static_file = R"(entryPoints:
  web:
    address: ":80"
  websecure:
    address: ":443"
    http:
      tls:
        certResolver: letsencrypt

providers:
  file:
    directory: /etc/traefik/dynamic

certificatesResolvers:
  letsencrypt:
    acme:
      email: ops@example.org
      storage: /letsencrypt/acme.json
      httpChallenge:
        entryPoint: web
)";
  const std::string routers = R"yaml(http:
  routers:
    admin:
      rule: "Host(`admin.billing.example.org`)"
      entryPoints:
        - websecure
      service: admin
      tls:
        certResolver: letsencrypt
  services:
    admin:
      loadBalancer:
        servers:
          - url: "http://admin:9000"

)yaml" + options;
  return {{"docker-compose.yml", compose, true},
          {"traefik/traefik.yml", static_file, true},
          {"traefik/dynamic/routers.yml", routers, true}};
}

}  // namespace

TEST_CASE("F7: Traefik's tls.options.default gives the proxy its TLS versions and strict SNI") {
  const imp::ImportResult r = import_files(traefik_files(R"(tls:
  options:
    default:
      minVersion: VersionTLS13
      sniStrict: true
      cipherSuites:
        - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
)"));
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->tls_versions == tls13);
  CHECK(sc.proxy->strict_sni);
  CHECK(has_entry(r, imp::EntryKind::mapped, "traefik/dynamic/routers.yml:19",
                  "tls.options.default.minVersion -> proxy.tls_versions = [\"1.3\"]"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "traefik/dynamic/routers.yml:20",
                  "tls.options.default.sniStrict -> proxy.strict_sni = true"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "traefik/dynamic/routers.yml:18", "the default option is used"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "traefik/dynamic/routers.yml:21",
                  "tls.options.default.cipherSuites: deploysim does not model it"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "traefik/dynamic/routers.yml:18", "does not model it"));
}

TEST_CASE("F7: minVersion VersionTLS12 with sniStrict false; another option is only its routers'") {
  const imp::ImportResult r = import_files(traefik_files(R"(tls:
  options:
    default:
      minVersion: VersionTLS12
      sniStrict: false
    modern:
      minVersion: VersionTLS13
)"));
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->tls_versions == (tls12 | tls13));
  CHECK_FALSE(sc.proxy->strict_sni);
  CHECK(has_entry(r, imp::EntryKind::mapped, "traefik/dynamic/routers.yml:19",
                  "tls.options.default.minVersion -> proxy.tls_versions = [\"1.2\", \"1.3\"]"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "traefik/dynamic/routers.yml:21", "tls.options.modern"));
}

namespace {

size_t replicas(const ServiceSpec& s) { return s.hosts.empty() ? 1 : s.hosts.size(); }

}  // namespace

TEST_CASE("F9: deploy.replicas 2 with a fixed published host port: docker compose starts one replica") {
  // The audit's c8 api, behind nginx.
  const std::string site = R"(server {
    listen 443 ssl;
    server_name reports.example.com;
    ssl_certificate /etc/ssl/reports/fullchain.pem;
    ssl_certificate_key /etc/ssl/reports/privkey.pem;
    location / {
        proxy_pass http://api:8000;
    }
}
)";
  const auto compose = [](const std::string& ports) {
    return R"(services:
  api:
    image: registry.gitlab.com/acme/reports:main
    command: gunicorn reports.asgi:app -k uvicorn_worker.UvicornWorker -b 0.0.0.0:8000 --workers 3
    restart: unless-stopped
    deploy:
      replicas: 2
    ports:
)" + ports +
           R"(  nginx:
    image: nginx:1.27
    ports: ["443:443"]
    volumes:
      - ./nginx/conf.d:/etc/nginx/conf.d:ro
)";
  };
  SUBCASE("127.0.0.1:8000:8000") {
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose("      - \"127.0.0.1:8000:8000\"\n"), true},
                      {"nginx/conf.d/reports.conf", site, true}});
    const Scenario sc = load(r);
    CHECK(replicas(service(sc, "api")) == 1);
    CHECK(
        has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:7",
                  "hosts = 1: deploy.replicas 2 with the fixed host port 127.0.0.1:8000:8000 (docker-compose.yml:9)"));
    CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:7", "port is already allocated"));
  }
  SUBCASE("the long syntax, published: 8000") {
    const imp::ImportResult r =
        import_files({{"docker-compose.yml", compose("      - target: 8000\n        published: 8000\n"), true},
                      {"nginx/conf.d/reports.conf", site, true}});
    CHECK(replicas(service(load(r), "api")) == 1);
    CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:7", "the fixed host port 8000:8000"));
  }
  SUBCASE("a range, or a container port alone, gives each replica its own host port") {
    for (const char* ports : {"      - \"8000-8001:8000\"\n", "      - \"8000\"\n", "      - \"127.0.0.1::8000\"\n"}) {
      const imp::ImportResult r =
          import_files({{"docker-compose.yml", compose(ports), true}, {"nginx/conf.d/reports.conf", site, true}});
      CHECK(replicas(service(load(r), "api")) == 2);
      CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:7", "deploy.replicas -> hosts = 2"));
    }
  }
}

TEST_CASE("F13: Hypercorn terminating TLS itself: the report and the scenario say that no request is sent") {
  // The audit's c9: no proxy, Hypercorn holds the certificate and port 443.
  const std::string compose = R"(services:
  gateway:
    image: ghcr.io/example/gateway:0.9.4
    command: >
      hypercorn gateway.app:app
      --bind 0.0.0.0:8443
      --insecure-bind 0.0.0.0:8080
      --certfile /certs/live/gw.example.dev/fullchain.pem
      --keyfile /certs/live/gw.example.dev/privkey.pem
      --workers 4
    ports:
      - "443:8443"
      - "80:8080"
    volumes:
      - /etc/letsencrypt:/certs:ro
    restart: always
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  const Scenario sc = load(r);
  CHECK(sc.clients.empty());
  CHECK_FALSE(sc.proxy);
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:4",
                  "no client: service gateway terminates TLS itself (the app server holds the certificate and "
                  "the HTTPS port, as the TLS flags of its command say, each reported at its line as not "
                  "modelled), and deploysim models HTTPS at a TLS proxy"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:4", "a run of it sends no request"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml", "nothing is routed through a proxy"));
  CHECK(has_text(r, "# No [[client]]: service gateway terminates TLS itself"));
  CHECK(has_text(r, "a run of this scenario sends no request, so its availability counts none."));
}

TEST_CASE("F13: Uvicorn's --ssl-certfile, and the Korean report") {
  const std::string compose = R"(services:
  api:
    image: ghcr.io/example/api:1
    command: uvicorn app.main:app --host 0.0.0.0 --port 443 --ssl-certfile /tls/cert.pem --ssl-keyfile /tls/key.pem
    ports: ["443:443"]
)";
  const imp::ImportResult r = imp::import_texts({{"docker-compose.yml", compose, true}}, ko());
  REQUIRE(r.ok());
  CHECK(has_entry(r, imp::EntryKind::assumed, "docker-compose.yml:4",
                  "클라이언트 없음: 서비스 api의 앱 서버가 TLS를 직접 종료합니다(명령의 TLS 플래그대로"));
  CHECK(has_text(r, "# `[[client]]` 없음: 서비스 api의 앱 서버가 TLS를 직접 종료하는데"));
}

namespace {

// The audit's c3, shortened: Caddy with {$DOMAIN} from its env_file, a matcher route to worker.
imp::ImportResult caddy_notes() {
  const std::string compose = R"(name: notes

services:
  caddy:
    image: caddy:2.8-alpine
    restart: unless-stopped
    ports:
      - "80:80"
      - "443:443"
    env_file: .env
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
      - caddy_data:/data

  web:
    image: ghcr.io/example/notes:2.3.0
    command: ["fastapi", "run", "notes/main.py", "--port", "8080", "--workers", "4"]

  worker:
    image: ghcr.io/example/notes:2.3.0
    command: ["python", "-m", "uvicorn", "notes.ws:app", "--host", "0.0.0.0", "--port", "8081"]

volumes:
  caddy_data:
)";
  const std::string caddyfile = R"({$DOMAIN} {
	@ws {
		path /ws/*
	}
	reverse_proxy @ws worker:8081
	reverse_proxy web:8080
}
)";
  return import_files(
      {{"compose.yaml", compose, true}, {"Caddyfile", caddyfile, true}, {".env", "DOMAIN=notes.example.net\n", true}});
}

}  // namespace

TEST_CASE("F10: Caddy's env_file that fills {$DOMAIN} is reported as read, not as ignored") {
  const imp::ImportResult r = caddy_notes();
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "notes.example.net");
  CHECK(has_entry(r, imp::EntryKind::mapped, "compose.yaml:10",
                  "env_file: its variables are the Caddy container's environment"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "compose.yaml:10", "does not model it"));
}

TEST_CASE("F11: an app that only a matcher route names is said so, not that no site names it") {
  const imp::ImportResult r = caddy_notes();
  CHECK(has_entry(r, imp::EntryKind::ignored, "compose.yaml:20",
                  "service worker: no route of the proxy reaches it in the files read (no router, site, server block "
                  "or Ingress names it, or only a route the model leaves out, such as one for some paths or a "
                  "matcher, reported at its line)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "Caddyfile:5",
                  "reverse_proxy @ws: path rules are not modelled: this route to worker:8081 takes only the requests "
                  "its matcher picks, and the model sends every request of the site to web:8080"));
}
