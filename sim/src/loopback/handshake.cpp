#include "deploysim/loopback/handshake.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "deploysim/loopback/tcp_link.hpp"
#include "request_path/tls_codes.hpp"

// The TLS model's numbers (request_path/tls_codes.hpp) are OpenSSL's.
static_assert(deploysim::tls_codes::alert_bad_certificate == SSL_AD_BAD_CERTIFICATE &&
              deploysim::tls_codes::alert_certificate_expired == SSL_AD_CERTIFICATE_EXPIRED &&
              deploysim::tls_codes::alert_unknown_ca == SSL_AD_UNKNOWN_CA &&
              deploysim::tls_codes::alert_protocol_version == SSL_AD_PROTOCOL_VERSION &&
              deploysim::tls_codes::alert_internal_error == SSL_AD_INTERNAL_ERROR &&
              deploysim::tls_codes::alert_unrecognized_name == SSL_AD_UNRECOGNIZED_NAME);
static_assert(deploysim::tls_codes::verify_cert_not_yet_valid == X509_V_ERR_CERT_NOT_YET_VALID &&
              deploysim::tls_codes::verify_cert_has_expired == X509_V_ERR_CERT_HAS_EXPIRED &&
              deploysim::tls_codes::verify_depth_zero_self_signed_cert == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT &&
              deploysim::tls_codes::verify_unable_to_get_issuer_cert_locally ==
                  X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY &&
              deploysim::tls_codes::verify_hostname_mismatch == X509_V_ERR_HOSTNAME_MISMATCH &&
              deploysim::tls_codes::verify_ip_address_mismatch == X509_V_ERR_IP_ADDRESS_MISMATCH);

