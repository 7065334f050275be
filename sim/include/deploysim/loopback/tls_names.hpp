#pragma once
// Names of TLS wire values, for display; pure tables, no OpenSSL (the browser build has them too).
#include <cstdint>
#include <string>

#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

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
