// nginx configs (parsed by nginx_conf.cpp; Caddyfiles in import_caddy.cpp) into the proxy: its
// preset, routes (server names / site addresses to the upstream's service), certificates, TLS
// versions, strict SNI (ssl_reject_handshake) and timeouts. A proxy container a Compose file
// declares gets its routes from here; otherwise the proxy runs on the machine "server".
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <fmt/format.h>

#include "import/import_model.hpp"
#include "import/nginx_conf.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

// "TLSv1.2" / "tls1.3" -> "1.2"; "" for versions the scenario does not model.
std::string tls_version(const std::string& v) {
  if (v.ends_with("1.2")) return "1.2";
  if (v.ends_with("1.3")) return "1.3";
  return "";
}

}  // namespace

ProxyModel* proxy_for(const std::string& preset, const SourcePos& pos, Deployment& d, Report& r) {
  if (d.proxy) {
    const Val* have = d.proxy->keys.get("preset");
    if (have && have->toml == toml_str(preset)) return &*d.proxy;
    r.ignored(pos, r.w.format("import.second_proxy", pos.file));
    return nullptr;
  }
  ProxyModel p;
  p.pos = pos;
  p.host_name = "server";
  p.keys.set("preset", r.from(pos, pos.file, "proxy.preset", toml_str(preset)));
  d.proxy = std::move(p);
  return &*d.proxy;
}

void set_tls_versions(const std::vector<std::string>& written, const SourcePos& pos, const char* key, ProxyModel& p,
                      Report& r) {
  std::string list;
  for (const std::string& v : written) {
    const std::string t = tls_version(v);
    if (t.empty())
      r.ignored(pos, r.w.format("import.ignored_key", std::string(key) + " " + v, r.w("import.why_old_tls")));
    else
      list += (list.empty() ? "" : ", ") + toml_str(t);
  }
  if (!list.empty()) p.keys.set("tls_versions", r.from(pos, key, "proxy.tls_versions", "[" + list + "]"));
}

namespace {

// The first proxy_pass of a location tree ("/" first).
const NginxLocation* pass_location(const std::vector<NginxLocation>& locations) {
  for (const NginxLocation& l : locations)
    if (l.path.value == "/" && l.proxy_pass.set) return &l;
  for (const NginxLocation& l : locations) {
    if (l.proxy_pass.set) return &l;
    if (const NginxLocation* inner = pass_location(l.locations)) return inner;
  }
  return nullptr;
}

// The host of a proxy_pass URL ("http://api_backend/v1" -> "api_backend").
std::string pass_host(const std::string& url) {
  std::string h = url;
  if (const size_t scheme = h.find("://"); scheme != std::string::npos) h.erase(0, scheme + 3);
  h.resize(std::min(h.find_first_of(":/"), h.size()));
  return h;
}

bool iequal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A listen socket as nginx tells them apart: "*:443" for `listen 443;` and `listen 0.0.0.0:443;`.
std::string listen_socket(const NginxListen& l) {
  const std::string& a = l.address.value;
  return (a.empty() || a == "*" || a == "0.0.0.0" ? "*" : a) + ":" + std::to_string(l.port.value);
}

}  // namespace

