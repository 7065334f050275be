// One connection between a client and a server SSL over memory BIOs (optionally a 127.0.0.1 TCP
// link): the handshake, resumption and 0-RTT, the HTTP exchange, and a replayed first flight.
#include <chrono>

#include <openssl/err.h>

#include "deploysim/loopback/decode.hpp"
#include "deploysim/loopback/handshake.hpp"
#include "deploysim/loopback/tcp_link.hpp"

namespace deploysim::loopback {
namespace {

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

// Adds the steady-clock time of `f()` to `*total` (when asked): the server's share of a handshake.
template <typename F>
auto timed(double* total, F&& f) {
  if (total == nullptr) return f();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = f();
  *total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Reads 0-RTT data on the server until OpenSSL needs more bytes or the early data is over.
Step read_early(SSL* ssl, std::string& into, bool& finished, std::string& error) {
  char buf[4096];
  for (;;) {
    ERR_clear_error();
    size_t n = 0;
    const int rc = SSL_read_early_data(ssl, buf, sizeof buf, &n);
    if (rc == SSL_READ_EARLY_DATA_SUCCESS) {
      into.append(buf, n);
      continue;
    }
    if (rc == SSL_READ_EARLY_DATA_FINISH) {
      finished = true;
      return Step::again;
    }
    const int err = SSL_get_error(ssl, 0);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Step::again;
    error = drain_openssl_errors();
    if (error.empty()) error = "SSL_read_early_data failed (SSL_get_error " + std::to_string(err) + ")";
    return Step::failed;
  }
}

std::string subject_of(X509* cert) {
  if (cert == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

HandshakeOutcome run_handshake(const ClientContext& client, const ServerContext& server, const Exchange& exchange,
                               Capture* capture, TcpLink* link, const ConnectionOptions& options) {
  HandshakeOutcome out;
  ServerPick pick;
  SslPtr c = client.new_ssl();
  SslPtr s = server.new_ssl(&pick);
  ClientContext::watch_ocsp(c.get(), &out.ocsp);
  if (options.resume != nullptr) SSL_set_session(c.get(), options.resume);
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

  // The protocol ALPN will choose decides the request's form; a 0-RTT request goes out before
  // the choice, so it follows the client's first preference (the session's ALPN on resumption).
  const auto request_for = [&](const std::string& alpn) -> const std::string& {
    return alpn == "h2" && !exchange.request_h2.empty() ? exchange.request_h2 : exchange.request;
  };
  bool early = false;  // the client sent its request as 0-RTT data
  if (options.early_data && options.resume != nullptr && !exchange.request.empty() &&
      SSL_SESSION_get_max_early_data(options.resume) > 0) {
    const unsigned char* proto = nullptr;
    size_t proto_len = 0;
    SSL_SESSION_get0_alpn_selected(options.resume, &proto, &proto_len);
    const std::string& request = request_for(std::string(reinterpret_cast<const char*>(proto), proto_len));
    size_t written = 0;
    early = SSL_write_early_data(c.get(), request.data(), request.size(), &written) == 1;
    if (!early) out.client_error = drain_openssl_errors();
  }
  const bool server_reads_early = server.config().max_early_data > 0;
  bool early_finished = !server_reads_early;
  std::string early_request;

  bool c_done = false, s_done = false, failed = false;
  int server_flights_read = 0;  // server flights the client has received so far
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
      Step st = Step::again;
      if (!early_finished)
        st = timed(options.server_cpu_s,
                   [&] { return read_early(s.get(), early_request, early_finished, out.server_error); });
      if (early_finished && st != Step::failed)
        st = timed(options.server_cpu_s, [&] { return advance(s.get(), out.server_error); });
      s_done = st == Step::done;
      if (pump(s_out, c_in, Direction::server_to_client, capture, link) && !c_done) ++server_flights_read;
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
  out.client_cert = subject_of(SSL_get0_peer_certificate(s.get()));
  out.resumed = SSL_session_reused(c.get()) == 1;
  out.early_data = static_cast<EarlyData>(SSL_get_early_data_status(c.get()));
  out.round_trips = early && out.early_data == EarlyData::accepted ? 0 : server_flights_read;
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
      // HTTP/1.1 text inside an h2 connection would be a protocol error: the form ALPN chose.
      const bool h2 = out.alpn == "h2" && !exchange.request_h2.empty();
      // nginx checks the client certificate once the request has arrived (ngx_http_request.c):
      // a failed verification, or none where one is required, gets HTTP 400.
      const bool failed_cert = !exchange.refused_failed.empty() && SSL_get0_peer_certificate(s.get()) != nullptr &&
                               SSL_get_verify_result(s.get()) != X509_V_OK;
      const bool missing_cert = exchange.refuse_missing && SSL_get0_peer_certificate(s.get()) == nullptr;
      const std::string& response = failed_cert    ? (h2 ? exchange.refused_failed_h2 : exchange.refused_failed)
                                    : missing_cert ? (h2 ? exchange.refused_missing_h2 : exchange.refused_missing)
                                    : h2           ? exchange.response_h2
                                                   : exchange.response;
      if (out.early_data == EarlyData::accepted) {
        out.request = early_request;
      } else {  // rejected 0-RTT data is lost: the client sends the request again (RFC 8446 4.2.10)
        const std::string& request = request_for(out.alpn);
        SSL_write(c.get(), request.data(), static_cast<int>(request.size()));
        pump(c_out, s_in, Direction::client_to_server, capture, link);
        out.request = read_all(s.get());
      }
      SSL_write(s.get(), response.data(), static_cast<int>(response.size()));
      pump(s_out, c_in, Direction::server_to_client, capture, link);
      out.response = read_all(c.get());
      SSL_shutdown(c.get());
      pump(c_out, s_in, Direction::client_to_server, capture, link);
      read_all(s.get());
      SSL_shutdown(s.get());
      pump(s_out, c_in, Direction::server_to_client, capture, link);
    } else if (options.keep != nullptr) {
      read_all(c.get());  // TLS 1.3 tickets arrive after the handshake: the client reads them
    }
    if (options.keep != nullptr) options.keep->reset(SSL_get1_session(c.get()));
  }
  ERR_clear_error();
  fill_alert(capture, out);
  if (capture != nullptr)
    for (const auto& m : capture->messages) out.hello_retry = out.hello_retry || is_hello_retry_request(m);
  return out;
}

HandshakeOutcome replay_first_flight(const ServerContext& server, const std::vector<uint8_t>& flight,
                                     Capture* capture) {
  HandshakeOutcome out;
  ServerPick pick;
  SslPtr s = server.new_ssl(&pick);
  CaptureSink sink;
  sink.capture = capture;
  sink.writer = Direction::server_to_client;
  sink.keylog = false;
  sink.record_reads = true;  // no client here: the server's reads are the replayed messages
  if (capture != nullptr) attach_capture(s.get(), &sink);
  BIO* s_in = BIO_new(BIO_s_mem());
  BIO* s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(s.get(), s_in, s_out);
  if (capture != nullptr) capture->flights.push_back({Direction::client_to_server, flight});
  BIO_write(s_in, flight.data(), static_cast<int>(flight.size()));
  bool finished = server.config().max_early_data == 0;
  std::string request;
  if (!finished)
    read_early(s.get(), request, finished, out.server_error);
  else
    advance(s.get(), out.server_error);
  char* data = nullptr;
  const long n = BIO_get_mem_data(s_out, &data);
  if (capture != nullptr && n > 0)
    capture->flights.push_back(
        {Direction::server_to_client,
         std::vector<uint8_t>(reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + n)});
  out.early_data = static_cast<EarlyData>(SSL_get_early_data_status(s.get()));
  out.request = request;
  out.resumed = SSL_session_reused(s.get()) == 1;
  if (pick.chosen >= 0) out.served_name = server.config().names[static_cast<size_t>(pick.chosen)].name;
  ERR_clear_error();
  fill_alert(capture, out);
  return out;
}

}  // namespace deploysim::loopback
