#pragma once
#include <cstdint>

namespace deploysim::loopback {

/// The proxy's time per handshake, measured with real OpenSSL handshakes on this machine.
struct ServerCpu {
  double full_us = 0;     ///< Per full handshake (certificate and signature).
  double resumed_us = 0;  ///< Per handshake resuming the previous one's ticket.
  int resumed = 0;        ///< How many of the second handshakes really resumed.
  int pairs = 0;          ///< How many full + resumed pairs were timed.
};

/// Runs `pairs` full handshakes, each followed by one resuming its ticket (fresh contexts per
/// call, ECDSA P-256 certificates, the lesson defaults), and averages the steady-clock time spent
/// in the server's handshake calls. `tls12`: TLS 1.2 session tickets instead of TLS 1.3 PSKs;
/// `early_data`: the resumed connection sends its request as 0-RTT data. Time, not
/// process CPU: on a busy machine it includes waiting for a core.
ServerCpu measure_server_cpu(bool tls12, bool early_data, int pairs);

}  // namespace deploysim::loopback
