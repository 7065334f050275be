#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"

namespace deploysim {

/// Everything that decides how one simulated TLS handshake goes. The `tls` loopback code can
/// replay the same configuration with real OpenSSL and compare the outcome with decide_tls().
struct TlsConfig {
  std::string sni;                            ///< Server name sent in the ClientHello; empty = no SNI.
  std::string verify_host;                    ///< Name the client checks the certificate against (the URL host).
  uint8_t offered_versions = tls12 | tls13;   ///< Client's supported_versions (TlsVersionBits).
  uint8_t accepted_versions = tls12 | tls13;  ///< Server's enabled versions (TlsVersionBits).
  std::vector<std::string> alpn_offered;      ///< Client ALPN list, in preference order.
  std::vector<std::string> alpn_supported;    ///< Server ALPN list, in preference order.
  bool has_certificate = true;                ///< false: the server has no certificate to present.
  std::string cert_domain;                    ///< Subject name of the presented certificate ("*.x" allowed).
  std::vector<std::string> cert_alt_names;    ///< Its further subjectAltName entries.
  Issuer cert_issuer = Issuer::letsencrypt;   ///< Who signed it.
  int64_t not_before_unix = 0;                ///< Validity start (UTC seconds).
  int64_t not_after_unix = 0;                 ///< Validity end (UTC seconds).
  int64_t check_time_unix = 0;                ///< Client's clock when verifying (skew included).
  bool strict_sni = false;                    ///< Reject a ClientHello whose SNI the certificate does not cover.
  ProxyPreset preset = ProxyPreset::nginx;    ///< Server implementation (decides the rejection alert).
  /// Same configuration, field by field (the same handshake).
  bool operator==(const TlsConfig&) const = default;
};

/// A hash of every field of a TlsConfig (for keying handshakes by configuration).
struct TlsConfigHash {
  /// The hash.
  size_t operator()(const TlsConfig& c) const;
};

/// One handshake message of the verdict's sequence.
struct TlsMessage {
  std::string_view kind;  ///< Trace kind: "tls.client_hello", "tls.server_hello", ..., "tls.alert".
  bool from_client;       ///< Direction.
  int flight;             ///< 0-based flight; a flight is one trip in one direction.
};

/// How the handshake ends: the negotiated parameters or the alert that stopped it.
struct TlsVerdict {
  bool ok = false;                   ///< Handshake completed and the certificate verified.
  uint8_t version = 0;               ///< Negotiated TlsVersionBits value (0 when none).
  std::string alpn;                  ///< Negotiated protocol ("" = none, HTTP/1.1 by default).
  std::string alert;                 ///< Alert description name ("certificate_expired"), "" when ok.
  int alert_code = 0;                ///< Alert number (RFC 8446 section 6.2), 0 when ok.
  bool alert_from_client = false;    ///< Who sent the alert.
  int verify_result = 0;             ///< X509_V_ERR_* code of the client's check (0 = X509_V_OK).
  bool sni_matched = false;          ///< The certificate covers the SNI that was sent.
  std::vector<TlsMessage> messages;  ///< Every message in order, alert included.
  int flights = 0;                   ///< Number of flights (2 x round trips before application data).
};

/// Whether a certificate subject (possibly "*.example.test") covers a host name (RFC 6125:
/// the wildcard stands for exactly one left-most label).
bool certificate_covers(std::string_view cert_domain, std::string_view host);
/// The same over every name of a certificate: its subject and its subjectAltName entries.
bool certificate_covers(std::string_view cert_domain, const std::vector<std::string>& alt_names, std::string_view host);

/// A proxy preset as scenario files spell it: "caddy", ..., "ingress-nginx", "cloud-lb".
const char* preset_name(ProxyPreset preset);

/// An issuer as scenario files and trace records spell it: "letsencrypt", "private-ca", ...
const char* issuer_name(Issuer issuer);
/// The issuer spelled `name` (issuer_name's inverse); nullopt for any other word.
std::optional<Issuer> find_issuer(std::string_view name);

/// Whether a URL host is an IPv4 address literal: it goes without SNI (RFC 6066 section 3) and
/// is checked against the certificate's IP addresses.
bool is_ip_literal(std::string_view host);

/// The version name as a user reads it: "TLS 1.3", "TLS 1.2" or "none".
const char* tls_version_name(uint8_t version);

/// Decides one handshake: version and ALPN negotiation, the server's SNI policy, then the
/// client's certificate checks in OpenSSL 3's order (trust, host name, validity time).
TlsVerdict decide_tls(const TlsConfig& config);

}  // namespace deploysim
