#include "deploysim/loopback/decode.hpp"
#include "core/join.hpp"
#include "loopback/der_ranges.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace deploysim::loopback {
namespace {

// A bounds-checked cursor over a message; every read fails softly on truncation.
class Reader {
 public:
  Reader(const std::vector<uint8_t>& b, size_t pos, size_t end) : b_(b), pos_(pos), end_(end) {}
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool ok() const { return ok_; }
  bool has(size_t n) const { return ok_ && pos_ + n <= end_; }
  uint32_t uint(size_t n) {
    if (!has(n)) return fail();
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | b_[pos_ + i];
    pos_ += n;
    return v;
  }
  // A length-prefixed vector: returns a reader over its body and skips it here.
  Reader sub(size_t len_bytes) {
    const size_t n = uint(len_bytes);
    if (!has(n)) {
      fail();
      return Reader(b_, pos_, pos_);
    }
    Reader r(b_, pos_, pos_ + n);
    pos_ += n;
    return r;
  }
  void skip(size_t n) {
    if (has(n))
      pos_ += n;
    else
      fail();
  }
  const uint8_t* at(size_t p) const { return b_.data() + p; }

 private:
  uint32_t fail() {
    ok_ = false;
    pos_ = end_;
    return 0;
  }
  const std::vector<uint8_t>& b_;
  size_t pos_;
  size_t end_;
  bool ok_ = true;
};

// decode_extensions' message type for a HelloRetryRequest (not a wire value: HRR is type 2).
constexpr uint8_t hrr_type = 0xfe;

// SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 section 4.1.3).
constexpr uint8_t hrr_random[32] = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
                                    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
                                    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

std::string hex(const uint8_t* p, size_t n, size_t max = 32) {
  static constexpr char digits[] = "0123456789abcdef";
  const size_t shown = std::min(n, max);
  std::string out(shown * 2, '0');
  for (size_t i = 0; i < shown; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  if (n > max) out += "...";
  return out;
}

void add(DecodedMessage& d, std::string name, std::string value, size_t from, size_t to) {
  d.fields.push_back(
      {std::move(name), std::move(value), static_cast<uint32_t>(from), static_cast<uint32_t>(to - from)});
}

std::string suite_text(uint16_t id) {
  const char* n = cipher_suite_name(id);
  return *n ? std::string(n) : fmt::format("0x{:04x}", id);
}

std::string group_text(uint16_t id) {
  const char* n = group_name(id);
  return *n ? std::string(n) : fmt::format("0x{:04x}", id);
}

std::string scheme_text(uint32_t id) {
  switch (id) {
    case 0x0403:
      return "ecdsa_secp256r1_sha256";
    case 0x0503:
      return "ecdsa_secp384r1_sha384";
    case 0x0603:
      return "ecdsa_secp521r1_sha512";
    case 0x0804:
      return "rsa_pss_rsae_sha256";
    case 0x0805:
      return "rsa_pss_rsae_sha384";
    case 0x0806:
      return "rsa_pss_rsae_sha512";
    case 0x0807:
      return "ed25519";
    case 0x0401:
      return "rsa_pkcs1_sha256";
    case 0x0501:
      return "rsa_pkcs1_sha384";
    case 0x0601:
      return "rsa_pkcs1_sha512";
    default:
      return fmt::format("0x{:04x}", id);
  }
}

std::vector<std::string> protocol_list(Reader r) {
  std::vector<std::string> out;
  while (r.has(1)) {
    Reader p = r.sub(1);
    out.emplace_back(reinterpret_cast<const char*>(p.at(p.pos())), p.end() - p.pos());
  }
  return out;
}

std::string asn1_time_iso(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "?";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// The learner-facing fields of one DER certificate: suffix, value and, when the DER walk found
// it, where the field's own bytes lie in the DER.
struct CertField {
  std::string suffix, value;
  std::optional<DerRange> range;
};
using CertFields = std::vector<CertField>;

std::optional<CertFields> parse_certificate(const uint8_t* der, size_t len) {
  const unsigned char* p = der;
  std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &p, static_cast<long>(len)), X509_free);
  if (!cert) return std::nullopt;
  const CertificateRanges at = certificate_ranges(der, len);
  CertFields out;
  out.push_back({".subject", name_text(X509_get_subject_name(cert.get())), at.subject});
  out.push_back({".issuer", name_text(X509_get_issuer_name(cert.get())), at.issuer});
  std::vector<std::string> sans;
  auto* gens = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; gens != nullptr && i < sk_GENERAL_NAME_num(gens); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(gens, i);
    if (g->type == GEN_DNS)
      sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(g->d.dNSName)),
                        static_cast<size_t>(ASN1_STRING_length(g->d.dNSName)));
  }
  GENERAL_NAMES_free(gens);
  out.push_back({".san", join_with(sans, ", "), at.san});
  out.push_back({".not_before", asn1_time_iso(X509_get0_notBefore(cert.get())), at.not_before});
  out.push_back({".not_after", asn1_time_iso(X509_get0_notAfter(cert.get())), at.not_after});
  // A key OpenSSL cannot decode leaves no EVP_PKEY, and EVP_PKEY_get_base_id(nullptr) crashes
  // (fuzz_tls_decode: a client's Certificate sent to `deploysim serve`).
  const EVP_PKEY* key = X509_get0_pubkey(cert.get());
  const int key_id = key != nullptr ? EVP_PKEY_get_base_id(key) : NID_undef;
  out.push_back({".key", key_id == EVP_PKEY_EC ? "ECDSA" : key_id == EVP_PKEY_RSA ? "RSA" : "other", at.key});
  return out;
}

