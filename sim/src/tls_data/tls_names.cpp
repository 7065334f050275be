// Display names of TLS wire values and of transcript data: pure tables, so that the browser build
// (no OpenSSL) names messages as the native one does.
#include "deploysim/loopback/tls_names.hpp"

#include <fmt/format.h>

namespace deploysim::loopback {

const char* direction_arrow(Direction d) { return d == Direction::client_to_server ? "C->S" : "S->C"; }

const char* trust_name(CertTrust t) {
  switch (t) {
    case CertTrust::trusted:
      return "trusted";
    case CertTrust::wrong_name:
      return "wrong-name";
    case CertTrust::untrusted_ca:
      return "untrusted-ca";
    case CertTrust::untrusted_chain:
      return "untrusted-chain";
    case CertTrust::self_signed:
      return "self-signed";
  }
  return "?";
}

const Field* DecodedMessage::find(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

const char* handshake_type_name(uint8_t type) {
  switch (type) {
    case 0:
      return "HelloRequest";
    case 1:
      return "ClientHello";
    case 2:
      return "ServerHello";
    case 4:
      return "NewSessionTicket";
    case 5:
      return "EndOfEarlyData";
    case 8:
      return "EncryptedExtensions";
    case 11:
      return "Certificate";
    case 12:
      return "ServerKeyExchange";
    case 13:
      return "CertificateRequest";
    case 14:
      return "ServerHelloDone";
    case 15:
      return "CertificateVerify";
    case 16:
      return "ClientKeyExchange";
    case 20:
      return "Finished";
    case 22:
      return "CertificateStatus";  // TLS 1.2 OCSP stapling (RFC 6066 section 8)
    case 24:
      return "KeyUpdate";
    default:
      return "Unknown";
  }
}

const char* cipher_suite_name(uint16_t id) {
  switch (id) {
    case 0x1301:
      return "TLS_AES_128_GCM_SHA256";
    case 0x1302:
      return "TLS_AES_256_GCM_SHA384";
    case 0x1303:
      return "TLS_CHACHA20_POLY1305_SHA256";
    case 0xc02b:
      return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    case 0xc02c:
      return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
    case 0xc02f:
      return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    case 0xc030:
      return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
    case 0xcca8:
      return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
    case 0xcca9:
      return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
    case 0x009e:
      return "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
    case 0x009f:
      return "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
    case 0x00ff:
      return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
    default:
      return "";
  }
}

const char* group_name(uint16_t id) {
  switch (id) {
    case 0x0017:
      return "secp256r1";
    case 0x0018:
      return "secp384r1";
    case 0x0019:
      return "secp521r1";
    case 0x001d:
      return "x25519";
    case 0x001e:
      return "x448";
    case 0x0100:
      return "ffdhe2048";
    case 0x0101:
      return "ffdhe3072";
    default:
      return "";
  }
}

std::string wire_version_name(uint16_t v) {
  switch (v) {
    case 0x0304:
      return "TLS 1.3";
    case 0x0303:
      return "TLS 1.2";
    case 0x0302:
      return "TLS 1.1";
    case 0x0301:
      return "TLS 1.0";
    default:
      return fmt::format("0x{:04x}", v);
  }
}

std::string message_name(const CapturedMessage& m) {
  switch (m.content_type) {
    case change_cipher_spec:
      return "ChangeCipherSpec";
    case alert:
      return "Alert";
    case handshake:
      return handshake_type_name(m.handshake_type);
    default:
      return "ApplicationData";
  }
}

}  // namespace deploysim::loopback
