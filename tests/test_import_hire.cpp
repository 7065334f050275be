// What the importer makes of files a new hire's audit (F1, F4, F5, F14) found misread: a
// multi-line `sh -c` script (a YAML block scalar in Kubernetes' args and Compose's list command),
// a systemd EnvironmentFile= without ".env" in its name (Debian's /etc/default/NAME) and a
// socket unit beside the service, and a Helm-rendered Deployment whose replicas a
// HorizontalPodAutoscaler sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/asgi_command.hpp"
#include "import/import.hpp"
#include "import/import_model.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

bool any_message_has(const imp::ImportResult& r, const std::string& text) {
  return std::any_of(r.report.begin(), r.report.end(),
                     [&](const imp::ReportEntry& e) { return e.message.find(text) != std::string::npos; });
}

// The Deployment api of one Uvicorn container (no spec.replicas) and a HorizontalPodAutoscaler of
// it from line 17 on; `range` is its minReplicas and maxReplicas lines (line 24 on).
std::string api_with_autoscaler(const std::string& range) {
  return api_deployment(R"(          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
)") + R"(---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
)" + range;
}

}  // namespace

TEST_CASE("a multi-line sh -c script in a Deployment's args: the server, its workers and the migration are read") {
  // command + args, the script a block scalar with a backslash-newline continuation.
  const std::string yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  replicas: 2
  selector:
    matchLabels: {app: ledger}
  template:
    metadata:
      labels: {app: ledger}
    spec:
      containers:
        - name: ledger
          image: ledger:1
          command: ["/bin/sh", "-c"]
          args:
            - |
              alembic upgrade head && \
              exec uvicorn ledger.app:app --host 0.0.0.0 --port 8000 --workers 4
)";
  const imp::ImportResult r = import_ok_texts(yaml);
  const Scenario sc = load(r);
  const ServiceSpec& s = service(sc, "ledger");
  CHECK(s.server == ServerPreset::uvicorn);
  CHECK(s.workers == 4);
  CHECK(s.port == 8000);
  CHECK(s.bind == "0.0.0.0");
  REQUIRE(s.pre_start.size() == 1);
  CHECK(s.pre_start[0].name == "migrate");
  CHECK(s.pre_start[0].mode == PreStartMode::per_replica);
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:17", "args --workers -> workers = 4"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:17",
                  "the script runs the migration `alembic upgrade head` before the server"));
  CHECK_FALSE(any_message_has(r, "no ASGI server deploysim knows"));
  CHECK_FALSE(any_message_has(r, "\xEF\xBF\xBD"));  // no U+FFFD for a newline anywhere
}

TEST_CASE("a multi-line sh -c script that runs no known server is quoted on one line, as the shell reads it") {
  const std::string yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 1
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: reports:1
          command: ["/bin/sh", "-c"]
          args:
            - |
              set -e
              # wait for the broker
              python -m reports.wait_for_broker && \
                exec celery -A reports worker --concurrency 4
)";
  const imp::ImportResult r = import_ok_texts(yaml);
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:16",
                  "command '/bin/sh -c set -e; python -m reports.wait_for_broker && exec celery -A reports worker "
                  "--concurrency 4' is no ASGI server deploysim knows"));
  CHECK_FALSE(any_message_has(r, "\xEF\xBF\xBD"));
}

TEST_CASE("Compose's list command [/bin/sh, -c, |...]: each line of the script is a command, the app is kept") {
  // The audit's c8: the scheduler vanished and nginx's route to scheduler:9000 got a made-up service.
  const std::string compose = R"(x-app-base: &app-base
  image: registry.gitlab.com/acme/reports:main
  restart: unless-stopped

services:
  api:
    <<: *app-base
    command: gunicorn reports.asgi:app -k uvicorn_worker.UvicornWorker -b 0.0.0.0:8000 --workers 3

  scheduler:
    <<: *app-base
    command:
      - /bin/sh
      - -c
      - |
        set -e
        alembic upgrade head
        exec uvicorn reports.scheduler:app --host 0.0.0.0 --port 9000 --workers 2

  nginx:
    image: nginx:1.27
    volumes:
      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
      - /etc/letsencrypt:/etc/letsencrypt:ro
    ports:
      - "443:443"
)";
  const std::string nginx = R"(server {
    listen 443 ssl;
    server_name reports.example.com;
    ssl_certificate /etc/letsencrypt/live/reports.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/reports.example.com/privkey.pem;
    location / {
        proxy_pass http://api:8000;
    }
}