// d2i_X509 costs ~100 us in OpenSSL 3.0 (it decodes the public key through the provider
// decoders), more than a quarter of a handshake; a process serves few distinct certificates, so
// the parsed fields are memoised by their DER bytes.
const std::optional<CertFields>& parsed_certificate(const uint8_t* der, size_t len) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<CertFields>, std::less<>> memo;
  const std::string_view key(reinterpret_cast<const char*>(der), len);
  std::lock_guard lock(mutex);
  auto it = memo.find(key);
  if (it != memo.end()) return it->second;
  if (memo.size() >= 1024) memo.clear();
  return memo.emplace(std::string(key), parse_certificate(der, len)).first->second;
}

void decode_certificate_der(DecodedMessage& d, const std::string& prefix, const uint8_t* der, size_t len, size_t from,
                            size_t to) {
  const std::optional<CertFields>& fields = parsed_certificate(der, len);
  if (!fields) {
    add(d, prefix, "undecodable DER", from, to);
    d.malformed = true;
    return;
  }
  // The DER ends the certificate's entry; a field the walk did not place spans the whole entry.
  const size_t der_from = to - len;
  for (const CertField& f : *fields)
    add(d, prefix + f.suffix, f.value, f.range ? der_from + f.range->from : from,
        f.range ? der_from + f.range->to : to);
}

std::string generalized_time_iso(const ASN1_GENERALIZEDTIME* t) { return t != nullptr ? asn1_time_iso(t) : "-"; }

// A CertificateStatus body (RFC 6066 section 8): status_type ocsp(1), then a DER OCSPResponse
// (RFC 6960) of which the first SingleResponse is shown.
void decode_ocsp(DecodedMessage& d, Reader r, size_t from, size_t to) {
  if (r.uint(1) != 1) {
    add(d, "ocsp", "not an OCSP status", from, to);
    return;
  }
  Reader der = r.sub(3);
  const unsigned char* p = der.at(der.pos());
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> resp(
      d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.end() - der.pos())), OCSP_RESPONSE_free);
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic(
      resp ? OCSP_response_get1_basic(resp.get()) : nullptr, OCSP_BASICRESP_free);
  OCSP_SINGLERESP* single = basic ? OCSP_resp_get0(basic.get(), 0) : nullptr;
  if (single == nullptr) {
    add(d, "ocsp", "undecodable OCSP response", from, to);
    d.malformed = true;
    return;
  }
  int reason = -1;
  ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
  const int status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
  add(d, "ocsp.status", OCSP_cert_status_str(status), der.pos(), der.end());
  if (status == V_OCSP_CERTSTATUS_REVOKED)
    add(d, "ocsp.revocation_time", generalized_time_iso(revoked_at), der.pos(), der.end());
  add(d, "ocsp.produced_at", generalized_time_iso(OCSP_resp_get0_produced_at(basic.get())), der.pos(), der.end());
  add(d, "ocsp.this_update", generalized_time_iso(this_update), der.pos(), der.end());
  add(d, "ocsp.next_update", generalized_time_iso(next_update), der.pos(), der.end());
}

