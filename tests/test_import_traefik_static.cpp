// Traefik's static configuration file mounted into the Traefik container of a Compose file
// (./traefik.yml:/etc/traefik/traefik.yml): read when it is beside the Compose file or given,
// its resolvers and entry points mapped at its own lines, and the command's flags reported as
// ignored, since Traefik reads one source only (file, else flags, else environment).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;
namespace fs = std::filesystem;

namespace {

// A project folder in the temp directory, with the files a team keeps beside each other.
struct Project {
  explicit Project(const std::string& name) : root(fs::temp_directory_path() / ("deploysim-traefik-static-" + name)) {
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Project() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    const fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.generic_string();
  }
  std::string at(const std::string& rel) const { return (root / rel).generic_string(); }
  fs::path root;
};

bool has_line(const imp::ImportResult& r, const std::string& line) {
  return r.scenario_text.find(line + "\n") != std::string::npos;
}

// The imported scenario runs; a browser trusts its certificate unless `trusted` is false (Let's
// Encrypt's staging CA), when every request fails.
void simulates(const Scenario& sc, bool trusted = true) {
  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  if (trusted)
    CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
  else
    CHECK(run.metrics.succeeded == 0);
}

// The app behind Traefik, as in the Compose files below (lines 13 to 23).
const std::string app_and_volume = R"(
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 4 --forwarded-allow-ips "*"
    restart: unless-stopped
    labels:
      - traefik.enable=true
      - traefik.http.routers.api.rule=Host(`api.shop.example.com`)
      - traefik.http.routers.api.entrypoints=websecure
      - traefik.http.routers.api.tls.certresolver=letsencrypt

volumes:
  letsencrypt:
)";

const std::string compose_short = R"(services:
  traefik:
    image: traefik:v3.1
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - letsencrypt:/letsencrypt
    restart: unless-stopped
)" + app_and_volume;

// What Traefik's documentation shows for Docker with Let's Encrypt, as a team writes it.
const std::string traefik_http = R"(# Traefik's static configuration: /etc/traefik/traefik.yml in the container.
api:
  dashboard: true

entryPoints:
  web:
    address: ":80"
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
  websecure:
    address: ":443"

providers:
  docker:
    exposedByDefault: false

certificatesResolvers:
  letsencrypt:
    acme:
      email: ops@shop.example.com
      storage: /letsencrypt/acme.json
      httpChallenge:
        entryPoint: web
)";

}  // namespace

TEST_CASE("a traefik.yml beside the Compose file is read: the resolver's challenge and storage name its lines") {
  const Project p("http");
  const std::string compose = p.write("docker-compose.yml", compose_short);
  const std::string traefik = p.at("traefik.yml");
  p.write("traefik.yml", traefik_http);
  const imp::ImportResult r = import_ok({compose});  // the file is found beside it, on disk
  const Scenario sc = load(r);

  REQUIRE(sc.proxy);
  CHECK(sc.proxy->persisted_storage);  // /letsencrypt/acme.json is on the named volume
  CHECK(has_line(r, "persisted_storage = true  # from " + compose + ":10"));
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].domain == "api.shop.example.com");
  CHECK(sc.certificates[0].issuer == Issuer::letsencrypt);
  CHECK(sc.certificates[0].challenge == Challenge::http01);
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  CHECK(has_line(r, "issuer = \"letsencrypt\"  # from " + traefik + ":22"));
  CHECK(has_line(r, "challenge = \"http-01\"  # from " + traefik + ":25"));

  CHECK(has_entry(r, imp::EntryKind::mapped, compose + ":8",
                  "/etc/traefik/traefik.yml: Traefik's static configuration file, read from " + traefik));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":22",
                  "certificatesResolvers.letsencrypt.acme -> certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":25",
                  "certificatesResolvers.letsencrypt.acme.httpChallenge -> certificate.challenge = \"http-01\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":24",
                  "acme.storage /letsencrypt/acme.json: on the volume at " + compose + ":10"));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":18",
                  "providers.docker.exposedByDefault=false: Traefik's Docker provider reads only the containers "
                  "labelled traefik.enable=true"));
  CHECK(has_entry(r, imp::EntryKind::ignored, traefik + ":3", "api.dashboard: deploysim does not model it"));
  CHECK(has_entry(r, imp::EntryKind::ignored, traefik + ":23", "certificatesResolvers.letsencrypt.acme.email"));
  CHECK(has_entry(r, imp::EntryKind::ignored, traefik + ":14", "entryPoints.websecure.address"));
  // Nothing is assumed about the resolver any more.
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, compose + ":8", "not read"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, compose + ":21", "certificate.challenge"));
  // The file is listed among those read, and the scenario's header names it.
  CHECK(std::any_of(r.files.begin(), r.files.end(),
                    [&](const imp::ImportedFile& f) { return f.path == traefik && f.kind == imp::FileKind::traefik; }));
  CHECK(r.scenario_text.find(traefik) != std::string::npos);
  simulates(sc);

  // In Korean, the same entries.
  const imp::ImportResult k = imp::import_paths({compose}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::mapped, compose + ":8", "Traefik 정적 설정 파일입니다"));
}

