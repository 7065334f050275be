#pragma once
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "deploysim/text.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

class Messages;

// Plain data read from a scenario TOML file (see docs/scenario-format.md for every key and its
// default). Names and structure follow ../shared/scenario-example.toml. No behaviour lives here.

/// Where a value came from in its file (1-based; 0 = unknown/default).
struct SourcePos {
  uint32_t line = 0;    ///< Line.
  uint32_t column = 0;  ///< Column.
};

/// [scenario]
struct ScenarioInfo {
  std::string name;                 ///< Title shown in the GUI.
  std::string description;          ///< One-paragraph description.
  Translations tr;                  ///< `name` and `description` in other languages (`name_ko`, `description_ko`).
  uint64_t seed = 1;                ///< Seed of every random stream.
  Time duration = s(60);            ///< Simulated length of a run.
  int64_t start_unix = 1793523600;  ///< Calendar time (UTC seconds) at t = 0; default 2026-11-01T09:00:00Z.
  double slo = 0.999;               ///< Availability objective (`slo = 99.9`, in percent): sets the error budget.
};

/// A link latency override between two named nodes.
struct LinkSpec {
  std::string from;  ///< Node name.
  std::string to;    ///< Node name.
  Time latency;      ///< One-way latency.
};

/// [network]
struct NetworkSpec {
  Time latency = ms(20);        ///< Default one-way latency between nodes.
  std::vector<LinkSpec> links;  ///< Overrides.
};

/// [dns.resolver]
struct ResolverSpec {
  std::string name = "resolver";        ///< Node name.
  bool cache = true;                    ///< TTL cache on/off.
  Time root_latency = ms(15);           ///< One-way latency to the root servers.
  Time tld_latency = ms(25);            ///< One-way latency to the TLD servers.
  Time authoritative_latency = ms(40);  ///< One-way latency to the authoritative servers.
  Time retry_timeout = s(5);            ///< Stub retry timer for a lost/unanswered query (glibc: timeout:5).
  int attempts = 2;                     ///< Stub attempts before giving up (glibc: attempts:2).
};

/// DNS record types modelled.
enum class DnsType : uint8_t { A, AAAA, CNAME };

/// One resource record.
struct DnsRecordSpec {
  std::string name;  ///< Owner name (FQDN, no trailing dot).
  DnsType type = DnsType::A;
  std::string value;  ///< IP or CNAME target.
  Time ttl = minutes(5);
  SourcePos pos;  ///< For located errors.
};

/// [[dns.zone]]
struct ZoneSpec {
  std::string origin;              ///< e.g. "example.test".
  Time negative_ttl = minutes(5);  ///< SOA minimum: NXDOMAIN caching (RFC 2308).
  std::vector<DnsRecordSpec> records;
};

/// [[host]]
struct HostSpec {
  std::string name;
  std::string ip;
  uint64_t memory = 4ULL << 30;        ///< Bytes of RAM.
  bool enabled_on_boot_docker = true;  ///< Whether the Docker daemon itself starts on boot.
  SourcePos pos;
};

/// TLS termination proxy presets: four proxies on a host of yours, the Ingress NGINX controller
/// of a Kubernetes cluster, and a cloud provider's load balancer (modelled on AWS ALB + ACM).
enum class ProxyPreset : uint8_t { caddy, traefik, nginx, haproxy, ingress_nginx, cloud_lb };

/// Host-header route.
struct RouteSpec {
  std::string host;  ///< Host header value.
  std::string pool;  ///< Service name.
  SourcePos pos;
  bool upstream_h2c = false;  ///< The proxy speaks HTTP/2 in clear text (h2c) to this pool's app.
};

/// TLS protocol versions, as a bit set.
enum TlsVersionBits : uint8_t { tls12 = 1, tls13 = 2 };

/// Mutual TLS: whether the proxy asks clients for a certificate (nginx `ssl_verify_client`).
enum class VerifyClients : uint8_t { off, optional, require };
/// The certificate a client holds for mutual TLS: none, one from the private CA the proxy
/// trusts, or one from another CA.
enum class ClientCertificate : uint8_t { none, trusted, untrusted };

