// Compose files docker compose reads together: `-f a -f b` in that order, a folder's .env
// COMPOSE_FILE list, and a file of overrides given without its base (said, not read as if whole).
// Each value names the file and line it came from, whichever file of the set that is.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

namespace fs = std::filesystem;

const std::string base_dir = dir + "/compose-files";
const std::string base = base_dir + "/compose.yml", prod = base_dir + "/compose.prod.yml";

// The fixture folder copied to a fresh folder of the system's temporary one, with `env` as its .env.
fs::path folder_with_env(const char* name, const std::string& env) {
  const fs::path root = fs::temp_directory_path() / name;
  fs::remove_all(root);
  fs::create_directories(root);
  for (const char* f : {"compose.yml", "compose.prod.yml"}) fs::copy_file(fs::path(base_dir) / f, root / f);
  std::ofstream(root / ".env") << env;
  return root;
}

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

imp::ImportResult import_with_f(const std::vector<fs::path>& compose_files, const std::vector<fs::path>& paths = {}) {
  imp::ImportResult r = imp::import_paths(paths, en(), compose_files);
  for (const auto& e : r.report)
    if (e.kind == imp::EntryKind::error) FAIL_CHECK(e.pos.str() << ": " << e.message);
  REQUIRE(r.ok());
  return r;
}

}  // namespace

TEST_CASE("-f compose.yml -f compose.prod.yml: production's values over the base's, each at its own line") {
  const imp::ImportResult r = import_with_f({base, prod});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.supervisor.restart == "always");                                  // the later file wins
  CHECK(api.hosts.size() == 4);                                               // only production says
  CHECK(api.supervisor.memory_limit == std::optional<uint64_t>(1ULL << 30));  // so does its limit
  CHECK(api.workers == 2);                                                    // the base's command, kept
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->persisted_storage);  // the acme.json folder production mounts
  CHECK(has_entry(r, imp::EntryKind::mapped, prod, "merged over " + base + ", in the order -f gives them"));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":10", "supervisor.restart = \"always\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":12", "hosts"));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":15", "supervisor.memory_limit"));
  CHECK(has_entry(r, imp::EntryKind::mapped, base + ":23", "workers = 2"));
  CHECK(has_text(r, "restart = \"always\"  # from " + prod + ":10\n"));
  // The base's restart is no value of the scenario: no entry cites its line.
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, base + ":24", "supervisor.restart"));
}

TEST_CASE("three -f files: each later one over what the ones before it give, each value at its file's line") {
  const std::string scale = "# Black Friday: more of everything\nservices:\n  api:\n    deploy:\n      replicas: 8\n";
  const std::string scale_file = base_dir + "/compose.scale.yml";
  const imp::ImportResult r =
      imp::import_texts({{base, text_of(base), true}, {prod, text_of(prod), true}, {scale_file, scale, true}}, en(),
                        {base, prod, scale_file});
  REQUIRE(r.ok());
  const Scenario sc = load(r);  // kept: api refers into it
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.hosts.size() == 8);
  CHECK(api.supervisor.restart == "always");
  CHECK(has_entry(r, imp::EntryKind::mapped, scale_file + ":5", "hosts"));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":10", "supervisor.restart = \"always\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":15", "supervisor.memory_limit"));
  CHECK(has_entry(r, imp::EntryKind::mapped, base + ":23", "workers = 2"));
  CHECK(has_entry(r, imp::EntryKind::mapped, scale_file, "merged over " + base + ", " + prod));
}

