#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

// What the sequence diagram (panels/sequence.cpp) draws, without ImGui, so that
// tests/test_gui_sequence.cpp can check it on a real run.

/// One connection's messages as the sequence diagram lists them.
struct SequenceRows {
  ConnId conn = ConnId::none;      ///< The connection (none: nothing to draw).
  NodeId client = NodeId::none;    ///< Its client: round trips are counted from its side.
  bool of_selection = false;       ///< It is the selected record's connection (else the playhead's).
  std::vector<uint32_t> messages;  ///< Record indices in time order: the DNS lookup before it, its
                                   ///< messages and the proxy's hops they caused.
};

/// The connection a client's record without one (client.request, its DNS lookup) goes on to use:
/// that of the client's first record from it on that has one, a new connection or one kept alive
/// (none when the client opens none within `most` records). The sequence diagram and the
/// observer panel both follow it, so that they show the same connection for one selection.
ConnId client_connection(const Model& m, RecordId selected, size_t most = 200000);

/// The connection of the selected record (or of the message that caused it, or for a client's
/// record the one it goes on to use), else the latest one active at the playhead, with all its
/// messages.
SequenceRows sequence_rows(const Model& m, RecordId selected, int64_t t_ns);

/// Where in `rows.messages` the diagram is anchored: the selected record (or the last message
/// before it, for a record of the connection that is no message) when the connection is its,
/// else the last message at or before the playhead (0 when none has started).
size_t sequence_anchor(const Model& m, const SequenceRows& rows, RecordId selected, int64_t t_ns);

/// The messages drawn: [begin, end) of all of them.
struct SequenceWindow {
  size_t begin = 0, end = 0;
};

/// At most `most` of `total` messages holding `anchor`: the first `most` while the anchor lies
/// among them, else a window with the anchor in its middle half.
SequenceWindow sequence_window(size_t total, size_t anchor, size_t most);

/// The line above the diagram: "connection #3: 40 messages", "... the first 400 of 2774
/// messages" or "... messages 801-1200 of 2774".
std::string sequence_heading(const Messages& words, ConnId conn, SequenceWindow window, size_t total);

/// A message's label in the diagram: its text (shortened in the middle when wider than the room)
/// and where it starts.
struct MessageLabel {
  std::string text;  ///< The kind, or ".." in its middle: the full kind goes in a tooltip.
  float x = 0;       ///< The text's left edge.
  bool shortened() const { return text.find("..") != std::string::npos; }
};
/// The label `kind` of an arrow from x `xa` to `xb`: centred over the arrow, moved inward so that
/// it stays between `x0` and `x1` (the rows' left edge after the time column, the panel's right
/// edge), and shortened when even that room is too narrow (a 1024 px window's sequence panel).
MessageLabel message_label(const std::string& kind, float xa, float xb, float x0, float x1,
                           const std::function<float(const std::string&)>& text_width);

}  // namespace deploysim::gui
