// What resumption saves the proxy, measured: full handshakes that leave the client a ticket, each
// followed by a second connection resuming it (a fresh ticket each time: with 0-RTT enabled
// OpenSSL's tickets are single-use).
#include "deploysim/loopback/server_cpu.hpp"

#include "deploysim/loopback/transcript_cache.hpp"

namespace deploysim::loopback {

ServerCpu measure_server_cpu(bool tls12, bool early_data, int pairs) {
  constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z: any time inside the validity
  CertStore certs;
  ServerConfig server_config;
  ClientConfig client_config;
  const LoopbackConfig c = default_loopback_config(start);
  for (const auto& n : c.server_names)
    server_config.names.push_back({n.name, &certs.leaf(n.name, n.not_before, n.not_after, n.trust), n.alpn, {}});
  server_config.default_name = c.default_name;
  server_config.max_early_data = early_data ? 16384 : 0;
  client_config.trusted = {certs.trusted_ca().certificate()};
  client_config.verify_time = start;
  client_config.min_version = client_config.max_version = tls12 ? TlsVersion::tls12 : TlsVersion::tls13;
  const ServerContext server(server_config, CaptureMode::none);
  const ClientContext client(client_config, CaptureMode::none);
  Exchange exchange;
  exchange.request = "GET / HTTP/1.1\r\nHost: api.example.test\r\n\r\n";
  exchange.response = "HTTP/1.1 204 No Content\r\n\r\n";
  double full_s = 0, resumed_s = 0;
  ServerCpu out;
  for (int i = 0; i < pairs; ++i) {
    SslSessionPtr session;
    ConnectionOptions first;
    first.keep = &session;
    first.server_cpu_s = &full_s;
    if (!run_handshake(client, server, exchange, nullptr, nullptr, first).ok) continue;
    ConnectionOptions second;
    second.resume = session.get();
    second.early_data = early_data;
    second.server_cpu_s = &resumed_s;
    out.resumed += run_handshake(client, server, exchange, nullptr, nullptr, second).resumed;
    ++out.pairs;
  }
  if (out.pairs > 0) {
    out.full_us = 1e6 * full_s / out.pairs;
    out.resumed_us = 1e6 * resumed_s / out.pairs;
  }
  return out;
}

}  // namespace deploysim::loopback
