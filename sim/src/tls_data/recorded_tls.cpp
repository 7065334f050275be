#include "deploysim/loopback/recorded_tls.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "deploysim/presets.hpp"

// The JSON of every type a transcript holds: field names as in C++, enums as their names, bytes
// as hex. The to_json/from_json overloads are found by argument-dependent lookup, so they live in
// the types' namespaces (static: this file's own).
namespace deploysim {

using nlohmann::json;

static void to_json(json& j, Issuer i) { j = issuer_name(i); }
static void from_json(const json& j, Issuer& i) {
  const auto issuer = find_issuer(j.get_ref<const std::string&>());
  if (!issuer) throw std::invalid_argument("unknown cert_issuer " + j.dump());
  i = *issuer;
}
static void to_json(json& j, ProxyPreset p) { j = preset_name(p); }
static void from_json(const json& j, ProxyPreset& p) {
  const ProxyPresetInfo* row = find_proxy_preset(j.get_ref<const std::string&>());
  if (!row) throw std::invalid_argument("unknown preset " + j.dump());
  p = row->preset;
}
NLOHMANN_JSON_SERIALIZE_ENUM(VerifyClients, {{VerifyClients::off, "off"},
                                             {VerifyClients::optional, "optional"},
                                             {VerifyClients::require, "require"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ClientCertificate, {{ClientCertificate::none, "none"},
                                                 {ClientCertificate::trusted, "trusted"},
                                                 {ClientCertificate::untrusted, "untrusted"}})
NLOHMANN_JSON_SERIALIZE_ENUM(TicketOffer, {{TicketOffer::none, "none"},
                                           {TicketOffer::known, "known"},
                                           {TicketOffer::unknown, "unknown"}})
// Only what decides the real handshake (TranscriptKeyLess): not the tickets the model shows.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TlsConfig, sni, verify_host, offered_versions, accepted_versions, alpn_offered,
                                   alpn_supported, has_certificate, cert_domain, cert_alt_names, cert_issuer,
                                   not_before_unix, not_after_unix, check_time_unix, strict_sni, preset, verify_clients,
                                   client_certificate, ocsp_stapling, cert_revoked, client_groups, server_groups,
                                   ticket, early_data, server_early_data)

namespace loopback {
namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw std::invalid_argument("not a hex digit in a byte string");
}

std::vector<uint8_t> unhex(const json& j) {
  const std::string& s = j.get_ref<const std::string&>();
  if (s.size() % 2 != 0) throw std::invalid_argument("a byte string of odd length");
  std::vector<uint8_t> out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
  return out;
}

const char* key_type_name(KeyType k) { return k == KeyType::rsa2048 ? "rsa2048" : "ecdsa-p256"; }

// The enum value of `all` whose name is `j`'s string.
template <typename E, size_t N>
E read_enum(const json& j, const E (&all)[N], const char* (*name)(E), const char* what) {
  const std::string& s = j.get_ref<const std::string&>();
  for (const E e : all)
    if (s == name(e)) return e;
  throw std::invalid_argument(std::string("unknown ") + what + " '" + s + "'");
}

constexpr Direction directions[] = {Direction::client_to_server, Direction::server_to_client};
constexpr CertTrust trusts[] = {CertTrust::trusted, CertTrust::wrong_name, CertTrust::untrusted_ca,
                                CertTrust::untrusted_chain, CertTrust::self_signed};
constexpr KeyType key_types[] = {KeyType::ecdsa_p256, KeyType::rsa2048};

}  // namespace

static void to_json(json& j, Direction d) { j = direction_arrow(d); }
static void from_json(const json& j, Direction& d) { d = read_enum(j, directions, direction_arrow, "direction"); }
static void to_json(json& j, CertTrust t) { j = trust_name(t); }
static void from_json(const json& j, CertTrust& t) { t = read_enum(j, trusts, trust_name, "trust"); }
static void to_json(json& j, KeyType k) { j = key_type_name(k); }
static void from_json(const json& j, KeyType& k) { k = read_enum(j, key_types, key_type_name, "key type"); }

static void to_json(json& j, const CapturedMessage& m) {
  j = {{"dir", m.dir},
       {"content_type", m.content_type},
       {"handshake_type", m.handshake_type},
       {"encrypted", m.encrypted},
       {"bytes", hex(m.bytes)}};
}
static void from_json(const json& j, CapturedMessage& m) {
  j.at("dir").get_to(m.dir);
  j.at("content_type").get_to(m.content_type);
  j.at("handshake_type").get_to(m.handshake_type);
  j.at("encrypted").get_to(m.encrypted);
  m.bytes = unhex(j.at("bytes"));
}
static void to_json(json& j, const Flight& f) { j = {{"dir", f.dir}, {"bytes", hex(f.bytes)}}; }
static void from_json(const json& j, Flight& f) {
  j.at("dir").get_to(f.dir);
  f.bytes = unhex(j.at("bytes"));
}

NLOHMANN_JSON_SERIALIZE_ENUM(EarlyData, {{EarlyData::not_sent, "not-sent"},
                                         {EarlyData::rejected, "rejected"},
                                         {EarlyData::accepted, "accepted"}})
NLOHMANN_JSON_SERIALIZE_ENUM(OcspStatus, {{OcspStatus::none, "none"},
                                          {OcspStatus::good, "good"},
                                          {OcspStatus::revoked, "revoked"},
                                          {OcspStatus::unknown, "unknown"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ClientCertMode, {{ClientCertMode::off, "off"},
                                              {ClientCertMode::trusted, "trusted"},
                                              {ClientCertMode::missing, "missing"},
                                              {ClientCertMode::untrusted, "untrusted"},
                                              {ClientCertMode::missing_allowed, "missing-allowed"},
                                              {ClientCertMode::missing_http, "missing-http"},
                                              {ClientCertMode::untrusted_http, "untrusted-http"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ResumeMode, {{ResumeMode::off, "off"},
                                          {ResumeMode::resume, "resume"},
                                          {ResumeMode::lost_ticket_key, "lost-ticket-key"}})
NLOHMANN_JSON_SERIALIZE_ENUM(StapleMode, {{StapleMode::off, "off"},
                                          {StapleMode::good, "good"},
                                          {StapleMode::revoked, "revoked"},
                                          {StapleMode::revoked_refused, "revoked-refused"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NameConfig, name, alt_names, alpn, not_before, not_after, trust, key)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LoopbackConfig, sni, send_sni, host, path, client_versions, server_versions,
                                   client_alpn, server_names, default_name, strict_sni, reject_alert, verify_time, http,
                                   hello_retry, resume, early_data, no_anti_replay, client_cert, staple, client_groups,
                                   server_groups, server_early_data)
// The request and response as hex: HTTP/2 frames are bytes, not text.
static void to_json(json& j, const HandshakeOutcome& o) {
  j = {{"ok", o.ok},
       {"version", o.version},
       {"cipher", o.cipher},
       {"cipher_name", o.cipher_name},
       {"alpn", o.alpn},
       {"served_name", o.served_name},
       {"verify_result", o.verify_result},
       {"verify_message", o.verify_message},
       {"alert", o.alert},
       {"alert_from", o.alert_from},
       {"client_error", o.client_error},
       {"server_error", o.server_error},
       {"request", hex({o.request.begin(), o.request.end()})},
       {"response", hex({o.response.begin(), o.response.end()})},
       {"hello_retry", o.hello_retry},
       {"resumed", o.resumed},
       {"early_data", o.early_data},
       {"client_cert", o.client_cert},
       {"ocsp", o.ocsp},
       {"round_trips", o.round_trips}};
}
static void from_json(const json& j, HandshakeOutcome& o) {
  j.at("ok").get_to(o.ok);
  j.at("version").get_to(o.version);
  j.at("cipher").get_to(o.cipher);
  j.at("cipher_name").get_to(o.cipher_name);
  j.at("alpn").get_to(o.alpn);
  j.at("served_name").get_to(o.served_name);
  j.at("verify_result").get_to(o.verify_result);
  j.at("verify_message").get_to(o.verify_message);
  j.at("alert").get_to(o.alert);
  j.at("alert_from").get_to(o.alert_from);
  j.at("client_error").get_to(o.client_error);
  j.at("server_error").get_to(o.server_error);
  const std::vector<uint8_t> request = unhex(j.at("request")), response = unhex(j.at("response"));
  o.request.assign(request.begin(), request.end());
  o.response.assign(response.begin(), response.end());
  j.at("hello_retry").get_to(o.hello_retry);
  j.at("resumed").get_to(o.resumed);
  j.at("early_data").get_to(o.early_data);
  j.at("client_cert").get_to(o.client_cert);
  j.at("ocsp").get_to(o.ocsp);
  j.at("round_trips").get_to(o.round_trips);
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Capture, messages, flights, keylog)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Field, name, value, offset, length)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DecodedMessage, name, fields, malformed)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TranscriptFacts, version, cipher, group, sni, alpn_offered, alpn, cert_subject,
                                   cert_issuer, cert_san, cert_not_before, cert_not_after, alert)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TlsConnection, outcome, capture, decoded, facts)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Transcript, config, outcome, capture, decoded, facts, earlier, replay)

namespace {

// A key: every field of the TlsConfig but the client's clock, which counts by its span only.
json key_json(const TlsConfig& c) {
  json j = c;
  j.erase("check_time_unix");
  j["time_span"] = time_span(c);
  return j;
}

// The TlsConfig of a key, its clock one of the span's (any gives the same handshake).
TlsConfig read_key(const json& j) {
  json fields = j;
  const int span = fields.at("time_span").get<int>();
  if (span < -1 || span > 1) throw std::invalid_argument("time_span is not -1, 0 or 1");
  fields.erase("time_span");
  fields["check_time_unix"] = 0;
  TlsConfig c = fields.get<TlsConfig>();
  c.check_time_unix = time_in_span(c, span);
  return c;
}

Transcript read_transcript(const json& j) {
  Transcript t = j.get<Transcript>();
  if (t.decoded.size() != t.capture.messages.size())
    throw std::invalid_argument("not one decoded message per captured message");
  return t;
}

// Every string is ASCII (our decoder's text, OpenSSL's messages, HTTP/1.1 heads); should one ever
// not be UTF-8, it is replaced rather than thrown on, as trace_json does.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string pack_json(const std::vector<RecordedEntry>& entries, std::string_view openssl_version) {
  std::map<TlsConfig, const Transcript*, TranscriptKeyLess> sorted;
  for (const auto& [config, transcript] : entries) sorted.emplace(config, transcript);
  // One entry a line: a pack stays readable, and two packs compare line by line.
  std::string out = dump(json{{"format", recorded_tls_format}, {"openssl", openssl_version}});
  out.pop_back();  // the closing brace: the transcripts follow
  out += ",\"transcripts\":[";
  const char* sep = "\n";
  for (const auto& [config, transcript] : sorted) {
    out += sep;
    out += dump(json{{"key", key_json(config)}, {"transcript", *transcript}});
    sep = ",\n";
  }
  out += "\n]}\n";
  return out;
}

bool RecordedTranscripts::load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot read the file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, error);
}

