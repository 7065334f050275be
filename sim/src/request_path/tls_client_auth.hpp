#pragma once
// Mutual TLS and OCSP stapling on top of a decided handshake (tls_client_auth.cpp): the
// CertificateRequest and the client's Certificate/CertificateVerify, the stapled status (in the
// TLS 1.3 Certificate, or a TLS 1.2 CertificateStatus), and how each proxy refuses a client.
#include <string>
#include <string_view>

#include "deploysim/tls_model.hpp"

namespace deploysim {

/// Whether the proxy has an OCSP response to staple for a certificate from `issuer`: only the
/// private CA runs a responder in the model. Let's Encrypt dropped OCSP URLs from its
/// certificates on 2025-05-07 and turned its responders off on 2025-08-06 (letsencrypt-ocsp-end).
bool can_staple(Issuer issuer);

/// Whether a preset finishes the handshake whatever the client certificate and refuses the
/// request with HTTP 400 instead of a TLS alert: nginx (its verify callback accepts every
/// certificate; ngx_http_request.c answers 495/496, sent as 400).
bool refuses_client_cert_in_http(ProxyPreset preset);

/// Adds stapling and mutual TLS to `v`, the verdict decide_tls reached for `c`: the messages, the
/// stapled status, the client's alert 113 on a stapled "revoked" (OpenSSL's), the proxy's
/// alert or HTTP refusal of a missing or untrusted client certificate. A handshake without a
/// server Certificate (rejected, resumed) is left as it is.
void apply_client_auth(const TlsConfig& c, TlsVerdict& v);

/// The tls.client_hello detail `client_auth`: "<verify_clients>,<client_certificate>,<staple>",
/// staple "no-ocsp", "ocsp" or "ocsp-revoked"; e.g. "require,trusted,ocsp".
std::string client_auth_text(const TlsConfig& cfg);

/// How scenario files spell the settings: "off", "optional", "require"; "none", "trusted", "untrusted".
const char* verify_clients_name(VerifyClients v);
/// See verify_clients_name.
const char* client_certificate_name(ClientCertificate c);

}  // namespace deploysim
