#include "deploysim/loopback/record_bytes.hpp"

#include <cctype>

#include "deploysim/kinds.hpp"
#include "deploysim/loopback/tls_names.hpp"
#include "deploysim/presets.hpp"

namespace deploysim::loopback {

namespace {

std::vector<std::string> comma_list(std::string_view s) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from < s.size()) {
    const size_t comma = std::min(s.find(',', from), s.size());
    out.emplace_back(s.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

uint8_t version_bits(std::string_view s) {
  return static_cast<uint8_t>((s.find("1.2") != std::string_view::npos ? tls12 : 0) |
                              (s.find("1.3") != std::string_view::npos ? tls13 : 0));
}

}  // namespace

RecordId client_hello_of(const Trace& trace, RecordId id) {
  const Sym hello = trace.find_sym(kinds::tls_client_hello);
  if (hello == Sym::none) return RecordId::none;
  const RecordId start = id;
  // A handshake is a short cause chain; the bound only guards against a malformed trace.
  for (int hops = 0; hops < 64 && id != RecordId::none && raw(id) < trace.size(); ++hops) {
    const Record& r = trace.at(id);
    // The second ClientHello after a HelloRetryRequest belongs to the connection's first one.
    if (r.kind == hello && trace.detail_int(r, "retry") == 0) return id;
    if (r.stage != Stage::tls) break;
    id = r.cause;
  }
  // With 0-RTT the request's own records (proxy, app) run during the handshake and stand in its
  // cause chain: the connection's latest first ClientHello before the record is the one.
  if (start == RecordId::none || raw(start) >= trace.size()) return RecordId::none;
  const Record& from = trace.at(start);
  if (from.stage != Stage::tls || from.conn == ConnId::none) return RecordId::none;
  for (uint32_t i = raw(start) + 1; i-- > 0;) {
    const Record& r = trace.at(static_cast<RecordId>(i));
    if (r.conn == from.conn && r.kind == hello && trace.detail_int(r, "retry") == 0) return static_cast<RecordId>(i);
  }
  return RecordId::none;
}

std::optional<TlsConfig> tls_config_of(const Trace& trace, const Record& r) {
  if (trace.kind(r) != kinds::tls_client_hello || trace.detail_int(r, "retry") != 0) return std::nullopt;
  TlsConfig c;
  c.sni = trace.detail_str(r, "sni");
  c.verify_host = trace.detail_str(r, "verify_host");
  c.offered_versions = version_bits(trace.detail_str(r, "versions"));
  c.accepted_versions = version_bits(trace.detail_str(r, "server_versions"));
  c.alpn_offered = comma_list(trace.detail_str(r, "alpn"));
  c.alpn_supported = comma_list(trace.detail_str(r, "server_alpn"));
  c.strict_sni = trace.detail_int(r, "strict_sni") != 0;
  const std::string_view preset = trace.detail_str(r, "preset");
  const ProxyPresetInfo* row = find_proxy_preset(preset);
  c.preset = row ? row->preset : ProxyPreset::nginx;
  c.has_certificate = trace.detail_int(r, "has_certificate") != 0;
  c.cert_domain = trace.detail_str(r, "cert_domain");
  c.cert_alt_names = comma_list(trace.detail_str(r, "cert_alt_names"));
  c.cert_issuer = find_issuer(trace.detail_str(r, "cert_issuer")).value_or(Issuer::letsencrypt);
  c.not_before_unix = trace.detail_int(r, "not_before_unix");
  c.not_after_unix = trace.detail_int(r, "not_after_unix");
  c.check_time_unix = trace.detail_int(r, "check_time_unix");
  // Groups, tickets and 0-RTT: written only when they differ from the defaults (resumption.cpp).
  if (const auto groups = comma_list(trace.detail_str(r, "groups")); !groups.empty()) c.client_groups = groups;
  if (const auto groups = comma_list(trace.detail_str(r, "server_groups")); !groups.empty()) c.server_groups = groups;
  const std::string_view ticket = trace.detail_str(r, "ticket");
  c.ticket = ticket == "known" ? TicketOffer::known : ticket == "unknown" ? TicketOffer::unknown : TicketOffer::none;
  c.early_data = trace.detail_int(r, "early_data") != 0;
  c.server_early_data = trace.detail_int(r, "server_early_data") != 0;
  c.tickets = static_cast<int>(trace.detail_int(r, "tickets"));
  // Mutual TLS and stapling: "require,trusted,ocsp", written only when set (tls_client_auth.cpp).
  const std::vector<std::string> auth = comma_list(trace.detail_str(r, "client_auth"));
  if (auth.size() == 3) {
    c.verify_clients = auth[0] == "require"    ? VerifyClients::require
                       : auth[0] == "optional" ? VerifyClients::optional
                                               : VerifyClients::off;
    c.client_certificate = auth[1] == "trusted"     ? ClientCertificate::trusted
                           : auth[1] == "untrusted" ? ClientCertificate::untrusted
                                                    : ClientCertificate::none;
    c.ocsp_stapling = auth[2].starts_with("ocsp");
    c.cert_revoked = auth[2] == "ocsp-revoked";
  }
  return c;
}

std::string message_name_of_kind(std::string_view kind) {
  if (kind.substr(0, 4) == "tls.") kind.remove_prefix(4);
  std::string out;
  bool upper = true;
  for (const char ch : kind) {
    if (ch == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return out;
}

int message_index_for(const Transcript& t, std::string_view kind, Direction dir, int occurrence) {
  // The decoded name tells a HelloRetryRequest from the ServerHello; 0-RTT data is the client's
  // first application data record.
  const std::string name = kind == kinds::tls_early_data ? "ApplicationData" : message_name_of_kind(kind);
  for (size_t i = 0; i < t.capture.messages.size(); ++i) {
    const CapturedMessage& m = t.capture.messages[i];
    const std::string actual = i < t.decoded.size() ? t.decoded[i].name : message_name(m);
    if (m.dir == dir && actual == name && occurrence-- == 0) return static_cast<int>(i);
  }
  return -1;
}

std::vector<uint8_t> early_data_record(const Transcript& t) {
  // OpenSSL's message callback reports no application data, so the 0-RTT record is read from the
  // client's first flight on the wire: ClientHello, a ChangeCipherSpec, then the early data.
  for (const Flight& f : t.capture.flights) {
    if (f.dir != Direction::client_to_server) continue;
    for (size_t at = 0; at + 5 <= f.bytes.size();) {
      const size_t len = (size_t{f.bytes[at + 3]} << 8) | f.bytes[at + 4];
      if (at + 5 + len > f.bytes.size()) break;
      if (f.bytes[at] == application_data)
        return {f.bytes.begin() + static_cast<std::ptrdiff_t>(at),
                f.bytes.begin() + static_cast<std::ptrdiff_t>(at + 5 + len)};
      at += 5 + len;
    }
    break;  // only the first flight can carry 0-RTT data
  }
  return {};
}

}  // namespace deploysim::loopback