void decode_extensions(DecodedMessage& d, Reader exts, uint8_t msg_type) {
  while (exts.has(4)) {
    const size_t ext_start = exts.pos();
    const uint16_t type = static_cast<uint16_t>(exts.uint(2));
    Reader body = exts.sub(2);
    const size_t from = ext_start, to = body.end();
    switch (type) {
      case 0: {  // server_name
        if (!body.has(2)) {
          add(d, "server_name", "(acknowledged)", from, to);
          break;
        }
        Reader list = body.sub(2);
        while (list.has(3)) {
          const uint8_t kind = static_cast<uint8_t>(list.uint(1));
          Reader name = list.sub(2);
          if (kind == 0)
            add(d, "server_name",
                std::string(reinterpret_cast<const char*>(name.at(name.pos())), name.end() - name.pos()), name.pos(),
                name.end());
        }
        break;
      }
      case 16: {  // application_layer_protocol_negotiation
        Reader list = body.sub(2);
        add(d, "alpn", join_with(protocol_list(list), ", "), from, to);
        break;
      }
      case 43: {  // supported_versions
        std::vector<std::string> versions;
        if (msg_type == 1) {
          Reader list = body.sub(1);
          while (list.has(2)) versions.push_back(wire_version_name(static_cast<uint16_t>(list.uint(2))));
        } else {
          versions.push_back(wire_version_name(static_cast<uint16_t>(body.uint(2))));
        }
        add(d, "supported_versions", join_with(versions, ", "), from, to);
        break;
      }
      case 10: {  // supported_groups
        Reader list = body.sub(2);
        std::vector<std::string> groups;
        while (list.has(2)) groups.push_back(group_text(static_cast<uint16_t>(list.uint(2))));
        add(d, "supported_groups", join_with(groups, ", "), from, to);
        break;
      }
      case 51: {  // key_share
        std::vector<std::string> groups;
        if (msg_type == hrr_type) {  // HelloRetryRequest: the group the server wants (RFC 8446 4.2.8)
          add(d, "key_share.selected_group", group_text(static_cast<uint16_t>(body.uint(2))), from, to);
          break;
        }
        if (msg_type == 1) {
          Reader list = body.sub(2);
          while (list.has(4)) {
            groups.push_back(group_text(static_cast<uint16_t>(list.uint(2))));
            list.sub(2);
          }
        } else {
          groups.push_back(group_text(static_cast<uint16_t>(body.uint(2))));
        }
        add(d, "key_share", join_with(groups, ", "), from, to);
        break;
      }
      case 13:
        add(d, "signature_algorithms", fmt::format("{} schemes", (body.end() - body.pos()) / 2), from, to);
        break;
      case 23:
        add(d, "extended_master_secret", "", from, to);
        break;
      case 11:
        add(d, "ec_point_formats", "", from, to);
        break;
      case 22:
        add(d, "encrypt_then_mac", "", from, to);
        break;
      case 35:
        add(d, "session_ticket", "", from, to);
        break;
      case 45:
        add(d, "psk_key_exchange_modes", "", from, to);
        break;
      case 41:  // pre_shared_key: the client's identities, the server's choice (RFC 8446 4.2.11)
        if (msg_type == 1) {
          Reader ids = body.sub(2);
          int n = 0;
          while (ids.has(2)) {
            ids.sub(2);
            ids.skip(4);
            ++n;
          }
          add(d, "pre_shared_key", fmt::format("{} identit{}", n, n == 1 ? "y" : "ies"), from, to);
        } else {
          add(d, "pre_shared_key", fmt::format("selected identity {}", body.uint(2)), from, to);
        }
        break;
      case 42:  // early_data: offered (ClientHello), accepted (EncryptedExtensions), or ticket limit
        if (msg_type == 4)
          add(d, "early_data", fmt::format("max_early_data_size {}", body.uint(4)), from, to);
        else
          add(d, "early_data", "", from, to);
        break;
      case 5:  // status_request: asked for (ClientHello), or a stapled response (Certificate entry)
        if (msg_type == 11)
          decode_ocsp(d, body, from, to);
        else
          add(d, "status_request", msg_type == 1 ? "ocsp" : "", from, to);
        break;
      case 47: {  // certificate_authorities
        Reader list = body.sub(2);
        std::vector<std::string> names;
        while (list.has(2)) {
          Reader dn = list.sub(2);
          const unsigned char* p = dn.at(dn.pos());
          std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> name(
              d2i_X509_NAME(nullptr, &p, static_cast<long>(dn.end() - dn.pos())), X509_NAME_free);
          names.push_back(name ? name_text(name.get()) : std::string("?"));
        }
        add(d, "certificate_authorities", join_with(names, ", "), from, to);
        break;
      }
      case 49:
        add(d, "post_handshake_auth", "", from, to);
        break;
      case 65281:
        add(d, "renegotiation_info", "", from, to);
        break;
      default:
        add(d, fmt::format("extension {}", type), hex(body.at(body.pos()), body.end() - body.pos(), 8), from, to);
    }
  }
  if (!exts.ok()) d.malformed = true;
}

