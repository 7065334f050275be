#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../model.hpp"

namespace deploysim::gui {

/// A decoded field of a TLS message and the bytes it occupies.
struct ByteField {
  std::string name;    ///< "server_name", "cipher_suites", ...
  std::string value;   ///< Decoded value for display.
  size_t offset = 0;   ///< First byte in TlsBytes::raw.
  size_t length = 0;   ///< Number of bytes.
  int depth = 0;       ///< Nesting (0 = top level) for indentation.
};

/// The real bytes of one handshake message with its decoded fields.
struct TlsBytes {
  std::vector<uint8_t> raw;       ///< As captured from OpenSSL.
  std::vector<ByteField> fields;  ///< Byte ranges into raw.
  std::string title;              ///< "ClientHello (TLS 1.3, 512 bytes)".
  std::string note;               ///< Why there are no bytes, when raw is empty.
};

/// The real handshake message behind a TLS trace record (from the loopback transcript of the
/// record's configuration).
TlsBytes tls_bytes_for(const Model& model, const Record& record);

}  // namespace deploysim::gui
