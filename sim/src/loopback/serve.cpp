#include "deploysim/loopback/serve.hpp"
#include "deploysim/messages.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <openssl/err.h>

#include "deploysim/loopback/decode.hpp"
#include "deploysim/loopback/handshake.hpp"
#include "deploysim/loopback/tcp_link.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/presets.hpp"
#include "loopback/serve_guard.hpp"
#include "loopback/serve_tls.hpp"
#include "loopback/socket_platform.hpp"

namespace deploysim::loopback {
namespace {

using live::Connection;
using live::header_value;
using live::RequestState;
using live::starts_nocase;

// The accept loop wakes this often to reap threads and enforce the connections' deadlines.
constexpr int poll_ms = 200;
// Backend and upstream sockets (in-process, never the client's).
constexpr int io_timeout_s = 5;

// Prints trace-style lines from every thread, one at a time, stamped with seconds since start.
class Log {
 public:
  explicit Log(std::FILE* out) : out_(out), t0_(std::chrono::steady_clock::now()) {}
  void line(const std::string& text) {
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::lock_guard lock(mutex_);
    fmt::print(out_, "[{:9.3f}s] {}\n", t, text);
    std::fflush(out_);
  }

 private:
  std::mutex mutex_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point t0_;
};

void set_timeouts(int fd) { sock::set_io_timeouts(fd, io_timeout_s); }

bool send_all(int fd, const std::string& data) { return sock::send_all(fd, data.data(), data.size()); }

bool request_complete(const std::string& data) { return live::request_state(data) == RequestState::complete; }

std::string http_response(int status, const char* reason, const std::string& body) {
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, reason, body.size(), body);
}

// One in-process HTTP backend per [[service]]: listens on 127.0.0.1, round-robins over its
// workers and answers with a body naming the pool and the worker.
class Backend {
 public:
  Backend(const ServiceSpec& spec, Log& log, int fd)
      : name_(spec.name),
        server_(server_preset_name(spec.server)),
        workers_(spec.workers > 0 ? spec.workers : 1),
        log_(log),
        fd_(fd),
        port_(sock::local_port(fd)) {}
  ~Backend() {
    if (thread_.joinable()) thread_.join();
    sock::close_socket(fd_);
  }
  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }

 private:
  void loop() {
    while (!sock::StopSignals::stop_requested()) {
      if (!sock::wait_readable(fd_, poll_ms)) continue;
      const int c = sock::accept_connection(fd_);
      if (c < 0) continue;
      set_timeouts(c);
      answer(c);
      sock::close_socket(c);
    }
  }
  void answer(int c) {
    const live::RequestRead read = live::read_request([c](char* b, size_t n) { return sock::recv_some(c, b, n); });
    if (read.state != RequestState::complete) return;
    const std::string& req = read.data;
    const int worker = next_worker_++ % workers_ + 1;
    const std::string line = req.substr(0, req.find("\r\n"));
    const std::string body = fmt::format(
        "pool={} worker={}/worker-{} server={} request=\"{}\" host={} x-forwarded-for={} "
        "x-forwarded-proto={} early-data={} x-client-verify={}\n",
        name_, name_, worker, server_, line, header_value(req, "Host"), header_value(req, "X-Forwarded-For"),
        header_value(req, "X-Forwarded-Proto"), header_value(req, "Early-Data"), header_value(req, "X-Client-Verify"));
    send_all(c, http_response(200, "OK", body));
    log_.line(
        fmt::format("http.handled pool={} worker={}/worker-{} server={} \"{}\"", name_, name_, worker, server_, line));
  }

  std::string name_;
  std::string server_;
  int workers_;
  int next_worker_ = 0;
  Log& log_;
  int fd_;
  uint16_t port_;
  std::thread thread_;
};