/// [proxy]
struct ProxySpec {
  std::string name = "proxy";
  std::string host;  ///< Host it runs on (its IP is the public IP).
  ProxyPreset preset = ProxyPreset::caddy;
  int listen = 443;
  uint8_t tls_versions = tls12 | tls13;
  std::string default_certificate;  ///< Domain whose certificate is served without SNI.
  bool strict_sni = false;          ///< No/unknown SNI -> unrecognized_name alert.
  std::vector<RouteSpec> routes;
  std::optional<bool> http2;              ///< Offers h2 in ALPN; unset: the preset's default (proxy_offers_h2).
  std::optional<bool> forwarded_headers;  ///< Adds X-Forwarded-For/Proto; unset: the preset's default.
  std::optional<Time> upstream_timeout;   ///< No answer from the app within it -> 504; 0 = none; unset: the preset's.
  std::optional<Time> connect_timeout;    ///< No answer to the SYN to an app (its host is down); unset: the preset's.
  bool persisted_storage = true;          ///< Traefik acme.json / Caddy data dir on a volume: survives a recreate.
  VerifyClients verify_clients = VerifyClients::off;  ///< Mutual TLS: ask for client certificates (private CA).
  bool ocsp_stapling = false;  ///< Staple the CA's OCSP response when the certificate's CA runs a responder.
  /// Non-empty: the proxy publishes an ECH config (RFC 9849) with this public name in the DNS
  /// HTTPS record (RFC 9460) of the names it serves; it holds a certificate for the name.
  std::string ech_public_name;
  /// Key-exchange groups it accepts, in its preference order ("x25519", "p256", "p384").
  std::vector<std::string> groups = {"x25519", "p256", "p384"};
  bool session_tickets = true;      ///< Sends NewSessionTickets; the reader sets the preset's default.
  int instances = 1;                ///< Proxy instances behind its one address; each connection lands on one.
  bool shared_ticket_keys = false;  ///< ticket_keys = "shared": every instance decrypts every ticket.
  bool early_data = false;          ///< Accepts 0-RTT data (nginx ssl_early_data, HAProxy allow-0rtt).
};

/// Certificate issuers; `provider` is the cloud provider's own public CA (ACM: Amazon).
enum class Issuer : uint8_t { letsencrypt, private_ca, self_signed, untrusted, provider };
/// Who renews a certificate; `provider` is the cloud provider's managed renewal (ACM).
enum class Renewal : uint8_t { proxy, certbot, cert_manager, none, provider };
/// ACME challenge type.
enum class Challenge : uint8_t { http01, tls_alpn01, dns01 };
/// certbot's renewal rule: the classic "30 days left" or the newer "1/3 of the lifetime left".
enum class CertbotRule : uint8_t { classic_30d, third_of_lifetime };

/// [[certificate]]
struct CertificateSpec {
  std::string domain;                  ///< The first name (and the path key).
  std::vector<std::string> alt_names;  ///< More names on the same certificate (subjectAltName).
  Issuer issuer = Issuer::letsencrypt;
  Time issued = -days(30);  ///< notBefore relative to the scenario start.
  Time lifetime = days(90);
  Renewal renewal = Renewal::proxy;
  bool reload_after_renewal = true;  ///< certbot without a deploy hook: false.
  Challenge challenge = Challenge::http01;
  CertbotRule certbot_rule = CertbotRule::classic_30d;
  bool revoked = false;  ///< Its CA revoked the certificate issued first (a renewed one is not).
  SourcePos pos;
};

/// ASGI/WSGI server presets.
enum class ServerPreset : uint8_t { uvicorn, hypercorn, daphne, gunicorn };

/// Service time distribution (lognormal fitted to median and p99).
struct ServiceTimeSpec {
  Time median = ms(20);
  Time p99 = ms(120);
};

/// Supervisor kinds.
enum class SupervisorKind : uint8_t { none, systemd, docker, kubernetes, supervisord };

