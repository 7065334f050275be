#include "tls_bytes.hpp"

namespace deploysim::gui {

TlsBytes tls_bytes_for(const Model&, const Record&) {
  TlsBytes b;
  b.note = "The real handshake bytes appear here once the loopback transcript is available.";
  return b;
}

}  // namespace deploysim::gui