std::string forward(uint16_t port, const std::string& request) {
  std::string error;
  const int fd = sock::connect_loopback(port, error);
  if (fd < 0) return {};
  set_timeouts(fd);
  std::string out;
  if (send_all(fd, request)) {
    char buf[4096];
    long n = 0;
    while ((n = sock::recv_some(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  sock::close_socket(fd);
  return out;
}

// The request as the proxy forwards it: Connection: close, X-Forwarded-For/Proto when the
// scenario's proxy adds them (presets.cpp: Caddy and Traefik do by default; nginx and HAProxy
// when configured), and Early-Data: 1 when it goes out before the client's handshake completed
// (RFC 8470 section 5.1: the app can answer 425 Too Early to what a replay must not repeat), and
// X-Client-Verify when it asks for client certificates (nginx `$ssl_client_verify`; a client's
// own X-Client-Verify is dropped, or it could claim anything).
std::string rewrite_for_backend(const std::string& request, bool forwarded, bool early,
                                const std::string& client_verify) {
  const size_t head_end = request.find("\r\n\r\n");
  std::string head = request.substr(0, head_end);
  std::string out;
  size_t pos = 0;
  while (pos <= head.size()) {
    const size_t next = head.find("\r\n", pos);
    const std::string line = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    const bool replaced = starts_nocase(line, "connection:") || (early && starts_nocase(line, "early-data:")) ||
                          (!client_verify.empty() && starts_nocase(line, "x-client-verify:"));
    if (!replaced) out += line + "\r\n";
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  if (forwarded) out += "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n";
  if (early) out += "Early-Data: 1\r\n";
  if (!client_verify.empty()) out += "X-Client-Verify: " + client_verify + "\r\n";
  out += "Connection: close\r\n\r\n";
  return out + request.substr(head_end + 4);
}

struct Proxy {
  const Scenario& scenario;
  ServerContext& tls;
  const live::TlsPolicy& policy;
  std::map<std::string, uint16_t> pool_ports;
  Log& log;

  void handle(Connection& c) {
    const int fd = c.fd();
    const int conn = c.id();
    // A backstop only: the accept loop shuts the socket down at the deadline, a bit earlier.
    sock::set_io_timeouts(fd, c.idle_timeout_s() + 2);
    Capture capture;
    CaptureSink sink;
    sink.capture = &capture;
    sink.writer = Direction::server_to_client;
    sink.keylog = false;
    sink.record_reads = true;
    ServerPick pick;
    SslPtr ssl = tls.new_ssl(&pick);
    live::apply_per_connection(ssl.get(), policy);
    attach_capture(ssl.get(), &sink);
    SSL_set_fd(ssl.get(), fd);
    SSL* s = ssl.get();

    // The ClientHello, and with 0-RTT on, the early data up to a whole request.
    live::EarlyRead early;
    bool accepted = false;  // SSL_accept ran
    if (policy.early_data) {
      early = live::read_early_data(s, request_complete);
    } else {
      ERR_clear_error();
      early.failed = SSL_accept(s) != 1;
      accepted = true;
    }
    const TranscriptFacts hello = summarize(capture.messages);
    log.line(
        fmt::format("conn={} tls.client_hello sni={} alpn={}", conn, hello.sni.empty() ? "(none)" : hello.sni,
                    hello.alpn_offered.empty() ? "(none)" : fmt::format("{}", fmt::join(hello.alpn_offered, ","))));
    std::string response;
    const bool early_request = !early.failed && !early.finished && request_complete(early.data);
    if (early_request) {
      // Forwarded now, before the client's Finished: 0-RTT saves the round trip only this way.
      c.disarm("upstream");
      response = route(early.data, conn, true, live::client_verify_value(s, policy));
      c.arm("handshake");
      early = live::read_early_data(s, nullptr);  // on to EndOfEarlyData
    }
    if (!early.failed && !accepted) {
      ERR_clear_error();
      early.failed = SSL_accept(s) != 1;
    }
    if (early.failed && c.timed_out()) {
      ERR_clear_error();
      log_timeout(c);
      return;
    }
    if (early.failed) {
      const std::string err = drain_openssl_errors();
      const TranscriptFacts facts = summarize(capture.messages);
      log.line(fmt::format("conn={} tls.failed alert={} reason=\"{}\" error=\"{}\"", conn,
                           live::alert_text(facts.alert), live::failure_reason(s, err), err));
      return;
    }
    const TranscriptFacts facts = summarize(capture.messages);
    std::vector<std::string> sequence;
    // OpenSSL's server reports no ChangeCipherSpec it receives; a TLS 1.2 client always sends one
    // before its Finished (RFC 5246 7.1), so the log names it there, as `handshake` shows it.
    bool client_ccs = false;
    for (const auto& m : capture.messages) {
      const bool from_client = m.dir == Direction::client_to_server;
      client_ccs = client_ccs || (from_client && m.content_type == change_cipher_spec);
      if (from_client && facts.version == TLS1_2_VERSION && m.content_type == handshake &&
          m.handshake_type == SSL3_MT_FINISHED && !client_ccs) {
        sequence.push_back(fmt::format("{} ChangeCipherSpec", direction_arrow(m.dir)));
        client_ccs = true;
      }
      sequence.push_back(fmt::format("{} {}", direction_arrow(m.dir), message_name(m)));
    }
    const std::string client = live::client_subject(s);
    log.line(fmt::format(
        "conn={} tls.established version={} cipher={} resumed={} early_data={} certificate={} alpn={}{} messages=[{}]",
        conn, wire_version_name(facts.version), SSL_get_cipher_name(s), SSL_session_reused(s) == 1 ? "yes" : "no",
        live::early_data_status(s), pick.chosen >= 0 ? tls.config().names[static_cast<size_t>(pick.chosen)].name : "?",
        facts.alpn.empty() ? "(none)" : facts.alpn, client.empty() ? "" : fmt::format(" client_cert=\"{}\"", client),
        fmt::join(sequence, ", ")));
    sink.capture = nullptr;  // the handshake is all the log shows; the request is not kept twice
    bool refused = false;
    if (!early_request) {
      // Early data that did not hold a whole request is its start; the rest follows the handshake.
      c.arm("request");
      int rc = 1;
      live::RequestRead read =
          live::read_request([s, &rc](char* b, size_t n) { return long(rc = SSL_read(s, b, static_cast<int>(n))); },
                             std::move(early.data));
      if (read.state == RequestState::incomplete) {
        const int error = SSL_get_error(s, rc);
        log_unfinished_request(c, error, read.data.size());
        // A client that closed cleanly (close_notify) before sending a request, as `openssl
        // s_client -sess_out ... </dev/null` does, must keep its session: SSL_free without our
        // close_notify drops it from the cache (ssl_clear_bad_session), and with early data on,
        // OpenSSL's anti-replay keeps the tickets there, so the ticket would no longer resume.
        if (error == SSL_ERROR_ZERO_RETURN) {
          SSL_shutdown(s);
          ERR_clear_error();
        }
        return;
      }
      refused = read.state != RequestState::complete;
      if (refused) {
        const int status = live::refusal_status(read.state);
        log.line(fmt::format("conn={} http.refused status={} reason=\"{}\" bytes_read={}", conn, status,
                             live::refusal_reason(read.state), read.data.size()));
        response = http_response(status, live::refusal_phrase(read.state), live::refusal_reason(read.state) + "\n");
      } else {
        c.disarm("upstream");
        response = route(read.data, conn, false, live::client_verify_value(s, policy));
      }
    }
    log.line(fmt::format("conn={} http.response \"{}\"", conn, response.substr(0, response.find("\r\n"))));
    c.arm("response");
    SSL_write(s, response.data(), static_cast<int>(response.size()));
    SSL_shutdown(s);
    ERR_clear_error();
    // The client may still be sending the rest of what was refused: closing with unread data
    // would reset the connection and could destroy the answer before it is read.
    if (refused) live::linger(fd, std::min(live::lingering_s, c.idle_timeout_s()));
  }

  void log_timeout(const Connection& c) {
    log.line(fmt::format("conn={} conn.timeout phase={} reason=\"nothing complete within the idle timeout of {} s\"",
                         c.id(), c.phase(), c.idle_timeout_s()));
  }

  // The request did not arrive whole: the deadline passed, the TLS layer failed (a forged or
  // garbled record) or the client went away.
  void log_unfinished_request(const Connection& c, int error, size_t bytes) {
    const std::string err = drain_openssl_errors();
    if (c.timed_out()) {
      log_timeout(c);
    } else if (error == SSL_ERROR_SSL) {
      log.line(
          fmt::format("conn={} http.failed reason=\"TLS error while reading the request\" error=\"{}\" bytes_read={}",
                      c.id(), err, bytes));
    } else {
      log.line(fmt::format("conn={} http.failed reason=\"client closed before a whole request\" bytes_read={}", c.id(),
                           bytes));
    }
  }

  // Routes a request by Host to its pool and returns the answer (404 without a route, 502 when
  // the pool does not answer).
  std::string route(const std::string& request, int conn, bool early, const std::string& client_verify) {
    const std::string line = request.substr(0, request.find("\r\n"));
    std::string host = header_value(request, "Host");
    host = host.substr(0, host.find(':'));
    log.line(fmt::format("conn={} http.request \"{}\" host={}{}", conn, line, host, early ? " early_data=yes" : ""));
    const RouteSpec* match = nullptr;
    for (const auto& r : scenario.proxy->routes)
      if (r.host == host) match = &r;
    auto port = match ? pool_ports.find(match->pool) : pool_ports.end();
    if (port == pool_ports.end()) {
      log.line(fmt::format("conn={} proxy.no_route host={} status=404", conn, host));
      return http_response(404, "Not Found", fmt::format("no route for host {}\n", host));
    }
    log.line(fmt::format("conn={} proxy.forward pool={} to=127.0.0.1:{}{}", conn, match->pool, port->second,
                         early ? " early-data=1 handshake=incomplete" : ""));
    std::string response =
        forward(port->second,
                rewrite_for_backend(request, proxy_sets_forwarded_headers(*scenario.proxy), early, client_verify));
    if (response.empty()) response = http_response(502, "Bad Gateway", "upstream did not answer\n");
    return response;
  }
};

const char* verify_name(VerifyClients v) {
  return v == VerifyClients::require ? "require" : v == VerifyClients::optional ? "optional" : "off";
}

}  // namespace

void request_serve_stop() { sock::StopSignals::request_stop(); }

int serve(const Scenario& scenario, const ServeOptions& options) {
  std::FILE* out = options.out;
  std::string words_error;
  const std::optional<Messages> english = options.words ? std::nullopt : Messages::load("en", &words_error);
  if (!options.words && !english) {
    fmt::print(stderr, "deploysim serve: {}\n", words_error);
    return 2;
  }
  const Messages& w = options.words ? *options.words : *english;
  if (!scenario.proxy) {
    fmt::print(stderr, "{}\n", w.format("serve.no_proxy", scenario.source_path));
    return 2;
  }
  if (scenario.certificates.empty()) {
    fmt::print(stderr, "{}\n", w.format("serve.no_certificate", scenario.source_path));
    return 2;
  }
  sock::StopSignals::clear_stop();
  // From the start, not only once listening: a script's background job inherits SIGINT ignored,
  // and a stop asked for during start-up must still end the proxy when its loop begins.
  const sock::StopSignals signals;
  Log log(out);
  // Live mode runs the scenario "now": certificate times are relative to the real clock, since
  // real clients (curl, openssl s_client) verify against it.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  CertStore certs;
  const live::TlsPolicy policy = live::tls_policy(scenario, options);
  const ServerConfig server = live::server_config(scenario, certs, now, policy);
  ServerContext tls(server, CaptureMode::messages);

  if (!options.export_ca.empty()) {
    std::ofstream f(options.export_ca, std::ios::binary | std::ios::trunc);
    f << certs.trusted_ca().certificate_pem();
    if (!f) {
      fmt::print(stderr, "deploysim serve: {}\n", w.format("serve.cannot_write", options.export_ca));
      return 1;
    }
  }
  if (!options.export_client_cert.empty() &&
      !live::export_client_credential(certs.client(true), options.export_client_cert)) {
    fmt::print(stderr, "deploysim serve: {}\n", w.format("serve.cannot_write", options.export_client_cert));
    return 1;
  }

  std::string error;
  const int listener = sock::listen_loopback(options.port, error);
  if (listener < 0) {
    fmt::print(stderr, "deploysim serve: {}\n", w.error(error));
    return 1;
  }
  std::vector<std::unique_ptr<Backend>> backends;
  std::map<std::string, uint16_t> pool_ports;
  for (const auto& svc : scenario.services) {
    const int fd = sock::listen_loopback(0, error);
    if (fd < 0) {
      fmt::print(stderr, "deploysim serve: {}\n", w.error(error));
      sock::close_socket(listener);
      return 1;
    }
    backends.push_back(std::make_unique<Backend>(svc, log, fd));
    pool_ports[svc.name] = backends.back()->port();
  }

  const uint16_t port = sock::local_port(listener);
  for (auto& b : backends) {
    b->start();
    log.line(fmt::format("backend pool={} listening on 127.0.0.1:{}", b->name(), b->port()));
  }
  std::vector<std::string> names;
  for (const auto& n : server.names) names.push_back(n.name);
  log.line(fmt::format("proxy listening on 127.0.0.1:{} certificates=[{}] default={} strict_sni={}{}", port,
                       fmt::join(names, ","), server.default_name, server.strict_sni,
                       options.export_ca.empty() ? "" : " ca=" + options.export_ca));
  // OpenSSL's defaults (serve_tls.cpp): tickets on, keys drawn per process, single-use with 0-RTT.
  log.line(fmt::format("tls.resumption tickets={} early_data={} verify_clients={}{}",
                       policy.tickets ? "on ticket_key=per-process" : "off",
                       policy.early_data
                           ? fmt::format("on max_early_data={} anti_replay=single-use-tickets", server.max_early_data)
                           : "off",
                       verify_name(policy.verify_clients),
                       options.export_client_cert.empty() ? "" : " client_cert=" + options.export_client_cert));
  if (scenario.proxy->instances > 1 && !scenario.proxy->shared_ticket_keys && policy.tickets)
    log.line(fmt::format("tls.instances 1 ({})", w.format("serve.instances_note", scenario.proxy->instances)));
  if (!server.groups.empty()) log.line(fmt::format("tls.groups {} ({})", server.groups, w("serve.groups_note")));
  log.line(fmt::format("alpn=http/1.1 ({}) x-forwarded-headers={}",
                       w.format("serve.alpn_note", preset_name(scenario.proxy->preset),
                                proxy_offers_h2(*scenario.proxy) ? "h2,http/1.1" : "http/1.1"),
                       proxy_sets_forwarded_headers(*scenario.proxy) ? "on" : "off"));
  if (!names.empty()) {
    const std::string ca = options.export_ca.empty() ? w("serve.ca_placeholder") : options.export_ca;
    const std::string cert =
        options.export_client_cert.empty() ? w("serve.client_cert_placeholder") : options.export_client_cert;
    const std::string client =
        policy.verify_clients == VerifyClients::off ? "" : fmt::format(" --cert {0} --key {0}", cert);
    log.line(w.format("serve.try", fmt::format("curl --resolve {0}:{1}:127.0.0.1 --cacert {2}{3} https://{0}:{1}/",
                                               names.front(), port, ca, client)));
    const std::string s_client =
        fmt::format("openssl s_client -connect 127.0.0.1:{} -servername {} -CAfile {}{}", port, names.front(), ca,
                    policy.verify_clients == VerifyClients::off ? "" : fmt::format(" -cert {0} -key {0}", cert));
    log.line(w.format("serve.try_resume", s_client + " -sess_out s.pem",
                      s_client + " -sess_in s.pem" + (policy.early_data ? " -early_data req.txt" : "")));
  }

  // The limits on what a client may hold (serve_guard.hpp): a deadline per phase, enforced below.
  log.line(
      fmt::format("limits idle_timeout={}s max_connections={} request_line={} header_field={} request_head={} "
                  "request_body={}",
                  options.idle_timeout_s, options.max_connections, live::max_request_line, live::max_header_field,
                  live::max_request_head, live::max_request_body));
  Proxy proxy{scenario, tls, policy, pool_ports, log};
  live::Connections conns(options.idle_timeout_s);
  int conn = 0;
  while (!sock::StopSignals::stop_requested()) {
    // Reap finished connection threads so a long session does not accumulate them.
    conns.reap();
    conns.expire();
    if (!sock::wait_readable(listener, poll_ms)) continue;
    const int c = sock::accept_connection(listener);
    if (c < 0) continue;
    const int id = ++conn;
    // Counted after the accept: connections that ended while the loop waited free their places.
    const size_t open = conns.reap();
    // One thread per connection: past the cap a client is turned away at once, as nginx closes a
    // connection beyond `worker_connections` (512 by default).
    if (open >= static_cast<size_t>(options.max_connections)) {
      sock::close_socket(c);
      log.line(fmt::format("conn={} conn.refused reason=\"too many connections: {} open, max_connections={}\"", id,
                           open, options.max_connections));
      continue;
    }
    conns.start(c, id, [&proxy](Connection& connection) { proxy.handle(connection); });
  }
  log.line(w("serve.stopping"));
  sock::close_socket(listener);
  conns.stop_all();
  backends.clear();
  log.line(w("serve.stopped"));
  return 0;
}

}  // namespace deploysim::loopback