namespace deploysim::loopback {
namespace {

int pick_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

std::vector<uint8_t> alpn_wire(const std::vector<std::string>& protos) {
  std::vector<uint8_t> out;
  for (const auto& p : protos) {
    if (p.empty() || p.size() > 255) continue;
    out.push_back(static_cast<uint8_t>(p.size()));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

// The host_name entry of a server_name extension body (RFC 6066 section 3), "" if absent.
std::string sni_from_extension(const unsigned char* p, size_t len) {
  if (len < 2) return {};
  size_t list_len = (size_t{p[0]} << 8) | p[1];
  size_t i = 2;
  const size_t end = std::min(len, 2 + list_len);
  while (i + 3 <= end) {
    const uint8_t type = p[i];
    const size_t n = (size_t{p[i + 1]} << 8) | p[i + 2];
    i += 3;
    if (i + n > end) break;
    if (type == 0) return std::string(reinterpret_cast<const char*>(p + i), n);
    i += n;
  }
  return {};
}

// "*.example.test" covers exactly one left-most label (RFC 6125 section 6.4.3).
bool wildcard_covers(const std::string& pattern, const std::string& host) {
  if (pattern.size() < 3 || pattern.compare(0, 2, "*.") != 0) return false;
  const size_t dot = host.find('.');
  return dot != std::string::npos && dot > 0 && host.compare(dot + 1, std::string::npos, pattern, 2) == 0;
}

int on_client_hello(SSL* ssl, int* alert, void* /*arg*/) {
  auto* pick = static_cast<ServerPick*>(SSL_get_ex_data(ssl, pick_index()));
  if (pick == nullptr || pick->config == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  const ServerConfig& cfg = *pick->config;
  const unsigned char* ext = nullptr;
  size_t ext_len = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &ext_len) == 1)
    pick->sni = sni_from_extension(ext, ext_len);
  int chosen = -1;
  for (int pass = 0; pass < 2 && chosen < 0 && !pick->sni.empty(); ++pass)
    for (size_t i = 0; i < cfg.names.size() && chosen < 0; ++i)
      if (pass == 0 ? cfg.names[i].name == pick->sni : wildcard_covers(cfg.names[i].name, pick->sni))
        chosen = static_cast<int>(i);
  if (chosen < 0 && !cfg.strict_sni) {
    for (size_t i = 0; i < cfg.names.size(); ++i)
      if (cfg.names[i].name == cfg.default_name) chosen = static_cast<int>(i);
    if (chosen < 0 && !cfg.names.empty()) chosen = 0;
  }
  if (chosen < 0) {
    *alert = cfg.reject_alert;
    return SSL_CLIENT_HELLO_ERROR;
  }
  const Credential* cred = cfg.names[static_cast<size_t>(chosen)].credential;
  STACK_OF(X509)* chain = sk_X509_new_null();
  for (X509* c : cred->chain) sk_X509_push(chain, c);
  const int ok = SSL_use_cert_and_key(ssl, cred->cert.get(), cred->key.get(), chain, 1);
  sk_X509_free(chain);
  if (ok != 1) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  pick->chosen = chosen;
  return SSL_CLIENT_HELLO_SUCCESS;
}

int on_alpn_select(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                   unsigned int inlen, void* /*arg*/) {
  auto* pick = static_cast<ServerPick*>(SSL_get_ex_data(ssl, pick_index()));
  if (pick == nullptr || pick->chosen < 0) return SSL_TLSEXT_ERR_NOACK;
  const auto& protos = pick->config->names[static_cast<size_t>(pick->chosen)].alpn;
  // SSL_select_next_proto takes the first list as preference order: the server's.
  for (const auto& want : protos) {
    for (unsigned int i = 0; i < inlen;) {
      const unsigned int n = in[i];
      if (i + 1 + n > inlen) break;
      if (want.size() == n && want.compare(0, n, reinterpret_cast<const char*>(in + i + 1), n) == 0) {
        *out = in + i + 1;
        *outlen = static_cast<unsigned char>(n);
        return SSL_TLSEXT_ERR_OK;
      }
      i += 1 + n;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

SslCtxPtr new_ctx(const SSL_METHOD* method, TlsVersion lo, TlsVersion hi, CaptureMode capture) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed: " + drain_openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), static_cast<int>(lo));
  SSL_CTX_set_max_proto_version(ctx.get(), static_cast<int>(hi));
  install_capture_callbacks(ctx.get(), capture);
  return ctx;
}

// Moves everything `from` has buffered into `to` (through the TCP link if any); records it as
// one flight.
bool pump(BIO* from, BIO* to, Direction dir, Capture* capture, TcpLink* link) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(from, &data);
  if (n <= 0) return false;
  if (link != nullptr) {
    const auto arrived = link->carry(dir, reinterpret_cast<uint8_t*>(data), static_cast<size_t>(n));
    BIO_write(to, arrived.data(), static_cast<int>(arrived.size()));
  } else {
    BIO_write(to, data, static_cast<int>(n));
  }
  if (capture != nullptr) {
    Flight f;
    f.dir = dir;
    f.bytes.assign(reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + n);
    capture->flights.push_back(std::move(f));
  }
  (void)BIO_reset(from);
  return true;
}

enum class Step { done, again, failed };

Step advance(SSL* ssl, std::string& error) {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl);
  if (rc == 1) return Step::done;
  const int err = SSL_get_error(ssl, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Step::again;
  error = drain_openssl_errors();
  if (error.empty()) error = "handshake failed (SSL_get_error " + std::to_string(err) + ")";
  return Step::failed;
}

// Lets the peer of a failed side read the failing side's last flight (its alert).
void absorb(SSL* ssl, std::string& error, bool handshaking) {
  ERR_clear_error();
  char buf[256];
  const int rc = handshaking ? SSL_do_handshake(ssl) : SSL_read(ssl, buf, sizeof buf);
  if (rc <= 0) {
    const int err = SSL_get_error(ssl, rc);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_ZERO_RETURN) error = drain_openssl_errors();
  }
  ERR_clear_error();
}

std::string read_all(SSL* ssl) {
  std::string out;
  char buf[4096];
  for (;;) {
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ERR_clear_error();
  return out;
}

void fill_alert(const Capture* capture, HandshakeOutcome& out) {
  if (capture == nullptr) return;
  for (const auto& m : capture->messages) {
    if (m.content_type == alert && m.bytes.size() >= 2 && m.bytes[1] != 0) {
      out.alert = m.bytes[1];
      out.alert_from = m.dir;
      return;
    }
  }
}

}  // namespace

const char* version_name(TlsVersion v) { return v == TlsVersion::tls13 ? "TLSv1.3" : "TLSv1.2"; }

std::string drain_openssl_errors() {
  std::string out;
  unsigned long e = 0;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

ServerContext::ServerContext(const ServerConfig& config, CaptureMode capture)
    : config_(config), ctx_(new_ctx(TLS_server_method(), config.min_version, config.max_version, capture)) {
  SSL_CTX_set_client_hello_cb(ctx_.get(), on_client_hello, nullptr);
  SSL_CTX_set_alpn_select_cb(ctx_.get(), on_alpn_select, nullptr);
}

SslPtr ServerContext::new_ssl(ServerPick* pick) const {
  SslPtr ssl(SSL_new(ctx_.get()));
  if (!ssl) throw std::runtime_error("SSL_new failed: " + drain_openssl_errors());
  pick->config = &config_;
  SSL_set_ex_data(ssl.get(), pick_index(), pick);
  SSL_set_accept_state(ssl.get());
  return ssl;
}

ClientContext::ClientContext(const ClientConfig& config, CaptureMode capture)
    : config_(config), ctx_(new_ctx(TLS_client_method(), config.min_version, config.max_version, capture)) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx_.get());
  for (X509* root : config_.trusted) X509_STORE_add_cert(store, root);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  const auto wire = alpn_wire(config_.alpn);
  if (!wire.empty()) SSL_CTX_set_alpn_protos(ctx_.get(), wire.data(), static_cast<unsigned>(wire.size()));
}

SslPtr ClientContext::new_ssl() const {
  SslPtr ssl(SSL_new(ctx_.get()));
  if (!ssl) throw std::runtime_error("SSL_new failed: " + drain_openssl_errors());
  if (config_.send_sni) SSL_set_tlsext_host_name(ssl.get(), config_.sni.c_str());
  const std::string& host = config_.verify_host.empty() ? config_.sni : config_.verify_host;
  SSL_set1_host(ssl.get(), host.c_str());
  X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl.get()), static_cast<time_t>(config_.verify_time));
  SSL_set_connect_state(ssl.get());
  return ssl;
}

