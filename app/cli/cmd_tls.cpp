// `deploysim handshake`: one real OpenSSL handshake, printed message by message.
// `deploysim serve`: the scenario's termination proxy, live on 127.0.0.1.
#include <csignal>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "common/decoded_value.hpp"
#include "deploysim/loopback/http2_frames.hpp"
#include "deploysim/loopback/pcap_export.hpp"
#include "deploysim/loopback/serve.hpp"
#include "deploysim/loopback/tcp_link.hpp"
#include "deploysim/loopback/tls_names.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/messages.hpp"
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
  bool hrr = false, resume = false, new_ticket_key = false, early_data = false, no_anti_replay = false;
  std::string client_cert, staple;  // "" = off
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
  c.hello_retry = a.hrr;
  if (a.resume || a.early_data || a.new_ticket_key)
    c.resume = a.new_ticket_key ? ResumeMode::lost_ticket_key : ResumeMode::resume;
  c.early_data = a.early_data || a.no_anti_replay;
  c.no_anti_replay = a.no_anti_replay;
  if (a.client_cert == "trusted") c.client_cert = ClientCertMode::trusted;
  if (a.client_cert == "none") c.client_cert = ClientCertMode::missing;
  if (a.client_cert == "untrusted") c.client_cert = ClientCertMode::untrusted;
  if (a.client_cert == "optional-none") c.client_cert = ClientCertMode::missing_allowed;
  if (a.staple == "good") c.staple = StapleMode::good;
  if (a.staple == "revoked") c.staple = StapleMode::revoked;
  if (a.staple == "revoked-refused") c.staple = StapleMode::revoked_refused;
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

// A decoded field's value in the language (English: as the decoder wrote it).
std::string field_value(const std::string& value, const Messages& w) {
  if (w.lang() == "en") return value;
  if (value == "(empty)") return w("handshake.empty");
  return decoded_value(value, w);
}

void print_messages(const Capture& capture, const std::vector<DecodedMessage>& decoded, const Messages& w) {
  for (size_t i = 0; i < capture.messages.size() && i < decoded.size(); ++i) {
    const CapturedMessage& m = capture.messages[i];
    const DecodedMessage& d = decoded[i];
    // Message and field names as the protocol names them (RFC 8446), in every language.
    fmt::print("{:3}  {}  {:<20} {}  {}\n", i + 1, direction_arrow(m.dir), d.name,
               w.format("handshake.bytes", fmt::format("{:5}", m.bytes.size())),
               w(m.encrypted ? "handshake.encrypted" : "handshake.in_clear"));
    for (const loopback::Field& f : d.fields) {
      if (f.value.empty())
        fmt::print("       {}\n", f.name);
      else
        fmt::print("       {}: {}\n", f.name, field_value(f.value, w));
    }
  }
}

// OpenSSL's description of an alert; OpenSSL 3.0 has none for TLS 1.3's certificate_required.
std::string alert_text(int alert) {
  const std::string text = SSL_alert_desc_string_long(alert);
  return text == "unknown" && alert == 116 ? "certificate required" : text;
}

// OpenSSL's text as it prints it, and the language's gloss after it where the catalogue has one
// that says something else ("certificate has expired(인증서가 만료됨)"). Spelled out, not built
// from the number: tests/test_messages.cpp finds every key the code uses.
std::string glossed(std::string_view text, int code, bool alert, const Messages& w) {
  static constexpr std::pair<int, std::string_view> verify_keys[] = {
      {0, "tls_gloss.verify_0"},   {2, "tls_gloss.verify_2"},   {9, "tls_gloss.verify_9"},
      {10, "tls_gloss.verify_10"}, {18, "tls_gloss.verify_18"}, {19, "tls_gloss.verify_19"},
      {20, "tls_gloss.verify_20"}, {21, "tls_gloss.verify_21"}, {23, "tls_gloss.verify_23"},
      {62, "tls_gloss.verify_62"}, {64, "tls_gloss.verify_64"}};
  static constexpr std::pair<int, std::string_view> alert_keys[] = {
      {40, "tls_gloss.alert_40"},   {42, "tls_gloss.alert_42"},   {45, "tls_gloss.alert_45"},
      {46, "tls_gloss.alert_46"},   {48, "tls_gloss.alert_48"},   {70, "tls_gloss.alert_70"},
      {80, "tls_gloss.alert_80"},   {112, "tls_gloss.alert_112"}, {113, "tls_gloss.alert_113"},
      {116, "tls_gloss.alert_116"}, {120, "tls_gloss.alert_120"}};
  std::string out(text);
  for (const auto& [n, key] : alert ? std::span(alert_keys) : std::span(verify_keys))
    if (n == code && w(key) != text) out += "(" + w(key) + ")";
  return out;
}

