// The scenario file of an imported deployment: every value with a comment saying where it came
// from, or that it was assumed (and the report says so too). Hosts, DNS and clients are not in
// deployment files; they are assumed here so that the scenario runs.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "import/compose_internal.hpp"
#include "import/import_model.hpp"

namespace deploysim::import {

namespace {

// The public address of the proxy's machine (RFC 5737 documentation range) and the private
// addresses of the app's machines.
constexpr const char* kPublicIp = "203.0.113.10";

void line(std::string& out, const std::string& key, const Val& v) {
  out += fmt::format("{} = {}", key, v.toml);
  if (!v.comment.empty()) out += "  # " + printable_text(v.comment, " ");
  out += "\n";
}

void table(std::string& out, const Table& t) {
  for (const auto& [k, v] : t.keys) line(out, k, v);
}

bool route_matches(const std::string& name, const std::string& route) {
  if (name == route) return true;
  // A wildcard certificate covers one label.
  if (name.starts_with("*.")) {
    const size_t dot = route.find('.');
    return dot != std::string::npos && route.substr(dot) == name.substr(1);
  }
  return false;
}

}  // namespace

// Whether nginx serves a certificate certbot renews once it is renewed (reload_after_renewal):
// certbot rewrites the file, and nginx keeps the old certificate in memory until it reloads.
// certbot's "Renewing certificates": a --deploy-hook runs after each renewal (--post-hook after
// each attempt); only its nginx installer (certbot --nginx) reloads nginx itself
// (certbot/_internal/renewal.py, "Reloading nginx server after certificate renewal").
void certbot_reload(CertModel& cert, const Deployment& d, Report& r) {
  const Messages& w = r.w;
  const Val* renewal = cert.keys.get("renewal");
  if (!renewal || renewal->toml != "\"certbot\"" || cert.keys.get("reload_after_renewal")) return;
  const auto container =
      std::find_if(d.compose.begin(), d.compose.end(), [](const auto& c) { return !c->certbot_service.empty(); });
  const auto reload_loop =
      std::find_if(d.compose.begin(), d.compose.end(), [](const auto& c) { return c->nginx_reload_pos.line > 0; });
  if (container != d.compose.end()) {
    // The files show who renews: the assumed timer gives way to the container.
    const ComposeCtx& c = **container;
    const std::string why = w("import.why_certbot");
    std::erase_if(r.entries, [&](const ReportEntry& e) {
      return e.kind == EntryKind::assumed && e.pos == cert.pos && e.message.ends_with(why);
    });
    cert.keys.set("renewal",
                  r.from(c.certbot_pos, "service " + c.certbot_service, "certificate.renewal", toml_str("certbot")));
  }
  if (container != d.compose.end() && !(*container)->certbot_hook.empty() && (*container)->certbot_hook_reaches) {
    const ComposeCtx& c = **container;
    cert.keys.set("reload_after_renewal",
                  r.from(c.certbot_hook_pos, c.certbot_hook, "certificate.reload_after_renewal", "true"));
  } else if (container != d.compose.end() && !(*container)->certbot_hook.empty() && reload_loop == d.compose.end()) {
    const ComposeCtx& c = **container;
    cert.keys.set("reload_after_renewal",
                  r.assume(c.certbot_hook_pos, "certificate.reload_after_renewal", "false",
                           w.format("import.why_hook_in_container", c.certbot_hook, c.certbot_service)));
  } else if (reload_loop != d.compose.end()) {
    cert.keys.set("reload_after_renewal", r.from((*reload_loop)->nginx_reload_pos, "nginx -s reload",
                                                 "certificate.reload_after_renewal", "true"));
  } else if (container != d.compose.end()) {
    const ComposeCtx& c = **container;
    cert.keys.set("reload_after_renewal",
                  r.assume(cert.pos, "certificate.reload_after_renewal", "false",
                           w.format("import.why_no_reload_container", c.certbot_service, where(c.certbot_pos))));
  } else if (std::any_of(d.inputs.begin(), d.inputs.end(), [](const auto& in) {
               return in.second.second.find("# managed by Certbot") != std::string::npos;
             })) {
    cert.keys.set("reload_after_renewal",
                  r.assume(cert.pos, "certificate.reload_after_renewal", "true", w("import.why_reload_certbot_nginx")));
  } else {
    cert.keys.set("reload_after_renewal",
                  r.assume(cert.pos, "certificate.reload_after_renewal", "false", w("import.why_no_reload_host")));
  }
}

std::string write_scenario(Deployment& d, Report& r) {
  const Messages& w = r.w;
  const SourcePos nowhere{d.sources.empty() ? std::string() : d.sources.front(), 0, 0};
  std::string out;
  out += "# " + w("import.header_title") + "\n";
  for (const std::string& f : d.sources) out += "#   " + printable_text(f, " ") + "\n";
  out += "# " + w("import.header_note") + "\n\n";

  out += "[scenario]\n";
  // The name and description in English, then name_LANG and description_LANG in every other
  // language with a catalogue, whichever language the import runs in: the scenario reads in each.
  std::string files;
  for (const std::string& f : d.sources) files += (files.empty() ? "" : ", ") + f;
  std::string err;
  const std::optional<Messages> en = Messages::load("en", &err);
  const Messages& base = en ? *en : w;
  line(out, "name", {toml_str(base("import.scenario_name")), ""});
  line(out, "description", {toml_str(base.format("import.scenario_description", files)), ""});
  line(out, "duration", r.assume(nowhere, "scenario.duration", "\"2m\"", w("import.why_duration")));
  for (const std::string& lang : Messages::languages()) {
    if (lang == "en" || !en) continue;
    const std::optional<Messages> tr = Messages::load(lang, &err);
    if (!tr || (*tr)("import.scenario_name") == base("import.scenario_name")) continue;
    line(out, "name_" + lang, {toml_str((*tr)("import.scenario_name")), ""});
    line(out, "description_" + lang, {toml_str(tr->format("import.scenario_description", files)), ""});
  }
  out += "\n";

  // Routes whose names the scenario cannot take (a regexp, an IP) are left out, said so.
  std::vector<RouteModel> routes;
  std::map<std::string, size_t> seen;  // host -> its route in `routes`
  if (d.proxy) {
    for (const RouteModel& route : d.proxy->routes) {
      std::string host = route.host;
      for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!valid_domain(host)) {
        r.ignored(route.pos, w.format("import.route_bad_host", route.host));
      } else if (!find_service(d, route.pool)) {
        r.ignored(route.pos, w.format("import.route_no_service", route.host, route.pool));
      } else if (const auto it = seen.find(host); it != seen.end()) {
        // A name on a plain-HTTP router and an HTTPS one (port 80 and 443): the scenario's
        // browsers ask https://, so the HTTPS route is the one they take.
        RouteModel& kept = routes[it->second];
        if (route.tls && !kept.tls) {
          r.ignored(kept.pos, w.format("import.route_duplicate_http", route.host));
          kept = route;
          kept.host = host;
        } else {
          r.ignored(route.pos, w.format("import.route_duplicate", route.host));
        }
      } else {
        seen.emplace(host, routes.size());
        RouteModel copy = route;
        copy.host = host;
        routes.push_back(copy);
      }
    }
  }

