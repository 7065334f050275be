#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <openssl/ssl.h>

namespace deploysim::loopback {

/// Which way bytes travel.
enum class Direction : uint8_t { client_to_server, server_to_client };

/// "C->S" or "S->C".
const char* direction_arrow(Direction d);

/// TLS record content types (RFC 8446 section 5.1).
enum ContentType : uint8_t { change_cipher_spec = 20, alert = 21, handshake = 22, application_data = 23 };

/// One TLS protocol message as OpenSSL's message callback reported it (plaintext, even when it
/// travelled encrypted), with its raw bytes.
struct CapturedMessage {
  Direction dir = Direction::client_to_server;  ///< Who sent it.
  uint8_t content_type = 0;                     ///< ContentType of the message.
  uint8_t handshake_type = 0;                   ///< For handshake messages: the HandshakeType byte; else 0.
  bool encrypted = false;      ///< It travelled encrypted (TLS 1.3 after ServerHello, TLS 1.2 after ChangeCipherSpec).
  std::vector<uint8_t> bytes;  ///< The message (handshake header included; alert: level + description).
};

/// The bytes one side wrote to the wire in one go (one or more records).
struct Flight {
  Direction dir = Direction::client_to_server;  ///< Who sent it.
  std::vector<uint8_t> bytes;                   ///< Raw TLS records as sent.
};

/// Everything recorded about one connection: messages, wire flights and key log lines.
struct Capture {
  std::vector<CapturedMessage> messages;  ///< In the order they were sent.
  std::vector<Flight> flights;            ///< Wire bytes in order (for the pcap export).
  std::vector<std::string> keylog;        ///< NSS key log lines (no trailing newline).
};

/// Per-SSL recording state: attach with `attach_capture`; it must outlive the SSL's handshake.
struct CaptureSink {
  Capture* capture = nullptr;                      ///< Where records go.
  Direction writer = Direction::client_to_server;  ///< The direction of this SSL's writes.
  bool keylog = true;                              ///< Record key log lines from this SSL.
  bool record_reads = false;                       ///< Also record the messages this SSL reads (a lone server).
  uint8_t pending_record_type[2] = {0, 0};         ///< Outer content type of the current record, per direction.
  bool cipher_changed[2] = {false, false};         ///< ChangeCipherSpec seen, per direction (TLS 1.2).
};

/// What a context records.
enum class CaptureMode : uint8_t {
  none,              ///< Bare OpenSSL: no callbacks.
  messages,          ///< Every protocol message (the message callback).
  messages_and_keys  ///< Messages plus key log lines (OpenSSL formats them with one sprintf per
                     ///< byte: about 7% of a TLS 1.3 handshake, so only when an export needs them).
};

/// Installs deploysim's message (and, by `mode`, key log) callbacks on `ctx`.
void install_capture_callbacks(SSL_CTX* ctx, CaptureMode mode);

/// Routes the messages `ssl` writes (and its key log lines) into `sink`.
void attach_capture(SSL* ssl, CaptureSink* sink);

/// Appends the file-format key log (one line per secret, newline-terminated).
std::string keylog_text(const Capture& capture);

}  // namespace deploysim::loopback