bool RecordedTranscripts::parse(std::string_view text, const std::string& name, std::string* error) {
  std::string openssl;
  std::map<TlsConfig, Transcript, TranscriptKeyLess> entries;
  try {
    const json pack = json::parse(text);
    if (!pack.is_object() || pack.value("format", 0) != recorded_tls_format)
      throw std::invalid_argument("not a recorded TLS pack of format " + std::to_string(recorded_tls_format));
    pack.at("openssl").get_to(openssl);
    for (const json& entry : pack.at("transcripts"))
      entries.emplace(read_key(entry.at("key")), read_transcript(entry.at("transcript")));
  } catch (const std::exception& e) {  // the pack is input: a bad one is a message, not a crash
    if (error) *error = name + ": " + e.what();
    return false;
  }
  openssl_ = std::move(openssl);
  entries_ = std::move(entries);
  undated_.clear();
  for (const auto& entry : entries_) undated_.emplace(undated(entry.first), &entry);
  return true;
}

const Transcript* RecordedTranscripts::find(const TlsConfig& config, bool* exact) const {
  if (exact) *exact = false;
  if (auto it = entries_.find(config); it != entries_.end()) {
    if (exact) *exact = true;
    return &it->second;
  }
  const Transcript* best = nullptr;
  int64_t best_distance = 0;
  const auto [from, to] = undated_.equal_range(undated(config));
  for (auto it = from; it != to; ++it) {
    const auto& [key, transcript] = *it->second;
    const int64_t distance = std::llabs(key.not_before_unix - config.not_before_unix) +
                             std::llabs(key.not_after_unix - config.not_after_unix);
    if (!best || distance < best_distance) best = &transcript, best_distance = distance;
  }
  return best;
}

RecordedTranscripts& recorded_transcripts() {
  static RecordedTranscripts pack;
  return pack;
}

}  // namespace loopback
}  // namespace deploysim
