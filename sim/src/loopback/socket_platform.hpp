#pragma once
// The loopback's seam to the system's sockets: the live proxy (serve.cpp) and the handshake
// link (tcp_link.cpp) use only these calls. socket_platform.cpp implements them with POSIX
// sockets; a system without them gets failures with a message, not a build error.
#include <cstddef>
#include <cstdint>
#include <string>

namespace deploysim::loopback::sock {

/// A socket bound to 127.0.0.1:`port` (0 = any free port; never another address) and
/// listening; -1 with `error` set on failure.
int listen_loopback(uint16_t port, std::string& error);
/// A socket connected to 127.0.0.1:`port`; -1 with `error` set on failure.
int connect_loopback(uint16_t port, std::string& error);
/// The next connection on a listening socket (-1 on failure).
int accept_connection(int listener);
/// Whether `fd` has something to read within `timeout_ms`.
bool wait_readable(int fd, int timeout_ms);
/// Sends up to n bytes (never raising SIGPIPE); the count, or <= 0 on failure.
long send_some(int fd, const void* data, size_t n);
/// Receives up to n bytes; the count, 0 at the end, < 0 on failure.
long recv_some(int fd, void* data, size_t n);
/// Sends all n bytes; false on failure.
bool send_all(int fd, const void* data, size_t n);
/// Turns off Nagle's algorithm (flights go out at once).
void set_no_delay(int fd);
/// Gives up a blocked send or receive after `seconds`.
void set_io_timeouts(int fd, int seconds);
/// Shuts both directions down (wakes a thread blocked on it).
void shutdown_both(int fd);
/// Closes a socket (-1 is ignored).
void close_socket(int fd);
/// The local port of a bound socket (0 on error).
uint16_t local_port(int fd);
/// The last socket error as text.
std::string last_error();

/// While it lives, SIGINT and SIGTERM set a flag instead of ending the process, and a write to
/// a closed connection does not raise SIGPIPE. The previous handlers come back afterwards.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  /// Whether SIGINT or SIGTERM arrived, or request_stop() was called.
  static bool stop_requested();
  /// Asks the loop to stop as a signal would (from another thread).
  static void request_stop();
  /// Forgets an earlier stop.
  static void clear_stop();
};

/// Writes a file only its owner can read (keys): 0600 where the system has permissions.
bool write_private_file(const std::string& path, const void* data, size_t n);

}  // namespace deploysim::loopback::sock
