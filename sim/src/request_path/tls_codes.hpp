#pragma once
// The numbers the TLS model reports, as the protocol and OpenSSL define them: alert
// descriptions (RFC 8446 section 6) and OpenSSL's verify results (x509_vfy.h). Written here so
// that the model builds where OpenSSL does not (the browser build); loopback/handshake.cpp
// checks them against OpenSSL's own constants.
namespace deploysim::tls_codes {

// Alert descriptions.
inline constexpr int alert_handshake_failure = 40;
inline constexpr int alert_bad_certificate = 42;
inline constexpr int alert_certificate_revoked = 44;
inline constexpr int alert_certificate_expired = 45;
inline constexpr int alert_unknown_ca = 48;
inline constexpr int alert_protocol_version = 70;
inline constexpr int alert_internal_error = 80;
inline constexpr int alert_unrecognized_name = 112;
inline constexpr int alert_bad_certificate_status_response = 113;  // RFC 6066 section 8
inline constexpr int alert_certificate_required = 116;             // TLS 1.3 only (RFC 8446 section 6.2)

// X509_V_ERR_* verify results.
inline constexpr int verify_cert_not_yet_valid = 9;
inline constexpr int verify_cert_has_expired = 10;
inline constexpr int verify_depth_zero_self_signed_cert = 18;
inline constexpr int verify_unable_to_get_issuer_cert_locally = 20;
inline constexpr int verify_cert_revoked = 23;
inline constexpr int verify_hostname_mismatch = 62;
inline constexpr int verify_ip_address_mismatch = 64;

}  // namespace deploysim::tls_codes
