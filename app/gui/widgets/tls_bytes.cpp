#include "gui/widgets/tls_bytes.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "deploysim/assets.hpp"
#include "deploysim/kinds.hpp"
#include "deploysim/loopback/pcap_export.hpp"
#include "deploysim/loopback/record_bytes.hpp"
#include "gui/platform/page.hpp"
#if DEPLOYSIM_WITH_TLS
#include "deploysim/loopback/transcript_cache.hpp"
#else
#include "deploysim/loopback/recorded_tls.hpp"
#endif

namespace deploysim::gui {

namespace lb = loopback;

namespace {

#if !DEPLOYSIM_WITH_TLS
// The recorded pack: the page fetches it while the program starts (web/index.html) and puts it
// in the assets; it is read once it is there. nullopt while it has not arrived; then what went
// wrong reading it ("" when it was read).
std::optional<std::string> recorded_problem() {
  static std::optional<std::string> problem;
  if (problem) return problem;
  const std::string path = assets_dir() + "/" + lb::recorded_tls_file;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::string error;
  lb::recorded_transcripts().load(path, &error);
  problem = error;
  return problem;
}
#endif

// The transcript of a configuration: OpenSSL run now (the desktop), else the one the desktop
// build recorded for the page (exact = false: recorded for a certificate with other dates).
HandshakeJobs::Found find_transcript(const TlsConfig& cfg) {
#if DEPLOYSIM_WITH_TLS
  return {&lb::transcript_for(cfg), true, true};
#else
  HandshakeJobs::Found f;
  if (!recorded_problem()) return f;  // not here yet: asked again next frame
  f.transcript = lb::recorded_transcripts().find(cfg, &f.exact);
  f.looked_up = true;
  return f;
#endif
}

HandshakeJobs::Found transcript(HandshakeJobs& j, const TlsConfig& cfg, bool wait) {
  std::shared_future<HandshakeJobs::Found> f;
  {
    std::lock_guard lock(j.mutex);
    auto [it, fresh] = j.running.try_emplace(cfg);
    if (fresh && worker_threads()) {
      it->second = std::async(std::launch::async, [cfg] { return find_transcript(cfg); }).share();
    } else if (fresh) {
      std::promise<HandshakeJobs::Found> now;  // no worker threads: a lookup in the recorded pack
      const HandshakeJobs::Found found = find_transcript(cfg);
      j.waiting = !found.looked_up;
      if (j.waiting) {
        j.running.erase(it);
        return {};
      }
      now.set_value(found);
      it->second = now.get_future().share();
    }
    f = it->second;
  }
  if (!wait && f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return {};
  return f.get();
}

// Nested decoded names ("certificate[0].subject") are indented under their parent.
int depth_of(const std::string& name) {
  return name.find('.') != std::string::npos || name.find('[') != std::string::npos ? 1 : 0;
}

std::string node_name(const Trace& trace, NodeId n) {
  return n == NodeId::none ? "?" : std::string(trace.node_name(n));
}

}  // namespace

const ByteField* TlsBytes::find(const std::string& name) const {
  for (const ByteField& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

bool tls_bytes_pending(const Model& m) {
  HandshakeJobs& j = m.handshakes;
  std::lock_guard lock(j.mutex);
#if !DEPLOYSIM_WITH_TLS
  // A lookup waits for the recorded pack only until it has arrived (asked again or not).
  if (j.waiting && !recorded_problem()) return true;
#endif
  for (const auto& [key, f] : j.running)
    if (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return true;
  return false;
}

TlsBytes tls_bytes_for(const Model& m, RecordId id, const Messages& words, bool wait) {
  TlsBytes b;
  const Trace& trace = m.run.trace;
  if (id == RecordId::none || raw(id) >= trace.size()) return b;
  const Record& r = trace.at(id);
  const RecordId hello = lb::client_hello_of(trace, id);
  const auto cfg = hello == RecordId::none ? std::nullopt : lb::tls_config_of(trace, trace.at(hello));
  if (!cfg) {
    b.note = words("tls_bytes.not_handshake");
    return b;
  }
  const HandshakeJobs::Found found = transcript(m.handshakes, *cfg, wait);
  const lb::Transcript* t = found.transcript;
  if (!t && !found.looked_up) {
    b.pending = true;
#if DEPLOYSIM_WITH_TLS
    b.note = words("tls_bytes.running");
#else
    b.note = words("tls_bytes.fetching");
#endif
    return b;
  }
  if (!t) {
    b.note = words("tls_bytes.not_recorded");
#if !DEPLOYSIM_WITH_TLS
    if (const auto problem = recorded_problem(); problem && !problem->empty()) b.note += "\n" + *problem;
#endif
    return b;
  }
#if !DEPLOYSIM_WITH_TLS
  const std::string& openssl = lb::recorded_transcripts().openssl_version();
  b.source = words.format(found.exact ? "tls_bytes.recorded" : "tls_bytes.recorded_other_dates", openssl);
#endif
  const lb::Direction dir =
      r.from == trace.at(hello).from ? lb::Direction::client_to_server : lb::Direction::server_to_client;
  if (trace.kind(r) == kinds::tls_early_data) {
    b.raw = lb::early_data_record(*t);
    if (b.raw.empty()) {
      b.note = words.format("tls_bytes.not_sent", "ApplicationData");
      return b;
    }
    b.message = "ApplicationData";
    b.title = words.format("tls_bytes.title", "ApplicationData (0-RTT)", node_name(trace, r.from),
                           node_name(trace, r.to), b.raw.size(), words("tls_bytes.early_record"), std::string());
    b.fields.push_back({"content_type", "23 (application_data)", 0, 1, 0});
    b.fields.push_back({"legacy_record_version", fmt::format("0x{:02x}{:02x}", b.raw[1], b.raw[2]), 1, 2, 0});
    b.fields.push_back({"length", words.format("tls_bytes.bytes", b.raw.size() - 5), 3, 2, 0});
    b.fields.push_back({"encrypted_record", "client_early_traffic_secret", 5, b.raw.size() - 5, 0});
    return b;
  }
  // The second ClientHello (after a HelloRetryRequest) and the n-th NewSessionTicket.
  const int occurrence =
      trace.detail_int(r, "retry") != 0 ? 1 : static_cast<int>(std::max<int64_t>(0, trace.detail_int(r, "ticket") - 1));
  const int i = lb::message_index_for(*t, trace.kind(r), dir, occurrence);
  if (i < 0) {
    b.note = words.format("tls_bytes.not_sent", lb::message_name_of_kind(trace.kind(r)));
    return b;
  }
  const lb::CapturedMessage& msg = t->capture.messages[static_cast<size_t>(i)];
  const lb::DecodedMessage& dec = t->decoded[static_cast<size_t>(i)];
  b.raw = msg.bytes;
  b.message = dec.name;
  b.title = words.format("tls_bytes.title", dec.name, node_name(trace, r.from), node_name(trace, r.to),
                         msg.bytes.size(), words(msg.encrypted ? "tls_bytes.encrypted" : "tls_bytes.clear"),
                         dec.malformed ? words("tls_bytes.decoder_stopped") : std::string());
  const bool header_decoded = !dec.fields.empty() && dec.fields.front().offset == 0;
  if (msg.content_type == lb::handshake && !header_decoded && msg.bytes.size() >= 4) {
    b.fields.push_back({"msg_type", fmt::format("{} ({})", msg.bytes[0], dec.name), 0, 1, 0});
    const size_t len = (size_t{msg.bytes[1]} << 16) | (size_t{msg.bytes[2]} << 8) | msg.bytes[3];
    b.fields.push_back({"length", words.format("tls_bytes.bytes", len), 1, 3, 0});
  }
  for (const lb::Field& f : dec.fields)
    b.fields.push_back({f.name, decoded_value(f.value, words), f.offset, f.length, depth_of(f.name)});
  return b;
}

CaptureFiles save_capture(const Model& m, RecordId id, const std::string& dir, bool keylog_only,
                          const Messages& words) {
  CaptureFiles out;
  const Trace& trace = m.run.trace;
  const RecordId hello =
      id == RecordId::none || raw(id) >= trace.size() ? RecordId::none : lb::client_hello_of(trace, id);
  const auto cfg = hello == RecordId::none ? std::nullopt : lb::tls_config_of(trace, trace.at(hello));
  const lb::Transcript* t = cfg ? transcript(m.handshakes, *cfg, true).transcript : nullptr;
  if (!t || t->capture.flights.empty()) {
    out.error = words("tls_bytes.no_capture");
    return out;
  }
  const uint16_t v = t->facts.version;
  std::string name = t->config.send_sni && !t->config.sni.empty() ? t->config.sni : "no-sni";
  for (char& c : name)  // a file name whatever the scenario calls its host
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  const char* version = v == 0x0304 ? "tls13" : v == 0x0303 ? "tls12" : "tls";
  const std::string stem = fmt::format("deploysim-{}-{}", name, version);
  const std::string path = dir + "/" + stem + (keylog_only ? "-keylog.txt" : ".pcapng");
  const std::string keys = lb::keylog_text(t->capture);
#if DEPLOYSIM_WITH_TLS
  if (keylog_only) {
    if (!lb::write_keylog(path, t->capture).empty())  // secrets: the user's only
      out.error = words.format("status.cannot_write", path);
    else
      out.path = path;
    return out;
  }
#endif
  lb::PcapOptions po;
  if (t->config.verify_time > 0) po.start_unix = t->config.verify_time;  // the client's clock in the run
  std::string bytes;
  if (keylog_only) {
    bytes = keys;
  } else {
    const std::vector<uint8_t> file = lb::pcapng_bytes(t->capture.flights, po, keys);
    bytes.assign(file.begin(), file.end());
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) {
    out.error = words.format("status.cannot_write", path);
    return out;
  }
  out.path = path;
  return out;
}

}  // namespace deploysim::gui
