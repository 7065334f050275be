#pragma once
#include <optional>
#include <span>
#include <string_view>

#include "deploysim/scenario.hpp"

namespace deploysim {

// One row per proxy preset and per supervisor: every fact the loader, the validator, the models,
// the loopback and the what-if panel need about a tool that is data rather than behaviour. The
// rows, with the source of each number, are in presets.cpp and supervisors.cpp; docs/architecture.md
// ("Adding things") says what else a new row needs.

/// What a proxy presents to a ClientHello whose name (or missing SNI) matches no certificate of
/// its own when the scenario sets no `default_certificate`.
enum class UnmatchedName : uint8_t {
  first_certificate,  ///< Its first certificate (nginx's first server block, HAProxy's first crt, an ALB's default).
  own_self_signed,    ///< A self-signed certificate it made itself (`own_certificate` names it).
  no_certificate,     ///< None: the handshake fails (Caddy).
};

/// The ACME client built into a proxy, which renews when a certificate says renewal = "proxy".
enum class ProxyAcme : uint8_t { none, certmagic, traefik };

/// One proxy preset: what the tool does when the scenario leaves it to the tool.
struct ProxyPresetInfo {
  ProxyPreset preset;                ///< Its enum value (the row's index).
  std::string_view name;             ///< As scenario files spell it ("ingress-nginx").
  std::string_view tool;             ///< As a sentence names it ("the Ingress NGINX controller").
  bool offers_h2;                    ///< Offers h2 in ALPN to browsers by default.
  bool forwarded_headers;            ///< Adds X-Forwarded-For/-Proto by default.
  Time upstream_timeout;             ///< No answer from the app within it -> 504; Time{} = it never gives up.
  Time connect_timeout;              ///< No answer to its SYN (the app's host is down) within it: gives up on that try.
  Time idle_timeout;                 ///< Keep-alive idle timeout of its client side.
  Renewal renewal;                   ///< Who renews its certificates unless a certificate says otherwise.
  std::string_view renewal_hint;     ///< What to write instead of renewal = "proxy" when it has no ACME client.
  ProxyAcme acme;                    ///< Its own ACME client (renewal = "proxy").
  bool acme_one_name;                ///< Its ACME client issues one name per certificate (no alt_names).
  bool provider_certificates;        ///< A cloud LB: certificates from the provider's CA, DNS-validated and renewed
                                     ///< by the provider; no strict SNI.
  UnmatchedName unmatched;           ///< Without a default_certificate, for an unknown or missing SNI.
  std::string_view own_certificate;  ///< Subject of its self-made certificate (own_self_signed).
  std::string_view reject_alert;     ///< The alert of a rejected ClientHello (strict SNI, no certificate).
  int reject_alert_code;             ///< Its number (RFC 8446 section 6: 80 internal_error, 112 unrecognized_name).
  /// After a connection error with an upstream it passes the request on to the next one:
  /// -1 never, 0 to each upstream once, N at most N tries in all.
  int next_upstream_tries = -1;
};

/// Every proxy preset, in ProxyPreset order.
std::span<const ProxyPresetInfo> proxy_presets();
/// The row of a preset.
const ProxyPresetInfo& proxy_preset(ProxyPreset preset);
/// The row whose name is `name`, or nullptr.
const ProxyPresetInfo* find_proxy_preset(std::string_view name);
/// The presets' names in table order: what a scenario's `preset` may say.
std::span<const std::string_view> proxy_preset_names();

/// One supervisor kind: its defaults and the names it uses. Its restart logic is model code
/// (lifecycle/supervisor.cpp), chosen by the kind.
struct SupervisorInfo {
  SupervisorKind kind;                         ///< Its enum value (the row's index).
  std::string_view name;                       ///< As scenario files and trace records spell it ("supervisord").
  std::string_view tool;                       ///< As a sentence names it ("Kubernetes").
  std::string_view node;                       ///< Its node on a host ("edge-1/systemd"; "shell" for none).
  std::span<const std::string_view> policies;  ///< The restart values a scenario may give; the first is the default.
  bool policy_retries;                         ///< A policy may carry a retry limit ("on-failure:5", Docker).
  bool enabled_key;                            ///< The scenario's `enabled` decides the start on boot ...
  bool enabled_default;                        ///< ... and this is its default.
  std::span<const std::string_view> boot_policies;  ///< Otherwise the policies that start it on boot.
  std::string_view boot_note;                       ///< Why `enabled` does not apply, when it does not.
  std::span<const std::string_view> keys;           ///< The supervisor = { ... } keys only this tool has.
  Time grace_period;                                ///< From SIGTERM to SIGKILL by default; Time::max() = never killed.
  std::string_view waiting_state;                   ///< Shown while it waits to restart in a back-off.
  std::string_view given_up_state;                  ///< Shown once it has given up.
  bool container;                                   ///< Runs the app as PID 1 of a container (memory_limit applies).
  RolloutStrategy rollout;                          ///< How a redeploy replaces replicas unless the service says.
};

/// Every supervisor kind, in SupervisorKind order.
std::span<const SupervisorInfo> supervisors();
/// The row of a kind.
const SupervisorInfo& supervisor_info(SupervisorKind kind);
/// The row whose name is `name`, or nullptr.
const SupervisorInfo* find_supervisor(std::string_view name);
/// The kinds' names in table order: what a supervisor's `kind` may say.
std::span<const std::string_view> supervisor_names();
/// The tool's name ("systemd", "docker", "kubernetes", "supervisord", "none").
const char* supervisor_kind_name(SupervisorKind kind);

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
/// How long the proxy waits for an app's host to answer its SYN: its `upstream_connect_timeout`
/// key, else the preset's default (nginx 60 s, Traefik 30 s, Caddy 3 s, ...).
Time proxy_connect_timeout(const ProxySpec& proxy);
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
/// The rollout strategy in effect: the service's `rollout`, else its supervisor's (RollingUpdate
/// under Kubernetes, all at once elsewhere).
RolloutStrategy rollout_strategy(const ServiceSpec& svc);
/// Lower-case server preset name ("hypercorn").
const char* server_preset_name(ServerPreset server);

}  // namespace deploysim
