#pragma once
// The live proxy's TLS side (serve.cpp): its ServerConfig from the scenario and the command line
// (certificates, resumption, 0-RTT, client certificates), the 0-RTT read on a real socket, and the
// client certificate it writes out on request.
#include <cstdint>
#include <functional>
#include <string>

#include <openssl/ssl.h>

#include "deploysim/loopback/ca.hpp"
#include "deploysim/loopback/handshake.hpp"
#include "deploysim/loopback/serve.hpp"

namespace deploysim::loopback::live {

/// What the proxy's TLS does beyond the certificates, from the scenario and the options.
struct TlsPolicy {
  bool tickets = true;                                ///< NewSessionTickets (`[proxy] session_tickets`).
  bool early_data = false;                            ///< Tickets allow 0-RTT and the proxy reads it.
  VerifyClients verify_clients = VerifyClients::off;  ///< CertificateRequest and what a missing one does.
};

/// The scenario's keys, overridden by the command line where it says more.
TlsPolicy tls_policy(const Scenario& scenario, const ServeOptions& options);

/// The proxy's ServerConfig: one name per certificate and alt name (leaves from `certs`, validity
/// relative to `now`), versions, SNI behaviour, and `policy` (0-RTT size, client CA).
ServerConfig server_config(const Scenario& scenario, CertStore& certs, int64_t now, const TlsPolicy& policy);

/// Per connection, what the shared context cannot say: no tickets, and `optional` client
/// certificates (the context requires one whenever it has client CAs).
void apply_per_connection(SSL* ssl, const TlsPolicy& policy);

/// The proxy's verdict on the client certificate as nginx's `$ssl_client_verify` spells it
/// (SUCCESS, NONE), forwarded as X-Client-Verify; "" when it asks for none.
std::string client_verify_value(SSL* ssl, const TlsPolicy& policy);

/// What the server read of a ClientHello and its 0-RTT data.
struct EarlyRead {
  bool failed = false;    ///< The handshake failed already (alert sent).
  bool finished = false;  ///< End of the early data (or none): SSL_accept completes the handshake.
  std::string data;       ///< 0-RTT application data read so far.
};

/// Reads the ClientHello (sending the server's flight) and then 0-RTT data until `complete` says
/// the data holds a whole request or the early data ends; a null `complete` reads to the end.
EarlyRead read_early_data(SSL* ssl, const std::function<bool(const std::string&)>& complete);

/// "accepted", "rejected" or "not_sent" (SSL_get_early_data_status).
const char* early_data_status(SSL* ssl);

/// "116 (certificate required)": an alert's number and name; "none" for -1.
std::string alert_text(int alert);

/// Why a handshake failed, for the log: the client certificate verification error, a missing
/// client certificate, or OpenSSL's error text.
std::string failure_reason(SSL* ssl, const std::string& openssl_error);

/// The subject of the verified client certificate (RFC 2253), "" when none.
std::string client_subject(SSL* ssl);

/// Writes the client certificate the local CA issued and its private key (PEM, owner-only) to
/// `path`; false when the file cannot be written.
bool export_client_credential(const Credential& client, const std::string& path);

}  // namespace deploysim::loopback::live
