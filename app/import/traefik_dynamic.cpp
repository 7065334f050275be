// Traefik's dynamic configuration: the files its file provider reads (`http.routers`,
// `http.services`, `http.middlewares`, `tcp`, `udp`, `tls`), YAML or TOML. Each HTTP router whose
// service is a load balancer becomes routes of the proxy to the app its server URL names (a
// Compose service, a Kubernetes Service's workload, a systemd unit on the machine's own address),
// with the certificate of its resolver, as a router of the Docker labels does
// (ComposeCtx::add_route); every other part is reported at its line.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "import/compose_internal.hpp"
#include "import/traefik_tree.hpp"

namespace deploysim::import {

namespace fs = std::filesystem;

// A namespace of its own: the unity build (DEPLOYSIM_UNITY_BUILD) compiles this file with others
// whose unnamed namespaces hold an Entry and a Reader too.
namespace traefik_routes {
namespace {

using Entry = TraefikEntry;

struct DynRouter {
  std::string name;
  TraefikRouter router;  ///< Hosts, TLS, resolver, entry points; its owner is found from the service.
  std::string service;   ///< As written ("app", "app@file", "api@internal").
  SourcePos pos;         ///< The router's name.
};

struct DynService {
  SourcePos pos;  ///< The service's name.
  std::string url;
  SourcePos url_pos;
};

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

// The router and service names of every file read, the first definition of each kept.
class Reader {
 public:
  explicit Reader(Report& r) : r_(r) {}

  void file(const std::vector<Entry>& root) {
    for (const Entry& top : root) {
      const std::string section = lowercase(top.key);
      if (null(top, top.key)) continue;
      if (section == "http" && top.kind == Entry::Kind::map) {
        for (const Entry& e : top.children) http(e);
      } else if ((section == "tcp" || section == "udp") && top.kind == Entry::Kind::map) {
        // Its routers and services one by one: a TCP router with HostSNI(...) is a route too, of another protocol.
        for (const Entry& part : top.children)
          for_each_named(part, top.key, [&](const Entry& e, const std::string& key) {
            ignored(e.pos, key, "import.why_traefik_tcp_udp");
          });
      } else if (section == "tls" && top.kind == Entry::Kind::map) {
        for (const Entry& part : top.children)
          for_each_named(part, top.key, [&](const Entry& e, const std::string& key) {
            if (lowercase(part.key) == "options" && e.key == "default" && e.kind == Entry::Kind::map && !tls_default)
              tls_default = &e, tls_default_key = key;
            else
              ignored(e.pos, key, lowercase(part.key) == "certificates" ? "import.why_traefik_tls_files" : nullptr);
          });
      } else {
        ignored(top.pos, top.key, nullptr);
      }
    }
  }

  std::vector<DynRouter> routers;  ///< In the order read.
  std::map<std::string, DynService> services;
  /// `tls.options.default` (the first file's), and its key as the report names it: the TLS options
  /// of every router that names none. Its entries live in the files' trees, kept until routed.
  const Entry* tls_default = nullptr;
  std::string tls_default_key;

 private:
  // The items of a section (routers, services, certificates), each with its key as the report
  // names it ("tcp.routers.db", "tls.certificates.0"); the section itself when it holds none.
  template <class F>
  void for_each_named(const Entry& part, const std::string& parent, const F& each) {
    const std::string key = parent + "." + part.key;
    if (part.children.empty()) return each(part, key);
    for (const Entry& e : part.children) each(e, key + "." + e.key);
  }

  void http(const Entry& e) {
    const std::string part = lowercase(e.key);
    if (null(e, "http." + e.key)) return;
    if (part == "routers" && e.kind == Entry::Kind::map) {
      for (const Entry& router : e.children) read_router(router);
    } else if (part == "services" && e.kind == Entry::Kind::map) {
      for (const Entry& service : e.children) read_service(service);
    } else if (part == "middlewares" && e.kind == Entry::Kind::map) {
      // Each middleware once, where it is defined (a router naming it is reported at its own line).
      for (const Entry& m : e.children) ignored(m.pos, "http.middlewares." + m.key, "import.why_traefik_middleware");
    } else {
      ignored(e.pos, "http." + e.key, nullptr);
    }
  }

