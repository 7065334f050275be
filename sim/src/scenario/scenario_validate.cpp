// Cross-reference checks run after every section was read: names that must exist, names that
// must be unique, and combinations the real tools would refuse. Situations a learner should
// *see* (an A record pointing at the wrong or at no host, NXDOMAIN inside a declared zone, a client
// offering only TLS 1.2 to a 1.3-only proxy) are allowed: they become trace records.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "deploysim/tls_model.hpp"
#include "scenario/scenario_sections.hpp"
#include "lifecycle/versions.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim::detail {

namespace {

// "0.45.0, 0.45.1", or "none" when no release is out by the start.
std::string releases_by_start(const Scenario& sc, const std::string& package) {
  std::string out;
  for (const PackageSpec& p : sc.packages)
    if (p.name == package)
      for (const ReleaseSpec& r : p.releases)
        if (r.published <= Time{}) out += (out.empty() ? "" : ", ") + r.version;
  return out.empty() ? "none" : out;
}

// The presets whose rows say `yes`, listed: "caddy, traefik", or as values a key may take:
// "\"cloud-lb\"" ("\"a\" or \"b\"" for two).
template <class Yes>
std::string presets_that(Yes&& yes, bool as_values = false) {
  std::vector<std::string_view> names;
  for (const ProxyPresetInfo& p : proxy_presets())
    if (yes(p)) names.push_back(p.name);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string_view sep = i == 0 ? "" : i + 1 < names.size() || !as_values ? ", " : " or ";
    out += as_values ? fmt::format(R"({}"{}")", sep, names[i]) : fmt::format("{}{}", sep, names[i]);
  }
  return out;
}

struct Checker {
  const Scenario& sc;
  const LoadContext& ctx;

  SourcePos at(const std::string& path) const {
    SourcePos p = ctx.at(path);
    if (p.line == 0 && path.find('.') != std::string::npos) p = ctx.at(path.substr(0, path.rfind('.')));
    return p;
  }
  [[noreturn]] void fail(const std::string& path, const std::string& message) const { ctx.fail(at(path), message); }

  static std::string display(std::string_view array) {
    if (array.find('[') != std::string_view::npos || array.find("routes") != std::string_view::npos)
      return fmt::format("'{}'", array.substr(array.rfind('.') + 1));
    return fmt::format("[[{}]]", array);
  }