server {
    listen 443 ssl;
    server_name scheduler.reports.example.com;
    ssl_certificate /etc/letsencrypt/live/reports.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/reports.example.com/privkey.pem;
    location / {
        proxy_pass http://scheduler:9000;
    }
}
)";
  const imp::ImportResult r = import_files({{"docker-compose.yml", compose, true}, {"nginx.conf", nginx, true}});
  const Scenario sc = load(r);
  const ServiceSpec& s = service(sc, "scheduler");
  CHECK(s.server == ServerPreset::uvicorn);
  CHECK(s.workers == 2);
  CHECK(s.port == 9000);
  REQUIRE(s.pre_start.size() == 1);
  CHECK(s.pre_start[0].mode == PreStartMode::per_replica);
  CHECK(has_entry(r, imp::EntryKind::ignored, "docker-compose.yml:15",
                  "the script runs `set -e` before the server, at every start of the container: not modelled"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "nginx.conf:13", "scheduler.reports.example.com -> scheduler"));
  CHECK_FALSE(any_message_has(r, "neither an ASGI app nor a proxy"));
  CHECK_FALSE(any_message_has(r, "service app-"));
}

TEST_CASE("the shell's words: a newline ends a command of a script, a backslash-newline joins two lines") {
  std::vector<std::string> words;
  CHECK(imp::split_shell_words("alembic upgrade head && \\\n  exec uvicorn app:app\nsleep 1", words, true));
  CHECK(words ==
        std::vector<std::string>{"alembic", "upgrade", "head", "&&", "exec", "uvicorn", "app:app", ";", "sleep", "1"});
  words.clear();
  // Inside "..." the continuation is removed too; a newline there is the word's own.
  CHECK(imp::split_shell_words("echo \"a\\\nb\" 'c\nd'", words, true));
  CHECK(words == std::vector<std::string>{"echo", "ab", "c\nd"});
  words.clear();
  // Compose's string command (not a script): a newline separates words only.
  CHECK(imp::split_shell_words("uvicorn app:app\n--port 8000", words));
  CHECK(words == std::vector<std::string>{"uvicorn", "app:app", "--port", "8000"});
  CHECK(imp::command_text({"sh", "-c", "set -e\nif true; then\n  run a\nfi\n"}) ==
        "sh -c set -e; if true; then run a; fi");
}

TEST_CASE("systemd EnvironmentFile=/etc/default/NAME given to the import is read, and overrides Environment=") {
  // The audit's c6: Debian's /etc/default/NAME has no ".env" in its name.
  const std::string unit = R"([Unit]
Description=Inventory API (gunicorn + uvicorn workers)
Requires=inventory.socket

[Service]
Type=notify
EnvironmentFile=/etc/default/inventory
Environment="PYTHONUNBUFFERED=1" "WEB_CONCURRENCY=2"
ExecStart=/srv/inventory/venv/bin/gunicorn inventory.asgi:application \
    -k uvicorn_worker.UvicornWorker \
    --bind 127.0.0.1:8010
Restart=on-failure

[Install]
WantedBy=multi-user.target
)";
  const std::string override_conf = R"([Service]
Restart=always
Environment=WEB_CONCURRENCY=6
)";
  const std::string defaults = R"(# managed by ansible
DATABASE_URL=postgresql://inventory@db.internal/inventory
WEB_CONCURRENCY=4
)";
  const std::string socket = R"([Unit]
Description=inventory API socket

[Socket]
ListenStream=127.0.0.1:8010
Backlog=2048

[Install]
WantedBy=sockets.target
)";
  const imp::ImportResult r =
      import_files({{"etc/default/inventory", defaults, true},
                    {"etc/systemd/system/inventory.service", unit, true},
                    {"etc/systemd/system/inventory.service.d/override.conf", override_conf, true},
                    {"etc/systemd/system/inventory.socket", socket, true}});
  const Scenario sc = load(r);
  // systemd.exec(5): "Settings from these files override settings made with Environment=",
  // the drop-in's too.
  CHECK(service(sc, "inventory").workers == 4);
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/default/inventory:3", "WEB_CONCURRENCY -> workers = 4"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/systemd/system/inventory.service:7",
                  "EnvironmentFile=/etc/default/inventory: read from etc/default/inventory"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/systemd/system/inventory.service.d/override.conf:3",
                  "Environment=WEB_CONCURRENCY=6: EnvironmentFile=/etc/default/inventory sets it too "
                  "(etc/default/inventory:3), and systemd gives the service the file's value"));
  CHECK_FALSE(any_message_has(r, "the file is not among those given"));
  const auto kind_of = [&](const std::string& path) {
    for (const imp::ImportedFile& f : r.files)
      if (f.path == path) return f.kind;
    return imp::FileKind::unknown;
  };
  CHECK(kind_of("etc/default/inventory") == imp::FileKind::dotenv);
  // The socket unit is one, said as what it is: socket activation, not modelled.
  CHECK(kind_of("etc/systemd/system/inventory.socket") == imp::FileKind::systemd);
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/systemd/system/inventory.socket:4",
                  "a systemd socket unit (socket activation): not modelled"));
  CHECK_FALSE(any_message_has(r, "not a docker-compose file"));

  // A file no unit names by EnvironmentFile= stays of no kind.
  const std::string shop = R"([Service]
