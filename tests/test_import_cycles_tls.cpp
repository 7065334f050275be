// Three report bugs of `deploysim import`: an nginx include that comes back to a file being read
// (a cycle, which nginx does not check), an app server's TLS flags reported once each, and
// Traefik's TLS options of a Kubernetes TLSOption and of a router's tls.options.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

using K = imp::EntryKind;

// How many report entries hold `text`.
size_t entries_with(const imp::ImportResult& r, const std::string& text) {
  return static_cast<size_t>(std::count_if(r.report.begin(), r.report.end(), [&](const imp::ReportEntry& e) {
    return e.message.find(text) != std::string::npos;
  }));
}

const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn shop.main:app --host 0.0.0.0 --port 8000\n";

// A TLS server for shop.example.com in front of the unit (lines 1 to 7).
const std::string site = R"(server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / { proxy_pass http://127.0.0.1:8000; }
}
)";

const std::string cycle_words = "a cycle of includes";

}  // namespace

TEST_CASE("nginx: a file that includes itself is a cycle, not an include of a file not given") {
  const imp::ImportResult r =
      import_files({{"api.service", unit, true},
                    {"etc/nginx/nginx.conf", "events {}\nhttp {\n  include nginx.conf;\n" + site + "}\n", true}});
  CHECK(has_entry(r, K::ignored, "etc/nginx/nginx.conf:3",
                  "include nginx.conf: a cycle of includes (etc/nginx/nginx.conf -> etc/nginx/nginx.conf). nginx "
                  "has no check for it"));
  CHECK(has_entry(r, K::ignored, "etc/nginx/nginx.conf:3", "Too many open files"));
  CHECK(entries_with(r, "an included file is read only when it is given") == 0);
  CHECK(entries_with(r, cycle_words) == 1);
  CHECK(load(r).proxy->routes.size() == 1);  // each file read once

  const imp::ImportResult k =
      imp::import_texts({{"api.service", unit, true},
                         {"etc/nginx/nginx.conf", "events {}\nhttp {\n  include nginx.conf;\n" + site + "}\n", true}},
                        ko());
  CHECK(has_entry(k, K::ignored, "etc/nginx/nginx.conf:3", "`include`가 순환합니다"));
}

TEST_CASE("nginx: snippets that include each other, a glob that matches its own file, files read on their own") {
  // a.conf includes b.conf, which includes a.conf: said once, at the include that closes the cycle.
  const imp::ImportResult r =
      import_files({{"api.service", unit, true},
                    {"etc/nginx/nginx.conf", "events {}\nhttp {\n  include snippets/a.conf;\n" + site + "}\n", true},
                    {"etc/nginx/snippets/a.conf", "include snippets/b.conf;\n", false},
                    {"etc/nginx/snippets/b.conf", "include snippets/a.conf;\n", false}});
  CHECK(has_entry(r, K::ignored, "etc/nginx/snippets/b.conf:1",
                  "include snippets/a.conf: a cycle of includes (etc/nginx/snippets/a.conf -> "
                  "etc/nginx/snippets/b.conf -> etc/nginx/snippets/a.conf)"));
  CHECK(has_entry(r, K::mapped, "etc/nginx/snippets/a.conf:1",
                  "include snippets/b.conf: nginx reads etc/nginx/snippets/b.conf here"));
  CHECK(entries_with(r, cycle_words) == 1);
  CHECK(entries_with(r, "an included file is read only when it is given") == 0);

  // A conf.d file whose glob matches itself: nginx reads it again in its own place.
  const imp::ImportResult g =
      import_files({{"api.service", unit, true},
                    {"etc/nginx/nginx.conf", "events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n", true},
                    {"etc/nginx/conf.d/a.conf", "include /etc/nginx/conf.d/*.conf;\n" + site, true},
                    {"etc/nginx/conf.d/b.conf", "upstream spare { server 127.0.0.1:8001; }\n", true}});
  CHECK(has_entry(g, K::ignored, "etc/nginx/conf.d/a.conf:1",
                  "a cycle of includes (etc/nginx/conf.d/a.conf -> etc/nginx/conf.d/a.conf)"));
  CHECK(has_entry(g, K::mapped, "etc/nginx/conf.d/a.conf:1", "nginx reads etc/nginx/conf.d/b.conf here"));
  CHECK(entries_with(g, cycle_words) == 1);

  // Two files read on their own (both conf.d/*.conf) that include each other: nginx loops from
  // either, so each include is said, and nginx.conf's include of both is not a cycle of its own.
  const imp::ImportResult o = import_files(
      {{"api.service", unit, true},
       {"etc/nginx/nginx.conf", "events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n", true},
       {"etc/nginx/conf.d/a.conf", "include conf.d/b.conf;\n" + site, true},
       {"etc/nginx/conf.d/b.conf", "include conf.d/a.conf;\nupstream spare { server 127.0.0.1:8001; }\n", true}});
  CHECK(
      has_entry(o, K::ignored, "etc/nginx/conf.d/a.conf:1",
                "a cycle of includes (etc/nginx/conf.d/a.conf -> etc/nginx/conf.d/b.conf -> etc/nginx/conf.d/a.conf)"));
  CHECK(
      has_entry(o, K::ignored, "etc/nginx/conf.d/b.conf:1",
                "a cycle of includes (etc/nginx/conf.d/b.conf -> etc/nginx/conf.d/a.conf -> etc/nginx/conf.d/b.conf)"));
  CHECK(entries_with(o, cycle_words) == 2);
}

