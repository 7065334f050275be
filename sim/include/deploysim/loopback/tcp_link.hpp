#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "deploysim/loopback/capture.hpp"

namespace deploysim::loopback {

/// A real TCP connection between two sockets of this process on 127.0.0.1 (never another
/// address). The handshake runner can send every flight through it instead of copying bytes.
class TcpLink {
 public:
  /// Listens on 127.0.0.1 with a kernel-chosen port, connects and accepts. Throws
  /// std::runtime_error when the sockets cannot be set up.
  TcpLink();
  ~TcpLink();
  TcpLink(const TcpLink&) = delete;
  TcpLink& operator=(const TcpLink&) = delete;
  /// Writes `n` bytes on the sender's socket and returns them as read on the peer's socket.
  std::vector<uint8_t> carry(Direction dir, const uint8_t* data, size_t n);
  /// The client's (ephemeral) port.
  uint16_t client_port() const { return client_port_; }
  /// The server's listening port.
  uint16_t server_port() const { return server_port_; }

 private:
  int client_fd_ = -1;
  int server_fd_ = -1;
  uint16_t client_port_ = 0;
  uint16_t server_port_ = 0;
};

}  // namespace deploysim::loopback