/// systemd OOMPolicy=: what the service manager does when the kernel's OOM killer kills one of a
/// unit's processes (systemd.service(5)). Its default is DefaultOOMPolicy=, `stop`.
enum class OomPolicy : uint8_t {
  stop,      ///< The unit is stopped cleanly and ends with result oom-kill; Restart= decides.
  keep,      ///< "continue": logged; the unit keeps running with the processes left.
  kill_all,  ///< "kill": memory.oom.group=1, the kernel kills every process of the unit.
};

/// A liveness/readiness/startup probe (Kubernetes defaults).
struct ProbeSpec {
  bool enabled = false;
  Time period = s(10);
  Time timeout = s(1);
  int failure_threshold = 3;
  int success_threshold = 1;
  Time initial_delay = s(0);
};

/// supervisor = { ... } of a service. Defaults depend on the kind (see docs).
struct SupervisorSpec {
  SupervisorKind kind = SupervisorKind::none;
  std::string restart;         ///< Policy as the tool spells it ("on-failure", "Always", ...); empty = tool default.
  Time restart_sec = ms(100);  ///< systemd RestartSec.
  Time start_limit_interval = s(10);       ///< systemd StartLimitIntervalSec.
  int start_limit_burst = 5;               ///< systemd StartLimitBurst.
  int restart_steps = 0;                   ///< systemd RestartSteps (v254+).
  Time restart_max_delay = Time::max();    ///< systemd RestartMaxDelaySec.
  OomPolicy oom_policy = OomPolicy::stop;  ///< systemd OOMPolicy=.
  bool enabled = false;                    ///< Start on boot (systemctl enable; Docker: policy decides).
  int max_retries = 0;                     ///< Docker on-failure:N (0 = unlimited).
  Time startsecs = s(1);                   ///< supervisord startsecs.
  int startretries = 3;                    ///< supervisord startretries.
  ProbeSpec liveness;                      ///< Kubernetes liveness probe.
  ProbeSpec readiness;                     ///< Kubernetes readiness probe.
  ProbeSpec startup;                       ///< Kubernetes startup probe.
  std::optional<uint64_t> memory_limit;    ///< Container memory limit (OOMKilled, 137).
  /// Kubernetes: the kubelet's singleProcessOOMKill. Off, as on cgroup v2 since 1.28, the kubelet
  /// sets memory.oom.group and one OOM kill takes every process of the container.
  bool single_process_oom_kill = false;
  /// From SIGTERM (or the preStop hook) to SIGKILL: Kubernetes terminationGracePeriodSeconds,
  /// systemd TimeoutStopSec, docker stop -t, supervisord stopwaitsecs. Unset: the tool's default.
  std::optional<Time> grace_period;
  Time pre_stop;  ///< Kubernetes preStop hook (a sleep) before SIGTERM; 0 = none.
  /// Kubernetes: how long an endpoint change takes to reach the proxy. Unset: the default.
  std::optional<Time> endpoints_delay;
};

/// How a pre-start step runs.
enum class PreStartMode : uint8_t { once, per_replica, locked };

/// pre_start = [ { name, mode, duration } ]
struct PreStartSpec {
  std::string name;
  PreStartMode mode = PreStartMode::once;
  Time duration = s(4);
};

/// dependencies = [ { package, constraint } ]
struct DependencySpec {
  std::string package;
  std::string constraint;  ///< "==0.45.0", ">=0.45.0,<0.46.0", ">=0.45.0".
};

/// How a redeploy replaces the replicas.
enum class RolloutStrategy : uint8_t { recreate, rolling };

