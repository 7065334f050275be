// POSIX sockets for the loopback (Linux, macOS, the BSDs). Linux's accept4/SOCK_CLOEXEC and
// MSG_NOSIGNAL are used where they exist, with the portable equivalents elsewhere; a system
// without POSIX sockets gets the fallback at the end: every call fails with a message.
#include "loopback/socket_platform.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>

#if defined(__unix__) || defined(__APPLE__)
#define DEPLOYSIM_POSIX_SOCKETS 1
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#endif

namespace deploysim::loopback::sock {

namespace {

std::atomic<bool> stop_flag{false};

extern "C" void on_stop_signal(int) { stop_flag.store(true); }

}  // namespace

#if DEPLOYSIM_POSIX_SOCKETS

namespace {

sockaddr_in loopback_addr(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only, by design
  return a;
}

// A socket that is not inherited by programs this process starts.
int new_socket() {
#if defined(SOCK_CLOEXEC)
  return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
#endif
}

void no_sigpipe([[maybe_unused]] int fd) {
#if defined(SO_NOSIGPIPE)  // macOS and the BSDs: per socket, as MSG_NOSIGNAL is per call on Linux
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
}

}  // namespace

int listen_loopback(uint16_t port, std::string& error) {
  const int fd = new_socket();
  if (fd < 0) {
    error = "socket: " + last_error();
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback_addr(port);
  // nginx's listen backlog on Linux (511): a burst of connections waits in the queue instead of
  // having its SYNs dropped and retried a second later.
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 511) != 0) {
    error = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + last_error();
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_loopback(uint16_t port, std::string& error) {
  const int fd = new_socket();
  if (fd < 0) {
    error = "socket: " + last_error();
    return -1;
  }
  no_sigpipe(fd);
  sockaddr_in a = loopback_addr(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    error = "connect to 127.0.0.1:" + std::to_string(port) + ": " + last_error();
    ::close(fd);
    return -1;
  }
  return fd;
}

int accept_connection(int listener) {
#if defined(__linux__)
  const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
#else
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd >= 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
  if (fd >= 0) no_sigpipe(fd);
  return fd;
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

long send_some(int fd, const void* data, size_t n) {
#if defined(MSG_NOSIGNAL)
  return static_cast<long>(::send(fd, data, n, MSG_NOSIGNAL));
#else
  return static_cast<long>(::send(fd, data, n, 0));
#endif
}

long recv_some(int fd, void* data, size_t n) { return static_cast<long>(::recv(fd, data, n, 0)); }

void set_no_delay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void set_io_timeouts(int fd, int seconds) {
  timeval tv{};
  tv.tv_sec = seconds;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void shutdown_both(int fd) { ::shutdown(fd, SHUT_RDWR); }

void close_socket(int fd) {
  if (fd >= 0) ::close(fd);
}

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.sin_port);
}

bool write_private_file(const std::string& path, const void* data, size_t n) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return ::close(fd) == 0;
}

#else  // no POSIX sockets: the portable default

namespace {
const char* const unsupported = "loopback sockets are not built for this system";
}

int listen_loopback(uint16_t, std::string& error) {
  error = unsupported;
  return -1;
}
int connect_loopback(uint16_t, std::string& error) {
  error = unsupported;
  return -1;
}
int accept_connection(int) { return -1; }
bool wait_readable(int, int) { return false; }
long send_some(int, const void*, size_t) { return -1; }
long recv_some(int, void*, size_t) { return -1; }
void set_no_delay(int) {}
void set_io_timeouts(int, int) {}
void shutdown_both(int) {}
void close_socket(int) {}
uint16_t local_port(int) { return 0; }

bool write_private_file(const std::string& path, const void* data, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  return static_cast<bool>(f);
}

#endif

bool send_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  for (size_t sent = 0; sent < n;) {
    const long w = send_some(fd, p + sent, n - sent);
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
  }
  return true;
}

std::string last_error() { return std::strerror(errno); }

namespace {
using Handler = void (*)(int);
Handler old_int = SIG_DFL, old_term = SIG_DFL;
#if defined(SIGPIPE)
Handler old_pipe = SIG_DFL;
#endif
}  // namespace

StopSignals::StopSignals() {
  old_int = std::signal(SIGINT, on_stop_signal);
  old_term = std::signal(SIGTERM, on_stop_signal);
#if defined(SIGPIPE)
  old_pipe = std::signal(SIGPIPE, SIG_IGN);
#endif
}

StopSignals::~StopSignals() {
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
#if defined(SIGPIPE)
  std::signal(SIGPIPE, old_pipe);
#endif
}

bool StopSignals::stop_requested() { return stop_flag.load(); }
void StopSignals::request_stop() { stop_flag.store(true); }
void StopSignals::clear_stop() { stop_flag.store(false); }

}  // namespace deploysim::loopback::sock