  template <class Vec, class Key>
  void unique(const Vec& items, std::string_view array, std::string_view key, Key&& key_of) const {
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string k = key_of(items[i]);
      const auto [it, fresh] = seen.emplace(k, i);
      if (!fresh) {
        const SourcePos first = at(fmt::format("{}[{}].{}", array, it->second, key));
        fail(fmt::format("{}[{}].{}", array, i, key),
             fmt::format("duplicate {} '{}' in {} (first defined at line {})", key, k, display(array), first.line));
      }
    }
  }

  void names() const {
    unique(sc.hosts, "host", "name", [](const HostSpec& h) { return h.name; });
    unique(sc.hosts, "host", "ip", [](const HostSpec& h) { return h.ip; });
    unique(sc.services, "service", "name", [](const ServiceSpec& s) { return s.name; });
    unique(sc.clients, "client", "name", [](const ClientSpec& c) { return c.name; });
    unique(sc.certificates, "certificate", "domain", [](const CertificateSpec& c) { return c.domain; });
    unique(sc.zones, "dns.zone", "origin", [](const ZoneSpec& z) { return z.origin; });
    unique(sc.packages, "package", "name", [](const PackageSpec& p) { return p.name; });
    unique(sc.variants, "variant", "name", [](const VariantSpec& v) { return v.name; });
    if (sc.proxy) unique(sc.proxy->routes, "proxy.routes", "host", [](const RouteSpec& r) { return r.host; });
    for (size_t i = 0; i < sc.packages.size(); ++i)
      unique(sc.packages[i].releases, fmt::format("package[{}].releases", i), "version",
             [](const ReleaseSpec& r) { return r.version; });

    // Node names share one namespace: links, faults and the trace refer to them by name.
    std::map<std::string, std::string> nodes;
    const auto add = [&](const std::string& name, const std::string& what, const std::string& path) {
      const auto [it, fresh] = nodes.emplace(name, what);
      if (!fresh)
        fail(path, fmt::format("the name '{}' is already used by {}; every node needs its own name", name, it->second));
    };
    add(sc.resolver.name, "the [dns.resolver]", "dns.resolver.name");
    if (sc.proxy) add(sc.proxy->name, "the [proxy]", "proxy.name");
    for (size_t i = 0; i < sc.hosts.size(); ++i) add(sc.hosts[i].name, "a [[host]]", fmt::format("host[{}].name", i));
    for (size_t i = 0; i < sc.services.size(); ++i)
      add(sc.services[i].name, "a [[service]]", fmt::format("service[{}].name", i));
    for (size_t i = 0; i < sc.clients.size(); ++i)
      add(sc.clients[i].name, "a [[client]]", fmt::format("client[{}].name", i));
    for (size_t i = 0; i < sc.network.links.size(); ++i) {
      for (const auto& [end, key] :
           {std::pair{sc.network.links[i].from, "from"}, std::pair{sc.network.links[i].to, "to"}}) {
        if (nodes.count(end)) continue;
        std::vector<std::string> known;
        for (const auto& [n, _] : nodes) known.push_back(n);
        fail(fmt::format("network.links[{}].{}", i, key),
             fmt::format(
                 "the link's '{}' names no node: '{}'{}; expected a client, host, service, the resolver or the proxy",
                 key, end, did_you_mean(end, known)));
      }
    }
  }

  std::vector<std::string> host_names() const {
    std::vector<std::string> out;
    for (const auto& h : sc.hosts) out.push_back(h.name);
    return out;
  }

  void require_host(const std::string& name, const std::string& path, std::string_view who) const {
    for (const auto& h : sc.hosts)
      if (h.name == name) return;
    fail(path, fmt::format("{} runs on host '{}', but no [[host]] has that name{}", who, name,
                           did_you_mean(name, host_names())));
  }

  void dns() const {
    std::multimap<std::string, std::pair<const DnsRecordSpec*, std::string>> by_name;
    for (size_t z = 0; z < sc.zones.size(); ++z)
      for (size_t i = 0; i < sc.zones[z].records.size(); ++i)
        by_name.emplace(sc.zones[z].records[i].name,
                        std::pair{&sc.zones[z].records[i], fmt::format("dns.zone[{}].records[{}]", z, i)});
    for (size_t z = 0; z < sc.zones.size(); ++z) {
      const ZoneSpec& zone = sc.zones[z];
      for (size_t i = 0; i < zone.records.size(); ++i) {
        const DnsRecordSpec& rec = zone.records[i];
        const std::string path = fmt::format("dns.zone[{}].records[{}]", z, i);
        if (!in_zone(rec.name, zone.origin))
          fail(path + ".name", fmt::format("record '{}' is outside its zone '{}'; expected a name ending in '.{}'",
                                           rec.name, zone.origin, zone.origin));
        for (auto [it, end] = by_name.equal_range(rec.name); it != end; ++it) {
          const DnsRecordSpec& other = *it->second.first;
          if (&other == &rec) continue;
          if (rec.type == DnsType::CNAME || other.type == DnsType::CNAME)
            fail(path + ".name",
                 fmt::format(
                     "'{}' has a CNAME and another record (line {}); a CNAME must be the only record of its name",
                     rec.name, other.pos.line));
          if (other.type != rec.type || other.value != rec.value) continue;
          if (other.pos.line < rec.pos.line)
            fail(path, fmt::format("duplicate record '{}' {} (first at line {})", rec.name, rec.value, other.pos.line));
          if (other.pos.line == rec.pos.line && other.pos.column < rec.pos.column)
            fail(path, fmt::format("duplicate record '{}' {} (first at column {} of the same line)", rec.name,
                                   rec.value, other.pos.column));
        }
        if (rec.type == DnsType::CNAME) {
          if (rec.name == zone.origin)
            fail(path + ".type",
                 fmt::format("a CNAME cannot sit at the zone apex '{}' (RFC 1034); use an A record", zone.origin));
          cname_target(rec, path, by_name);
        }
      }
    }
  }

  void cname_target(const DnsRecordSpec& rec, const std::string& path,
                    const std::multimap<std::string, std::pair<const DnsRecordSpec*, std::string>>& by_name) const {
    std::set<std::string> visited{rec.name};
    std::string target = rec.value;
    while (true) {
      const auto it = by_name.find(target);
      if (it == by_name.end())
        fail(path + ".value",
             fmt::format(
                 "CNAME '{}' points to '{}', which has no record in any [[dns.zone]] (a record pointing nowhere)",
                 rec.name, target));
      if (it->second.first->type != DnsType::CNAME) return;
      if (!visited.insert(target).second)
        fail(path + ".value", fmt::format("CNAME '{}' leads into a loop through '{}'", rec.name, target));
      target = it->second.first->value;
    }
  }

  bool has_service(const std::string& name) const {
    return std::any_of(sc.services.begin(), sc.services.end(), [&](const ServiceSpec& s) { return s.name == name; });
  }
  std::vector<std::string> service_names() const {
    std::vector<std::string> out;
    for (const auto& s : sc.services) out.push_back(s.name);
    return out;
  }

  void proxy_and_certificates() const {
    if (!sc.proxy) {
      if (!sc.certificates.empty())
        fail("certificate[0]",
             "a [[certificate]] needs a [proxy] to serve it (the TLS termination proxy holds the certificates)");
      return;
    }
    const ProxySpec& p = *sc.proxy;
    require_host(p.host, "proxy.host", "the [proxy]");
    for (size_t i = 0; i < p.routes.size(); ++i)
      if (!has_service(p.routes[i].pool))
        fail(fmt::format("proxy.routes[{}].pool", i),
             fmt::format("route '{}' goes to pool '{}', but no [[service]] has that name{}", p.routes[i].host,
                         p.routes[i].pool, did_you_mean(p.routes[i].pool, service_names())));
    for (size_t i = 0; i < p.routes.size(); ++i) {
      if (!p.routes[i].upstream_h2c) continue;
      const auto svc = std::find_if(sc.services.begin(), sc.services.end(),
                                    [&](const ServiceSpec& s) { return s.name == p.routes[i].pool; });
      if (!server_speaks_h2c(svc->server))
        fail(fmt::format("proxy.routes[{}].upstream_h2c", i),
             fmt::format("upstream_h2c needs an app server that speaks HTTP/2 in clear text (server = \"hypercorn\"); "
                         "pool '{}' runs {}, which speaks HTTP/1.1 to the proxy",
                         svc->name, server_preset_name(svc->server)));
    }
    if (!p.default_certificate.empty() &&
        std::none_of(sc.certificates.begin(), sc.certificates.end(),
                     [&](const CertificateSpec& c) { return c.domain == p.default_certificate; }))
      fail("proxy.default_certificate", fmt::format("default_certificate '{}' names no [[certificate]] domain; add "
                                                    "[[certificate]] domain = \"{}\" or pick one of the certificates",
                                                    p.default_certificate, p.default_certificate));
    // The client-facing server completes a handshake for the public name whenever it cannot or
    // will not decrypt the inner ClientHello (RFC 9849 section 6.1.6), so it needs its certificate.
    if (!p.ech_public_name.empty() &&
        std::none_of(sc.certificates.begin(), sc.certificates.end(), [&](const CertificateSpec& c) {
          return certificate_covers(c.domain, c.alt_names, p.ech_public_name);
        }))
      fail("proxy.ech_public_name",
           fmt::format("ech_public_name '{}' is on no [[certificate]] of the proxy; the client-facing server must "
                       "complete a handshake for the public name: add [[certificate]] domain = \"{}\" (with a "
                       "route for it) or pick a name a certificate already holds",
                       p.ech_public_name, p.ech_public_name));
    const ProxyPresetInfo& preset = proxy_preset(p.preset);
    const bool cloud = preset.provider_certificates;
    const std::string cloud_presets =
        presets_that([](const ProxyPresetInfo& i) { return i.provider_certificates; }, true);
    for (size_t i = 0; i < sc.certificates.size(); ++i) {
      const CertificateSpec& c = sc.certificates[i];
      const std::string path = fmt::format("certificate[{}]", i);
      const auto routed = [&](const std::string& name) {
        return std::any_of(p.routes.begin(), p.routes.end(), [&](const RouteSpec& r) {
          return domain_matches(name, r.host) || domain_matches(r.host, name);
        });
      };
      if (!routed(c.domain))
        fail(path + ".domain", fmt::format("certificate for '{}' but no route of [proxy] serves that domain; add "
                                           "{{ host = \"{}\", pool = \"...\" }} to routes",
                                           c.domain, c.domain));
      for (const std::string& name : c.alt_names) {
        if (name == c.domain)
          fail(path + ".alt_names",
               fmt::format("alt_names repeats the certificate's domain '{}'; list the other names only", name));
        if (!routed(name))
          fail(path + ".alt_names", fmt::format("alt_names has '{}' but no route of [proxy] serves that domain; add "
                                                "{{ host = \"{}\", pool = \"...\" }} to routes",
                                                name, name));
      }
      if (c.renewal == Renewal::proxy && preset.acme == ProxyAcme::none)
        fail(path + ".renewal",
             fmt::format("{} does not renew certificates by itself (the presets that do: {}). Use {}", preset.name,
                         presets_that([](const ProxyPresetInfo& i) { return i.acme != ProxyAcme::none; }),
                         preset.renewal_hint));
      if (c.renewal == Renewal::proxy && preset.acme_one_name && !c.alt_names.empty())
        fail(path + ".alt_names",
             fmt::format("{} obtains one certificate per name (its ACME client does not issue certificates with "
                         "several names); give each name its own [[certificate]], or renew with {}, certbot or "
                         "cert-manager",
                         preset.tool, presets_that([](const ProxyPresetInfo& i) {
                           return i.acme != ProxyAcme::none && !i.acme_one_name;
                         })));
      if (c.renewal == Renewal::provider && !cloud)
        fail(path + ".renewal", fmt::format("renewal = \"provider\" is the cloud provider's managed renewal: it needs "
                                            "[proxy] preset = {}",
                                            cloud_presets));
      if (cloud && c.renewal != Renewal::provider && c.renewal != Renewal::none)
        fail(path + ".renewal",
             "a cloud load balancer's certificate is renewed by the provider (renewal = \"provider\"), "
             "or by nobody when it was imported (renewal = \"none\")");
      if (c.issuer == Issuer::provider && !cloud)
        fail(path + ".issuer", fmt::format("issuer = \"provider\" is a cloud provider's own CA: it needs [proxy] "
                                           "preset = {}",
                                           cloud_presets));
      // ACM renews only certificates it issued ("NOT ELIGIBLE if imported"), validated by DNS.
      if (c.renewal == Renewal::provider && c.issuer != Issuer::provider)
        fail(path + ".issuer",
             "the provider renews only certificates it issued (an imported certificate is not renewed): "
             "use issuer = \"provider\", or renewal = \"none\"");
      if (c.renewal == Renewal::provider && c.challenge != Challenge::dns01)
        fail(path + ".challenge",
             "the provider renews automatically only DNS-validated certificates (its validation "
             "CNAME records): use challenge = \"dns-01\"");
    }
    if (cloud && p.strict_sni)
      fail("proxy.strict_sni",
           "a cloud load balancer has no strict SNI: it serves its default certificate to a "
           "ClientHello whose name matches none");
    // The model knows how nginx, HAProxy, Caddy and Traefik treat client certificates, not how a
    // cloud load balancer's mutual TLS (e.g. AWS ALB "verify" mode) answers a failed one.
    if (cloud && p.verify_clients != VerifyClients::off)
      fail("proxy.verify_clients",
           "the model does not cover a cloud load balancer's mutual TLS: use verify_clients = \"off\", or a "
           "preset such as \"haproxy\" or \"nginx\"");
  }

  void services() const {
    std::map<std::pair<std::string, int>, std::string> ports;
    const auto bind = [&](const std::string& host, int port, const std::string& who, const std::string& path) {
      const auto [it, fresh] = ports.emplace(std::pair{host, port}, who);
      if (!fresh)
        fail(path, fmt::format("port {} on host '{}' is already held by {}; only one process can listen on a port",
                               port, host, it->second));
    };
    if (sc.proxy) bind(sc.proxy->host, sc.proxy->listen, "the [proxy]", "proxy.listen");
    for (size_t i = 0; i < sc.services.size(); ++i) {
      const ServiceSpec& s = sc.services[i];
      const std::string path = fmt::format("service[{}]", i);
      if (s.hosts.empty()) {
        require_host(s.host, path + ".host", fmt::format("service '{}'", s.name));
        bind(s.host, s.port, fmt::format("service '{}'", s.name), path + ".port");
      }
      std::set<std::string> replica_hosts;
      for (const auto& h : s.hosts) {
        require_host(h, path + ".hosts", fmt::format("a replica of service '{}'", s.name));
        if (!replica_hosts.insert(h).second)
          fail(path + ".hosts", fmt::format("host '{}' appears twice in 'hosts'; one replica per host", h));
        bind(h, s.port, fmt::format("service '{}'", s.name), path + ".port");
      }
      for (size_t d = 0; d < s.dependencies.size(); ++d) {
        const auto& dep = s.dependencies[d];
        if (std::none_of(sc.packages.begin(), sc.packages.end(),
                         [&](const PackageSpec& p) { return p.name == dep.package; }))
          fail(
              fmt::format("{}.dependencies[{}].package", path, d),
              fmt::format("dependency on '{}' but no [[package]] has that name; add [[package]] name = \"{}\" with its "
                          "releases (the catalogue a redeploy resolves against)",
                          dep.package, dep.package));
        else if (!resolve(dep, sc.packages, Time{}).found)
          fail(fmt::format("{}.dependencies[{}].constraint", path, d),
               fmt::format("no release of '{}' published by the start satisfies \"{}\" (releases by then: {}): pip "
                           "install would fail with \"No matching distribution found\", so the app could never "
                           "have been installed",
                           dep.package, dep.constraint, releases_by_start(sc, dep.package)));
      }
    }
  }

  void clients() const {
    for (size_t i = 0; i < sc.clients.size(); ++i) {
      const ClientSpec& c = sc.clients[i];
      const std::string path = fmt::format("client[{}]", i);
      if (!c.resolver.empty() && c.resolver != sc.resolver.name)
        fail(path + ".resolver", fmt::format("client '{}' uses resolver '{}', but the [dns.resolver] is named '{}'",
                                             c.name, c.resolver, sc.resolver.name));
      if (is_ipv4(c.url_host)) continue;
      // A name missing inside a declared zone is an NXDOMAIN lesson; a name outside every zone
      // is more likely a typo in the file.
      if (std::none_of(sc.zones.begin(), sc.zones.end(),
                       [&](const ZoneSpec& z) { return in_zone(c.url_host, z.origin); }))
        fail(path + ".url", fmt::format("the URL's host '{}' is in no [[dns.zone]]; declare the zone (a missing record "
                                        "inside a declared zone is allowed and answers NXDOMAIN)",
                                        c.url_host));
    }
  }

  // Fault targets by name: replicas are named as the lifecycle model names them ("api" for the
  // first, "api-2", "api-3" ... for the others on `hosts`), workers "api/worker-1" or "api-2/worker-1".
  std::map<std::string, std::string> fault_targets() const {
    std::map<std::string, std::string> targets{{sc.resolver.name, "resolver"}};
    if (sc.proxy) targets[sc.proxy->name] = "proxy";
    for (const auto& h : sc.hosts) targets[h.name] = "host";
    for (const auto& s : sc.services) {
      const size_t replicas = std::max<size_t>(1, s.hosts.size());
      for (size_t r = 0; r < replicas; ++r) {
        const std::string unit = r == 0 ? s.name : fmt::format("{}-{}", s.name, r + 1);
        targets.emplace(unit, "service");
        for (int w = 1; w <= s.workers; ++w) targets.emplace(fmt::format("{}/worker-{}", unit, w), "worker");
      }
    }
    return targets;
  }

  // A variant or what-if change may lower `workers` below a fault's worker number; the fault then
  // stays in the scenario and the lifecycle model reports that its target is gone.
  bool overridden_worker(const std::string& target, const std::map<std::string, std::string>& targets) const {
    if (ctx.overrides.empty()) return false;
    const size_t slash = target.find("/worker-");
    if (slash == std::string::npos) return false;
    const auto unit = targets.find(target.substr(0, slash));
    if (unit == targets.end() || unit->second != "service") return false;
    const std::string n = target.substr(slash + 8);
    return !n.empty() && n.size() < 5 && n.front() != '0' &&
           std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  void faults() const {
    const auto targets = fault_targets();
    for (size_t i = 0; i < sc.faults.size(); ++i) {
      const FaultSpec& f = sc.faults[i];
      const std::string path = fmt::format("fault[{}].target", i);
      std::string what;
      if (const auto it = targets.find(f.target); it != targets.end())
        what = it->second;
      else if (overridden_worker(f.target, targets))
        what = "worker";
      if (what.empty()) {
        std::vector<std::string> names;
        for (const auto& [name, _] : targets) names.push_back(name);
        fail(path, fmt::format("fault target '{}' names nothing{}; expected a service, \"service/worker-N\", a host, "
                               "the resolver or the proxy",
                               f.target, did_you_mean(f.target, names)));
      }
      const auto allowed = [&]() -> std::vector<std::string> {
        switch (f.kind) {
          case FaultKind::crash:
          case FaultKind::hang:
            return {"service", "worker", "proxy"};
          case FaultKind::oom:
            return {"service", "worker"};
          case FaultKind::crash_on_start:
            return {"service"};
          case FaultKind::redeploy:
            return {"service", "proxy"};
          case FaultKind::reboot:
          case FaultKind::clock_skew:
            return {"host"};
          case FaultKind::dns_outage:
            return {"resolver"};
          case FaultKind::block_port_80:
            return {"host", "proxy"};
        }
        return {};
      }();
      if (std::find(allowed.begin(), allowed.end(), what) == allowed.end()) {
        std::string list;
        for (size_t k = 0; k < allowed.size(); ++k)
          list += (k ? (k + 1 == allowed.size() ? " or " : ", ") : "") + allowed[k];
        fail(path, fmt::format("this kind of fault needs a {} as target, but '{}' is a {}", list, f.target, what));
      }
    }
  }
};

}  // namespace

void validate_scenario(const Scenario& sc, const LoadContext& ctx) {
  Checker c{sc, ctx};
  if (sc.clients.empty() && sc.services.empty() && sc.certificates.empty())
    ctx.fail(SourcePos{1, 1},
             "the scenario describes nothing to simulate; expected at least a [[client]], a [[service]] "
             "or a [[certificate]] (see docs/scenario-format.md)");
  c.names();
  c.dns();
  c.proxy_and_certificates();
  c.services();
  c.clients();
  c.faults();
}

}  // namespace deploysim::detail