void decode_hello(DecodedMessage& d, Reader& r, uint8_t type) {
  size_t p = r.pos();
  const uint16_t legacy = static_cast<uint16_t>(r.uint(2));
  add(d, "legacy_version", wire_version_name(legacy), p, r.pos());
  p = r.pos();
  r.skip(32);
  if (r.ok()) add(d, "random", hex(r.at(p), 32), p, r.pos());
  Reader sid = r.sub(1);
  add(d, "session_id",
      sid.end() == sid.pos() ? std::string("(empty)") : hex(sid.at(sid.pos()), sid.end() - sid.pos(), 8), sid.pos(),
      sid.end());
  p = r.pos();
  if (type == 1) {
    Reader suites = r.sub(2);
    std::vector<std::string> names;
    while (suites.has(2)) names.push_back(suite_text(static_cast<uint16_t>(suites.uint(2))));
    add(d, "cipher_suites", join_with(names, ", "), p, r.pos());
    r.sub(1);  // legacy_compression_methods
  } else {
    add(d, "cipher_suite", suite_text(static_cast<uint16_t>(r.uint(2))), p, r.pos());
    r.skip(1);
  }
  if (r.has(2)) decode_extensions(d, r.sub(2), d.name == "HelloRetryRequest" ? hrr_type : type);
}

void decode_certificate(DecodedMessage& d, Reader& r, bool tls13) {
  if (tls13) r.sub(1);  // certificate_request_context
  Reader list = r.sub(3);
  for (int i = 0; list.has(3); ++i) {
    const size_t from = list.pos();
    Reader der = list.sub(3);
    decode_certificate_der(d, fmt::format("certificate[{}]", i), der.at(der.pos()), der.end() - der.pos(), from,
                           der.end());
    if (tls13) decode_extensions(d, list.sub(2), 11);  // per-certificate: status_request holds a staple
  }
}

// CertificateRequest: TLS 1.3 context + extensions (RFC 8446 4.3.2); TLS 1.2 types, signature
// algorithms and CA names (RFC 5246 7.4.4).
void decode_certificate_request(DecodedMessage& d, Reader& r, bool tls13) {
  if (tls13) {
    r.sub(1);
    decode_extensions(d, r.sub(2), 13);
    return;
  }
  size_t p = r.pos();
  Reader types = r.sub(1);
  add(d, "certificate_types", fmt::format("{} types", types.end() - types.pos()), p, r.pos());
  p = r.pos();
  Reader schemes = r.sub(2);
  add(d, "signature_algorithms", fmt::format("{} schemes", (schemes.end() - schemes.pos()) / 2), p, r.pos());
  // The CA list has the certificate_authorities extension's layout.
  const size_t from = r.pos();
  Reader cas = r.sub(2);
  std::vector<std::string> names;
  while (cas.has(2)) {
    Reader dn = cas.sub(2);
    const unsigned char* q = dn.at(dn.pos());
    std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> name(
        d2i_X509_NAME(nullptr, &q, static_cast<long>(dn.end() - dn.pos())), X509_NAME_free);
    names.push_back(name ? name_text(name.get()) : std::string("?"));
  }
  add(d, "certificate_authorities", join_with(names, ", "), from, r.pos());
}