  void read_router(const Entry& e) {
    const std::string key = "http.routers." + e.key;
    // Traefik keeps the first definition of a name and logs "HTTP router already configured, skipping".
    const auto first =
        std::find_if(routers.begin(), routers.end(), [&](const DynRouter& d) { return d.name == e.key; });
    if (first != routers.end()) {
      r_.ignored(e.pos, r_.w.format("import.traefik_dynamic_twice", key, where(first->pos)));
      return;
    }
    DynRouter d;
    d.name = e.key;
    d.pos = e.pos;
    d.router.key_prefix = "http.routers.";
    d.router.rule_pos = e.pos;
    for (const Entry& k : e.children) {
      const std::string option = lowercase(k.key), full = key + "." + k.key;
      if (null(k, full)) continue;
      if (option == "rule" && k.kind == Entry::Kind::scalar) {
        d.router.hosts = traefik_rule_hosts(k.value);
        d.router.rule_pos = k.pos;
        if (k.value.find("Path") != std::string::npos) ignored(k.pos, full, "import.why_path_rules");
      } else if (option == "service" && k.kind == Entry::Kind::scalar) {
        d.service = k.value;
      } else if (option == "entrypoints") {
        for (const Entry& ep : k.children) d.router.entrypoints.push_back(ep.value);
        if (k.kind == Entry::Kind::scalar) d.router.entrypoints = split_commas(k.value);
        ignored(k.pos, full, "import.why_entrypoints");
      } else if (option == "tls") {
        tls(k, full, d.router);
      } else {
        ignored(k.pos, full, option == "middlewares" ? "import.why_traefik_middleware" : nullptr);
      }
    }
    routers.push_back(std::move(d));
  }

  // A router's tls: a map (even an empty one) or `true` is TLS of its own; `false` is none, as
  // paerser reads an option that may be empty (parser/nodes_metadata.go).
  void tls(const Entry& k, const std::string& full, TraefikRouter& router) {
    if (k.kind == Entry::Kind::scalar && lowercase(k.value) != "true") {
      r_.ignored(k.pos, r_.w.format("import.traefik_router_tls_off", full, k.value));
      return;
    }
    router.tls = true;
    router.tls_section = true;
    for (const Entry& t : k.children) {
      const std::string option = lowercase(t.key), key = full + "." + t.key;
      if (null(t, key)) continue;
      if (option == "certresolver" && t.kind == Entry::Kind::scalar) {
        router.certresolver = t.value;
        router.resolver_pos = t.pos;
      } else {
        ignored(t.pos, key, option == "domains" ? "import.why_traefik_tls_domains" : nullptr);
      }
    }
  }

  void read_service(const Entry& e) {
    const std::string key = "http.services." + e.key;
    if (const auto first = services.find(e.key); first != services.end()) {
      r_.ignored(e.pos, r_.w.format("import.traefik_dynamic_twice", key, where(first->second.pos)));
      return;
    }
    DynService s;
    s.pos = e.pos;
    for (const Entry& k : e.children) {
      const std::string full = key + "." + k.key;
      if (null(k, full)) continue;
      if (lowercase(k.key) != "loadbalancer") {  // weighted, mirroring, failover
        ignored(k.pos, full, "import.why_traefik_service_kind");
        continue;
      }
      for (const Entry& lb : k.children) {
        const std::string lb_key = full + "." + lb.key;
        if (null(lb, lb_key)) continue;
        if (lowercase(lb.key) != "servers") {
          ignored(lb.pos, lb_key, nullptr);
          continue;
        }
        for (const Entry& server : lb.children) {
          const Entry* url = traefik_child(server, "url");
          const std::string at = lb_key + "." + server.key;
          if (!url || url->kind != Entry::Kind::scalar)
            ignored(server.pos, at, nullptr);
          else if (!s.url.empty())
            ignored(url->pos, at + ".url = " + url->value, "import.why_more_upstreams");
          else
            s.url = url->value, s.url_pos = url->pos;
          for (const Entry& option : server.children)
            if (lowercase(option.key) != "url") ignored(option.pos, at + "." + option.key, nullptr);
        }
      }
    }
    services.emplace(e.key, std::move(s));
  }

