// nginx as teams lay it out on a server (Debian's /etc/nginx: nginx.conf whose http {} includes
// conf.d/*.conf and sites-enabled/*, snippets/ included by the sites), read as nginx reads it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn shop.main:app --host 0.0.0.0 --port 8000\n";

// Debian's packaged /etc/nginx/nginx.conf (nginx-common 1.22.1), shortened: its http {} includes
// conf.d/*.conf and sites-enabled/*.
const std::string debian_nginx_conf = R"(user www-data;
worker_processes auto;
pid /run/nginx.pid;
include /etc/nginx/modules-enabled/*.conf;

events {
	worker_connections 768;
}

http {
	sendfile on;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;

	ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; # Dropping SSLv3, ref: POODLE
	ssl_prefer_server_ciphers on;

	include /etc/nginx/conf.d/*.conf;
	include /etc/nginx/sites-enabled/*;
}
)";

// conf.d/upstreams.conf: a map and the upstream groups, which the sites name.
const std::string upstreams_conf = R"(map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

upstream shop_api {
    least_conn;
    server 10.0.0.21:8000 max_fails=3 fail_timeout=15s;
    server 10.0.0.22:8000 max_fails=3 fail_timeout=15s;
    server 10.0.0.23:8000 backup;
    keepalive 64;
}
)";

// sites-enabled/shop with its certificate written in the server block.
const std::string shop_site = R"(server {
    listen 80 default_server;
    server_name _;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl http2 default_server;
    server_name shop.example.co.uk;
    ssl_certificate /etc/letsencrypt/live/shop.example.co.uk/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.co.uk/privkey.pem;

    location / {
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_pass http://shop_api;
    }
}
)";

}  // namespace

TEST_CASE("nginx layout: session affinity (sticky, route=, drain) is open-source nginx's since 1.29.6") {
  const std::string upstreams =
      "upstream shop_api {\n"
      "    sticky cookie srv_id expires=1h path=/;\n"
      "    server 10.0.0.21:8000 route=a;\n"
      "    server 10.0.0.22:8000 route=b drain;\n"
      "    server 10.0.0.23:8000 slow_start=30s;\n"
      "}\n"
      "server {\n"
      "    listen 443 ssl;\n"
      "    server_name shop.example.com;\n"
      "    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;\n"
      "    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;\n"
      "    location / { proxy_pass http://shop_api; }\n"
      "}\n";
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"conf.d/shop.conf", upstreams, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:2",
                  "sticky cookie srv_id expires=1h path=/: not modelled: session affinity (open-source nginx since "
                  "1.29.6"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:2", "(10.0.0.21:8000)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:3",
                  "route=a: not modelled: a parameter of nginx's session affinity"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:4", "drain: not modelled"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:4", "Open-source nginx has it since 1.29.6"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:3", "NGINX Plus, nginx's commercial"));
  // slow_start= is still NGINX Plus's own: open-source nginx refuses it.
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:5",
                  "slow_start=30s: a parameter of NGINX Plus, nginx's commercial edition"));
  // In Korean too.
  const imp::ImportResult k =
      imp::import_texts({{"api.service", unit, true}, {"conf.d/shop.conf", upstreams, true}}, ko());
  CHECK(has_entry(k, imp::EntryKind::ignored, "conf.d/shop.conf:4", "1.29.6부터"));
}

TEST_CASE("nginx layout: an upstream of conf.d/upstreams.conf serves the proxy_pass of sites-enabled/shop") {
  // nginx finds an upstream by its name in the whole http context, whatever file declares it.
  const std::vector<imp::TextFile> files = {{"etc/nginx/conf.d/upstreams.conf", upstreams_conf, true},
                                            {"etc/nginx/nginx.conf", debian_nginx_conf, true},
                                            {"etc/nginx/sites-enabled/shop", shop_site, true}};
  const imp::ImportResult r = import_files(files);
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(sc.proxy->routes[0].host == "shop.example.co.uk");
  // The app is the upstream's first primary server, 10.0.0.21:8000 (not shop_api on port 80).
  CHECK(service(sc, sc.proxy->routes[0].pool).port == 8000);
  CHECK(has_entry(r, imp::EntryKind::assumed, "etc/nginx/conf.d/upstreams.conf:8", "upstream 10.0.0.21:8000"));
  CHECK(has_text(r, "port = 8000  # from etc/nginx/conf.d/upstreams.conf:8"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "etc/nginx/sites-enabled/shop:15", "upstream -> port = 80"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "etc/nginx/conf.d/upstreams.conf:6", "no route the model keeps"));
  // Its other servers are said with what nginx does with them.
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/conf.d/upstreams.conf:9",
                  "server 10.0.0.22:8000: balancing over several upstreams"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/conf.d/upstreams.conf:10",
                  "server 10.0.0.23:8000: a backup server"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/conf.d/upstreams.conf:8", "max_fails=3 fail_timeout=15s"));
  // The proxy is where the first server block is, not the map's line nor nginx.conf's `user`.
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/nginx/sites-enabled/shop:1", "proxy.preset = \"nginx\""));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "etc/nginx/conf.d/upstreams.conf:1", "proxy.preset"));
  // ssl_protocols of nginx.conf's http {} is the default server's list: mapped, not also assumed.
  CHECK(sc.proxy->tls_versions == (tls12 | tls13));
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/nginx/nginx.conf:15", "ssl_protocols -> proxy.tls_versions"));
  CHECK(std::none_of(r.report.begin(), r.report.end(), [](const imp::ReportEntry& e) {
    return e.kind == imp::EntryKind::assumed && e.message.find("proxy.tls_versions") != std::string::npos;
  }));

  // With the app's systemd unit on port 8000, the route goes to it, found by the upstream's port.
  std::vector<imp::TextFile> with_unit = files;
  with_unit.push_back({"shop.service", unit, true});
  const imp::ImportResult u = import_files(with_unit);
  const Scenario usc = load(u);
  REQUIRE(usc.proxy);
  CHECK(usc.proxy->routes[0].pool == "shop");
  CHECK(std::none_of(u.report.begin(), u.report.end(), [](const imp::ReportEntry& e) {
    return e.message.find("upstream http://shop_api") != std::string::npos;
  }));
}

namespace {

// sites-enabled/shop as certbot and Debian's snippets/ leave it: the certificate and the proxy
// settings are in snippets included by the server block.
const std::string shop_with_snippets = R"(server {
    listen 80 default_server;
    server_name _;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl default_server;
    server_name _;
    ssl_reject_handshake on;
}

server {
    listen 443 ssl http2;
    server_name shop.example.co.uk www.shop.example.co.uk;

    include snippets/ssl-shop.conf;

    location / {
        include snippets/proxy-headers.conf;
        proxy_pass http://shop_api;
    }
}
)";

const std::string ssl_snippet = R"(ssl_certificate /etc/letsencrypt/live/shop.example.co.uk/fullchain.pem;
ssl_certificate_key /etc/letsencrypt/live/shop.example.co.uk/privkey.pem;
ssl_session_timeout 1d;
)";

const std::string proxy_snippet = R"(proxy_http_version 1.1;
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_read_timeout 300s;
)";

}  // namespace

TEST_CASE("nginx layout: snippets an include names are read in its place, from nginx.conf's folder") {
  // Each file given by name: the snippets are no error, they are part of the nginx configuration.
  const std::vector<imp::TextFile> files = {{"etc/nginx/nginx.conf", debian_nginx_conf, true},
                                            {"etc/nginx/conf.d/upstreams.conf", upstreams_conf, true},
                                            {"etc/nginx/sites-enabled/shop", shop_with_snippets, true},
                                            {"etc/nginx/snippets/ssl-shop.conf", ssl_snippet, true},
                                            {"etc/nginx/snippets/proxy-headers.conf", proxy_snippet, true}};
  const imp::ImportResult r = import_files(files);
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  // The certificate of snippets/ssl-shop.conf serves the names of the server that includes it.
  REQUIRE(sc.certificates.size() == 1);
  CHECK(sc.certificates[0].domain == "shop.example.co.uk");
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/nginx/snippets/ssl-shop.conf:1",
                  "ssl_certificate -> certificate.issuer = \"letsencrypt\""));
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/nginx/sites-enabled/shop:17",
                  "include snippets/ssl-shop.conf: nginx reads etc/nginx/snippets/ssl-shop.conf here"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/snippets/ssl-shop.conf:3", "server: ssl_session_timeout"));
  // The location's proxy settings from snippets/proxy-headers.conf.
  CHECK(sc.proxy->forwarded_headers);
  CHECK(has_text(r, "forwarded_headers = true  # from etc/nginx/snippets/proxy-headers.conf:4"));
  CHECK(has_text(r, "upstream_timeout = \"5m\"  # from etc/nginx/snippets/proxy-headers.conf:5"));
  // nginx.conf's includes of conf.d/*.conf and sites-enabled/* name the files read with it.
  CHECK(has_entry(r, imp::EntryKind::mapped, "etc/nginx/nginx.conf:18",
                  "include /etc/nginx/conf.d/*.conf: nginx reads etc/nginx/conf.d/upstreams.conf here"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/nginx.conf:12",
                  "include /etc/nginx/mime.types: an included file is read only when it is given"));
  for (const imp::ImportedFile& f : r.files) CHECK(f.kind == imp::FileKind::nginx);
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "etc/nginx/sites-enabled/shop:13", "no ssl_certificate"));
  // Every request succeeds: the certificate is there for the names the default server does not reject.
  const Run run = simulate(sc);
  CHECK(count_kind(run, "tls.alert") == 0);
  CHECK(run.metrics.requests > 100);
  CHECK(run.metrics.succeeded == run.metrics.requests - run.metrics.in_flight);
}

TEST_CASE("nginx layout: a glob, an absolute path under /etc/nginx, certbot's options file, no nginx.conf") {
  // No nginx.conf given: a site of sites-enabled/ has the folder above it as nginx's prefix.
  const std::string site = R"(upstream shop_api { server 127.0.0.1:8000; }
server {
    listen 443 ssl;
    server_name shop.example.com;
    include /etc/nginx/snippets/*.conf;
    include /etc/letsencrypt/options-ssl-nginx.conf;
    location / { proxy_pass http://shop_api; }
}
)";
  const std::string certbot_options =
      "ssl_session_cache shared:le_nginx_SSL:10m;\n"
      "ssl_protocols TLSv1.2 TLSv1.3;\n";
  const imp::ImportResult r =
      import_files({{"shop.service", unit, true},
                    {"srv/nginx/sites-enabled/shop", site, true},
                    {"srv/nginx/snippets/b-headers.conf", "proxy_set_header X-Forwarded-Proto $scheme;\n", true},
                    {"srv/nginx/snippets/a-ssl.conf", ssl_snippet, true},
                    {"srv/nginx/snippets/.hidden.conf", "ssl_certificate /nope.pem;\n", false},
                    {"backup/etc/letsencrypt/options-ssl-nginx.conf", certbot_options, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.certificates.size() == 1);
  CHECK(has_entry(r, imp::EntryKind::mapped, "srv/nginx/sites-enabled/shop:5",
                  "nginx reads srv/nginx/snippets/a-ssl.conf, srv/nginx/snippets/b-headers.conf here"));
  CHECK(sc.proxy->forwarded_headers);
  // certbot's file, matched by the end of its path: its ssl_protocols is the server's list.
  CHECK(sc.proxy->tls_versions == (tls12 | tls13));
  CHECK(has_entry(r, imp::EntryKind::mapped, "backup/etc/letsencrypt/options-ssl-nginx.conf:2",
                  "ssl_protocols -> proxy.tls_versions"));
  CHECK_FALSE(has_text(r, "/nope.pem"));
}

TEST_CASE("nginx layout: a TLS server whose certificate is in an include not given says so") {
  const std::vector<imp::TextFile> files = {{"etc/nginx/nginx.conf", debian_nginx_conf, true},
                                            {"etc/nginx/conf.d/upstreams.conf", upstreams_conf, true},
                                            {"etc/nginx/sites-enabled/shop", shop_with_snippets, true},
                                            {"etc/nginx/snippets/proxy-headers.conf", proxy_snippet, true}};
  const imp::ImportResult r = import_files(files);
  CHECK(load(r).certificates.empty());
  CHECK(has_entry(r, imp::EntryKind::ignored, "etc/nginx/sites-enabled/shop:17",
                  "include snippets/ssl-shop.conf: an included file is read only when it is given"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "etc/nginx/sites-enabled/shop:13",
                  "server shop.example.co.uk www.shop.example.co.uk: a TLS server with no ssl_certificate in the "
                  "files read"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "etc/nginx/sites-enabled/shop:13",
                  "nginx does not start with these files as they are read"));
  CHECK(has_entry(r, imp::EntryKind::assumed, "etc/nginx/sites-enabled/shop:13", "unrecognized_name"));
  const imp::ImportResult k = imp::import_texts(files, ko());
  CHECK(has_entry(k, imp::EntryKind::assumed, "etc/nginx/sites-enabled/shop:13", "`ssl_certificate`가 없는 TLS 서버"));
}
