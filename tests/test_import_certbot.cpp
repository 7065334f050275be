// certbot's own files beside nginx: the renewal configuration (/etc/letsencrypt/renewal/NAME.conf)
// and the hook scripts of /etc/letsencrypt/renewal-hooks/, which decide whether nginx is reloaded
// after a renewal, from which CA the certificate comes and with which challenge.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "deploysim/simulate.hpp"
#include "import/certbot_conf.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

const std::string webroot = dir + "/certbot-webroot/etc";
const std::string conf_api = webroot + "/letsencrypt/renewal/api.shop.example.com.conf";
const std::string conf_old = webroot + "/letsencrypt/renewal/old.shop.example.com.conf";
const std::string deploy_hook = webroot + "/letsencrypt/renewal-hooks/deploy/reload-nginx";
const std::string shop_conf = webroot + "/nginx/sites-enabled/shop.conf";

// The scenario's line that sets `key` (its comment included).
std::string scenario_line(const imp::ImportResult& r, const std::string& key) {
  const size_t at = r.scenario_text.find("\n" + key + " = ");
  if (at == std::string::npos) return {};
  return r.scenario_text.substr(at + 1, r.scenario_text.find('\n', at + 1) - at - 1);
}

// An nginx server for api.example.com that serves /etc/letsencrypt/live/api.example.com/.
const imp::TextFile nginx_api{"etc/nginx/conf.d/api.conf", R"(server {
    listen 443 ssl;
    server_name api.example.com;
    ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/api.example.com/privkey.pem;
    location / { proxy_pass http://127.0.0.1:8000; }
}
)",
                              true};

// nginx and a certbot container in Compose: certbot renews in its container (docker-compose.yml:8).
const std::string certbot_container_compose = R"(services:
  nginx:
    image: nginx:1.27-alpine
    ports: ["443:443"]
    volumes:
      - ./nginx/conf.d:/etc/nginx/conf.d:ro
      - ./letsencrypt:/etc/letsencrypt:ro
  certbot:
    image: certbot/certbot:v2.11.0
    volumes:
      - ./letsencrypt:/etc/letsencrypt
    entrypoint: /bin/sh -c 'while :; do certbot renew; sleep 12h; done'
)";

// A renewal configuration of api.example.com whose [renewalparams] lines are `params` (line 4 on).
imp::TextFile renewal_conf(const std::string& params) {
  return {
      "etc/letsencrypt/renewal/api.example.com.conf",
      "version = 2.9.0\nfullchain = /etc/letsencrypt/live/api.example.com/fullchain.pem\n[renewalparams]\n" + params,
      true};
}

// nginx_api with renewal_conf(params), and where that conf's line `n` is.
imp::ImportResult with_params(const std::string& params) { return import_files({nginx_api, renewal_conf(params)}); }
std::string conf_line(int n) { return "etc/letsencrypt/renewal/api.example.com.conf:" + std::to_string(n); }

}  // namespace

TEST_CASE("import certbot: a deploy hook script reloads nginx, the webroot conf gives the CA and the challenge") {
  const imp::ImportResult r = import_ok({webroot});
  // Each of certbot's files is listed as one.
  for (const std::string& f : {conf_api, conf_old, deploy_hook}) {
    const auto it = std::find_if(r.files.begin(), r.files.end(), [&](const auto& x) { return x.path == f; });
    REQUIRE(it != r.files.end());
    CHECK(it->kind == imp::FileKind::certbot);
  }
  // reload_after_renewal from the script's line that reloads nginx (line 3), no longer assumed.
  CHECK(scenario_line(r, "reload_after_renewal") == "reload_after_renewal = true  # from " + deploy_hook + ":3");
  CHECK(has_entry(r, imp::EntryKind::mapped, deploy_hook + ":3",
                  "renewal-hooks/deploy/reload-nginx -> certificate.reload_after_renewal = true"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, shop_conf + ":19", "certificate.reload_after_renewal"));
  // The conf's fullchain is the ssl_certificate of line 19; its server the issuer, its
  // authenticator the challenge, its [renewalparams] who renews.
  CHECK(has_entry(r, imp::EntryKind::mapped, conf_api + ":7", "api.shop.example.com (ssl_certificate at " + shop_conf));
  CHECK(scenario_line(r, "issuer") == "issuer = \"letsencrypt\"  # from " + conf_api + ":14");
  CHECK(scenario_line(r, "challenge") == "challenge = \"http-01\"  # from " + conf_api + ":12");
  CHECK(scenario_line(r, "renewal") == "renewal = \"certbot\"  # from " + conf_api + ":10");
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, shop_conf + ":19", "certbot's timer is assumed"));
  // What the scenario has no key for: each at its line.
  CHECK(has_entry(r, imp::EntryKind::ignored, conf_api + ":11", "account: deploysim does not model it"));
  CHECK(has_entry(r, imp::EntryKind::ignored, conf_api + ":13", "webroot_path: deploysim does not model it"));
  CHECK(has_entry(r, imp::EntryKind::ignored, conf_api + ":17",
                  "webroot_map api.shop.example.com: deploysim does not model it"));
  // A lineage no nginx server serves.
  CHECK(has_entry(r, imp::EntryKind::ignored, conf_old + ":7",
                  "no nginx server read has ssl_certificate /etc/letsencrypt/live/old.shop.example.com/fullchain.pem"));
  // The scenario runs: the certificate is served and renewed.
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].reload_after_renewal);
  CHECK(sc.certificates[0].renewal == Renewal::certbot);
  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

