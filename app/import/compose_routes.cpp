// Traefik's routers of a Compose deployment turned into routes to its apps, with their
// certificates and whether the ACME state they need lies on a volume (the labels and flags are
// read in compose_proxy.cpp).
#include <algorithm>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "import/compose_internal.hpp"

namespace deploysim::import {

void finish_compose(Deployment& d) {
  // The Traefik container's flags and volumes, where its file has them, serve every file's labels.
  const auto proxy = std::find_if(d.compose.begin(), d.compose.end(),
                                  [](const std::shared_ptr<ComposeCtx>& c) { return !c->proxy_service.empty(); });
  for (const std::shared_ptr<ComposeCtx>& c : d.compose) {
    if (proxy != d.compose.end() && c->proxy_service.empty()) {
      const ComposeCtx& p = **proxy;
      c->proxy_service = p.proxy_service;
      c->resolvers = p.resolvers;
      c->default_resolver = p.default_resolver;
      c->default_resolver_pos = p.default_resolver_pos;
      c->tls_entrypoint = p.tls_entrypoint;
      c->tls_entrypoint_pos = p.tls_entrypoint_pos;
      c->proxy_volumes = p.proxy_volumes;
      c->static_config = p.static_config;
      c->static_config_pos = p.static_config_pos;
      c->static_file = p.static_file;
      c->exposed_by_default = p.exposed_by_default;
      c->exposed_by_default_pos = p.exposed_by_default_pos;
      c->docker = p.docker;
      c->traefik_config_known = p.traefik_config_known;
      c->proxy_pos = p.proxy_pos;
    }
    c->add_routes(d);
  }
}

void ComposeCtx::add_routes(Deployment& d) {
  const bool traefik = d.proxy && d.proxy->keys.get("preset") && d.proxy->keys.get("preset")->toml == "\"traefik\"";
  const std::string config = static_file.empty() ? where(proxy_pos) : static_file;
  for (const auto& [owner, value] : traefik_enable_text) {
    const SourcePos& p = traefik_enable.at(owner).second;
    if (traefik && !docker_provider_on())
      r.ignored(p, r.w.format("import.traefik_enable_no_provider", value, config));
    else
      r.mapped(p, r.w.format(traefik_enable.at(owner).first ? "import.traefik_enable" : "import.traefik_enable_false",
                             value));
  }
  if (traefik) add_default_routers(d);
  for (const auto& [name, router] : routers) {
    const size_t resolved = label_tls_options.size();
    add_route(d, name, router);
    // A router not routed (no Traefik, its container left out, a rule without a host): its
    // tls.options label is not modelled, as any other label.
    if (!router.tls_options_key.empty() && label_tls_options.size() == resolved)
      r.ignored(router.tls_options_pos,
                r.w.format("import.ignored_key", router.tls_options_key, r.w("import.why_not_modelled")));
  }
}

void ComposeCtx::add_route(Deployment& d, const std::string& name, const TraefikRouter& router) {
  const bool traefik = d.proxy && d.proxy->keys.get("preset") && d.proxy->keys.get("preset")->toml == "\"traefik\"";
  bool& persisted_known = d.traefik_storage_said;
  if (router.owner == proxy_service) {  // the dashboard's router (api@internal)
    r.ignored(router.rule_pos, r.w.format("import.traefik_own_router", name));
    return;
  }
  if (!traefik || !find_service(d, node_name(router.owner))) {
    r.ignored(router.rule_pos, r.w.format("import.traefik_no_proxy", name));
    return;
  }
  const bool label = router.key_prefix == "traefik.http.routers.";
  // Without a Docker provider in the static configuration Traefik reads no label.
  if (label && !docker_provider_on()) {
    r.ignored(router.rule_pos, r.w.format("import.traefik_router_no_provider", name,
                                          static_file.empty() ? where(proxy_pos) : static_file));
    return;
  }
  // Traefik's Docker provider leaves out a container that traefik.enable=false labels, or that no
  // traefik.enable=true labels when exposedByDefault is false (doc.traefik.io, Docker provider).
  if (label && !exposed(router.owner)) {
    const auto label = traefik_enable.find(router.owner);
    if (label != traefik_enable.end())
      r.ignored(router.rule_pos, r.w.format("import.traefik_router_disabled", name, where(label->second.second)));
    else
      r.ignored(router.rule_pos, r.w.format("import.traefik_router_not_exposed", name, where(exposed_by_default_pos)));
    return;
  }
  // Nor one its constraints leave out (keepContainer: "Container pruned by constraint expression").
  if (const auto keep = label ? constraints_keep(router.owner) : std::optional<bool>(true); !keep) {
    r.ignored(router.rule_pos, r.w.format("import.traefik_constraints_unknown", name, docker.constraints));
  } else if (!*keep) {
    r.ignored(router.rule_pos,
              r.w.format("import.traefik_router_constraints", name, docker.constraints, where(docker.constraints_pos)));
    return;
  }
  if (router.hosts.empty()) {
    r.ignored(router.rule_pos, r.w.format("import.traefik_no_host", name));
    return;
  }
  if (label && !router.tls_options_key.empty())
    label_tls_options.push_back({name, router.tls_options_key, router.tls_options, router.tls_options_pos});
  // Routers without an entrypoints label are on every entry point, the TLS one too.
  const bool on_tls_entrypoint =
      !tls_entrypoint.empty() &&
      (router.entrypoints.empty() ||
       std::find(router.entrypoints.begin(), router.entrypoints.end(), tls_entrypoint) != router.entrypoints.end());
  const bool tls = router.tls || on_tls_entrypoint;
  if (!router.tls && on_tls_entrypoint)
    r.mapped(tls_entrypoint_pos, r.w.format("import.traefik_router_on_tls_entrypoint", name, tls_entrypoint));
  for (const std::string& host : router.hosts) {
    RouteModel route{host, node_name(router.owner), router.rule_pos, tls};
    r.mapped(router.rule_pos, r.w.format("import.mapped", router.key_prefix + name + ".rule", "proxy.routes",
                                         host + " -> " + route.pool));
    d.proxy->routes.push_back(route);
  }
  // A router's own tls section replaces its entry point's TLS, certificate resolver included
  // (applyModel copies the entry point's TLS only into a router whose TLS is nil).
  const bool own_tls = router.tls_section && router.certresolver.empty();
  if (own_tls && on_tls_entrypoint && !default_resolver.empty())
    r.ignored(router.rule_pos, r.w.format("import.traefik_router_tls_own", name, tls_entrypoint, default_resolver));
  const std::string resolver = !router.certresolver.empty() ? router.certresolver
                               : tls && !own_tls            ? default_resolver
                                                            : "";
  const SourcePos rpos = !router.certresolver.empty() ? router.resolver_pos : default_resolver_pos;
  const std::string resolver_key = router.tls_section ? "tls.certResolver" : "tls.certresolver";
  if (resolver.empty()) {
    if (tls)
      r.assumed(router.rule_pos, r.w.format("import.traefik_tls_no_resolver", name));
    else
      r.ignored(router.rule_pos, r.w.format("import.traefik_no_tls", name));
    return;
  }
  auto res = resolvers.find(resolver);
  if (res == resolvers.end() && !static_file.empty()) {
    r.error(rpos, r.w.format("import.traefik_unknown_resolver_file", resolver, static_file));
    return;
  }
  if (res == resolvers.end() && !static_config.empty()) {
    // Defined in the static configuration file, which is not read: the resolver is assumed.
    r.ignored(static_config_pos, r.w.format("import.traefik_static_not_read", static_config, resolver));
    TraefikResolver assumed;
    assumed.from_file = true;
    assumed.pos = rpos;
    res = resolvers.emplace(resolver, assumed).first;
  }
  if (res == resolvers.end()) {
    r.error(rpos, r.w.format("import.traefik_unknown_resolver", resolver));
    return;
  }
  CertModel cert;
  cert.domain = router.hosts.front();
  cert.alt_names.assign(router.hosts.begin() + 1, router.hosts.end());
  cert.pos = rpos;
  // A resolver whose flags name no challenge orders nothing: Traefik logs "ACME challenge not
  // specified, please select TLS or HTTP or DNS Challenge" and serves its self-signed TRAEFIK
  // DEFAULT CERT, which nobody renews.
  if (!res->second.from_file && res->second.challenge.empty()) {
    const bool in_file = res->second.in_static_file;
    r.mapped(res->second.pos, in_file ? r.w.format("import.traefik_no_challenge_file", resolver, static_file)
                                      : r.w.format("import.traefik_no_challenge", resolver));
    const std::string key = (in_file ? "certificatesResolvers." : "certificatesresolvers.") + resolver;
    cert.keys.set("issuer", r.from(res->second.pos, key, "certificate.issuer", toml_str("self-signed")));
    cert.keys.set("renewal", r.from(res->second.pos, key, "certificate.renewal", toml_str("none")));
    issued_at(cert, rpos);
    d.certs.push_back(std::move(cert));
    return;
  }
  if (res->second.from_file)
    cert.keys.set("issuer", r.assume(rpos, "certificate.issuer", toml_str("letsencrypt"),
                                     r.w.format("import.why_traefik_file", static_config)));
  else if (res->second.in_static_file)  // caServer, else acme: (Let's Encrypt's production CA, Traefik's default)
    cert.keys.set("issuer", r.from(res->second.issuer_pos, res->second.issuer_key, "certificate.issuer",
                                   toml_str(res->second.staging ? "untrusted" : "letsencrypt")));
  else
    cert.keys.set("issuer", r.from(rpos, resolver_key, "certificate.issuer",
                                   toml_str(res->second.staging ? "untrusted" : "letsencrypt")));
  cert.keys.set("renewal", r.from(rpos, resolver_key, "certificate.renewal", toml_str("proxy")));
  if (!res->second.challenge.empty())
    cert.keys.set("challenge", r.from(res->second.challenge_pos,
                                      res->second.challenge_key.empty() ? "acme." + res->second.challenge
                                                                        : res->second.challenge_key,
                                      "certificate.challenge", toml_str(res->second.challenge)));
  else  // from the static configuration file, which is not read
    cert.keys.set("challenge", r.assume(res->second.pos, "certificate.challenge", toml_str("http-01"),
                                        r.w.format("import.why_traefik_file", static_config)));
  issued_at(cert, rpos);
  d.certs.push_back(std::move(cert));

  // Where Traefik keeps what it ordered (acme.json), and whether a volume holds it.
  if (!persisted_known && on_host) {  // Traefik as a program of the machine: acme.json on its disk
    persisted_known = true;
    d.proxy->keys.set("persisted_storage",
                      r.assume(res->second.storage_pos.line ? res->second.storage_pos : rpos, "proxy.persisted_storage",
                               "true", r.w("import.why_traefik_host_disk")));
  }
  if (!persisted_known) {
    persisted_known = true;
    SourcePos vpos;
    const bool kept = on_volume(res->second.storage, proxy_volumes, &vpos);
    const SourcePos spos = res->second.storage_pos.line ? res->second.storage_pos : res->second.pos;
    // Traefik's acme.storage defaults to "acme.json" (doc.traefik.io, ACME "storage"), in its
    // working directory, / in the official image.
    const bool storage_written = res->second.storage_pos.line != 0;
    if (!storage_written)
      r.assumed(spos, r.w.format("import.assumed", "acme.storage", toml_str(res->second.storage),
                                 r.w("import.why_traefik_storage")));
    if (kept) {
      d.proxy->keys.set("persisted_storage", r.from(vpos, "volumes", "proxy.persisted_storage", "true"));
      if (storage_written) r.mapped(spos, r.w.format("import.acme_on_volume", res->second.storage, where(vpos)));
    } else if (!storage_written) {
      d.proxy->keys.set("persisted_storage",
                        r.assume(spos, "proxy.persisted_storage", "false", r.w("import.why_traefik_storage")));
      r.mapped(spos, r.w.format("import.acme_not_persisted", res->second.storage));
    } else {
      d.proxy->keys.set("persisted_storage", r.from(spos, "acme.storage", "proxy.persisted_storage", "false"));
      r.mapped(spos, r.w.format("import.acme_not_persisted", res->second.storage));
    }
    d.proxy_recreate_variant = true;
  }
}

}  // namespace deploysim::import