void decode_handshake_body(DecodedMessage& d, Reader& r, uint8_t type, bool tls13) {
  size_t p = r.pos();
  switch (type) {
    case 1:
    case 2:
      decode_hello(d, r, type);
      break;
    case 8:
      decode_extensions(d, r.sub(2), type);
      break;
    case 11:
      decode_certificate(d, r, tls13);
      break;
    case 13:
      decode_certificate_request(d, r, tls13);
      break;
    case 22:  // CertificateStatus (TLS 1.2)
      decode_ocsp(d, r, p, r.end());
      break;
    case 12: {  // ServerKeyExchange (ECDHE, RFC 8422)
      const uint8_t curve_type = static_cast<uint8_t>(r.uint(1));
      if (curve_type == 3) {
        add(d, "named_group", group_text(static_cast<uint16_t>(r.uint(2))), p + 1, r.pos());
        Reader pub = r.sub(1);
        add(d, "public_key", hex(pub.at(pub.pos()), pub.end() - pub.pos(), 16), pub.pos(), pub.end());
        p = r.pos();
        add(d, "signature_scheme", scheme_text(r.uint(2)), p, r.pos());
      }
      break;
    }
    case 15: {
      add(d, "signature_scheme", scheme_text(r.uint(2)), p, r.pos());
      Reader sig = r.sub(2);
      add(d, "signature", hex(sig.at(sig.pos()), sig.end() - sig.pos(), 16), sig.pos(), sig.end());
      break;
    }
    case 16: {
      Reader pub = r.sub(1);
      add(d, "public_key", hex(pub.at(pub.pos()), pub.end() - pub.pos(), 16), pub.pos(), pub.end());
      break;
    }
    case 20:
      add(d, "verify_data", hex(r.at(p), r.end() - p), p, r.end());
      break;
    case 4: {
      if (!r.has(4)) break;  // an empty ticket message: no lifetime to show (malformed below)
      add(d, "lifetime_s", std::to_string(r.uint(4)), p, p + 4);
      if (tls13) {
        r.skip(4);
        r.sub(1);
      }
      Reader ticket = r.sub(2);
      add(d, "ticket", fmt::format("{} bytes", ticket.end() - ticket.pos()), ticket.pos(), ticket.end());
      if (tls13) decode_extensions(d, r.sub(2), 4);
      break;
    }
    default:
      break;
  }
  if (!r.ok()) d.malformed = true;
}

uint16_t u16_at(const std::vector<uint8_t>& b, size_t off) {
  return off + 2 <= b.size() ? static_cast<uint16_t>((b[off] << 8) | b[off + 1]) : 0;
}

}  // namespace

bool is_hello_retry_request(const CapturedMessage& m) {
  // type(1) length(3) legacy_version(2), then the random
  return m.content_type == handshake && m.handshake_type == 2 && m.bytes.size() >= 38 &&
         std::equal(std::begin(hrr_random), std::end(hrr_random), m.bytes.begin() + 6);
}