TEST_CASE("import certbot: installer = nginx reloads nginx; a staging server is an untrusted issuer") {
  const std::string etc = dir + "/certbot-nginx-staging/etc";
  const std::string conf = etc + "/letsencrypt/renewal/www.example.org.conf";
  const imp::ImportResult r = import_ok({etc});
  CHECK(scenario_line(r, "reload_after_renewal") == "reload_after_renewal = true  # from " + conf + ":13");
  CHECK(has_entry(r, imp::EntryKind::mapped, conf + ":13", "installer -> certificate.reload_after_renewal = true"));
  // Not the weaker guess from the "# managed by Certbot" lines.
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, etc + "/nginx/sites-enabled/default:11",
                        "certificate.reload_after_renewal"));
  CHECK(scenario_line(r, "issuer") == "issuer = \"untrusted\"  # from " + conf + ":14");
  CHECK(has_entry(r, imp::EntryKind::mapped, conf + ":14", "Let's Encrypt's staging CA"));
  CHECK(has_entry(r, imp::EntryKind::mapped, conf + ":14", "browsers do not trust"));
  CHECK(scenario_line(r, "challenge") == "challenge = \"http-01\"  # from " + conf + ":12");
  // The run: every client refuses the staging CA's certificate.
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].issuer == Issuer::untrusted);
  CHECK(sc.certificates[0].reload_after_renewal);
  const Run run = simulate(sc);
  CHECK(run.metrics.requests > 0);
  CHECK(run.metrics.succeeded == 0);
}

TEST_CASE("import certbot: hooks that do not reload nginx, a script not executable, a DNS plugin") {
  const std::string etc = dir + "/certbot-hooks/etc";
  const std::string conf = etc + "/letsencrypt/renewal/example.net.conf";
  const std::string skipped = etc + "/letsencrypt/renewal-hooks/deploy/reload-nginx.sh";
  const std::string post = etc + "/letsencrypt/renewal-hooks/post/notify-ops";
  // git keeps the mode; a copy that lost it would make this test meaningless.
  const auto perms = std::filesystem::status(skipped).permissions();
  REQUIRE((perms & std::filesystem::perms::owner_exec) == std::filesystem::perms::none);
  REQUIRE((std::filesystem::status(post).permissions() & std::filesystem::perms::owner_exec) !=
          std::filesystem::perms::none);
  const imp::ImportResult r = import_ok({etc});
  // certbot skips the script that would have reloaded nginx; renew_hook copies the files for
  // HAProxy: nginx keeps the old certificate.
  CHECK(has_entry(r, imp::EntryKind::ignored, skipped, "not run: certbot runs only the executable files"));
  CHECK(scenario_line(r, "reload_after_renewal")
            .starts_with("reload_after_renewal = false  # assumed: renew_hook (cat "));
  CHECK(has_entry(r, imp::EntryKind::assumed, conf + ":17", "certificate.reload_after_renewal = false: renew_hook"));
  CHECK(has_entry(r, imp::EntryKind::assumed, conf + ":17", "does not reload nginx"));
  CHECK(
      has_entry(r, imp::EntryKind::ignored, post + ":3", "notify-ops: runs after a renewal but does not reload nginx"));
  // dns-cloudflare answers DNS-01; its own settings are not modelled.
  CHECK(scenario_line(r, "challenge") == "challenge = \"dns-01\"  # from " + conf + ":12");
  CHECK(has_entry(r, imp::EntryKind::ignored, conf + ":13", "dns_cloudflare_credentials"));
  const Scenario sc = load(r);
  REQUIRE(sc.certificates.size() == 1);
  CHECK_FALSE(sc.certificates[0].reload_after_renewal);
  CHECK(sc.certificates[0].challenge == Challenge::dns01);
}

