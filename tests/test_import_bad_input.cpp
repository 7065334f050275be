// `deploysim import` on bad input (app/import): a syntax error, a value the scenario cannot
// take, a name twice, a line the real tool skips: one located error or report line each, never
// a scenario that does not load. The fuzz targets' findings (tests/fuzz_regressions) are here.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

TEST_CASE("bad input: a YAML syntax error is located, a file of no known kind is named") {
  const std::string bad = dir + "/broken/bad-yaml/docker-compose.yml";
  const imp::ImportResult r = imp::import_paths({bad}, en());
  CHECK_FALSE(r.ok());
  CHECK(r.scenario_text.empty());
  REQUIRE(r.report.size() >= 1);
  const auto& e = r.report.front();
  CHECK(e.kind == imp::EntryKind::error);
  CHECK(e.pos.str() + ": " + e.message == bad + ":7:6: YAML syntax error: end of map not found");

  // A tab in the indentation is named where it is, not where yaml-cpp gave up ("illegal map value").
  const imp::ImportResult tab = imp::import_texts(
      {{"docker-compose.yml", "services:\n  api:\n    image: a\n\tcommand: uvicorn a:b\n", true}}, en());
  CHECK(has_error(tab, "docker-compose.yml:4:1",
                  "YAML syntax error: a tab in the indentation, where YAML allows spaces only"));

  const std::string notes = dir + "/broken/notes.txt";
  const imp::ImportResult u = imp::import_paths({notes}, en());
  CHECK_FALSE(u.ok());
  REQUIRE(u.files.size() == 1);
  CHECK(u.files[0].kind == imp::FileKind::unknown);
  CHECK(has_entry(u, imp::EntryKind::error, notes,
                  "not a docker-compose file, Kubernetes manifest, systemd unit or drop-in, nginx config, Caddyfile, "
                  "Traefik static configuration or env file"));

  // Named by the user, it stays an error beside good files.
  const imp::ImportResult mixed = imp::import_paths({dir + "/compose-traefik", notes}, en());
  CHECK(has_entry(mixed, imp::EntryKind::error, notes, "not a docker-compose file"));

  const imp::ImportResult none = imp::import_paths({dir + "/does-not-exist.yml"}, en());
  CHECK(has_entry(none, imp::EntryKind::error, dir + "/does-not-exist.yml", "cannot open the file"));
}

TEST_CASE("a file that starts with a UTF-8 byte order mark is read as its editor shows it") {
  const std::string compose =
      "\xEF\xBB\xBFservices:\n  api:\n    image: shop/api\n"
      "    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 2\n";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}});
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].kind == imp::FileKind::compose);
  CHECK(service(load(r), "api").workers == 2);
  CHECK(has_entry(r, imp::EntryKind::mapped, "docker-compose.yml:4", "workers = 2"));
}

TEST_CASE("an Ingress without the Deployment behind it leaves nothing to simulate: one clear error") {
  const std::string ingress = dir + "/k8s/ingress.yaml";
  const imp::ImportResult r = imp::import_paths({ingress}, en());
  CHECK_FALSE(r.ok());
  CHECK(r.scenario_text.empty());
  REQUIRE(r.report.size() >= 1);
  const auto error = std::find_if(r.report.begin(), r.report.end(),
                                  [](const imp::ReportEntry& e) { return e.kind == imp::EntryKind::error; });
  REQUIRE(error != r.report.end());
  CHECK(error->pos.file == ingress);
  CHECK(error->message.find("nothing to simulate") != std::string::npos);
}

