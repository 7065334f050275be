// Caddyfiles (parsed by caddyfile.cpp) into the proxy: its site addresses as routes to the
// reverse_proxy's service, {$NAME} from the Caddy container's environment, the files `import`
// names, certificates (ACME, or the internal issuer and its lifetime), TLS versions.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "import/caddyfile.hpp"
#include "import/import_model.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

// Caddy replaces {$NAME} and {$NAME:default} with the process's environment as it reads the
// Caddyfile (caddyserver.com/docs/caddyfile/concepts#environment-variables): here the Caddy
// container's `environment:`. A name it does not set, without a default, is left as written.
std::string with_caddy_env(const std::string& file, const std::string& text, const Deployment& d, Report& r) {
  std::string out;
  std::set<std::string> said;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t close = text.compare(i, 2, "{$") == 0 ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos || text.find('\n', i) < close) {
      out += text[i];
      continue;
    }
    const std::string inner = text.substr(i + 2, close - i - 2);
    const size_t colon = inner.find(':');
    const std::string name = inner.substr(0, colon);
    const auto it = d.proxy_env.find(name);
    if (it != d.proxy_env.end()) {
      out += it->second;
      if (said.insert(name).second)
        r.mapped(d.proxy_env_pos.at(name), r.w.format("import.caddy_env", name, it->second, "{$" + name + "}"));
    } else if (colon != std::string::npos) {
      out += inner.substr(colon + 1);
      const size_t line_start = text.rfind('\n', i) == std::string::npos ? 0 : text.rfind('\n', i) + 1;
      const SourcePos at{file,
                         static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<long>(i), '\n') + 1),
                         static_cast<uint32_t>(i - line_start + 1)};
      r.assumed(at, r.w.format("import.caddy_env_default", "{$" + inner + "}", name, inner.substr(colon + 1)));
    } else {
      out += text.substr(i, close + 1 - i);
    }
    i = close;
  }
  return out;
}

// The files a Caddyfile's `import PATTERN` names, as Caddy finds them: relative to the
// Caddyfile's folder, a glob in name order. Among the inputs, else (import_paths) on disk there.
std::vector<CaddyImportedFile> caddy_import_files(const std::string& pattern, const std::string& from, Deployment& d,
                                                  Report& r) {
  namespace fs = std::filesystem;
  const fs::path full =
      (fs::path(pattern).is_absolute() ? fs::path(pattern) : fs::path(from).parent_path() / pattern).lexically_normal();
  const bool glob = pattern.find_first_of("*?[") != std::string::npos;
  std::map<std::string, CaddyImportedFile> found;  // by normal path: name order
  const auto matches = [&](const fs::path& p) {
    return glob ? p.parent_path() == full.parent_path() &&
                      detail::glob_match(full.filename().string(), p.filename().string())
                : p == full;
  };
  for (const auto& [key, in] : d.inputs)
    if (matches(fs::path(key))) found[key] = {in.first, in.second};
  std::error_code ec;
  if (d.read_disk && !fs::path(pattern).is_absolute() && fs::is_directory(full.parent_path(), ec))
    for (const auto& entry : fs::directory_iterator(full.parent_path(), ec)) {
      const fs::path p = entry.path().lexically_normal();
      if (found.count(p.generic_string()) || !matches(p) || !entry.is_regular_file(ec) ||
          entry.file_size(ec) > max_file_bytes)
        continue;
      if (auto t = read_text(p); t && first_invalid_utf8(*t) == std::string::npos) {
        if (t->starts_with("\xEF\xBB\xBF")) t->erase(0, 3);
        d.files_from_disk.emplace_back(p.generic_string(), FileKind::caddy);
        found[p.generic_string()] = {p.generic_string(), std::move(*t)};
      }
    }
  std::vector<CaddyImportedFile> out;
  for (auto& [key, f] : found) {
    d.caddy_imported.insert(key);
    d.sources.push_back(f.name);
    f.text = f.text.find("{$") == std::string::npos ? f.text : with_caddy_env(f.name, f.text, d, r);
    out.push_back(std::move(f));
  }
  return out;
}