TEST_CASE("import certbot: a post hook, the pre/post pair of the standalone authenticator, a docker hook") {
  SUBCASE("post_hook reloads nginx") {
    const imp::ImportResult r = with_params("authenticator = webroot\npost_hook = systemctl reload nginx\n");
    CHECK(scenario_line(r, "reload_after_renewal") == "reload_after_renewal = true  # from " + conf_line(5));
  }
  SUBCASE("pre hook stops nginx, post hook starts it") {
    const imp::ImportResult r =
        with_params("authenticator = standalone\npre_hook = service nginx stop\npost_hook = service nginx start\n");
    CHECK(scenario_line(r, "reload_after_renewal") == "reload_after_renewal = true  # from " + conf_line(6));
    CHECK(has_entry(r, imp::EntryKind::ignored, conf_line(5), "pre_hook: a pre hook runs before"));
    CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, conf_line(4), "Could not bind TCP port 80"));
  }
  SUBCASE("post hook starts nginx, but nothing stops it: no reload") {
    const imp::ImportResult r = with_params("authenticator = standalone\npost_hook = service nginx start\n");
    CHECK(scenario_line(r, "reload_after_renewal").starts_with("reload_after_renewal = false"));
    CHECK(has_entry(r, imp::EntryKind::ignored, conf_line(4), "Could not bind TCP port 80"));
  }
  SUBCASE("a deploy hook through the Docker socket") {
    const imp::ImportResult r = with_params("authenticator = webroot\nrenew_hook = \"docker kill -s HUP nginx\"\n");
    CHECK(scenario_line(r, "reload_after_renewal") == "reload_after_renewal = true  # from " + conf_line(5));
  }
  SUBCASE("installer = None and no hook") {
    const imp::ImportResult r = with_params("authenticator = webroot\ninstaller = None\n");
    CHECK(scenario_line(r, "reload_after_renewal")
              .starts_with("reload_after_renewal = false  # assumed: installer = None"));
    CHECK(has_entry(r, imp::EntryKind::assumed, conf_line(5), "no deploy or post hook among the files"));
  }
  SUBCASE("a quoted ssl_certificate is the conf's cert") {
    imp::TextFile quoted = nginx_api;
    quoted.text.replace(quoted.text.find("ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem"),
                        std::string("ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem").size(),
                        "ssl_certificate \"/etc/letsencrypt/live/api.example.com/cert.pem\"");
    const imp::ImportResult r = import_files(
        {quoted,
         {"renewal/api.example.com.conf",
          "cert = /etc/letsencrypt/live/api.example.com/cert.pem\n[renewalparams]\ninstaller = nginx\n", true}});
    CHECK(scenario_line(r, "reload_after_renewal") ==
          "reload_after_renewal = true  # from renewal/api.example.com.conf:3");
    CHECK(has_entry(r, imp::EntryKind::mapped, "renewal/api.example.com.conf:1", "cert: the certificate nginx serves"));
  }
  SUBCASE("a hook script with no certificate certbot renews") {
    const imp::ImportResult r = import_files(
        {{"etc/nginx/conf.d/api.conf",
          "server {\n listen 443 ssl;\n server_name api.example.com;\n ssl_certificate /etc/ssl/api.pem;\n "
          "location / { proxy_pass http://127.0.0.1:8000; }\n}\n",
          true},
         {"etc/letsencrypt/renewal-hooks/deploy/reload", "#!/bin/sh\nnginx -s reload\n", true}});
    CHECK(has_entry(r, imp::EntryKind::ignored, "etc/letsencrypt/renewal-hooks/deploy/reload:2",
                    "no certificate of the nginx files read is under /etc/letsencrypt/"));
    CHECK(scenario_line(r, "renewal").starts_with("renewal = \"none\"  # assumed"));
  }
  SUBCASE("autorenew = False: certbot renew skips it") {
    const imp::ImportResult r = with_params("authenticator = webroot\nautorenew = False\n");
    CHECK(scenario_line(r, "renewal") == "renewal = \"none\"  # from " + conf_line(5));
  }
}

