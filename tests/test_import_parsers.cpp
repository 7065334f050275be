// The import parsers' own readers (app/import: nginx configs, Caddyfiles, systemd units, ASGI
// command lines) on files as a team keeps them (tests/import/files), and on broken ones: the
// values and where they were written, and the exact located error in both languages.
#include <doctest/doctest.h>

#include <fstream>
#if __has_include(<fnmatch.h>)
#include <fnmatch.h>  // the reference glob_match is tested against
#endif
#include <sstream>

#include "deploysim/messages.hpp"
#include "import/asgi_command.hpp"
#include "import/caddyfile.hpp"
#include "import/dockerfile.hpp"
#include "import/import_model.hpp"
#include "import/nginx_conf.hpp"
#include "import/parse_util.hpp"
#include "import/systemd_unit.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace deploysim::import;
using import_test::en;
using import_test::ko;

namespace {

const std::string files = std::string(DEPLOYSIM_TEST_DIR) + "/import/files/";

std::string read(const std::string& rel) {
  std::ifstream in(files + rel, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open ", rel);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class R>
std::string error_of(const R& r, const Messages& m = en()) {
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.error.has_value());
  return format_parse_error(*r.error, m);
}

bool ignored_has(const std::vector<Ignored>& list, std::string_view name, std::string_view in) {
  for (const Ignored& i : list)
    if (i.name == name && i.in == in) return true;
  return false;
}

}  // namespace

TEST_CASE("nginx: an API site with an http->https redirect, TLS 1.2/1.3 and an upstream of two workers") {
  const auto r = parse_nginx_conf(read("nginx/api.example.test.conf"), "nginx/api.example.test.conf");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  const NginxConfig& c = *r.value;

  REQUIRE(c.upstreams.size() == 1);
  const NginxUpstream& up = c.upstreams[0];
  CHECK(up.name.value == "api_backend");
  CHECK(up.name.pos.str() == "nginx/api.example.test.conf:2:1");
  CHECK(up.balancing.value == "least_conn");
  CHECK(up.keepalive.value == 16);
  REQUIRE(up.servers.size() == 2);
  CHECK(up.servers[0].address.value == "127.0.0.1:8001");
  CHECK(up.servers[0].address.pos.str() == "nginx/api.example.test.conf:4:5");
  CHECK(up.servers[0].weight == 2);
  CHECK(up.servers[0].max_fails == 3);
  CHECK(up.servers[0].fail_timeout_ms == 30000);
  CHECK(up.servers[1].address.value == "127.0.0.1:8002");
  CHECK(up.servers[1].weight == 1);

  REQUIRE(c.servers.size() == 2);
  const NginxServer& http = c.servers[0];
  CHECK(http.pos.line == 10);
  REQUIRE(http.listens.size() == 2);
  CHECK(http.listens[0].port.value == 80);
  CHECK_FALSE(http.listens[0].ssl);
  CHECK(http.listens[1].address.value == "[::]");
  CHECK(http.listens[1].port.value == 80);
  CHECK(http.server_names.value == std::vector<std::string>{"api.example.test", "www.example.test"});
  REQUIRE(http.locations.size() == 2);
  CHECK(http.locations[0].path.value == "/.well-known/acme-challenge/");
  CHECK(http.locations[1].ret.value.code == 301);
  CHECK(http.locations[1].ret.value.target == "https://$host$request_uri");
  CHECK(http.locations[1].ret.pos.str() == "nginx/api.example.test.conf:20:9");
  CHECK(ignored_has(c.ignored, "root", "location /.well-known/acme-challenge/"));

  const NginxServer& tls = c.servers[1];
  REQUIRE(tls.listens.size() == 2);
  CHECK(tls.listens[0].port.value == 443);
  CHECK(tls.listens[0].port.pos.str() == "nginx/api.example.test.conf:25:12");
  CHECK(tls.listens[0].ssl);
  CHECK(tls.listens[0].http2);
  CHECK_FALSE(tls.listens[0].default_server);
  CHECK(tls.ssl_certificate.value == "/etc/letsencrypt/live/api.example.test/fullchain.pem");
  CHECK(tls.ssl_certificate_key.value == "/etc/letsencrypt/live/api.example.test/privkey.pem");
  CHECK(tls.ssl_certificate_key.pos.str() == "nginx/api.example.test.conf:30:5");
  CHECK(tls.ssl_protocols.value == std::vector<std::string>{"TLSv1.2", "TLSv1.3"});
  CHECK_FALSE(tls.ssl_reject_handshake.set);
  CHECK(tls.client_max_body_size.value == 10u * 1024 * 1024);
  REQUIRE(tls.locations.size() == 2);
  CHECK(tls.locations[0].proxy_pass.value == "http://api_backend");
  CHECK(tls.locations[0].proxy_pass.pos.str() == "nginx/api.example.test.conf:38:9");
  CHECK(tls.locations[0].proxy_read_timeout_ms.value == 60000);
  CHECK(tls.locations[1].modifier == "=");
  CHECK(tls.locations[1].path.value == "/healthz");
  CHECK(tls.locations[1].proxy_read_timeout_ms.value == 5000);
  // What the simulation does not model is listed, where it is.
  CHECK(ignored_has(c.ignored, "ssl_session_cache", "server"));
  CHECK(ignored_has(c.ignored, "add_header", "server"));
  CHECK(ignored_has(c.ignored, "proxy_set_header Host", "location /"));
  // The forwarded headers are kept for the importer (proxy.forwarded_headers), not ignored.
  REQUIRE(tls.locations[0].set_headers.size() == 3);
  CHECK(tls.locations[0].set_headers[1].value == "x-forwarded-proto");
  CHECK(tls.locations[0].set_headers[1].pos.str() == "nginx/api.example.test.conf:41:9");
  CHECK_FALSE(ignored_has(c.ignored, "proxy_set_header X-Forwarded-Proto", "location /"));
  CHECK(ignored_has(c.ignored, "access_log", "location /healthz"));
}

TEST_CASE("nginx: a default_server that rejects TLS handshakes for unknown names") {
  const auto r = parse_nginx_conf(read("nginx/default.conf"), "conf.d/default.conf");
  REQUIRE(r.ok());
  REQUIRE(r.value->servers.size() == 1);
  const NginxServer& s = r.value->servers[0];
  REQUIRE(s.listens.size() == 2);
  CHECK(s.listens[0].port.value == 443);
  CHECK(s.listens[0].ssl);
  CHECK(s.listens[0].default_server);
  CHECK(s.listens[1].default_server);
  CHECK(s.server_names.value == std::vector<std::string>{"_"});
  CHECK(s.ssl_reject_handshake.set);
  CHECK(s.ssl_reject_handshake.value);
  CHECK(s.ssl_reject_handshake.pos.str() == "conf.d/default.conf:7:5");
  CHECK(s.ret.value.code == 444);
  CHECK(s.ret.value.target.empty());
}

TEST_CASE("nginx: http-level defaults, includes noted, the main context ignored") {
  const auto r = parse_nginx_conf(read("nginx/nginx.conf"), "nginx.conf");
  REQUIRE(r.ok());
  const NginxConfig& c = *r.value;
  CHECK(c.servers.empty());
  CHECK(c.proxy_read_timeout_ms.value == 90000);
  CHECK(c.client_max_body_size.value == 1024u * 1024);
  CHECK(c.ssl_protocols.value == std::vector<std::string>{"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"});
  CHECK(c.ssl_protocols.pos.str() == "nginx.conf:13:5");
  REQUIRE(c.includes.size() == 3);
  CHECK(c.includes[1].path == "/etc/nginx/conf.d/*.conf");
  CHECK(c.includes[1].pos.str() == "nginx.conf:15:5");
  CHECK(ignored_has(c.ignored, "worker_processes", ""));
  CHECK(ignored_has(c.ignored, "events", ""));
  CHECK(ignored_has(c.ignored, "log_format", "http"));  // its quoted parts over two lines read as one directive
}

TEST_CASE("nginx: broken files give the place and what was expected") {
  CHECK(error_of(parse_nginx_conf(read("nginx/broken/missing-semicolon.conf"), "missing-semicolon.conf")) ==
        "missing-semicolon.conf:6:41: expecting \";\" to end the \"proxy_pass\" directive");
  CHECK(error_of(parse_nginx_conf(read("nginx/broken/unclosed.conf"), "unclosed.conf")) ==
        "unclosed.conf:8:1: unexpected end of file: the \"server\" block opened at line 1 is not closed, expecting "
        "\"}\"");
  CHECK(error_of(parse_nginx_conf(read("nginx/broken/extra-brace.conf"), "extra-brace.conf")) ==
        "extra-brace.conf:4:1: unexpected \"}\": no block is open here");
  CHECK(error_of(parse_nginx_conf(read("nginx/broken/unterminated-quote.conf"), "q.conf")) ==
        "q.conf:3:40: unterminated string: the \" opened here has no closing quote before the end of the file");
  // The same in Korean, from the catalogue.
  CHECK(error_of(parse_nginx_conf(read("nginx/broken/missing-semicolon.conf"), "m.conf"), ko()) ==
        "m.conf:6:41: \"proxy_pass\" 지시어를 끝내는 \";\" 기호가 와야 합니다");
  // Smaller mistakes, inline.
  CHECK(error_of(parse_nginx_conf("server {\n  listen 80\n}\n", "a.conf")) ==
        "a.conf:3:1: unexpected \"}\", expecting \";\"");
  CHECK(error_of(parse_nginx_conf("events {}\nhttp {\n  server_name x", "b.conf")) ==
        "b.conf:3:16: unexpected end of file, expecting \";\"");
  CHECK(error_of(parse_nginx_conf("server { listen 99999; }", "c.conf")) ==
        "c.conf:1:17: invalid port \"99999\", expecting a number from 1 to 65535");
  CHECK(error_of(parse_nginx_conf("server { ssl_reject_handshake yes; }", "d.conf")) ==
        "d.conf:1:31: invalid value \"yes\", expecting on or off");
  CHECK(error_of(parse_nginx_conf("server { location / { proxy_read_timeout 1x; } }", "e.conf")) ==
        "e.conf:1:42: invalid duration \"1x\", expecting a duration like 60s");
  CHECK(error_of(parse_nginx_conf("upstream up;", "f.conf")) ==
        "f.conf:1:12: \"upstream\" opens a block, expecting \"{\" instead of \";\"");
  CHECK(error_of(parse_nginx_conf("server { ; }", "g.conf")) ==
        "g.conf:1:10: unexpected \";\", expecting a directive name");
  CHECK(error_of(parse_nginx_conf("server { return \"a\"b; }", "h.conf")) ==
        "h.conf:1:20: unexpected \"b\" right after a closing quote, expecting a space, \";\" or \"{\"");
}

TEST_CASE("nginx: quoting, escapes and ${var} read as nginx reads them") {
  // nginx keeps a backslash before a character it has no escape for (e\\ f stays so).
  const auto r = parse_nginx_conf(
      "server {\n  server_name 'a b' \"c\\\"d\" e\\ f;\n  location ~ ^/(?<x>${host}) { proxy_pass http://u; }\n}\n",
      "q.conf");
  REQUIRE(r.ok());
  CHECK(r.value->servers[0].server_names.value == std::vector<std::string>{"a b", "c\"d", "e\\ f"});
  CHECK(r.value->servers[0].locations[0].modifier == "~");
  CHECK(r.value->servers[0].locations[0].path.value == "^/(?<x>${host})");
  CHECK(parse_nginx_time_ms("1m30s") == 90000);
  CHECK(parse_nginx_time_ms("1h 30m") == 5400000);
  CHECK(parse_nginx_time_ms("500ms") == 500);
  CHECK(parse_nginx_time_ms("s") == std::nullopt);
  CHECK(parse_nginx_size("512k") == 512u * 1024);
  CHECK(parse_nginx_size("0") == 0u);
  CHECK(parse_nginx_size("10x") == std::nullopt);
}

TEST_CASE("Caddyfile: two sites behind one reverse_proxy of two upstreams, with a global email") {
  const auto r = parse_caddyfile(read("caddy/Caddyfile"), "Caddyfile");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  const CaddyConfig& c = *r.value;
  CHECK(c.email.value == "ops@example.test");
  CHECK(c.email.pos.str() == "Caddyfile:3:2");
  CHECK(c.acme_ca.value == "https://acme-staging-v02.api.letsencrypt.org/directory");
  CHECK(ignored_has(c.ignored, "servers", "global"));
  REQUIRE(c.sites.size() == 3);

  const CaddySite& api = c.sites[0];
  REQUIRE(api.addresses.size() == 2);
  CHECK(api.addresses[0].host == "api.example.test");
  CHECK(api.addresses[0].scheme.empty());
  CHECK(api.addresses[0].port == 0);
  CHECK(api.addresses[1].host == "www.example.test");
  CHECK(api.addresses[1].pos.str() == "Caddyfile:10:19");
  CHECK(api.encode.value == std::vector<std::string>{"zstd", "gzip"});
  REQUIRE(api.reverse_proxies.size() == 1);
  const CaddyReverseProxy& rp = api.reverse_proxies[0];
  REQUIRE(rp.upstreams.size() == 2);
  CHECK(rp.upstreams[0].value == "127.0.0.1:8001");
  CHECK(rp.upstreams[1].value == "127.0.0.1:8002");
  CHECK(rp.upstreams[1].pos.str() == "Caddyfile:13:31");
  CHECK(rp.lb_policy.value == "least_conn");
  CHECK(rp.health_uri.value == "/healthz");
  CHECK(ignored_has(c.ignored, "health_interval", "reverse_proxy"));
  CHECK(ignored_has(c.ignored, "log", "site"));
  CHECK_FALSE(api.tls.set);

  const CaddySite& status = c.sites[1];
  REQUIRE(status.addresses.size() == 1);
  CHECK(status.addresses[0].scheme == "http");
  CHECK(status.addresses[0].host == "status.example.test");
  CHECK(status.addresses[0].port == 8080);
  REQUIRE(status.reverse_proxies.size() == 1);  // inside handle /metrics
  CHECK(status.reverse_proxies[0].upstreams[0].value == "localhost:9100");
  CHECK(ignored_has(c.ignored, "respond", "site"));

  const CaddySite& internal = c.sites[2];
  CHECK(internal.tls.set);
  CHECK(internal.tls.value.internal.value);
  CHECK(internal.reverse_proxies[0].matcher == "/api/*");
  CHECK(internal.reverse_proxies[0].upstreams[0].value == "http://10.0.0.5:8000");
  REQUIRE(c.imports.size() == 1);
  CHECK(c.imports[0].target == "common");
  CHECK(c.imports[0].pos.str() == "Caddyfile:33:2");
}

TEST_CASE("Caddyfile: tls forms, a site without braces, snippets, backticks and continuations") {
  const auto r = parse_caddyfile(
      "(common) {\n  encode gzip\n}\n:443 {\n  tls /etc/ssl/a.pem /etc/ssl/a.key {\n    protocols tls1.2 tls1.3\n  }\n"
      "  reverse_proxy `app:8000` \\\n    app2:8000\n}\nhttps://x.example.test {\n  tls ops@example.test\n}\n",
      "C");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  CHECK(r.value->snippets == std::vector<std::string>{"common"});
  REQUIRE(r.value->sites.size() == 2);
  const CaddySite& s = r.value->sites[0];
  CHECK(s.addresses[0].host.empty());
  CHECK(s.addresses[0].port == 443);
  CHECK(s.tls.value.cert_file.value == "/etc/ssl/a.pem");
  CHECK(s.tls.value.key_file.value == "/etc/ssl/a.key");
  CHECK(s.tls.value.protocols.value == std::vector<std::string>{"tls1.2", "tls1.3"});
  REQUIRE(s.reverse_proxies[0].upstreams.size() == 2);
  CHECK(s.reverse_proxies[0].upstreams[1].value == "app2:8000");
  CHECK(r.value->sites[1].tls.value.email.value == "ops@example.test");

  const auto bare = parse_caddyfile("localhost\n\nreverse_proxy 127.0.0.1:9000\n", "C2");
  REQUIRE(bare.ok());
  CHECK(bare.value->sites[0].addresses[0].host == "localhost");
  CHECK(bare.value->sites[0].reverse_proxies[0].upstreams[0].value == "127.0.0.1:9000");
}

TEST_CASE("Caddyfile: broken files give the place and what was expected") {
  CHECK(error_of(parse_caddyfile(read("caddy/broken/unclosed.Caddyfile"), "unclosed.Caddyfile")) ==
        "unclosed.Caddyfile:5:1: unexpected end of file: the \"api.example.test\" block opened at line 1 is not "
        "closed, expecting \"}\"");
  CHECK(error_of(parse_caddyfile(read("caddy/broken/unterminated.Caddyfile"), "u.Caddyfile")) ==
        "u.Caddyfile:2:10: unterminated string: the \" opened here has no closing quote before the end of the file");
  CHECK(error_of(parse_caddyfile("a.test {\n}\n}\n", "x")) == "x:3:1: unexpected \"}\": no block is open here");
  CHECK(error_of(parse_caddyfile("a.test:99999 {\n}\n", "y")) ==
        "y:1:1: invalid port \"99999\", expecting a number from 1 to 65535");
  CHECK(error_of(parse_caddyfile("a.test {\n  reverse_proxy\n}\n", "z")) == "z:2:3: \"reverse_proxy\" needs a value");
  CHECK(error_of(parse_caddyfile("(a) {\n  import a\n}\nx.test {\n  import a\n}\n", "c")) ==
        "c:2:3: a cycle of imports: the snippet \"a\" is imported from inside itself");
  // Snippets that import the next one twice over: 2^20 imports, stopped at 10,000.
  std::string doubling = "(s0) {\n  reverse_proxy app:8000\n}\n";
  for (int i = 1; i <= 20; ++i)
    doubling += "(s" + std::to_string(i) + ") {\n  import s" + std::to_string(i - 1) + "\n  import s" +
                std::to_string(i - 1) + "\n}\n";
  CHECK(error_of(parse_caddyfile(doubling + "x.test {\n  import s20\n}\n", "d"))
            .ends_with("snippets are imported more than 10000 times in all"));
}

TEST_CASE("systemd: a FastAPI app under Gunicorn, restarted on failure, enabled on boot") {
  const auto r = parse_systemd_unit(read("systemd/api.service"), "api.service");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  const SystemdUnit& u = *r.value;
  CHECK(u.description.value == "Example API (FastAPI on Gunicorn)");
  CHECK(u.start_limit_burst.value == 5);
  CHECK(u.start_limit_burst.set);
  CHECK(u.start_limit_burst.pos.str() == "api.service:6:1");
  CHECK(u.start_limit_interval.value.us == 60000000);
  CHECK(u.type.value == "notify");
  CHECK(u.user.value == "api");
  CHECK(u.working_directory.value == "/srv/api");
  CHECK(u.restart.value == "on-failure");
  CHECK(u.restart_sec.value.ms() == 5000);
  CHECK(u.restart_sec.pos.str() == "api.service:25:1");
  CHECK(u.timeout_stop.value.ms() == 30000);
  CHECK(u.kill_signal.value == "SIGTERM");
  CHECK(u.memory_max.value.bytes == 1024ull * 1024 * 1024);
  CHECK(u.wanted_by.value == std::vector<std::string>{"multi-user.target"});
  CHECK(u.enabled_on_boot);
  REQUIRE(u.environment.size() == 3);
  CHECK(u.environment[1].value.first == "APP_ENV");
  CHECK(u.environment[1].value.second == "production");
  CHECK(ignored_has(u.ignored, "LimitNOFILE", "Service"));
  CHECK(ignored_has(u.ignored, "After", "Unit"));
  REQUIRE(u.exec_start.size() == 1);
  CHECK(u.exec_start[0].path == "/srv/api/.venv/bin/gunicorn");
  CHECK(u.exec_start[0].pos.str() == "api.service:16:1");
  CHECK(u.exec_start[0].argv.size() == 16);  // joined over 8 lines
  REQUIRE(u.asgi.has_value());
  const AsgiCommand& a = *u.asgi;
  CHECK(a.server == AsgiServer::gunicorn);
  CHECK(a.app.value == "app.main:app");
  CHECK(a.worker_class.value == "uvicorn.workers.UvicornWorker");
  CHECK(a.workers.value == 4);
  CHECK(a.workers.set);
  CHECK(a.host.value == "127.0.0.1");
  CHECK(a.port.value == 8000);
  CHECK(a.port.set);
  CHECK(a.timeout_s.value == 60);
  CHECK(a.graceful_timeout_s.value == 20);
  CHECK(a.max_requests.value == 1000);
  CHECK(a.workers.pos.str() == "api.service:16:1");
  REQUIRE(a.unknown_flags.size() == 1);
  CHECK(a.unknown_flags[0].value == "--access-logfile -");
}

TEST_CASE("systemd: Uvicorn run directly, with old key names and systemd time spans") {
  const auto r = parse_systemd_unit(read("systemd/uvicorn-direct.service"), "u.service");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  const SystemdUnit& u = *r.value;
  CHECK(u.memory_max.value.bytes == 512ull * 1024 * 1024);
  CHECK(u.memory_max.pos.str() == "u.service:8:1");
  REQUIRE(u.exec_start.size() == 1);
  CHECK(u.exec_start[0].prefixes == "-");
  CHECK(u.exec_start[0].path == "/srv/api/.venv/bin/python");
  CHECK(u.restart.value == "always");
  CHECK(u.restart_sec.value.ms() == 90000);
  CHECK(u.start_limit_interval.value.ms() == 120000);
  CHECK_FALSE(u.start_limit_burst.set);
  CHECK(u.start_limit_burst.value == 5);  // systemd's default
  CHECK(u.timeout_stop.value.infinite);
  CHECK(u.kill_signal.value == "SIGINT");
  CHECK_FALSE(u.enabled_on_boot);  // sockets.target is not boot's multi-user target
  REQUIRE(u.asgi.has_value());
  const AsgiCommand& a = *u.asgi;
  CHECK(a.server == AsgiServer::uvicorn);
  CHECK(a.host.value == "0.0.0.0");
  CHECK(a.port.value == 8000);
  CHECK(a.workers.value == 2);
  CHECK(a.proxy_headers.value);
  CHECK(a.proxy_headers.set);
  CHECK(a.forwarded_allow_ips.value == "10.0.0.0/8,127.0.0.1");
}

TEST_CASE("systemd: continuations, resets, escapes and value notations") {
  const auto r = parse_systemd_unit(
      "[Service]\nExecStart=/bin/false\nExecStart=\nExecStart=@/usr/bin/uvicorn uvicorn 'app:app' --port\\s8001\n"
      "Environment=A=1\nEnvironment=\nEnvironment=B=2\n[Install]\nWantedBy=default.target \\\n# a comment inside\n"
      "  timers.target\n",
      "r.service");
  REQUIRE_MESSAGE(r.ok(), (r.error ? format_parse_error(*r.error, en()) : ""));
  REQUIRE(r.value->exec_start.size() == 1);
  CHECK(r.value->exec_start[0].argv == std::vector<std::string>{"uvicorn", "app:app", "--port 8001"});
  REQUIRE(r.value->environment.size() == 1);
  CHECK(r.value->environment[0].value.first == "B");
  CHECK(r.value->wanted_by.value == std::vector<std::string>{"default.target", "timers.target"});
  CHECK(r.value->enabled_on_boot);
  CHECK(parse_systemd_timespan("500ms")->us == 500000);
  CHECK(parse_systemd_timespan("1min 30s")->ms() == 90000);
  CHECK(parse_systemd_timespan("2h")->ms() == 7200000);
  CHECK(parse_systemd_timespan("1.5s")->ms() == 1500);
  CHECK(parse_systemd_timespan("infinity")->infinite);
  CHECK_FALSE(parse_systemd_timespan("5 parsecs"));
  CHECK(parse_systemd_bytes("2T")->bytes == 2ull << 40);
  CHECK(parse_systemd_bytes("1024")->bytes == 1024u);
  CHECK(parse_systemd_bytes("50%")->percent == 50);
  CHECK(parse_systemd_bytes("infinity")->infinite);
  CHECK_FALSE(parse_systemd_bytes("1Q"));
}

TEST_CASE("systemd: broken files give the place and what was expected") {
  CHECK(error_of(parse_systemd_unit(read("systemd/broken/unterminated-quote.service"), "q.service")) ==
        "q.service:2:22: unterminated string: the \" opened here has no closing quote before the end of the file");
  CHECK(error_of(parse_systemd_unit("[Service\nUser=x\n", "s")) ==
        "s:1:1: invalid section header \"[Service\", expecting [Name]");
  CHECK(error_of(parse_systemd_unit("[Service]\nExecStart=/bin/x \\q\n", "e")) ==
        "e:2:18: invalid escape \"\\q\", expecting one of \\n \\t \\s \\\\ \\\" \\' \\xNN");
  CHECK(error_of(parse_systemd_unit("[Service]\nExecStart=-\n", "x")) == "x:2:11: ExecStart= has no program to run");
  CHECK(error_of(parse_systemd_unit("[Service]\nExecStart=/usr/bin/uvicorn a:b --workers four\n", "w")) ==
        "w:2:1: invalid number \"four\", expecting a whole number");
  CHECK(error_of(parse_systemd_unit("[Service\nUser=x\n", "s"), ko()) ==
        "s:1:1: 잘못된 섹션 머리글입니다(\"[Service\"). [이름] 형식이어야 합니다");
}

TEST_CASE("systemd: lines systemd skips with a warning are set apart, and the unit still reads") {
  // systemd loads these units: it logs a warning for each such line and skips it, so what was set
  // before (or the default) stands.
  const auto n = parse_systemd_unit(read("systemd/skipped/no-equals.service"), "n.service");
  REQUIRE(n.ok());
  REQUIRE(n.value->skipped.size() == 1);
  CHECK(n.value->skipped[0].why == SkippedLine::Why::no_equals);
  CHECK(n.value->skipped[0].key == "Restart on-failure");
  CHECK(n.value->skipped[0].pos.str() == "n.service:6:1");
  CHECK_FALSE(n.value->restart.set);
  CHECK(n.value->restart.value == "no");

  const auto b = parse_systemd_unit(read("systemd/skipped/bad-restartsec.service"), "b.service");
  REQUIRE(b.ok());
  REQUIRE(b.value->skipped.size() == 1);
  CHECK(b.value->skipped[0].why == SkippedLine::Why::bad_value);
  CHECK(b.value->skipped[0].key == "RestartSec");
  CHECK(b.value->skipped[0].value == "5 seconds later");
  CHECK(b.value->skipped[0].pos.str() == "b.service:3:1");
  CHECK(b.value->restart_sec.value.ms() == 100);  // systemd's default

  const auto e = parse_systemd_unit(
      "User=www\n[Service]\nExecStart=/usr/bin/uvicorn a:b\nRestart=on-failure\nRestart=Always\nRestart=\n"
      "RestartSec=5\nRestartSec=soon\nStartLimitBurst=many\nMemoryMax=lots\nTimeoutStopSec=30\n",
      "e");
  REQUIRE(e.ok());
  const SystemdUnit& u = *e.value;
  CHECK(u.restart.value == "on-failure");  // "Always" is not a value (they are lower case), nor is ""
  CHECK(u.restart.pos.str() == "e:4:1");
  CHECK(u.restart_sec.value.ms() == 5000);
  CHECK_FALSE(u.start_limit_burst.set);
  CHECK_FALSE(u.memory_max.set);
  CHECK_FALSE(u.user.set);
  CHECK(u.timeout_stop.value.ms() == 30000);
  std::vector<std::string> seen;
  for (const SkippedLine& k : u.skipped) seen.push_back(k.pos.str() + " " + k.key + "=" + k.value);
  CHECK(seen == std::vector<std::string>{"e:1:1 User=", "e:5:1 Restart=Always",
                                         "e:6:1 Restart=", "e:8:1 RestartSec=soon", "e:9:1 StartLimitBurst=many",
                                         "e:10:1 MemoryMax=lots"});
  CHECK(u.skipped[0].why == SkippedLine::Why::outside_section);
}

TEST_CASE("ASGI command lines: each server's forms and defaults") {
  const import::SourcePos at{"compose.yaml", 12, 5};
  auto parse = [&](std::vector<std::string> argv, const std::map<std::string, std::string>& env = {}) {
    AsgiResult r = parse_asgi_command(argv, at, env);
    REQUIRE(r.ok());
    return *r.value;
  };
  // Uvicorn's defaults: 127.0.0.1:8000, one worker.
  AsgiCommand u = parse({"uvicorn", "app.main:app"});
  CHECK(u.server == AsgiServer::uvicorn);
  CHECK(u.app.value == "app.main:app");
  CHECK(u.host.value == "127.0.0.1");
  CHECK_FALSE(u.host.set);
  CHECK(u.port.value == 8000);
  CHECK(u.workers.value == 1);
  CHECK_FALSE(u.workers.set);
  CHECK(u.workers.pos.str() == "compose.yaml:12:5");
  // WEB_CONCURRENCY gives the workers when --workers does not.
  u = parse({"uvicorn", "app.main:app"}, {{"WEB_CONCURRENCY", "3"}});
  CHECK(u.workers.value == 3);
  CHECK(u.workers_from_env);
  // Gunicorn: -w4 glued, --workers=, -b HOST:PORT, defaults of timeout and bind.
  AsgiCommand g = parse({"gunicorn", "-w4", "-k", "uvicorn.workers.UvicornWorker", "app.main:app"});
  CHECK(g.server == AsgiServer::gunicorn);
  CHECK(g.workers.value == 4);
  CHECK(g.host.value == "127.0.0.1");
  CHECK(g.port.value == 8000);
  CHECK(g.timeout_s.value == 30);
  CHECK_FALSE(g.timeout_s.set);
  g = parse({"gunicorn", "--workers=2", "--bind=0.0.0.0:9000", "--timeout", "120", "main:app"});
  CHECK(g.workers.value == 2);
  CHECK(g.host.value == "0.0.0.0");
  CHECK(g.port.value == 9000);
  CHECK(g.timeout_s.value == 120);
  g = parse({"gunicorn", "-b", "unix:/run/api.sock", "main:app"});
  CHECK(g.uds.value == "/run/api.sock");
  // Hypercorn.
  AsgiCommand h = parse({"hypercorn", "--bind", "0.0.0.0:8000", "--workers", "2", "app.main:app"});
  CHECK(h.server == AsgiServer::hypercorn);
  CHECK(h.workers.value == 2);
  CHECK(h.host.value == "0.0.0.0");
  CHECK(h.graceful_timeout_s.value == 3);
  // Wrappers: python -m, a venv path, sh -c with cd and a migration first, poetry run.
  u = parse({"python3", "-u", "-m", "uvicorn", "app.main:app", "--port", "8080"});
  CHECK(u.server == AsgiServer::uvicorn);
  CHECK(u.port.value == 8080);
  u = parse({"/srv/app/.venv/bin/uvicorn", "app.main:app", "--workers", "4"});
  CHECK(u.workers.value == 4);
  u = parse(
      {"sh", "-c", "cd /srv/app && alembic upgrade head && exec uvicorn app.main:app --host 0.0.0.0 --port \"8000\""});
  CHECK(u.server == AsgiServer::uvicorn);
  CHECK(u.host.value == "0.0.0.0");
  CHECK(u.argv.front() == "uvicorn");
  u = parse({"poetry", "run", "gunicorn", "app:app"});
  CHECK(u.server == AsgiServer::gunicorn);
  // FastAPI's CLI runs Uvicorn with defaults of its own: `fastapi run` on 0.0.0.0 without reload,
  // `fastapi dev` on 127.0.0.1 with it; UVICORN_* variables do not reach its options.
  AsgiCommand f = parse({"fastapi", "run", "app/main.py", "--workers", "4"}, {{"UVICORN_PORT", "9000"}});
  CHECK(f.server == AsgiServer::uvicorn);
  CHECK(f.server_name == "fastapi run");
  CHECK(f.host.value == "0.0.0.0");
  CHECK_FALSE(f.host.set);
  CHECK(f.port.value == 8000);
  CHECK(f.workers.value == 4);
  CHECK_FALSE(f.reload);
  CHECK(f.proxy_headers.value);
  CHECK(f.app.value == "app/main.py");
  f = parse({"fastapi", "run", "--app", "api", "main.py", "--port", "80"}, {{"WEB_CONCURRENCY", "2"}});
  CHECK(f.port.value == 80);
  CHECK(f.workers.value == 2);
  CHECK(f.app.value == "main.py:api");
  f = parse({"sh", "-c", "alembic upgrade head && fastapi dev --no-reload"});
  CHECK(f.server_name == "fastapi dev");
  CHECK(f.host.value == "127.0.0.1");
  CHECK_FALSE(f.reload);
  CHECK(parse({"fastapi", "dev"}).reload);
  CHECK(parse({"fastapi", "--version"}).server == AsgiServer::unknown);
  // Not an ASGI server: no error, server unknown.
  CHECK(parse({"/usr/bin/node", "server.js"}).server == AsgiServer::unknown);
  CHECK(parse({}).server == AsgiServer::unknown);
  // Errors are located where the command was written.
  const AsgiResult bad = parse_asgi_command({"uvicorn", "a:b", "--port", "http"}, at);
  CHECK(error_of(bad) == "compose.yaml:12:5: invalid port \"http\", expecting a number from 1 to 65535");
  CHECK(error_of(parse_asgi_command({"uvicorn", "a:b", "--workers"}, at)) ==
        "compose.yaml:12:5: \"--workers\" needs a value");
  std::vector<std::string> words;
  CHECK(split_shell_words("a 'b c' \"d\\\"e\" f\\ g;h", words));
  CHECK(words == std::vector<std::string>{"a", "b c", "d\"e", "f g", ";", "h"});
  words.clear();
  CHECK_FALSE(split_shell_words("a 'b", words));
}

TEST_CASE("the scenario's strings and comments are UTF-8 whatever the files' reader handed over") {
  // yaml-cpp gave a key holding a NUL as a lone byte 0xA0; the scenario written from it was not
  // UTF-8, so it did not load. Such a byte becomes U+FFFD; control characters are escaped in
  // strings and spaces in comments; good UTF-8 (Korean) is kept.
  using deploysim::import::printable_text;
  using deploysim::import::toml_str;
  CHECK(toml_str(std::string("api\xA0x")) == "\"api\xEF\xBF\xBDx\"");
  CHECK(toml_str(std::string("a\0b\x7F\t", 5)) == "\"a\\u0000b\\u007f\\t\"");
  CHECK(toml_str("\xEC\x9B\xB9 \"x\"") == "\"\xEC\x9B\xB9 \\\"x\\\"\"");
  CHECK(toml_str(std::string("\xE0\x80\x80")) == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  CHECK(printable_text(std::string("from a\nb\xFF.yml:3"), " ") == "from a b\xEF\xBF\xBD.yml:3");
}

TEST_CASE("Dockerfile: the HEALTHCHECK of the stage built, as docker build reads the file") {
  // Continued lines (a comment among them), an instruction in lower case, Docker's defaults.
  const std::string text = R"(# syntax=docker/dockerfile:1
FROM python:3.12-slim AS base
HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1

FROM base AS prod
healthcheck --interval=10s --timeout=3s \
  # the app answers on /health
  --retries=5 \
  CMD curl -f http://localhost:8000/health
FROM base AS dev
)";
  const DockerfileHealth prod = read_dockerfile_health(text, "Dockerfile", "prod");
  REQUIRE(prod.effective);
  CHECK(prod.effective->pos.str() == "Dockerfile:6:1");
  CHECK(prod.effective->interval_ms == 10000);
  CHECK(prod.effective->timeout_ms == 3000);
  CHECK(prod.effective->retries == 5);
  CHECK(prod.effective->written ==
        "healthcheck --interval=10s --timeout=3s --retries=5 CMD curl -f http://localhost:8000/health");
  REQUIRE(prod.unused.size() == 1);
  CHECK(prod.unused[0].pos.line == 3);
  // The last stage, dev, is built FROM base: it has base's check, with Docker's defaults.
  const DockerfileHealth last = read_dockerfile_health(text, "Dockerfile", "");
  REQUIRE(last.effective);
  CHECK(last.effective->pos.line == 3);
  CHECK(last.effective->interval_ms == 30000);
  CHECK(last.effective->retries == 3);
  CHECK(last.stage == "dev");
  // A stage that is not there: docker build fails; the last stage is read.
  CHECK_FALSE(read_dockerfile_health(text, "Dockerfile", "staging").target_found);

  // `# escape=`` makes the backtick the continuation; NONE turns the check off.
  const DockerfileHealth none = read_dockerfile_health(
      "# escape=`\nFROM python:3.12\nHEALTHCHECK --interval=5s `\n  CMD true\nHEALTHCHECK NONE\n", "Dockerfile", "");
  REQUIRE(none.effective);
  CHECK(none.effective->none);
  CHECK(none.effective->pos.line == 5);
  REQUIRE(none.unused.size() == 1);
  CHECK(none.unused[0].interval_ms == 5000);
  CHECK_FALSE(read_dockerfile_health("FROM python:3.12\nCMD [\"uvicorn\"]\n", "Dockerfile", "").effective);
}

TEST_CASE("Dockerfile: CMD and ENTRYPOINT of the stage built, exec and shell form, SHELL") {
  const std::string text =
      "FROM python:3.12 AS base\nCMD [\"uvicorn\", \"a:b\"]\nFROM base AS prod\n"
      "SHELL [\"/bin/bash\", \"-c\"]\nENTRYPOINT exec gunicorn a:b\n"
      "FROM base AS dev\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"say \\\"hi\\\"\"]\n";
  const DockerfileHealth prod = read_dockerfile_health(text, "Dockerfile", "prod");
  REQUIRE(prod.entrypoint);
  CHECK(prod.entrypoint->argv == std::vector<std::string>{"/bin/bash", "-c", "exec gunicorn a:b"});
  CHECK_FALSE(prod.cmd);  // ENTRYPOINT clears the base's CMD
  const DockerfileHealth dev = read_dockerfile_health(text, "Dockerfile", "");
  REQUIRE(dev.cmd);
  CHECK(dev.cmd->argv == std::vector<std::string>{"say \"hi\""});
  CHECK(dev.cmd->pos.line == 8);
  const DockerfileHealth base = read_dockerfile_health(text, "Dockerfile", "base");
  REQUIRE(base.cmd);
  CHECK(base.cmd->argv == std::vector<std::string>{"uvicorn", "a:b"});
  // Not JSON: the shell form, as Docker reads it.
  const DockerfileHealth bad = read_dockerfile_health("FROM x\nCMD [uvicorn]\n", "Dockerfile", "");
  REQUIRE(bad.cmd);
  CHECK(bad.cmd->argv == std::vector<std::string>{"/bin/sh", "-c", "[uvicorn]"});
}

TEST_CASE("Dockerfile: ENV and ARG, replaced as docker build replaces them, ENV inherited by a stage") {
  const std::string text = R"(ARG BASE_WORKERS=2
FROM python:3.12 AS base
ARG BASE_WORKERS
ENV abc=hello
ENV abc=bye def=$abc \
    quoted="a b" single='$abc' escaped=\$abc
ENV ghi=$abc plus=${abc:+set} minus=${nope:-none} empty=${nope}
ENV LEGACY two words
ENV FROM_GLOBAL=${BASE_WORKERS}
FROM base AS prod
ARG BASE_WORKERS
ENV OWN=${BASE_WORKERS:-own}
FROM python:3.12 AS other
ENV abc=other
)";
  const DockerfileHealth prod = read_dockerfile_health(text, "Dockerfile", "prod");
  const auto value = [&](const std::string& name) {
    const auto it = prod.env.find(name);
    return it == prod.env.end() ? std::string("(unset)") : it->second.value;
  };
  CHECK(value("abc") == "bye");
  CHECK(value("def") == "hello");  // the abc before the instruction
  CHECK(value("quoted") == "a b");
  CHECK(value("single") == "$abc");
  CHECK(value("escaped") == "$abc");
  CHECK(value("ghi") == "bye");
  CHECK(value("plus") == "set");
  CHECK(value("minus") == "none");
  CHECK(value("empty").empty());
  CHECK(value("LEGACY") == "two words");
  CHECK(value("FROM_GLOBAL") == "2");  // redeclared in the stage: the global ARG's value
  CHECK(value("OWN") == "2");          // the ENV inherited from base wins over the stage's ARG
  CHECK(prod.env.at("def").line.pos.str() == "Dockerfile:5:1");
  CHECK(prod.env_lines.size() == 6);
  REQUIRE(prod.env_other_stages.size() == 1);
  CHECK(prod.env_other_stages[0].pos.line == 14);
  // A build argument over the default.
  const DockerfileHealth built = read_dockerfile_health(text, "Dockerfile", "prod", {{"BASE_WORKERS", "7"}});
  CHECK(built.env.at("FROM_GLOBAL").value == "7");
  REQUIRE(built.env.at("FROM_GLOBAL").args.size() == 1);
  CHECK(built.env.at("FROM_GLOBAL").args[0].from == DockerArgUse::From::build_arg);
}