std::string upstream_service(const std::string& upstream, const SourcePos& pos, Deployment& d, Report& r) {
  std::string addr = upstream;
  if (const size_t scheme = addr.find("://"); scheme != std::string::npos) addr.erase(0, scheme + 3);
  // A Unix socket: nginx's `unix:/run/api.sock` (`http://unix:/run/api.sock:` in proxy_pass), Caddy's
  // `unix//run/api.sock`. The model has TCP only: the service listening there (a server's --uds or
  // --bind unix:), else the only one, else one assumed on 127.0.0.1:8000.
  if (addr.starts_with("unix:") || addr.starts_with("unix/")) {
    std::string path = addr.substr(addr[4] == ':' ? 5 : 4);
    if (path.ends_with(':')) path.pop_back();
    r.ignored(pos, r.w.format("import.ignored_key", upstream, r.w("import.why_unix_socket")));
    for (const ServiceModel& s : d.services)
      if (!s.uds.empty() && s.uds == path) return s.name;
    if (d.services.size() == 1) return d.services.front().name;
    addr = "127.0.0.1:8000";
  }
  if (const size_t path = addr.find('/'); path != std::string::npos) addr.resize(path);
  std::string host = addr;
  int port = 80;
  if (const size_t colon = addr.rfind(':'); colon != std::string::npos && addr.find(']', colon) == std::string::npos) {
    host = addr.substr(0, colon);
    // Only a port the scenario takes; another is an error here, not a scenario that fails to load.
    const std::string digits = addr.substr(colon + 1);
    if (const auto p = port_number(digits))
      port = *p;
    else
      r.error(pos, r.w.format("import.out_of_range", "upstream port", digits, 1, 65535));
  }
  for (const ServiceModel& s : d.services)
    if (s.name == node_name(host)) return s.name;
  for (const ServiceModel& s : d.services)
    if (const Val* p = s.keys.get("port"); p && p->toml == std::to_string(port)) return s.name;
  if (d.services.size() == 1) {
    r.assumed(pos, r.w.format("import.upstream_other_port", upstream, d.services.front().name));
    return d.services.front().name;
  }
  // No service of these files listens there: the app behind it is assumed.
  ServiceModel s;
  s.name = d.services.empty() ? "app" : fmt::format("app-{}", d.services.size() + 1);
  s.pos = pos;
  s.host_name = loopback(host) ? (d.proxy && !d.proxy->host_name.empty() ? d.proxy->host_name : "server") : "";
  s.host_stem = "server";
  r.assumed(pos, r.w.format("import.upstream_assumed", upstream, s.name));
  s.keys.set("server", r.assume(pos, "server", toml_str("uvicorn"), r.w("import.why_upstream_unknown")));
  s.keys.set("bind", r.assume(pos, "bind", toml_str(loopback(host) ? "127.0.0.1" : "0.0.0.0"),
                              r.w("import.why_upstream_unknown")));
  s.keys.set("port", r.from(pos, "upstream", "port", std::to_string(port)));
  d.services.push_back(std::move(s));
  return d.services.back().name;
}