TEST_CASE("import certbot: with a certbot container, its hooks run there and the container decides") {
  const imp::ImportResult r = import_files(
      {{"docker-compose.yml", certbot_container_compose, true},
       {"nginx/conf.d/api.conf", nginx_api.text, true},
       {"letsencrypt/renewal/api.example.com.conf",
        "fullchain = /etc/letsencrypt/live/api.example.com/fullchain.pem\n[renewalparams]\nauthenticator = "
        "webroot\nrenew_hook = nginx -s reload\n",
        true}});
  // nginx -s reload in certbot's container reaches no nginx: the container's rule gives false.
  CHECK(has_entry(r, imp::EntryKind::ignored, "letsencrypt/renewal/api.example.com.conf:4",
                  "renew_hook: certbot runs in the container certbot of the Compose file"));
  CHECK(scenario_line(r, "reload_after_renewal")
            .starts_with("reload_after_renewal = false  # assumed: the certbot container"));
  CHECK(scenario_line(r, "renewal") == "renewal = \"certbot\"  # from docker-compose.yml:8");
  CHECK(scenario_line(r, "challenge") == "challenge = \"http-01\"  # from letsencrypt/renewal/api.example.com.conf:3");
}

TEST_CASE("import certbot: a hook on the host reloads nginx's container by its Compose name") {
  // nginx runs in Compose as the service `proxy` (container_name edge); certbot runs on the host
  // with the renewal configuration beside the files.
  const std::string compose = R"(services:
  proxy:
    image: nginx:1.27-alpine
    container_name: edge
    ports: ["443:443"]
    volumes:
      - ./etc/nginx/conf.d:/etc/nginx/conf.d:ro
      - /etc/letsencrypt:/etc/letsencrypt:ro
)";
  const auto with_hook = [&](const std::string& hook) {
    return import_files({{"docker-compose.yml", compose, true},
                         nginx_api,
                         renewal_conf("authenticator = webroot\nrenew_hook = " + hook + "\n")});
  };
  SUBCASE("docker kill -s HUP proxy") {
    CHECK(scenario_line(with_hook("docker kill -s HUP proxy"), "reload_after_renewal") ==
          "reload_after_renewal = true  # from " + conf_line(5));
  }
  SUBCASE("docker restart edge, its container_name") {
    CHECK(scenario_line(with_hook("docker restart edge"), "reload_after_renewal") ==
          "reload_after_renewal = true  # from " + conf_line(5));
  }
  SUBCASE("a HUP to another container does not reload nginx") {
    const imp::ImportResult r = with_hook("docker kill -s HUP api");
    CHECK(scenario_line(r, "reload_after_renewal").starts_with("reload_after_renewal = false  # assumed"));
    CHECK(has_entry(r, imp::EntryKind::assumed, conf_line(5), "docker kill -s HUP api"));
  }
}

TEST_CASE("import certbot: a certbot container that renews two certificates is reported once") {
  std::string www = nginx_api.text;
  for (size_t at = www.find("api.example.com"); at != std::string::npos; at = www.find("api.example.com"))
    www.replace(at, 3, "www");
  const imp::ImportResult r = import_files({{"docker-compose.yml", certbot_container_compose, true},
                                            {"nginx/conf.d/api.conf", nginx_api.text, true},
                                            {"nginx/conf.d/www.conf", www, true}});
  REQUIRE(r.scenario_text.find("domain = \"www.example.com\"") != std::string::npos);
  const auto said = std::count_if(r.report.begin(), r.report.end(), [](const imp::ReportEntry& e) {
    return e.pos.file == "docker-compose.yml" && e.pos.line == 8 &&
           e.message == "service certbot -> certificate.renewal = \"certbot\"";
  });
  CHECK(said == 1);
  // Both certificates still take the value.
  const size_t first = r.scenario_text.find("renewal = \"certbot\"  # from docker-compose.yml:8");
  REQUIRE(first != std::string::npos);
  CHECK(r.scenario_text.find("renewal = \"certbot\"  # from docker-compose.yml:8", first + 1) != std::string::npos);
}