TEST_CASE("-f in the other order: the base's values win over production's") {
  const imp::ImportResult r = import_with_f({prod, base});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.supervisor.restart == "on-failure");
  CHECK(api.hosts.size() == 4);  // a key only one file has is the same either way
  CHECK(has_entry(r, imp::EntryKind::mapped, base, "merged over " + prod));
  CHECK(has_entry(r, imp::EntryKind::mapped, base + ":24", "supervisor.restart = \"on-failure\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, prod + ":12", "hosts"));
}

TEST_CASE("-f files with the folder they are in: read once, and the folder's other Compose files left out") {
  const fs::path root = folder_with_env("deploysim-import-f-folder", "DOMAIN=shop.example.com\n");
  std::ofstream(root / "compose.override.yml") << "services:\n  api:\n    restart: \"no\"\n";
  const std::string b = (root / "compose.yml").generic_string(), p = (root / "compose.prod.yml").generic_string();
  const imp::ImportResult r = import_with_f({root / "compose.yml", root / "compose.prod.yml"}, {root});
  CHECK(service(load(r), "api").supervisor.restart == "always");  // not the override's "no"
  CHECK(has_entry(r, imp::EntryKind::ignored, (root / "compose.override.yml").generic_string(),
                  "docker compose reads only the Compose files -f names"));
  size_t listed = 0;
  for (const imp::ImportedFile& f : r.files) listed += f.path == b || f.path == p ? 1 : 0;
  CHECK(listed == 2);
}

TEST_CASE("a folder whose .env sets COMPOSE_FILE: those files, merged in its order") {
  const fs::path root = folder_with_env("deploysim-import-compose-file",
                                        "# docker compose up reads both\n"
                                        "COMPOSE_FILE=compose.yml:compose.prod.yml\n");
  const std::string env = (root / ".env").generic_string(), p = (root / "compose.prod.yml").generic_string();
  // A folder, as File > Import opens it too.
  const imp::ImportResult r = import_ok({root});
  const Scenario sc = load(r);  // kept: api refers into it
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.supervisor.restart == "always");
  CHECK(api.hosts.size() == 4);
  CHECK(has_entry(r, imp::EntryKind::mapped, env + ":2", "COMPOSE_FILE: docker compose reads"));
  CHECK(has_entry(r, imp::EntryKind::mapped, p, "in the order COMPOSE_FILE (" + env + ":2) gives them"));
  CHECK(has_entry(r, imp::EntryKind::mapped, p + ":10", "supervisor.restart = \"always\""));

  // Its own separator, and the order it gives.
  std::ofstream(root / ".env") << "COMPOSE_PATH_SEPARATOR=,\nCOMPOSE_FILE=compose.prod.yml,compose.yml\n";
  CHECK(service(load(import_ok({root})), "api").supervisor.restart == "on-failure");

  // A file it names that is not there stops docker compose: one error at the .env line.
  std::ofstream(root / ".env") << "COMPOSE_FILE=compose.yml:compose.staging.yml\n";
  const imp::ImportResult missing = imp::import_paths({root}, en());
  CHECK(has_error(missing, env + ":1:1", "COMPOSE_FILE names compose.staging.yml", false));
  CHECK(std::count_if(missing.report.begin(), missing.report.end(),
                      [](const imp::ReportEntry& e) { return e.kind == imp::EntryKind::error; }) == 1);

  // -f wins over COMPOSE_FILE, as in compose-go (WithConfigFileEnv reads it only without -f).
  std::ofstream(root / ".env") << "COMPOSE_FILE=compose.yml:compose.prod.yml\n";
  const imp::ImportResult f = import_with_f({root / "compose.yml"});
  CHECK(service(load(f), "api").supervisor.restart == "on-failure");
  CHECK(has_entry(f, imp::EntryKind::ignored, env + ":1", "COMPOSE_FILE: not used, since -f names"));
}

