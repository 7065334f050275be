#include "loopback/der_ranges.hpp"

#include <algorithm>
#include <iterator>

namespace deploysim::loopback {

namespace {

// One DER element at `at`: tag, where its contents start, where it ends. Only the low tag numbers
// and definite lengths DER allows; anything else ends the walk.
struct Tlv {
  uint8_t tag = 0;
  size_t from = 0, body = 0, to = 0;
};

std::optional<Tlv> tlv_at(const uint8_t* der, size_t len, size_t at, size_t end) {
  end = std::min(end, len);
  if (at >= end || end - at < 2 || (der[at] & 0x1f) == 0x1f) return std::nullopt;
  size_t i = at + 1;
  size_t n = der[i++];
  if (n & 0x80) {
    const size_t k = n & 0x7f;
    if (k == 0 || k > 4 || end - i < k) return std::nullopt;
    n = 0;
    for (size_t j = 0; j < k; ++j) n = (n << 8) | der[i++];
  }
  if (n > end - i) return std::nullopt;
  return Tlv{der[at], at, i, i + n};
}

constexpr uint8_t sequence = 0x30;
// id-ce-subjectAltName, 2.5.29.17, as its DER contents.
constexpr uint8_t san_oid[] = {0x55, 0x1d, 0x11};

}  // namespace

CertificateRanges certificate_ranges(const uint8_t* der, size_t len) {
  CertificateRanges out;
  const auto cert = tlv_at(der, len, 0, len);
  if (!cert || cert->tag != sequence) return out;
  const auto tbs = tlv_at(der, len, cert->body, cert->to);
  if (!tbs || tbs->tag != sequence) return out;
  size_t at = tbs->body;
  // The next element of TBSCertificate when it has `tag`: its range, and `at` moves past it.
  auto next = [&](uint8_t tag) -> std::optional<Tlv> {
    const auto t = tlv_at(der, len, at, tbs->to);
    if (!t || t->tag != tag) return std::nullopt;
    at = t->to;
    return t;
  };
  auto range = [](const std::optional<Tlv>& t) {
    return t ? std::optional<DerRange>(DerRange{t->from, t->to}) : std::nullopt;
  };
  next(0xa0);                                      // [0] version, absent in a v1 certificate
  if (!next(0x02) || !next(sequence)) return out;  // serialNumber, signature algorithm
  out.issuer = range(next(sequence));
  if (!out.issuer) return out;
  if (const auto validity = next(sequence)) {
    const auto before = tlv_at(der, len, validity->body, validity->to);
    out.not_before = range(before);
    if (before) out.not_after = range(tlv_at(der, len, before->to, validity->to));
  } else {
    return out;
  }
  out.subject = range(next(sequence));
  out.key = range(next(sequence));
  if (!out.key) return out;
  next(0x81);  // issuerUniqueID
  next(0x82);  // subjectUniqueID
  const auto explicit_extensions = next(0xa3);
  if (!explicit_extensions) return out;
  const auto extensions = tlv_at(der, len, explicit_extensions->body, explicit_extensions->to);
  if (!extensions || extensions->tag != sequence) return out;
  for (size_t e = extensions->body; e < extensions->to;) {
    const auto ext = tlv_at(der, len, e, extensions->to);
    if (!ext || ext->tag != sequence) break;
    e = ext->to;
    const auto oid = tlv_at(der, len, ext->body, ext->to);
    if (!oid || oid->tag != 0x06 || oid->to - oid->body != std::size(san_oid) ||
        !std::equal(std::begin(san_oid), std::end(san_oid), der + oid->body))
      continue;
    // extnValue, after an optional critical BOOLEAN: the OCTET STRING holding the GeneralNames.
    auto value = tlv_at(der, len, oid->to, ext->to);
    if (value && value->tag == 0x01) value = tlv_at(der, len, value->to, ext->to);
    if (value && value->tag == 0x04) out.san = DerRange{value->from, value->to};
    break;
  }
  return out;
}

}  // namespace deploysim::loopback