TEST_CASE("import certbot: which commands reload nginx") {
  CHECK(imp::command_reloads_nginx("systemctl reload nginx"));
  CHECK(imp::command_reloads_nginx("/bin/systemctl --no-block restart nginx.service"));
  CHECK(imp::command_reloads_nginx("service nginx reload"));
  CHECK(imp::command_reloads_nginx("/usr/sbin/nginx -s reload"));
  CHECK(imp::command_reloads_nginx("docker exec web nginx -s reload"));
  CHECK(imp::command_reloads_nginx("docker compose -f /srv/app/compose.yml kill -s HUP nginx"));
  CHECK(imp::command_reloads_nginx("kill -HUP $(cat /run/nginx.pid)"));
  CHECK_FALSE(imp::command_reloads_nginx("systemctl reload apache2"));
  CHECK_FALSE(imp::command_reloads_nginx("systemctl status nginx"));
  CHECK_FALSE(imp::command_reloads_nginx("cp fullchain.pem /etc/nginx/ssl/"));
  CHECK_FALSE(imp::command_reloads_nginx("nginx -t"));
  CHECK(imp::command_reloads_nginx("sh -c 'systemctl reload nginx'"));
  CHECK(imp::command_reloads_nginx("test -x /usr/sbin/nginx && (systemctl reload nginx)"));
  CHECK(imp::command_reloads_nginx("/etc/init.d/nginx force-reload"));
  CHECK(imp::command_reloads_nginx("pkill -SIGHUP nginx"));
  CHECK(imp::command_reloads_nginx("docker restart proxy-nginx-1"));
  // An nginx container the Compose files name otherwise: its service, container_name, and the
  // container Compose names after the service (PROJECT-SERVICE-N).
  CHECK_FALSE(imp::command_reloads_nginx("docker kill -s HUP proxy"));
  CHECK(imp::command_reloads_nginx("docker kill -s HUP proxy", {"proxy"}));
  CHECK(imp::command_reloads_nginx("docker restart shop-proxy-1", {"proxy"}));
  CHECK(imp::command_reloads_nginx("docker compose kill -s SIGHUP proxy", {"proxy"}));
  CHECK_FALSE(imp::command_reloads_nginx("docker restart shop-proxyx-1", {"proxy"}));
  CHECK_FALSE(imp::command_reloads_nginx("docker restart shop-proxy-a", {"proxy"}));
  CHECK_FALSE(imp::command_reloads_nginx("docker restart api", {"proxy"}));
  // From another container only a docker command reaches nginx.
  CHECK(imp::docker_reloads_nginx("docker exec proxy nginx -s reload", {"proxy"}));
  CHECK(imp::docker_reloads_nginx("docker kill --signal=HUP edge", {"proxy", "edge"}));
  CHECK_FALSE(imp::docker_reloads_nginx("nginx -s reload", {"proxy"}));
  CHECK_FALSE(imp::docker_reloads_nginx("docker ps; nginx -s reload", {"proxy"}));
  CHECK_FALSE(imp::docker_reloads_nginx("docker ps", {"proxy"}));
  CHECK_FALSE(imp::command_reloads_nginx("systemctl reload nginx-exporter"));
  CHECK_FALSE(imp::command_reloads_nginx("echo done; nginx -t"));
  CHECK(imp::command_starts_nginx("service nginx start"));
  CHECK_FALSE(imp::command_starts_nginx("systemctl restart nginx"));
  CHECK(imp::command_stops_nginx("/usr/sbin/nginx -s quit"));
  CHECK(imp::command_stops_nginx("systemctl stop nginx.service"));
  // A line of 600 KB (std::regex, which read these once, overflowed the stack on it).
  std::string long_line = "systemctl ";
  for (int i = 0; i < 300000; ++i) long_line += "a ";
  CHECK(imp::command_reloads_nginx(long_line + "reload nginx"));
  CHECK_FALSE(imp::command_stops_nginx(long_line));
  CHECK(imp::command_stops_nginx("service nginx stop"));
  CHECK(imp::command_starts_nginx("systemctl start nginx"));
  CHECK_FALSE(imp::command_starts_nginx("systemctl restart apache2"));
}

TEST_CASE("import certbot: a malformed renewal configuration is a located error") {
  const std::string broken = dir + "/certbot-broken/renewal";
  const imp::ImportResult no_equals = imp::import_paths({broken + "/no-equals.conf"}, en());
  CHECK_FALSE(no_equals.ok());
  CHECK(has_error(no_equals, broken + "/no-equals.conf:12:3", "unexpected \"authenticator\", expecting \"=\""));
  const imp::ImportResult unclosed = imp::import_paths({broken + "/unclosed.conf"}, en());
  CHECK_FALSE(unclosed.ok());
  CHECK(has_error(unclosed, broken + "/unclosed.conf:10:1",
                  "invalid section header \"[renewalparams\", expecting [Name]"));
  // In Korean too, at the same place.
  const imp::ImportResult ko_r = imp::import_paths({broken + "/unclosed.conf"}, ko());
  CHECK(std::any_of(ko_r.report.begin(), ko_r.report.end(), [&](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::error && e.pos.str() == broken + "/unclosed.conf:10:1";
  }));
}

TEST_CASE("import certbot: the report in Korean") {
  imp::ImportResult r = imp::import_paths({dir + "/certbot-nginx-staging/etc"}, ko());
  REQUIRE(r.ok());
  const std::string conf = dir + "/certbot-nginx-staging/etc/letsencrypt/renewal/www.example.org.conf";
  CHECK(has_entry(r, imp::EntryKind::mapped, conf + ":14", "스테이징 CA"));
}