TEST_CASE("an app server's --certfile / --ssl-certfile and its key file are each reported once, at their line") {
  const auto once_ignored = [](const imp::ImportResult& r, const std::string& at, const std::string& flag) {
    CHECK_MESSAGE(entries_with(r, flag) == 1, flag);
    CHECK_MESSAGE(has_entry(r, K::ignored, at, flag), flag);
  };
  // Gunicorn with Uvicorn's worker, in a Compose file without a proxy.
  const imp::ImportResult g = import_files({{"docker-compose.yml", R"(services:
  api:
    image: shop/api:1
    command: gunicorn -k uvicorn.workers.UvicornWorker --certfile /certs/c.pem --keyfile /certs/k.pem app:app
    ports: ["443:8000"]
)",
                                             true}});
  once_ignored(g, "docker-compose.yml:4", "--certfile /certs/c.pem");
  once_ignored(g, "docker-compose.yml:4", "--keyfile /certs/k.pem");
  // The scenario's missing client is still explained, without reporting the flag a second time.
  CHECK(has_entry(g, K::assumed, "docker-compose.yml:4", "no client: service api terminates TLS itself"));

  // Uvicorn's own flags.
  const imp::ImportResult u = import_files({{"docker-compose.yml", R"(services:
  api:
    image: shop/api:1
    command: ["uvicorn", "app:app", "--ssl-certfile", "/certs/c.pem", "--ssl-keyfile", "/certs/k.pem"]
)",
                                             true}});
  once_ignored(u, "docker-compose.yml:4", "--ssl-certfile /certs/c.pem");
  once_ignored(u, "docker-compose.yml:4", "--ssl-keyfile /certs/k.pem");
  CHECK(has_entry(u, K::assumed, "docker-compose.yml:4", "no client: service api terminates TLS itself"));

  // A systemd unit's ExecStart (Hypercorn takes the same flags as Gunicorn).
  const imp::ImportResult s =
      import_files({{"api.service",
                     "[Service]\nExecStart=/usr/bin/gunicorn -k uvicorn.workers.UvicornWorker --certfile /certs/c.pem "
                     "--keyfile /certs/k.pem app:app\n",
                     true}});
  once_ignored(s, "api.service:2", "--certfile /certs/c.pem");
  once_ignored(s, "api.service:2", "--keyfile /certs/k.pem");
  const imp::ImportResult h = import_files(
      {{"api.service",
        "[Service]\nExecStart=/usr/bin/hypercorn --certfile /certs/c.pem --keyfile /certs/k.pem app:app\n", true}});
  once_ignored(h, "api.service:2", "--certfile /certs/c.pem");
  once_ignored(h, "api.service:2", "--keyfile /certs/k.pem");
}

