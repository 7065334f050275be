#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"

namespace deploysim {

/// A session ticket the client offers (TLS 1.3 pre_shared_key, TLS 1.2 RFC 5077 session_ticket).
enum class TicketOffer : uint8_t {
  none,     ///< No ticket: a full handshake.
  known,    ///< The server can decrypt it: a resumed handshake.
  unknown,  ///< Its key is gone (a restarted proxy, another instance's key): a full handshake.
};

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
  /// Client's supported groups in preference order; its key_share is for the first only.
  std::vector<std::string> client_groups = {"x25519", "p256"};
  std::vector<std::string> server_groups = {"x25519", "p256", "p384"};  ///< Groups the server accepts.
  TicketOffer ticket = TicketOffer::none;  ///< A session ticket from an earlier connection, and whether it is readable.
  bool early_data = false;                 ///< The client sends its request as 0-RTT data (its ticket allows it).
  bool server_early_data = false;          ///< The server accepts 0-RTT data.
  int tickets = 0;                         ///< NewSessionTickets after a full handshake (0: none the client keeps).
  /// Mutual TLS (tls_client_auth.cpp): the proxy asks for a client certificate, and what the
  /// client has (client_certificate is `none` whenever the proxy does not ask: the same handshake).
  VerifyClients verify_clients = VerifyClients::off;
  ClientCertificate client_certificate = ClientCertificate::none;  ///< The client's certificate, if asked.
  bool ocsp_stapling = false;  ///< The proxy staples an OCSP response when it has one (status_request).
  bool cert_revoked = false;   ///< The presented certificate is revoked (false unless stapling is on).
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
  bool hello_retry = false;          ///< The server asked for another key share (HelloRetryRequest).
  std::string group;                 ///< Key-exchange group used ("" when none was agreed).
  bool resumed = false;              ///< The server accepted the ticket: no certificate, no key exchange of 1.2.
  bool early_data_sent = false;      ///< The request went as 0-RTT data in the first flight.
  bool early_data_accepted = false;  ///< The server read it (EncryptedExtensions early_data).
  int tickets = 0;                   ///< NewSessionTickets sent after the handshake (TLS 1.3) or in it (TLS 1.2).
  bool offered_ticket = false;       ///< The ClientHello carried a ticket (known or not).
  bool early_data_tickets = false;   ///< The tickets allow 0-RTT data.
  bool single_use_tickets = false;   ///< ... and are OpenSSL's stateful single-use ones (its anti-replay kept).
  bool ticket_spent = false;         ///< A single-use ticket went with the first ClientHello of a HelloRetryRequest.
  std::string ocsp;                  ///< Stapled OCSP status: "good", "revoked"; "" when nothing is stapled.
  /// Mutual TLS: the proxy's verification result as nginx's $ssl_client_verify spells it
  /// ("SUCCESS", "NONE", "FAILED:..."); "" when no certificate was asked for.
  std::string client_verify;
  /// nginx's way with a failed client certificate: the handshake completes and the proxy answers
  /// the request 400 with this text; "" otherwise.
  std::string http_refusal;
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

/// A key-exchange group as scenario files spell it ("x25519", "p256", "p384", "p521") -> its
/// OpenSSL name ("X25519", "P-256", ...); nullopt for any other word.
std::optional<std::string_view> find_group(std::string_view name);
/// Groups as SSL_CTX_set1_groups_list takes them ("P-256:X25519"); a word find_group does not
/// know is passed on as it is.
std::string openssl_groups(const std::vector<std::string>& groups);
/// Whether a proxy preset sends session tickets by default (nginx ssl_session_tickets on,
/// HAProxy without no-tls-tickets, Go's crypto/tls; ingress-nginx's ConfigMap: off).
bool preset_sends_tickets(ProxyPreset preset);
/// NewSessionTickets a preset's TLS library sends after a full TLS 1.3 handshake (OpenSSL 2,
/// Go's crypto/tls 1); after a resumed one OpenSSL sends at most 1.
int preset_tickets_per_handshake(ProxyPreset preset);
/// Whether a preset can accept 0-RTT data (Go's crypto/tls, under Caddy and Traefik, cannot).
bool preset_accepts_early_data(ProxyPreset preset);
/// Whether a preset that accepts 0-RTT data keeps OpenSSL's anti-replay (stateful single-use
/// tickets). nginx sets SSL_OP_NO_ANTI_REPLAY on every context (ngx_ssl_create) and HAProxy with
/// allow-0rtt, so none of the presets does: their tickets stay stateless and a replayed first
/// flight is read again. `deploysim serve` keeps it.
bool preset_keeps_anti_replay(ProxyPreset preset);
/// Round trips before the client can send its request: flights / 2 (0 when it went as 0-RTT data).
int round_trips(const TlsVerdict& verdict);

/// Decides one handshake: version and ALPN negotiation, the server's SNI policy, then the
/// client's certificate checks in OpenSSL 3's order (trust, host name, validity time).
TlsVerdict decide_tls(const TlsConfig& config);

}  // namespace deploysim