TEST_CASE("a file of overrides without its base: said so, with how to give both, and not read") {
  const std::string base_text = text_of(base), prod_text = text_of(prod);
  // Beside its base in a folder: the hint names the base.
  const imp::ImportResult both =
      import_files({{"deploy/compose.yml", base_text, true}, {"deploy/compose.prod.yml", prod_text, true}});
  CHECK(service(load(both), "api").supervisor.restart == "on-failure");  // the base alone
  CHECK(has_entry(both, imp::EntryKind::ignored, "deploy/compose.prod.yml:4",
                  "service traefik has neither image nor build, so deploy/compose.prod.yml seems to extend another "
                  "Compose file"));
  CHECK(has_entry(both, imp::EntryKind::ignored, "deploy/compose.prod.yml:4",
                  "deploysim import -f deploy/compose.yml -f deploy/compose.prod.yml"));
  // Nothing of it became a value.
  for (const imp::ReportEntry& e : both.report)
    if (e.kind == imp::EntryKind::mapped) CHECK(e.pos.file != "deploy/compose.prod.yml");

  // Alone: the import has nothing to simulate, and the report says why.
  const imp::ImportResult alone = imp::import_texts({{"compose.prod.yml", prod_text, true}}, en());
  CHECK_FALSE(alone.ok());
  CHECK(has_entry(alone, imp::EntryKind::ignored, "compose.prod.yml:4",
                  "Give its base first: deploysim import -f BASE.yml -f compose.prod.yml"));
  // Given in order, the same texts merge.
  const imp::ImportResult ordered =
      imp::import_texts({{"deploy/compose.yml", base_text, true}, {"deploy/compose.prod.yml", prod_text, true}}, en(),
                        {"deploy/compose.yml", "deploy/compose.prod.yml"});
  REQUIRE(ordered.ok());
  CHECK(service(load(ordered), "api").supervisor.restart == "always");
}

TEST_CASE("Compose file sets: bad lists are located errors, and the Korean report reads them") {
  const std::string compose = "services:\n  api:\n    image: shop/api\n    command: uvicorn app.main:app\n";
  const imp::ImportResult empty = imp::import_texts(
      {{"compose.yml", compose, true}, {".env", "COMPOSE_FILE=compose.yml::compose.prod.yml\n", true}}, en());
  CHECK(has_error(empty, ".env:1:1", "COMPOSE_FILE has an empty entry", false));
  // A Windows list without its separator said: read as Linux reads it, and said.
  const imp::ImportResult windows = imp::import_texts(
      {{"compose.yml", compose, true}, {".env", "COMPOSE_FILE=compose.yml;compose.prod.yml\n", true}}, en());
  CHECK(has_entry(windows, imp::EntryKind::assumed, ".env:1", "COMPOSE_FILE split at ':'"));
  CHECK(has_error(windows, ".env:1:1", "COMPOSE_FILE names compose.yml;compose.prod.yml", false));
  // A -f name among no file given.
  const imp::ImportResult unknown = imp::import_texts({{"compose.yml", compose, true}}, en(), {"compose.prod.yml"});
  CHECK(has_error(unknown, "compose.prod.yml", "cannot open the file"));

  const std::string over = "services:\n  api:\n    restart: always\n";
  const imp::ImportResult ko_alone =
      imp::import_texts({{"compose.yml", compose, true}, {"compose.prod.yml", over, true}}, ko());
  CHECK(has_entry(ko_alone, imp::EntryKind::ignored, "compose.prod.yml:2",
                  "서비스 api에 `image`도 `build`도 없으니, compose.prod.yml은 다른 Compose 파일을 확장하는 파일로"));
  const imp::ImportResult ko_f = imp::import_texts({{"compose.yml", compose, true}, {"compose.prod.yml", over, true}},
                                                   ko(), {"compose.yml", "compose.prod.yml"});
  CHECK(has_entry(ko_f, imp::EntryKind::mapped, "compose.prod.yml",
                  "compose.yml에 덮어 병합했습니다. `-f`로 준 순서대로"));
  CHECK(has_entry(ko_f, imp::EntryKind::mapped, "compose.prod.yml:3", "supervisor.restart"));
}

TEST_CASE("a service's build: reads its Dockerfile's HEALTHCHECK, which healthcheck: overrides or disables") {
  const auto compose = [](const std::string& extra) {
    return R"(services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
)" + extra;
  };
  const std::string dockerfile = R"(FROM python:3.12-slim