namespace {

// A Deployment and Service api (lines 1 to 22) behind an Ingress of the traefik class (23 to 34).
std::string traefik_ingress() {
  return api_deployment(R"~(          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
)~") + api_service +
         R"~(---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: traefik
  tls: [{hosts: [api.example.com], secretName: api-tls}]
  rules:
    - host: api.example.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]
)~";
}

// A TLSOption resource, "---" first (five lines).
std::string tls_option(const std::string& metadata, const std::string& spec,
                       const std::string& api = "traefik.io/v1alpha1") {
  return "---\napiVersion: " + api + "\nkind: TLSOption\nmetadata: {" + metadata + "}\nspec: {" + spec + "}\n";
}

}  // namespace

TEST_CASE("Traefik: a Kubernetes TLSOption named default is the proxy's TLS settings; the rest is reported") {
  const std::string files = traefik_ingress() + R"~(---
apiVersion: traefik.io/v1alpha1
kind: TLSOption
metadata:
  name: default
  namespace: traefik
spec:
  minVersion: VersionTLS13
  sniStrict: true
  cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
  curvePreferences: [CurveP384]
  clientAuth:
    secretNames: [client-ca]
    clientAuthType: RequireAndVerifyClientCert
)~" + tls_option("name: modern, namespace: shop", "minVersion: VersionTLS13", "traefik.containo.us/v1alpha1") +
                            R"~(---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: admin, namespace: shop}
spec:
  routes: [{match: Host(`admin.example.com`), kind: Rule, services: [{name: api, port: 80}]}]
  tls:
    options: {name: strict}
)~";
  const imp::ImportResult r = import_ok_texts(files);
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->tls_versions == tls13);
  CHECK(sc.proxy->strict_sni);
  CHECK(sc.proxy->verify_clients == VerifyClients::require);
  REQUIRE(sc.clients.size() == 1);
  CHECK(sc.clients[0].client_certificate == ClientCertificate::trusted);
  CHECK(has_entry(r, K::mapped, "k8s.yaml:36", "TLSOption default in namespace traefik: Traefik's TLS options"));
  CHECK(has_entry(r, K::mapped, "k8s.yaml:41", "spec.minVersion -> proxy.tls_versions = [\"1.3\"]"));
  CHECK(has_entry(r, K::mapped, "k8s.yaml:42", "spec.sniStrict -> proxy.strict_sni = true"));
  CHECK(has_entry(r, K::mapped, "k8s.yaml:47",
                  "spec.clientAuth.clientAuthType RequireAndVerifyClientCert -> proxy.verify_clients = \"require\""));
  CHECK(has_entry(r, K::mapped, "k8s.yaml:46", "spec.clientAuth.secretNames: the CA Traefik verifies"));
  CHECK(has_entry(r, K::assumed, "k8s.yaml:31", "client.client_certificate = \"trusted\""));
  CHECK(has_entry(r, K::ignored, "k8s.yaml:43", "spec.cipherSuites: deploysim does not model it"));
  CHECK(has_entry(r, K::ignored, "k8s.yaml:44", "spec.curvePreferences: deploysim does not model it"));
  // Another TLSOption is for the routers that name it; Traefik v3 does not read Traefik v2's group.
  CHECK(has_entry(r, K::ignored, "k8s.yaml:50",
                  "TLSOption shop/modern: TLS options for the routers that name them "
                  "(shop-modern@kubernetescrd in Traefik)"));
  CHECK(
      has_entry(r, K::ignored, "k8s.yaml:49", "apiVersion traefik.containo.us/v1alpha1: the API group of Traefik v2"));
  CHECK_FALSE(has_entry(r, K::ignored, "k8s.yaml:36", "does not model this kind"));
  // An IngressRoute naming options no file defines.
  CHECK(has_entry(r, K::ignored, "k8s.yaml:60",
                  "spec.tls.options.name: router admin names the TLS options strict (Traefik's name for them: "
                  "shop-strict@kubernetescrd), which none of the files read defines"));

  const imp::ImportResult k = imp::import_texts({{"k8s.yaml", files, true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, K::mapped, "k8s.yaml:36", "네임스페이스 traefik의 `TLSOption` `default`:"));
  CHECK(has_entry(k, K::ignored, "k8s.yaml:60", "라우터 admin이 TLS 옵션 strict를 지정하는데"));
}

