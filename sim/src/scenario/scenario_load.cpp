#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "output/toml_text.hpp"
#include "scenario/scenario_resumption.hpp"
#include "scenario/scenario_sections.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim {

namespace detail {

namespace {

// RFC 3339 with an offset, as a TOML date-time or the same text in a string.
int64_t read_start(TableReader& r) {
  const toml::node* n = r.node("start");
  constexpr std::string_view form = R"(a UTC or offset date-time such as 2026-11-01T09:00:00Z)";
  if (!n) return ScenarioInfo{}.start_unix;
  std::optional<toml::date_time> dt;
  if (n->is_date_time()) {
    dt = n->as_date_time()->get();
  } else if (n->is_string()) {
    try {
      const auto doc = toml::parse("v = " + n->as_string()->get());
      if (const auto* v = doc.get("v"); v && v->is_date_time() && doc.size() == 1) dt = v->as_date_time()->get();
    } catch (const toml::parse_error&) {}
  }
  if (!dt) r.ctx().fail(n->source(), fmt::format("{} must be {}, got {}", r.name_of("start"), form, describe(*n)));
  if (!dt->offset)
    r.ctx().fail(n->source(), fmt::format("{} needs a time zone (append Z for UTC): {}", r.name_of("start"), form));
  const int64_t day = days_from_civil(dt->date.year, dt->date.month, dt->date.day);
  return day * 86400 + dt->time.hour * 3600 + dt->time.minute * 60 + dt->time.second -
         static_cast<int64_t>(dt->offset->minutes) * 60;
}

uint8_t read_tls_versions(TableReader& r, uint8_t fallback) {
  const auto versions = r.strings("tls_versions", R"(tls_versions = ["1.2", "1.3"])");
  if (!versions) return fallback;
  uint8_t bits = 0;
  for (const auto& v : *versions) {
    if (v == "1.2")
      bits |= tls12;
    else if (v == "1.3")
      bits |= tls13;
    else
      r.fail("tls_versions",
             fmt::format(R"({} may contain "1.2" and "1.3" only, got "{}")", r.name_of("tls_versions"), v));
  }
  if (bits == 0)
    r.fail("tls_versions", fmt::format(R"({} must not be empty (e.g. ["1.3"]))", r.name_of("tls_versions")));
  return bits;
}

void read_info(TableReader& r, ScenarioInfo& info) {
  info.name = r.string("name", R"(name = "One IP, two domains")").value_or("");
  info.description = r.string("description", R"(description = "...")").value_or("");
  r.translations("name", info.tr);
  r.translations("description", info.tr);
  info.seed = static_cast<uint64_t>(r.integer("seed", 0, INT64_MAX, "seed = 42").value_or(1));
  info.duration = r.positive_duration("duration").value_or(info.duration);
  if (info.duration > days(3650))
    r.fail("duration",
           fmt::format("{} must be at most 3650d, got {}", r.name_of("duration"), describe(*r.node("duration"))));
  info.start_unix = read_start(r);
  if (const auto slo = r.number("slo", 100, "99.9")) {
    if (*slo <= 0 || *slo >= 100)
      r.fail("slo",
             fmt::format("{} is a percentage above 0 and below 100 (e.g. 99.9), got {}", r.name_of("slo"), *slo));
    info.slo = *slo / 100.0;
  }
  r.finish();
}

void read_network(TableReader& r, NetworkSpec& net) {
  net.latency = r.duration("latency", Time{}).value_or(net.latency);
  for (const auto& [t, path] :
       r.tables("links", R"(links = [ { from = "laptop", to = "resolver", latency = "3ms" } ])")) {
    TableReader lr(r.ctx(), *t, path, "an entry of [network] links");
    LinkSpec link;
    link.from = lr.required_string("from", R"(from = "laptop")");
    link.to = lr.required_string("to", R"(to = "resolver")");
    const auto latency = lr.duration("latency", Time{});
    if (!latency) lr.missing("latency", R"(a link needs 'latency' (e.g. latency = "3ms"))");
    link.latency = *latency;
    lr.finish();
    net.links.push_back(std::move(link));
  }
  r.finish();
}

void read_dns(TableReader& r, Scenario& sc) {
  if (const auto* t = r.table("resolver", R"([dns.resolver])")) {
    TableReader rr(r.ctx(), *t, "dns.resolver", "[dns.resolver]");
    ResolverSpec& res = sc.resolver;
    res.name = rr.string("name", R"(name = "resolver")").value_or(res.name);
    if (res.name.empty()) rr.fail("name", "'name' in [dns.resolver] must not be empty");
    res.cache = rr.boolean("cache").value_or(res.cache);
    res.root_latency = rr.duration("root_latency", Time{}).value_or(res.root_latency);
    res.tld_latency = rr.duration("tld_latency", Time{}).value_or(res.tld_latency);
    res.authoritative_latency = rr.duration("authoritative_latency", Time{}).value_or(res.authoritative_latency);
    res.retry_timeout = rr.positive_duration("retry_timeout").value_or(res.retry_timeout);
    res.attempts = static_cast<int>(rr.integer("attempts", 1, 10, "attempts = 2").value_or(res.attempts));
    rr.finish();
  }
  for (const auto& [t, path] : r.tables("zone", R"([[dns.zone]] origin = "example.test")")) {
    TableReader zr(r.ctx(), *t, path, "[[dns.zone]]");
    ZoneSpec zone;
    zone.origin = zr.dns_name("origin", false).value_or("");
    if (zone.origin.empty()) zr.missing("origin", R"([[dns.zone]] needs 'origin' (e.g. origin = "example.test"))");
    zone.negative_ttl = zr.duration("negative_ttl", Time{}).value_or(zone.negative_ttl);
    for (const auto& [rt, rpath] :
         zr.tables("records", R"(records = [ { name = "api.example.test", type = "A", value = "203.0.113.10" } ])")) {
      TableReader rec(r.ctx(), *rt, rpath, "a record of [[dns.zone]]");
      DnsRecordSpec record;
      record.pos = rec.pos();
      record.name = rec.dns_name("name", false).value_or("");
      if (record.name.empty()) rec.missing("name", R"(a record needs 'name' (e.g. name = "api.example.test"))");
      record.type = static_cast<DnsType>(rec.choice("type", {"A", "AAAA", "CNAME"}).value_or(0));
      record.ttl = rec.duration("ttl", Time{}).value_or(record.ttl);
      const toml::node* value = rec.node("value");
      const char* form = record.type == DnsType::A      ? R"(an IPv4 address such as "203.0.113.10")"
                         : record.type == DnsType::AAAA ? R"(an IPv6 address such as "2001:db8::10")"
                                                        : R"(a domain name such as "edge.example.test")";
      if (!value) rec.missing("value", fmt::format("a record needs 'value': {}", form));
      const std::string text = value->is_string() ? value->as_string()->get() : "";
      const bool ok = record.type == DnsType::A      ? is_ipv4(text)
                      : record.type == DnsType::AAAA ? is_ipv6(text)
                                                     : is_dns_name(to_lower(text), false);
      if (!ok)
        rec.ctx().fail(value->source(),
                       fmt::format("{} must be {}, got {}", rec.name_of("value"), form, describe(*value)));
      record.value = record.type == DnsType::CNAME ? to_lower(text) : text;
      rec.finish();
      zone.records.push_back(std::move(record));
    }
    zr.finish();
    sc.zones.push_back(std::move(zone));
  }
  r.finish();
}

void read_host(TableReader& r, HostSpec& host) {
  host.pos = r.pos();
  host.name = r.required_string("name", R"(name = "edge-1")");
  host.ip = r.required_string("ip", R"(ip = "203.0.113.10")");
  if (!is_ipv4(host.ip) && !is_ipv6(host.ip))
    r.fail("ip", fmt::format(R"({} must be an IPv4 or IPv6 address such as "203.0.113.10", got "{}")", r.name_of("ip"),
                             host.ip));
  host.memory = r.size("memory", true).value_or(host.memory);
  host.enabled_on_boot_docker = r.boolean("docker_on_boot").value_or(host.enabled_on_boot_docker);
  r.finish();
}

void read_proxy(TableReader& r, ProxySpec& proxy) {
  proxy.name = r.string("name", R"(name = "proxy")").value_or(proxy.name);
  if (proxy.name.empty()) r.fail("name", "'name' in [proxy] must not be empty");
  proxy.host = r.required_string("host", R"(host = "edge-1")");
  proxy.preset = static_cast<ProxyPreset>(r.choice("preset", proxy_preset_names()).value_or(0));
  proxy.listen = static_cast<int>(r.integer("listen", 1, 65535, "listen = 443").value_or(proxy.listen));
  proxy.tls_versions = read_tls_versions(r, proxy.tls_versions);
  proxy.default_certificate = r.dns_name("default_certificate", true, true).value_or("");
  proxy.strict_sni = r.boolean("strict_sni").value_or(proxy.strict_sni);
  for (const auto& [t, path] : r.tables("routes", R"(routes = [ { host = "api.example.test", pool = "api" } ])")) {
    TableReader rr(r.ctx(), *t, path, "a route of [proxy]");
    RouteSpec route;
    route.pos = rr.pos();
    route.host = rr.dns_name("host", true).value_or("");
    if (route.host.empty()) rr.missing("host", R"(a route needs 'host' (e.g. host = "api.example.test"))");
    route.pool = rr.required_string("pool", R"(pool = "api")");
    route.upstream_h2c = rr.boolean("upstream_h2c").value_or(false);
    rr.finish();
    proxy.routes.push_back(std::move(route));
  }
  // The preset's defaults are written into the spec, so what a run uses is what the GUI shows.
  proxy.http2 = r.boolean("http2").value_or(proxy_offers_h2(proxy));
  proxy.forwarded_headers = r.boolean("forwarded_headers").value_or(proxy_sets_forwarded_headers(proxy));
  proxy.upstream_timeout =
      r.duration("upstream_timeout", Time{}).value_or(proxy_upstream_timeout(proxy).value_or(Time{}));
  proxy.connect_timeout = r.positive_duration("upstream_connect_timeout").value_or(proxy_connect_timeout(proxy));
  proxy.persisted_storage = r.boolean("persisted_storage").value_or(proxy.persisted_storage);
  // Mutual TLS, as nginx spells it (ssl_verify_client off | optional | on): docs/scenario-format.md.
  proxy.verify_clients =
      static_cast<VerifyClients>(r.choice("verify_clients", {"off", "optional", "require"}).value_or(0));
  proxy.ocsp_stapling = r.boolean("ocsp_stapling").value_or(proxy.ocsp_stapling);
  proxy.ech_public_name = r.dns_name("ech_public_name", false, true).value_or("");
  read_proxy_resumption(r, proxy);
  r.finish();
}

void read_certificate(TableReader& r, CertificateSpec& cert, const std::optional<ProxySpec>& proxy) {
  cert.pos = r.pos();
  cert.domain = r.dns_name("domain", true).value_or("");
  if (cert.domain.empty()) r.missing("domain", R"([[certificate]] needs 'domain' (e.g. domain = "api.example.test"))");
  cert.alt_names = r.dns_names("alt_names", true, R"(alt_names = ["www.example.test"])").value_or(cert.alt_names);
  const ProxyPresetInfo& preset = proxy_preset(proxy ? proxy->preset : ProxyPreset::caddy);
  // A cloud load balancer's certificate comes from the provider's own CA (ACM: Amazon).
  cert.issuer = preset.provider_certificates ? Issuer::provider : Issuer::letsencrypt;
  if (auto v = r.choice("issuer", {"letsencrypt", "private-ca", "self-signed", "untrusted", "provider"}))
    cert.issuer = static_cast<Issuer>(*v);
  cert.issued = r.duration("issued", std::nullopt).value_or(cert.issued);
  cert.lifetime = r.positive_duration("lifetime").value_or(cert.lifetime);
  // Who renews follows the proxy preset (presets.cpp).
  cert.renewal = preset.renewal;
  if (auto v = r.choice("renewal", {"proxy", "certbot", "cert-manager", "none", "provider"}))
    cert.renewal = static_cast<Renewal>(*v);
  cert.reload_after_renewal = r.boolean("reload_after_renewal").value_or(cert.reload_after_renewal);
  cert.revoked = r.boolean("revoked").value_or(cert.revoked);
  // ACM renews by itself only DNS-validated certificates (its validation CNAME records).
  cert.challenge = preset.provider_certificates ? Challenge::dns01 : Challenge::http01;
  if (auto v = r.choice("challenge", {"http-01", "tls-alpn-01", "dns-01"})) cert.challenge = static_cast<Challenge>(*v);
  // Only certbot rewrites files that the proxy must be told to read again (a deploy hook); the
  // others load a renewed certificate themselves (certs.cpp), so false would change nothing there
  // (with "none" nothing is renewed, and false is as true).
  if (!cert.reload_after_renewal && cert.renewal != Renewal::certbot && cert.renewal != Renewal::none)
    r.fail("reload_after_renewal",
           fmt::format("{}: false applies to renewal = \"certbot\" only: certbot rewrites the files and the proxy "
                       "needs a reload, while a proxy that renews, cert-manager (the ingress controller watches its "
                       "Secret) and a provider load the new certificate themselves",
                       r.name_of("reload_after_renewal")));
  if (cert.renewal == Renewal::certbot)
    cert.certbot_rule =
        static_cast<CertbotRule>(r.choice("certbot_rule", {"30-days-left", "third-of-lifetime"}).value_or(0));
  else
    r.reject("certbot_rule", "it applies to renewal = \"certbot\" only");
  r.finish();
}

void read_package(TableReader& r, PackageSpec& pkg) {
  pkg.name = r.required_string("name", R"(name = "fastapi")");
  for (const auto& [t, path] : r.tables("releases", R"(releases = [ { version = "0.45.0", published = "-200d" } ])")) {
    TableReader rr(r.ctx(), *t, path, "a release of [[package]]");
    ReleaseSpec rel;
    rel.version = rr.required_string("version", R"(version = "0.45.1")");
    int a = 0, b = 0, c = 0;
    char tail = 0;
    if (std::sscanf(rel.version.c_str(), "%d.%d.%d%c", &a, &b, &c, &tail) != 3 || a < 0 || b < 0 || c < 0)
      rr.fail("version", fmt::format(R"({} must be MAJOR.MINOR.PATCH such as "0.45.1", got "{}")",
                                     rr.name_of("version"), rel.version));
    rel.published = rr.duration("published", std::nullopt).value_or(rel.published);
    rel.breaking = rr.boolean("breaking").value_or(false);
    rr.finish();
    pkg.releases.push_back(std::move(rel));
  }
  r.finish();
}

void parse_url(TableReader& r, ClientSpec& c) {
  const auto bad = [&](std::string_view why) {
    r.fail("url", fmt::format(R"({} must look like "https://api.example.test/items/1" ({}), got "{}")",
                              r.name_of("url"), why, c.url));
  };
  std::string_view rest = c.url;
  if (rest.starts_with("https://"))
    c.url_scheme = "https", c.url_port = 443, rest.remove_prefix(8);
  else if (rest.starts_with("http://"))
    c.url_scheme = "http", c.url_port = 80, rest.remove_prefix(7);
  else
    bad("scheme https:// or http://");
  const size_t end = rest.find('/');
  std::string_view authority = rest.substr(0, end);
  c.url_path = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (const size_t colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    int value = 0;
    if (port.empty() || port.size() > 5) bad("port 1-65535");
    for (char ch : port) {
      if (ch < '0' || ch > '9') bad("port 1-65535");
      value = value * 10 + (ch - '0');
    }
    if (value < 1 || value > 65535) bad("port 1-65535");
    c.url_port = value;
    authority = authority.substr(0, colon);
  }
  c.url_host = to_lower(authority);
  if (!is_dns_name(c.url_host, false) && !is_ipv4(c.url_host)) bad("a host name");
}

void read_client(TableReader& r, ClientSpec& c) {
  c.pos = r.pos();
  c.name = r.required_string("name", R"(name = "laptop")");
  c.url = r.required_string("url", R"(url = "https://api.example.test/")");
  parse_url(r, c);
  const auto requests = r.integer("requests", 1, 1000000000, "requests = 3");
  const toml::node* rate = r.node("rate");
  if (requests && rate)
    r.fail("rate", "a [[client]] has either 'requests' (with 'interval') or 'rate' (with 'start'/'stop'), not both");
  if (!requests && !rate)
    r.missing("requests", R"([[client]] needs 'requests' (e.g. requests = 3) or 'rate' (e.g. rate = "50/s"))");
  c.start = r.duration("start", Time{}).value_or(Time{});
  if (requests) {
    c.requests = static_cast<int>(*requests);
    c.interval = r.positive_duration("interval").value_or(c.interval);
    r.reject("stop", "a client with 'requests' stops after its last request; use 'rate' with 'stop'");
  } else {
    const auto per_s = rate->is_string() ? detail::parse_rate(rate->as_string()->get()) : std::nullopt;
    if (!per_s || *per_s <= 0)
      r.ctx().fail(rate->source(),
                   fmt::format(R"({} must be a positive rate such as "50/s", "2/min" or "120/h", got {})",
                               r.name_of("rate"), describe(*rate)));
    c.rate_per_s = *per_s;
    r.reject("interval", "it applies to 'requests'; a 'rate' client sends at random (Poisson) times");
    c.stop = r.duration("stop", Time{});
    if (c.stop && *c.stop <= c.start)
      r.fail("stop", fmt::format("{} must be later than 'start' ({}), got {}", r.name_of("stop"), format_time(c.start),
                                 describe(*r.node("stop"))));
  }
  c.sni = r.boolean("sni").value_or(c.sni);
  if (auto alpn = r.strings("alpn", R"(alpn = ["h2", "http/1.1"])")) {
    for (const auto& p : *alpn)
      if (p != "h2" && p != "http/1.1")
        r.fail("alpn", fmt::format(R"({} may contain "h2" and "http/1.1", got "{}")", r.name_of("alpn"), p));
    if (alpn->empty()) r.fail("alpn", fmt::format(R"({} must not be empty (e.g. ["http/1.1"]))", r.name_of("alpn")));
    c.alpn = std::move(*alpn);
  }
  c.tls_versions = read_tls_versions(r, c.tls_versions);
  c.keep_alive = r.boolean("keep_alive").value_or(c.keep_alive);
  c.resolver = r.string("resolver", R"(resolver = "resolver")").value_or("");
  c.client_certificate =
      static_cast<ClientCertificate>(r.choice("client_certificate", {"none", "trusted", "untrusted"}).value_or(0));
  c.ech = r.boolean("ech").value_or(c.ech);
  c.dns_over_https = r.boolean("dns_over_https").value_or(c.dns_over_https);
  read_client_resumption(r, c);
  r.finish();
}

void read_fault(TableReader& r, FaultSpec& f) {
  f.pos = r.pos();
  const auto at = r.duration("at", Time{});
  if (!at) r.missing("at", R"([[fault]] needs 'at' (e.g. at = "40s"))");
  f.at = *at;
  f.target = r.required_string("target", R"(target = "api/worker-2")");
  const auto kind = r.choice("kind", {"crash", "crash-on-start", "hang", "oom", "reboot", "dns-outage", "block-port-80",
                                      "clock-skew", "redeploy"});
  if (!kind) r.missing("kind", R"([[fault]] needs 'kind' (e.g. kind = "crash"))");
  f.kind = static_cast<FaultKind>(*kind);
  const bool exits = f.kind == FaultKind::crash || f.kind == FaultKind::crash_on_start;
  // crash-on-start: starts fail for that long; reboot: time until the host is up; clock-skew:
  // how long the skew lasts (lifecycle models, issue 5).
  const bool lasts = f.kind == FaultKind::hang || f.kind == FaultKind::dns_outage ||
                     f.kind == FaultKind::block_port_80 || f.kind == FaultKind::crash_on_start ||
                     f.kind == FaultKind::reboot || f.kind == FaultKind::clock_skew;
  if (exits)
    f.exit_code = static_cast<int>(r.integer("exit_code", 0, 255, "exit_code = 1").value_or(f.exit_code));
  else
    r.reject("exit_code", "only crash and crash-on-start faults have an exit code");
  if (lasts)
    f.duration = r.duration("duration", Time{}).value_or(Time{});
  else
    r.reject("duration",
             "only hang, dns-outage, block-port-80, crash-on-start, reboot and clock-skew faults last a while");
  if (f.kind == FaultKind::clock_skew) {
    const auto skew = r.duration("skew", std::nullopt);
    if (!skew) r.missing("skew", R"(a clock-skew fault needs 'skew' (e.g. skew = "-2d"))");
    f.skew = *skew;
  } else {
    r.reject("skew", "only clock-skew faults have a skew");
  }
  r.finish();
}

void flatten_set(LoadContext& ctx, const toml::table& t, const std::string& prefix, VariantSpec& v) {
  for (const auto& [k, node] : t) {
    const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (node.is_table() && !node.as_table()->is_inline()) {
      flatten_set(ctx, *node.as_table(), path, v);
      continue;
    }
    toml::table wrapper;
    node.visit([&](const auto& n) { wrapper.insert("v", n); });
    std::ostringstream out;
    out << toml::toml_formatter{wrapper, toml::format_flags::none};
    std::string text = out.str();
    text.erase(0, 4);
    v.set.emplace_back(path, std::move(text));
    v.set_pos.push_back(ctx.pos(node.source()));
  }
}

void read_variant(TableReader& r, VariantSpec& v) {
  v.name = r.required_string("name", R"(name = "one worker")");
  r.translations("name", v.tr);
  v.pos = r.pos();
  const toml::table* set = r.table("set", R"(set = { "service.api.workers" = 1 })");
  if (!set || set->empty())
    r.missing("set", R"([[variant]] needs 'set' with at least one path (e.g. set = { "service.api.workers" = 1 }))");
  flatten_set(r.ctx(), *set, "", v);
  r.finish();
}

template <class Spec, class Fn>
void read_array(TableReader& root, std::string_view key, std::string_view example, std::vector<Spec>& out, Fn&& fn) {
  const std::string what = fmt::format("[[{}]]", key);
  for (const auto& [t, path] : root.tables(key, example)) {
    TableReader r(root.ctx(), *t, path, what);
    Spec spec;
    fn(r, spec);
    out.push_back(std::move(spec));
  }
}

// Services without a port get 8000, 8001, ... in file order per host (Uvicorn's default is 8000),
// so two apps on one host do not collide unless the file says so.
void assign_default_ports(Scenario& sc) {
  std::map<std::string, std::set<int>> taken;
  for (const auto& s : sc.services)
    if (s.port != 0)
      for (const auto& h : s.hosts.empty() ? std::vector<std::string>{s.host} : s.hosts) taken[h].insert(s.port);
  for (auto& s : sc.services) {
    if (s.port != 0) continue;
    const auto hosts = s.hosts.empty() ? std::vector<std::string>{s.host} : s.hosts;
    int port = 8000;
    while (std::any_of(hosts.begin(), hosts.end(), [&](const std::string& h) { return taken[h].count(port) > 0; }))
      ++port;
    s.port = port;
    for (const auto& h : hosts) taken[h].insert(port);
  }
}

}  // namespace

// toml++ 3.3 recurses once per part of a dotted key in a table header or a top-level key and
// overflows the stack at tens of thousands of parts; no scenario needs more than a handful.
void check_key_depth(std::string_view text, const LoadContext& ctx) {
  constexpr size_t max_parts = 256;
  uint32_t line = 1;
  std::string_view open_multiline;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(start, end - start);
    for (std::string_view q : {std::string_view("\"\"\""), std::string_view("'''")}) {
      for (size_t at = l.find(q); at != std::string_view::npos; at = l.find(q, at + 3)) {
        if (open_multiline.empty())
          open_multiline = q;
        else if (open_multiline == q)
          open_multiline = {};
      }
    }
    if (open_multiline.empty()) {
      size_t dots = 0;
      char quote = 0;
      for (char c : l) {
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '=' || c == '#' || c == ']') {
          break;
        } else if (c == '.') {
          ++dots;
        }
      }
      if (dots >= max_parts)
        ctx.fail(SourcePos{line, 1},
                 fmt::format("a key with {} dotted parts; at most {} are allowed", dots + 1, max_parts));
    }
    ++line;
    start = end + 1;
  }
}