WORKDIR /srv
HEALTHCHECK --interval=15s --retries=4 CMD curl -f http://localhost:8000/health
CMD ["uvicorn", "app.main:app"]
)";
  const imp::TextFile df{"deploy/api/Dockerfile.prod", dockerfile, true};
  // The Dockerfile given with the Compose file: its check is said at its own line, with its values.
  const imp::ImportResult r = import_files({{"deploy/docker-compose.yml", compose(""), true}, df});
  CHECK(has_entry(r, imp::EntryKind::mapped, "deploy/docker-compose.yml:3",
                  "build: the Dockerfile deploy/api/Dockerfile.prod is read for the image it builds: its HEALTHCHECK"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/api/Dockerfile.prod:3",
                  "HEALTHCHECK --interval=15s --retries=4 CMD curl -f http://localhost:8000/health: the health check "
                  "of the image service api runs, built from this file: Docker runs it in the container every 15s, "
                  "and 4 failed checks in a row make the container unhealthy"));
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[1].kind == imp::FileKind::dockerfile);
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "deploy/api/Dockerfile.prod", "not a docker-compose file"));

  // healthcheck: in the Compose file changes it; disable: true turns it off.
  const imp::ImportResult over =
      import_files({{"deploy/docker-compose.yml", compose("    healthcheck:\n      interval: 5s\n"), true}, df});
  CHECK(has_entry(over, imp::EntryKind::ignored, "deploy/api/Dockerfile.prod:3",
                  "the Compose file's healthcheck at deploy/docker-compose.yml:7 replaces the options it sets"));
  const imp::ImportResult off =
      import_files({{"deploy/docker-compose.yml", compose("    healthcheck:\n      disable: true\n"), true}, df});
  CHECK(has_entry(off, imp::EntryKind::ignored, "deploy/api/Dockerfile.prod:3",
                  "not run: the Compose file's healthcheck at deploy/docker-compose.yml:7 turns it off"));

  // Not given and not on disk: said at build:.
  const imp::ImportResult missing = import_files({{"deploy/docker-compose.yml", compose(""), true}});
  CHECK(has_entry(missing, imp::EntryKind::ignored, "deploy/docker-compose.yml:3",
                  "build: the Dockerfile deploy/api/Dockerfile.prod is neither among the files given nor on disk"));

  // From disk, in the build context of a Compose file given by path.
  const fs::path root = fs::temp_directory_path() / "deploysim-import-build-context";
  fs::remove_all(root);
  fs::create_directories(root / "api");
  std::ofstream(root / "docker-compose.yml") << "services:\n  api:\n    build: api\n"
                                                "    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n";
  std::ofstream(root / "api" / "Dockerfile") << dockerfile;
  const imp::ImportResult disk = import_ok({root / "docker-compose.yml"});
  const std::string on_disk = (root / "api" / "Dockerfile").generic_string();
  CHECK(has_entry(disk, imp::EntryKind::ignored, on_disk + ":3", "every 15s"));
  CHECK(std::any_of(disk.files.begin(), disk.files.end(), [&](const imp::ImportedFile& f) {
    return f.path == on_disk && f.kind == imp::FileKind::dockerfile;
  }));
  fs::remove_all(root);

  const imp::ImportResult k = imp::import_texts({{"deploy/docker-compose.yml", compose(""), true}, df}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "deploy/api/Dockerfile.prod:3", "15s마다"));
}