namespace {

// The server of an upstream block the model routes to: the first that nginx sends requests to,
// neither `down` ("permanently unavailable") nor `backup` (used "when the primary servers are
// unavailable", ngx_http_upstream_module); else the first backup; else the first.
size_t modelled_server(const NginxUpstream& u) {
  for (size_t i = 0; i < u.servers.size(); ++i)
    if (!u.servers[i].down && !u.servers[i].backup) return i;
  for (size_t i = 0; i < u.servers.size(); ++i)
    if (!u.servers[i].down) return i;
  return 0;
}

// The parameters of an upstream's servers that the model has no place for, each with what nginx
// does with it (ngx_http_upstream_module, `server`): the weights, which decide which server gets
// requests; max_conns; resolve and service=, open-source nginx's since 1.27.3; route= and drain,
// of the session affinity (the upstream's `sticky`) that open-source nginx has since 1.29.6
// (stable 1.30: changes.xml, ngx_http_upstream_server; NGINX Plus only before); slow_start=, still
// NGINX Plus's own, and any other word, which open-source nginx refuses ("invalid parameter").
// down, backup, max_fails and fail_timeout are said where the servers are.
void report_server_parameters(const NginxUpstream& u, Report& r) {
  const Messages& w = r.w;
  const std::string first = u.servers.empty() ? "" : u.servers[modelled_server(u)].address.value;
  int primaries = 0, total = 0;  // the servers nginx balances over while they are up, and their weights
  for (const NginxUpstreamServer& us : u.servers)
    if (!us.down && !us.backup) {
      ++primaries;
      total += us.weight;
    }
  for (const NginxUpstreamServer& us : u.servers) {
    if (us.weight_text.set) {
      const Located<std::string>& wt = us.weight_text;
      if (us.down || us.backup)  // its weight counts only among the servers it is with
        r.ignored(wt.pos, w.format("import.ignored_key", wt.value,
                                   w(us.down ? "import.why_upstream_down" : "import.why_upstream_backup")));
      else if (primaries == 1)
        r.ignored(wt.pos, w.format("import.nginx_weight_alone", wt.value));
      else if (!u.balancing.set)
        r.ignored(wt.pos, w.format("import.nginx_weight_share", wt.value, us.weight, total, first));
      else
        r.ignored(wt.pos, w.format("import.nginx_weight_method", wt.value, u.balancing.value, first));
    }
    for (const Located<std::string>& p : us.other) {
      const std::string key = p.value.substr(0, p.value.find('='));
      const char* what = key == "max_conns"                     ? "import.nginx_max_conns"
                         : key == "resolve" || key == "service" ? "import.nginx_upstream_resolve"
                         : key == "route" || key == "drain"     ? "import.nginx_upstream_sticky"
                         : key == "slow_start"                  ? "import.nginx_upstream_plus"
                                                                : "import.nginx_upstream_unknown";
      r.ignored(p.pos, key == "route" || key == "drain" ? w.format(what, p.value, first) : w.format(what, p.value));
    }
  }
}

// The text of a listen line as the report names it: "listen 8443", "listen [::]:8443".
std::string listen_text(const NginxListen& l) {
  return "listen " + l.address.value + (l.address.value.empty() ? "" : ":") + std::to_string(l.port.value);
}

// What the nginx files share: they are read into one http context (nginx.conf includes the
// others inside its http {}), where an upstream is found by its name whatever file declares it.
struct NginxHttp {
  std::vector<const NginxUpstream*> upstreams;  ///< Of every file, in the files' order.
  std::set<const NginxUpstream*> used;          ///< Those a route's proxy_pass names.
  bool tls_on_443 = false;            ///< Some server listens with TLS on port 443, where the clients connect.
  std::set<std::string> cycles_said;  ///< The includes (file:line) whose cycle the report says.
};

// One nginx file, its http-level settings already filled in from nginx.conf's (read_nginx).
void read_nginx_file(const std::string& file, const NginxConfig& c, NginxHttp& http, Deployment& d, Report& r) {
  d.sources.push_back(file);
  const Messages& w = r.w;
  const bool tls_on_443 = http.tls_on_443;
  const SourcePos first = !c.servers.empty()     ? c.servers.front().pos
                          : !c.upstreams.empty() ? c.upstreams.front().pos
                                                 : SourcePos{file, 1, 0};
  ProxyModel* p = proxy_for("nginx", first, d, r);
  if (!p) return;
  // TLS is a property of the listening socket: a server is served over TLS when a `listen` of
  // its address:port has the `ssl` flag, in any server (nginx opens one socket per address:port
  // and takes its options from the listen line that gives them). The port does not decide it: a
  // `listen 443;` without `ssl` serves plain HTTP; the old `ssl on;` directive (below) is gone
  // since nginx 1.25.1 (nginx.org, ngx_http_ssl_module, "ssl").
  // The default server of an address:port: the one whose listen says default_server, else the
  // first that listens there (nginx.org, "How nginx processes a request"). A connection starts in
  // its context: its `ssl_reject_handshake` and its `ssl on` act on the whole socket.
  std::map<std::string, const NginxServer*> default_of;
  for (const NginxServer& srv : c.servers)
    for (const NginxListen& l : srv.listens)
      if (l.default_server || !default_of.count(listen_socket(l))) {
        const auto it = default_of.find(listen_socket(l));
        const bool taken =
            it != default_of.end() &&
            std::any_of(it->second->listens.begin(), it->second->listens.end(),
                        [&](const NginxListen& o) { return o.default_server && listen_socket(o) == listen_socket(l); });
        if (!taken) default_of[listen_socket(l)] = &srv;
      }
  std::set<std::string> tls_sockets;
  // Whether srv is the default server of one of its sockets (of a TLS one, when tls_only).
  auto default_somewhere = [&](const NginxServer& srv, bool tls_only = false) {
    return std::any_of(srv.listens.begin(), srv.listens.end(), [&](const NginxListen& l) {
      const auto it = default_of.find(listen_socket(l));
      return it != default_of.end() && it->second == &srv && (!tls_only || tls_sockets.count(listen_socket(l)));
    });
  };
  for (const NginxServer& srv : c.servers)
    for (const NginxListen& l : srv.listens)
      if (l.ssl) tls_sockets.insert(listen_socket(l));
  // `ssl on;` (nginx before 1.25.1: Debian 12's 1.22.1, Ubuntu 24.04's 1.24.0) makes TLS of the
  // sockets whose default server writes it, with a deprecation warning; in another server it
  // does nothing (the handshake happens in the default server's context).
  for (const NginxServer& srv : c.servers) {
    if (!srv.ssl_on.set || !srv.ssl_on.value) continue;
    if (default_somewhere(srv)) {
      for (const NginxListen& l : srv.listens)
        if (default_of[listen_socket(l)] == &srv) tls_sockets.insert(listen_socket(l));
      r.assumed(srv.ssl_on.pos, w("import.nginx_ssl_on"));
    } else
      r.ignored(srv.ssl_on.pos, w("import.nginx_ssl_on_not_default"));
  }
  for (const NginxServer& srv : c.servers)
    if (srv.ssl_on.set && !srv.ssl_on.value) r.ignored(srv.ssl_on.pos, w("import.nginx_ssl_off"));
  // ssl_protocols at http level is the default of every server without its own line. The model
  // has one list for the proxy: the default_server's (the first TLS server's when none is), and
  // the servers that differ are reported.
  auto protocols_of = [&](const NginxServer& srv) -> const Located<std::vector<std::string>>& {
    return srv.ssl_protocols.set ? srv.ssl_protocols : c.ssl_protocols;
  };
  auto is_tls = [&](const NginxServer& srv) {
    return std::any_of(srv.listens.begin(), srv.listens.end(),
                       [&](const NginxListen& l) { return tls_sockets.count(listen_socket(l)) > 0; });
  };
  auto is_default = [](const NginxServer& srv) {
    return std::any_of(srv.listens.begin(), srv.listens.end(), [](const NginxListen& l) { return l.default_server; });
  };
  const NginxServer* versions_from = nullptr;
  for (const NginxServer& srv : c.servers) {
    if (!is_tls(srv)) continue;
    if (!versions_from) versions_from = &srv;
    if (is_default(srv)) {
      versions_from = &srv;
      break;
    }
  }
  if (versions_from && protocols_of(*versions_from).set) {
    const auto& v = protocols_of(*versions_from);
    set_tls_versions(v.value, v.pos, "ssl_protocols", *p, r);
    for (const NginxServer& srv : c.servers)
      if (&srv != versions_from && is_tls(srv) && protocols_of(srv).value != v.value)
        r.ignored(protocols_of(srv).set ? protocols_of(srv).pos : srv.pos,
                  w.format("import.nginx_protocols_differ", "ssl_protocols " + join_words(protocols_of(srv).value),
                           where(v.pos)));
  } else if (versions_from) {
    // The default server has no list, so nginx's built-in one applies to the whole socket (assumed
    // below): a name-based server's own ssl_protocols is not used, and the report says so.
    for (const NginxServer& srv : c.servers)
      if (&srv != versions_from && is_tls(srv) && protocols_of(srv).set)
        r.ignored(protocols_of(srv).pos,
                  w.format("import.nginx_protocols_default_none",
                           "ssl_protocols " + join_words(protocols_of(srv).value), where(versions_from->pos)));
  }
  for (const NginxServer& srv : c.servers) {
    bool http2 = false, default_server = false;
    for (const NginxListen& l : srv.listens) {
      http2 = http2 || l.http2;
      default_server = default_server || l.default_server;
    }
    if (!is_tls(srv)) {
      const auto plain443 = std::find_if(srv.listens.begin(), srv.listens.end(),
                                         [](const NginxListen& l) { return l.port.value == 443; });
      if (plain443 != srv.listens.end())
        r.ignored(plain443->pos, w.format("import.nginx_443_plain", listen_text(*plain443)));
      else
        r.ignored(srv.pos, w(srv.ret.set ? "import.nginx_redirect" : "import.nginx_plain_http"));
      continue;
    }
    // The clients connect to port 443: beside a TLS server there, one on another port only (a
    // websocket endpoint on 8443 for the same name) is not where they arrive.
    if (tls_on_443 && std::none_of(srv.listens.begin(), srv.listens.end(),
                                   [](const NginxListen& l) { return l.port.value == 443; })) {
      r.ignored(srv.listens.front().pos, w.format("import.nginx_tls_other_port", listen_text(srv.listens.front())));
      continue;
    }
    if (http2) p->keys.set("http2", r.from(srv.pos, "listen ... http2", "proxy.http2", "true"));
    if (srv.http2.set && srv.http2.value)
      p->keys.set("http2", r.from(srv.http2.pos, "http2 on", "proxy.http2", "true"));
    // ssl_reject_handshake refuses handshakes without SNI or for unknown names only in the default
    // server of its address:port; elsewhere it refuses that server's own names only.
    if (srv.ssl_reject_handshake.set && srv.ssl_reject_handshake.value) {
      if (default_somewhere(srv, true))
        p->keys.set("strict_sni",
                    r.from(srv.ssl_reject_handshake.pos, "ssl_reject_handshake", "proxy.strict_sni", "true"));
      else
        r.ignored(srv.ssl_reject_handshake.pos,
                  w.format("import.ignored_key", "ssl_reject_handshake on", w("import.why_reject_not_default")));
      continue;
    }
    std::vector<std::string> names;
    for (const std::string& n : srv.server_names.value)
      if (!n.empty() && n != "_" && n != "localhost") names.push_back(n);
    const NginxLocation* loc = pass_location(srv.locations);
    if (names.empty() || !loc) {
      r.ignored(srv.pos, w("import.nginx_no_route"));
      continue;
    }
    // Only `location /` takes every path; another (`location /api/` beside a `location /` that
    // serves files) sends just its own paths to the app. Other proxying locations are said too.
    if (loc->path.value != "/")
      r.ignored(loc->path.pos, w.format("import.route_one_path", "location " + loc->path.value, join_words(names)));
    const auto others = [&](const auto& self, const std::vector<NginxLocation>& list) -> void {
      for (const NginxLocation& l : list) {
        if (&l != loc) {  // what such a location says applies to its own paths only
          const std::string at = "location " + l.path.value + " ";
          if (l.proxy_pass.set)
            r.ignored(l.proxy_pass.pos, w.format("import.ignored_key", at + "proxy_pass", w("import.why_path_rules")));
          if (l.proxy_read_timeout_ms.set)
            r.ignored(l.proxy_read_timeout_ms.pos,
                      w.format("import.ignored_key", at + "proxy_read_timeout", w("import.why_path_rules")));
          for (const Located<std::string>& h : l.set_headers)
            r.ignored(h.pos,
                      w.format("import.ignored_key", at + "proxy_set_header " + h.value, w("import.why_path_rules")));
        }
        self(self, l.locations);
      }
    };
    others(others, srv.locations);
    // nginx passes X-Forwarded-Proto and -For only when told to, and a level's proxy_set_header
    // directives replace the ones above it (the location's, else the server's, else http's).
    const std::vector<Located<std::string>>& headers = !loc->set_headers.empty()  ? loc->set_headers
                                                       : !srv.set_headers.empty() ? srv.set_headers
                                                                                  : c.set_headers;
    const auto proto = std::find_if(headers.begin(), headers.end(),
                                    [](const Located<std::string>& h) { return h.value == "x-forwarded-proto"; });
    if (proto != headers.end() && !p->keys.get("forwarded_headers"))
      p->keys.set("forwarded_headers",
                  r.from(proto->pos, "proxy_set_header X-Forwarded-Proto", "proxy.forwarded_headers", "true"));
    for (const Located<std::string>& h : headers)
      if (h.value == "x-forwarded-for" && proto == headers.end())
        r.ignored(h.pos, w.format("import.ignored_key", "proxy_set_header X-Forwarded-For",
                                  w("import.why_forwarded_for_alone")));
      else if (h.value == "x-forwarded-for")
        r.mapped(h.pos,
                 w.format("import.mapped", "proxy_set_header X-Forwarded-For", "proxy.forwarded_headers", "true"));
    std::string target = loc->proxy_pass.value;
    SourcePos target_pos = loc->proxy_pass.pos;
    // nginx finds the upstream block by the whole host name of the URL, case-insensitively
    // (ngx_http_upstream_add in ngx_http_upstream.c compares host.len and then the bytes), so
    // `upstream api` is not the `api_backend` of `proxy_pass http://api_backend`. The block may be
    // in any file of the http context (conf.d/upstreams.conf beside sites-enabled/shop).
    for (const NginxUpstream* up : http.upstreams) {
      const NginxUpstream& u = *up;
      if (!iequal(pass_host(target), u.name.value) || u.servers.empty()) continue;
      const size_t m = modelled_server(u);
      target = u.servers[m].address.value;
      target_pos = u.servers[m].address.pos;
      if (http.used.insert(&u).second)  // said once, whichever servers route to it
        for (size_t i = 0; i < u.servers.size(); ++i)
          if (i != m)
            r.ignored(u.servers[i].address.pos, w.format("import.ignored_key", "server " + u.servers[i].address.value,
                                                         w(u.servers[i].down     ? "import.why_upstream_down"
                                                           : u.servers[i].backup ? "import.why_upstream_backup"
                                                                                 : "import.why_more_upstreams")));
      break;
    }
    const std::string pool = upstream_service(target, target_pos, d, r);
    for (const std::string& n : names) {
      p->routes.push_back({n, pool, srv.server_names.pos, true});
      r.mapped(srv.server_names.pos, w.format("import.mapped", "server_name", "proxy.routes", n + " -> " + pool));
    }
    const Located<int64_t>& timeout = loc->proxy_read_timeout_ms.set  ? loc->proxy_read_timeout_ms
                                      : srv.proxy_read_timeout_ms.set ? srv.proxy_read_timeout_ms
                                                                      : c.proxy_read_timeout_ms;
    if (timeout.set)
      p->keys.set("upstream_timeout", r.from(timeout.pos, "proxy_read_timeout", "proxy.upstream_timeout",
                                             duration_text(static_cast<uint64_t>(timeout.value))));
    if (!srv.ssl_certificate.set) {
      // No certificate for these names in the files read: the run cannot serve them. When the
      // default server of the socket has no certificate either and rejects handshakes, nginx does
      // not even start with the files as read (ngx_http_ssl_init: "no \"ssl_certificate\" is
      // defined for the \"listen ... ssl\" directive"); the run fails every handshake for them.
      const bool refused = std::any_of(srv.listens.begin(), srv.listens.end(), [&](const NginxListen& l) {
        const auto it = default_of.find(listen_socket(l));
        return it != default_of.end() && it->second != &srv && it->second->ssl_reject_handshake.set &&
               it->second->ssl_reject_handshake.value && !it->second->ssl_certificate.set;
      });
      r.assumed(srv.pos, w.format(refused ? "import.nginx_no_certificate_rejected" : "import.nginx_no_certificate",
                                  join_words(names)));
      continue;
    }
    CertModel cert;
    cert.domain = names.front();
    cert.alt_names.assign(names.begin() + 1, names.end());
    cert.pos = srv.ssl_certificate.pos;
    cert.file = srv.ssl_certificate.value;
    if (srv.ssl_certificate.value.find("letsencrypt") != std::string::npos) {
      cert.keys.set("issuer", r.from(cert.pos, "ssl_certificate", "certificate.issuer", toml_str("letsencrypt")));
      cert.keys.set("renewal", r.assume(cert.pos, "certificate.renewal", toml_str("certbot"), w("import.why_certbot")));
    } else {
      cert.keys.set("issuer",
                    r.assume(cert.pos, "certificate.issuer", toml_str("letsencrypt"), w("import.why_cert_file")));
      cert.keys.set("renewal", r.assume(cert.pos, "certificate.renewal", toml_str("none"), w("import.why_cert_file")));
    }
    issued_at(cert, cert.pos);
    if (default_server) {
      p->default_certificate = cert.domain;
      p->default_certificate_pos = srv.pos;
    }
    d.certs.push_back(std::move(cert));
  }
  // Read by the parser but not modelled: said, so that nothing the file says goes unmentioned.
  const auto not_modelled = [&](const SourcePos& pos, const std::string& what) {
    r.ignored(pos, w.format("import.ignored_key", what, w("import.why_not_modelled")));
  };
  const auto body_size = [&](const Located<uint64_t>& v) {
    if (v.set) not_modelled(v.pos, "client_max_body_size");
  };
  const auto locations = [&](const auto& self, const std::vector<NginxLocation>& list) -> void {
    for (const NginxLocation& l : list) {
      body_size(l.client_max_body_size);
      self(self, l.locations);
    }
  };
  body_size(c.client_max_body_size);
  for (const NginxServer& srv : c.servers) {
    body_size(srv.client_max_body_size);
    locations(locations, srv.locations);
  }
  for (const NginxInclude& i : c.includes) {
    // A cycle is said once, though a snippet in it is read in two files.
    if (!i.cycle.empty() && http.cycles_said.insert(i.pos.str()).second)
      r.ignored(i.pos, w.format("import.nginx_include_cycle", i.path, join_names(i.cycle, " -> ")));
    if (!i.files.empty())
      r.mapped(i.pos, w.format("import.nginx_include_read", i.path, join_names(i.files)));
    else if (i.cycle.empty())
      r.ignored(i.pos, w.format("import.ignored_key", "include " + i.path, w("import.why_include")));
  }
  for (const Ignored& i : c.ignored) {
    r.ignored(i.pos, w.format("import.ignored_key", i.in.empty() ? i.name : i.in + ": " + i.name,
                              w("import.why_not_modelled")));
  }
}

// The upstream blocks of every nginx file, once every route is read: the ones no route passes
// requests to, and what the model leaves out of the others.
void report_upstreams(const NginxHttp& http, Report& r) {
  const Messages& w = r.w;
  const auto not_modelled = [&](const SourcePos& pos, const std::string& what) {
    r.ignored(pos, w.format("import.ignored_key", what, w("import.why_not_modelled")));
  };
  for (const NginxUpstream* up : http.upstreams) {
    const NginxUpstream& u = *up;
    if (!http.used.count(&u)) r.ignored(u.pos, w.format("import.nginx_upstream_unused", u.name.value));
    report_server_parameters(u, r);
    if (u.balancing.set) not_modelled(u.balancing.pos, u.balancing.value);
    if (u.keepalive.set) not_modelled(u.keepalive.pos, "keepalive " + std::to_string(u.keepalive.value));
    if (u.sticky.set)
      r.ignored(u.sticky.pos, w.format("import.nginx_upstream_sticky_directive", "sticky " + u.sticky.value,
                                       u.servers.empty() ? "" : u.servers[modelled_server(u)].address.value));
    // nginx's passive check (ngx_http_upstream_module, `server`): only the first server is
    // modelled, and alone in its group nginx ignores max_fails and fail_timeout altogether.
    if (!u.servers.empty() && !u.servers[modelled_server(u)].fails_text.empty()) {
      const NginxUpstreamServer& us = u.servers[modelled_server(u)];
      r.ignored(us.address.pos,
                w.format(u.servers.size() == 1 ? "import.nginx_max_fails_single" : "import.nginx_max_fails_first",
                         us.fails_text));
    }
  }
}

}  // namespace

