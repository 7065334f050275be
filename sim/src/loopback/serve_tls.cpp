#include "loopback/serve_tls.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "deploysim/presets.hpp"
#include "deploysim/tls_model.hpp"
#include "loopback/socket_platform.hpp"

namespace deploysim::loopback::live {
namespace {

// One maximum-size TLS record of 0-RTT data: nginx's `ssl_early_data on` and `openssl s_server
// -early_data` offer the same (transcript_cache.cpp uses it for the in-memory handshakes too).
constexpr uint32_t max_early_data = 16384;

int64_t seconds(Time t) { return t.ns() / 1000000000; }

}  // namespace

TlsPolicy tls_policy(const Scenario& scenario, const ServeOptions& options) {
  TlsPolicy p;
  const ProxySpec& proxy = *scenario.proxy;
  p.early_data = options.early_data || proxy.early_data;
  p.tickets = proxy.session_tickets || p.early_data;  // 0-RTT data rides on a ticket
  p.verify_clients = std::max(options.verify_clients, proxy.verify_clients);
  return p;
}

ServerConfig server_config(const Scenario& scenario, CertStore& certs, int64_t now, const TlsPolicy& policy) {
  ServerConfig server;
  const ProxySpec& proxy = *scenario.proxy;
  for (const auto& c : scenario.certificates) {
    const int64_t not_before = now + seconds(c.issued);
    const Credential& cred = certs.leaf(c.domain, not_before, not_before + seconds(c.lifetime), trust_of(c.issuer),
                                        KeyType::ecdsa_p256, c.alt_names);
    // Stapling as the scenario's proxy staples: only the private CA runs a responder here (the
    // model's can_staple); a response made a day ago, saying revoked if the scenario says so.
    std::vector<uint8_t> staple;
    if (proxy.ocsp_stapling && c.issuer == Issuer::private_ca) staple = certs.ocsp(cred, c.revoked, now - 86400);
    // This live proxy relays HTTP/1.1 only, so it offers http/1.1 in ALPN even where the
    // scenario's proxy offers h2 (the start-up line says so).
    server.names.push_back({c.domain, &cred, {"http/1.1"}, staple});
    for (const auto& alt : c.alt_names) server.names.push_back({alt, &cred, {"http/1.1"}, staple});
  }
  server.default_name = proxy.default_certificate;
  server.strict_sni = proxy.strict_sni;
  server.reject_alert = proxy_preset(proxy.preset).reject_alert_code;
  server.min_version = (proxy.tls_versions & tls12) ? TlsVersion::tls12 : TlsVersion::tls13;
  server.max_version = (proxy.tls_versions & tls13) ? TlsVersion::tls13 : TlsVersion::tls12;
  // The groups the scenario's proxy accepts, where it names them (else OpenSSL's default list, as
  // the recorded handshakes keep it): a TLS 1.3 client whose key share is for another group gets
  // a HelloRetryRequest, one that offers none of them alert 40.
  if (proxy.groups != ProxySpec{}.groups) server.groups = openssl_groups(proxy.groups);
  // Resumption needs nothing here: OpenSSL's server issues TLS 1.3 tickets (two after a full
  // handshake) and TLS 1.2 session tickets (RFC 5077) by default, with ticket keys drawn at random
  // when the SSL_CTX is made, so they live as long as this process. With 0-RTT on, OpenSSL's
  // default anti-replay makes the tickets single-use (stateful, kept in the server's cache).
  if (policy.early_data) server.max_early_data = max_early_data;
  if (policy.verify_clients != VerifyClients::off) server.client_cas = {certs.trusted_ca().certificate()};
  return server;
}

void apply_per_connection(SSL* ssl, const TlsPolicy& policy) {
  // Like nginx `ssl_verify_client optional`: a certificate is asked for and verified when sent.
  if (policy.verify_clients == VerifyClients::optional) SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  if (!policy.tickets) {
    // No TLS 1.3 tickets at all; TLS 1.2 falls back to session IDs in the server's cache.
    SSL_set_num_tickets(ssl, 0);
    SSL_set_options(ssl, SSL_OP_NO_TICKET);
  }
}

std::string client_verify_value(SSL* ssl, const TlsPolicy& policy) {
  if (policy.verify_clients == VerifyClients::off) return {};
  // A certificate that failed verification never gets this far: OpenSSL ends the handshake.
  return SSL_get0_peer_certificate(ssl) != nullptr ? "SUCCESS" : "NONE";
}

EarlyRead read_early_data(SSL* ssl, const std::function<bool(const std::string&)>& complete) {
  // connection.cpp's loop drives memory BIOs step by step; on a blocking socket each call waits
  // for the next record, so this one stops as soon as the request is whole, before the client's
  // EndOfEarlyData: that is the point of 0-RTT (RFC 8446 section 2.3).
  EarlyRead out;
  char buf[4096];
  for (;;) {
    ERR_clear_error();
    size_t n = 0;
    const int rc = SSL_read_early_data(ssl, buf, sizeof buf, &n);
    if (rc == SSL_READ_EARLY_DATA_SUCCESS) {
      out.data.append(buf, n);
      if (complete && complete(out.data)) return out;
      continue;
    }
    out.finished = rc == SSL_READ_EARLY_DATA_FINISH;
    out.failed = !out.finished;
    return out;
  }
}

const char* early_data_status(SSL* ssl) {
  switch (SSL_get_early_data_status(ssl)) {
    case SSL_EARLY_DATA_ACCEPTED:
      return "accepted";
    case SSL_EARLY_DATA_REJECTED:
      return "rejected";
    default:
      return "not_sent";
  }
}

std::string alert_text(int alert) {
  if (alert < 0) return "none";
  // OpenSSL 3.0 names no TLS 1.3 alert (116 is "unknown"): RFC 8446's name, as decode.cpp does.
  return fmt::format("{} ({})", alert, alert == 116 ? "certificate required" : SSL_alert_desc_string_long(alert));
}

std::string failure_reason(SSL* ssl, const std::string& openssl_error) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) return fmt::format("client certificate rejected: {}", X509_verify_cert_error_string(verify));
  // OpenSSL's words for a required client certificate that did not come (SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE).
  if (openssl_error.find("peer did not return a certificate") != std::string::npos)
    return "client sent no certificate (verify_clients=require)";
  return openssl_error.empty() ? "connection closed during the handshake" : openssl_error;
}

std::string client_subject(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

bool export_client_credential(const Credential& client, const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_X509(bio.get(), client.cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(bio.get(), client.key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ERR_clear_error();
    return false;
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  // One file holds both, as curl --cert and openssl s_client -cert read it (-key may name it too).
  return sock::write_private_file(path, data, static_cast<size_t>(n));
}

}  // namespace deploysim::loopback::live