TEST_CASE("tlsChallenge in traefik.yml, mounted with the long syntax, given with the Compose file or as texts") {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    ports:
      - "443:443"
    volumes:
      - type: bind
        source: ./traefik.yml
        target: /etc/traefik/traefik.yml
        read_only: true
      - letsencrypt:/letsencrypt
)" + app_and_volume;
  const std::string traefik = R"(entryPoints:
  websecure:
    address: ":443"
    http:
      tls:
        certResolver: letsencrypt

providers:
  docker: {}

certificatesResolvers:
  letsencrypt:
    acme:
      email: ops@shop.example.com
      storage: /letsencrypt/acme.json
      tlsChallenge: {}
)";
  const auto check = [&](const imp::ImportResult& r, const std::string& c, const std::string& t) {
    const Scenario sc = load(r);
    REQUIRE(sc.proxy);
    CHECK(sc.proxy->persisted_storage);
    CHECK(has_line(r, "persisted_storage = true  # from " + c + ":11"));
    REQUIRE(sc.certificates.size() == 1);
    CHECK(sc.certificates[0].challenge == Challenge::tls_alpn01);
    CHECK(has_line(r, "challenge = \"tls-alpn-01\"  # from " + t + ":16"));
    CHECK(has_line(r, "issuer = \"letsencrypt\"  # from " + t + ":13"));
    CHECK(has_entry(r, imp::EntryKind::mapped, c + ":7", "read from " + t));
    CHECK(has_entry(r, imp::EntryKind::mapped, t + ":5",
                    "entryPoints.websecure.http.tls: TLS for every router on the entry point websecure"));
    CHECK(has_entry(r, imp::EntryKind::mapped, t + ":6", "certificate resolver letsencrypt for the routers on"));
    CHECK(has_entry(r, imp::EntryKind::mapped, t + ":9", "providers.docker: Traefik reads the routes"));
    simulates(sc);
  };

  const Project p("tls");
  const std::string c = p.write("docker-compose.yml", compose);
  const std::string t = p.write("traefik.yml", traefik);
  // Both given by the user: the file is read once, as the given input.
  const imp::ImportResult given = import_ok({c, t});
  check(given, c, t);
  CHECK(std::count_if(given.files.begin(), given.files.end(),
                      [&](const imp::ImportedFile& f) { return f.path == t; }) == 1);
  CHECK_FALSE(has_entry(given, imp::EntryKind::ignored, t, "no Traefik container"));
  // The folder: the same.
  check(import_ok({p.root}), c, t);
  // Texts given without a disk (tests, the browser): found by its path beside the Compose file.
  check(import_files({{"deploy/docker-compose.yml", compose, true}, {"deploy/traefik.yml", traefik, true}}),
        "deploy/docker-compose.yml", "deploy/traefik.yml");
}

