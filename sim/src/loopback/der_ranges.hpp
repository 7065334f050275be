#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

namespace deploysim::loopback {

/// Where a DER element lies in its buffer: [from, to), tag and length included.
struct DerRange {
  size_t from = 0, to = 0;
};

/// Where the fields the inspector shows lie in one X.509 certificate (RFC 5280 section 4.1), so
/// that selecting a field lights its own bytes: the issuer and subject Names, the two Validity
/// times, the SubjectPublicKeyInfo and the subjectAltName extension. A field the walk cannot find
/// (damaged DER, no SAN) is nullopt; nothing outside `len` is read.
struct CertificateRanges {
  std::optional<DerRange> issuer, not_before, not_after, subject, key, san;
};
CertificateRanges certificate_ranges(const uint8_t* der, size_t len);

}  // namespace deploysim::loopback