void print_outcome(const HandshakeOutcome& o, const Messages& w) {
  if (o.ok) {
    fmt::print("{}\n",
               w.format("handshake.ok", wire_version_name(o.version), o.cipher_name,
                        o.alpn.empty() ? w("handshake.none") : o.alpn, o.served_name,
                        glossed(o.verify_message, static_cast<int>(o.verify_result), false, w), o.verify_result));
    if (!o.response.empty() && o.alpn == "h2")
      fmt::print("{}\n", w.format("handshake.http", "h2 " + h2_summary(o.request), h2_summary(o.response)));
    else if (!o.response.empty())
      fmt::print("{}\n", w.format("handshake.http", o.request.substr(0, o.request.find("\r\n")),
                                  o.response.substr(0, o.response.find("\r\n"))));
    return;
  }
  // OpenSSL's own texts (verify and alert descriptions, its error lines) are quoted as it prints them,
  // the first two with the language's gloss.
  std::string line = w("handshake.failed");
  if (o.verify_result != 0)
    line += "  " + w.format("handshake.verify_error", o.verify_result,
                            glossed(o.verify_message, static_cast<int>(o.verify_result), false, w));
  if (o.alert >= 0)
    line += "  " +
            w.format(o.alert_from == Direction::client_to_server ? "handshake.alert_client" : "handshake.alert_server",
                     glossed(alert_text(o.alert), o.alert, true, w), o.alert);
  fmt::print("{}\n", line);
  if (!o.client_error.empty()) fmt::print("  {}\n", w.format("handshake.client_error", o.client_error));
  if (!o.server_error.empty()) fmt::print("  {}\n", w.format("handshake.server_error", o.server_error));
}

// Bytes on the wire each way over a whole connection (handshake, HTTP, close_notify).
std::pair<size_t, size_t> wire_bytes(const Capture& capture) {
  size_t up = 0, down = 0;
  for (const Flight& f : capture.flights) (f.dir == Direction::client_to_server ? up : down) += f.bytes.size();
  return {up, down};
}