Scenario read_scenario(LoadContext& ctx, const toml::table& root) {
  Scenario sc;
  TableReader r(ctx, root, "", "the top level");
  if (const auto* t = r.table("scenario", "[scenario]")) {
    TableReader tr(ctx, *t, "scenario", "[scenario]");
    read_info(tr, sc.info);
  }
  if (const auto* t = r.table("network", "[network]")) {
    TableReader tr(ctx, *t, "network", "[network]");
    read_network(tr, sc.network);
  }
  if (const auto* t = r.table("dns", "[dns.resolver]")) {
    TableReader tr(ctx, *t, "dns", "[dns]");
    read_dns(tr, sc);
  }
  read_array(r, "host", R"([[host]] name = "edge-1")", sc.hosts, read_host);
  if (const auto* t = r.table("proxy", "[proxy]")) {
    TableReader tr(ctx, *t, "proxy", "[proxy]");
    sc.proxy.emplace();
    read_proxy(tr, *sc.proxy);
  }
  read_array(r, "certificate", R"([[certificate]] domain = "api.example.test")", sc.certificates,
             [&](TableReader& tr, CertificateSpec& c) { read_certificate(tr, c, sc.proxy); });
  read_array(r, "service", R"([[service]] name = "api")", sc.services,
             [](TableReader& tr, ServiceSpec& s) { s = read_service(tr); });
  assign_default_ports(sc);
  read_array(r, "package", R"([[package]] name = "fastapi")", sc.packages, read_package);
  read_array(r, "client", R"([[client]] name = "laptop")", sc.clients, read_client);
  read_array(r, "fault", R"([[fault]] at = "40s")", sc.faults, read_fault);
  read_array(r, "variant", R"([[variant]] name = "one worker")", sc.variants, read_variant);
  r.finish();
  return sc;
}

