#include "deploysim/loopback/transcript_cache.hpp"

#include <optional>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include "deploysim/loopback/http2_frames.hpp"
#include "deploysim/loopback/tcp_link.hpp"

namespace deploysim::loopback {
namespace {

TlsVersion lowest(uint8_t bits) { return (bits & 1) ? TlsVersion::tls12 : TlsVersion::tls13; }
TlsVersion highest(uint8_t bits) { return (bits & 2) ? TlsVersion::tls13 : TlsVersion::tls12; }

std::string http_body(const std::string& host, const std::string& path) {
  return fmt::format("hello from the loopback proxy: https://{}{}\n", host, path);
}

std::string http_response(const std::string& host, const std::string& path, int status = 200,
                          const std::string& reason = "OK", const std::string& text = "") {
  const std::string body = text.empty() ? http_body(host, path) : text + "\n";
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
      "TlsConnection: close\r\n\r\n{}",
      status, reason, body.size(), body);
}

// nginx's refusals of a client certificate (ngx_http_special_response.c: 496 and 495, sent as 400).
void add_refusals(const LoopbackConfig& config, Exchange& exchange) {
  if (config.client_cert != ClientCertMode::missing_http && config.client_cert != ClientCertMode::untrusted_http)
    return;
  const std::string missing = "No required SSL certificate was sent", failed = "The SSL certificate error";
  exchange.refuse_missing = config.client_cert == ClientCertMode::missing_http;
  exchange.refused_missing = http_response(config.host, config.path, 400, "Bad Request", missing);
  exchange.refused_missing_h2 = h2_response(missing + "\n", 400);
  exchange.refused_failed = http_response(config.host, config.path, 400, "Bad Request", failed);
  exchange.refused_failed_h2 = h2_response(failed + "\n", 400);
}

TlsConnection decoded_connection(HandshakeOutcome outcome, Capture capture) {
  TlsConnection c;
  c.outcome = std::move(outcome);
  c.capture = std::move(capture);
  c.decoded = decode_messages(c.capture.messages);
  c.facts = summarize(c.capture.messages, c.decoded);
  return c;
}

}  // namespace

