// nginx as the importer reads it, each setting as nginx itself reads it: proxy_pass and its
// upstream names, the `ssl` listen flag, ssl_protocols inherited from the http level (nginx.conf
// read with the files in conf.d), the server that clients on 443 reach, the default server's
// certificate, and the X-Forwarded-Proto a proxying location inherits.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import/import_model.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

TEST_CASE("nginx: proxy_pass names its upstream whole, and TLS is the listen socket's ssl flag") {
  const std::string conf = dir + "/files/nginx/upstream-names.conf";
  const imp::ImportResult r = import_ok({conf});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  // The second server shares *:443 with the first's `ssl`: it is TLS too; port 8443 without ssl
  // is plain HTTP.
  REQUIRE(sc.proxy->routes.size() == 2);
  CHECK(sc.proxy->routes[0].host == "api.shop.example.com");
  CHECK(sc.proxy->routes[1].host == "www.shop.example.com");
  CHECK(has_entry(r, imp::EntryKind::ignored, conf + ":31", "a plain HTTP server"));
  // api_backend is its own upstream (port 9000), not `api`'s, whose name it starts with.
  CHECK(service(sc, sc.proxy->routes[0].pool).port == 9000);
  CHECK(has_entry(r, imp::EntryKind::assumed, conf + ":6", "upstream 127.0.0.1:9000"));

  // `listen 443;` alone is plain HTTP whatever the port.
  const std::string plain = dir + "/files/nginx/listen-443-plain.conf";
  const imp::ImportResult p = import_ok({plain});
  const Scenario psc = load(p);
  REQUIRE(psc.proxy);
  REQUIRE(psc.proxy->routes.size() == 1);
  CHECK(psc.proxy->routes[0].host == "api.shop.example.com");
  CHECK(has_entry(p, imp::EntryKind::ignored, plain + ":2", "listen 443 without ssl: nginx serves plain HTTP"));
}

TEST_CASE("nginx: http-level ssl_protocols is every server's default, the default server's list is modelled") {
  const std::string conf = dir + "/files/nginx/http-ssl-protocols.conf";
  const imp::ImportResult r = import_ok({conf});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->tls_versions == tls12);  // no TLS 1.3
  CHECK(has_text(r, "tls_versions = [\"1.2\"]  # from " + conf + ":4\n"));
  CHECK(has_entry(r, imp::EntryKind::ignored, conf + ":4", "ssl_protocols TLSv1.1"));
  // `http2 on;` is read from the file, not assumed.
  CHECK(sc.proxy->http2 == std::optional<bool>(true));
  CHECK(has_entry(r, imp::EntryKind::mapped, conf + ":8", "http2 on -> proxy.http2 = true"));

  // Servers that differ: the default server's list (inherited here) wins, the other is reported.
  const std::string differ = dir + "/files/nginx/ssl-protocols-differ.conf";
  const imp::ImportResult d = import_ok({differ});
  const Scenario dsc = load(d);
  REQUIRE(dsc.proxy);
  CHECK(dsc.proxy->tls_versions == (tls12 | tls13));
  CHECK(has_text(d, "tls_versions = [\"1.2\", \"1.3\"]  # from " + differ + ":2\n"));
  CHECK(has_entry(d, imp::EntryKind::ignored, differ + ":7",
                  "ssl_protocols TLSv1.2: differs from the ssl_protocols at " + differ + ":2"));

  // The default server (lesson 03's ssl_reject_handshake) has no list: nginx's default applies to
  // the socket, and the site server's own line 19 is named as not used, not dropped silently.
  const std::string none = dir + "/files/nginx/ssl-protocols-default-none.conf";
  const imp::ImportResult n = import_ok({none});
  const Scenario nsc = load(n);
  REQUIRE(nsc.proxy);
  CHECK(nsc.proxy->tls_versions == (tls12 | tls13));
  CHECK(has_entry(n, imp::EntryKind::ignored, none + ":19",
                  "ssl_protocols TLSv1.2: not used: the TLS version is agreed in the handshake before nginx picks a "
                  "server by its SNI name, so the list of the default server (" +
                      none + ":1) applies"));
}

