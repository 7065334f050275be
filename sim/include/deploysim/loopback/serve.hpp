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
  std::FILE* out = stdout;  ///< Where the trace-style lines go.
  /// The words of its own lines and errors (English when null); the `key=value` lines stay
  /// as a server's log is written.
  const Messages* words = nullptr;
};

/// Runs the scenario's TLS termination proxy for real on 127.0.0.1 until SIGINT/SIGTERM (or
/// request_serve_stop): certificates by SNI from the scenario's [[certificate]]s (validity
/// relative to now), routes by Host to in-process HTTP backends (one per [[service]], also on
/// 127.0.0.1) whose answers name the pool and worker. Prints every handshake and request as a
/// trace-style line. Leaves no files except `export_ca`. Returns the exit code (0 = clean stop,
/// 2 = the scenario cannot be served, 1 = a socket error).
int serve(const Scenario& scenario, const ServeOptions& options);

/// Asks a running serve() to stop (async-signal-safe).
void request_serve_stop();

}  // namespace deploysim::loopback