TEST_CASE("a service's build: without command: runs its Dockerfile's ENTRYPOINT and CMD, as Docker does") {
  const auto compose = [](const std::string& extra) { return "services:\n  api:\n    build: ./api\n" + extra; };
  // The exec form of the last stage, read through the command mapper at the Dockerfile's lines.
  const std::string exec = R"(FROM python:3.12-slim AS base
CMD ["python3"]
FROM base AS prod
ENTRYPOINT ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker"]
CMD ["--bind", "0.0.0.0:8080", \
     "--workers", "3"]
)";
  const imp::ImportResult r =
      import_files({{"shop/docker-compose.yml", compose(""), true}, {"shop/api/Dockerfile", exec, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.server == ServerPreset::gunicorn);
  CHECK(api.port == 8080);
  CHECK(api.workers == 3);
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop/api/Dockerfile:5", "8080"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop/api/Dockerfile:5", "workers"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "shop/docker-compose.yml:3",
                  "its ENTRYPOINT and CMD, which the container runs unless the Compose file's command:"));

  // The shell form runs under /bin/sh -c; an ENTRYPOINT written after a base's CMD clears that CMD.
  const imp::ImportResult shell =
      import_files({{"shop/docker-compose.yml", compose(""), true},
                    {"shop/api/Dockerfile",
                     "FROM python:3.12-slim AS base\nCMD [\"--port\", \"9000\"]\nFROM base\n"
                     "CMD uvicorn app.main:app --host 0.0.0.0 --port 8001\n",
                     true}});
  CHECK(service(load(shell), "api").port == 8001);
  CHECK(has_entry(shell, imp::EntryKind::mapped, "shop/api/Dockerfile:4", "8001"));

  // The Compose file's command replaces the CMD, said at the Dockerfile's line.
  const imp::ImportResult over = import_files(
      {{"shop/docker-compose.yml", compose("    command: uvicorn app.main:app --host 0.0.0.0 --port 7000\n"), true},
       {"shop/api/Dockerfile", "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\", \"--port\", \"8001\"]\n",
        true}});
  CHECK(service(load(over), "api").port == 7000);
  CHECK(has_entry(over, imp::EntryKind::ignored, "shop/api/Dockerfile:2",
                  "not run: the Compose file's command at shop/docker-compose.yml:4 replaces it"));

  // A CMD that runs no ASGI server is said at its line; Uvicorn's defaults are assumed.
  const imp::ImportResult other =
      import_files({{"shop/docker-compose.yml", compose("    labels:\n      - traefik.enable=true\n"), true},
                    {"shop/api/Dockerfile", "FROM python:3.12-slim\nCMD [\"python3\", \"worker.py\"]\n", true}});
  CHECK(has_entry(other, imp::EntryKind::ignored, "shop/api/Dockerfile:2",
                  "command 'python3 worker.py' is no ASGI server deploysim knows"));

  const imp::ImportResult k = imp::import_texts(
      {{"shop/docker-compose.yml", compose("    command: uvicorn app.main:app --host 0.0.0.0 --port 7000\n"), true},
       {"shop/api/Dockerfile", "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\"]\n", true}},
      ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "shop/api/Dockerfile:2", "실행되지 않습니다"));
}

TEST_CASE("build.target naming no stage of the Dockerfile is an error, as docker build stops") {
  const std::string compose = R"(services:
  api:
    build:
      context: api
      target: production
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
)";
  const imp::ImportResult r =
      imp::import_texts({{"docker-compose.yml", compose, true},
                         {"api/Dockerfile", "FROM python:3.12 AS base\nFROM base AS prod\n", true}},
                        en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "docker-compose.yml:5:15",
                  "build.target production: the Dockerfile api/Dockerfile has no build stage of that name (its named "
                  "stages: base, prod), so docker build stops",
                  false));
}

TEST_CASE("healthcheck: without test runs a check only when the image has one") {
  const std::string compose = R"(services:
  api:
    build: api
    command: uvicorn app.main:app --host 0.0.0.0 --port 8000
    healthcheck:
      interval: 5s
  web:
    image: registry.example.com/shop/web:1.0
    command: uvicorn web.main:app --host 0.0.0.0 --port 8001
    healthcheck:
      retries: 5
)";
  const imp::ImportResult r =
      import_files({{"docker-compose.yml", compose, true}, {"api/Dockerfile", "FROM python:3.12-slim\n", true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5",
                  "it has no test, and the image built from api/Dockerfile has no HEALTHCHECK: Docker takes the "
                  "missing test from the image, finds none, and runs no check"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:5", "a container is \"starting\""));
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:10",
                  "it has no test: Docker runs the image's own HEALTHCHECK (registry.example.com/shop/web:1.0) with "
                  "these options if the image has one, which these files do not show"));
  const imp::ImportResult k = imp::import_texts(
      {{"docker-compose.yml", compose, true}, {"api/Dockerfile", "FROM python:3.12-slim\n", true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "docker-compose.yml:5", "검사를 실행하지 않으므로"));
}