TEST_CASE("with a static file, Traefik ignores the command's flags: they are reported and not used") {
  const Project p("flags");
  const std::string compose = p.write("docker-compose.yml", R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --entrypoints.websecure.address=:443
      - --certificatesresolvers.letsencrypt.acme.httpchallenge.entrypoint=web
      - --certificatesresolvers.letsencrypt.acme.storage=/acme.json
    ports: ["443:443"]
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - letsencrypt:/letsencrypt
)" + app_and_volume);
  // Traefik compares keys case-insensitively (paerser: strings.EqualFold).
  const std::string traefik = p.write("traefik.yml", R"(entrypoints:
  websecure:
    address: ":443"

certificatesresolvers:
  letsencrypt:
    ACME:
      storage: /letsencrypt/acme.json
      TLSChallenge: {}
providers:
  docker: {}
)");
  const imp::ImportResult r = import_ok({compose});
  const Scenario sc = load(r);
  for (const int line : {5, 6, 7, 8})
    CHECK(has_entry(r, imp::EntryKind::ignored, compose + ":" + std::to_string(line),
                    "not used, since Traefik reads its static configuration from " + traefik));
  // The file's values, not the flags': TLS-ALPN-01, and acme.json on the volume.
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].challenge == Challenge::tls_alpn01);
  CHECK(has_line(r, "challenge = \"tls-alpn-01\"  # from " + traefik + ":9"));
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->persisted_storage);
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, compose + ":5", "Traefik reads the routes"));
  simulates(sc);

  // --configFile names a file in a mounted folder: that file is read, the other flags ignored.
  const Project q("configfile");
  const std::string c2 = q.write("docker-compose.yml", R"(services:
  traefik:
    image: traefik:v3.1
    command: --configFile=/etc/traefik/static.yml --log.level=DEBUG
    volumes:
      - ./traefik:/etc/traefik:ro
      - letsencrypt:/letsencrypt
)" + app_and_volume);
  const std::string t2 = q.write("traefik/static.yml", R"(certificatesResolvers:
  letsencrypt:
    acme:
      storage: /letsencrypt/acme.json
      httpChallenge:
        entryPoint: web
providers:
  docker: {}
)");
  const imp::ImportResult r2 = import_ok({c2});
  CHECK(has_entry(r2, imp::EntryKind::mapped, c2 + ":4", "/etc/traefik/static.yml: Traefik's static configuration"));
  CHECK(has_entry(r2, imp::EntryKind::ignored, c2 + ":4", "--log.level=DEBUG: not used, since Traefik reads"));
  CHECK(has_line(r2, "challenge = \"http-01\"  # from " + t2 + ":5"));
  simulates(load(r2));

  // The Korean report says the same.
  const imp::ImportResult k = imp::import_paths({compose}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, compose + ":7", "쓰이지 않습니다"));
}

TEST_CASE("traefik.yml missing on disk: the resolver is assumed as before, and the report says why") {
  const Project p("missing");
  const std::string compose = p.write("docker-compose.yml", compose_short);
  const imp::ImportResult r = import_ok({compose});
  CHECK(has_entry(r, imp::EntryKind::ignored, compose + ":8",
                  "Traefik's static configuration comes from " + p.at("traefik.yml") +
                      ", which is neither among the files given nor on disk"));
  CHECK(has_entry(r, imp::EntryKind::ignored, compose + ":8",
                  "/etc/traefik/traefik.yml: Traefik's static configuration file, not read; certificate resolver "
                  "letsencrypt"));
  CHECK(has_entry(r, imp::EntryKind::assumed, compose + ":21", "certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, imp::EntryKind::assumed, compose + ":21", "certificate.challenge = \"http-01\""));
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].renewal == Renewal::proxy);
  simulates(sc);
}

