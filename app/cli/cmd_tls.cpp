// `deploysim handshake`: one real OpenSSL handshake, printed message by message.
// `deploysim serve`: the scenario's termination proxy, live on 127.0.0.1.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "deploysim/loopback/pcap_export.hpp"
#include "deploysim/loopback/serve.hpp"
#include "deploysim/loopback/tcp_link.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/scenario.hpp"

namespace deploysim::cli {
namespace {

using namespace deploysim::loopback;

constexpr int64_t lesson_start = 1793523600;  // 2026-11-01T09:00:00Z, the scenario default start
constexpr int64_t day_s = 86400;

struct HandshakeArgs {
  std::string sni = "api.example.test";
  std::string host;
  std::string tls;
  bool no_sni = false;
  bool no_http2 = false;
  std::string alpn = "h2,http/1.1";
  bool expired = false, not_yet_valid = false, wrong_name = false, untrusted = false, self_signed = false,
       strict_sni = false, rsa = false, tcp = false;
  std::string pcap, keylog;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

LoopbackConfig config_from(const HandshakeArgs& a) {
  LoopbackConfig c = default_loopback_config(lesson_start);
  c.sni = a.sni;
  c.host = a.host.empty() ? a.sni : a.host;
  c.send_sni = !a.no_sni;
  c.client_alpn = split_list(a.alpn);
  if (a.tls == "1.2") c.client_versions = 1;
  if (a.tls == "1.3") c.client_versions = 2;
  c.strict_sni = a.strict_sni;
  for (auto& n : c.server_names) {
    if (a.expired) {
      n.not_before = lesson_start - 100 * day_s;
      n.not_after = lesson_start - 10 * day_s;
    }
    if (a.not_yet_valid) n.not_before = lesson_start + day_s;
    if (a.wrong_name) n.trust = CertTrust::wrong_name;
    if (a.untrusted) n.trust = CertTrust::untrusted_ca;
    if (a.self_signed) n.trust = CertTrust::self_signed;
    if (a.rsa) n.key = KeyType::rsa2048;
    // nginx without `http2 on` offers http/1.1 only; Caddy, Traefik and HAProxy 2.8+ offer h2
    // too, whatever the app behind them speaks (sim/src/presets.cpp).
    if (a.no_http2) n.alpn = {"http/1.1"};
  }
  return c;
}

void print_transcript(const Transcript& t, bool tcp, uint16_t port) {
  const LoopbackConfig& c = t.config;
  fmt::print("TLS handshake over {}: client -> proxy{}\n", tcp ? "a TCP connection on 127.0.0.1" : "memory BIOs",
             tcp ? fmt::format(" (127.0.0.1:{})", port) : std::string());
  fmt::print("  client: SNI {}, checks name {}, offers {}, ALPN [{}], clock {}\n", c.send_sni ? c.sni : "(none)",
             c.host,
             c.client_versions == 3   ? "TLS 1.2-1.3"
             : c.client_versions == 1 ? "TLS 1.2"
                                      : "TLS 1.3",
             fmt::join(c.client_alpn, ","), "2026-11-01T09:00:00Z");
  if (!c.server_names.empty()) fmt::print("  proxy: offers ALPN [{}]\n", fmt::join(c.server_names.front().alpn, ","));
  for (size_t i = 0; i < t.capture.messages.size(); ++i) {
    const CapturedMessage& m = t.capture.messages[i];
    const DecodedMessage& d = t.decoded[i];
    fmt::print("{:3}  {}  {:<20} {:5} bytes  {}\n", i + 1, direction_arrow(m.dir), d.name, m.bytes.size(),
               m.encrypted ? "encrypted" : "in clear");
    for (const Field& f : d.fields) {
      if (f.value.empty())
        fmt::print("       {}\n", f.name);
      else
        fmt::print("       {}: {}\n", f.name, f.value);
    }
  }
  const HandshakeOutcome& o = t.outcome;
  if (o.ok) {
    fmt::print("outcome: OK  {}  {}  ALPN {}  certificate for {}  verify: {} ({})\n", wire_version_name(o.version),
               o.cipher_name, o.alpn.empty() ? "(none)" : o.alpn, o.served_name, o.verify_message, o.verify_result);
    if (!o.response.empty()) {
      const size_t eol = o.response.find("\r\n");
      fmt::print("http: {} -> {}\n", o.request.substr(0, o.request.find("\r\n")), o.response.substr(0, eol));
    }
    return;
  }
  fmt::print("outcome: FAILED");
  if (o.verify_result != 0) fmt::print("  verify error {} ({})", o.verify_result, o.verify_message);
  if (o.alert >= 0)
    fmt::print("  alert {} ({}) sent by the {}", SSL_alert_desc_string_long(o.alert), o.alert,
               o.alert_from == Direction::client_to_server ? "client" : "server");
  fmt::print("\n");
  if (!o.client_error.empty()) fmt::print("  client: {}\n", o.client_error);
  if (!o.server_error.empty()) fmt::print("  server: {}\n", o.server_error);
}

int run_handshake_command(const HandshakeArgs& a) {
  const LoopbackConfig config = config_from(a);
  CertStore certs;
  Transcript t;
  uint16_t client_port = 50000, server_port = 443;
  if (a.tcp) {
    TcpLink link;
    client_port = link.client_port();
    server_port = link.server_port();
    t = run_loopback(config, certs, &link);
  } else {
    t = run_loopback(config, certs);
  }
  print_transcript(t, a.tcp, server_port);
  if (!a.pcap.empty()) {
    PcapOptions po;
    po.client_port = client_port;
    po.server_port = server_port;
    po.start_unix = lesson_start;
    if (std::string err = write_pcap(a.pcap, t.capture.flights, po); !err.empty()) {
      fmt::print(stderr, "deploysim handshake: {}\n", err);
      return 2;
    }
    fmt::print("wrote {} ({} flights)\n", a.pcap, t.capture.flights.size());
  }
  if (!a.keylog.empty()) {
    if (std::string err = write_keylog(a.keylog, t.capture); !err.empty()) {
      fmt::print(stderr, "deploysim handshake: {}\n", err);
      return 2;
    }
    fmt::print("wrote {} ({} secrets; open the pcap with tshark -o tls.keylog_file:{})\n", a.keylog,
               t.capture.keylog.size(), a.keylog);
  }
  return t.outcome.ok ? 0 : 1;
}

}  // namespace

void register_tls_commands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<HandshakeArgs>();
  CLI::App* hs =
      app.add_subcommand("handshake", "Run one real TLS handshake (OpenSSL, in memory) and print every message");
  hs->add_option("--sni", args->sni, "Server name the client sends")->capture_default_str();
  hs->add_option("--host", args->host, "Name the client checks the certificate against (default: --sni)");
  hs->add_option("--tls", args->tls, "Offer only this version")->check(CLI::IsMember({"1.2", "1.3"}));
  hs->add_flag("--no-sni", args->no_sni, "Send no server_name: the proxy serves its default certificate");
  hs->add_option("--alpn", args->alpn, "ALPN offer, comma-separated")->capture_default_str();
  hs->add_flag("--no-http2", args->no_http2, "The proxy offers http/1.1 only in ALPN (nginx without `http2 on`)");
  auto* expired = hs->add_flag("--expired", args->expired, "The certificate expired 10 days ago");
  auto* early = hs->add_flag("--not-yet-valid", args->not_yet_valid, "The certificate starts tomorrow");
  auto* wrong = hs->add_flag("--wrong-name", args->wrong_name, "The certificate names another host");
  auto* untrusted = hs->add_flag("--untrusted", args->untrusted, "Signed by a CA the client does not trust");
  auto* self = hs->add_flag("--self-signed", args->self_signed, "A self-signed certificate");
  for (auto* a : {expired, early, wrong, untrusted, self})
    for (auto* b : {expired, early, wrong, untrusted, self})
      if (a != b) a->excludes(b);
  hs->add_flag("--strict-sni", args->strict_sni, "The proxy rejects unknown or missing SNI");
  hs->add_flag("--rsa", args->rsa, "RSA-2048 certificates instead of ECDSA P-256");
  hs->add_option("--pcap", args->pcap, "Write the conversation as a pcap file");
  hs->add_option("--keylog", args->keylog, "Write the TLS secrets (SSLKEYLOGFILE format)");
  hs->add_flag("--tcp", args->tcp, "Send the bytes through a real TCP connection on 127.0.0.1");
  hs->callback([args, &ctx] { ctx.exit_code = run_handshake_command(*args); });

  auto serve_args = std::make_shared<ServeOptions>();
  auto scenario_path = std::make_shared<std::string>();
  CLI::App* sv =
      app.add_subcommand("serve", "Run the scenario's TLS termination proxy for real on 127.0.0.1 (Ctrl-C stops it)");
  sv->add_option("scenario", *scenario_path, "Scenario file")->required();
  sv->add_option("--port", serve_args->port, "Port on 127.0.0.1 (default: a free one)")->check(CLI::Range(0, 65535));
  sv->add_option("--export-ca", serve_args->export_ca,
                 "Write the local CA certificate (never its key) for curl --cacert");
  sv->callback([serve_args, scenario_path, &ctx] {
    const LoadResult loaded = load_scenario_file(*scenario_path);
    if (loaded.error) {
      fmt::print(stderr, "{}\n", loaded.error->to_string());
      ctx.exit_code = 2;
      return;
    }
    ctx.exit_code = serve(*loaded.scenario, *serve_args);
  });
}

}  // namespace deploysim::cli
