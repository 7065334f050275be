#pragma once
#include <cstdint>
#include <string>

#include <openssl/ssl.h>

#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

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

}  // namespace deploysim::loopback
