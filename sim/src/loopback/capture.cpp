#include "deploysim/loopback/capture.hpp"

namespace deploysim::loopback {
namespace {

// Pseudo content types reported by the message callback (ssl/ssl_local.h, <openssl/ssl3.h>):
// SSL3_RT_HEADER (256) carries the record header, SSL3_RT_INNER_CONTENT_TYPE (257) the TLS 1.3
// inner type byte. They are not protocol messages; the header tells whether the record was
// encrypted.
constexpr int rt_header = 256;
constexpr int rt_inner_content_type = 257;

int sink_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

CaptureSink* sink_of(const SSL* ssl) { return static_cast<CaptureSink*>(SSL_get_ex_data(ssl, sink_index())); }

void on_message(int write_p, int /*version*/, int content_type, const void* buf, size_t len, SSL* ssl, void* /*arg*/) {
  CaptureSink* sink = sink_of(ssl);
  if (sink == nullptr || sink->capture == nullptr || (write_p == 0 && !sink->record_reads)) return;
  const Direction dir = write_p != 0                                  ? sink->writer
                        : sink->writer == Direction::client_to_server ? Direction::server_to_client
                                                                      : Direction::client_to_server;
  const auto d = static_cast<size_t>(dir);
  const auto* p = static_cast<const uint8_t*>(buf);
  if (content_type == rt_header) {
    if (len >= 1) sink->pending_record_type[d] = p[0];
    return;
  }
  if (content_type == rt_inner_content_type) return;
  if (content_type < change_cipher_spec || content_type > application_data) return;
  CapturedMessage m;
  m.dir = dir;
  m.content_type = static_cast<uint8_t>(content_type);
  m.handshake_type = (content_type == handshake && len > 0) ? p[0] : 0;
  m.encrypted = (sink->pending_record_type[d] == application_data && content_type != application_data) ||
                (sink->cipher_changed[d] && content_type != change_cipher_spec);
  // TLS 1.3's ChangeCipherSpec is a dummy for middleboxes (RFC 8446 D.4): what follows it, such as
  // the second ClientHello after a HelloRetryRequest, may still travel in clear.
  if (content_type == change_cipher_spec && SSL_version(ssl) != TLS1_3_VERSION) sink->cipher_changed[d] = true;
  m.bytes.assign(p, p + len);
  sink->capture->messages.push_back(std::move(m));
}

void on_keylog(const SSL* ssl, const char* line) {
  CaptureSink* sink = sink_of(ssl);
  if (sink == nullptr || sink->capture == nullptr || !sink->keylog) return;
  sink->capture->keylog.emplace_back(line);
}

}  // namespace

void install_capture_callbacks(SSL_CTX* ctx, CaptureMode mode) {
  if (mode == CaptureMode::none) return;
  SSL_CTX_set_msg_callback(ctx, on_message);
  if (mode == CaptureMode::messages_and_keys) SSL_CTX_set_keylog_callback(ctx, on_keylog);
}

void attach_capture(SSL* ssl, CaptureSink* sink) { SSL_set_ex_data(ssl, sink_index(), sink); }

}  // namespace deploysim::loopback