TEST_CASE("a build argument written without a value takes the project's .env value, else stays unset") {
  const std::string dockerfile = R"(FROM python:3.12-slim
ARG WORKERS=4
ENV WEB_CONCURRENCY=${WORKERS}
COPY . /app
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
)";
  const std::string compose = R"(services:
  api:
    build:
      context: ./api
      args:
        - WORKERS
)";
  const imp::ImportResult with_env = import_files({{"shop/docker-compose.yml", compose, true},
                                                   {"shop/api/Dockerfile", dockerfile, true},
                                                   {"shop/.env", "# build\nWORKERS=3\n", true}});
  CHECK(service(load(with_env), "api").workers == 3);
  CHECK(has_entry(with_env, imp::EntryKind::mapped, "shop/docker-compose.yml:6",
                  "build.args WORKERS=3: no value here, so docker compose takes it from its environment, here the "
                  "project's .env (shop/.env:2;"));
  const imp::ImportResult without =
      import_files({{"shop/docker-compose.yml", compose, true}, {"shop/api/Dockerfile", dockerfile, true}});
  CHECK(service(load(without), "api").workers == 4);
  CHECK(has_entry(without, imp::EntryKind::assumed, "shop/docker-compose.yml:6",
                  "build.args WORKERS: no value here: docker compose takes it from its environment"));
}

TEST_CASE("a Dockerfile's ENV and ARG reach the command: WEB_CONCURRENCY, $PORT, build.args, environment:") {
  // tests/import/compose-dockerfile-env: a multi-stage Dockerfile whose base stage sets
  // WEB_CONCURRENCY from an ARG and PORT, used by a shell-form CMD of the stage built from it.
  const std::string file = dir + "/compose-dockerfile-env/docker-compose.yml";
  const std::string df = dir + "/compose-dockerfile-env/api/Dockerfile";
  const imp::ImportResult r = import_ok({dir + "/compose-dockerfile-env"});
  const Scenario sc = load(r);
  // api: build.args WORKERS=6 over the ARG's default 4; PORT from the ENV fills the CMD's $PORT.
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.workers == 6);
  CHECK(api.port == 8000);
  CHECK(has_entry(r, imp::EntryKind::mapped, df + ":5", "WEB_CONCURRENCY -> workers = 6"));
  CHECK(has_entry(r, imp::EntryKind::mapped, df + ":21", "CMD --port -> port = 8000"));
  CHECK(has_entry(r, imp::EntryKind::mapped, df + ":5",
                  "the image's environment gives PORT=8000, WEB_CONCURRENCY=6, which the server reads"));
  CHECK(has_entry(r, imp::EntryKind::mapped, df + ":5", "ARG WORKERS=6, from build.args at " + file + ":29"));
  CHECK(has_entry(r, imp::EntryKind::mapped, file + ":29",
                  "build.args WORKERS=6: docker build gives it to ARG WORKERS at " + df + ":4"));
  // admin: the Compose file's environment: wins over the image's ENV.
  const ServiceSpec& admin = service(sc, "admin");
  CHECK(admin.workers == 2);
  CHECK(admin.port == 8100);
  CHECK(has_entry(r, imp::EntryKind::mapped, file + ":46", "WEB_CONCURRENCY -> workers = 2"));
  CHECK(has_entry(r, imp::EntryKind::ignored, df + ":5",
                  "PORT from the image is not used: the Compose file sets it at " + file + ":45"));
  CHECK(has_entry(r, imp::EntryKind::mapped, file + ":44", "environment: WEB_CONCURRENCY, PORT is read"));
  CHECK(has_entry(r, imp::EntryKind::ignored, file + ":43", "build.args SENTRY_DSN: no ARG"));
  // The other instructions: EXPOSE, an ENV no server reads, an ENV of a stage not built.
  CHECK(
      has_entry(r, imp::EntryKind::ignored, df + ":20", "EXPOSE 8000: EXPOSE documents a port and publishes nothing"));
  CHECK(has_entry(r, imp::EntryKind::ignored, df + ":18", "ENV APP_RELEASE=${RELEASE:-dev}: the server reads none"));
  CHECK(has_entry(r, imp::EntryKind::ignored, df + ":13", "in a build stage the image is not built from"));

  const imp::ImportResult k = imp::import_paths({dir + "/compose-dockerfile-env"}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::mapped, df + ":5", "서버가 이 값을 읽습니다"));
  CHECK(has_entry(k, imp::EntryKind::ignored, df + ":20", "게시하지 않습니다"));
}