DecodedMessage decode_message(const CapturedMessage& m, bool tls13) {
  DecodedMessage d;
  // HelloRetryRequest shares ServerHello's type; only its random tells them apart.
  d.name = is_hello_retry_request(m) ? "HelloRetryRequest" : message_name(m);
  const auto& b = m.bytes;
  if (m.content_type == alert) {
    if (b.size() < 2) {
      d.malformed = true;
      return d;
    }
    add(d, "level", b[0] == 2 ? "fatal" : "warning", 0, 1);
    // OpenSSL 3.0 names no TLS 1.3 alert (116 certificate_required is "unknown"): RFC 8446's name.
    const std::string text = b[1] == 116 ? std::string("certificate required") : SSL_alert_desc_string_long(b[1]);
    add(d, "description", fmt::format("{} ({})", text, b[1]), 1, 2);
    return d;
  }
  if (m.content_type != handshake) return d;
  Reader r(b, 0, b.size());
  r.skip(1);
  const size_t len = r.uint(3);
  if (!r.ok() || 4 + len > b.size()) {
    d.malformed = true;
    return d;
  }
  Reader body(b, 4, 4 + len);
  decode_handshake_body(d, body, m.handshake_type, tls13);
  // The hex view marks each field's bytes: none may reach past the message, whatever it holds
  // (fuzz_tls_decode found a 4-byte NewSessionTicket given a 4-byte lifetime beyond its end).
  for (Field& f : d.fields)
    if (size_t{f.offset} + f.length > b.size()) {
      f.offset = static_cast<uint32_t>(std::min<size_t>(f.offset, b.size()));
      f.length = static_cast<uint32_t>(b.size() - f.offset);
      d.malformed = true;
    }
  return d;
}

std::vector<DecodedMessage> decode_messages(const std::vector<CapturedMessage>& messages) {
  std::vector<DecodedMessage> out;
  out.reserve(messages.size());
  bool tls13 = false;
  for (const auto& m : messages) {
    out.push_back(decode_message(m, tls13));
    if (m.content_type == handshake && m.handshake_type == 2) {
      const Field* v = out.back().find("supported_versions");
      tls13 = v != nullptr && v->value == "TLS 1.3";
    }
  }
  return out;
}

TranscriptFacts summarize(const std::vector<CapturedMessage>& messages) {
  return summarize(messages, decode_messages(messages));
}

TranscriptFacts summarize(const std::vector<CapturedMessage>& messages, const std::vector<DecodedMessage>& decoded) {
  TranscriptFacts f;
  for (size_t i = 0; i < messages.size() && i < decoded.size(); ++i) {
    const CapturedMessage& m = messages[i];
    const DecodedMessage& d = decoded[i];
    const std::vector<uint8_t>& b = m.bytes;
    if (m.content_type == alert && b.size() >= 2 && b[1] != 0 && f.alert < 0) f.alert = b[1];
    if (m.content_type != handshake) continue;
    if (m.handshake_type == 1) {
      if (const Field* s = d.find("server_name")) f.sni = s->value;
      if (const Field* a = d.find("alpn")) {
        if (a->offset + a->length <= b.size())
          f.alpn_offered = protocol_list(Reader(b, a->offset + 6, a->offset + a->length));
      }
    } else if (m.handshake_type == 2) {
      const Field* v = d.find("supported_versions");
      const Field* legacy = d.find("legacy_version");
      if (v != nullptr)
        f.version = u16_at(b, v->offset + 4);
      else if (legacy != nullptr)
        f.version = u16_at(b, legacy->offset);
      if (const Field* c = d.find("cipher_suite")) f.cipher = u16_at(b, c->offset);
      if (const Field* k = d.find("key_share")) f.group = u16_at(b, k->offset + 4);
      if (const Field* a = d.find("alpn")) f.alpn = a->value;
    } else if (m.handshake_type == 8) {
      if (const Field* a = d.find("alpn")) f.alpn = a->value;
    } else if (m.handshake_type == 12) {
      if (const Field* g = d.find("named_group")) f.group = u16_at(b, g->offset);
    } else if (m.handshake_type == 11 && f.cert_subject.empty()) {
      if (const Field* s = d.find("certificate[0].subject")) f.cert_subject = s->value;
      if (const Field* s = d.find("certificate[0].issuer")) f.cert_issuer = s->value;
      if (const Field* s = d.find("certificate[0].not_before")) f.cert_not_before = s->value;
      if (const Field* s = d.find("certificate[0].not_after")) f.cert_not_after = s->value;
      if (const Field* s = d.find("certificate[0].san")) {
        std::string rest = s->value;
        for (size_t pos; !rest.empty();) {
          pos = rest.find(", ");
          f.cert_san.push_back(rest.substr(0, pos));
          rest = pos == std::string::npos ? "" : rest.substr(pos + 2);
        }
      }
    }
  }
  return f;
}

}  // namespace deploysim::loopback