TEST_CASE("a YAML syntax error in traefik.yml is an error at its file:line:col") {
  const Project p("syntax");
  const std::string compose = p.write("docker-compose.yml", compose_short);
  const std::string traefik = p.write("traefik.yml", R"(certificatesResolvers:
  letsencrypt:
    acme:
      storage: /letsencrypt/acme.json
      httpChallenge: {entryPoint: web
)");
  const imp::ImportResult r = imp::import_paths({compose}, en());
  CHECK_FALSE(r.ok());
  CHECK(r.scenario_text.empty());
  CHECK(has_error(r, traefik + ":6:1", "YAML syntax error: ", false));
}

TEST_CASE("a traefik.toml is read the same way: a staging caServer makes the certificate untrusted") {
  const Project p("toml");
  const std::string compose = p.write("docker-compose.yml", R"(services:
  traefik:
    image: traefik:v3.1
    ports:
      - "443:443"
    volumes:
      - ./traefik.toml:/etc/traefik/traefik.toml:ro
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - ./letsencrypt:/letsencrypt
)" + app_and_volume);
  const std::string traefik = p.write("traefik.toml", R"([entryPoints]
  [entryPoints.web]
    address = ":80"
  [entryPoints.websecure]
    address = ":443"

[providers.docker]
  exposedByDefault = false

[certificatesResolvers.letsencrypt.acme]
  email = "ops@shop.example.com"
  storage = "/letsencrypt/acme.json"
  caServer = "https://acme-staging-v02.api.letsencrypt.org/directory"
  [certificatesResolvers.letsencrypt.acme.httpChallenge]
    entryPoint = "web"
)");
  const imp::ImportResult r = import_ok({compose});
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].issuer == Issuer::untrusted);
  CHECK(sc.certificates[0].challenge == Challenge::http01);
  CHECK(has_line(r, "issuer = \"untrusted\"  # from " + traefik + ":13"));
  CHECK(has_line(r, "challenge = \"http-01\"  # from " + traefik + ":14"));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":13",
                  "certificate resolver letsencrypt: Let's Encrypt's staging"));
  CHECK(has_entry(r, imp::EntryKind::mapped, traefik + ":12", "acme.storage /letsencrypt/acme.json: on the volume"));
  CHECK(has_entry(r, imp::EntryKind::ignored, traefik + ":3", "entryPoints.web.address"));
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->persisted_storage);
  simulates(sc, false);

  // A TOML syntax error is located too.
  p.write("traefik.toml", "[certificatesResolvers.letsencrypt.acme]\n  storage = /letsencrypt/acme.json\n");
  const imp::ImportResult bad = imp::import_paths({compose}, en());
  CHECK_FALSE(bad.ok());
  CHECK(std::any_of(bad.report.begin(), bad.report.end(), [&](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::error && e.pos.file == traefik && e.pos.line == 2 &&
           e.message.starts_with("TOML syntax error: ");
  }));

  // A key of hundreds of dotted parts (toml++ recurses once per part) is refused before parsing.
  std::string deep = "a";
  for (int i = 0; i < 200; ++i) deep += ".a";
  p.write("traefik.toml", deep + " = 1\n");
  const imp::ImportResult dots = imp::import_paths({compose}, en());
  CHECK_FALSE(dots.ok());
  CHECK(has_entry(dots, imp::EntryKind::error, traefik, "a key of more than 128 dotted parts"));
}

TEST_CASE("a Traefik static file that no container mounts is named, not read") {
  const imp::ImportResult r =
      imp::import_texts({{"traefik.yml", "entryPoints:\n  websecure:\n    address: \":443\"\n", true}}, en());
  CHECK(has_entry(r, imp::EntryKind::ignored, "traefik.yml", "no Traefik container of the Compose files given"));
  CHECK(r.files.size() == 1);
  CHECK(r.files[0].kind == imp::FileKind::traefik);
}

TEST_CASE("tlsChallenge: with no value is skipped, as Traefik skips it: the resolver orders nothing") {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    ports: ["443:443"]
    volumes:
      - ./traefik.yml:/etc/traefik/traefik.yml:ro
      - letsencrypt:/letsencrypt
)" + app_and_volume;
  const std::string traefik = R"(certificatesResolvers:
  letsencrypt:
    acme:
      storage: /letsencrypt/acme.json
      tlsChallenge:
providers:
  docker: {}
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"traefik.yml", traefik, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "traefik.yml:5",
                  "certificatesResolvers.letsencrypt.acme.tlsChallenge: no value (YAML null)"));
  CHECK(
      has_entry(r, imp::EntryKind::mapped, "traefik.yml:2", "certificate resolver letsencrypt: traefik.yml names no"));
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].issuer == Issuer::self_signed);
  CHECK(sc.certificates[0].renewal == Renewal::none);
  simulates(sc, false);
}