Transcript run_loopback(const LoopbackConfig& config, CertStore& certs, TcpLink* link) {
  ServerConfig server;
  for (const auto& n : config.server_names) {
    const Credential* cred = &certs.leaf(n.name, n.not_before, n.not_after, n.trust, n.key, n.alt_names);
    std::vector<uint8_t> staple;
    if (config.staple != StapleMode::off)  // this_update: a day before the client's clock
      staple = certs.ocsp(*cred, config.staple != StapleMode::good, config.verify_time - 86400);
    server.names.push_back({n.name, cred, n.alpn, staple});
    for (const auto& alt : n.alt_names)
      server.names.push_back({alt, cred, n.alpn, staple});  // SNI selects it by any name
  }
  if (config.hello_retry) server.groups = "X25519";
  if (!config.server_groups.empty()) server.groups = config.server_groups;
  if (config.client_cert != ClientCertMode::off) {
    server.client_cas = {certs.trusted_ca().certificate()};
    server.verify_time = config.verify_time;
    server.client_cert_optional = config.client_cert == ClientCertMode::missing_allowed ||
                                  config.client_cert == ClientCertMode::missing_http ||
                                  config.client_cert == ClientCertMode::untrusted_http;
    server.accept_any_client_cert = config.client_cert == ClientCertMode::untrusted_http;
  }
  if (config.early_data || config.server_early_data) {
    server.max_early_data = 16384;  // one maximum-size record, nginx's and OpenSSL's s_server default
    server.no_anti_replay = config.no_anti_replay;
  }
  server.default_name = config.default_name;
  server.strict_sni = config.strict_sni;
  server.reject_alert = config.reject_alert;
  server.min_version = lowest(config.server_versions);
  server.max_version = highest(config.server_versions);

  ClientConfig client;
  client.sni = config.sni;
  client.send_sni = config.send_sni;
  client.verify_host = config.host;
  client.alpn = config.client_alpn;
  client.min_version = lowest(config.client_versions);
  client.max_version = highest(config.client_versions);
  client.trusted = {certs.trusted_ca().certificate()};
  client.verify_time = config.verify_time;
  if (config.hello_retry) client.groups = "P-256:X25519";  // key share for P-256 only: the first group
  if (!config.client_groups.empty()) client.groups = config.client_groups;
  if (config.client_cert == ClientCertMode::trusted || config.client_cert == ClientCertMode::untrusted ||
      config.client_cert == ClientCertMode::untrusted_http)
    client.credential = &certs.client(config.client_cert == ClientCertMode::trusted);
  client.request_ocsp = config.staple != StapleMode::off;
  client.refuse_revoked = config.staple == StapleMode::revoked_refused;

  const ServerContext sctx(server, CaptureMode::messages);
  const ClientContext cctx(client, CaptureMode::messages_and_keys);
  Transcript t;
  t.config = config;
  Exchange exchange;
  if (config.http) {
    exchange.request = fmt::format(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: deploysim\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n",
        config.path, config.host);
    exchange.response = http_response(config.host, config.path);
    exchange.request_h2 = h2_request(config.host, config.path);
    exchange.response_h2 = h2_response(http_body(config.host, config.path));
    add_refusals(config, exchange);
  }
  if (config.resume == ResumeMode::off && !config.early_data) {
    t.outcome = run_handshake(cctx, sctx, exchange, &t.capture, link);
  } else {
    // The first connection leaves the client a ticket; the second offers it, to the same proxy
    // or to a restarted one (a new SSL_CTX: new ticket keys, empty session cache).
    SslSessionPtr session;
    ConnectionOptions first_opts;
    first_opts.keep = &session;
    Capture first_capture;
    HandshakeOutcome first = run_handshake(cctx, sctx, exchange, &first_capture, link, first_opts);
    t.earlier.push_back(decoded_connection(std::move(first), std::move(first_capture)));
    std::optional<ServerContext> restarted;
    if (config.resume == ResumeMode::lost_ticket_key) restarted.emplace(server, CaptureMode::messages);
    const ServerContext& second_server = restarted ? *restarted : sctx;
    std::optional<TcpLink> second_link;  // a new TCP connection, as a browser opens
    if (link != nullptr) second_link.emplace();
    ConnectionOptions opts;
    opts.resume = session.get();
    opts.early_data = config.early_data;
    t.outcome = run_handshake(cctx, second_server, exchange, &t.capture, second_link ? &*second_link : nullptr, opts);
    if (config.early_data && !t.capture.flights.empty() && t.outcome.early_data != EarlyData::not_sent) {
      // An attacker who recorded the client's first flight sends it again.
      Capture replay_capture;
      HandshakeOutcome replayed = replay_first_flight(second_server, t.capture.flights.front().bytes, &replay_capture);
      t.replay.push_back(decoded_connection(std::move(replayed), std::move(replay_capture)));
    }
  }
  t.decoded = decode_messages(t.capture.messages);
  t.facts = summarize(t.capture.messages, t.decoded);
  return t;
}

const Transcript& TranscriptCache::get(const LoopbackConfig& config) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(config);
  if (it != entries_.end()) return *it->second;
  auto t = std::make_unique<Transcript>(run_loopback(config, certs_));
  return *entries_.emplace(config, std::move(t)).first->second;
}

size_t TranscriptCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

TranscriptCache& transcript_cache() {
  static TranscriptCache cache;
  return cache;
}

const Transcript& transcript_for(const TlsConfig& config) {
  static std::mutex mutex;
  static std::map<TlsConfig, const Transcript*, TranscriptKeyLess> index;
  {
    std::lock_guard lock(mutex);
    auto it = index.find(config);
    if (it != index.end()) return *it->second;
  }
  LoopbackConfig l = loopback_config_for(config);
  l.verify_time = representative_time(config);
  const Transcript& t = transcript_cache().get(l);
  std::lock_guard lock(mutex);
  index.emplace(config, &t);
  return t;
}

}  // namespace deploysim::loopback
