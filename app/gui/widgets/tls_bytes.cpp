#include "gui/widgets/tls_bytes.hpp"

#include <future>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "deploysim/loopback/record_bytes.hpp"

namespace deploysim::gui {

namespace lb = loopback;

namespace {

const lb::Transcript* transcript(HandshakeJobs& j, const TlsConfig& cfg, bool wait) {
  std::shared_future<const lb::Transcript*> f;
  {
    std::lock_guard lock(j.mutex);
    auto [it, fresh] = j.running.try_emplace(cfg);
    if (fresh) it->second = std::async(std::launch::async, [cfg] { return &lb::transcript_for(cfg); }).share();
    f = it->second;
  }
  if (!wait && f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return nullptr;
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
  const lb::Transcript* t = transcript(m.handshakes, *cfg, wait);
  if (!t) {
    b.pending = true;
    b.note = words("tls_bytes.running");
    return b;
  }
  const lb::Direction dir =
      r.from == trace.at(hello).from ? lb::Direction::client_to_server : lb::Direction::server_to_client;
  const int i = lb::message_index_for(*t, trace.kind(r), dir);
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
  for (const lb::Field& f : dec.fields) b.fields.push_back({f.name, f.value, f.offset, f.length, depth_of(f.name)});
  return b;
}

}  // namespace deploysim::gui