TEST_CASE("a router in Traefik's dynamic configuration that the file provider reads routes the app") {
  const std::string compose = R"(services:
  traefik:
    image: traefik:v3.1
    command: [--providers.file.directory=/etc/traefik/dynamic, --certificatesresolvers.le.acme.tlschallenge=true,)"
                              R"( --providers.docker]
    ports: ["443:443"]
    volumes: ["./dynamic:/etc/traefik/dynamic:ro"]
  shop:
    image: registry.example.org/shop/web:1.42.0
    command: uvicorn shop.asgi:app --host 0.0.0.0 --port 8000
  admin:
    image: registry.example.org/shop/admin:1.42.0
    command: uvicorn admin.asgi:app --host 0.0.0.0 --port 9000
    labels:
      - traefik.http.routers.admin.rule=Host(`admin.example.org`)
      - traefik.http.routers.admin.tls.certresolver=le
)";
  const std::string dynamic = R"yaml(http:
  routers:
    shop:
      rule: "Host(`shop.example.org`)"
      service: shop
  services:
    shop:
      loadBalancer:
        servers:
          - url: "http://shop:8000"
)yaml";
  // The file provider's folder is mounted from ./dynamic: the router is read (test_import_traefik_dynamic.cpp).
  const imp::ImportResult r =
      import_files({{"d7/docker-compose.yml", compose, true}, {"d7/dynamic/shop.yml", dynamic, true}});
  CHECK(has_entry(r, imp::EntryKind::mapped, "d7/dynamic/shop.yml:4",
                  "http.routers.shop.rule -> proxy.routes = shop.example.org -> shop"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "d7/docker-compose.yml:8", "service shop: no route"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "d7/docker-compose.yml:11", "service admin: no route"));
  // Another folder than the mounted one: not read, and the app it would route to is said.
  const imp::ImportResult other =
      import_files({{"d7/docker-compose.yml", compose, true}, {"d7/traefik/shop.yml", dynamic, true}});
  CHECK(has_entry(other, imp::EntryKind::ignored, "d7/traefik/shop.yml", "no Traefik of these files reads it"));
  CHECK(has_entry(other, imp::EntryKind::ignored, "d7/docker-compose.yml:8",
                  "service shop: no route of the proxy reaches it"));
  const imp::ImportResult k =
      imp::import_texts({{"d7/docker-compose.yml", compose, true}, {"d7/traefik/shop.yml", dynamic, true}}, ko());
  CHECK(has_entry(k, imp::EntryKind::ignored, "d7/traefik/shop.yml", "Traefik 동적 설정"));
  CHECK(has_entry(k, imp::EntryKind::ignored, "d7/docker-compose.yml:8",
                  "서비스 shop: 읽은 파일에는 이 서비스로 가는 프록시 라우트가 없습니다"));
}

