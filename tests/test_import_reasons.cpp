// The reasons the import report gives, as a new hire reads them: a Service names the kind of
// workload it selects, a workload left out is not also listed as mapped, a server variable that
// the command line overrides says so, and an EnvironmentFile= given to the import is read.
#include <doctest/doctest.h>

#include <string>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

bool any_entry_at(const imp::ImportResult& r, imp::EntryKind kind, const std::string& file_line) {
  return std::any_of(r.report.begin(), r.report.end(), [&](const imp::ReportEntry& e) {
    imp::SourcePos p = e.pos;
    p.col = 0;
    return e.kind == kind && p.str() == file_line;
  });
}

}  // namespace

TEST_CASE("Kubernetes: a Service names its workload's kind; a database StatefulSet is left out once") {
  // The app (lines 1-15), its Service (16-22), then a postgres StatefulSet (23-37: kind: on 25,
  // its name on 27) and its headless Service (38-46: selector on 45).
  const std::string yaml =
      api_deployment("          command: [uvicorn, app.main:app, --host, 0.0.0.0]\n") + api_service + R"(---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: catalog-db
spec:
  serviceName: catalog-db
  selector:
    matchLabels: {app: catalog-db}
  template:
    metadata:
      labels: {app: catalog-db}
    spec:
      containers:
        - {name: postgres, image: "postgres:16.4"}
---
apiVersion: v1
kind: Service
metadata:
  name: catalog-db
spec:
  clusterIP: None
  selector: {app: catalog-db}
  ports: [{port: 5432}]
)";
  const imp::ImportResult r = import_ok_texts(yaml);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:21", "Service api selects the pods of Deployment api"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:27",
                  "StatefulSet catalog-db (postgres:16.4): neither an ASGI app nor a proxy"));
  // Not also under Mapped: neither its kind: line nor its Service.
  CHECK_FALSE(any_entry_at(r, imp::EntryKind::mapped, "k8s.yaml:25"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:45",
                  "Service catalog-db selects the pods of StatefulSet catalog-db, which is left out (no ASGI app)"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:45", "catalog-db"));
  CHECK(load(r).services.size() == 1);

  // The same StatefulSet running the app: the Service says StatefulSet.
  std::string app = api_deployment("          command: [uvicorn, app.main:app, --host, 0.0.0.0]\n", "StatefulSet");
  const imp::ImportResult s = import_ok_texts(app + api_service);
  CHECK(has_entry(s, imp::EntryKind::mapped, "k8s.yaml:21", "Service api selects the pods of StatefulSet api"));
  const imp::ImportResult k = imp::import_texts({{"k8s.yaml", yaml, true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "k8s.yaml:45", "모델에서 뺀 StatefulSet catalog-db의 파드를"));
}

TEST_CASE("systemd: WEB_CONCURRENCY under -w says the flag wins; a given EnvironmentFile= is read") {
  const std::string unit = R"([Service]
EnvironmentFile=/etc/reports/jobs.env
Environment="PYTHONUNBUFFERED=1" "WEB_CONCURRENCY=2"
ExecStart=/opt/venv/bin/gunicorn jobs.main:app -k uvicorn_worker.UvicornWorker -w 3 --bind 0.0.0.0:8200
Restart=on-failure
)";
  SUBCASE("the flag wins over Environment=") {
    const imp::ImportResult r = import_files({{"systemd/jobs-api.service", unit, true}});
    CHECK(service(load(r), "jobs-api").workers == 3);
    CHECK(has_entry(r, imp::EntryKind::ignored, "systemd/jobs-api.service:3",
                    "Environment=WEB_CONCURRENCY: -w 3 on the command line (systemd/jobs-api.service:4) takes "
                    "precedence: the server reads the variable only when the flag is not given"));
    CHECK(has_entry(r, imp::EntryKind::ignored, "systemd/jobs-api.service:3",
                    "Environment=PYTHONUNBUFFERED: deploysim does not model it"));
    CHECK(has_entry(r, imp::EntryKind::ignored, "systemd/jobs-api.service:2",
                    "EnvironmentFile=/etc/reports/jobs.env: the file is not among those given"));
    const imp::ImportResult k = imp::import_texts({{"systemd/jobs-api.service", unit, true}}, ko());
    REQUIRE(k.ok());
    CHECK(has_entry(k, imp::EntryKind::ignored, "systemd/jobs-api.service:3", "명령줄의 -w 3 옵션"));
  }
  SUBCASE("the env file given beside the unit is read, over Environment=") {
    std::string no_flag = unit;
    no_flag.replace(no_flag.find(" -w 3"), 5, "");
    const imp::ImportResult r = import_files(
        {{"systemd/jobs-api.service", no_flag, true}, {"etc/reports/jobs.env", "# jobs\nWEB_CONCURRENCY=5\n", true}});
    CHECK(service(load(r), "jobs-api").workers == 5);
    CHECK(has_entry(r, imp::EntryKind::mapped, "etc/reports/jobs.env:2", "WEB_CONCURRENCY -> workers = 5"));
    CHECK(has_entry(r, imp::EntryKind::mapped, "systemd/jobs-api.service:2",
                    "EnvironmentFile=/etc/reports/jobs.env: read from etc/reports/jobs.env, as systemd reads it"));
    CHECK_FALSE(any_entry_at(r, imp::EntryKind::ignored, "systemd/jobs-api.service:2"));
  }
}

TEST_CASE("a file of Caddy directives that a Caddyfile imports is part of the Caddyfile, found or given") {
  const std::string caddyfile = R"(app.example.com {
	import common.caddy
	reverse_proxy 127.0.0.1:8000
}
)";
  const std::string common = "encode zstd gzip\nheader Strict-Transport-Security \"max-age=31536000\"\n";
  for (const bool given : {false, true}) {
    CAPTURE(given);  // found in a walked folder, or named on the command line
    const imp::ImportResult r =
        import_files({{"deploy/Caddyfile", caddyfile, given}, {"deploy/common.caddy", common, given}});
    REQUIRE(r.files.size() == 2);
    CHECK(r.files[1].path == "deploy/common.caddy");
    CHECK(r.files[1].kind == imp::FileKind::caddy);
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "deploy/common.caddy", "not a docker-compose file"));
    CHECK(
        has_entry(r, imp::EntryKind::mapped, "deploy/Caddyfile:2", "import common.caddy: deploy/common.caddy is read"));
    CHECK(has_entry(r, imp::EntryKind::ignored, "deploy/common.caddy:1", "encode zstd gzip"));
    CHECK(load(r).proxy->preset == ProxyPreset::caddy);
    // The scenario's header names the Caddyfile first, then the file it imports.
    CHECK(r.scenario_text.find("#   deploy/Caddyfile\n#   deploy/common.caddy\n") != std::string::npos);
  }
  // A file of the same text that no Caddyfile imports is still of no known kind.
  const std::string no_import = "app.example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n";
  const imp::ImportResult alone =
      imp::import_texts({{"deploy/Caddyfile", no_import, true}, {"deploy/common.caddy", common, true}}, en());
  CHECK(has_error(alone, "deploy/common.caddy", "not a docker-compose file", false));
}
