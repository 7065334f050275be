#include "deploysim/loopback/tcp_link.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace deploysim::loopback {
namespace {

sockaddr_in loopback_addr(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only, by design
  return a;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

int listen_loopback(uint16_t port, std::string& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback_addr(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
    error = "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.sin_port);
}

TcpLink::TcpLink() {
  std::string error;
  int listener = listen_loopback(0, error);
  if (listener < 0) throw std::runtime_error(error);
  server_port_ = local_port(listener);
  client_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback_addr(server_port_);
  if (client_fd_ < 0 || ::connect(client_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    error = std::string("connect to 127.0.0.1: ") + std::strerror(errno);
    close_fd(listener);
    close_fd(client_fd_);
    throw std::runtime_error(error);
  }
  server_fd_ = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  close_fd(listener);
  if (server_fd_ < 0) {
    close_fd(client_fd_);
    throw std::runtime_error(std::string("accept: ") + std::strerror(errno));
  }
  const int one = 1;
  ::setsockopt(client_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(server_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  client_port_ = local_port(client_fd_);
}

TcpLink::~TcpLink() {
  close_fd(client_fd_);
  close_fd(server_fd_);
}

std::vector<uint8_t> TcpLink::carry(Direction dir, const uint8_t* data, size_t n) {
  const int from = dir == Direction::client_to_server ? client_fd_ : server_fd_;
  const int to = dir == Direction::client_to_server ? server_fd_ : client_fd_;
  // Flights are a few KiB, far below the loopback socket buffers: write all, then read all.
  for (size_t sent = 0; sent < n;) {
    const ssize_t w = ::send(from, data + sent, n - sent, MSG_NOSIGNAL);
    if (w <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    sent += static_cast<size_t>(w);
  }
  std::vector<uint8_t> out(n);
  for (size_t got = 0; got < n;) {
    const ssize_t r = ::recv(to, out.data() + got, n - got, 0);
    if (r <= 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    got += static_cast<size_t>(r);
  }
  return out;
}

}  // namespace deploysim::loopback
