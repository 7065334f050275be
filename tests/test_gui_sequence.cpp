// What the sequence diagram draws of a long connection: the messages around the selected record
// (or the playhead), at most max_rows of them, and a line saying which ones.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"
#include "gui/run/sequence_rows.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

constexpr size_t most = 400;  // sequence.cpp's max_rows

Messages words(const char* lang) {
  std::string error;
  auto w = Messages::load(lang, &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  REQUIRE_MESSAGE(w.has_value(), error);
  return std::move(*w);
}

// A keep-alive browser asking 5 times a second for 6 minutes: connection #0 carries thousands
// of messages.
std::shared_ptr<const Model> long_run() {
  LoadResult r = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/worker-respawn.toml");
  if (r.error) FAIL(r.error->to_string());
  return build_model(std::move(*r.scenario));
}

bool holds(SequenceWindow w, size_t k) { return w.begin <= k && k < w.end; }

}  // namespace

TEST_CASE("a short connection shows all its messages") {
  for (size_t anchor : {size_t{0}, size_t{39}}) {
    const SequenceWindow w = sequence_window(40, anchor, most);
    CHECK(w.begin == 0);
    CHECK(w.end == 40);
  }
  CHECK(sequence_heading(words("en"), ConnId{3}, {0, 40}, 40) == "connection #3: 40 messages");
  CHECK(sequence_heading(words("ko"), ConnId{3}, {0, 40}, 40) == "연결 #3: 메시지 40개");
}

TEST_CASE("a selection among the first messages shows the first ones, as before") {
  for (size_t anchor : {size_t{0}, size_t{200}, most - 1}) {
    const SequenceWindow w = sequence_window(5000, anchor, most);
    CHECK(w.begin == 0);
    CHECK(w.end == most);
  }
  CHECK(sequence_heading(words("en"), ConnId{3}, {0, most}, 5000) == "connection #3: the first 400 of 5000 messages");
  CHECK(sequence_heading(words("ko"), ConnId{3}, {0, most}, 5000) == "연결 #3: 메시지 5000개 가운데 처음 400개");
}

TEST_CASE("a later selection shows the messages around it and says which") {
  const SequenceWindow w = sequence_window(5000, 1000, most);
  CHECK(w.begin == 800);
  CHECK(w.end == 1200);
  CHECK(sequence_heading(words("en"), ConnId{3}, w, 5000) == "connection #3: messages 801-1200 of 5000");
  CHECK(sequence_heading(words("ko"), ConnId{3}, w, 5000) == "연결 #3: 메시지 5000개 가운데 801-1200번째");
  // The last message: the last 400.
  const SequenceWindow last = sequence_window(5000, 4999, most);
  CHECK(last.begin == 4600);
  CHECK(last.end == 5000);
  CHECK(sequence_heading(words("en"), ConnId{3}, last, 5000) == "connection #3: messages 4601-5000 of 5000");
}

TEST_CASE("stepping through a long connection keeps every message in view, with context") {
  size_t moves = 0;
  SequenceWindow previous{0, most};
  for (size_t anchor = 0; anchor < 5000; ++anchor) {
    const SequenceWindow w = sequence_window(5000, anchor, most);
    INFO("anchor ", anchor, ": ", w.begin, "-", w.end);
    REQUIRE(holds(w, anchor));
    REQUIRE(w.end - w.begin == most);
    CHECK(w.begin >= previous.begin);
    // Past the first window, at least a quarter of it before the anchor and after it.
    if (w.begin > 0 && w.end < 5000) CHECK((anchor - w.begin >= most / 4 && w.end - anchor > most / 4));
    moves += w.begin != previous.begin;
    previous = w;
  }
  // The window moves every half window, not at every step.
  CHECK(moves <= 5000 / (most / 2));
}

