#include "deploysim/loopback/handshake.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/ocsp.h>
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

static_assert(static_cast<int>(deploysim::loopback::EarlyData::rejected) == SSL_EARLY_DATA_REJECTED &&
              static_cast<int>(deploysim::loopback::EarlyData::accepted) == SSL_EARLY_DATA_ACCEPTED &&
              static_cast<int>(deploysim::loopback::EarlyData::not_sent) == SSL_EARLY_DATA_NOT_SENT);

namespace deploysim::loopback {
namespace {

int pick_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

int ocsp_index() {
  static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

// The server staples the chosen name's response, when it has one and the client asked.
int on_server_status(SSL* ssl, void* /*arg*/) {
  auto* pick = static_cast<ServerPick*>(SSL_get_ex_data(ssl, pick_index()));
  if (pick == nullptr || pick->chosen < 0) return SSL_TLSEXT_ERR_NOACK;
  const auto& der = pick->config->names[static_cast<size_t>(pick->chosen)].ocsp_response;
  if (der.empty()) return SSL_TLSEXT_ERR_NOACK;
  auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(der.data(), der.size()));
  if (copy == nullptr) return SSL_TLSEXT_ERR_ALERT_FATAL;
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(der.size()));  // takes ownership
  return SSL_TLSEXT_ERR_OK;
}

// nginx's ngx_ssl_verify_callback: the verification runs, its error stays in the SSL
// (SSL_get_verify_result), and the handshake completes; nginx answers HTTP 400 afterwards.
int accept_any(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) { return 1; }

int read_client_status(SSL* ssl, void* arg);

// The client reads the stapled response: signature checked against its trust anchors, then the
// leaf's status. Like `openssl s_client -status`, it reports and goes on (returns 1), unless it
// refuses a "revoked" as browsers do: returning 0 makes OpenSSL abort with alert
// bad_certificate_status_response (113).
int on_client_status(SSL* ssl, void* arg) {
  const int rc = read_client_status(ssl, arg);
  const auto* config = static_cast<const ClientConfig*>(arg);
  const auto* result = static_cast<OcspStatus*>(SSL_get_ex_data(ssl, ocsp_index()));
  if (config->refuse_revoked && result != nullptr && *result == OcspStatus::revoked) return 0;
  return rc;
}

int read_client_status(SSL* ssl, void* arg) {
  auto* result = static_cast<OcspStatus*>(SSL_get_ex_data(ssl, ocsp_index()));
  if (result == nullptr) return 1;
  const auto* config = static_cast<const ClientConfig*>(arg);
  const unsigned char* der = nullptr;
  const long len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
  if (der == nullptr || len <= 0) {
    *result = OcspStatus::none;
    return 1;
  }
  *result = OcspStatus::unknown;
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> resp(d2i_OCSP_RESPONSE(nullptr, &der, len),
                                                                     OCSP_RESPONSE_free);
  if (!resp || OCSP_response_status(resp.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) return 1;
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic(OCSP_response_get1_basic(resp.get()),
                                                                        OCSP_BASICRESP_free);
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (!basic || leaf == nullptr) return 1;
  X509_STORE* store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
  if (OCSP_basic_verify(basic.get(), SSL_get_peer_cert_chain(ssl), store, 0) != 1) {
    ERR_clear_error();
    return 1;
  }
  for (X509* issuer : config->trusted) {
    if (X509_check_issued(issuer, leaf) != X509_V_OK) continue;
    OCSP_CERTID* id = OCSP_cert_to_id(nullptr, leaf, issuer);
    int status = -1, reason = 0;
    if (id != nullptr && OCSP_resp_find_status(basic.get(), id, &status, &reason, nullptr, nullptr, nullptr) == 1)
      *result = status == V_OCSP_CERTSTATUS_GOOD      ? OcspStatus::good
                : status == V_OCSP_CERTSTATUS_REVOKED ? OcspStatus::revoked
                                                      : OcspStatus::unknown;
    OCSP_CERTID_free(id);
  }
  return 1;
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

SslCtxPtr new_ctx(const SSL_METHOD* method, TlsVersion lo, TlsVersion hi, CaptureMode capture,
                  const std::string& groups) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) throw std::runtime_error("SSL_CTX_new failed: " + drain_openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), static_cast<int>(lo));
  SSL_CTX_set_max_proto_version(ctx.get(), static_cast<int>(hi));
  if (!groups.empty() && SSL_CTX_set1_groups_list(ctx.get(), groups.c_str()) != 1)
    throw std::runtime_error("SSL_CTX_set1_groups_list(" + groups + ") failed: " + drain_openssl_errors());
  install_capture_callbacks(ctx.get(), capture);
  return ctx;
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
    : config_(config),
      ctx_(new_ctx(TLS_server_method(), config.min_version, config.max_version, capture, config.groups)) {
  SSL_CTX_set_client_hello_cb(ctx_.get(), on_client_hello, nullptr);
  SSL_CTX_set_alpn_select_cb(ctx_.get(), on_alpn_select, nullptr);
  // Sessions (and so tickets) are bound to this context; OpenSSL refuses to resume a session
  // without one once the server verifies clients.
  static constexpr unsigned char sid_ctx[] = "deploysim";
  SSL_CTX_set_session_id_context(ctx_.get(), sid_ctx, sizeof sid_ctx - 1);
  if (!config_.client_cas.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx_.get());
    for (X509* ca : config_.client_cas) {
      X509_STORE_add_cert(store, ca);
      SSL_CTX_add_client_CA(ctx_.get(), ca);  // sent as certificate_authorities
    }
    const int mode = config_.client_cert_optional ? SSL_VERIFY_PEER : SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx_.get(), mode, config_.accept_any_client_cert ? accept_any : nullptr);
    if (config_.verify_time != 0)
      X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx_.get()), static_cast<time_t>(config_.verify_time));
  }
  if (config_.max_early_data > 0) SSL_CTX_set_max_early_data(ctx_.get(), config_.max_early_data);
  if (config_.no_anti_replay) SSL_CTX_set_options(ctx_.get(), SSL_OP_NO_ANTI_REPLAY);
  if (std::any_of(config_.names.begin(), config_.names.end(),
                  [](const ServerName& n) { return !n.ocsp_response.empty(); }))
    SSL_CTX_set_tlsext_status_cb(ctx_.get(), on_server_status);
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
    : config_(config),
      ctx_(new_ctx(TLS_client_method(), config.min_version, config.max_version, capture, config.groups)) {
  if (config_.request_ocsp) {
    SSL_CTX_set_tlsext_status_cb(ctx_.get(), on_client_status);
    SSL_CTX_set_tlsext_status_arg(ctx_.get(), &config_);
  }
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
  if (config_.request_ocsp) SSL_set_tlsext_status_type(ssl.get(), TLSEXT_STATUSTYPE_ocsp);
  if (const Credential* cred = config_.credential) {
    STACK_OF(X509)* chain = sk_X509_new_null();
    for (X509* c : cred->chain) sk_X509_push(chain, c);
    const int ok = SSL_use_cert_and_key(ssl.get(), cred->cert.get(), cred->key.get(), chain, 1);
    sk_X509_free(chain);
    if (ok != 1) throw std::runtime_error("SSL_use_cert_and_key (client) failed: " + drain_openssl_errors());
  }
  SSL_set_connect_state(ssl.get());
  return ssl;
}

void ClientContext::watch_ocsp(SSL* ssl, OcspStatus* result) { SSL_set_ex_data(ssl, ocsp_index(), result); }

}  // namespace deploysim::loopback