  // DNS: the files never say; every routed name points at the proxy's machine.
  const std::string proxy_host = d.proxy && !d.proxy->host_name.empty() ? d.proxy->host_name : "edge";
  std::map<std::string, std::vector<std::string>> zones;
  for (const RouteModel& route : routes) zones[registered_domain(route.host)].push_back(route.host);
  if (!zones.empty()) {
    out += "[dns.resolver]\nname = \"resolver\"\n\n";
    for (const auto& [origin, names] : zones) {
      out += "[[dns.zone]]\n";
      line(out, "origin", r.assume(nowhere, "dns.zone.origin", toml_str(origin), w("import.why_zone")));
      out += "records = [\n";
      for (const std::string& n : names)
        if (!n.starts_with("*."))
          out += fmt::format("  {{ name = {}, type = \"A\", value = \"{}\" }},\n", toml_str(n), kPublicIp);
      out += "]\n\n";
    }
  }

  // Machines: the proxy's (public), a named machine services share (systemd units), then each
  // replica's own.
  std::set<std::string> machines;
  const auto machine = [&](const std::string& name, const char* ip) {
    if (!machines.insert(name).second) return;
    out += "[[host]]\n";
    line(out, "name", {toml_str(name), ""});
    line(out, "ip", r.assume(nowhere, "host.ip", toml_str(ip), w("import.why_public_ip")));
    line(out, "memory", r.assume(nowhere, "host.memory", "\"4GiB\"", w("import.why_host_memory")));
    out += "\n";
  };
  if (d.proxy) machine(proxy_host, kPublicIp);
  std::map<std::string, std::vector<std::string>> service_hosts;
  int index = 0;
  for (ServiceModel& s : d.services) {
    ++index;
    if (!s.host_name.empty()) {
      machine(s.host_name, machines.empty() ? kPublicIp : "203.0.113.11");
      service_hosts[s.name] = {s.host_name};
      continue;
    }
    for (int i = 1; i <= s.replica_count; ++i) {
      const std::string name = fmt::format("{}-{}-{}", s.name, s.host_stem, i);
      service_hosts[s.name].push_back(name);
      out += "[[host]]\n";
      // A Kubernetes pod gets a node of its own, which a new pod shares during a rollout.
      const bool node = s.host_stem == "node";
      line(out, "name",
           {toml_str(name), i != 1 ? ""
                            : node ? w("import.comment_replica_node")
                                   : w.format("import.comment_replica_host", s.host_stem)});
      line(out, "ip", {fmt::format("\"10.0.{}.{}\"", index, 10 + i), i == 1 ? w("import.comment_private_ip") : ""});
      out += "\n";
    }
    r.assumed(s.pos, w.format(s.host_stem == "node" ? "import.assumed_nodes" : "import.assumed_hosts", s.name,
                              s.replica_count));
  }

