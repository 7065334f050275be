#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "deploysim/scenario.hpp"

namespace deploysim {
class Messages;
}

namespace deploysim::loopback {

/// Options of `deploysim serve`.
struct ServeOptions {
  uint16_t port = 0;        ///< Port on 127.0.0.1; 0 = a free one chosen by the kernel.
  std::string export_ca;    ///< Write the local CA certificate (PEM, no key) here; "" = don't.
  bool early_data = false;  ///< Accept 0-RTT even where the scenario's `[proxy] early_data` is false.
  /// Client certificates (`--require-client-cert`: require); the stricter of this and the
  /// scenario's `[proxy] verify_clients` applies.
  VerifyClients verify_clients = VerifyClients::off;
  /// Write a client certificate the local CA issued and its private key (PEM, owner-only) here;
  /// "" = don't. Keys leave memory only this way, when the user asks.
  std::string export_client_cert;
  /// Seconds a client has for its handshake, and again for its request after it (and to read the
  /// answer), before the proxy closes the connection and logs `conn.timeout`: a client that
  /// stops sending holds a thread only this long. nginx's client_header_timeout is 60 s.
  int idle_timeout_s = 10;
  /// Connections handled at once (one thread each); more are closed at once and logged
  /// `conn.refused`. nginx's worker_connections defaults to 512.
  int max_connections = 512;
  std::FILE* out = stdout;  ///< Where the trace-style lines go.
  /// The words of its own lines and errors (English when null); the `key=value` lines stay
  /// as a server's log is written.
  const Messages* words = nullptr;
};

/// Runs the scenario's TLS termination proxy for real on 127.0.0.1 until SIGINT/SIGTERM (or
/// request_serve_stop): certificates by SNI from the scenario's [[certificate]]s (validity
/// relative to now), routes by Host to in-process HTTP backends (one per [[service]], also on
/// 127.0.0.1) whose answers name the pool and worker. Prints every handshake and request as a
/// trace-style line, saying whether the session was resumed and what became of 0-RTT data; a
/// request read as 0-RTT data is forwarded before the handshake completes, with `Early-Data: 1`
/// (RFC 8470). Sessions resume by ticket; client certificates as `verify_clients` says. Leaves
/// no files except `export_ca` and `export_client_cert`. Returns the exit code (0 = clean stop,
/// 2 = the scenario cannot be served, 1 = a socket error).
int serve(const Scenario& scenario, const ServeOptions& options);

/// Asks a running serve() to stop (async-signal-safe).
void request_serve_stop();

}  // namespace deploysim::loopback
