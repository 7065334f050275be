// What each proxy and app server does when the scenario does not say, from the tools' sources.
#include "deploysim/presets.hpp"

#include <algorithm>

namespace deploysim {

bool proxy_offers_h2(const ProxySpec& p) {
  if (p.http2) return *p.http2;
  switch (p.preset) {
    // Caddy: the server's `protocols` default to h1 h2 h3 (caddyserver.com/docs/caddyfile/options).
    case ProxyPreset::caddy: return true;
    // Traefik: Go's net/http server negotiates h2 on every TLS entry point.
    case ProxyPreset::traefik: return true;
    // HAProxy 2.8+: a `bind ... ssl` line without alpn/npn/no-alpn gets "h2,http/1.1" (commit
    // 5003ac7f, "set useful ALPN defaults"; doc/configuration.txt, bind option `alpn`).
    case ProxyPreset::haproxy: return true;
    // nginx: `http2` (1.25.1+, src/http/v2/ngx_http_v2_module.c) defaults to off; before
    // 1.25.1 it was `listen 443 ssl http2`. Without it ALPN selects http/1.1 only.
    case ProxyPreset::nginx: return false;
    // The NGINX Ingress Controller's ConfigMap use-http2 defaults to "true"; an AWS ALB's
    // routing.http2.enabled defaults to true.
    case ProxyPreset::ingress_nginx: return true;
    case ProxyPreset::cloud_lb: return true;
  }
  return true;
}

bool proxy_sets_forwarded_headers(const ProxySpec& p) {
  if (p.forwarded_headers) return *p.forwarded_headers;
  // Caddy's reverse_proxy adds X-Forwarded-For/-Proto/-Host (caddyfile/directives/reverse_proxy,
  // "Defaults"); Traefik adds X-Forwarded-* (routing/entrypoints, forwardedHeaders). nginx
  // redefines only Host and Connection unless proxy_set_header says more
  // (ngx_http_proxy_module, proxy_set_header); HAProxy needs `option forwardfor` and a
  // set-header for X-Forwarded-Proto.
  // The NGINX Ingress Controller's template sets X-Forwarded-For/-Proto/-Host/-Port; an AWS ALB
  // adds X-Forwarded-For, -Proto and -Port to every request.
  return p.preset != ProxyPreset::nginx && p.preset != ProxyPreset::haproxy;
}

std::optional<Time> proxy_upstream_timeout(const ProxySpec& p) {
  if (p.upstream_timeout) {
    if (*p.upstream_timeout <= Time{}) return std::nullopt;
    return *p.upstream_timeout;
  }
  switch (p.preset) {
    // nginx proxy_read_timeout 60s (ngx_http_proxy_module.c merges read_timeout to 60000 ms).
    case ProxyPreset::nginx: return s(60);
    // HAProxy has no default `timeout server` (unset = infinite, with a warning); Debian's
    // shipped /etc/haproxy/haproxy.cfg sets `timeout server 50000`.
    case ProxyPreset::haproxy: return s(50);
    // Caddy's http transport: response_header_timeout and read_timeout "Default: No timeout"
    // (modules/caddyhttp/reverseproxy/httptransport.go).
    case ProxyPreset::caddy: return std::nullopt;
    // Traefik serversTransport forwardingTimeouts.responseHeaderTimeout defaults to 0s: none.
    case ProxyPreset::traefik: return std::nullopt;
    // NGINX Ingress Controller ConfigMap proxy-read-timeout "60".
    case ProxyPreset::ingress_nginx: return s(60);
    // AWS ALB: a target that sends nothing within the idle timeout (60 s) gets the client a 504.
    case ProxyPreset::cloud_lb: return s(60);
  }
  return std::nullopt;
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
    case ServerPreset::uvicorn: return "uvicorn";
    case ServerPreset::hypercorn: return "hypercorn";
    case ServerPreset::daphne: return "daphne";
    case ServerPreset::gunicorn: return "gunicorn";
  }
  return "uvicorn";
}

RolloutStrategy rollout_strategy(const ServiceSpec& svc) {
  if (svc.rollout) return *svc.rollout;
  // A Deployment's default strategy is RollingUpdate (domain-facts.md, Kubernetes);
  // systemctl restart and docker compose up replace everything at once.
  return svc.supervisor.kind == SupervisorKind::kubernetes ? RolloutStrategy::rolling : RolloutStrategy::recreate;
}

}  // namespace deploysim