// A duration as Caddy reads one (caddy.ParseDuration: Go's time.ParseDuration after each "<number>d"
// is made hours), in milliseconds; nothing when Caddy refuses it.
std::optional<double> caddy_duration_ms(const std::string& text) {
  std::string_view s = text;
  double sign = 1;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  if (s == "0") return 0.0;  // the one number Go reads without a unit
  if (s.empty()) return std::nullopt;
  double total = 0;
  while (!s.empty()) {
    size_t n = 0;
    bool digit = false;
    for (; n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.'); ++n) digit = digit || s[n] != '.';
    if (!digit) return std::nullopt;
    const double v = std::strtod(std::string(s.substr(0, n)).c_str(), nullptr);
    s.remove_prefix(n);
    static const std::pair<std::string_view, double> units[] = {{"ns", 1e-6},        {"us", 1e-3}, {"\xC2\xB5s", 1e-3},
                                                                {"\xCE\xBCs", 1e-3}, {"ms", 1},    {"s", 1e3},
                                                                {"m", 6e4},          {"h", 3.6e6}, {"d", 8.64e7}};
    const auto unit =
        std::find_if(std::begin(units), std::end(units), [&](const auto& u) { return s.starts_with(u.first); });
    if (unit == std::end(units)) return std::nullopt;
    total += v * unit->second;
    s.remove_prefix(unit->first.size());
  }
  return sign * total;
}

// The lifetime of Caddy's internal issuer's certificates: `lifetime` when the file sets it, else
// the 12 hours Caddy signs them for (defaultInternalCertLifetime, modules/caddytls/internalissuer.go;
// a lifetime of 0 is that default too). Caddy never signs one past the expiry of the intermediate
// certificate that signs it, whose default lifetime is 7 days (defaultIntermediateLifetime,
// modules/caddypki/ca.go): InternalIssuer.Issue cuts a longer one ("cert lifetime would exceed
// issuer NotAfter, clamping lifetime"). A lifetime Caddy cannot read makes it refuse the Caddyfile
// (UnmarshalCaddyfile returns caddy.ParseDuration's error): an error, as docker compose's refusals are.
void caddy_internal_lifetime(const CaddyTls& t, CertModel& cert, Report& r) {
  const Located<std::string>& set = t.internal_lifetime;
  constexpr uint64_t intermediate_ms = 7ULL * 24 * 3600 * 1000;
  if (set.set) {
    const std::optional<double> ms = caddy_duration_ms(set.value);
    if (!ms) {
      r.error(set.pos, r.w.format("import.ignored_key", "lifetime " + set.value, r.w("import.why_caddy_lifetime_bad")));
      return;
    }
    if (*ms >= 1) {
      const auto written = static_cast<uint64_t>(std::llround(*ms));
      if (written > intermediate_ms) {
        r.assumed(set.pos, r.w.format("import.caddy_lifetime_clamped", "lifetime " + set.value));
        cert.keys.set("lifetime", r.from(set.pos, "issuer internal { lifetime }", "certificate.lifetime",
                                         duration_text(intermediate_ms)));
      } else {
        cert.keys.set("lifetime",
                      r.from(set.pos, "issuer internal { lifetime }", "certificate.lifetime", duration_text(written)));
      }
      return;
    }
    if (*ms == 0) {  // Caddy's Provision: a lifetime of 0 is its default
      cert.keys.set("lifetime", r.assume(set.pos, "certificate.lifetime", "\"12h\"",
                                         r.w.format("import.why_caddy_lifetime_zero", "lifetime " + set.value)));
      return;
    }
    r.ignored(set.pos, r.w.format("import.ignored_key", "lifetime " + set.value, r.w("import.why_not_modelled")));
  }
  cert.keys.set("lifetime",
                r.assume(t.internal.pos, "certificate.lifetime", "\"12h\"", r.w("import.why_caddy_internal_lifetime")));
}

}  // namespace

