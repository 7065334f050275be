#include "deploysim/loopback/tcp_link.hpp"

#include <stdexcept>

#include "loopback/socket_platform.hpp"

namespace deploysim::loopback {

TcpLink::TcpLink() {
  std::string error;
  const int listener = sock::listen_loopback(0, error);
  if (listener < 0) throw std::runtime_error(error);
  server_port_ = sock::local_port(listener);
  client_fd_ = sock::connect_loopback(server_port_, error);
  if (client_fd_ < 0) {
    sock::close_socket(listener);
    throw std::runtime_error(error);
  }
  server_fd_ = sock::accept_connection(listener);
  const std::string accept_error = sock::last_error();
  sock::close_socket(listener);
  if (server_fd_ < 0) {
    sock::close_socket(client_fd_);
    client_fd_ = -1;
    throw std::runtime_error("accept: " + accept_error);
  }
  sock::set_no_delay(client_fd_);
  sock::set_no_delay(server_fd_);
  client_port_ = sock::local_port(client_fd_);
}

TcpLink::~TcpLink() {
  sock::close_socket(client_fd_);
  sock::close_socket(server_fd_);
}

std::vector<uint8_t> TcpLink::carry(Direction dir, const uint8_t* data, size_t n) {
  const int from = dir == Direction::client_to_server ? client_fd_ : server_fd_;
  const int to = dir == Direction::client_to_server ? server_fd_ : client_fd_;
  // Flights are a few KiB, far below the loopback socket buffers: write all, then read all.
  if (!sock::send_all(from, data, n)) throw std::runtime_error("send: " + sock::last_error());
  std::vector<uint8_t> out(n);
  for (size_t got = 0; got < n;) {
    const long r = sock::recv_some(to, out.data() + got, n - got);
    if (r <= 0) throw std::runtime_error("recv: " + sock::last_error());
    got += static_cast<size_t>(r);
  }
  return out;
}

}  // namespace deploysim::loopback