  // A key without a value (YAML null), which Traefik's loader skips (paerser's file/raw_node.go).
  bool null(const Entry& e, const std::string& key) {
    if (e.kind != Entry::Kind::null) return false;
    r_.ignored(e.pos, r_.w.format("import.traefik_file_null", key));
    return true;
  }

  void ignored(const SourcePos& pos, const std::string& key, const char* why) {
    r_.ignored(pos, r_.w.format("import.ignored_key", key, r_.w(why ? why : "import.why_not_modelled")));
  }

  Report& r_;
};

// The app a server URL names ("http://app:8000", "http://api.shop.svc.cluster.local:8000",
// "http://127.0.0.1:8000"): a service of that name (a Compose service, a systemd unit), a
// Kubernetes Service's workload, else, for the machine's own address when Traefik runs on it, the
// unit of that machine listening on the port. Empty when none; `port` is the URL's.
std::string url_app(const std::string& url, const ComposeCtx& c, Deployment& d, int& port) {
  std::string rest = url;
  port = 80;
  if (const size_t scheme = rest.find("://"); scheme != std::string::npos) {
    if (lowercase(rest.substr(0, scheme)) == "https") port = 443;
    rest.erase(0, scheme + 3);
  }
  rest.resize(std::min(rest.find_first_of("/?#"), rest.size()));
  std::string host = rest;
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    const auto p = port_number(rest.substr(colon + 1));
    if (!p) return "";
    port = *p;
  }
  host = lowercase(host);
  if (const ServiceModel* s = find_service(d, node_name(host))) return s->name;
  // A Kubernetes Service by its name alone or with its namespace and the cluster's domain.
  const std::string label = host.substr(0, host.find('.'));
  if (label == host || host.find(".svc") != std::string::npos) {
    if (const auto it = d.k8s_services.find(label); it != d.k8s_services.end())
      if (const ServiceModel* s = find_service(d, node_name(it->second))) return s->name;
    if (const ServiceModel* s = find_service(d, node_name(label))) return s->name;
  }
  // In a container, 127.0.0.1 is the container itself: no app listens there.
  if (loopback(host) && c.on_host)
    for (const ServiceModel& s : d.services)
      if (const Val* p = s.keys.get("port"); !s.host_name.empty() && p && p->toml == std::to_string(port))
        return s.name;
  return "";
}

// The routers read as routes of the Traefik `c`.
void route(const Reader& read, ComposeCtx& c, Deployment& d, Report& r) {
  std::set<std::string> said;  // services whose app has been named
  // Routers with TLS first: of an HTTPS router and a plain one for the same host (the redirect
  // on port 80), the HTTPS one gives the route the scenario's HTTPS clients use.
  std::vector<const DynRouter*> order;
  for (const DynRouter& dr : read.routers) order.push_back(&dr);
  std::stable_sort(order.begin(), order.end(),
                   [](const DynRouter* a, const DynRouter* b) { return a->router.tls && !b->router.tls; });
  for (const DynRouter* p : order) {
    const DynRouter& dr = *p;
    const SourcePos& at = dr.router.rule_pos;
    if (dr.service.empty()) {
      r.ignored(at, r.w.format("import.traefik_router_no_service", dr.name));
      continue;
    }
    const size_t sign = dr.service.find('@');
    const std::string provider = sign == std::string::npos ? "file" : dr.service.substr(sign + 1);
    const std::string name = dr.service.substr(0, sign);
    if (provider == "internal") {  // api@internal: the dashboard
      r.ignored(at, r.w.format("import.traefik_own_router", dr.name));
      continue;
    }
    if (provider != "file") {
      r.ignored(at, r.w.format("import.traefik_router_other_provider", dr.name, dr.service));
      continue;
    }
    const auto svc = read.services.find(name);
    if (svc == read.services.end()) {
      r.ignored(at, r.w.format("import.traefik_router_service_unknown", dr.name, name));
      continue;
    }
    if (svc->second.url.empty()) {
      r.ignored(at, r.w.format("import.traefik_service_no_server", dr.name, name));
      continue;
    }
    int port = 0;
    const std::string app = url_app(svc->second.url, c, d, port);
    if (app.empty()) {
      r.ignored(at, r.w.format("import.traefik_backend_unknown", dr.name, name, svc->second.url));
      continue;
    }
    if (said.insert(name).second) {
      r.mapped(svc->second.url_pos, r.w.format("import.traefik_backend", name, svc->second.url, app));
      // Traefik connects to the URL's port; when the app listens on another it answers 502.
      if (const Val* listens = find_service(d, app)->keys.get("port"); listens && listens->toml != std::to_string(port))
        r.ignored(svc->second.url_pos,
                  r.w.format("import.traefik_url_port_differs", svc->second.url, app, listens->toml));
    }
    TraefikRouter router = dr.router;
    router.owner = app;
    c.add_route(d, dr.name, router);
  }
}

// The TLS option "default", which Traefik applies to every TLS router that names no option of its
// own ("When no tls options are specified in a tls router, the default option is used",
// doc.traefik.io, TLS Options): its versions and sniStrict are the proxy's. minVersion and
// maxVersion take VersionTLS10 to VersionTLS13 (Traefik's default minimum is VersionTLS12);
// sniStrict refuses a handshake without SNI or for a name no certificate holds, as
// proxy.strict_sni does.
void tls_default_options(const Entry& option, const std::string& key, ProxyModel& p, Report& r) {
  r.mapped(option.pos, r.w.format("import.traefik_tls_default", key));
  const auto version = [](const std::string& v) -> int {  // 10..13, 0 when none Traefik knows
    for (int n = 10; n <= 13; ++n)
      if (v == "VersionTLS" + std::to_string(n)) return n;
    return 0;
  };
  int min = 12, max = 13;
  SourcePos versions_pos;
  std::string versions_key;
  for (const Entry& e : option.children) {
    const std::string name = lowercase(e.key), full = key + "." + e.key;
    if (e.kind == Entry::Kind::null) {
      r.ignored(e.pos, r.w.format("import.traefik_file_null", full));
    } else if ((name == "minversion" || name == "maxversion") && e.kind == Entry::Kind::scalar) {
      const int v = version(e.value);
      if (v == 0) {
        r.ignored(e.pos, r.w.format("import.traefik_tls_version_unknown", full, e.value));
        continue;
      }
      if (v < 12) r.ignored(e.pos, r.w.format("import.ignored_key", full + " " + e.value, r.w("import.why_old_tls")));
      (name == "minversion" ? min : max) = v;
      versions_pos = e.pos;
      versions_key = full;
    } else if (name == "snistrict" && e.kind == Entry::Kind::scalar) {
      const std::string v = lowercase(e.value);
      if (v != "true" && v != "false") {
        r.ignored(e.pos, r.w.format("import.traefik_tls_version_unknown", full, e.value));
        continue;
      }
      p.keys.set("strict_sni", r.from(e.pos, full, "proxy.strict_sni", v));
    } else {
      r.ignored(e.pos, r.w.format("import.ignored_key", full, r.w("import.why_not_modelled")));
    }
  }
  if (versions_key.empty()) return;
  std::string list;
  for (int v = std::max(min, 12); v <= std::min(max, 13); ++v)
    list += std::string(list.empty() ? "" : ", ") + (v == 12 ? "\"1.2\"" : "\"1.3\"");
  if (list.empty()) {  // maxVersion below TLS 1.2: no version the model has
    r.ignored(versions_pos, r.w.format("import.ignored_key", versions_key, r.w("import.why_old_tls")));
    return;
  }
  p.keys.set("tls_versions", r.from(versions_pos, versions_key, "proxy.tls_versions", "[" + list + "]"));
}

// A Traefik on the machine "server" for dynamic files that no Traefik container reads, when the
// files have no other proxy: its static configuration is a Traefik static file no container reads.
std::shared_ptr<ComposeCtx> traefik_on_host(Deployment& d, Report& r) {
  const std::string first = d.traefik_dynamic_files.begin()->second.first;
  auto c = std::make_shared<ComposeCtx>(first, r, YAML::Node(), YAML::Node());
  if (!d.proxy) {
    ProxyModel p;
    p.pos = {first, 0, 0};
    p.host_name = "server";
    p.keys.set("preset", r.from(p.pos, first, "proxy.preset", toml_str("traefik")));
    d.proxy = std::move(p);
    c->on_host = true;
  }
  for (const auto& [key, file] : d.traefik_files) {
    if (d.traefik_files_used.count(key)) continue;
    d.traefik_files_used.insert(key);
    d.sources.push_back(file.first);
    r.mapped({file.first, 0, 0}, r.w("import.traefik_static_on_host"));
    c->static_file = c->static_config = file.first;
    c->static_config_pos = {file.first, 0, 0};
    read_traefik_static_file(*c, file.first, file.second, file.first);
    break;
  }
  if (c->static_file.empty()) {  // Traefik's first place for it; its resolvers are assumed
    c->static_config = "/etc/traefik/traefik.yml";
    c->static_config_pos = {first, 0, 0};
  }
  for (const auto& [key, file] : d.traefik_dynamic_files) {
    d.traefik_dynamic_used.insert(key);
    d.sources.push_back(file.first);
    r.assumed({file.first, 0, 0}, r.w("import.traefik_dynamic_on_host"));
    c->dynamic_files.push_back(file);
  }
  return c;
}

}  // namespace
}  // namespace traefik_routes