void read_caddy(const std::string& file, const std::string& text_in, Deployment& d, Report& r) {
  const std::string text = text_in.find("{$") == std::string::npos ? text_in : with_caddy_env(file, text_in, d, r);
  const size_t first_source = d.sources.size();  // the Caddyfile before the files it imports
  const CaddyResult parsed = parse_caddyfile(text, file, [&](const std::string& pattern, const std::string& from) {
    return caddy_import_files(pattern, from, d, r);
  });
  if (parsed.error) {
    report_parse_error(*parsed.error, r);
    return;
  }
  d.sources.insert(d.sources.begin() + static_cast<std::ptrdiff_t>(first_source), file);
  const CaddyConfig& c = *parsed.value;
  const Messages& w = r.w;
  const SourcePos first = c.sites.empty() ? SourcePos{file, 1, 0} : c.sites.front().pos;
  const bool new_proxy = !d.proxy;
  ProxyModel* p = proxy_for("caddy", first, d, r);
  if (!p) return;
  if (new_proxy) {  // Caddy on a machine keeps its data directory on that machine's disk
    p->keys.set("persisted_storage", r.assume(first, "proxy.persisted_storage", "true", w("import.why_caddy_disk")));
    d.proxy_recreate_variant = false;
  }
  const bool staging = c.acme_ca.set && c.acme_ca.value.find("staging") != std::string::npos;
  const bool auto_https = !(c.auto_https.set && c.auto_https.value == "off");
  if (!auto_https) r.mapped(c.auto_https.pos, w("import.caddy_auto_https_off"));
  const Located<std::vector<std::string>>* versions_from = nullptr;
  std::vector<const CaddySite*> tls_sites;
  for (const CaddySite& site : c.sites) {
    // The route is the reverse_proxy that takes every path (no matcher, or `*`); one with a
    // path or named matcher (`reverse_proxy /api/* ...`, `@api`) serves part of the site only,
    // and is kept only when the site has no catch-all.
    const CaddyReverseProxy* rp = nullptr;
    for (const CaddyReverseProxy& x : site.reverse_proxies)
      if (!x.upstreams.empty() && (x.matcher.empty() || x.matcher == "*")) {
        rp = &x;
        break;
      }
    for (const CaddyReverseProxy& x : site.reverse_proxies)
      if (!x.upstreams.empty()) {
        if (!rp)
          rp = &x;
        else if (&x != rp)  // its app is then one no route reaches, said at the app (import.cpp)
          r.ignored(x.pos, w.format("import.caddy_part_route", x.written, x.upstreams.front().value,
                                    rp->upstreams.front().value));
      }
    if (!rp) {
      r.ignored(site.pos, w("import.caddy_no_proxy"));
      continue;
    }
    if (!rp->matcher.empty() && rp->matcher != "*") {
      std::string hosts;
      for (const CaddyAddress& a : site.addresses) hosts += (hosts.empty() ? "" : " ") + a.raw;
      r.ignored(rp->pos, w.format("import.route_one_path", rp->written, hosts));
    }
    for (size_t i = 1; i < rp->upstreams.size(); ++i)
      r.ignored(rp->upstreams[i].pos,
                w.format("import.ignored_key", rp->upstreams[i].value, w("import.why_more_upstreams")));
    if (rp->lb_policy.set)
      r.ignored(rp->lb_policy.pos,
                w.format("import.ignored_key", "lb_policy " + rp->lb_policy.value, w("import.why_more_upstreams")));
    if (rp->health_uri.set)  // Caddy's active health checks: an upstream that fails them gets no requests
      r.ignored(rp->health_uri.pos,
                w.format("import.ignored_key", "health_uri " + rp->health_uri.value, w("import.why_active_health")));
    const std::string pool = upstream_service(rp->upstreams.front().value, rp->upstreams.front().pos, d, r);
    // The model has one list of TLS versions for the proxy: the first site's `protocols` line
    // gives it, and a TLS site that differs (Caddy's default is tls1.2 tls1.3) is reported.
    const Located<std::vector<std::string>>& protocols = site.tls.value.protocols;
    if (protocols.set && !versions_from) {
      set_tls_versions(protocols.value, protocols.pos, "protocols", *p, r);
      versions_from = &protocols;
    }
    tls_sites.push_back(&site);
    if (site.encode.set)  // compression changes the bytes on the wire, which the model does not count
      r.ignored(site.encode.pos, w.format("import.ignored_key", "encode " + join_words(site.encode.value),
                                          w("import.why_not_modelled")));
    for (const CaddyAddress& a : site.addresses) {
      if (a.host.empty()) {
        r.ignored(a.pos, w.format("import.ignored_key", a.raw, w("import.why_catch_all")));
        continue;
      }
      const bool tls =
          auto_https && a.scheme != "http" && a.port != 80 && !(site.tls.value.off.set && site.tls.value.off.value);
      p->routes.push_back({a.host, pool, a.pos, tls});
      r.mapped(a.pos, w.format("import.mapped", a.raw, "proxy.routes", a.host + " -> " + pool));
      if (!tls) continue;
      // Caddy's automatic HTTPS: one certificate per name, renewed by Caddy itself.
      CertModel cert;
      cert.domain = a.host;
      cert.pos = a.pos;
      const CaddyTls& t = site.tls.value;
      if (t.cert_file.set) {
        cert.keys.set("issuer", r.assume(t.cert_file.pos, "certificate.issuer", toml_str("letsencrypt"),
                                         w("import.why_cert_file")));
        cert.keys.set("renewal",
                      r.assume(t.cert_file.pos, "certificate.renewal", toml_str("none"), w("import.why_cert_file")));
      } else {
        const std::string issuer = t.internal.set && t.internal.value ? "private-ca"
                                   : staging                          ? "untrusted"
                                                                      : "letsencrypt";
        cert.keys.set("issuer", r.from(t.internal.set ? t.internal.pos
                                       : staging      ? c.acme_ca.pos
                                                      : a.pos,
                                       t.internal.set ? "tls internal"
                                       : staging      ? "acme_ca"
                                                      : w("import.caddy_automatic_https"),
                                       "certificate.issuer", toml_str(issuer)));
        cert.keys.set("renewal",
                      r.from(a.pos, w("import.caddy_automatic_https"), "certificate.renewal", toml_str("proxy")));
        // A DNS provider (`tls { dns ... }`, the global `acme_dns`) makes Caddy solve DNS-01, and a
        // wildcard name can only be validated by DNS-01 (RFC 8555 section 8.4; Let's Encrypt's
        // challenge types; caddyserver.com/docs/automatic-https, "Wildcard certificates").
        if (issuer == "private-ca") {
          // Caddy's own CA: no ACME challenge. Its leaf certificates live 12 hours unless `lifetime`
          // says otherwise, at most until its intermediate expires (caddy_internal_lifetime).
          caddy_internal_lifetime(t, cert, r);
          r.assumed(t.internal.pos, w.format("import.private_ca_trust", "Caddy"));
        } else if (t.dns.set) {
          cert.keys.set("challenge", r.from(t.dns.pos, "tls { dns " + t.dns.value + " }", "certificate.challenge",
                                            toml_str("dns-01")));
        } else if (c.acme_dns.set) {
          cert.keys.set("challenge", r.from(c.acme_dns.pos, "acme_dns " + c.acme_dns.value, "certificate.challenge",
                                            toml_str("dns-01")));
        } else if (a.host.starts_with("*.")) {
          cert.keys.set("challenge", r.from(a.pos, a.raw + " (wildcard)", "certificate.challenge", toml_str("dns-01")));
        } else {
          cert.keys.set("challenge",
                        r.assume(a.pos, "certificate.challenge", toml_str("http-01"), w("import.why_caddy_challenge")));
        }
      }
      issued_at(cert, a.pos);
      d.certs.push_back(std::move(cert));
    }
  }
  if (versions_from)
    for (const CaddySite* site : tls_sites) {
      const Located<std::vector<std::string>>& v = site->tls.value.protocols;
      const std::vector<std::string> versions = v.set ? v.value : std::vector<std::string>{"tls1.2", "tls1.3"};
      const bool tls = auto_https && std::any_of(site->addresses.begin(), site->addresses.end(), [&](const auto& a) {
                         return !a.host.empty() && a.scheme != "http" && a.port != 80;
                       });
      if (&v != versions_from && tls && !(site->tls.value.off.set && site->tls.value.off.value) &&
          versions != versions_from->value)
        r.ignored(v.set ? v.pos : site->pos,
                  w.format(v.set ? "import.caddy_protocols_differ" : "import.caddy_protocols_default",
                           "protocols " + join_words(versions), where(versions_from->pos)));
    }
  if (c.email.set) r.ignored(c.email.pos, w.format("import.ignored_key", "email", w("import.why_not_modelled")));
  for (const CaddyImport& i : c.snippet_uses) r.mapped(i.pos, w.format("import.caddy_snippet", i.target));
  for (const CaddyImport& i : c.files_read)
    for (const std::string& f : i.files) r.mapped(i.pos, w.format("import.caddy_import_read", i.target, f));
  for (const CaddyImport& i : c.imports) r.ignored(i.pos, w.format("import.caddy_import_missing", i.target));
  for (const Ignored& i : c.ignored)
    r.ignored(i.pos, w.format("import.ignored_key", i.in.empty() ? i.name : i.in + ": " + i.name,
                              w("import.why_not_modelled")));
}

}  // namespace deploysim::import