HandshakeOutcome run_handshake(const ClientContext& client, const ServerContext& server, const Exchange& exchange,
                               Capture* capture, TcpLink* link) {
  HandshakeOutcome out;
  ServerPick pick;
  SslPtr c = client.new_ssl();
  SslPtr s = server.new_ssl(&pick);
  CaptureSink c_sink;
  c_sink.capture = capture;
  CaptureSink s_sink;
  s_sink.capture = capture;
  s_sink.writer = Direction::server_to_client;
  s_sink.keylog = false;
  if (capture != nullptr) {
    attach_capture(c.get(), &c_sink);
    attach_capture(s.get(), &s_sink);
  }
  BIO* c_in = BIO_new(BIO_s_mem());
  BIO* c_out = BIO_new(BIO_s_mem());
  BIO* s_in = BIO_new(BIO_s_mem());
  BIO* s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(c.get(), c_in, c_out);
  SSL_set_bio(s.get(), s_in, s_out);

  bool c_done = false, s_done = false, failed = false;
  for (int round = 0; round < 16 && !(c_done && s_done) && !failed; ++round) {
    if (!c_done) {
      const Step st = advance(c.get(), out.client_error);
      c_done = st == Step::done;
      pump(c_out, s_in, Direction::client_to_server, capture, link);
      if (st == Step::failed) {
        absorb(s.get(), out.server_error, !s_done);
        pump(s_out, c_in, Direction::server_to_client, capture, link);
        failed = true;
        break;
      }
    }
    if (!s_done) {
      const Step st = advance(s.get(), out.server_error);
      s_done = st == Step::done;
      pump(s_out, c_in, Direction::server_to_client, capture, link);
      if (st == Step::failed) {
        absorb(c.get(), out.client_error, !c_done);
        failed = true;
        break;
      }
    }
  }
  out.verify_result = SSL_get_verify_result(c.get());
  out.verify_message = X509_verify_cert_error_string(out.verify_result);
  if (pick.chosen >= 0) out.served_name = server.config().names[static_cast<size_t>(pick.chosen)].name;
  out.ok = c_done && s_done && !failed;
  if (out.ok) {
    out.version = static_cast<uint16_t>(SSL_version(c.get()));
    const SSL_CIPHER* cipher = SSL_get_current_cipher(c.get());
    out.cipher = static_cast<uint16_t>(SSL_CIPHER_get_protocol_id(cipher));
    out.cipher_name = SSL_CIPHER_standard_name(cipher);
    const unsigned char* proto = nullptr;
    unsigned int proto_len = 0;
    SSL_get0_alpn_selected(c.get(), &proto, &proto_len);
    out.alpn.assign(reinterpret_cast<const char*>(proto), proto_len);
    if (!exchange.request.empty()) {
      // The protocol ALPN chose: HTTP/1.1 text inside an h2 connection would be a protocol error.
      const bool h2 = out.alpn == "h2" && !exchange.request_h2.empty();
      const std::string& request = h2 ? exchange.request_h2 : exchange.request;
      const std::string& response = h2 ? exchange.response_h2 : exchange.response;
      SSL_write(c.get(), request.data(), static_cast<int>(request.size()));
      pump(c_out, s_in, Direction::client_to_server, capture, link);
      out.request = read_all(s.get());
      SSL_write(s.get(), response.data(), static_cast<int>(response.size()));
      pump(s_out, c_in, Direction::server_to_client, capture, link);
      out.response = read_all(c.get());
      SSL_shutdown(c.get());
      pump(c_out, s_in, Direction::client_to_server, capture, link);
      read_all(s.get());
      SSL_shutdown(s.get());
      pump(s_out, c_in, Direction::server_to_client, capture, link);
    }
  }
  ERR_clear_error();
  fill_alert(capture, out);
  return out;
}

}  // namespace deploysim::loopback