void print_variant_notes(const Transcript& t, const Messages& w) {
  const LoopbackConfig& c = t.config;
  const HandshakeOutcome& o = t.outcome;
  if (o.hello_retry) fmt::print("{}\n", w.format("handshake.hrr", group_name(0x0017), group_name(0x001d)));
  // What a resumption leaves out differs: TLS 1.2's abbreviated handshake has no Certificate and
  // no ServerKeyExchange (RFC 5246 7.3; its server never sends CertificateVerify).
  if (!t.earlier.empty())
    fmt::print("{}\n", w(!o.resumed                                              ? "handshake.resumed_no"
                         : o.version == static_cast<uint16_t>(TlsVersion::tls12) ? "handshake.resumed_yes_tls12"
                                                                                 : "handshake.resumed_yes"));
  if (o.early_data != EarlyData::not_sent)
    fmt::print("{}\n",
               w(o.early_data == EarlyData::accepted ? "handshake.early_accepted" : "handshake.early_rejected"));
  if (c.client_cert != ClientCertMode::off)
    fmt::print("{}\n", !o.client_cert.empty() ? w.format("handshake.client_cert_sent", o.client_cert)
                       : c.client_cert == ClientCertMode::missing || c.client_cert == ClientCertMode::missing_allowed
                           ? w("handshake.client_cert_none")
                           : w("handshake.client_cert_refused"));
  if (c.staple != StapleMode::off) {
    // RFC 6960's CertStatus names, with the language's word where it has one.
    static constexpr const char* keys[] = {"", "handshake.ocsp_good", "handshake.ocsp_revoked",
                                           "handshake.ocsp_unknown"};
    fmt::print("{}\n", o.ocsp == OcspStatus::none ? w("handshake.staple_none")
                                                  : w.format("handshake.staple", w(keys[static_cast<int>(o.ocsp)])));
  }
  if (!t.earlier.empty() && t.earlier.front().outcome.ok && o.ok) {
    fmt::print("{}\n", w("handshake.saved_header"));
    const auto row = [&](const char* label, const HandshakeOutcome& outcome, const Capture& capture) {
      const auto [up, down] = wire_bytes(capture);
      fmt::print("  {}\n", w.format("handshake.saved_row", w(label), outcome.round_trips, up, down));
    };
    const TlsConnection& first = t.earlier.front();
    row("handshake.label_full", first.outcome, first.capture);
    row(o.early_data == EarlyData::accepted ? "handshake.label_early"
        : o.resumed                         ? "handshake.label_resumed"
                                            : "handshake.label_full",
        o, t.capture);
    fmt::print("  {}\n", w("handshake.saved_note"));
  }
}

void print_transcript(const Transcript& t, bool tcp, uint16_t port, const Messages& w) {
  const LoopbackConfig& c = t.config;
  fmt::print("{}\n", tcp ? w.format("handshake.over_tcp", port) : w("handshake.over_memory"));
  fmt::print("  {}\n", w.format("handshake.client", c.send_sni ? c.sni : w("handshake.none"), c.host,
                                c.client_versions == 3   ? "TLS 1.2-1.3"
                                : c.client_versions == 1 ? "TLS 1.2"
                                                         : "TLS 1.3",
                                fmt::format("{}", fmt::join(c.client_alpn, ",")), "2026-11-01T09:00:00Z"));
  if (!c.server_names.empty())
    fmt::print("  {}\n", w.format("handshake.proxy", fmt::format("{}", fmt::join(c.server_names.front().alpn, ","))));
  for (const TlsConnection& first : t.earlier) {
    // A first handshake that failed sent no NewSessionTicket: there is nothing to offer.
    fmt::print("{}\n", w(first.outcome.ok ? "handshake.conn_first" : "handshake.conn_first_failed"));
    print_messages(first.capture, first.decoded, w);
    print_outcome(first.outcome, w);
    fmt::print("{}\n", w(!first.outcome.ok                         ? "handshake.conn_no_ticket"
                         : c.resume == ResumeMode::lost_ticket_key ? "handshake.conn_restarted"
                                                                   : "handshake.conn_resume"));
  }
  print_messages(t.capture, t.decoded, w);
  print_outcome(t.outcome, w);
  for (const TlsConnection& replay : t.replay) {
    fmt::print("{}\n", w("handshake.conn_replay"));
    print_messages(replay.capture, replay.decoded, w);
    // Why a replay was refused: a ticket the restarted proxy cannot read, a HelloRetryRequest
    // (early data is never read after one: RFC 8446 4.2.10), else the single-use ticket.
    fmt::print("{}\n", w(replay.outcome.early_data == EarlyData::accepted ? "handshake.replay_accepted"
                         : c.resume == ResumeMode::lost_ticket_key        ? "handshake.replay_rejected_key"
                         : c.hello_retry                                  ? "handshake.replay_rejected_hrr"
                         : c.no_anti_replay                               ? "handshake.replay_rejected_other"
                                                                          : "handshake.replay_rejected"));
  }
  print_variant_notes(t, w);
}

