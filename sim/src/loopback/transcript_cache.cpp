#include "deploysim/loopback/transcript_cache.hpp"

#include <functional>
#include <tuple>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include "deploysim/presets.hpp"

namespace deploysim::loopback {
namespace {

constexpr int64_t day_s = 86400;

TlsVersion lowest(uint8_t bits) { return (bits & 1) ? TlsVersion::tls12 : TlsVersion::tls13; }
TlsVersion highest(uint8_t bits) { return (bits & 2) ? TlsVersion::tls13 : TlsVersion::tls12; }

std::string http_response(const std::string& host, const std::string& path) {
  const std::string body = fmt::format("hello from the loopback proxy: https://{}{}\n", host, path);
  return fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      body.size(), body);
}

}  // namespace

LoopbackConfig default_loopback_config(int64_t now) {
  LoopbackConfig c;
  c.verify_time = now;
  for (const char* name : {"api.example.test", "www.example.test"}) {
    NameConfig n;
    n.name = name;
    n.not_before = now - 30 * day_s;
    n.not_after = n.not_before + 90 * day_s;  // domain-facts.md: Let's Encrypt 90-day certificates
    c.server_names.push_back(n);
  }
  c.default_name = "www.example.test";
  return c;
}

Transcript run_loopback(const LoopbackConfig& config, CertStore& certs, TcpLink* link) {
  ServerConfig server;
  for (const auto& n : config.server_names) {
    const Credential* cred = &certs.leaf(n.name, n.not_before, n.not_after, n.trust, n.key, n.alt_names);
    server.names.push_back({n.name, cred, n.alpn});
    for (const auto& alt : n.alt_names) server.names.push_back({alt, cred, n.alpn});  // SNI selects it by any name
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
  }
  t.outcome = run_handshake(cctx, sctx, exchange, &t.capture, link);
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

namespace {

// Where the client's clock falls against the certificate, as OpenSSL's X509_cmp_time checks
// decide it: -1 before notBefore, 0 inside, 1 at or after notAfter.
int time_span(const TlsConfig& c) {
  if (c.check_time_unix < c.not_before_unix) return -1;
  return c.check_time_unix >= c.not_after_unix ? 1 : 0;
}

int64_t representative_time(const TlsConfig& c) {
  switch (time_span(c)) {
    case -1:
      return c.not_before_unix - 1;
    case 1:
      return c.not_after_unix;
    default:
      return c.not_before_unix;
  }
}

auto key_of(const TlsConfig& c) {
  return std::make_tuple(std::cref(c.sni), std::cref(c.verify_host), c.offered_versions, c.accepted_versions,
                         std::cref(c.alpn_offered), std::cref(c.alpn_supported), c.has_certificate,
                         std::cref(c.cert_domain), std::cref(c.cert_alt_names), c.cert_issuer, c.not_before_unix,
                         c.not_after_unix, time_span(c), c.strict_sni, c.preset);
}

struct TlsConfigLess {
  bool operator()(const TlsConfig& a, const TlsConfig& b) const { return key_of(a) < key_of(b); }
};

}  // namespace

CertTrust trust_of(Issuer i) {
  switch (i) {
    case Issuer::self_signed:
      return CertTrust::self_signed;
    case Issuer::untrusted:
      return CertTrust::untrusted_ca;
    default:
      return CertTrust::trusted;
  }
}

LoopbackConfig loopback_config_for(const TlsConfig& c) {
  LoopbackConfig l;
  l.sni = c.sni;
  l.send_sni = !c.sni.empty();
  l.host = c.verify_host;
  l.client_versions = c.offered_versions;
  l.server_versions = c.accepted_versions;
  l.client_alpn = c.alpn_offered;
  if (c.has_certificate) {
    NameConfig n;
    n.name = c.cert_domain;
    n.alt_names = c.cert_alt_names;
    n.alpn = c.alpn_supported;
    n.not_before = c.not_before_unix;
    n.not_after = c.not_after_unix;
    n.trust = trust_of(c.cert_issuer);
    l.server_names.push_back(n);
    l.default_name = c.cert_domain;
  }
  l.strict_sni = c.strict_sni;
  l.reject_alert = proxy_preset(c.preset).reject_alert_code;
  l.verify_time = c.check_time_unix;
  return l;
}

const Transcript& transcript_for(const TlsConfig& config) {
  static std::mutex mutex;
  static std::map<TlsConfig, const Transcript*, TlsConfigLess> index;
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