TEST_CASE("Traefik: TLSOptions named default in two namespaces, or with the file provider's default, are dropped") {
  const std::string two = traefik_ingress() +
                          tls_option("name: default, namespace: traefik", "minVersion: VersionTLS13") +
                          tls_option("name: default, namespace: shop", "maxVersion: VersionTLS12");
  const imp::ImportResult r = import_ok_texts(two);
  CHECK(has_entry(r, K::ignored, "k8s.yaml:36",
                  "TLSOption default in namespace traefik: the namespaces traefik, shop each have a TLSOption named "
                  "default, and Traefik drops them all"));
  CHECK(has_entry(r, K::ignored, "k8s.yaml:41", "TLSOption default in namespace shop"));
  CHECK_FALSE(has_text(r, "tls_versions = [\"1.3\"]"));

  // The file provider's tls.options.default and a TLSOption default: two providers' defaults.
  const std::string manifests =
      api_deployment(R"~(          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
)~") + api_service +
      tls_option("name: default", "minVersion: VersionTLS13");
  // The dynamic file in TOML, as Traefik reads it too.
  const std::string dynamic = R"~([http.routers.api]
  rule = "Host(`api.example.com`)"
  service = "api"
  [http.routers.api.tls]
    certResolver = "le"

[[http.services.api.loadBalancer.servers]]
  url = "http://api:8000"

[tls.options.default]
  maxVersion = "VersionTLS12"
)~";
  const imp::ImportResult p = import_files({{"k8s/api.yaml", manifests, true}, {"traefik/routes.toml", dynamic, true}});
  const std::string both =
      "TLSOption default in namespace default (k8s/api.yaml:25) and tls.options.default (traefik/routes.toml:10) both "
      "define Traefik's default TLS options, in two providers";
  CHECK(has_entry(p, K::ignored, "k8s/api.yaml:25", both));
  CHECK(has_entry(p, K::ignored, "traefik/routes.toml:10", both));
  CHECK_FALSE(has_text(p, "tls_versions = [\"1.2\"]"));
  CHECK_FALSE(has_text(p, "tls_versions = [\"1.3\"]"));
}

TEST_CASE("Traefik: a router's tls.options names the default, other options of the files, or options not given") {
  const std::string dynamic = R"~(http:
  routers:
    api:
      rule: Host(`api.example.com`)
      service: api
      tls:
        certResolver: le
        options: mintls13
    www:
      rule: Host(`www.example.com`)
      service: api
      tls:
        certResolver: le
        options: nosuch@file
    old:
      rule: Host(`old.example.com`)
      service: api
      tls:
        certResolver: le
        options: default
  services:
    api:
      loadBalancer:
        servers:
          - url: http://127.0.0.1:8000
tls:
  options:
    default:
      maxVersion: VersionTLS12
      clientAuth:
        clientAuthType: RequireAndVerifyClientCert
    mintls13:
      minVersion: VersionTLS13
)~";
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"routes.yml", dynamic, true}});
  CHECK(has_entry(r, K::ignored, "routes.yml:8",
                  "http.routers.api.tls.options: router api uses the TLS options mintls13@file (defined at "
                  "routes.yml:32), not the default ones"));
  CHECK(has_entry(r, K::ignored, "routes.yml:14",
                  "http.routers.www.tls.options: router www names the TLS options nosuch@file (Traefik's name for "
                  "them: nosuch@file), which none of the files read defines: unless a configuration not read does, "
                  "Traefik logs \"unknown TLS options: nosuch@file\""));
  CHECK(has_entry(r, K::mapped, "routes.yml:20", "http.routers.old.tls.options: default: the default TLS options"));
  CHECK(has_entry(r, K::mapped, "routes.yml:29", "tls.options.default.maxVersion -> proxy.tls_versions = [\"1.2\"]"));
  // RequireAndVerifyClientCert without a CA: Traefik refuses the options.
  CHECK(has_entry(r, K::ignored, "routes.yml:31",
                  "tls.options.default.clientAuth.clientAuthType: RequireAndVerifyClientCert needs CA files"));
  CHECK(entries_with(r, "tls.options: deploysim does not model it") == 0);
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->verify_clients == VerifyClients::off);
}