TEST_CASE("the selected record of a long keep-alive connection is among the rows drawn") {
  const auto m = long_run();
  const Trace& trace = m->run.trace;
  REQUIRE(!m->index.by_conn.empty());
  const SequenceRows all = sequence_rows(*m, static_cast<RecordId>(m->index.by_conn[0].front()), 0);
  REQUIRE(all.conn == ConnId{0});
  const size_t total = all.messages.size();
  REQUIRE(total > 2 * most);
  const Messages en = words("en"), ko = words("ko");

  // Messages of the connection itself and, late in it, the proxy's hop to a worker that one of
  // them caused (the navigation moves the playhead to what is selected).
  size_t hop = total - 1;
  while (hop > 0 && trace[all.messages[hop]].conn != ConnId::none) --hop;
  REQUIRE(hop > total / 2);
  for (size_t k : {size_t{20}, most - 1, most, total / 2, hop, total - 1}) {
    const RecordId selected = static_cast<RecordId>(all.messages[k]);
    const int64_t t = trace.at(selected).t_ns;
    const SequenceRows rows = sequence_rows(*m, selected, t);
    REQUIRE(rows.messages == all.messages);
    const size_t anchor = sequence_anchor(*m, rows, selected, t);
    const SequenceWindow w = sequence_window(total, anchor, most);
    INFO("message ", k, ": ", w.begin, "-", w.end);
    CHECK(anchor == k);
    CHECK(holds(w, k));
    CHECK(w.end - w.begin == most);
    const std::string heading = sequence_heading(en, ConnId{0}, w, total);
    if (k < most) {
      CHECK(w.begin == 0);
      CHECK(heading == "connection #0: the first 400 of " + std::to_string(total) + " messages");
    } else {
      CHECK(heading == "connection #0: messages " + std::to_string(w.begin + 1) + "-" + std::to_string(w.end) + " of " +
                           std::to_string(total));
      CHECK(sequence_heading(ko, ConnId{0}, w, total) == "연결 #0: 메시지 " + std::to_string(total) + "개 가운데 " +
                                                             std::to_string(w.begin + 1) + "-" + std::to_string(w.end) +
                                                             "번째");
    }
  }

  // A record of the connection that is no message (the proxy's log line of a request): the
  // message just before it.
  const std::vector<uint32_t>& own = m->index.by_conn[0];
  for (size_t j = own.size() - 1; j > 0; --j) {
    const Record& r = trace[own[j]];
    if (r.from != NodeId::none && r.to != NodeId::none) continue;
    const SequenceRows rows = sequence_rows(*m, static_cast<RecordId>(own[j]), r.t_ns);
    REQUIRE(rows.messages == all.messages);
    const size_t anchor = sequence_anchor(*m, rows, static_cast<RecordId>(own[j]), r.t_ns);
    CHECK(anchor > total / 2);
    CHECK(m->index.position_of(all.messages[anchor]) < m->index.position_of(own[j]));
    if (anchor + 1 < total) CHECK(m->index.position_of(all.messages[anchor + 1]) > m->index.position_of(own[j]));
    break;
  }
}

TEST_CASE("with nothing selected, the playhead late in a long connection is among the rows drawn") {
  const auto m = long_run();
  const Trace& trace = m->run.trace;
  const SequenceRows all = sequence_rows(*m, static_cast<RecordId>(m->index.by_conn[0].front()), 0);
  const size_t total = all.messages.size();
  REQUIRE(total > 2 * most);
  const int64_t t = trace[all.messages[total - 300]].t_ns;
  CHECK(sequence_rows(*m, RecordId::none, t).conn != ConnId::none);
  const size_t anchor = sequence_anchor(*m, all, RecordId::none, t);
  // The last message that has started at the playhead.
  CHECK(trace[all.messages[anchor]].t_ns <= t);
  CHECK(trace[all.messages[anchor + 1]].t_ns > t);
  CHECK(anchor >= total - 300);
  CHECK(holds(sequence_window(total, anchor, most), anchor));
  // Before the connection's first message: the first ones.
  CHECK(sequence_anchor(*m, all, RecordId::none, -1) == 0);
}

