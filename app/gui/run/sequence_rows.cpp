#include "gui/run/sequence_rows.hpp"

#include <algorithm>
#include <mutex>

#include "gui/run/layout.hpp"

namespace deploysim::gui {

namespace {

// The connection to draw; `of_selection` tells whether it is the selected record's.
ConnId connection_of(const Model& m, RecordId selected, int64_t t_ns, bool& of_selection) {
  const Trace& trace = m.run.trace;
  // The selected record's, or for the proxy's hop to a worker the one of the message that
  // caused it, so that clicking that row keeps its connection.
  RecordId id = selected;
  for (int hops = 0; hops < 24 && id != RecordId::none && raw(id) < trace.size(); ++hops) {
    const Record& r = trace.at(id);
    of_selection = r.conn != ConnId::none;
    if (of_selection) return r.conn;
    id = r.cause;
  }
  // A client's request before it has a connection: the one it goes on to use, not whichever
  // client's happens to be active at the playhead (basic-https's first request had none).
  if (const ConnId c = client_connection(m, selected); c != ConnId::none) {
    of_selection = true;
    return c;
  }
  of_selection = false;
  // Otherwise the latest connection active at the playhead.
  for (int64_t p = m.index.last_at_or_before(t_ns), n = 0; p >= 0 && n < 5000; --p, ++n) {
    const Record& r = trace[m.index.at(static_cast<size_t>(p))];
    if (r.conn != ConnId::none) return r.conn;
  }
  return ConnId::none;
}

bool caused_by_conn(const Trace& trace, const Record& r, ConnId c) {
  RecordId id = r.cause;
  for (int hops = 0; hops < 24 && id != RecordId::none && raw(id) < trace.size(); ++hops) {
    const Record& up = trace.at(id);
    if (up.conn == c) return true;
    id = up.cause;
  }
  return false;
}

}  // namespace

ConnId client_connection(const Model& m, RecordId selected, size_t most) {
  const Trace& trace = m.run.trace;
  if (selected == RecordId::none || raw(selected) >= trace.size()) return ConnId::none;
  const Record& r = trace.at(selected);
  if (r.conn != ConnId::none) return r.conn;
  if (r.actor == NodeId::none || trace.node_role(r.actor) != NodeRole::client) return ConnId::none;
  const size_t from = m.index.position_of(raw(selected));
  const size_t end = std::min(m.index.time->size(), from + most);
  for (size_t p = from; p < end; ++p) {
    const Record& x = trace[m.index.at(p)];
    if (x.actor == r.actor && x.conn != ConnId::none && raw(x.conn) < m.index.by_conn.size()) return x.conn;
  }
  return ConnId::none;
}

SequenceRows sequence_rows(const Model& m, RecordId selected, int64_t t_ns) {
  SequenceRows out;
  const Trace& trace = m.run.trace;
  const ConnId c = connection_of(m, selected, t_ns, out.of_selection);
  if (c == ConnId::none || raw(c) >= m.index.by_conn.size() || m.index.by_conn[raw(c)].empty()) return out;
  out.conn = c;
  const auto& conn_records = m.index.by_conn[raw(c)];
  const Record& first = trace[conn_records.front()];
  int64_t t0 = first.t_ns, t1 = first.t_ns;
  for (uint32_t i : conn_records) t1 = std::max(t1, trace[i].t_ns + trace[i].dur_ns);
  out.client = first.from != NodeId::none ? first.from : first.actor;
  const std::lock_guard<std::mutex> lock(m.sequence.mutex);
  if (m.sequence.conn == c) {
    out.messages = m.sequence.messages;
    return out;
  }
  m.index.for_messages(t0 - 2'000'000'000, t1, trace, [&](uint32_t i) {
    const Record& r = trace[i];
    if (r.t_ns > t1) return;
    if (r.conn == c || caused_by_conn(trace, r, c) ||
        (r.stage == Stage::dns && r.t_ns <= t0 && (r.from == out.client || r.to == out.client)))
      out.messages.push_back(i);
  });
  std::sort(out.messages.begin(), out.messages.end(),
            [&](uint32_t a, uint32_t b) { return m.index.position_of(a) < m.index.position_of(b); });
  m.sequence.conn = c;
  m.sequence.messages = out.messages;
  return out;
}

size_t sequence_anchor(const Model& m, const SequenceRows& rows, RecordId selected, int64_t t_ns) {
  const std::vector<uint32_t>& v = rows.messages;
  const Trace& trace = m.run.trace;
  // The index of the last message that `before` does not put after `key`.
  auto last_not_after = [&](auto key, auto before) {
    const auto it = std::upper_bound(v.begin(), v.end(), key, before);
    return it == v.begin() ? size_t{0} : static_cast<size_t>(it - v.begin()) - 1;
  };
  if (rows.of_selection && raw(selected) < trace.size()) {
    const auto it = std::find(v.begin(), v.end(), raw(selected));
    if (it != v.end()) return static_cast<size_t>(it - v.begin());
    return last_not_after(m.index.position_of(raw(selected)),
                          [&](size_t pos, uint32_t i) { return pos < m.index.position_of(i); });
  }
  return last_not_after(t_ns, [&](int64_t t, uint32_t i) { return t < trace[i].t_ns; });
}

SequenceWindow sequence_window(size_t total, size_t anchor, size_t most) {
  if (total <= most) return {0, total};
  if (anchor < most) return {0, most};  // the first ones, as long as they hold it
  // Windows start on multiples of half their size, so that stepping through the messages moves
  // the diagram every most/2 messages, not at every step, while keeping a quarter of it on
  // either side of the anchor.
  const size_t stride = std::max<size_t>(1, most / 2);
  anchor = std::min(anchor, total - 1);
  const size_t begin = std::min((anchor - most / 4) / stride * stride, total - most);
  return {begin, begin + most};
}

std::string sequence_heading(const Messages& words, ConnId conn, SequenceWindow window, size_t total) {
  const size_t shown = window.end - window.begin;
  if (shown >= total) return words.format("sequence.connection", raw(conn), total);
  if (window.begin == 0) return words.format("sequence.connection_first", raw(conn), shown, total);
  return words.format("sequence.connection_window", raw(conn), window.begin + 1, window.end, total);
}

MessageLabel message_label(const std::string& kind, float xa, float xb, float x0, float x1,
                           const std::function<float(const std::string&)>& text_width) {
  MessageLabel l{kind, 0};
  if (text_width(kind) > x1 - x0) l.text = elide_middle(kind, x1 - x0, text_width);
  const float w = text_width(l.text);
  l.x = std::clamp((xa + xb - w) * 0.5f, x0, std::max(x0, x1 - w));
  return l;
}

}  // namespace deploysim::gui