LoadResult load_with(std::string_view text, const std::string& file, const std::vector<Override>& overrides,
                     const std::string& prefix, bool check_variants) {
  LoadResult result;
  LoadContext ctx;
  ctx.file = file;
  ctx.prefix = prefix;
  try {
    check_key_depth(text, ctx);
    toml::table root;
    try {
      root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
      const TomlSyntaxError te = toml_syntax_error(text, e);
      ctx.fail(SourcePos{te.line, te.column}, te.message);
    }
    apply_overrides(root, overrides, ctx);
    Scenario sc = read_scenario(ctx, root);
    validate_scenario(sc, ctx);
    sc.source_path = file;
    sc.source_text = std::string(text);
    for (const auto& o : overrides) sc.overrides.emplace_back(o.path, o.value_text);
    if (check_variants) {
      for (const auto& v : sc.variants) {
        LoadResult checked = apply_variant(sc, v.name);
        if (checked.error) return checked;
      }
    }
    result.scenario = std::move(sc);
  } catch (const LoadFailure& f) {
    result.error = f.error;
  } catch (const std::exception& e) {
    result.error = ScenarioError{file, 0, 0, prefix + fmt::format("could not be read: {}", e.what())};
  }
  return result;
}

}  // namespace detail

LoadResult load_scenario_text(std::string_view text, const std::string& name) {
  return detail::load_with(text, name, {}, "", true);
}

LoadResult load_scenario_file(const std::string& path) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(path, ec)) {
    LoadResult r;
    r.error = ScenarioError{path, 0, 0, "cannot open the file (does it exist and is it readable?)"};
    return r;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return load_scenario_text(buf.str(), path);
}

}  // namespace deploysim