TEST_CASE("Traefik's Docker provider: traefik.enable=false and exposedByDefault=false leave containers out") {
  const auto compose = [](const std::string& flag) {
    return R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --providers.docker=true
)" + flag + R"(      - --entrypoints.websecure.address=:443
      - --certificatesresolvers.le.acme.tlschallenge=true
    ports: ["443:443"]
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.enable=true
      - traefik.http.routers.api.rule=Host(`api.shop.example.com`)
      - traefik.http.routers.api.tls.certresolver=le
  admin:
    image: registry.example.com/shop/admin:1.4.2
    command: uvicorn admin.main:app --host 0.0.0.0 --port 8001
    labels:
      - traefik.http.routers.admin.rule=Host(`admin.shop.example.com`)
      - traefik.http.routers.admin.tls.certresolver=le
  jobs:
    image: registry.example.com/shop/jobs:1.4.2
    command: uvicorn jobs.main:app --host 0.0.0.0 --port 8002
    labels:
      - traefik.enable=false
      - traefik.http.routers.jobs.rule=Host(`jobs.shop.example.com`)
)";
  };
  // Traefik's default, exposedByDefault=true: admin is routed, jobs (traefik.enable=false) is not.
  const imp::ImportResult on = import_files({{"docker-compose.yml", compose(""), true}});
  const Scenario son = load(on);
  REQUIRE(son.proxy);
  CHECK(son.proxy->routes.size() == 2);
  CHECK(has_entry(on, imp::EntryKind::mapped, "docker-compose.yml:26",
                  "traefik.enable=false: Traefik's Docker provider skips this container"));
  CHECK(has_entry(on, imp::EntryKind::ignored, "docker-compose.yml:27",
                  "router jobs: not read: its container's traefik.enable label (docker-compose.yml:26)"));

  // exposedByDefault=false: only api, labelled traefik.enable=true, is routed.
  const imp::ImportResult off =
      import_files({{"docker-compose.yml", compose("      - --providers.docker.exposedByDefault=false\n"), true}});
  const Scenario soff = load(off);
  REQUIRE(soff.proxy);
  REQUIRE(soff.proxy->routes.size() == 1);
  CHECK(soff.proxy->routes[0].host == "api.shop.example.com");
  REQUIRE(soff.certificates.size() == 1);
  CHECK(has_entry(off, imp::EntryKind::mapped, "docker-compose.yml:6",
                  "providers.docker.exposedByDefault=false: Traefik's Docker provider reads only the containers "
                  "labelled traefik.enable=true"));
  CHECK(has_entry(off, imp::EntryKind::ignored, "docker-compose.yml:21",
                  "router admin: not read: its container has no traefik.enable=true label and exposedByDefault is "
                  "false (docker-compose.yml:6)"));
  CHECK(has_entry(off, imp::EntryKind::mapped, "docker-compose.yml:14", "traefik.enable=true: Traefik reads"));

  // A value Traefik cannot read as a boolean stops Traefik: an error at its line.
  const imp::ImportResult bad = imp::import_texts(
      {{"docker-compose.yml", compose("      - --providers.docker.exposedByDefault=nope\n"), true}}, en());
  CHECK_FALSE(bad.ok());
  CHECK(has_error(bad, "docker-compose.yml:6:9", "nope", false));

  const imp::ImportResult k = imp::import_texts(
      {{"docker-compose.yml", compose("      - --providers.docker.exposedByDefault=false\n"), true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "docker-compose.yml:21", "`exposedByDefault`가 `false`이므로"));
}

TEST_CASE("Traefik's Docker provider: none enabled, constraints, defaultRule and its other options") {
  const auto compose = [](const std::string& flags) {
    return R"(name: shop
services:
  traefik:
    image: traefik:v3.1
    command:
      - --entrypoints.websecure.address=:443
)" + flags +
           R"(    ports: ["443:443"]
  api:
    image: registry.example.com/shop/api:1.4.2
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    labels:
      - traefik.enable=true
      - team=shop
      - traefik.http.routers.api.rule=Host(`api.shop.example.com`)
  admin:
    image: registry.example.com/shop/admin:1.4.2
    command: uvicorn admin.main:app --host 0.0.0.0 --port 8001
)";
  };
  // No --providers.docker: Traefik reads no label, so nothing is routed.
  const imp::ImportResult none = import_files({{"docker-compose.yml", compose(""), true}});
  CHECK(load(none).proxy->routes.empty());
  CHECK(has_entry(none, imp::EntryKind::ignored, "docker-compose.yml:14",
                  "router api: not read: Traefik's static configuration (docker-compose.yml:4) enables no Docker "
                  "provider"));
  CHECK(has_entry(none, imp::EntryKind::ignored, "docker-compose.yml:12", "traefik.enable=true: not read"));
  CHECK_FALSE(has_entry(none, imp::EntryKind::mapped, "docker-compose.yml:12", "Traefik reads this container"));

  // constraints leave api out; defaultRule gives admin, which declares no router, a route.
  const imp::ImportResult c =
      import_files({{"docker-compose.yml",
                     compose("      - --providers.docker.constraints=Label(`team`, `web`)\n"
                             "      - --providers.docker.defaultRule=Host(`{{ normalize .Name }}.example.com`)\n"
                             "      - --providers.docker.network=shop_web\n"),
                     true}});
  const Scenario sc = load(c);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->routes.empty());  // admin is not labelled team=web either
  CHECK(has_entry(c, imp::EntryKind::ignored, "docker-compose.yml:17",
                  "router api: not read: its container's labels do not match the Docker provider's constraints "
                  "Label(`team`, `web`) (docker-compose.yml:7)"));
  CHECK(has_entry(c, imp::EntryKind::ignored, "docker-compose.yml:9",
                  "providers.docker.network=shop_web: the network through which Traefik reaches containers"));
  const imp::ImportResult dr =
      import_files({{"docker-compose.yml",
                     compose("      - --providers.docker.constraints=Label(`com.docker.compose.project`, `shop`)\n"
                             "      - --providers.docker.defaultRule=Host(`{{ normalize .Name }}.example.com`)\n"),
                     true}});
  const Scenario sd = load(dr);
  REQUIRE(sd.proxy);
  REQUIRE(sd.proxy->routes.size() == 2);
  CHECK(has_entry(dr, imp::EntryKind::mapped, "docker-compose.yml:18",
                  "router admin-shop: Traefik's Docker provider gives container admin this router with the rule "
                  "Host(`admin-shop.example.com`), from defaultRule (docker-compose.yml:8)"));
  CHECK(has_entry(dr, imp::EntryKind::mapped, "docker-compose.yml:18", "admin-shop.example.com -> admin"));

  // Traefik's default defaultRule gives a bare name, which no client resolves: said, not routed.
  const imp::ImportResult def = import_files({{"docker-compose.yml", compose("      - --providers.docker\n"), true}});
  CHECK(load(def).proxy->routes.size() == 1);
  CHECK(has_entry(def, imp::EntryKind::ignored, "docker-compose.yml:17",
                  "router admin-shop: Traefik's Docker provider gives container admin a router with the rule "
                  "Host(`admin-shop`), from defaultRule (Traefik v3's default"));

  const imp::ImportResult k = imp::import_texts({{"docker-compose.yml", compose(""), true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "docker-compose.yml:14", "Docker 프로바이더가 없으므로"));
}

