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
  // A handshake is a short cause chain; the bound only guards against a malformed trace.
  for (int hops = 0; hops < 64 && id != RecordId::none && raw(id) < trace.size(); ++hops) {
    const Record& r = trace.at(id);
    if (r.kind == hello) return id;
    if (r.stage != Stage::tls) return RecordId::none;
    id = r.cause;
  }
  return RecordId::none;
}

std::optional<TlsConfig> tls_config_of(const Trace& trace, const Record& r) {
  if (trace.kind(r) != kinds::tls_client_hello) return std::nullopt;
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

int message_index_for(const Transcript& t, std::string_view kind, Direction dir) {
  const std::string name = message_name_of_kind(kind);
  for (size_t i = 0; i < t.capture.messages.size(); ++i) {
    const CapturedMessage& m = t.capture.messages[i];
    if (m.dir == dir && message_name(m) == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace deploysim::loopback
