#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/decoded_value.hpp"
#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

/// A decoded field of a TLS message and the bytes it occupies.
struct ByteField {
  std::string name;   ///< "server_name", "cipher_suites", ...
  std::string value;  ///< Decoded value for display.
  size_t offset = 0;  ///< First byte in TlsBytes::raw.
  size_t length = 0;  ///< Number of bytes.
  int depth = 0;      ///< Nesting (0 = top level) for indentation.
};

/// The real bytes of one handshake message with its decoded fields.
struct TlsBytes {
  std::vector<uint8_t> raw;       ///< As captured from OpenSSL.
  std::vector<ByteField> fields;  ///< Byte ranges into raw.
  std::string message;            ///< "ClientHello", "Certificate", ... ("" without bytes).
  std::string title;              ///< "ClientHello, client -> proxy, 512 bytes, in clear".
  std::string note;               ///< Why there are no bytes, when raw is empty.
  std::string source;             ///< Where the bytes come from, when not from OpenSSL just now (the browser).
  bool pending = false;           ///< The real handshake is still running off the UI thread.
  /// The decoded value of field `name` ("" when the message has none).
  const ByteField* find(const std::string& name) const;
};

/// The real handshake message behind a TLS trace record: the loopback transcript of the
/// configuration recorded on its connection's ClientHello (SNI, versions, ALPN, certificate,
/// client clock), the message of the record's kind and direction. The first use of a
/// configuration runs OpenSSL on a worker thread (`pending` until then) unless `wait`.
TlsBytes tls_bytes_for(const Model& model, RecordId id, const Messages& words, bool wait = false);

/// What "Save for Wireshark" wrote.
struct CaptureFiles {
  std::string path;   ///< The file written ("" when nothing was).
  std::string error;  ///< Why nothing was written, in the window's language ("" when it was).
};

/// Writes the whole connection of TLS record `id` (its real handshake and HTTP request, as
/// OpenSSL ran or recorded it) into `dir` for Wireshark, named after its SNI and version:
/// `keylog_only` false: a pcapng of its TCP/IP packets with the key log inside (Wireshark and
/// tshark decrypt it as it is); true: the key log on its own (readable only by the user where
/// files have owners). Waits for the handshake when it is still running.
CaptureFiles save_capture(const Model& model, RecordId id, const std::string& dir, bool keylog_only,
                          const Messages& words);

/// Whether a real handshake the inspector asked for in this run is still running.
bool tls_bytes_pending(const Model& model);

}  // namespace deploysim::gui