int run_handshake_command(const HandshakeArgs& a, const Messages& w) {
  // HelloRetryRequest exists only in TLS 1.3 (RFC 8446 4.1.4): with a TLS 1.2 client the engine
  // would quietly run an ordinary TLS 1.2 handshake, so refuse the pair instead.
  if (a.hrr && a.tls == "1.2") {
    fmt::print(stderr, "deploysim handshake: {}\n", w("handshake.hrr_needs_tls13"));
    return 2;
  }
  // 0-RTT early data is TLS 1.3's too (RFC 8446 2.3): TLS 1.2 would resume without it.
  if ((a.early_data || a.no_anti_replay) && a.tls == "1.2") {
    fmt::print(stderr, "deploysim handshake: {}\n", w("handshake.early_data_needs_tls13"));
    return 2;
  }
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
  print_transcript(t, a.tcp, server_port, w);
  if (!a.pcap.empty()) {
    PcapOptions po;
    po.client_port = client_port;
    po.server_port = server_port;
    po.start_unix = lesson_start;
    // Every connection of the run, each a TCP conversation of its own (client port +1 each).
    std::vector<std::vector<Flight>> conversations;
    for (const TlsConnection& c : t.earlier) conversations.push_back(c.capture.flights);
    conversations.push_back(t.capture.flights);
    for (const TlsConnection& c : t.replay) conversations.push_back(c.capture.flights);
    size_t flights = 0;
    for (const auto& f : conversations) flights += f.size();
    const std::string err = conversations.size() == 1 ? write_pcap(a.pcap, t.capture.flights, po)
                                                      : write_pcap_conversations(a.pcap, conversations, po);
    if (!err.empty()) {
      fmt::print(stderr, "deploysim handshake: {}\n", w.error(err));
      return 2;
    }
    fmt::print("{}\n", w.format("handshake.wrote_pcap", a.pcap, flights));
  }
  if (!a.keylog.empty()) {
    Capture keys;  // the key log lines of every connection (a replay has the client's own)
    for (const TlsConnection& c : t.earlier)
      keys.keylog.insert(keys.keylog.end(), c.capture.keylog.begin(), c.capture.keylog.end());
    keys.keylog.insert(keys.keylog.end(), t.capture.keylog.begin(), t.capture.keylog.end());
    if (std::string err = write_keylog(a.keylog, keys); !err.empty()) {
      fmt::print(stderr, "deploysim handshake: {}\n", w.error(err));
      return 2;
    }
    fmt::print("{}\n", w.format(keys.keylog.size() == 1 ? "handshake.wrote_keylog_one" : "handshake.wrote_keylog",
                                a.keylog, keys.keylog.size()));
  }
  return t.outcome.ok ? 0 : 1;
}

}  // namespace