TEST_CASE("nginx: the http level of nginx.conf is the default of the servers in conf.d, read with it") {
  // Debian's packaged nginx.conf beside the team's site in conf.d (mounted into an nginx
  // container); the site sorts before nginx.conf, and nginx reads it inside nginx.conf's http { }.
  const std::string main_conf = R"(user www-data;
worker_processes auto;

events {
    worker_connections 768;
}

http {
    sendfile on;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    proxy_read_timeout 120s;
    include /etc/nginx/conf.d/*.conf;
}
)";
  const std::string site = R"(server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
)";
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const imp::ImportResult r = import_files({{"shop-api.service", unit, true},
                                            {"nginx/conf.d/shop.conf", site, true},
                                            {"nginx/nginx.conf", main_conf, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->tls_versions == tls12);  // Debian's list without TLSv1.3, not nginx's default
  CHECK(has_text(r, "tls_versions = [\"1.2\"]  # from nginx/nginx.conf:10\n"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "nginx/nginx.conf:10", "ssl_protocols TLSv1.1"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::assumed, "nginx/conf.d/shop.conf:1", "no ssl_protocols"));
  CHECK(has_text(r, "upstream_timeout = \"2m\"  # from nginx/nginx.conf:11\n"));
}

TEST_CASE("nginx: a TLS server on another port than 443 is not where the clients arrive") {
  // The same name on 8443 for websockets (certbot wrote both), in a file that sorts first.
  const std::string realtime = R"(server {
    server_name shop.example.com;
    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_read_timeout 3600s;
    }
    listen 8443 ssl;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
}
)";
  const std::string site = R"(server {
    server_name shop.example.com;
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
    listen 443 ssl;
    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;
}
)";
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const imp::ImportResult r = import_files({{"shop-api.service", unit, true},
                                            {"sites-enabled/realtime", realtime, true},
                                            {"sites-enabled/shop", site, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE(sc.proxy->routes.size() == 1);
  CHECK(has_text(r, "# from sites-enabled/shop:2\n"));
  CHECK_FALSE(has_text(r, "upstream_timeout"));  // the websocket location's hour is not the site's
  CHECK(sc.certificates.size() == 1);
  CHECK(has_entry(r, imp::EntryKind::ignored, "sites-enabled/realtime:9",
                  "listen 8443: a TLS server on another port than 443"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "sites-enabled/shop:2", "routed twice"));

  // Alone, a server on 8443 is still read: the clients have nowhere else to go.
  const imp::ImportResult alone =
      import_files({{"shop-api.service", unit, true}, {"sites-enabled/realtime", realtime, true}});
  const Scenario asc = load(alone);
  REQUIRE(asc.proxy);
  CHECK(asc.proxy->routes.size() == 1);
}

TEST_CASE("nginx: the default server's certificate is mapped when kept, else reported left out only") {
  // A regular-expression server_name is no domain name the scenario takes, so neither is the
  // default server's certificate.
  const std::string conf = R"(server {
    listen 443 ssl default_server;
    server_name ~^api\d+\.shop\.example\.com$;
    ssl_certificate /etc/ssl/certs/api-pool.pem;
    ssl_certificate_key /etc/ssl/private/api-pool.key;
    location / { proxy_pass http://127.0.0.1:8000; }
}
server {
    listen 443 ssl;
    server_name api.shop.example.com;
    ssl_certificate /etc/letsencrypt/live/api.shop.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/api.shop.example.com/privkey.pem;
    location / { proxy_pass http://127.0.0.1:8000; }
}
)";
  const imp::ImportResult r = import_files({{"shop.conf", conf, true}});
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  CHECK(sc.proxy->default_certificate.empty());
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:1",
                  "default certificate ~^api\\d+\\.shop\\.example\\.com$: not a certificate"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::mapped, "shop.conf:1", "proxy.default_certificate"));
  CHECK_FALSE(has_text(r, "default_certificate"));

  // A default server with a domain name: its certificate is the one served without SNI.
  std::string named = conf;
  named.replace(named.find("~^api"), std::string("~^api\\d+\\.shop\\.example\\.com$").size(), "www.shop.example.com");
  const imp::ImportResult n = import_files({{"shop.conf", named, true}});
  const Scenario nsc = load(n);
  REQUIRE(nsc.proxy);
  CHECK(nsc.proxy->default_certificate == "www.shop.example.com");
  CHECK(has_entry(n, imp::EntryKind::mapped, "shop.conf:1",
                  "listen ... default_server -> proxy.default_certificate = \"www.shop.example.com\""));
  CHECK_FALSE(has_entry(n, imp::EntryKind::ignored, "shop.conf:1", "default certificate"));
}

TEST_CASE("nginx: X-Forwarded-Proto set where the proxying location inherits it turns forwarded headers on") {
  const auto site = [](const std::string& server_headers, const std::string& location_headers) {
    return "server {\n"
           "    listen 443 ssl;\n"
           "    server_name api.example.com;\n"
           "    ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;\n" +
           server_headers +
           "    location / {\n"
           "        proxy_pass http://127.0.0.1:8000;\n" +
           location_headers + "    }\n}\n";
  };
  const std::string proto = "    proxy_set_header X-Forwarded-Proto $scheme;\n";
  const imp::ImportResult on = import_files({{"shop.conf", site(proto, ""), true}});
  CHECK(load(on).proxy->forwarded_headers == std::optional<bool>(true));
  CHECK(has_entry(on, imp::EntryKind::mapped, "shop.conf:5", "proxy_set_header X-Forwarded-Proto"));
  // A location with a proxy_set_header of its own inherits none of the server's.
  const imp::ImportResult off =
      import_files({{"shop.conf", site(proto, "        proxy_set_header Host $host;\n"), true}});
  CHECK(load(off).proxy->forwarded_headers == std::optional<bool>(false));
  CHECK(has_entry(off, imp::EntryKind::ignored, "shop.conf:8", "proxy_set_header Host"));
}

namespace {

// A site proxied to `upstream app`, whose block holds `servers` (its lines from line 2 on).
std::string site_with_upstream(const std::string& servers) {
  return "upstream app {\n" + servers + R"(}
server {
    listen 443 ssl;
    server_name api.example.com;
    ssl_certificate /etc/letsencrypt/live/api.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/api.example.com/privkey.pem;
    location / {
        proxy_pass http://app;
    }
}
)";
}

}  // namespace

TEST_CASE("nginx: an upstream server's max_fails and fail_timeout are reported with what nginx does") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  const std::string single =
      site_with_upstream("    server 127.0.0.1:8000 max_fails=3 fail_timeout=30s;\n    keepalive 16;\n");
  // Alone in its group, nginx never takes the server out (ngx_http_upstream_module, `server`).
  const imp::ImportResult s = import_files({{"api.service", unit, true}, {"shop.conf", single, true}});
  CHECK(has_entry(s, imp::EntryKind::ignored, "shop.conf:2",
                  "max_fails=3 fail_timeout=30s: not used: with a single server in its upstream, nginx ignores "
                  "max_fails and fail_timeout"));
  // With a second server nginx would fail over; the model keeps the first server only.
  std::string pair = single;
  pair.insert(pair.find("    keepalive"), "    server 127.0.0.1:8001;\n");
  const imp::ImportResult p = import_files({{"api.service", unit, true}, {"shop.conf", pair, true}});
  CHECK(has_entry(p, imp::EntryKind::ignored, "shop.conf:2",
                  "max_fails=3 fail_timeout=30s: not modelled: nginx takes this server out of the group"));
  CHECK(has_entry(p, imp::EntryKind::ignored, "shop.conf:3", "server 127.0.0.1:8001"));
}

TEST_CASE("nginx: the model routes to the first upstream server nginx sends requests to") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8001\n";
  const std::string conf = site_with_upstream(
      "    server 127.0.0.1:8000 down;\n    server 127.0.0.1:8002 backup;\n    server 127.0.0.1:8001;\n");
  // `down` is "permanently unavailable" and `backup` waits for the primary servers to fail
  // (ngx_http_upstream_module, `server`): the requests go to 8001, where the unit listens.
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"shop.conf", conf, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:2", "server 127.0.0.1:8000: marked down: nginx sends it no"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:3", "server 127.0.0.1:8002: a backup server"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "shop.conf:4", "server 127.0.0.1:8001"));
  const Scenario sc = load(r);
  REQUIRE(sc.proxy);
  REQUIRE_FALSE(sc.proxy->routes.empty());
  CHECK(service(sc, sc.proxy->routes[0].pool).port == 8001);
}

TEST_CASE("nginx: weights and the other parameters of upstream servers are reported with what nginx does") {
  const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn app.main:app --port 8000\n";
  // Weighted round robin passes 8001 three requests of every four; the model sends all to 8000.
  const std::string conf = site_with_upstream(
      "    server 127.0.0.1:8000 max_conns=100 resolve;\n"
      "    server 127.0.0.1:8001 weight=3 slow_start=30s;\n"
      "    server 127.0.0.1:8002 backup weight=2 drain;\n");
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"shop.conf", conf, true}});
  CHECK(service(load(r), load(r).proxy->routes[0].pool).port == 8000);
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:3",
                  "weight=3: not modelled: nginx's weighted round robin (its default balancing) passes this server 3 "
                  "of every 4 requests of its group"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:3",
                  "the model sends every request to one server, the first that is neither down nor backup "
                  "(127.0.0.1:8000)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:3",
                  "slow_start=30s: a parameter of NGINX Plus, nginx's commercial edition"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:2",
                  "max_conns=100: not modelled: nginx keeps at most that many connections to this server open"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:2",
                  "resolve: not modelled: nginx looks the server's name up in DNS again while it runs"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:4", "weight=2: a backup server"));
  // drain is open-source nginx's since 1.29.6 (session affinity), slow_start still NGINX Plus's.
  CHECK(has_entry(r, imp::EntryKind::ignored, "shop.conf:4",
                  "drain: not modelled: a parameter of nginx's session affinity"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "shop.conf:4", "drain: a parameter of NGINX Plus"));

  // With least_conn the weight is said without a share; alone among the primaries it changes nothing.
  const imp::ImportResult lc = import_files(
      {{"api.service", unit, true},
       {"shop.conf",
        site_with_upstream("    least_conn;\n    server 127.0.0.1:8000 weight=5;\n    server 127.0.0.1:8001;\n"),
        true}});
  CHECK(has_entry(lc, imp::EntryKind::ignored, "shop.conf:3",
                  "weight=5: not modelled: nginx's least_conn balancing weighs this server"));
  const imp::ImportResult alone = import_files(
      {{"api.service", unit, true},
       {"shop.conf", site_with_upstream("    server 127.0.0.1:8000 weight=5;\n    server 127.0.0.1:8001 down;\n"),
        true}});
  CHECK(has_entry(alone, imp::EntryKind::ignored, "shop.conf:2", "weight=5: not used: no other server of its group"));

  // A word nginx does not know is said, and so is an upstream no route uses.
  std::string typo = site_with_upstream("    server 127.0.0.1:8000 wieght=2;\n");
  typo += "upstream spare {\n    server 127.0.0.1:9000;\n}\n";
  const imp::ImportResult t = import_files({{"api.service", unit, true}, {"shop.conf", typo, true}});
  CHECK(has_entry(t, imp::EntryKind::ignored, "shop.conf:2",
                  "wieght=2: no parameter of an upstream server: nginx refuses it (invalid parameter)"));
  CHECK(has_entry(t, imp::EntryKind::ignored, "shop.conf:13", "upstream spare: no route the model keeps"));
  CHECK_FALSE(has_entry(t, imp::EntryKind::ignored, "shop.conf:1", "upstream app: no route"));

  // The same in Korean.
  const imp::ImportResult k = imp::import_texts({{"api.service", unit, true}, {"shop.conf", conf, true}}, ko());
  REQUIRE(k.ok());
  CHECK(has_entry(k, imp::EntryKind::ignored, "shop.conf:3", "요청 4개 중 3개를 이 서버로 보냅니다"));
}

TEST_CASE("nginx: weight=0 is refused, as nginx refuses it") {
  const auto r =
      imp::import_texts({{"shop.conf", site_with_upstream("    server 127.0.0.1:8000 weight=0;\n"), true}}, en());
  CHECK_FALSE(r.ok());
  CHECK(has_error(r, "shop.conf:2:27", "invalid number \"0\"", false));
}