/// [[service]]
struct ServiceSpec {
  std::string name;
  std::string host;                ///< Host of every replica unless `hosts` is set.
  std::vector<std::string> hosts;  ///< Replicas across hosts (one replica per entry).
  ServerPreset server = ServerPreset::uvicorn;
  std::string server_version;  ///< e.g. "0.29.0": Uvicorn < 0.30 does not respawn workers.
  int workers = 1;
  uint64_t memory_per_worker = 100ULL << 20;
  uint64_t memory_growth_per_hour = 0;  ///< Leak rate per worker.
  ServiceTimeSpec service_time;
  int concurrency_limit = 0;  ///< 0 = unlimited; beyond it: 503.
  int port = 8000;
  std::string bind = "127.0.0.1";     ///< Address the app listens on (--host): "127.0.0.1" or "0.0.0.0".
  std::optional<bool> proxy_headers;  ///< Reads X-Forwarded-* from trusted proxies; unset: the server's default.
  std::vector<std::string> forwarded_allow_ips = {"127.0.0.1"};  ///< Proxies trusted with them ("*" = any).
  Time startup_time = ms(500);                                   ///< From exec to accepting requests.
  double crash_rate_per_hour = 0;                                ///< Random crashes per worker per hour.
  SupervisorSpec supervisor;
  std::vector<PreStartSpec> pre_start;
  std::vector<DependencySpec> dependencies;
  bool test_before_upgrade = false;  ///< Run the tests before deploying an upgrade.
  /// All replicas at once, or a rolling update. Unset: rolling under Kubernetes (the Deployment
  /// default, RollingUpdate), recreate otherwise (systemctl restart, docker compose up).
  std::optional<RolloutStrategy> rollout;
  int max_unavailable_percent = 25;  ///< Rolling: old replicas down at a time (maxUnavailable, rounded down).
  int max_surge_percent = 25;        ///< Rolling under Kubernetes: extra new pods (maxSurge, rounded up).
  std::optional<Time> timeout_graceful_shutdown;  ///< Uvicorn --timeout-graceful-shutdown (unset: waits).
  bool too_early = false;  ///< Answers 425 Too Early to a non-safe method sent as 0-RTT data (RFC 8470 5.2).
  SourcePos pos;
};

/// A release in the package catalogue.
struct ReleaseSpec {
  std::string version;
  Time published;
  bool breaking = false;
};

/// [[package]]
struct PackageSpec {
  std::string name;
  std::vector<ReleaseSpec> releases;
};

/// [[client]]
struct ClientSpec {
  std::string name;
  std::string url;             ///< https://host[:port]/path
  std::string url_scheme;      ///< "https" or "http" (parsed from url).
  std::string url_host;        ///< Lower-cased host of the URL.
  int url_port = 443;          ///< Port of the URL (443 for https, 80 for http by default).
  std::string url_path = "/";  ///< Path of the URL.
  int requests = 0;            ///< A fixed number of requests ...
  Time interval = s(1);        ///< ... this far apart.
  double rate_per_s = 0;       ///< Or a Poisson rate between start and stop.
  Time start;
  std::optional<Time> stop;  ///< Default: the scenario's end.
  bool sni = true;
  std::vector<std::string> alpn = {"http/1.1"};
  uint8_t tls_versions = tls12 | tls13;
  bool keep_alive = true;  ///< Reuse the connection for later requests.
  std::string resolver;    ///< Resolver node (default: the scenario's resolver).
  ClientCertificate client_certificate = ClientCertificate::none;  ///< Presented when a proxy asks (mutual TLS).
  bool ech = false;             ///< Uses Encrypted Client Hello when DNS gives it a config (RFC 9849).
  bool dns_over_https = false;  ///< Asks its resolver over HTTPS (RFC 8484) instead of UDP port 53.
  bool resume = false;          ///< Keeps session tickets; offers the newest on its next connection to the host.
  bool early_data = false;      ///< Sends the request as 0-RTT data on a resumed TLS 1.3 connection.
  std::string method = "GET";   ///< HTTP method of its requests.
  /// Supported groups in preference order; the key_share is for the first only (OpenSSL 3.0).
  std::vector<std::string> groups = {"x25519", "p256"};
  SourcePos pos;
};

/// Fault kinds.
enum class FaultKind : uint8_t {
  crash,
  crash_on_start,
  hang,
  oom,
  reboot,
  dns_outage,
  block_port_80,
  clock_skew,
  redeploy
};

/// [[fault]]
struct FaultSpec {
  Time at;
  std::string target;  ///< service, "service/worker-N", host, "resolver", "proxy" (redeploy: recreated).
  FaultKind kind = FaultKind::crash;
  int exit_code = 1;
  Time duration;  ///< For outages/hangs/blocks; 0 = until the end.
  Time skew;      ///< For clock-skew.
  SourcePos pos;
};

