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
#include "import/import_yaml.hpp"
#include "import/kubernetes_internal.hpp"
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
  /// `tls.options` as written ("mintls13", "opts@file"), its key as the report names it, and where.
  std::string tls_options, tls_options_key;
  SourcePos tls_options_pos;
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
            if (lowercase(part.key) == "options" && e.key == "default" && e.kind == Entry::Kind::map && !tls_default) {
              tls_default = &e, tls_default_key = key;
              return;
            }
            // Another provider's router names it NAME@file (Traefik qualifies the file provider's names).
            if (lowercase(part.key) == "options" && &e != &part) options_defined.emplace(e.key + "@file", e.pos);
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
  /// The other TLS options, by Traefik's name for them ("mintls13@file"), and where each is defined.
  std::map<std::string, SourcePos> options_defined;

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
        tls(k, full, d);
      } else {
        ignored(k.pos, full, option == "middlewares" ? "import.why_traefik_middleware" : nullptr);
      }
    }
    routers.push_back(std::move(d));
  }

  // The router's `tls.options`: said once the options of every file and resource are known
  // (router_tls_options).
  void tls_options(const Entry& t, const std::string& key, DynRouter& d) {
    d.tls_options = t.value;
    d.tls_options_key = key;
    d.tls_options_pos = t.pos;
  }

  // A router's tls: a map (even an empty one) or `true` is TLS of its own; `false` is none, as
  // paerser reads an option that may be empty (parser/nodes_metadata.go).
  void tls(const Entry& k, const std::string& full, DynRouter& d) {
    TraefikRouter& router = d.router;
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
      } else if (option == "options" && t.kind == Entry::Kind::scalar) {
        tls_options(t, key, d);
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

// clientAuth (Traefik's buildTLSConfig, pkg/tls/tlsmanager.go): CA files (the file provider's
// caFiles, a TLSOption's secretNames) make Traefik require and verify a client certificate, and
// clientAuthType picks the mode. The model's proxy.verify_clients verifies with the scenario's
// private CA, which stands for the CA written here: RequireAndVerifyClientCert is "require",
// VerifyClientCertIfGiven "optional", NoClientCert "off". RequestClientCert and
// RequireAnyClientCert take a certificate without verifying it: not modelled.
void client_auth(const Entry& e, const std::string& key, ProxyModel& p, Report& r) {
  const Messages& w = r.w;
  const Entry *type = nullptr, *cas = nullptr;
  for (const Entry& c : e.children) {
    const std::string name = lowercase(c.key);
    if (name == "clientauthtype" && c.kind == Entry::Kind::scalar && !c.value.empty())
      type = &c;
    else if ((name == "cafiles" || name == "secretnames") && (!c.children.empty() || !c.value.empty()))
      cas = &c;
    else
      r.ignored(c.pos, w.format("import.ignored_key", key + "." + c.key, w("import.why_not_modelled")));
  }
  if (!type && !cas) return;
  const std::string t = type ? type->value : "";
  const std::string type_key = type ? key + "." + type->key : "";
  if (type && (t == "RequestClientCert" || t == "RequireAnyClientCert")) {
    r.ignored(type->pos, w.format("import.traefik_client_auth_unverified", type_key, t));
  } else if (type && t != "NoClientCert" && t != "VerifyClientCertIfGiven" && t != "RequireAndVerifyClientCert") {
    r.ignored(type->pos, w.format("import.traefik_client_auth_unknown", type_key, t));
  } else if (type && t != "NoClientCert" && !cas) {
    r.ignored(type->pos, w.format("import.traefik_client_auth_no_ca", type_key, t));
  } else {
    const std::string mode = t == "NoClientCert" ? "off" : t == "VerifyClientCertIfGiven" ? "optional" : "require";
    const Entry& at = type ? *type : *cas;
    p.keys.set("verify_clients",
               r.from(at.pos, key + "." + at.key + (type ? " " + t : ""), "proxy.verify_clients", toml_str(mode)));
    if (cas && mode != "off")
      r.mapped(cas->pos, w.format("import.traefik_client_ca", key + "." + cas->key));
    else if (cas)
      r.ignored(cas->pos, w.format("import.ignored_key", key + "." + cas->key, w("import.why_not_modelled")));
    return;
  }
  if (cas) r.ignored(cas->pos, w.format("import.ignored_key", key + "." + cas->key, w("import.why_not_modelled")));
}

// The TLS option "default", which Traefik applies to every TLS router that names no option of its
// own ("When no tls options are specified in a tls router, the default option is used",
// doc.traefik.io, TLS Options): its versions and sniStrict are the proxy's. minVersion and
// maxVersion take VersionTLS10 to VersionTLS13 (Traefik's default minimum is VersionTLS12);
// sniStrict refuses a handshake without SNI or for a name no certificate holds, as
// proxy.strict_sni does.
// `prefix` names its keys in the report ("tls.options.default." in a file, "spec." in a TLSOption).
void tls_default_options(const Entry& option, const std::string& key, const std::string& prefix, ProxyModel& p,
                         Report& r) {
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
    const std::string name = lowercase(e.key), full = prefix + e.key;
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
    } else if (name == "clientauth" && e.kind == Entry::Kind::map) {
      client_auth(e, full, p, r);
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

// A TLSOption resource of Traefik's Kubernetes CRD provider (apiVersion traefik.io/v1alpha1, or
// Traefik v2's traefik.containo.us/v1alpha1).
struct TlsOptionCrd {
  std::string file, ns, name;
  SourcePos pos;  ///< Its kind line.
  YAML::Node doc;
};

// An IngressRoute's `spec.tls.options`, which names a TLSOption (kubernetes_http.go).
struct IngressRouteOptions {
  std::string route, name, traefik_name;  ///< The IngressRoute, the option as written, Traefik's name for it.
  SourcePos pos;
};

// What the Kubernetes files hold for Traefik's TLS options.
struct TlsOptionCrds {
  std::vector<TlsOptionCrd> defaults, others;
  std::vector<IngressRouteOptions> refs;
};

// The namespace a manifest is applied in: its own, else kubectl's default one.
std::string namespace_of(const YAML::Node& doc) {
  const std::string ns = scalar(child(child(doc, "metadata"), "namespace"));
  return ns.empty() ? "default" : ns;
}

TlsOptionCrds read_tls_option_crds(const Deployment& d, Report& r) {
  TlsOptionCrds out;
  for (const auto& [file, text] : d.k8s_files) {
    const auto docs = load_yaml(file, text, r);
    if (!docs) continue;
    std::vector<YAML::Node> all;  // `kind: List` holds its manifests as items
    for (const YAML::Node& doc : *docs) {
      const YAML::Node items = child(doc, "items");
      if (scalar(child(doc, "kind")) == "List" && items.IsSequence())
        for (const YAML::Node& item : items) all.push_back(item);
      else
        all.push_back(doc);
    }
    for (const YAML::Node& doc : all) {
      if (!doc.IsMap() || !traefik_crd(doc)) continue;
      const std::string kind = scalar(child(doc, "kind"));
      const std::string name = scalar(child(child(doc, "metadata"), "name"));
      if (kind == "TLSOption") {
        TlsOptionCrd o{file, namespace_of(doc), name, key_pos(file, doc, "kind"), doc};
        (name == "default" ? out.defaults : out.others).push_back(std::move(o));
      } else if (kind == "IngressRoute") {
        // resolveReference (pkg/provider/kubernetes/crd): NAME@provider as written, else the
        // option of that name in its namespace (the IngressRoute's when none), normalized.
        const YAML::Node options = child(child(child(doc, "spec"), "tls"), "options");
        const std::string option = scalar(child(options, "name"));
        if (option.empty()) continue;
        std::string ns = scalar(child(options, "namespace"));
        if (ns.empty()) ns = namespace_of(doc);
        out.refs.push_back(
            {name, option,
             option.find('@') != std::string::npos ? option : traefik_normalize(ns + "-" + option) + "@kubernetescrd",
             key_pos(file, options, "name")});
      }
    }
  }
  return out;
}

// Whether the proxy of the files is a Traefik.
bool traefik_proxy(const Deployment& d) {
  const Val* preset = d.proxy ? d.proxy->keys.get("preset") : nullptr;
  return preset && preset->toml == toml_str("traefik");
}

// The TLSOption resources: `default` is the TLS options of every router that names none
// (doc.traefik.io, Kubernetes CRD TLSOption: "There may exist only one TLSOption with the name
// default (across all namespaces) - otherwise they will be dropped"); Traefik names the others
// NAMESPACE-NAME@kubernetescrd (buildTLSOptions). `file_default` is the file provider's
// tls.options.default: two providers' defaults are both dropped (mergeConfiguration in
// pkg/server/aggregator.go: "Default TLS Options defined in multiple providers"). Returns whether
// the file provider's default stays.
bool tls_option_crds(const TlsOptionCrds& crds, const Entry* file_default, const std::string& file_default_key,
                     std::map<std::string, SourcePos>& defined, Deployment& d, Report& r) {
  const Messages& w = r.w;
  const bool traefik = traefik_proxy(d);
  const auto v2_group = [&](const TlsOptionCrd& o) {
    const YAML::Node api = child(o.doc, "apiVersion");
    if (scalar(api).starts_with("traefik.containo.us/"))
      r.ignored(pos_of(o.file, api), w.format("import.traefik_containous", scalar(api)));
  };
  for (const TlsOptionCrd& o : crds.others) {
    const std::string id = o.ns + "-" + o.name + "@kubernetescrd";
    defined.emplace(id, o.pos);
    v2_group(o);
    r.ignored(o.pos, traefik ? w.format("import.traefik_tlsoption_other", o.ns, o.name, id)
                             : w.format("import.traefik_tlsoption_no_traefik", o.ns, o.name));
  }
  if (crds.defaults.empty()) return true;
  std::string namespaces;
  for (const TlsOptionCrd& o : crds.defaults) namespaces += (namespaces.empty() ? "" : ", ") + o.ns;
  const std::string crd_key = w.format("import.traefik_tlsoption_default_key", crds.defaults.front().ns);
  const std::string two = file_default
                              ? w.format("import.traefik_tls_default_two_providers", crd_key,
                                         where(crds.defaults.front().pos), file_default_key, where(file_default->pos))
                              : "";
  for (const TlsOptionCrd& o : crds.defaults) {
    v2_group(o);
    if (!traefik)
      r.ignored(o.pos, w.format("import.traefik_tlsoption_no_traefik", o.ns, o.name));
    else if (crds.defaults.size() > 1)
      r.ignored(o.pos, w.format("import.traefik_tlsoption_default_twice", o.ns, namespaces));
    else if (file_default)
      r.ignored(o.pos, two);
    else
      tls_default_options(Entry{"default", o.pos, Entry::Kind::map, "", traefik_tree_of(o.file, child(o.doc, "spec"))},
                          crd_key, "spec.", *d.proxy, r);
  }
  if (!traefik || crds.defaults.size() > 1 || !file_default) return true;
  r.ignored(file_default->pos, two);
  return false;
}

// Traefik's name for the options a router names (GetQualifiedName: NAME@provider as written,
// else NAME of the router's own provider), "default" for the default options (only unqualified:
// "default" has no provider).
std::string options_name(const std::string& written, const std::string& provider) {
  if (written == "default" || written.find('@') != std::string::npos) return written;
  return written + "@" + provider;
}

// A router's `tls.options`: the default options are the proxy's; others are for their routers
// only, which the model does not set apart; options no file defines are said so (Traefik closes
// the TLS connections of the router's hosts: "unknown TLS options").
void router_tls_options(const std::string& router, const std::string& key, const std::string& written,
                        const std::string& traefik_name, const SourcePos& pos,
                        const std::map<std::string, SourcePos>& defined, Report& r) {
  if (traefik_name == "default") {
    r.mapped(pos, r.w.format("import.traefik_router_tls_options_default", key));
  } else if (const auto it = defined.find(traefik_name); it != defined.end()) {
    r.ignored(pos, r.w.format("import.traefik_router_tls_options", key, router, traefik_name, where(it->second)));
  } else {
    r.ignored(pos, r.w.format("import.traefik_router_tls_options_missing", key, router, written, traefik_name));
  }
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
  traefik_routes::Reader read(r);
  bool read_ok = false;
  std::vector<std::vector<TraefikEntry>> trees;  // kept: read.tls_default points into one
  if (traefik && !traefik->dynamic_files.empty() && !r.has_error()) {
    bool ok = true;
    trees.reserve(traefik->dynamic_files.size());
    for (const auto& [name, text] : traefik->dynamic_files) {
      auto root = read_traefik_tree(name, text, lowercase(fs::path(name).extension().string()) == ".toml", r);
      ok = ok && root;
      if (root) read.file(trees.emplace_back(std::move(*root)));
    }
    if (ok) traefik_routes::route(read, *traefik, d, r);
    read_ok = ok;
  }
  // Kubernetes TLSOption resources, and the options each router names.
  const traefik_routes::TlsOptionCrds crds =
      r.has_error() ? traefik_routes::TlsOptionCrds{} : traefik_routes::read_tls_option_crds(d, r);
  const TraefikEntry* file_default = read_ok && d.proxy ? read.tls_default : nullptr;
  std::map<std::string, SourcePos> defined = read.options_defined;
  if (traefik_routes::tls_option_crds(crds, file_default, read.tls_default_key, defined, d, r) && file_default)
    traefik_routes::tls_default_options(*file_default, read.tls_default_key, read.tls_default_key + ".", *d.proxy, r);
  if (read_ok)
    for (const auto& dr : read.routers)
      if (!dr.tls_options_key.empty())
        traefik_routes::router_tls_options(dr.name, dr.tls_options_key, dr.tls_options,
                                           traefik_routes::options_name(dr.tls_options, "file"), dr.tls_options_pos,
                                           defined, r);
  for (const auto& ref : crds.refs)
    traefik_routes::router_tls_options(ref.route, "spec.tls.options.name", ref.name, ref.traefik_name, ref.pos, defined,
                                       r);
  // The Docker labels' routers: Traefik qualifies their names with the provider "docker".
  for (const std::shared_ptr<ComposeCtx>& c : d.compose)
    for (const LabelTlsOptions& l : c->label_tls_options)
      traefik_routes::router_tls_options(l.router, l.key, l.written, traefik_routes::options_name(l.written, "docker"),
                                         l.pos, defined, r);
  for (const auto& [key, file] : d.traefik_dynamic_files)
    if (!d.traefik_dynamic_used.count(key)) r.ignored({file.first, 0, 0}, r.w("import.traefik_dynamic_unused"));
}

}  // namespace deploysim::import
