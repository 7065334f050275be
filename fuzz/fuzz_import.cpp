// The import parsers' own readers (app/import): nginx configs, Caddyfiles, systemd units (which
// also run their ExecStart through the ASGI command-line reader) and shell command lines. Any
// input gives a value or a located error whose text the catalogue fills; nothing throws. And the
// whole importer on each of these and on YAML (a compose file or Kubernetes manifests): whatever
// it makes loads, and every report entry is about the file.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "fuzz_entry.hpp"
#include "import/asgi_command.hpp"
#include "import/caddyfile.hpp"
#include "import/certbot_conf.hpp"
#include "import/dockerfile.hpp"
#include "import/import.hpp"
#include "import/nginx_conf.hpp"
#include "import/parse_util.hpp"
#include "import/systemd_unit.hpp"

namespace deploysim::fuzz {

namespace {

std::optional<Messages>& catalogue() {
  static std::optional<Messages> m;
  return m;
}

// A located error points into the file: its name, a line within it, a column from 1.
template <class R>
void check(const R& r, std::string_view text) {
  require(r.ok() != r.error.has_value(), "a parse gives a value or an error, not both");
  if (!r.error) return;
  const import::SourcePos& p = r.error->pos;
  require(p.file == "fuzz.input", "the error names the file");
  const auto lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  require(p.line >= 1 && p.line <= lines, "the error's line is in the file");
  require(p.col >= 1 && p.col <= text.size() + 1, "the error's column is in its line");
  if (catalogue()) {
    const std::string msg = import::format_parse_error(*r.error, *catalogue());
    // The key must be in the catalogue ("[?]" may also stand for a byte of the input that is
    // not printable text).
    require(msg.starts_with("fuzz.input:") && catalogue()->has(import::parse_error_key(r.error->code)),
            "the error text is in the catalogue");
  }
}

// The whole importer on one file: a scenario or errors, never both, and every entry about the
// file (an error at "imported.toml" is a scenario the loader refused: "please report this").
void check_import(const std::vector<import::TextFile>& files) {
  if (!catalogue()) return;
  const import::ImportResult r = import::import_texts(files, *catalogue());
  require(r.ok() != r.scenario_text.empty(), "an import gives a scenario or an error, not both");
  for (const import::ReportEntry& e : r.report) {
    require(std::any_of(files.begin(), files.end(), [&](const import::TextFile& f) { return f.name == e.pos.file; }),
            "every entry names a file it is about");
    require(std::none_of(e.message.begin(), e.message.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }),
            "a report line holds no control character (a NUL cut the printed report short)");
  }
}

void check_import(const std::string& name, std::string_view text) { check_import({{name, std::string(text), true}}); }

}  // namespace

void init_import() {
  std::string error;
  catalogue() = Messages::load("en", &error);
}

int run_import_nginx(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(import::parse_nginx_conf(text, "fuzz.input"), text);
  check_import("nginx.conf", text);
  // Split at the first NUL: an nginx.conf and a file of conf.d/ that its include lines may name
  // (the include's glob and the files read in its place), and the two halves as a glob and a name.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    check_import({{"etc/nginx/nginx.conf", std::string(text.substr(0, nul)), true},
                  {"etc/nginx/conf.d/site.conf", std::string(text.substr(nul + 1)), true}});
    (void)import::detail::glob_match(text.substr(0, nul), text.substr(nul + 1));
  }
  return 0;
}

int run_import_caddy(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(import::parse_caddyfile(text, "fuzz.input"), text);
  check_import("Caddyfile", text);
  return 0;
}

int run_import_systemd(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(import::parse_systemd_unit(text, "fuzz.input"), text);
  check_import("api.service", text);
  // The same bytes as a drop-in over a unit (api.service.d/*.conf).
  check_import({{"api.service", "[Service]\nExecStart=/usr/bin/uvicorn app:app --workers 2\n", true},
                {"api.service.d/override.conf", std::string(text), true}});
  // The same bytes as the EnvironmentFile= of a unit that reads it (systemd reads such a file
  // after Environment=; its UVICORN_* and WEB_CONCURRENCY reach the ExecStart below).
  check_import({{"api.service",
                 "[Service]\nEnvironment=UVICORN_PORT=8000\nEnvironmentFile=/etc/default/api.env\n"
                 "ExecStart=/usr/bin/uvicorn app:app\n",
                 true},
                {"etc/default/api.env", std::string(text), true}});
  // The same bytes as a compose `command:` string.
  std::vector<std::string> words;
  import::split_shell_words(text, words);
  const import::AsgiResult a = import::parse_asgi_command(words, import::SourcePos{"fuzz.input", 1, 1});
  require(a.ok() != a.error.has_value(), "an ASGI command gives a value or an error");
  if (a.value && a.value->server != import::AsgiServer::unknown)
    require(a.value->workers.value >= 0 && a.value->port.value >= 0 && a.value->port.value <= 65535,
            "workers and port are in range");
  return 0;
}

