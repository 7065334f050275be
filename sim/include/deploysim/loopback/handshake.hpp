#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "deploysim/loopback/ca.hpp"
#include "deploysim/loopback/capture.hpp"
#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

/// Frees an SSL_CTX (unique_ptr deleter).
struct SslCtxFree {
  /// Calls SSL_CTX_free.
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
/// Frees an SSL (unique_ptr deleter).
struct SslFree {
  /// Calls SSL_free.
  void operator()(SSL* s) const { SSL_free(s); }
};
/// An owned SSL_CTX.
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
/// An owned SSL.
using SslPtr = std::unique_ptr<SSL, SslFree>;

/// TLS protocol version numbers as on the wire.
enum class TlsVersion : uint16_t { tls12 = 0x0303, tls13 = 0x0304 };

/// "TLSv1.2" / "TLSv1.3" (OpenSSL's spelling).
const char* version_name(TlsVersion v);

/// One name the server answers for: its certificate and its ALPN preference.
struct ServerName {
  std::string name;                                    ///< SNI host name that selects this certificate.
  const Credential* credential = nullptr;              ///< Certificate, key and chain (borrowed).
  std::vector<std::string> alpn = {"h2", "http/1.1"};  ///< Protocols in server preference order.
  std::vector<uint8_t> ocsp_response;                  ///< DER OCSPResponse to staple when asked ("" = none).
};

/// The TLS termination side: certificates by SNI, default certificate or strict rejection.
struct ServerConfig {
  std::vector<ServerName> names;               ///< Certificates it can present.
  std::string default_name;                    ///< Served without SNI or for an unknown name ("" = the first).
  bool strict_sni = false;                     ///< No/unknown SNI -> fatal rejection alert.
  int reject_alert = 112;                      ///< Alert for a rejected ClientHello (112 unrecognized_name).
  TlsVersion min_version = TlsVersion::tls12;  ///< Lowest version accepted.
  TlsVersion max_version = TlsVersion::tls13;  ///< Highest version accepted.
  std::string groups;                          ///< SSL_CTX_set1_groups_list ("" = OpenSSL's default).
  /// Mutual TLS: trust anchors for client certificates; non-empty = CertificateRequest with
  /// SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT and these roots as certificate_authorities.
  std::vector<X509*> client_cas;
  int64_t verify_time = 0;  ///< Clock for verifying client certificates, UTC seconds (0 = now).
  /// With client_cas: SSL_VERIFY_PEER alone, so a client without a certificate completes the
  /// handshake (HAProxy's `verify optional`, Go's VerifyClientCertIfGiven, nginx).
  bool client_cert_optional = false;
  /// With client_cas: nginx's verify callback, which keeps the verify error (SSL_get_verify_result)
  /// and lets the handshake complete whatever the certificate (ngx_ssl_verify_callback).
  bool accept_any_client_cert = false;
  uint32_t max_early_data = 0;  ///< SSL_CTX_set_max_early_data: > 0 lets tickets carry 0-RTT.
  bool no_anti_replay = false;  ///< SSL_OP_NO_ANTI_REPLAY: stateless tickets, 0-RTT replayable.
};

/// The browser side: what it offers and how it verifies.
struct ClientConfig {
  std::string sni = "api.example.test";                ///< Server name sent in the ClientHello.
  bool send_sni = true;                                ///< false: no server_name extension.
  std::string verify_host;                             ///< Name checked against the certificate ("" = sni).
  std::vector<std::string> alpn = {"h2", "http/1.1"};  ///< ALPN offer in preference order.
  TlsVersion min_version = TlsVersion::tls12;          ///< Lowest version offered.
  TlsVersion max_version = TlsVersion::tls13;          ///< Highest version offered.
  std::vector<X509*> trusted;                          ///< Trust anchors (borrowed).
  int64_t verify_time = 0;                             ///< Verification time, UTC seconds (the simulated clock).
  std::string groups;                                  ///< SSL_CTX_set1_groups_list; the first gets the key share.
  const Credential* credential = nullptr;  ///< Client certificate for mutual TLS (borrowed; nullptr = none).
  bool request_ocsp = false;               ///< Ask for a stapled OCSP response (status_request).
  bool refuse_revoked = false;  ///< A stapled "revoked" fails the handshake (alert 113), as browsers refuse it.
};

/// Per-connection state of the server's certificate choice (reachable from the SSL).
struct ServerPick {
  const ServerConfig* config = nullptr;  ///< The server's configuration.
  int chosen = -1;                       ///< Index in config->names, -1 = none.
  std::string sni;                       ///< Name the client sent ("" = none).
};

/// An SSL_CTX acting as the termination proxy: certificate by SNI (client hello callback),
/// ALPN per chosen name, optional capture callbacks.
class ServerContext {
 public:
  /// Builds the context with the capture callbacks `capture` asks for.
  ServerContext(const ServerConfig& config, CaptureMode capture);
  /// A new server-side SSL whose choice is recorded in `pick` (must outlive the handshake).
  SslPtr new_ssl(ServerPick* pick) const;
  /// The configuration (borrowed by every connection).
  const ServerConfig& config() const { return config_; }

