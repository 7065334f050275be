#pragma once
// A decoded TLS field's value in the learner's words, shared by the window's inspector and
// `deploysim handshake`.
#include <cctype>
#include <string>
#include <string_view>

#include "deploysim/messages.hpp"

namespace deploysim {

/// The decoder's counts ("21 schemes", "2 types", "1 identity", "selected identity 0", "32 bytes")
/// through the catalogue's tls_bytes.* words; other values (names, numbers, hex) as decoded.
inline std::string decoded_value(const std::string& value, const Messages& words) {
  // The decoder (sim/src/loopback/decode.cpp) writes these counts in English: "{n} {noun}".
  size_t digits = 0;
  while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
  if (digits > 0 && digits < value.size() && value[digits] == ' ') {
    const std::string n = value.substr(0, digits);
    const std::string_view noun = std::string_view(value).substr(digits + 1);
    if (noun == "schemes") return words.format(n == "1" ? "tls_bytes.schemes_one" : "tls_bytes.schemes", n);
    if (noun == "types") return words.format(n == "1" ? "tls_bytes.types_one" : "tls_bytes.types", n);
    if (noun == "identity" || noun == "identities") return words.format("tls_bytes.identities", n);
    if (noun == "bytes") return words.format("tls_bytes.bytes", n);
  }
  if (constexpr std::string_view selected = "selected identity "; value.starts_with(selected))
    return words.format("tls_bytes.selected_identity", value.substr(selected.size()));
  return value;
}

}  // namespace deploysim
