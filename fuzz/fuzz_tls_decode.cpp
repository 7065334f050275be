// The TLS decoder on what a client sends to `deploysim serve` (and what any peer sends in a
// loopback run): the messages OpenSSL's message callback reports, decoded and summarized the way
// serve.cpp and the GUI's hex view do. Input: messages one after another, each
//   flags (1 byte: bit 0 server-to-client, bit 1 encrypted, bits 2-3 content type 20 + n)
//   length (2 bytes, big-endian), then that many bytes (fewer for the last: what is left).
// The handshake type is the first byte of a handshake message, as capture.cpp sets it.
#include <algorithm>
#include <string>
#include <vector>

#include "deploysim/loopback/decode.hpp"
#include "deploysim/loopback/tls_names.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

std::vector<loopback::CapturedMessage> tls_messages(const uint8_t* data, size_t size) {
  std::vector<loopback::CapturedMessage> out;
  size_t i = 0;
  while (i < size && out.size() < 64) {
    loopback::CapturedMessage m;
    const uint8_t flags = data[i++];
    m.dir = (flags & 1) ? loopback::Direction::server_to_client : loopback::Direction::client_to_server;
    m.encrypted = (flags & 2) != 0;
    m.content_type = static_cast<uint8_t>(loopback::change_cipher_spec + ((flags >> 2) & 3));
    size_t len = 0;
    if (i + 2 <= size) {
      len = (size_t{data[i]} << 8) | data[i + 1];
      i += 2;
    }
    len = std::min(len, size - i);
    m.bytes.assign(data + i, data + i + len);
    i += len;
    m.handshake_type = m.content_type == loopback::handshake && !m.bytes.empty() ? m.bytes[0] : 0;
    out.push_back(std::move(m));
  }
  return out;
}

int run_tls_decode(const uint8_t* data, size_t size) {
  const std::vector<loopback::CapturedMessage> messages = tls_messages(data, size);
  // serve.cpp: the ClientHello's facts, then the whole connection's, and each message's name.
  const loopback::TranscriptFacts facts = loopback::summarize(messages);
  for (const loopback::CapturedMessage& m : messages) {
    require(!loopback::message_name(m).empty(), "every message has a name");
    (void)loopback::is_hello_retry_request(m);
  }
  // The GUI's hex view: every field within its message's bytes.
  const std::vector<loopback::DecodedMessage> decoded = loopback::decode_messages(messages);
  require(decoded.size() == messages.size(), "one decoding per message");
  for (size_t k = 0; k < decoded.size(); ++k)
    for (const loopback::Field& f : decoded[k].fields)
      require(size_t{f.offset} + f.length <= messages[k].bytes.size(), "a field lies within its message");
  const loopback::TranscriptFacts again = loopback::summarize(messages, decoded);
  require(again.sni == facts.sni && again.alert == facts.alert && again.version == facts.version,
          "summarize gives the same facts from its own decoding");
  return 0;
}

}  // namespace deploysim::fuzz
