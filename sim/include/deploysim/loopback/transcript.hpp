#pragma once
// The data of a real TLS handshake, without OpenSSL: what was run (LoopbackConfig), what each side
// reported (HandshakeOutcome), the bytes (Capture) and their decoding. The native build fills these
// with OpenSSL (transcript_cache.hpp); the browser build reads them from a recorded pack
// (recorded_tls.hpp). Nothing here may include an OpenSSL header.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/tls_model.hpp"

namespace deploysim::loopback {

/// Which way bytes travel.
enum class Direction : uint8_t { client_to_server, server_to_client };

/// "C->S" or "S->C".
const char* direction_arrow(Direction d);

/// TLS record content types (RFC 8446 section 5.1).
enum ContentType : uint8_t { change_cipher_spec = 20, alert = 21, handshake = 22, application_data = 23 };

/// One TLS protocol message as OpenSSL's message callback reported it (plaintext, even when it
/// travelled encrypted), with its raw bytes.
struct CapturedMessage {
  Direction dir = Direction::client_to_server;  ///< Who sent it.
  uint8_t content_type = 0;                     ///< ContentType of the message.
  uint8_t handshake_type = 0;                   ///< For handshake messages: the HandshakeType byte; else 0.
  bool encrypted = false;      ///< It travelled encrypted (TLS 1.3 after ServerHello, TLS 1.2 after ChangeCipherSpec).
  std::vector<uint8_t> bytes;  ///< The message (handshake header included; alert: level + description).
};

/// The bytes one side wrote to the wire in one go (one or more records).
struct Flight {
  Direction dir = Direction::client_to_server;  ///< Who sent it.
  std::vector<uint8_t> bytes;                   ///< Raw TLS records as sent.
};

/// Everything recorded about one connection: messages, wire flights and key log lines.
struct Capture {
  std::vector<CapturedMessage> messages;  ///< In the order they were sent.
  std::vector<Flight> flights;            ///< Wire bytes in order (for the pcap export).
  std::vector<std::string> keylog;        ///< NSS key log lines (no trailing newline).
};

/// One decoded field of a TLS message, with the bytes it came from (for the hex view).
struct Field {
  std::string name;     ///< e.g. "server_name", "cipher_suite", "certificate[0].subject".
  std::string value;    ///< Human-readable value.
  uint32_t offset = 0;  ///< First byte of the field within CapturedMessage::bytes.
  uint32_t length = 0;  ///< Number of bytes.
};

/// A decoded TLS message.
struct DecodedMessage {
  std::string name;           ///< "ClientHello", "Certificate", "Alert", ...
  std::vector<Field> fields;  ///< In wire order.
  bool malformed = false;     ///< The bytes ended early or were inconsistent.
  /// The first field named `field_name`, or nullptr.
  const Field* find(std::string_view field_name) const;
};

/// What a learner cares about in one handshake, read back from the captured bytes only.
struct TranscriptFacts {
  uint16_t version = 0;                   ///< Negotiated version (supported_versions or legacy).
  uint16_t cipher = 0;                    ///< Cipher suite of the ServerHello.
  uint16_t group = 0;                     ///< Key exchange group (key_share or ServerKeyExchange).
  std::string sni;                        ///< ClientHello server_name ("" = none).
  std::vector<std::string> alpn_offered;  ///< ClientHello ALPN list.
  std::string alpn;                       ///< ALPN selected by the server ("" = none).
  std::string cert_subject;               ///< Leaf subject (RFC 2253).
  std::string cert_issuer;                ///< Leaf issuer (RFC 2253).
  std::vector<std::string> cert_san;      ///< Leaf subjectAltName DNS names.
  std::string cert_not_before;            ///< Leaf notBefore, ISO 8601 UTC.
  std::string cert_not_after;             ///< Leaf notAfter, ISO 8601 UTC.
  int alert = -1;                         ///< First non-close_notify alert description (-1 = none).
};

/// What became of 0-RTT data: OpenSSL's SSL_EARLY_DATA_* values.
enum class EarlyData : uint8_t { not_sent = 0, rejected = 1, accepted = 2 };

/// The certificate status a client read from a stapled OCSP response (RFC 6960 CertStatus + 1).
enum class OcspStatus : uint8_t {
  none,     ///< Nothing stapled (or not asked for).
  good,     ///< good
  revoked,  ///< revoked
  unknown,  ///< unknown, or a response the client could not verify
};

/// What a handshake came to, as OpenSSL reported it on each side.
struct HandshakeOutcome {
  bool ok = false;                                     ///< Both sides completed the handshake.
  uint16_t version = 0;                                ///< Negotiated version (0 when none).
  uint16_t cipher = 0;                                 ///< IANA cipher suite id (0 when none).
  std::string cipher_name;                             ///< IANA name, e.g. TLS_AES_128_GCM_SHA256.
  std::string alpn;                                    ///< Selected protocol ("" when none).
  std::string served_name;                             ///< Name whose certificate the server chose ("" when rejected).
  long verify_result = 0;                              ///< Client's SSL_get_verify_result (X509_V_OK = 0).
  std::string verify_message;                          ///< X509_verify_cert_error_string of it.
  int alert = -1;                                      ///< First non-close_notify alert description, -1 if none.
  Direction alert_from = Direction::client_to_server;  ///< Who sent that alert.
  std::string client_error;                            ///< OpenSSL error text on the client ("" when fine).
  std::string server_error;                            ///< OpenSSL error text on the server ("" when fine).
  std::string request;                                 ///< HTTP request the server decrypted ("" when none).
  std::string response;                                ///< HTTP response the client decrypted ("" when none).
  bool hello_retry = false;                            ///< The server sent a HelloRetryRequest.
  bool resumed = false;                                ///< The client's SSL_session_reused: no full handshake.
  EarlyData early_data = EarlyData::not_sent;          ///< SSL_get_early_data_status (a replay: the server's).
  std::string client_cert;                             ///< Subject of the certificate the client presented ("" none).
  OcspStatus ocsp = OcspStatus::none;                  ///< Stapled status the client's callback read.
  int round_trips = 0;  ///< Server flights the client waited for before its first application byte went out.
};

/// Key algorithm of generated certificates.
enum class KeyType : uint8_t { ecdsa_p256, rsa2048 };

/// Who vouches for a certificate, as a lesson variant.
enum class CertTrust : uint8_t {
  trusted,          ///< Signed by the local CA the client trusts.
  wrong_name,       ///< Trusted, but issued for another name (client: error 62).
  untrusted_ca,     ///< Signed by a CA the client does not know, chain not sent (error 20).
  untrusted_chain,  ///< Same, with that CA's self-signed root sent along (error 19).
  self_signed,      ///< Self-signed leaf (error 18).
};

/// "trusted", "wrong-name", "untrusted-ca", "untrusted-chain", "self-signed".
const char* trust_name(CertTrust t);

/// Mutual TLS: whether the proxy asks for a client certificate and what the client has.
enum class ClientCertMode : uint8_t {
  off,        ///< No CertificateRequest.
  trusted,    ///< Requested; the client presents one the lesson CA issued (clientAuth).
  missing,    ///< Requested; the client has none (TLS 1.3: alert certificate_required).
  untrusted,  ///< Requested; the client's certificate comes from a CA the proxy does not trust.
  /// Requested with SSL_VERIFY_PEER alone; the client has none and sends an empty Certificate:
  /// the handshake completes (verify optional).
  missing_allowed,
  /// nginx `ssl_verify_client on`, client without a certificate: the handshake completes, then
  /// HTTP 400 "No required SSL certificate was sent".
  missing_http,
  /// nginx, a certificate from a CA it does not trust: its verify callback lets the handshake
  /// complete, then HTTP 400 "The SSL certificate error".
  untrusted_http,
};

/// Resumption: what the second connection of a run finds.
enum class ResumeMode : uint8_t {
  off,              ///< One connection only.
  resume,           ///< Second connection offers the first one's ticket to the same proxy.
  lost_ticket_key,  ///< Same, to a restarted proxy with new ticket keys: a full handshake again.
};

/// OCSP stapling: what the proxy staples (the client always asks when this is not off).
/// revoked: the client reports the status and goes on (openssl s_client -status);
/// revoked_refused: its status callback fails the handshake (alert bad_certificate_status_response).
enum class StapleMode : uint8_t { off, good, revoked, revoked_refused };

/// One certificate the server holds, as configuration (the key of a cached transcript).
struct NameConfig {
  std::string name;                                    ///< Domain (SNI that selects it).
  std::vector<std::string> alt_names;                  ///< Further names on the same certificate (subjectAltName).
  std::vector<std::string> alpn = {"h2", "http/1.1"};  ///< Server ALPN preference for it.
  int64_t not_before = 0;                              ///< Validity start, UTC seconds.
  int64_t not_after = 0;                               ///< Validity end, UTC seconds.
  CertTrust trust = CertTrust::trusted;                ///< Lesson variant.
  KeyType key = KeyType::ecdsa_p256;                   ///< Key algorithm.
  /// Ordering for the cache (the desktop's; libc++ 14, which the browser build uses, orders no
  /// strings or vectors with <=>).
#if __cpp_lib_three_way_comparison
  auto operator<=>(const NameConfig&) const = default;
#endif
};

/// Everything that decides what a handshake looks like: the cache key.
struct LoopbackConfig {
  std::string sni = "api.example.test";                       ///< Name the client sends.
  bool send_sni = true;                                       ///< false: no server_name extension.
  std::string host = "api.example.test";                      ///< URL host: checked against the certificate.
  std::string path = "/";                                     ///< Request path of the HTTP exchange.
  uint8_t client_versions = 3;                                ///< Bits: 1 = TLS 1.2, 2 = TLS 1.3 (TlsVersionBits).
  uint8_t server_versions = 3;                                ///< Same, for the server.
  std::vector<std::string> client_alpn = {"h2", "http/1.1"};  ///< ALPN offer.
  std::vector<NameConfig> server_names;                       ///< Certificates the proxy holds.
  std::string default_name;                                   ///< Served without/unknown SNI ("" = first).
  bool strict_sni = false;                                    ///< No/unknown SNI -> rejection.
  int reject_alert = 112;                                     ///< Alert of a rejection (112 unrecognized_name).
  int64_t verify_time = 0;                                    ///< Client clock at the handshake, UTC seconds.
  bool http = true;                                           ///< Exchange one HTTP request after the handshake.
  bool hello_retry = false;             ///< Client's key share is P-256, proxy accepts X25519 only: HelloRetryRequest.
  ResumeMode resume = ResumeMode::off;  ///< A second connection resuming the first.
  bool early_data = false;              ///< 0-RTT request on the resumed connection (TLS 1.3).
  bool server_early_data = false;       ///< The proxy accepts 0-RTT: its tickets say so (stateful, single use).
  bool no_anti_replay = false;          ///< Proxy sets SSL_OP_NO_ANTI_REPLAY (stateless tickets).
  ClientCertMode client_cert = ClientCertMode::off;  ///< Mutual TLS.
  StapleMode staple = StapleMode::off;               ///< OCSP stapling.
  /// Supported groups as SSL_CTX_set1_groups_list spells them ("P-256:X25519"; the first gets the
  /// client's key share); "" = OpenSSL's default, or hello_retry's pair.
  std::string client_groups;
  std::string server_groups;  ///< Groups the proxy accepts, the same way ("" = OpenSSL's default).
  /// Ordering for the cache (the desktop's; libc++ 14, which the browser build uses, orders no
  /// strings or vectors with <=>).
#if __cpp_lib_three_way_comparison
  auto operator<=>(const LoopbackConfig&) const = default;
#endif
};

/// The lesson default: api.example.test and www.example.test behind one proxy, certificates
/// issued 30 days before `now` for 90 days (domain-facts.md: Let's Encrypt 90-day certificates).
LoopbackConfig default_loopback_config(int64_t now);

/// One more connection of a run: resumption's first handshake, or a replayed 0-RTT flight.
struct TlsConnection {
  HandshakeOutcome outcome;             ///< What OpenSSL reported.
  Capture capture;                      ///< Messages, flights, key log lines.
  std::vector<DecodedMessage> decoded;  ///< One per captured message.
  TranscriptFacts facts;                ///< Read back from the bytes.
};

/// A real handshake: its outcome on both sides, every message and flight, decoded. With
/// resumption the fields describe the second (resumed) connection and `earlier` holds the first.
struct Transcript {
  LoopbackConfig config;                ///< What was run.
  HandshakeOutcome outcome;             ///< What OpenSSL reported.
  Capture capture;                      ///< Messages, flights, key log lines.
  std::vector<DecodedMessage> decoded;  ///< One per captured message.
  TranscriptFacts facts;                ///< Read back from the bytes.
  std::vector<TlsConnection> earlier;   ///< Connections before this one (resumption: the full handshake).
  /// 0-RTT: the client's first flight (ClientHello + early data) sent again to the proxy, and what
  /// the proxy made of it (outcome.early_data, outcome.request); the capture holds what the proxy
  /// read and wrote. Empty without early data.
  std::vector<TlsConnection> replay;
};

/// How a client that trusts only the lesson's CA sees a certificate from `issuer` (Let's Encrypt
/// and a private CA chain to the trusted root; self-signed and untrusted ones do not).
CertTrust trust_of(Issuer issuer);

/// The real handshake that replays a simulated one: the same SNI, checked host, versions, ALPN
/// lists, SNI policy and rejection alert, the certificate the proxy presents (trust from its
/// issuer, validity) and the client's clock `check_time_unix`, exactly.
LoopbackConfig loopback_config_for(const TlsConfig& config);

/// Where the client's clock falls against the certificate, as OpenSSL's X509_cmp_time checks
/// decide it: -1 before notBefore, 0 inside, 1 at or after notAfter. Every clock in one span gives
/// the same handshake.
int time_span(const TlsConfig& config);

/// A client clock in span `span` (time_span's values) of `config`'s certificate.
int64_t time_in_span(const TlsConfig& config, int span);

/// The clock a transcript of `config` is recorded at: time_in_span(config, time_span(config)).
int64_t representative_time(const TlsConfig& config);

/// `config` with the certificate's dates replaced by fixed ones and the clock moved into the same
/// span of them: equal keys for configurations that differ only in their certificate's dates.
TlsConfig undated(const TlsConfig& config);

/// Orders configurations by what decides their handshake: every field of TlsConfig, except that
/// the client's clock counts only by its time_span. transcript_for caches by this key, and so
/// does a recorded pack.
struct TranscriptKeyLess {
  /// a's key before b's.
  bool operator()(const TlsConfig& a, const TlsConfig& b) const;
};

}  // namespace deploysim::loopback