TEST_CASE("Dockerfile: an ENV that sets nothing is no ENV line, first in its stage or after another") {
  // docker build refuses `ENV NAME` alone; the import once took the stage's last ENV line for it,
  // or, with none before it, read past an empty list (tests/fuzz_regressions/import_yaml).
  const DockerfileHealth first = read_dockerfile_health("FROM python:3.12\nENV WEB_CONCURRENCY\n", "Dockerfile", "");
  CHECK(first.env.empty());
  CHECK(first.env_lines.empty());
  const DockerfileHealth after = read_dockerfile_health(
      "FROM python:3.12 AS base\nENV PORT=8000\nENV WEB_CONCURRENCY\nFROM python:3.12\nENV A=1\nENV B\n", "Dockerfile",
      "");
  CHECK(after.env.size() == 1);
  CHECK(after.env_lines.size() == 1);
  REQUIRE(after.env_other_stages.size() == 1);  // base's one ENV, not twice
  CHECK(after.env_other_stages[0].pos.line == 2);
}

TEST_CASE("glob_match matches include and import globs as fnmatch(FNM_PATHNAME | FNM_PERIOD)") {
  using imp::detail::glob_match;
  CHECK(glob_match("sites-enabled/*", "sites-enabled/shop"));
  CHECK_FALSE(glob_match("sites-enabled/*", "sites-enabled/.shop.swp"));  // a hidden file: not read
  CHECK_FALSE(glob_match("conf.d/*.conf", "conf.d/a/b.conf"));            // * stops at '/'
  CHECK(glob_match("conf.d/*.conf", "conf.d/upstreams.conf"));
  CHECK(glob_match("snippets/ssl-[a-c]?.conf", "snippets/ssl-b1.conf"));
  CHECK_FALSE(glob_match("snippets/ssl-[!a-c]?.conf", "snippets/ssl-b1.conf"));
  CHECK(glob_match("a\\*b", "a*b"));
  CHECK_FALSE(glob_match("a\\*b", "axb"));
  CHECK(glob_match("[", "["));  // an unclosed set is a '['
  CHECK(glob_match(".*", ".env"));
  // Many stars stay fast (one backtracking point per part).
  CHECK_FALSE(glob_match(std::string(40, '*') + "b", std::string(2000, 'a')));
#if __has_include(<fnmatch.h>)
  // The C library's fnmatch as the reference, over every pattern and name of a small alphabet.
  const std::string pat_chars = "a.*?[]!-/\\", name_chars = "a.b/";
  std::vector<std::string> pats{""}, names{""};
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> next;
    for (const std::string& p : pats)
      if (static_cast<int>(p.size()) == len - 1)
        for (char c : pat_chars) next.push_back(p + c);
    pats.insert(pats.end(), next.begin(), next.end());
  }
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> next;
    for (const std::string& n : names)
      if (static_cast<int>(n.size()) == len - 1)
        for (char c : name_chars) next.push_back(n + c);
    names.insert(names.end(), next.begin(), next.end());
  }
  size_t differ = 0;
  for (const std::string& p : pats)
    for (const std::string& n : names)
      // glibc's star does not reach an escaped '/' ("*\\/" on "a/"), which POSIX's does: left out.
      if (p.find("\\/") == std::string::npos &&
          glob_match(p, n) != (fnmatch(p.c_str(), n.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) && ++differ <= 10)
        FAIL_CHECK("'", p, "' on '", n, "': glob_match ", glob_match(p, n));
  CHECK_MESSAGE(differ == 0, differ, " of ", pats.size() * names.size());
#endif
}