EnvironmentFile=-/etc/sysconfig/shop
ExecStart=/srv/shop/.venv/bin/uvicorn app.main:app --port 8000
)";
  const imp::ImportResult other =
      imp::import_texts({{"shop.service", shop, true}, {"etc/sysconfig/shop-old", "WEB_CONCURRENCY=9\n", false}}, en());
  CHECK(has_entry(other, imp::EntryKind::ignored, "etc/sysconfig/shop-old", "not a docker-compose file"));
  CHECK(has_entry(other, imp::EntryKind::ignored, "shop.service:2", "the file is not among those given"));
}

TEST_CASE("a Helm-rendered Deployment without spec.replicas runs the HorizontalPodAutoscaler's minReplicas") {
  // The audit's c4: helm create's `{{- if not .Values.autoscaling.enabled }}` leaves replicas out.
  const std::string yaml = R"(---
# Source: catalog/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: catalog
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: catalog
  template:
    metadata:
      labels:
        app.kubernetes.io/name: catalog
    spec:
      containers:
        - name: catalog
          image: registry.example.com/catalog:1.8.0
          command: ["gunicorn"]
          args: ["catalog.main:app", "-k", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000"]
---
# Source: catalog/templates/hpa.yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: catalog
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: catalog
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
)";
  const imp::ImportResult r = import_ok_texts(yaml);
  const Scenario sc = load(r);
  const ServiceSpec& s = service(sc, "catalog");
  CHECK(s.hosts.size() == 3);
  // maxSurge 1 of 3 pods (the scenario rounds the percentage up to a pod): not 1 of 1, 100 %.
  CHECK(s.max_surge_percent == 33);
  CHECK(s.max_unavailable_percent == 0);
  CHECK(
      has_entry(r, imp::EntryKind::mapped, "k8s.yaml:37", "HorizontalPodAutoscaler catalog minReplicas -> hosts = 3"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:11", "rollingUpdate.maxSurge -> max_surge = 33"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:28",
                  "HorizontalPodAutoscaler catalog: it scales Deployment catalog between 3 and 10 replicas as the "
                  "load its metrics measure asks; the model does not simulate that scaling, so the run keeps 3 "
                  "replicas throughout"));
  CHECK_FALSE(any_message_has(r, "no spec.replicas: Kubernetes' default is 1"));
  CHECK_FALSE(any_message_has(r, "deploysim does not model this kind"));
}

TEST_CASE("a HorizontalPodAutoscaler moves a spec.replicas outside its range, and defaults minReplicas to 1") {
  std::string below = api_with_autoscaler("  minReplicas: 4\n  maxReplicas: 8\n");
  below.insert(below.find("  selector:"), "  replicas: 2\n");
  const imp::ImportResult r = import_ok_texts(below);
  CHECK(service(load(r), "api").hosts.size() == 4);
  CHECK(has_entry(r, imp::EntryKind::ignored, "k8s.yaml:6",
                  "spec.replicas 2: the HorizontalPodAutoscaler api keeps the replicas within its range, so it sets "
                  "them to its minReplicas, 4"));
  CHECK(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:24", "HorizontalPodAutoscaler api minReplicas -> hosts = 4"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "k8s.yaml:6", "spec.replicas -> hosts"));

  const imp::ImportResult d = import_ok_texts(api_with_autoscaler("  maxReplicas: 8\n"));
  const Scenario sd = load(d);
  CHECK(service(sd, "api").hosts.size() <= 1);
  CHECK(has_entry(d, imp::EntryKind::assumed, "k8s.yaml:22",
                  "hosts = 1: HorizontalPodAutoscaler api has no minReplicas: Kubernetes' default is 1"));
}

TEST_CASE("the HorizontalPodAutoscaler's report reads in Korean too") {
  const std::string yaml = api_with_autoscaler("  minReplicas: 3\n  maxReplicas: 6\n");
  const imp::ImportResult r = imp::import_texts({{"k8s.yaml", yaml, true}}, ko());
  REQUIRE(r.ok());
  CHECK(
      any_message_has(r, "`HorizontalPodAutoscaler` api: 지표로 잰 부하에 따라 Deployment api의 복제본을 3개에서 6개"));
}
