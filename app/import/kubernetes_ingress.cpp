// Kubernetes Services (which Deployment a name stands for), Ingresses (the proxy, its routes and
// TLS hosts, cert-manager's annotations) and cert-manager's Certificates and Issuers.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "import/kubernetes_internal.hpp"

namespace deploysim::import {

namespace {

const Manifest* find(const K8s& k, const std::string& kind, const std::string& name) {
  for (const Manifest& m : k.manifests)
    if (m.kind == kind && m.name == name) return &m;
  return nullptr;
}

// The Certificate of these files that writes `secret` (namespaces are not told apart, as for
// the Ingress's TLS secrets).
const Manifest* certificate_for(const K8s& k, const std::string& secret) {
  if (secret.empty()) return nullptr;
  for (const Manifest& m : k.manifests)
    if (m.kind == "Certificate" && scalar(child(child(m.doc, "spec"), "secretName")) == secret) return &m;
  return nullptr;
}

// Who signs and how it proves control, from the `kind` (Issuer or ClusterIssuer) `name` of these
// files; assumed when it is not among them. Each value names the key that decides it:
// acme.server (Let's Encrypt's or its staging URL), selfSigned, ca; the first solver's http01
// or dns01.
void issuer_keys(const K8s& k, const std::string& kind, const std::string& name, const SourcePos& at, CertModel& cert,
                 Report& r) {
  const Manifest* issuer = find(k, kind, name);
  if (!issuer) {
    const std::string who = kind + " " + name;
    cert.keys.set("issuer", r.assume(at, "certificate.issuer", toml_str("letsencrypt"),
                                     r.w.format("import.why_issuer_missing", who)));
    cert.keys.set("challenge", r.assume(at, "certificate.challenge", toml_str("http-01"),
                                        r.w.format("import.why_issuer_missing", who)));
    return;
  }
  const YAML::Node spec = child(issuer->doc, "spec");
  const YAML::Node acme = child(spec, "acme");
  std::string who = "letsencrypt", key = "kind";
  SourcePos decided = issuer->kind_pos();
  if (child(spec, "selfSigned").IsDefined()) {
    who = "self-signed", key = "selfSigned", decided = issuer->key(spec, "selfSigned");
  } else if (child(spec, "ca").IsDefined()) {
    who = "private-ca", key = "ca", decided = issuer->key(spec, "ca");
  } else if (child(spec, "vault").IsDefined() || child(spec, "venafi").IsDefined()) {
    who = "private-ca", key = child(spec, "vault").IsDefined() ? "vault" : "venafi",
    decided = issuer->key(spec, key.c_str());
  } else if (child(acme, "server").IsDefined()) {
    if (scalar(child(acme, "server")).find("staging") != std::string::npos) who = "untrusted";
    key = "acme.server", decided = issuer->key(acme, "server");
  } else if (acme.IsDefined()) {
    key = "acme", decided = issuer->key(spec, "acme");
  }
  // Another public ACME CA (ZeroSSL, Google Trust Services, Buypass): browsers trust it as they
  // trust Let's Encrypt, which is the model's only public ACME CA; said, not passed off as mapped.
  const std::string server = scalar(child(acme, "server"));
  if (who == "letsencrypt" && !server.empty() && server.find("letsencrypt.org") == std::string::npos)
    cert.keys.set("issuer", r.assume(decided, "certificate.issuer", toml_str(who),
                                     r.w.format("import.why_other_acme_ca", issuer->kind + " " + name, server)));
  else if (key == "vault" || key == "venafi")  // the CA behind them is not in the files
    cert.keys.set("issuer", r.assume(decided, "certificate.issuer", toml_str(who),
                                     r.w.format("import.why_issuer_external", issuer->kind + " " + name, key)));
  else
    cert.keys.set("issuer",
                  r.from(decided, issuer->kind + " " + name + " " + key, "certificate.issuer", toml_str(who)));
  // cert-manager signs with these itself: no ACME order, no challenge (the run does the same);
  // the run's clients trust the CA, which only a machine with its root installed does.
  if (who == "private-ca") r.assumed(decided, r.w.format("import.private_ca_trust", "cert-manager"));
  if (who != "letsencrypt" && who != "untrusted") return;
  // cert-manager picks a solver for each name by its selector, the most specific first: a
  // dnsNames holding the name, then the longest dnsZones the name is in, then one without a
  // selector (matchLabels, the Certificate's labels, are not compared: such a solver is skipped).
  // The model has one challenge per certificate: the one for its first name.
  std::string challenge;
  SourcePos where;
  const YAML::Node solvers = child(acme, "solvers");
  size_t best = 0;
  bool chosen = false;
  for (const auto& solver : solvers) {
    const YAML::Node selector = child(solver, "selector");
    const YAML::Node names = child(selector, "dnsNames"), zones = child(selector, "dnsZones");
    size_t score = 0;
    if (!selector.IsMap() || selector.size() == 0) score = 1;
    for (const auto& n : names)
      if (scalar(n) == cert.domain) score = std::max<size_t>(score, 1000000);
    for (const auto& z : zones)
      if (const std::string zone = scalar(z); cert.domain == zone || cert.domain.ends_with("." + zone))
        score = std::max(score, 1000 + zone.size());
    std::string kind;
    SourcePos pos;
    if (child(solver, "http01").IsDefined())
      kind = "http-01", pos = issuer->key(solver, "http01");
    else if (child(solver, "dns01").IsDefined())
      kind = "dns-01", pos = issuer->key(solver, "dns01");
    if (kind.empty() || score <= best) continue;
    best = score, challenge = kind, where = pos, chosen = true;
  }
  if (chosen && solvers.size() > 1) r.mapped(where, r.w.format("import.k8s_solver_chosen", cert.domain, challenge));
  if (challenge.empty())
    cert.keys.set("challenge",
                  r.assume(decided, "certificate.challenge", toml_str("http-01"), r.w("import.why_challenge")));
  else
    cert.keys.set("challenge", r.from(where, "solvers." + challenge, "certificate.challenge", toml_str(challenge)));
}

// The issuer a Certificate names (issuerRef; its kind is Issuer unless it says ClusterIssuer):
// who signs it and how it proves control.
void certificate_issuer(const K8s& k, const Manifest& m, CertModel& cert, Report& r) {
  const YAML::Node spec = child(m.doc, "spec");
  const YAML::Node ref = child(spec, "issuerRef");
  const std::string kind = scalar(child(ref, "kind")).empty() ? "Issuer" : scalar(child(ref, "kind"));
  const std::string name = scalar(child(ref, "name"));
  const SourcePos at = m.key(spec, "issuerRef");
  r.mapped(at, r.w.format("import.k8s_issuer_ref", m.name, kind, name));
  issuer_keys(k, kind, name, at, cert, r);
}

// Whether the CA, not spec.duration, decides a Certificate's lifetime: cert-manager asks an ACME
// server for the duration only with the issuer's acme.enableDurationFeature, and Let's Encrypt
// does not support it (cert-manager's ACMEIssuer reference). `issuer` is the value the import
// chose for certificate.issuer.
bool acme_decides_lifetime(const K8s& k, const Manifest& cert, const Val* issuer) {
  if (!issuer || (issuer->toml != toml_str("letsencrypt") && issuer->toml != toml_str("untrusted"))) return false;
  const YAML::Node ref = child(child(cert.doc, "spec"), "issuerRef");
  const std::string kind = scalar(child(ref, "kind")).empty() ? "Issuer" : scalar(child(ref, "kind"));
  const Manifest* found = find(k, kind, scalar(child(ref, "name")));
  if (!found) return true;  // assumed to be Let's Encrypt
  const YAML::Node acme = child(child(found->doc, "spec"), "acme");
  const bool lets_encrypt =
      scalar(child(acme, "server")).find("letsencrypt.org") != std::string::npos || !child(acme, "server").IsDefined();
  return lets_encrypt || scalar(child(acme, "enableDurationFeature")) != "true";
}

}  // namespace

void read_services(K8s& k, Report& r) {
  for (const Manifest& m : k.manifests) {
    if (m.kind != "Service") continue;
    const YAML::Node spec = child(m.doc, "spec");
    const YAML::Node selector = child(spec, "selector");
    std::string match;
    for (const auto& [deployment, labels] : k.pod_labels) {
      bool all = selector.IsMap() && selector.size() > 0;
      for (const auto& kv : selector) {
        const auto it = labels.find(scalar(kv.first));
        all = all && it != labels.end() && it->second == scalar(kv.second);
      }
      if (all) match = deployment;
    }
    if (match.empty()) {
      r.ignored(m.at(), r.w.format("import.k8s_service_no_deployment", m.name));
      continue;
    }
    const std::string& kind = k.workload_kind[match];
    if (k.left_out.count(match)) {  // said at the workload's line; nothing routes to it
      r.ignored(m.key(spec, "selector"), r.w.format("import.k8s_service_left_out", m.name, kind, match));
      continue;
    }
    k.service_to_deployment[m.name] = match;
    r.mapped(m.key(spec, "selector"), r.w.format("import.k8s_service", m.name, kind, match));
    if (const std::string type = scalar(child(spec, "type")); !type.empty() && type != "ClusterIP")
      r.ignored(m.pos(child(spec, "type")),
                r.w.format("import.ignored_key", "type: " + type, r.w("import.why_service_type")));
  }
}

void read_ingresses(K8s& k, Deployment& d, Report& r) {
  bool from_ingress = false;
  for (const Manifest& m : k.manifests) {
    if (m.kind != "Ingress") continue;
    const YAML::Node spec = child(m.doc, "spec");
    const YAML::Node annotations = child(child(m.doc, "metadata"), "annotations");
    if (d.proxy && !from_ingress) {
      r.ignored(m.at(), r.w.format("import.second_proxy", m.name));
      continue;
    }
    if (!d.proxy) {
      ProxyModel p;
      p.pos = m.at();
      // The class in the spec, or in the annotation that older manifests still carry: the report
      // names the key the file has.
      const char* cls_key = "ingressClassName";
      YAML::Node cls = child(spec, cls_key);
      if (!cls.IsDefined()) cls_key = "kubernetes.io/ingress.class", cls = child(annotations, cls_key);
      const std::string name = scalar(cls);
      if (name.find("traefik") != std::string::npos)
        p.keys.set("preset", r.from(m.pos(cls), cls_key, "proxy.preset", toml_str("traefik")));
      else if (name.find("nginx") != std::string::npos)
        p.keys.set("preset", r.from(m.pos(cls), cls_key, "proxy.preset", toml_str("ingress-nginx")));
      else
        p.keys.set("preset",
                   r.assume(m.at(), "proxy.preset", toml_str("ingress-nginx"), r.w("import.why_ingress_class")));
      d.proxy = std::move(p);
      from_ingress = true;
    }
    std::string issuer, issuer_key;
    SourcePos issuer_pos;
    for (const auto& kv : annotations) {
      const std::string key = scalar(kv.first);
      if (key == "cert-manager.io/cluster-issuer" || key == "cert-manager.io/issuer") {
        issuer = scalar(kv.second);
        issuer_key = key;
        issuer_pos = m.pos(kv.first);
      } else if (key == "nginx.ingress.kubernetes.io/proxy-read-timeout") {
        const auto secs = as_int(kv.second);
        if (secs) {
          if (const auto text = seconds_text(*secs, 0, m.pos(kv.second), key, scalar(kv.second), r))
            d.proxy->keys.set("upstream_timeout", r.from(m.pos(kv.second), key, "proxy.upstream_timeout", *text));
        } else
          r.error(m.pos(kv.second), r.w.format("import.bad_value", key, scalar(kv.second), "\"120\""));
      } else if (key != "kubernetes.io/ingress.class") {
        r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
      }
    }
    for (const auto& rule : child(spec, "rules")) {
      const std::string host = scalar(child(rule, "host"));
      if (host.empty()) {
        r.ignored(m.pos(rule), r.w("import.k8s_rule_no_host"));
        continue;
      }
      bool first = true;
      for (const auto& path : child(child(rule, "http"), "paths")) {
        const YAML::Node svc = child(child(path, "backend"), "service");
        const std::string svc_name = scalar(child(svc, "name"));
        if (!first) {
          r.ignored(m.pos(path), r.w.format("import.k8s_path_ignored", scalar(child(path, "path")), host));
          continue;
        }
        first = false;
        const auto it = k.service_to_deployment.find(svc_name);
        if (it == k.service_to_deployment.end()) {
          r.ignored(m.pos(path), r.w.format("import.k8s_backend_unknown", host, svc_name));
          continue;
        }
        d.proxy->routes.push_back({host, node_name(it->second), m.pos(child(rule, "host")), true});
        // Only a path of "/" (Prefix) takes every path of the host.
        if (const std::string p = scalar(child(path, "path")); !p.empty() && p != "/")
          r.ignored(m.pos(child(path, "path")), r.w.format("import.route_one_path", "path " + p, host));
        r.mapped(m.pos(child(rule, "host")),
                 r.w.format("import.mapped", "rules.host", "proxy.routes", host + " -> " + node_name(it->second)));
      }
    }
    for (const auto& tls : child(spec, "tls")) {
      const YAML::Node hosts = child(tls, "hosts");
      if (!hosts.IsSequence() || hosts.size() == 0) continue;
      CertModel cert;
      cert.domain = scalar(hosts[0]);
      for (size_t i = 1; i < hosts.size(); ++i) cert.alt_names.push_back(scalar(hosts[i]));
      cert.pos = m.pos(tls);
      const std::string secret = scalar(child(tls, "secretName"));
      // cert-manager's ingress-shim keeps a Certificate named after the TLS secret (in the
      // Ingress's namespace; namespaces are not told apart here). One it does not own, applied
      // from a file, it leaves alone: that Certificate, not the annotation, says who issues and
      // renews. A Certificate of another name for the same secret does not stop ingress-shim.
      const Manifest* explicit_cert = certificate_for(k, secret);
      const bool shim_skips = explicit_cert && explicit_cert->name == secret;
      if (!issuer.empty() && !shim_skips) {
        cert.keys.set("renewal", r.from(issuer_pos, issuer_key, "certificate.renewal", toml_str("cert-manager")));
        issuer_keys(k, issuer_key == "cert-manager.io/issuer" ? "Issuer" : "ClusterIssuer", issuer, issuer_pos, cert,
                    r);
      } else if (explicit_cert) {
        cert.keys.set("renewal", r.from(explicit_cert->kind_pos(), "kind: Certificate", "certificate.renewal",
                                        toml_str("cert-manager")));
        certificate_issuer(k, *explicit_cert, cert, r);
        if (!issuer.empty())
          r.ignored(issuer_pos, r.w.format("import.k8s_annotation_redundant", issuer_key, explicit_cert->name));
      } else {
        cert.keys.set("renewal",
                      r.assume(cert.pos, "certificate.renewal", toml_str("none"), r.w("import.why_secret_by_hand")));
      }
      issued_at(cert, cert.pos);
      if (!secret.empty()) k.secret_to_domain[secret] = cert.domain;
      d.certs.push_back(std::move(cert));
    }
    for (const auto& kv : spec) {
      const std::string key = scalar(kv.first);
      if (key != "rules" && key != "tls" && key != "ingressClassName")
        r.ignored(m.pos(kv.first), r.w.format("import.ignored_key", key, r.w("import.why_not_modelled")));
    }
  }
}

void read_certificates(K8s& k, Deployment& d, Report& r) {
  for (const Manifest& m : k.manifests) {
    if (m.kind != "Certificate") continue;
    const YAML::Node spec = child(m.doc, "spec");
    const std::string secret = scalar(child(spec, "secretName"));
    CertModel* cert = nullptr;
    if (const auto it = k.secret_to_domain.find(secret); it != k.secret_to_domain.end())
      for (CertModel& c : d.certs)
        if (c.domain == it->second) cert = &c;
    if (cert) {
      r.mapped(m.kind_pos(), r.w.format("import.k8s_certificate_same", m.name, secret));
    } else {
      std::vector<std::string> names;
      for (const auto& n : child(spec, "dnsNames")) names.push_back(scalar(n));
      if (names.empty() && !scalar(child(spec, "commonName")).empty())
        names.push_back(scalar(child(spec, "commonName")));
      if (names.empty()) {
        r.ignored(m.at(), r.w.format("import.k8s_certificate_no_names", m.name));
        continue;
      }
      CertModel c;
      c.domain = names.front();
      c.alt_names.assign(names.begin() + 1, names.end());
      c.pos = m.key(spec, child(spec, "dnsNames").size() > 0 ? "dnsNames" : "commonName");
      c.keys.set("renewal", r.from(m.kind_pos(), "kind: Certificate", "certificate.renewal", toml_str("cert-manager")));
      certificate_issuer(k, m, c, r);
      issued_at(c, m.kind_pos());
      d.certs.push_back(std::move(c));
      cert = &d.certs.back();
    }
    if (const YAML::Node dur = child(spec, "duration"); dur.IsDefined()) {
      // Checked either way: cert-manager refuses a duration out of range whoever signs.
      if (const auto d = compose_duration_text(scalar(dur), 1, m.pos(dur), "spec.duration", "2160h", r)) {
        if (acme_decides_lifetime(k, m, cert->keys.get("issuer"))) {
          r.ignored(m.pos(dur), r.w.format("import.ignored_key", "duration", r.w("import.why_duration_acme")));
          cert->keys.set("lifetime",
                         r.assume(m.pos(dur), "certificate.lifetime", "\"90d\"", r.w("import.why_lifetime_acme")));
        } else {
          cert->keys.set("lifetime", r.from(m.pos(dur), "spec.duration", "certificate.lifetime", *d));
        }
      }
    }
    for (const auto& kv : spec) {
      const std::string key = scalar(kv.first);
      if (key == "secretName" || key == "dnsNames" || key == "commonName" || key == "issuerRef" || key == "duration")
        continue;
      // Not in the run (it renews at two thirds), but it tells when the certificate in use was
      // renewed last: the issue time follows it (choose_issued).
      if (key == "renewBefore")
        if (const auto ms = parse_compose_duration_ms(scalar(kv.second)); ms && *ms > 0 && *ms < UINT64_MAX) {
          cert->renew_before = deploysim::ms(static_cast<int64_t>(*ms));
          cert->renew_before_pos = m.pos(kv.second);
        }
      r.ignored(m.pos(kv.first),
                r.w.format("import.ignored_key", key,
                           key == "renewBefore" ? r.w("import.why_renew_before") : r.w("import.why_not_modelled")));
    }
  }
  for (const Manifest& m : k.manifests)
    if (m.kind == "ClusterIssuer" || m.kind == "Issuer")
      r.mapped(m.kind_pos(), r.w.format("import.k8s_issuer", m.kind, m.name));
}

}  // namespace deploysim::import