TEST_CASE("maxSurge and maxUnavailable both 0 is refused where Kubernetes refuses it") {
  const std::string yaml =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n"
      "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 0\n"
      "      maxUnavailable: 0\n  template:\n    spec:\n      containers:\n        - name: api\n"
      "          image: shop/api:1.0\n          command: [\"uvicorn\", \"app.main:app\"]\n";
  const imp::ImportResult r = imp::import_texts({{"api.yaml", yaml, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_entry(r, imp::EntryKind::error, "api.yaml:10", "both 0"));
}

TEST_CASE("a file that is not UTF-8 text is one located error") {
  const std::string text = "services:\n  api:\n    image: \"shop/api\xff\"\n";
  const imp::ImportResult r = imp::import_texts({{"docker-compose.yml", text, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "docker-compose.yml:3:21", "not UTF-8", false));
}

TEST_CASE("a key twice in one YAML mapping is refused where the second one is") {
  const std::string text = "services:\n  api:\n    image: shop/api\n  api:\n    image: shop/api:2\n";
  const imp::ImportResult r = imp::import_texts({{"docker-compose.yml", text, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "docker-compose.yml:4:3", "appears twice", false));
}

TEST_CASE("YAML that yaml-cpp 0.7's LoadAll never finishes is one located error, in no time") {
  // A stray comma: LoadAll adds empty documents forever (jbeder/yaml-cpp#1040).
  for (const std::string& text : {std::string(","), std::string(",rstoo"), std::string("---\n,\n")}) {
    const imp::ImportResult r = imp::import_texts({{"compose.yaml", text, true}}, en());
    CHECK_FALSE(r.ok());
  }
  // Several documents keep their lines: an error in the third is reported there.
  const std::string three = "# head\napiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Service\n---\na: [\n";
  const imp::ImportResult r = imp::import_texts({{"k8s.yaml", three, true}}, en());
  CHECK(std::any_of(r.report.begin(), r.report.end(), [](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::error && e.pos.file == "k8s.yaml" && e.pos.line >= 8;
  }));
}

TEST_CASE("a probe value the scenario cannot take is an error at the manifest's line") {
  // A Deployment whose container runs `command` (line 11), with `probe` after it.
  const auto import_with = [](const std::string& command, const std::string& probe) {
    const std::string text =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: api\n          image: shop/api:1.0\n          command: " +
        command + "\n" + probe;
    return imp::import_texts({{"api.yaml", text, true}}, en());
  };
  const auto import_probe = [&](const std::string& probe) {
    return import_with("[\"uvicorn\", \"app.main:app\"]", probe);
  };
  const imp::ImportResult over = import_probe("          startupProbe:\n            failureThreshold: 122\n");
  CHECK_FALSE(over.ok());
  CHECK(has_error(over, "api.yaml:13:31", "'failureThreshold' is 122, expected 1 to 100"));
  // 0 is not out of range: the API server puts the default there (SetDefaults_Probe).
  const imp::ImportResult zero = import_probe("          livenessProbe:\n            periodSeconds: 0\n");
  CHECK(zero.ok());
  CHECK(has_entry(zero, imp::EntryKind::assumed, "api.yaml:13", "supervisor.liveness.period = \"10s\""));
  const imp::ImportResult over_period =
      import_probe("          livenessProbe:\n            periodSeconds: 315360001\n");
  CHECK(has_error(over_period, "api.yaml:13:28", "'periodSeconds' is 315360001, expected 1 to 315360000"));
  const imp::ImportResult success = import_probe("          livenessProbe:\n            successThreshold: 2\n");
  CHECK_FALSE(success.ok());
  CHECK(has_error(success, "api.yaml:13:31", "'successThreshold' is 2, expected 1"));
  const imp::ImportResult grace = import_probe(
      "          lifecycle:\n            preStop:\n              exec:\n                command: [\"sleep\", "
      "\"-5\"]\n");
  CHECK_FALSE(grace.ok());
  // At the exec command the pause was read from (line 15), not at `exec:` (line 14).
  CHECK(has_error(grace, "api.yaml:15:26", "'lifecycle.preStop' is -5s, expected 0 to 315360000"));
  const imp::ImportResult bad_command =
      import_with("[\"uvicorn\", \"app.main:app\", \"--workers\", \"0\", \"--port\", \"0\"]", "");
  CHECK_FALSE(bad_command.ok());
  CHECK(has_error(bad_command, "api.yaml:11:20", "'command --workers' is 0, expected 1 to 1024"));
  CHECK(has_error(bad_command, "api.yaml:11:20", "'command --port' is 0, expected 1 to 65535"));
  const std::string unit =
      "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\nRestart=always\nStartLimitBurst=5000\n";
  const imp::ImportResult burst = imp::import_texts({{"api.service", unit, true}}, en());
  CHECK_FALSE(burst.ok());
  CHECK(has_error(burst, "api.service:4:1", "'StartLimitBurst' is 5000, expected 0 to 1000"));
  // In range, the same probe imports and loads.
  CHECK(
      import_probe("          startupProbe:\n            failureThreshold: 100\n            periodSeconds: 5\n").ok());
  CHECK(import_probe("          readinessProbe:\n            successThreshold: 2\n").ok());
}

TEST_CASE("a Deployment or an init container without a name is refused where Kubernetes refuses it") {
  const std::string deployment =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: api\nspec:\n  replicas: 2\n"
      "  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api:1.0\n"
      "          command: [\"uvicorn\", \"app.main:app\"]\n";
  const imp::ImportResult r = imp::import_texts({{"api.yaml", deployment, true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "api.yaml:1:1", "Deployment without metadata.name: Kubernetes requires one"));
  const std::string init =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
      "      initContainers:\n        - image: shop/api:1.0\n          command: [\"alembic\", \"upgrade\", \"head\"]\n"
      "      containers:\n        - name: api\n          image: shop/api:1.0\n"
      "          command: [\"uvicorn\", \"app.main:app\"]\n";
  const imp::ImportResult r2 = imp::import_texts({{"api.yaml", init, true}}, en());
  CHECK_FALSE(r2.ok());
  CHECK(has_error(r2, "api.yaml:9:11", "an init container with no name: Kubernetes requires one"));
}

TEST_CASE("a size or duration too big for a scenario is an error at its line, not a scenario that fails") {
  // Before, 1e20g of memory became "8589934592GiB" and 99999999999h a grace period the scenario
  // refused: one error at the generated file's line, asking the user to report it.
  const auto not_generated = [](const imp::ImportResult& r) {
    return std::none_of(r.report.begin(), r.report.end(),
                        [](const imp::ReportEntry& e) { return e.message.find("please report") != std::string::npos; });
  };
  const auto compose = [](const std::string& grace, const std::string& memory) {
    const std::string text =
        "services:\n  api:\n    image: shop/api:1.0\n    command: uvicorn app.main:app --port 8000\n"
        "    stop_grace_period: " +
        grace + "\n    mem_limit: " + memory + "\n";
    return imp::import_texts({{"docker-compose.yml", text, true}}, en());
  };
  // Refused with this error at this place, and nothing blamed on the generated file.
  const auto refused_at = [&](const imp::ImportResult& r, const std::string& where, const std::string& message) {
    CHECK_FALSE(r.ok());
    CHECK(not_generated(r));
    CHECK(has_error(r, where, message));
  };
  const imp::ImportResult huge = compose("99999999999h", "99999999999999999999g");
  refused_at(huge, "docker-compose.yml:5:24", "'stop_grace_period' is 99999999999h, expected 0 to 87600h");
  refused_at(huge, "docker-compose.yml:6:16", "'mem_limit' is 99999999999999999999g, expected 512m, 1g");
  refused_at(compose("9999999999999999999999h", "2g"), "docker-compose.yml:5:24",
             "'stop_grace_period' is 9999999999999999999999h, expected 0 to 87600h");
  CHECK(compose("87600h", "2g").ok());

  const auto kubernetes = [](const std::string& memory, const std::string& duration) {
    const std::string deployment =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: api\n          image: shop/api:1.0\n"
        "          command: [\"uvicorn\", \"app.main:app\"]\n          resources:\n            limits:\n"
        "              memory: " +
        memory + "\n";
    const std::string certificate =
        "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api-tls\nspec:\n  secretName: api-tls\n"
        "  dnsNames: [api.example.test]\n  duration: " +
        duration + "\n";
    return imp::import_texts({{"api.yaml", deployment, true}, {"cert.yaml", certificate, true}}, en());
  };
  const imp::ImportResult negative = kubernetes("-5e3", "99999999999h");
  refused_at(negative, "api.yaml:14:23", "'resources.limits.memory' is -5e3, expected 512Mi, 1Gi");
  refused_at(negative, "cert.yaml:8:13", "'spec.duration' is 99999999999h, expected 1ms to 87600h");
  refused_at(kubernetes("1e30", "2160h"), "api.yaml:14:23", "'resources.limits.memory' is 1e30, expected 512Mi, 1Gi");
}

TEST_CASE("a port the scenario cannot take is an error where the file gives it") {
  // Before, an upstream at port 99999 (nginx, Caddy), a Traefik label's port and a containerPort
  // of 99999 became a service the scenario refused ("please report this" at imported.toml).
  const auto error_at = [](const imp::ImportResult& r, const std::string& where, const std::string& message) {
    CHECK_FALSE(r.ok());
    CHECK(has_error(r, where, message));
    CHECK(std::all_of(r.report.begin(), r.report.end(),
                      [](const imp::ReportEntry& e) { return e.message.find("please report") == std::string::npos; }));
  };
  struct Case {
    const char* file;
    std::string text, where, message;
  };
  const Case cases[] = {
      {"site.conf",
       "upstream api {\n    server 127.0.0.1:99999;\n}\nserver {\n    listen 443 ssl;\n    server_name "
       "api.example.test;\n"
       "    ssl_certificate /etc/ssl/api.pem;\n    ssl_certificate_key /etc/ssl/api.key;\n"
       "    location / { proxy_pass http://api; }\n}\n",
       "site.conf:2:5", "'upstream port' is 99999, expected 1 to 65535"},
      {"Caddyfile", "api.example.test {\n    reverse_proxy localhost:0\n}\n", "Caddyfile:2:19",
       "'upstream port' is 0, expected 1 to 65535"},
      {"docker-compose.yml",
       "services:\n  traefik:\n    image: traefik:v3.1\n  api:\n    image: shop/api:1.0\n"
       "    command: uvicorn app.main:app --port 8000\n    labels:\n"
       "      - traefik.http.routers.api.rule=Host(`api.example.test`)\n"
       "      - traefik.http.services.api.loadbalancer.server.port=8000x\n",
       "docker-compose.yml:9:9", "'traefik.http.services.api.loadbalancer.server.port' is 8000x, expected 1 to 65535"},
      {"api.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
       "      containers:\n        - name: api\n          image: shop/api:1.0\n"
       "          ports: [{containerPort: 99999}]\n",
       "api.yaml:11:35", "'containerPort' is 99999, expected 1 to 65535"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    error_at(imp::import_texts({{c.file, c.text, true}}, en()), c.where, c.message);
  }
}

TEST_CASE("two services the scenario would name alike are an error at the second, not a broken scenario") {
  // A fuzzer's Compose file: two services under YAML's null key both became "app", and the
  // scenario made from them did not load ("please report this").
  const auto only_error = [](const imp::ImportResult& r) {
    CHECK_FALSE(r.ok());
    std::vector<std::string> errors;
    for (const imp::ReportEntry& e : r.report)
      if (e.kind == imp::EntryKind::error) errors.push_back(e.pos.str() + ": " + e.message);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("please report") == std::string::npos);
    return errors[0];
  };
  const std::string alike =
      "services:\n  my app:\n    image: shop/api:1\n    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n"
      "  my-app:\n    image: shop/api:1\n    command: uvicorn app.main:app --host 0.0.0.0 --port 8001\n";
  const std::string e = only_error(imp::import_texts({{"docker-compose.yml", alike, true}}, en()));
  // A Compose service is placed at its first setting, as everywhere in the report.
  CHECK(
      e.starts_with("docker-compose.yml:6:5: service my-app: a service of that name is already at "
                    "docker-compose.yml:3:5;"));

  const std::string nulls = "services:\n  :\n    image: shop/api:1\n  ~:\n    image: shop/api:1\n";
  CHECK(only_error(imp::import_texts({{"docker-compose.yml", nulls, true}}, en())) ==
        "docker-compose.yml:4:3: the key null appears twice in this mapping (YAML keys are unique: `docker compose` "
        "and `kubectl` refuse the file)");

  // The same service in a Compose file and a Kubernetes manifest.
  const std::string compose =
      "services:\n  api:\n    image: shop/api:1\n    command: uvicorn app.main:app --host 0.0.0.0 --port 8000\n";
  const std::string k8s =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
      "      containers:\n        - name: api\n          image: shop/api:1\n"
      "          command: [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\"]\n";
  const std::string both =
      only_error(imp::import_texts({{"docker-compose.yml", compose, true}, {"api.yaml", k8s, true}}, en()));
  CHECK(both.find("service api: a service of that name is already at docker-compose.yml:3:5") != std::string::npos);
}

TEST_CASE("a line systemd skips is reported, and the service runs as systemd would run it") {
  // A fuzzer's unit: "Restart=alwaSec=infinity". systemd cannot read the value, logs a warning and
  // skips the line, so the unit runs with Restart=no: the import says so instead of refusing it.
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\nRestart=alwaSec=infinity\n";
  const imp::ImportResult r = imp::import_texts({{"api.service", unit, true}}, en());
  REQUIRE(r.ok());
  CHECK(has_entry(r, imp::EntryKind::ignored, "api.service:3",
                  "Restart=alwaSec=infinity: systemd cannot read this value; it logs a warning and skips the line, "
                  "so the earlier Restart= or its default stands"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "api.service:2",
                  "systemd skips the Restart= it cannot read and keeps its default, no: nothing restarts the service"));
  CHECK(service(load(r), "api").supervisor.restart == "no");

  // A typo in the key's syntax: the earlier line stands; a line without '=' is skipped too.
  const std::string typo =
      "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\nRestart=on-failure\n"
      "Restart=Always\nRestartSec 5\n";
  const imp::ImportResult t = imp::import_texts({{"api.service", typo, true}}, en());
  REQUIRE(t.ok());
  CHECK(has_entry(t, imp::EntryKind::ignored, "api.service:4", "Restart=Always: systemd cannot read this value"));
  CHECK(has_entry(t, imp::EntryKind::ignored, "api.service:5",
                  "\"RestartSec 5\": not KEY=VALUE; systemd logs \"Missing '=', ignoring line.\" and skips it"));
  CHECK(has_entry(t, imp::EntryKind::mapped, "api.service:3", "supervisor.restart"));
  const Scenario sc = load(t);
  CHECK(service(sc, "api").supervisor.restart == "on-failure");
  CHECK(service(sc, "api").supervisor.restart_sec == ms(100));  // RestartSec= skipped: systemd's default

  // Korean: the same entries, in Korean.
  const imp::ImportResult k = imp::import_texts({{"api.service", unit, true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "api.service:3",
                  "Restart=alwaSec=infinity: systemd가 읽을 수 없는 값입니다"));
  for (const char* value : {"no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always"}) {
    CAPTURE(value);
    const std::string good =
        "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\nRestart=" + std::string(value) + "\n";
    const imp::ImportResult g = imp::import_texts({{"api.service", good, true}}, en());
    REQUIRE(g.ok());
    CHECK(service(load(g), "api").supervisor.restart == value);
  }
}

TEST_CASE("a forwarded-allow-ips entry that is not an address is reported, not passed on") {
  // A fuzzer's unit: "10.0.0.068" (Python's ipaddress refuses leading zeros, so Uvicorn keeps it
  // as a name no client address equals) went into the scenario, which refused it.
  const std::string unit =
      "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000 --proxy-headers "
      "--forwarded-allow-ips \"10.0.0.068,127.0.0.1,10.0.0.0/8\"\n";
  const imp::ImportResult r = imp::import_texts({{"api.service", unit, true}}, en());
  REQUIRE(r.ok());
  CHECK(has_entry(r, imp::EntryKind::ignored, "api.service:2",
                  "--forwarded-allow-ips 10.0.0.068: not an IP address (parts of 0 to 255, no leading zeros)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "api.service:2",
                  "--forwarded-allow-ips 10.0.0.0/8: address ranges are not modelled"));
  const Scenario sc = load(r);
  CHECK(service(sc, "api").forwarded_allow_ips == std::vector<std::string>{"127.0.0.1"});
}

TEST_CASE("a Helm chart's template is named as such, with the command that renders it") {
  const std::string tpl = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
)";
  const std::string says = "a Helm chart's file (a template whose values Helm fills in): import what `helm template";
  const imp::ImportResult given = imp::import_texts({{"chart/templates/deployment.yaml", tpl, true}}, en());
  CHECK(has_entry(given, imp::EntryKind::error, "chart/templates/deployment.yaml", says));
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const imp::ImportResult found = imp::import_texts(
      {{"api.service", unit, true}, {"chart/templates/deployment.yaml", tpl, false}, {"chart/Chart.yaml", "", false}},
      en());
  REQUIRE(found.ok());
  CHECK(has_entry(found, imp::EntryKind::ignored, "chart/templates/deployment.yaml", says));
  CHECK(has_entry(found, imp::EntryKind::ignored, "chart/Chart.yaml", says));
}