void read_nginx(const std::vector<std::pair<std::string, std::string_view>>& files, Deployment& d, Report& r) {
  namespace fs = std::filesystem;
  const auto key = [](const std::string& name) { return fs::path(name).lexically_normal().generic_string(); };
  std::set<std::string> own;  // the nginx files read on their own, each in the http context
  for (const auto& f : files) own.insert(key(f.first));
  // nginx reads a relative include path from its configuration prefix, the folder of the
  // nginx.conf it was started with (ngx_conf_full_name with conf_prefix; nginx.c sets it to the
  // folder of -c, /etc/nginx by default), and a glob in name order (ngx_open_glob: glob(3)).
  // The prefix is the folder of the nginx.conf given (the file with http {} when none is so
  // named), else, for a file in conf.d/, sites-enabled/, sites-available/ or snippets/, the
  // folder above (the Debian and Docker image layout), else the file's own folder.
  std::optional<fs::path> conf_prefix;
  for (const auto& [file, text] : files)
    if (fs::path(file).filename() == "nginx.conf" && !conf_prefix) conf_prefix = fs::path(key(file)).parent_path();
  for (const auto& [file, text] : files)
    if (!conf_prefix && std::regex_search(text.begin(), text.end(), std::regex(R"((^|\n)\s*http\s*\{)")))
      conf_prefix = fs::path(key(file)).parent_path();
  const auto prefix_of = [&](const std::string& from) {
    if (conf_prefix) return *conf_prefix;
    const fs::path folder = fs::path(key(from)).parent_path();
    const std::string name = folder.filename().string();
    return name == "conf.d" || name == "sites-enabled" || name == "sites-available" || name == "snippets"
               ? folder.parent_path()
               : folder;
  };
  // The given files an include names, matched as nginx would find them on the server: a relative
  // path (and one under /etc/nginx/, nginx's default prefix) from the prefix; another absolute
  // path (certbot's /etc/letsencrypt/options-ssl-nginx.conf) by the given file whose path ends
  // with it.
  std::vector<std::string> included;  // the files read in place of an include, said after the others
  const NginxIncludeFinder find = [&](const std::string& pattern, const std::string& from) {
    const fs::path written(pattern);
    std::optional<fs::path> full;
    if (!written.is_absolute())
      full = (prefix_of(from) / written).lexically_normal();
    else if (pattern.starts_with("/etc/nginx/"))
      full = (prefix_of(from) / pattern.substr(11)).lexically_normal();
    const auto matches_full = [&](const std::string& k) {
      return full && detail::glob_match(full->generic_string(), k);
    };
    std::vector<std::string> parts;  // an absolute path's parts, matched at the end of a file's path
    for (const fs::path& part : written.relative_path()) parts.push_back(part.string());
    const auto matches_end = [&](const std::string& k) {
      std::vector<std::string> kp;
      for (const fs::path& part : fs::path(k)) kp.push_back(part.string());
      if (!written.is_absolute() || parts.empty() || kp.size() < parts.size()) return false;
      for (size_t i = 0; i < parts.size(); ++i)
        if (!detail::glob_match(parts[i], kp[kp.size() - parts.size() + i])) return false;
      return true;
    };
    std::vector<NginxIncludedFile> out;
    for (const bool by_end : {false, true}) {
      for (const auto& [k, in] : d.inputs)
        if (by_end ? matches_end(k) : matches_full(k)) out.push_back({in.first, in.second, own.count(k) > 0});
      if (!out.empty()) break;
    }
    for (const NginxIncludedFile& f : out)
      if (!f.own && d.nginx_included.insert(key(f.name)).second) included.push_back(f.name);
    return out;
  };
  std::vector<std::pair<std::string, NginxConfig>> configs;
  for (const auto& [file, text] : files) {
    NginxResult parsed = parse_nginx_conf(text, file, find);
    if (parsed.error)
      report_parse_error(*parsed.error, r);
    else
      configs.emplace_back(file, std::move(*parsed.value));
  }
  // The file that holds `http { }` (nginx.conf) includes the others inside it (conf.d/*.conf,
  // sites-enabled/*), so their servers inherit its http-level settings where they have none of
  // their own: Debian's packaged nginx.conf sets ssl_protocols there.
  const NginxConfig* main = nullptr;
  NginxHttp http;
  std::optional<SourcePos> first_server, first_upstream;
  for (const auto& fc : configs) {
    if (fc.second.http_block && !main) main = &fc.second;
    for (const NginxServer& srv : fc.second.servers) {
      if (!first_server) first_server = srv.pos;
      for (const NginxListen& l : srv.listens) http.tls_on_443 = http.tls_on_443 || (l.ssl && l.port.value == 443);
    }
    for (const NginxUpstream& u : fc.second.upstreams) {
      if (!first_upstream) first_upstream = u.pos;
      http.upstreams.push_back(&u);
    }
  }
  if (configs.empty()) return;
  // The proxy is where the first server block is (not the first line of a file of upstreams and
  // maps, nor nginx.conf's `user` line).
  const SourcePos first = first_server     ? *first_server
                          : first_upstream ? *first_upstream
                                           : SourcePos{configs.front().first, 1, 0};
  if (!d.proxy) proxy_for("nginx", first, d, r);
  for (auto& [file, c] : configs) {
    if (main && !c.http_block) {
      if (!c.ssl_protocols.set) c.ssl_protocols = main->ssl_protocols;
      if (!c.proxy_read_timeout_ms.set) c.proxy_read_timeout_ms = main->proxy_read_timeout_ms;
      if (c.set_headers.empty()) c.set_headers = main->set_headers;
    }
    read_nginx_file(file, c, http, d, r);
  }
  report_upstreams(http, r);
  d.sources.insert(d.sources.end(), included.begin(), included.end());
  // nginx's default ssl_protocols gained TLSv1.3 in 1.23.4 (domain-facts.md, "TLS"): assumed once
  // every file is read, when none gave the default server a list.
  const Val* preset = d.proxy ? d.proxy->keys.get("preset") : nullptr;
  if (preset && preset->toml == toml_str("nginx") && !d.proxy->keys.get("tls_versions"))
    d.proxy->keys.set("tls_versions",
                      r.assume(first, "proxy.tls_versions", "[\"1.2\", \"1.3\"]", r.w("import.why_nginx_tls13")));
}

}  // namespace deploysim::import