TEST_CASE("Compose's project name in Traefik's defaultRule: COMPOSE_PROJECT_NAME, name:, the folder") {
  const auto compose = [](const std::string& name) {
    return name + R"(services:
  traefik:
    image: traefik:v3.1
    command:
      - --entrypoints.websecure.address=:443
      - --providers.docker.defaultRule=Host(`{{ normalize .Name }}.example.com`)
    ports: ["443:443"]
  admin:
    image: registry.example.com/shop/admin:1.4.2
    command: uvicorn admin.main:app --host 0.0.0.0 --port 8001
)";
  };
  const auto route_host = [](const imp::ImportResult& r) {
    const Scenario sc = load(r);
    REQUIRE(sc.proxy);
    REQUIRE(sc.proxy->routes.size() == 1);
    return sc.proxy->routes.front().host;
  };
  // The folder's name, lower case, without what a project name cannot hold or begin with.
  CHECK(route_host(import_files({{"_My.Shop/docker-compose.yml", compose(""), true}})) == "admin-myshop.example.com");
  CHECK(route_host(import_files({{"_My.Shop/docker-compose.yml", compose("name: shop\n"), true}})) ==
        "admin-shop.example.com");
  // The .env's COMPOSE_PROJECT_NAME comes before name:.
  const imp::ImportResult env =
      import_files({{"deploy/docker-compose.yml", compose("name: shop\n"), true},
                    {"deploy/.env", "# staging host\nCOMPOSE_PROJECT_NAME=shop-staging\n", true}});
  CHECK(route_host(env) == "admin-shop-staging.example.com");
  CHECK(has_entry(env, imp::EntryKind::mapped, "deploy/.env:2",
                  "COMPOSE_PROJECT_NAME=shop-staging: the project's name, before `name:` and the folder's name; "
                  "docker compose names the containers shop-staging-SERVICE-1"));
  // An empty one is not set; one that is not a name stops docker compose.
  CHECK(route_host(import_files({{"deploy/docker-compose.yml", compose("name: shop\n"), true},
                                 {"deploy/.env", "COMPOSE_PROJECT_NAME=\n", true}})) == "admin-shop.example.com");
  const imp::ImportResult bad = imp::import_texts({{"deploy/docker-compose.yml", compose("name: shop\n"), true},
                                                   {"deploy/.env", "COMPOSE_PROJECT_NAME=Shop Staging\n", true}},
                                                  en());
  CHECK_FALSE(bad.ok());
  CHECK(has_error(bad, "deploy/.env:1:1", "COMPOSE_PROJECT_NAME=Shop Staging: not a project name", false));
}
