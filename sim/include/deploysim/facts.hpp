#pragma once
#include <cstdint>
#include <string_view>

namespace deploysim {

// What the models know about nodes and records, carried in the trace as types (trace.hpp) so
// that a reader never parses it back out of names or kinds.

/// What a node is, given by the model that creates it (the canvas places and draws nodes by it).
/// `ca` signs certificates (the ACME server, AWS Certificate Manager); `acme_client` asks one for
/// them and renews them (certbot, cert-manager): a learner must not read certbot as the CA.
enum class NodeRole : uint8_t { client, resolver, dns_server, proxy, worker, supervisor, ca, acme_client, host, other };
/// Number of NodeRole values.
inline constexpr size_t node_role_count = 10;
/// Lower-case name ("dns_server").
const char* node_role_name(NodeRole r);

/// Process states as the learner sees them; a lifecycle record carries the state it puts the
/// processes it concerns in. `stopping`: it got SIGTERM, accepts nothing new and finishes the
/// requests it holds. `none`: the record changes no process state.
enum class ProcState : uint8_t {
  none,
  starting,
  running,
  hung,
  exited,
  crashed,
  backing_off,
  failed,
  stopped,
  stopping
};
/// Lower-case name ("backing_off"; "none").
const char* proc_state_name(ProcState s);
/// How an exit shows: exited after code 0, or after the SIGTERM it was sent to stop (Uvicorn
/// re-raises it: 143); crashed otherwise.
constexpr ProcState exit_state(int64_t code, int64_t signal) {
  return (code == 0 && signal == 0) || signal == 15 ? ProcState::exited : ProcState::crashed;
}

/// How a request ended, on its outcome record (client.response, client.error).
enum class Outcome : uint8_t { none, ok, failed };

/// Why a request failed: the keys `Metrics::failures` counts.
enum class FailureCause : uint8_t {
  none,
  bad_url,               ///< The URL could not be parsed.
  nxdomain,              ///< The name does not exist.
  dns_timeout,           ///< No DNS answer after every retry.
  servfail,              ///< The resolver could not resolve it.
  connection_refused,    ///< RST: nothing listens.
  connect_timeout,       ///< SYN never answered.
  connection_reset,      ///< The proxy went away mid-connection.
  unknown_ca,            ///< TLS alert: the certificate's issuer is not trusted.
  bad_certificate,       ///< TLS alert: the certificate does not name the host.
  certificate_expired,   ///< TLS alert: outside its validity period.
  protocol_version,      ///< TLS alert: no common version.
  internal_error,        ///< TLS alert: a server rejected the SNI (Caddy, Traefik).
  unrecognized_name,     ///< TLS alert: a server rejected the SNI (nginx).
  handshake_failure,     ///< TLS alert: no key-exchange group both sides support (or TLS 1.2: no client certificate).
  certificate_required,  ///< TLS 1.3 alert: the proxy requires a client certificate and got none.
  certificate_revoked,   ///< TLS alert: a stapled OCSP response says the certificate is revoked.
  bad_request,           ///< HTTP 400 (nginx: a client certificate missing or not verified).
  not_found,             ///< HTTP 404: the proxy has no route for the Host.
  bad_gateway,           ///< HTTP 502.
  service_unavailable,   ///< HTTP 503.
  gateway_timeout,       ///< HTTP 504.
};
/// The key `Metrics::failures` counts it under: "nxdomain", "certificate_expired", "502", ...
/// ("" for none).
std::string_view failure_cause_name(FailureCause c);
/// The cause of a failed TLS handshake by its alert name; throws std::logic_error for an alert
/// the models never send.
FailureCause failure_cause_of_alert(std::string_view alert);
/// The cause of an HTTP error status (404, 502, 503, 504); throws std::logic_error for another.
FailureCause failure_cause_of_status(int status);

}  // namespace deploysim