void finish_traefik_dynamic(Deployment& d, Report& r) {
  std::shared_ptr<ComposeCtx> traefik;
  for (const std::shared_ptr<ComposeCtx>& c : d.compose)
    if (c->traefik_container) traefik = c;
  const Val* preset = d.proxy ? d.proxy->keys.get("preset") : nullptr;
  if (!traefik && !d.traefik_dynamic_files.empty() && !r.has_error() &&
      (!d.proxy || (preset && preset->toml == toml_str("traefik"))))
    traefik = traefik_routes::traefik_on_host(d, r);
  if (traefik && !traefik->dynamic_files.empty() && !r.has_error()) {
    traefik_routes::Reader read(r);
    bool ok = true;
    std::vector<std::vector<TraefikEntry>> trees;  // kept: read.tls_default points into one
    trees.reserve(traefik->dynamic_files.size());
    for (const auto& [name, text] : traefik->dynamic_files) {
      auto root = read_traefik_tree(name, text, lowercase(fs::path(name).extension().string()) == ".toml", r);
      ok = ok && root;
      if (root) read.file(trees.emplace_back(std::move(*root)));
    }
    if (ok) traefik_routes::route(read, *traefik, d, r);
    if (ok && read.tls_default && d.proxy)
      traefik_routes::tls_default_options(*read.tls_default, read.tls_default_key, *d.proxy, r);
  }
  for (const auto& [key, file] : d.traefik_dynamic_files)
    if (!d.traefik_dynamic_used.count(key)) r.ignored({file.first, 0, 0}, r.w("import.traefik_dynamic_unused"));
}

}  // namespace deploysim::import