void register_tls_commands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<HandshakeArgs>();
  CLI::App* hs = app.add_subcommand("handshake", ctx.words("cli_help.handshake"));
  hs->add_option("--sni", args->sni, ctx.words("cli_help.handshake_sni"))->capture_default_str();
  hs->add_option("--host", args->host, ctx.words("cli_help.handshake_host"));
  hs->add_option("--tls", args->tls, ctx.words("cli_help.handshake_tls"))->check(CLI::IsMember({"1.2", "1.3"}));
  hs->add_flag("--no-sni", args->no_sni, ctx.words("cli_help.handshake_no_sni"));
  hs->add_option("--alpn", args->alpn, ctx.words("cli_help.handshake_alpn"))->capture_default_str();
  hs->add_flag("--no-http2", args->no_http2, ctx.words("cli_help.handshake_no_http2"));
  auto* expired = hs->add_flag("--expired", args->expired, ctx.words("cli_help.handshake_expired"));
  auto* early = hs->add_flag("--not-yet-valid", args->not_yet_valid, ctx.words("cli_help.handshake_not_yet_valid"));
  auto* wrong = hs->add_flag("--wrong-name", args->wrong_name, ctx.words("cli_help.handshake_wrong_name"));
  auto* untrusted = hs->add_flag("--untrusted", args->untrusted, ctx.words("cli_help.handshake_untrusted"));
  auto* self = hs->add_flag("--self-signed", args->self_signed, ctx.words("cli_help.handshake_self_signed"));
  for (auto* a : {expired, early, wrong, untrusted, self})
    for (auto* b : {expired, early, wrong, untrusted, self})
      if (a != b) a->excludes(b);
  hs->add_flag("--strict-sni", args->strict_sni, ctx.words("cli_help.handshake_strict_sni"));
  hs->add_flag("--rsa", args->rsa, ctx.words("cli_help.handshake_rsa"));
  hs->add_option("--pcap", args->pcap, ctx.words("cli_help.handshake_pcap"));
  hs->add_option("--keylog", args->keylog, ctx.words("cli_help.handshake_keylog"));
  hs->add_flag("--tcp", args->tcp, ctx.words("cli_help.handshake_tcp"));
  hs->add_flag("--hrr", args->hrr, ctx.words("cli_help.handshake_hrr"));
  hs->add_flag("--resume", args->resume, ctx.words("cli_help.handshake_resume"));
  hs->add_flag("--new-ticket-key", args->new_ticket_key, ctx.words("cli_help.handshake_new_ticket_key"));
  hs->add_flag("--early-data", args->early_data, ctx.words("cli_help.handshake_early_data"));
  hs->add_flag("--no-anti-replay", args->no_anti_replay, ctx.words("cli_help.handshake_no_anti_replay"));
  hs->add_option("--client-cert", args->client_cert, ctx.words("cli_help.handshake_client_cert"))
      ->check(CLI::IsMember({"trusted", "none", "untrusted", "optional-none"}));
  hs->add_option("--staple", args->staple, ctx.words("cli_help.handshake_staple"))
      ->check(CLI::IsMember({"good", "revoked", "revoked-refused"}));
  hs->callback([args, &ctx] { ctx.exit_code = run_handshake_command(*args, ctx.words); });

  auto serve_args = std::make_shared<ServeOptions>();
  auto scenario_path = std::make_shared<std::string>();
  // CLI11 describes a range in English ("INT in [1 - 3600]"); the help shows it in the language.
  const auto range = [&ctx](int min, int max) {
    return CLI::Range(min, max).description(ctx.words.format("cli_help.range", min, max));
  };
  CLI::App* sv = app.add_subcommand("serve", ctx.words("cli_help.serve"));
  sv->add_option("scenario", *scenario_path, ctx.words("cli_help.serve_scenario"))->required();
  sv->add_option("--port", serve_args->port, ctx.words("cli_help.serve_port"))->check(range(0, 65535));
  sv->add_option("--export-ca", serve_args->export_ca, ctx.words("cli_help.serve_export_ca"));
  sv->add_flag("--early-data", serve_args->early_data, ctx.words("cli_help.serve_early_data"));
  auto require_client_cert = std::make_shared<bool>(false);
  sv->add_flag("--require-client-cert", *require_client_cert, ctx.words("cli_help.serve_require_client_cert"));
  sv->add_option("--export-client-cert", serve_args->export_client_cert,
                 ctx.words("cli_help.serve_export_client_cert"));
  sv->add_option("--idle-timeout", serve_args->idle_timeout_s, ctx.words("cli_help.serve_idle_timeout"))
      ->check(range(1, 3600))
      ->capture_default_str();
  sv->add_option("--max-connections", serve_args->max_connections, ctx.words("cli_help.serve_max_connections"))
      ->check(range(1, 100000))
      ->capture_default_str();
  sv->callback([serve_args, scenario_path, require_client_cert, &ctx] {
    if (*require_client_cert) serve_args->verify_clients = VerifyClients::require;
    const LoadResult loaded = load_scenario_file(*scenario_path);
    if (loaded.error) {
      fmt::print(stderr, "{}\n", loaded.error->to_string(ctx.words));
      ctx.exit_code = 2;
      return;
    }
    serve_args->words = &ctx.words;
    ctx.exit_code = serve(*loaded.scenario, *serve_args);
  });
}

}  // namespace deploysim::cli