TEST_CASE("the late keep-alive scenario opens a long connection after the first hour") {
  // tests/scenarios/late-keepalive.toml is where the diagram's offsets from the connection's start
  // show in a later window (the screenshots of the change that added the window).
  LoadResult r = load_scenario_file(std::string(DEPLOYSIM_TEST_DIR) + "/scenarios/late-keepalive.toml");
  if (r.error) FAIL(r.error->to_string());
  const auto m = build_model(std::move(*r.scenario));
  REQUIRE(!m->index.by_conn.empty());
  const SequenceRows all = sequence_rows(*m, static_cast<RecordId>(m->index.by_conn[0].front()), 0);
  CHECK(all.messages.size() > 2 * most);
  CHECK(m->run.trace[all.messages.front()].t_ns >= int64_t{3600} * 1'000'000'000);
}

TEST_CASE("switching between connections shows each one's own messages") {
  // The messages of the last connection shown are kept (collecting them scans the trace); a
  // selection on another connection must not show the kept ones.
  const auto m = long_run();
  const Trace& trace = m->run.trace;
  REQUIRE(m->index.by_conn.size() > 1);
  const auto first_of = [&](size_t c) { return static_cast<RecordId>(m->index.by_conn[c].front()); };
  const size_t other = m->index.by_conn.size() - 1;
  const SequenceRows a = sequence_rows(*m, first_of(0), 0);
  const SequenceRows b = sequence_rows(*m, first_of(other), trace.at(first_of(other)).t_ns);
  REQUIRE(a.conn == ConnId{0});
  REQUIRE(b.conn == static_cast<ConnId>(other));
  CHECK(a.messages != b.messages);
  for (uint32_t i : b.messages) {
    const Record& r = trace[i];
    CHECK((r.conn == b.conn || r.conn == ConnId::none || r.stage == Stage::dns));
  }
  CHECK(sequence_rows(*m, first_of(0), 0).messages == a.messages);
  CHECK(sequence_rows(*m, first_of(other), trace.at(first_of(other)).t_ns).messages == b.messages);
}

TEST_CASE("a client's request before it has a connection shows that client's connection, not another's") {
  // Two browsers, laptop and phone, each asking several times: at a phone's request the latest
  // connection at the playhead can be the laptop's.
  LoadResult r = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/basic-https.toml");
  if (r.error) FAIL(r.error->to_string());
  const auto m = build_model(std::move(*r.scenario));
  REQUIRE(m);
  const Trace& trace = m->run.trace;
  size_t requests = 0;
  for (uint32_t i = 0; i < trace.size(); ++i) {
    const Record& rec = trace[i];
    if (trace.kind(rec) != "client.request") continue;
    ++requests;
    CAPTURE(i);
    CHECK(rec.conn == ConnId::none);
    const SequenceRows rows = sequence_rows(*m, static_cast<RecordId>(i), rec.t_ns);
    REQUIRE(rows.conn != ConnId::none);
    CHECK(rows.of_selection);
    CHECK(rows.client == rec.actor);
    CHECK(client_connection(*m, static_cast<RecordId>(i)) == rows.conn);
  }
  CHECK(requests >= 4);
}

TEST_CASE("a message's label stays inside the panel, shortened only when the panel is too narrow") {
  const auto px = [](const std::string& s) { return 8.0f * static_cast<float>(s.size()); };  // 8 px a byte
  // Room for it over its arrow: centred there, whole.
  MessageLabel l = message_label("tls.finished", 200, 400, 100, 600, px);
  CHECK(l.text == "tls.finished");
  CHECK(l.x == doctest::Approx(300 - 48));
  CHECK_FALSE(l.shortened());
  // An arrow to the last column of a narrow panel: centred, "tls.encrypted_extensions" ran 40 px
  // past the right edge; it moves left, whole, and ends at the edge.
  l = message_label("tls.encrypted_extensions", 300, 400, 150, 406, px);
  CHECK(l.text == "tls.encrypted_extensions");
  CHECK(l.x + px(l.text) <= 406);
  CHECK(l.x >= 150);
  // The same towards the first column: it starts at the rows' left edge, not over the times.
  l = message_label("tls.encrypted_extensions", 200, 160, 150, 406, px);
  CHECK(l.x == 150);
  // Wider than all the room there is: shortened in its middle to fit, both ends kept.
  l = message_label("tls.encrypted_extensions", 160, 260, 150, 300, px);
  CHECK(l.shortened());
  CHECK(px(l.text) <= 150);
  CHECK(l.x >= 150);
  CHECK(l.x + px(l.text) <= 300);
  CHECK(l.text.starts_with("tls."));
  CHECK(l.text.ends_with("s"));
}