int run_import_certbot(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(import::parse_certbot_renewal(text, "fuzz.input"), text);
  // The hook readers take any command.
  (void)import::command_reloads_nginx(text);
  (void)import::command_starts_nginx(text);
  (void)import::command_stops_nginx(text);
  // Beside the nginx site whose certificate it renews, as the renewal conf of that lineage...
  const std::string site =
      "server {\n  listen 443 ssl;\n  server_name api.example.test;\n"
      "  ssl_certificate /etc/letsencrypt/live/api.example.test/fullchain.pem;\n"
      "  ssl_certificate_key /etc/letsencrypt/live/api.example.test/privkey.pem;\n"
      "  location / { proxy_pass http://127.0.0.1:8000; }\n}\n";
  check_import({{"etc/nginx/conf.d/api.conf", site, true},
                {"etc/letsencrypt/renewal/api.example.test.conf", std::string(text), true}});
  // ... and as a deploy hook script of a lineage whose conf names no installer.
  check_import({{"etc/nginx/conf.d/api.conf", site, true},
                {"etc/letsencrypt/renewal/api.example.test.conf",
                 "fullchain = /etc/letsencrypt/live/api.example.test/fullchain.pem\n[renewalparams]\n"
                 "authenticator = webroot\ninstaller = None\n",
                 true},
                {"etc/letsencrypt/renewal-hooks/deploy/reload", std::string(text), true}});
  return 0;
}

int run_import_yaml(const uint8_t* data, size_t size) {
  if (size == 0 || !catalogue()) return 0;
  // The first byte picks the file's name (and so how its kind is told), the rest is its text;
  // 4: a Compose file and its override (compose.override.yml, merged over it), split at the
  // first NUL byte; 0xE0 and above pair a Compose file with another file (below).
  static const char* const names[] = {"docker-compose.yml", "deploy/k8s/api.yaml", "compose.yaml", "manifests.yml"};
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  // 0xF0 and above: a Compose file and the Traefik static configuration file its Traefik
  // container may mount (./traefik.yml, or ./traefik.toml when odd), split at the first NUL.
  if (data[0] >= 0xF0) {
    const size_t nul = std::min(text.find('\0'), text.size());
    check_import({{"compose.yaml", std::string(text.substr(0, nul)), true},
                  {data[0] % 2 ? "traefik.toml" : "traefik.yml",
                   std::string(text.substr(std::min(nul + 1, text.size()))), true}});
    return 0;
  }
  // 0xD0 to 0xDF: a Dockerfile that a Compose service builds (its HEALTHCHECK, CMD,
  // ENTRYPOINT, ENV, ARG and EXPOSE), read alone with every positions in the file, then through the importer: an even
  // byte under a fixed Compose file that builds it, an odd one after a Compose file of the input's
  // own, split at the first NUL.
  if (data[0] >= 0xD0 && data[0] < 0xE0) {
    std::string_view compose =
        "services:\n  api:\n    build:\n      context: .\n      target: app\n    labels:\n"
        "      - traefik.http.routers.api.rule=Host(`api.example.test`)\n";
    std::string_view dockerfile = text;
    if (data[0] % 2) {
      const size_t nul = std::min(text.find('\0'), text.size());
      compose = text.substr(0, nul);
      dockerfile = text.substr(std::min(nul + 1, text.size()));
    }
    const auto lines = static_cast<uint32_t>(std::count(dockerfile.begin(), dockerfile.end(), '\n')) + 1;
    const import::DockerfileHealth h = import::read_dockerfile_health(dockerfile, "Dockerfile", "app");
    const auto in_file = [&](const import::SourcePos& p) {
      return p.file == "Dockerfile" && p.line >= 1 && p.line <= lines;
    };
    require(!h.effective || in_file(h.effective->pos), "the image's HEALTHCHECK is a line of the Dockerfile");
    require(std::all_of(h.unused.begin(), h.unused.end(), [&](const auto& c) { return in_file(c.pos); }),
            "every unused HEALTHCHECK is a line of the Dockerfile");
    require((!h.cmd || in_file(h.cmd->pos)) && (!h.entrypoint || in_file(h.entrypoint->pos)),
            "CMD and ENTRYPOINT are lines of the Dockerfile");
    require(std::all_of(h.env.begin(), h.env.end(), [&](const auto& e) { return in_file(e.second.line.pos); }) &&
                std::all_of(h.exposes.begin(), h.exposes.end(), [&](const auto& e) { return in_file(e.pos); }),
            "every ENV and EXPOSE is a line of the Dockerfile");
    check_import({{"compose.yaml", std::string(compose), true}, {"Dockerfile", std::string(dockerfile), true}});
    return 0;
  }
  // 0xE0 to 0xEF: a Compose file and the .env beside it (its variables fill in ${VAR} and
  // COMPOSE_PROFILES, and it may be a service's env_file), split at the first NUL.
  if (data[0] >= 0xE0) {
    const size_t nul = std::min(text.find('\0'), text.size());
    check_import({{"compose.yaml", std::string(text.substr(0, nul)), true},
                  {".env", std::string(text.substr(std::min(nul + 1, text.size()))), true}});
    return 0;
  }
  if (data[0] % 5 == 4) {
    const size_t nul = std::min(text.find('\0'), text.size());
    check_import({{"compose.yaml", std::string(text.substr(0, nul)), true},
                  {"compose.override.yml", std::string(text.substr(std::min(nul + 1, text.size()))), true}});
    return 0;
  }
  check_import(names[data[0] % 5], text);
  return 0;
}

}  // namespace deploysim::fuzz
