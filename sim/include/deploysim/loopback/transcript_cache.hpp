#pragma once
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "deploysim/loopback/ca.hpp"
#include "deploysim/loopback/capture.hpp"
#include "deploysim/loopback/decode.hpp"
#include "deploysim/loopback/handshake.hpp"
#include "deploysim/tls_model.hpp"

namespace deploysim::loopback {

/// One certificate the server holds, as configuration (the key of a cached transcript).
struct NameConfig {
  std::string name;                                    ///< Domain (SNI that selects it).
  std::vector<std::string> alt_names;                  ///< Further names on the same certificate (subjectAltName).
  std::vector<std::string> alpn = {"h2", "http/1.1"};  ///< Server ALPN preference for it.
  int64_t not_before = 0;                              ///< Validity start, UTC seconds.
  int64_t not_after = 0;                               ///< Validity end, UTC seconds.
  CertTrust trust = CertTrust::trusted;                ///< Lesson variant.
  KeyType key = KeyType::ecdsa_p256;                   ///< Key algorithm.
  /// Ordering for the cache.
  auto operator<=>(const NameConfig&) const = default;
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
  /// Ordering for the cache.
  auto operator<=>(const LoopbackConfig&) const = default;
};

/// The lesson default: api.example.test and www.example.test behind one proxy, certificates
/// issued 30 days before `now` for 90 days (domain-facts.md: Let's Encrypt 90-day certificates).
LoopbackConfig default_loopback_config(int64_t now);

/// A real handshake: its outcome on both sides, every message and flight, decoded.
struct Transcript {
  LoopbackConfig config;                ///< What was run.
  HandshakeOutcome outcome;             ///< What OpenSSL reported.
  Capture capture;                      ///< Messages, flights, key log lines.
  std::vector<DecodedMessage> decoded;  ///< One per captured message.
  TranscriptFacts facts;                ///< Read back from the bytes.
};

/// Runs `config` once for real (certificates from `certs`) and decodes it; with `link` the
/// flights cross a real TCP connection on 127.0.0.1.
Transcript run_loopback(const LoopbackConfig& config, CertStore& certs, TcpLink* link = nullptr);

/// Real transcripts cached by configuration: each distinct configuration runs OpenSSL once;
/// certificates are generated once per cache. Thread-safe.
class TranscriptCache {
 public:
  /// The transcript for `config`, running the handshake on first use.
  const Transcript& get(const LoopbackConfig& config);
  /// Number of distinct configurations run so far.
  size_t size() const;
  /// The certificates in use (the trusted root is what `--export-ca` writes).
  CertStore& certs() { return certs_; }

 private:
  mutable std::mutex mutex_;
  CertStore certs_;
  std::map<LoopbackConfig, std::unique_ptr<Transcript>> entries_;
};

/// The process-wide cache the simulation and the GUI share.
TranscriptCache& transcript_cache();

/// How a client that trusts only the lesson's CA sees a certificate from `issuer` (Let's Encrypt
/// and a private CA chain to the trusted root; self-signed and untrusted ones do not).
CertTrust trust_of(Issuer issuer);

/// The real handshake that replays a simulated one: the same SNI, checked host, versions, ALPN
/// lists, SNI policy and rejection alert, the certificate the proxy presents (trust from its
/// issuer, validity) and the client's clock `check_time_unix`, exactly.
LoopbackConfig loopback_config_for(const TlsConfig& config);

/// The cached real transcript of a simulated handshake (process-wide cache). The client's
/// clock only matters by where it falls against the certificate's validity (OpenSSL: valid when
/// notBefore <= t < notAfter), so every clock in one of the three spans shares one transcript:
/// certificates are generated once, and a cache hit costs well under a microsecond.
const Transcript& transcript_for(const TlsConfig& config);

}  // namespace deploysim::loopback