/// [[variant]]: overrides of keys by path.
struct VariantSpec {
  std::string name;                                      ///< English; what --variant and lessons name it by.
  Translations tr;                                       ///< `name` in other languages (`name_ko`).
  std::vector<std::pair<std::string, std::string>> set;  ///< path -> value as TOML text.
  std::vector<SourcePos> set_pos;                        ///< Position of each value in `set` (same order).
  SourcePos pos;                                         ///< Position of the [[variant]] table.
};

/// A whole scenario.
struct Scenario {
  ScenarioInfo info;
  NetworkSpec network;
  ResolverSpec resolver;
  std::vector<ZoneSpec> zones;
  std::vector<HostSpec> hosts;
  std::optional<ProxySpec> proxy;
  std::vector<CertificateSpec> certificates;
  std::vector<ServiceSpec> services;
  std::vector<PackageSpec> packages;
  std::vector<ClientSpec> clients;
  std::vector<FaultSpec> faults;
  std::vector<VariantSpec> variants;
  std::string source_path;  ///< File it was read from ("" when built in code).
  std::string source_text;  ///< The TOML text it was parsed from (variants re-parse it).
  std::vector<std::pair<std::string, std::string>> overrides;  ///< Applied path overrides.
};

/// Whether a service runs on the host: the model counts only workers against a host's memory,
/// so a host without them (the proxy's alone) has no memory figure rather than "0 MiB".
inline bool host_runs_workers(const Scenario& sc, const std::string& host) {
  for (const ServiceSpec& s : sc.services) {
    if (s.host == host) return true;
    for (const std::string& h : s.hosts)
      if (h == host) return true;
  }
  return false;
}

/// A variant's name in `lang` (its `name_<lang>`), or `variant` itself when the scenario has no
/// such variant.
inline const std::string& variant_title(const Scenario& sc, const std::string& variant, std::string_view lang) {
  for (const VariantSpec& v : sc.variants)
    if (v.name == variant) return v.tr.pick("name", v.name, lang);
  return variant;
}

/// A located error in a scenario file: `file:line:column: message`.
struct ScenarioError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;  ///< What is wrong and the expected form.
  /// "file:line:column: message".
  std::string to_string() const;
  /// The same with the message in `words`' language (Messages::error).
  std::string to_string(const Messages& words) const;
};

/// The outcome of loading: a scenario or an error, never an exception.
struct LoadResult {
  std::optional<Scenario> scenario;
  std::optional<ScenarioError> error;
};

/// Reads and validates a scenario file.
LoadResult load_scenario_file(const std::string& path);
/// Parses and validates scenario text (`name` is used in error messages).
LoadResult load_scenario_text(std::string_view text, const std::string& name);
/// Applies a variant by name (overrides by path, then re-validates).
LoadResult apply_variant(const Scenario& base, std::string_view variant_name);
/// Sets one key by path ("service.api.workers", "certificate.api.example.test.renewal") to a
/// value written as TOML text ("1", "\"none\"", "\"120d\""), then re-validates.
LoadResult set_param(const Scenario& base, std::string_view path, std::string_view toml_value);
/// Sets several keys (path, TOML text) and re-validates once, so that their order does not matter
/// (`rollout = "rolling"` after `max_unavailable`). On an error, `*blamed` is the index of the
/// first key that cannot join the ones before it, and the message names it.
LoadResult set_params(const Scenario& base, const std::vector<std::pair<std::string, std::string>>& params,
                      size_t* blamed = nullptr);

// For readers that write scenarios (the importer), so that they refuse what the loader would:
/// Whether scenario files take `text` as an IP address (dotted-quad IPv4 without leading zeros,
/// or IPv6): what `forwarded_allow_ips` and the hosts' `ip` hold.
bool is_ip_address(std::string_view text);
/// Whether scenario files take `name` as a domain name: dotted labels of 1 to 63 letters, digits,
/// hyphens (never first or last) and underscores, 253 characters at most; "*.example.test" too
/// when `wildcard_ok`.
bool is_domain_name(std::string_view name, bool wildcard_ok);

}  // namespace deploysim
