#pragma once
#include <optional>

#include "deploysim/scenario.hpp"

namespace deploysim {

// The defaults a proxy or an app server ships with, where a scenario key leaves the choice to
// the preset. Each is cited in presets.cpp.

/// Whether the proxy offers h2 in ALPN to browsers: its `http2` key, else the preset's default
/// (Caddy, Traefik, HAProxy 2.8+: yes; nginx only with `http2 on`). The app behind it plays no part.
bool proxy_offers_h2(const ProxySpec& proxy);
/// Whether the proxy adds X-Forwarded-For and X-Forwarded-Proto: its `forwarded_headers` key,
/// else the preset's default (Caddy and Traefik do; nginx and HAProxy only when configured).
bool proxy_sets_forwarded_headers(const ProxySpec& proxy);
/// How long the proxy waits for the app's answer before 504: its `upstream_timeout` key (0 =
/// never), else the preset's default. nullopt: it never gives up.
std::optional<Time> proxy_upstream_timeout(const ProxySpec& proxy);
/// Whether an app server accepts HTTP/2 in clear text (h2c) from a proxy: Hypercorn only.
bool server_speaks_h2c(ServerPreset server);
/// Whether a multi-worker server's manager keeps the listening socket open while workers are
/// dead (Uvicorn, Gunicorn): the kernel then still accepts connections for them.
bool manager_keeps_socket(ServerPreset server);
/// Whether the app reads X-Forwarded-* from a trusted proxy: its `proxy_headers` key, else the
/// server's default (Uvicorn and Gunicorn yes; Hypercorn and Daphne need it switched on).
bool server_reads_proxy_headers(const ServiceSpec& service);
/// Whether `forwarded_allow_ips` trusts a connection from this address ("*" trusts any).
bool trusts_proxy_address(const ServiceSpec& service, std::string_view ip);
/// The rollout strategy in effect: the service's `rollout`, or RollingUpdate under Kubernetes and
/// all at once elsewhere.
RolloutStrategy rollout_strategy(const ServiceSpec& svc);
/// Lower-case server preset name ("hypercorn").
const char* server_preset_name(ServerPreset server);

}  // namespace deploysim
