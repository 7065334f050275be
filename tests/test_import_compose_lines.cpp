// A Compose `command:` or `entrypoint:` written as a block list: each word is an item of its own
// line, and what is read from it (the server, a flag reported as not modelled, the workers, the
// port, the address) names that item's line, not the key's. A string command keeps its line.
#include <doctest/doctest.h>

#include <string>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

using K = imp::EntryKind;

}  // namespace

TEST_CASE("a block-list command: each flag and value names its item's line") {
  const imp::ImportResult r = import_files({{"docker-compose.yml", R"(services:
  api:
    image: shop/api:1
    command:
      - gunicorn
      - app.main:app
      - -k
      - uvicorn.workers.UvicornWorker
      - --workers
      - "4"
      - --bind
      - 0.0.0.0:8000
      - --certfile
      - /certs/fullchain.pem
    ports: ["443:8000"]
)",
                                             true}});
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:13", "--certfile /certs/fullchain.pem"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:5", "-> server = \"gunicorn\""));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:6", "app.main:app"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:10", "-> workers = 4"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:12", "-> port = 8000"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:12", "-> bind = \"0.0.0.0\""));
  // The scenario says so too.
  CHECK(has_text(r, "# from docker-compose.yml:10"));
  const Scenario sc = load(r);
  CHECK(service(sc, "api").workers == 4);
}

TEST_CASE("a block-list entrypoint with its command: each item at its line, the key of each named") {
  const imp::ImportResult r = import_files({{"docker-compose.yml", R"(services:
  api:
    image: shop/api:1
    entrypoint:
      - uvicorn
      - app.main:app
      - --ssl-keyfile
      - /certs/k.pem
    command:
      - --host
      - 0.0.0.0
      - --port
      - "8001"
)",
                                             true}});
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:7", "--ssl-keyfile /certs/k.pem"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:5", "entrypoint -> server = \"uvicorn\""));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:13", "command --port -> port = 8001"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:11", "-> bind = \"0.0.0.0\""));
}

TEST_CASE("a string command keeps its line for every flag") {
  const imp::ImportResult r = import_files({{"docker-compose.yml", R"(services:
  api:
    image: shop/api:1
    command: gunicorn app.main:app -k uvicorn.workers.UvicornWorker --workers 4 --certfile /certs/c.pem
)",
                                             true}});
  CHECK(has_entry(r, K::ignored, "docker-compose.yml:4", "--certfile /certs/c.pem"));
  CHECK(has_entry(r, K::mapped, "docker-compose.yml:4", "-> workers = 4"));
}