TEST_CASE("a Dockerfile's legacy ENV K V, ARG defaults and ${VAR:-word}, as docker build replaces them") {
  const auto compose = [](const std::string& extra) {
    return "services:\n  api:\n    build:\n      context: api\n" + extra;
  };
  // The legacy form: one variable, the rest of the line its value; the default of an ARG without
  // a build argument; Gunicorn's PORT from the ENV.
  const std::string legacy = R"(FROM python:3.12-slim
ARG GUNICORN_WORKERS
ENV WEB_CONCURRENCY 3
ENV PORT=${GUNICORN_PORT:-8200} FORWARDED_ALLOW_IPS="10.0.0.1"
CMD ["gunicorn", "-k", "uvicorn_worker.UvicornWorker", "app.main:app"]
)";
  const imp::ImportResult r =
      import_files({{"docker-compose.yml", compose(""), true}, {"api/Dockerfile", legacy, true}});
  const Scenario sc = load(r);
  const ServiceSpec& api = service(sc, "api");
  CHECK(api.workers == 3);
  CHECK(api.port == 8200);
  CHECK(api.forwarded_allow_ips == std::vector<std::string>{"10.0.0.1"});
  CHECK(has_entry(r, imp::EntryKind::mapped, "api/Dockerfile:3", "WEB_CONCURRENCY -> workers = 3"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "api/Dockerfile:4", "PORT -> port = 8200"));

  // An ARG default, overridden by build.args in the list form; an ARG with neither is empty.
  const std::string args = R"(FROM python:3.12-slim AS base
ARG WORKERS=2
ARG EXTRA
ENV WEB_CONCURRENCY=${WORKERS}${EXTRA}
FROM base
CMD uvicorn app.main:app --host 0.0.0.0 --port 8000
)";
  const imp::ImportResult d = import_files({{"docker-compose.yml", compose(""), true}, {"api/Dockerfile", args, true}});
  CHECK(service(load(d), "api").workers == 2);
  CHECK(has_entry(d, imp::EntryKind::mapped, "api/Dockerfile:4", "ARG WORKERS=2, its default at api/Dockerfile:2"));
  CHECK(has_entry(d, imp::EntryKind::mapped, "api/Dockerfile:4",
                  "ARG EXTRA at api/Dockerfile:3, empty: it has no default and no build argument"));
  const imp::ImportResult b = import_files(
      {{"docker-compose.yml", compose("      args:\n        - WORKERS=5\n"), true}, {"api/Dockerfile", args, true}});
  CHECK(service(load(b), "api").workers == 5);
  CHECK(has_entry(b, imp::EntryKind::mapped, "docker-compose.yml:6", "build.args WORKERS=5"));
}

TEST_CASE("a multi-line sh -c script of a Compose service that runs no known server is quoted on one line") {
  const std::string compose = R"yaml(services:
  traefik:
    image: traefik:v3.1
    command: ["--providers.docker", "--entrypoints.websecure.address=:443"]
    ports: ["443:443"]
  api:
    image: registry.example.com/shop/api:2.3
    command: uvicorn shop.main:app --host 0.0.0.0 --port 8000
    labels: ["traefik.http.routers.api.rule=Host(`api.example.test`)"]
  admin:
    image: registry.example.com/shop/admin:2.3
    labels: ["traefik.http.routers.admin.rule=Host(`admin.example.test`)"]
    command:
      - /bin/sh
      - -c
      - |
        set -e
        python -m shop.warm_cache
        exec node admin/server.js
)yaml";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:14",
                  "command '/bin/sh -c set -e; python -m shop.warm_cache; exec node admin/server.js' is no ASGI "
                  "server deploysim knows"));
  for (const imp::ReportEntry& e : r.report) CHECK(e.message.find('\n') == std::string::npos);
}