  if (d.proxy) {
    out += "[proxy]\n";
    line(out, "name", {"\"proxy\"", ""});
    line(out, "host", {toml_str(proxy_host), ""});
    // The default certificate must be one of the certificates written below: a name a route
    // serves and the scenario takes (an nginx server_name may be any text).
    Table keys = d.proxy->keys;
    if (!d.proxy->default_certificate.empty()) {
      const std::string& name = d.proxy->default_certificate;
      std::string lower = name;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool routed = false;
      for (const RouteModel& route : routes) routed = routed || route_matches(lower, route.host);
      if (routed && valid_domain(lower))
        keys.set("default_certificate", r.from(d.proxy->default_certificate_pos, "listen ... default_server",
                                               "proxy.default_certificate", toml_str(name)));
      else
        r.ignored(d.proxy->default_certificate_pos, w.format("import.default_cert_left_out", name));
    }
    table(out, keys);
    out += "routes = [\n";
    for (const RouteModel& route : routes)
      out += fmt::format("  {{ host = {}, pool = {} }},  # {}\n", toml_str(route.host), toml_str(route.pool),
                         w.format("import.comment_from", where(route.pos)));
    out += "]\n\n";
  }

  // Certificates: each name must be a route's host (the loader's rule); others are left out.
  std::set<std::string> cert_domains;
  for (CertModel& c : d.certs) {
    std::vector<std::string> names{c.domain};
    names.insert(names.end(), c.alt_names.begin(), c.alt_names.end());
    std::vector<std::string> kept;
    for (std::string n : names) {
      for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool routed = false;
      for (const RouteModel& route : routes) routed = routed || route_matches(n, route.host);
      if (!routed || !valid_domain(n))
        r.ignored(c.pos, w.format("import.cert_name_unrouted", n));
      else if (!cert_domains.insert(n).second)
        r.ignored(c.pos, w.format("import.cert_name_twice", n));
      else
        kept.push_back(n);
    }
    if (kept.empty()) continue;
    certbot_reload(c, d, r);
    choose_issued(c, d, r);
    out += "[[certificate]]\n";
    line(out, "domain", {toml_str(kept.front()), w.format("import.comment_from", where(c.pos))});
    if (kept.size() > 1) {
      std::string alts;
      for (size_t i = 1; i < kept.size(); ++i) alts += (i > 1 ? ", " : "") + toml_str(kept[i]);
      line(out, "alt_names", {"[" + alts + "]", ""});
    }
    table(out, c.keys);
    out += "\n";
  }

