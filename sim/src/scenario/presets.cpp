// What each proxy and app server does when the scenario does not say, from the tools' sources.
#include "deploysim/presets.hpp"

#include <algorithm>
#include <array>

#include "scenario/tool_table.hpp"

namespace deploysim {

namespace {

// Sources of each column, by preset:
// - offers_h2. Caddy: the server's `protocols` default to h1 h2 h3 (caddyserver.com/docs/
//   caddyfile/options). Traefik: Go's net/http server negotiates h2 on every TLS entry point.
//   HAProxy 2.8+: a `bind ... ssl` line without alpn/npn/no-alpn gets "h2,http/1.1" (commit
//   5003ac7f, "set useful ALPN defaults"; doc/configuration.txt, bind option `alpn`). nginx:
//   `http2` (1.25.1+, src/http/v2/ngx_http_v2_module.c) defaults to off; before 1.25.1 it was
//   `listen 443 ssl http2`; without it ALPN selects http/1.1 only. The Ingress NGINX controller's
//   ConfigMap use-http2 defaults to "true"; an AWS ALB's routing.http2.enabled defaults to true.
// - forwarded_headers. Caddy's reverse_proxy adds X-Forwarded-For/-Proto/-Host (caddyfile/
//   directives/reverse_proxy, "Defaults"); Traefik adds X-Forwarded-* (routing/entrypoints,
//   forwardedHeaders). nginx redefines only Host and Connection unless proxy_set_header says more
//   (ngx_http_proxy_module, proxy_set_header); HAProxy needs `option forwardfor` and a set-header
//   for X-Forwarded-Proto. The Ingress NGINX controller's template sets X-Forwarded-For/-Proto/
//   -Host/-Port; an AWS ALB adds X-Forwarded-For, -Proto and -Port to every request.
// - upstream_timeout. nginx proxy_read_timeout 60s (ngx_http_proxy_module.c merges read_timeout to
//   60000 ms). HAProxy has no default `timeout server` (unset = infinite, with a warning); Debian's
//   shipped /etc/haproxy/haproxy.cfg sets `timeout server 50000`. Caddy's http transport:
//   response_header_timeout and read_timeout "Default: No timeout" (modules/caddyhttp/
//   reverseproxy/httptransport.go). Traefik serversTransport forwardingTimeouts.
//   responseHeaderTimeout defaults to 0s: none. Ingress NGINX controller ConfigMap
//   proxy-read-timeout "60". AWS ALB: a target that sends nothing within the idle timeout (60 s)
//   gets the client a 504.
// - connect_timeout: how long a connect to an app whose host is down (no SYN-ACK, no RST) waits.
//   nginx proxy_connect_timeout 60s (ngx_http_proxy_module); Caddy's http transport dial_timeout
//   3s (httptransport.go, caddyserver/caddy#4436); Traefik serversTransport forwardingTimeouts.
//   dialTimeout 30s; HAProxy `timeout connect` 5000 in Debian's shipped haproxy.cfg (no default
//   without it); the Ingress NGINX controller's ConfigMap proxy-connect-timeout 5 (seconds); an
//   AWS ALB's connection timeout to a target, 10 seconds ("Troubleshoot your Application Load
//   Balancers", HTTP 504).
// - idle_timeout (the client side's keep-alive): nginx keepalive_timeout 75s
//   (ngx_http_core_module), Caddy servers idle_timeout 5m, Traefik entryPoints
//   respondingTimeouts.idleTimeout 180s, HAProxy falls back to `timeout client` (50s in Debian's
//   shipped haproxy.cfg), the Ingress NGINX controller's ConfigMap keep-alive 75 (seconds), an AWS
//   ALB's idle_timeout.timeout_seconds 60 (ELBv2 LoadBalancerAttribute).
// - renewal, acme. Traefik and Caddy renew by themselves; nginx and HAProxy rely on certbot, a
//   Kubernetes ingress on cert-manager, a cloud load balancer on the provider (domain-facts.md,
//   "Certificates"; FastAPI "Deployment Concepts"). acme_one_name: CertMagic (Caddy's ACME
//   client) manages one name per certificate: "Does CertMagic obtain SAN certificates? ... the
//   answer is no" (certmagic README).
// - provider_certificates: ACM issues from Amazon's CA and renews by itself only DNS-validated
//   certificates it issued ("NOT ELIGIBLE if imported"); an ALB serves its default certificate to
//   a name it has no certificate for, so it has no strict SNI.
// - next_upstream_tries. nginx's proxy_next_upstream defaults to `error timeout`: after an error
//   connecting to a server, sending it the request or reading its response header, the request
//   goes to the next server (one a request was sent to, only if its method is idempotent unless
//   `non_idempotent`); proxy_next_upstream_tries 0 = no limit, each server once
//   (ngx_http_proxy_module). The Ingress NGINX controller's ConfigMap: proxy-next-upstream
//   "error timeout", proxy-next-upstream-tries 3. Traefik retries only with its Retry middleware,
//   Caddy's reverse_proxy only with lb_try_duration (default 0); HAProxy's `retries 3` retries the
//   same server unless `option redispatch` (not modelled); an ALB does not retry.
// - unmatched, own_certificate: nginx uses the first server block's certificate, HAProxy its
//   first crt, an AWS ALB its listener's default certificate ("If the hostname doesn't match a
//   certificate in the certificate list, the load balancer selects the default certificate");
//   Caddy has no certificate for an unknown name; Traefik serves its self-generated "TRAEFIK
//   DEFAULT CERT", the Ingress NGINX controller its self-signed "Kubernetes Ingress Controller
//   Fake Certificate" unless --default-ssl-certificate is set.
// - reject_alert: nginx `ssl_reject_handshake on` and HAProxy `strict-sni` answer
//   unrecognized_name (112); Caddy and Traefik are Go programs whose GetCertificate error makes
//   crypto/tls send internal_error (80) (handshake_server.go); the Ingress NGINX controller is
//   nginx underneath (ConfigMap ssl-reject-handshake); a cloud LB never rejects.
constexpr Time never{};
constexpr std::string_view certbot_hint = R"(renewal = "certbot" (or "cert-manager"))";

constexpr std::array proxy_table{
    ProxyPresetInfo{.preset = ProxyPreset::caddy,
                    .name = "caddy",
                    .tool = "Caddy",
                    .offers_h2 = true,
                    .forwarded_headers = true,
                    .upstream_timeout = never,
                    .connect_timeout = s(3),
                    .idle_timeout = minutes(5),
                    .renewal = Renewal::proxy,
                    .renewal_hint = "",
                    .acme = ProxyAcme::certmagic,
                    .acme_one_name = true,
                    .provider_certificates = false,
                    .unmatched = UnmatchedName::no_certificate,
                    .own_certificate = "",
                    .reject_alert = "internal_error",
                    .reject_alert_code = 80},
    ProxyPresetInfo{.preset = ProxyPreset::traefik,
                    .name = "traefik",
                    .tool = "Traefik",
                    .offers_h2 = true,
                    .forwarded_headers = true,
                    .upstream_timeout = never,
                    .connect_timeout = s(30),
                    .idle_timeout = s(180),
                    .renewal = Renewal::proxy,
                    .renewal_hint = "",
                    .acme = ProxyAcme::traefik,
                    .acme_one_name = false,
                    .provider_certificates = false,
                    .unmatched = UnmatchedName::own_self_signed,
                    .own_certificate = "TRAEFIK DEFAULT CERT",
                    .reject_alert = "internal_error",
                    .reject_alert_code = 80},
    ProxyPresetInfo{.preset = ProxyPreset::nginx,
                    .name = "nginx",
                    .tool = "nginx",
                    .offers_h2 = false,
                    .forwarded_headers = false,
                    .upstream_timeout = s(60),
                    .connect_timeout = s(60),
                    .idle_timeout = s(75),
                    .renewal = Renewal::certbot,
                    .renewal_hint = certbot_hint,
                    .acme = ProxyAcme::none,
                    .acme_one_name = false,
                    .provider_certificates = false,
                    .unmatched = UnmatchedName::first_certificate,
                    .own_certificate = "",
                    .reject_alert = "unrecognized_name",
                    .reject_alert_code = 112,
                    .next_upstream_tries = 0},
    ProxyPresetInfo{.preset = ProxyPreset::haproxy,
                    .name = "haproxy",
                    .tool = "HAProxy",
                    .offers_h2 = true,
                    .forwarded_headers = false,
                    .upstream_timeout = s(50),
                    .connect_timeout = s(5),
                    .idle_timeout = s(50),
                    .renewal = Renewal::certbot,
                    .renewal_hint = certbot_hint,
                    .acme = ProxyAcme::none,
                    .acme_one_name = false,
                    .provider_certificates = false,
                    .unmatched = UnmatchedName::first_certificate,
                    .own_certificate = "",
                    .reject_alert = "unrecognized_name",
                    .reject_alert_code = 112},
    ProxyPresetInfo{.preset = ProxyPreset::ingress_nginx,
                    .name = "ingress-nginx",
                    .tool = "the Ingress NGINX controller",
                    .offers_h2 = true,
                    .forwarded_headers = true,
                    .upstream_timeout = s(60),
                    .connect_timeout = s(5),
                    .idle_timeout = s(75),
                    .renewal = Renewal::cert_manager,
                    .renewal_hint = R"(renewal = "cert-manager" (Certificate resources))",
                    .acme = ProxyAcme::none,
                    .acme_one_name = false,
                    .provider_certificates = false,
                    .unmatched = UnmatchedName::own_self_signed,
                    .own_certificate = "Kubernetes Ingress Controller Fake Certificate",
                    .reject_alert = "unrecognized_name",
                    .reject_alert_code = 112,
                    .next_upstream_tries = 3},
    ProxyPresetInfo{.preset = ProxyPreset::cloud_lb,
                    .name = "cloud-lb",
                    .tool = "the cloud load balancer",
                    .offers_h2 = true,
                    .forwarded_headers = true,
                    .upstream_timeout = s(60),
                    .connect_timeout = s(10),
                    .idle_timeout = s(60),
                    .renewal = Renewal::provider,
                    .renewal_hint = R"(renewal = "provider" (the provider's certificate manager))",
                    .acme = ProxyAcme::none,
                    .acme_one_name = false,
                    .provider_certificates = true,
                    .unmatched = UnmatchedName::first_certificate,
                    .own_certificate = "",
                    .reject_alert = "unrecognized_name",
                    .reject_alert_code = 112},
};

static_assert(detail::rows_follow_enum(proxy_table, &ProxyPresetInfo::preset), "rows follow the ProxyPreset enum");
constexpr auto proxy_names = detail::row_names(proxy_table);

}  // namespace

std::span<const ProxyPresetInfo> proxy_presets() { return proxy_table; }
const ProxyPresetInfo& proxy_preset(ProxyPreset p) { return detail::row_of(proxy_table, p); }
const ProxyPresetInfo* find_proxy_preset(std::string_view name) { return detail::row_named(proxy_table, name); }
std::span<const std::string_view> proxy_preset_names() { return proxy_names; }

bool proxy_offers_h2(const ProxySpec& p) {
  if (p.http2) return *p.http2;
  return proxy_preset(p.preset).offers_h2;
}

bool proxy_sets_forwarded_headers(const ProxySpec& p) {
  if (p.forwarded_headers) return *p.forwarded_headers;
  return proxy_preset(p.preset).forwarded_headers;
}

std::optional<Time> proxy_upstream_timeout(const ProxySpec& p) {
  const Time t = p.upstream_timeout.value_or(proxy_preset(p.preset).upstream_timeout);
  if (t <= Time{}) return std::nullopt;
  return t;
}

Time proxy_connect_timeout(const ProxySpec& p) {
  return p.connect_timeout.value_or(proxy_preset(p.preset).connect_timeout);
}

bool server_speaks_h2c(ServerPreset server) {
  // Hypercorn takes h2c by Upgrade and by prior knowledge (docs/discussion/http2.rst, "No-TLS";
  // src/hypercorn/protocol/h11.py). Uvicorn and Gunicorn's workers speak HTTP/1.1; Daphne's
  // HTTP/2 needs TLS (its http2 extra).
  return server == ServerPreset::hypercorn;
}

bool manager_keeps_socket(ServerPreset server) {
  // Uvicorn's manager binds the socket before it spawns the workers and holds it for its whole
  // life (uvicorn/supervisors/multiprocess.py); so does Gunicorn's arbiter. Hypercorn's main
  // process shuts every worker down when one exits with an error (src/hypercorn/run.py), and
  // Daphne runs one process: neither leaves a socket open with no worker behind it.
  return server == ServerPreset::uvicorn || server == ServerPreset::gunicorn;
}

bool server_reads_proxy_headers(const ServiceSpec& svc) {
  if (svc.proxy_headers) return *svc.proxy_headers;
  // Uvicorn: --proxy-headers is on by default (docs/settings.md); Gunicorn's UvicornWorker
  // passes forwarded_allow_ips on and keeps it. Hypercorn needs ProxyFixMiddleware
  // (docs/how_to_guides/proxy_fix.rst); Daphne needs --proxy-headers.
  return svc.server == ServerPreset::uvicorn || svc.server == ServerPreset::gunicorn;
}

bool trusts_proxy_address(const ServiceSpec& svc, std::string_view ip) {
  return std::any_of(svc.forwarded_allow_ips.begin(), svc.forwarded_allow_ips.end(),
                     [&](const std::string& a) { return a == "*" || a == ip; });
}

const char* server_preset_name(ServerPreset p) {
  switch (p) {
    case ServerPreset::uvicorn:
      return "uvicorn";
    case ServerPreset::hypercorn:
      return "hypercorn";
    case ServerPreset::daphne:
      return "daphne";
    case ServerPreset::gunicorn:
      return "gunicorn";
  }
  return "uvicorn";
}

RolloutStrategy rollout_strategy(const ServiceSpec& svc) {
  if (svc.rollout) return *svc.rollout;
  return supervisor_info(svc.supervisor.kind).rollout;
}

}  // namespace deploysim