TEST_CASE("Traefik: a Docker label's tls.options is resolved as a file router's, once") {
  // Traefik names a label's unqualified options NAME@docker (GetQualifiedName with the router's
  // provider); `default` is the default options only unqualified.
  const std::string compose = R"~(services:
  traefik:
    image: traefik:v3.1
    command: [--providers.docker, --providers.file.filename=/etc/traefik/dynamic.yml,)~"
                              R"~( --certificatesresolvers.le.acme.tlschallenge=true]
    volumes: ["./dynamic.yml:/etc/traefik/dynamic.yml", "./acme:/acme"]
    ports: ["443:443"]
  api:
    image: registry.example.org/api:1
    command: uvicorn app:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.http.routers.api.rule=Host(`api.example.org`)
      - traefik.http.routers.api.tls.certresolver=le
      - traefik.http.routers.api.tls.options=mintls13@file
      - traefik.http.routers.www.rule=Host(`www.example.org`)
      - traefik.http.routers.www.tls.certresolver=le
      - traefik.http.routers.www.tls.options=mintls13
      - traefik.http.routers.old.rule=Host(`old.example.org`)
      - traefik.http.routers.old.tls.certresolver=le
      - traefik.http.routers.old.tls.options=default
      - traefik.http.routers.new.rule=Host(`new.example.org`)
      - traefik.http.routers.new.tls.certresolver=le
      - traefik.http.routers.new.tls.options=default@file
  admin:
    image: registry.example.org/admin:1
    command: uvicorn admin:app --host 0.0.0.0 --port 9000
    labels:
      - traefik.enable=false
      - traefik.http.routers.admin.rule=Host(`admin.example.org`)
      - traefik.http.routers.admin.tls.options=mintls13@file
)~";
  const std::string dynamic = R"~(tls:
  options:
    default:
      minVersion: VersionTLS12
    mintls13:
      minVersion: VersionTLS13
)~";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"dynamic.yml", dynamic, true}});
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:13",
                  "traefik.http.routers.api.tls.options: router api uses the TLS options mintls13@file (defined at "
                  "dynamic.yml:5), not the default ones"));
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:16",
                  "traefik.http.routers.www.tls.options: router www names the TLS options mintls13 (Traefik's name "
                  "for them: mintls13@docker), which none of the files read defines: unless a configuration not "
                  "read does, Traefik logs \"unknown TLS options: mintls13@docker\""));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:19",
                  "traefik.http.routers.old.tls.options: default: the default TLS options"));
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:22",
                  "router new names the TLS options default@file (Traefik's name for them: default@file)"));
  // Each label once, in one list; the left-out container's label as before.
  for (const char* router : {"api", "www", "old", "new", "admin"})
    CHECK_MESSAGE(entries_with(r, std::string("traefik.http.routers.") + router + ".tls.options") == 1, router);
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:29",
                  "traefik.http.routers.admin.tls.options: deploysim does not model it"));
  CHECK(entries_with(r, "tls.options: deploysim does not model it") == 1);
  CHECK(has_entry(r, K::mapped, "dynamic.yml:4", "tls.options.default.minVersion -> proxy.tls_versions"));
}