  // A certbot container whose files no certificate written is: said as any other container.
  for (const auto& c : d.compose)
    if (!c->certbot_service.empty() &&
        std::none_of(r.entries.begin(), r.entries.end(), [&](const ReportEntry& e) { return e.pos == c->certbot_pos; }))
      r.ignored(c->certbot_pos, w.format("import.compose_not_asgi", c->certbot_service, c->certbot_image));

  for (ServiceModel& s : d.services) {
    out += "[[service]]\n";
    line(out, "name", {toml_str(s.name), w.format("import.comment_from", where(s.pos))});
    const auto& hosts = service_hosts[s.name];
    if (hosts.size() == 1) {
      line(out, "host", {toml_str(hosts.front()), s.replicas.comment});
    } else {
      std::string list;
      for (const std::string& h : hosts) list += (list.empty() ? "" : ", ") + toml_str(h);
      line(out, "hosts", {"[" + list + "]", s.replicas.comment});
    }
    table(out, s.keys);
    out += "\n[service.supervisor]\n";
    table(out, s.supervisor);
    const std::pair<const char*, const Table*> probes[] = {
        {"liveness", &s.liveness}, {"readiness", &s.readiness}, {"startup", &s.startup}};
    const bool has[] = {s.has_liveness, s.has_readiness, s.has_startup};
    for (size_t i = 0; i < 3; ++i) {
      if (!has[i]) continue;
      out += fmt::format("\n[service.supervisor.{}]\n", probes[i].first);
      table(out, *probes[i].second);
    }
    for (const Table& step : s.pre_start) {
      out += "\n[[service.pre_start]]\n";
      table(out, step);
    }
    out += "\n";
  }

  // Clients: nobody's deployment files say who asks; one browser per routed name.
  int n = 0;
  for (const RouteModel& route : routes) {
    if (route.host.starts_with("*.")) continue;
    ++n;
    out += "[[client]]\n";
    line(out, "name", {toml_str(fmt::format("browser-{}", n)), ""});
    line(out, "url",
         r.assume(route.pos, "client.url", toml_str("https://" + route.host + "/"), w("import.why_client")));
    line(out, "rate", r.assume(route.pos, "client.rate", "\"2/s\"", w("import.why_client_rate")));
    // The proxy verifies client certificates (mutual TLS): the clients the files serve hold one.
    if (const Val* v = d.proxy ? d.proxy->keys.get("verify_clients") : nullptr; v && v->toml != toml_str("off"))
      line(out, "client_certificate",
           r.assume(route.pos, "client.client_certificate", toml_str("trusted"), w("import.why_client_certificate")));
    out += "\n";
  }
  const auto tls_app =
      std::find_if(d.compose.begin(), d.compose.end(), [](const auto& c) { return !c->tls_app.empty(); });
  if (n == 0 && tls_app != d.compose.end() && !d.proxy) {
    // The app server holds the certificate and port 443; the model has TLS at a proxy only.
    const ComposeCtx& c = **tls_app;
    r.assumed(c.tls_app_pos, w.format("import.no_clients_app_tls", c.tls_app));
    out += "# " + printable_text(w.format("import.comment_no_clients_app_tls", c.tls_app), " ") + "\n";
  } else if (n == 0) {
    r.assumed(nowhere, w("import.no_clients"));
    out += "# " + w("import.comment_no_clients") + "\n";
  }
  // A development stack that serves plain HTTP only: the run's HTTPS browsers all fail, which a
  // new hire should read as a limit of the model, not as a broken deployment.
  if (n > 0 && std::none_of(routes.begin(), routes.end(), [](const RouteModel& rt) { return rt.tls; }))
    r.assumed(routes.front().pos, w("import.no_https_routes"));

  // What a `docker compose up` after a change does to a proxy that keeps its certificates in
  // its container (domain-facts.md: a recreated container starts from the image).
  if (d.proxy && d.proxy_recreate_variant && !routes.empty()) {
    out += "# " + w("import.comment_variant") + "\n";
    out += "[[variant]]\n";
    line(out, "name", {toml_str(w("import.variant_recreate")), ""});
    out += "set = { \"fault\" = [ { at = \"1m\", target = \"proxy\", kind = \"redeploy\" } ] }\n";
    r.assumed(nowhere, w("import.assumed_variant"));
  }
  return out;
}

}  // namespace deploysim::import
