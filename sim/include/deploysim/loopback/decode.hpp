#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/loopback/capture.hpp"

namespace deploysim::loopback {

/// One decoded field of a TLS message, with the bytes it came from (for the hex view).
struct Field {
  std::string name;     ///< e.g. "server_name", "cipher_suite", "certificate[0].subject".
  std::string value;    ///< Human-readable value.
  uint32_t offset = 0;  ///< First byte of the field within CapturedMessage::bytes.
  uint32_t length = 0;  ///< Number of bytes.
};

/// A decoded TLS message.
struct DecodedMessage {
  std::string name;           ///< "ClientHello", "Certificate", "Alert", ...
  std::vector<Field> fields;  ///< In wire order.
  bool malformed = false;     ///< The bytes ended early or were inconsistent.
  /// The first field named `field_name`, or nullptr.
  const Field* find(std::string_view field_name) const;
};

/// What a learner cares about in one handshake, read back from the captured bytes only.
struct TranscriptFacts {
  uint16_t version = 0;                   ///< Negotiated version (supported_versions or legacy).
  uint16_t cipher = 0;                    ///< Cipher suite of the ServerHello.
  uint16_t group = 0;                     ///< Key exchange group (key_share or ServerKeyExchange).
  std::string sni;                        ///< ClientHello server_name ("" = none).
  std::vector<std::string> alpn_offered;  ///< ClientHello ALPN list.
  std::string alpn;                       ///< ALPN selected by the server ("" = none).
  std::string cert_subject;               ///< Leaf subject (RFC 2253).
  std::string cert_issuer;                ///< Leaf issuer (RFC 2253).
  std::vector<std::string> cert_san;      ///< Leaf subjectAltName DNS names.
  std::string cert_not_before;            ///< Leaf notBefore, ISO 8601 UTC.
  std::string cert_not_after;             ///< Leaf notAfter, ISO 8601 UTC.
  int alert = -1;                         ///< First non-close_notify alert description (-1 = none).
};

/// Decodes one captured message; `tls13` selects the TLS 1.3 layouts (Certificate, tickets).
DecodedMessage decode_message(const CapturedMessage& message, bool tls13);
/// Decodes a whole capture in order, learning the version from the ServerHello.
std::vector<DecodedMessage> decode_messages(const std::vector<CapturedMessage>& messages);
/// Extracts the learner-facing facts from a capture (decoding it).
TranscriptFacts summarize(const std::vector<CapturedMessage>& messages);
/// The same from already decoded messages (`decoded[i]` decodes `messages[i]`).
TranscriptFacts summarize(const std::vector<CapturedMessage>& messages, const std::vector<DecodedMessage>& decoded);

/// RFC 8446 / RFC 5246 handshake message name ("ClientHello", ...), "Unknown" otherwise.
const char* handshake_type_name(uint8_t type);
/// IANA cipher suite name for common suites, "" when unknown.
const char* cipher_suite_name(uint16_t id);
/// IANA named group ("x25519", "secp256r1", ...), "" when unknown.
const char* group_name(uint16_t id);
/// "TLS 1.3", "TLS 1.2", ... for a wire version number.
std::string wire_version_name(uint16_t v);
/// A message's display name: handshake type, "Alert", "ChangeCipherSpec", "ApplicationData".
std::string message_name(const CapturedMessage& message);

}  // namespace deploysim::loopback