 private:
  ServerConfig config_;
  SslCtxPtr ctx_;
};

/// An SSL_CTX acting as the browser: trust anchors, versions, ALPN offer, hostname check.
class ClientContext {
 public:
  /// Builds the context with the capture callbacks `capture` asks for (key log lines come from
  /// the client).
  ClientContext(const ClientConfig& config, CaptureMode capture);
  /// A new client-side SSL with SNI, hostname check and verification time applied.
  SslPtr new_ssl() const;
  /// Where the status callback of `ssl` records the stapled OCSP status (must outlive the handshake).
  static void watch_ocsp(SSL* ssl, OcspStatus* result);
  /// The configuration.
  const ClientConfig& config() const { return config_; }

 private:
  ClientConfig config_;
  SslCtxPtr ctx_;
};

/// An optional HTTP exchange over the finished handshake.
struct Exchange {
  std::string request;      ///< Sent by the client ("" = handshake only).
  std::string response;     ///< Sent back by the server.
  std::string request_h2;   ///< Sent instead when ALPN chose h2 (http2_frames.hpp); "" = request.
  std::string response_h2;  ///< Sent back instead when ALPN chose h2.
  /// nginx's answers when it checks the client certificate after the handshake (""/empty = none):
  /// `missing` when `refuse_missing` and the client sent none, `failed` when its verification failed.
  bool refuse_missing = false;
  std::string refused_missing, refused_missing_h2;  ///< HTTP 400 "No required SSL certificate was sent".
  std::string refused_failed, refused_failed_h2;    ///< HTTP 400 "The SSL certificate error".
};

class TcpLink;

/// Frees an SSL_SESSION (unique_ptr deleter).
struct SslSessionFree {
  /// Calls SSL_SESSION_free.
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
/// An owned SSL_SESSION (what a client keeps from a NewSessionTicket).
using SslSessionPtr = std::unique_ptr<SSL_SESSION, SslSessionFree>;

/// Per-connection extras of run_handshake: resumption, 0-RTT, the replay and timing.
struct ConnectionOptions {
  SSL_SESSION* resume = nullptr;   ///< Session the client offers (SSL_set_session; borrowed).
  SslSessionPtr* keep = nullptr;   ///< Receives the client's session after the connection (its ticket).
  bool early_data = false;         ///< Send the request as 0-RTT data when the session allows it.
  double* server_cpu_s = nullptr;  ///< Adds the steady-clock time spent in the server's handshake calls.
};

/// Runs one full handshake between fresh client and server SSL objects joined by memory BIOs
/// (no sockets; with `link`, each flight crosses that 127.0.0.1 TCP connection on its way),
/// then the exchange and close_notify. With `capture` non-null every message, flight and key
/// log line is recorded (the contexts must have been built with capture on).
HandshakeOutcome run_handshake(const ClientContext& client, const ServerContext& server, const Exchange& exchange,
                               Capture* capture, TcpLink* link = nullptr, const ConnectionOptions& options = {});

/// Sends a recorded client first flight (ClientHello + 0-RTT records) to a fresh server SSL of
/// `server`, as an attacker replaying it would, and reports whether the server accepted the early
/// data (outcome.early_data) and what it read (outcome.request). With `capture` the server's side
/// is recorded (what it read and wrote).
HandshakeOutcome replay_first_flight(const ServerContext& server, const std::vector<uint8_t>& flight, Capture* capture);

/// The text of the thread's OpenSSL error queue (and clears it).
std::string drain_openssl_errors();

}  // namespace deploysim::loopback
