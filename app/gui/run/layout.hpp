#pragma once
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

/// An axis-aligned rectangle in canvas pixels (empty when x1 <= x0).
struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< Corners.
  /// Whether it has an area.
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  /// Whether the two share any area.
  bool overlaps(const Box& o) const {
    return !empty() && !o.empty() && x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
  /// Whether o lies wholly inside.
  bool contains(const Box& o) const { return x0 <= o.x0 && y0 <= o.y0 && o.x1 <= x1 && o.y1 <= y1; }
};

/// Where one node and its texts go, relative to the canvas's top-left corner at zoom 1.
struct NodePlace {
  bool drawn = false;      ///< Host nodes are drawn as their frame, not as a node.
  float x = 0, y = 0;      ///< Centre of the shape.
  float r = 0;             ///< Half the shape's size.
  Box shape;               ///< The shape's bounds.
  std::string label;       ///< The name label's text: node_label, shortened in the middle on a crowded canvas.
  Box name;                ///< Name label ("root (DNS)").
  Box status;              ///< Workers: state line with the back-off countdown and restarts.
  std::vector<Box> certs;  ///< Proxy: one line per certificate with its days left, above it.
  /// A crowded canvas draws a service's workers on one host as one stacked node: on the node
  /// drawn, the workers it stands for (itself first); empty when it stands for itself alone.
  std::vector<size_t> stack;
  /// A stack whose name and number do not fit one line: the label is the name alone and the
  /// status line says how many ("orders-api-5" over "running ×5").
  bool count_in_status = false;
  /// On a worker drawn as part of another's stack (drawn is false): that node.
  int shown_by = -1;
};

/// A host's frame: it encloses exactly the processes that run on it.
struct HostPlace {
  Box frame;          ///< The frame (empty when nothing of the host is on the canvas).
  std::string label;  ///< The title's text: as much of "host edge-1  203.0.113.10" as fits.
  Box title;          ///< "host edge-1  203.0.113.10".
  Box memory;         ///< The memory bar against the host's limit.
};

/// The padlock drawn beside a link to the proxy (draw_lock's size s: the body is 2s wide).
constexpr float lock_size = 6;
/// What a padlock at (x, y) covers: its body, its shackle and an open shackle's swing to the right.
inline Box lock_box(float x, float y, float s = lock_size) {
  return Box{x - s, y - 1.2f * s, x + 1.6f * s, y + 1.1f * s};
}

/// A link's padlock (client to proxy: encrypted; proxy to worker: plaintext).
struct LockPlace {
  bool drawn = false;  ///< Only links between the proxy and a client or worker have one.
  float x = 0, y = 0;  ///< Where draw_lock centres it.
  Box box;             ///< lock_box of it.
};

/// The whole canvas laid out; parallel to TraceIndex::nodes and Scenario::hosts.
struct CanvasLayout {
  std::vector<NodePlace> nodes;  ///< Per trace node.
  std::vector<HostPlace> hosts;  ///< Per scenario host.
  /// Per TraceIndex link: its padlock, beside the link and clear of every label, node and other
  /// padlock where the link leaves room (the certificate line above the proxy used to cover it).
  std::vector<LockPlace> locks;
  Box legend;               ///< The stage colour legend along the bottom (one or two lines).
  size_t legend_break = 0;  ///< The first legend item of the second line (0: one line).
  float text_scale = 1;     ///< layout_canvas_fitted: the canvas font's scale the texts need.
  bool stacked = false;     ///< Whether each service's workers on a host are drawn as one node.
  /// The node drawn for node k: k, or the stacked node that stands for it.
  size_t shown(size_t k) const { return nodes[k].shown_by >= 0 ? static_cast<size_t>(nodes[k].shown_by) : k; }
  /// Every text box and host header, for overlap checks.
  std::vector<Box> labels() const;
};

/// Presenter mode draws the canvas's texts at this fraction of its large font: still bigger than
/// normal mode's, and the labels of a five-host scenario fit the projector's canvas.
constexpr float presenter_canvas_scale = 0.75f;

/// The canvas's own words in one language: English as constructed, canvas_words() for the
/// chosen language's catalogue ([canvas] in assets/i18n).
struct CanvasWords {
  std::array<std::string, node_role_count> roles{"client", "resolver",    "DNS",  "TLS proxy", "worker", "supervisor",
                                                 "CA",     "ACME client", "host", ""};  ///< By NodeRole.
  std::vector<std::string> legend{"dns",   "tcp",     "tls",       "http",
                                  "proxy", "failure", "encrypted", "plaintext (after the proxy)"};  ///< In order.
  std::string host_title = "host {}  {}";            ///< A host's frame: name, IP.
  std::string days_left = "{}: {:.0f} days left";    ///< A certificate line: domain, days.
  std::string day_left = "{}: {:.0f} day left";      ///< The same when the days read as 1.
  std::string hours_left = "{}: {:.0f} h left";      ///< Under a day: domain, whole hours.
  std::string minutes_left = "{}: {:.0f} min left";  ///< Under an hour: domain, whole minutes.
  std::string seconds_left = "{}: {:.0f} s left";    ///< Under a minute: domain, seconds.
  std::string expired = "{}: EXPIRED";               ///< An expired certificate's line.
  std::string backing_off = "backing off";           ///< A worker waiting to be restarted.
  std::string seconds = "{} s";                      ///< The wait before its restart ([units] s).
  std::string restart_one = ", {} restart";          ///< After the state: one restart.
  std::string restarts = ", {} restarts";            ///< After the state: more restarts.
  std::string stack = "{} \u00d7{}";                 ///< A stacked node: the workers' common name, how many.
  std::string stack_state = "{} \u00d7{}";           ///< A stacked node's status: a state, how many are in it.
  std::string in_flight = "{} in flight";            ///< Beside a busy link: its messages in flight.
  std::string in_flight_total = "{} packets in flight on {} flows";  ///< The whole canvas's: packets, flows.
};
/// The English words (the default of the functions below).
inline const CanvasWords english_canvas_words{};
/// The canvas's words from a catalogue.
CanvasWords canvas_words(const Messages& m);

/// Measures the width in pixels of a text in the canvas font.
using TextWidth = std::function<float(const std::string&)>;

/// `s`, or `s` with its middle replaced by ".." so that it is at most `avail` wide, cut a whole
/// UTF-8 character at a time (the canvas's crowded labels, the sequence diagram's columns).
std::string elide_middle(const std::string& s, float avail, const TextWidth& width);
/// `s`, or ".." and as much of the end of `s` as fits: for names of one family that differ at
/// their end ("orders-api-5", "orders-api-6"), where the middle cut leaves "or..-5".
std::string elide_front(const std::string& s, float avail, const TextWidth& width);

/// `s`, or as much of its start as fits and "..": for texts whose front matters most (a state).
std::string elide_back(const std::string& s, float avail, const TextWidth& width);
/// A node's name in a narrow column: a number that ends it stays with its separator and the start
/// is cut ("api/wo..-1"); a name without one keeps its start ("brow.."), which reads better than
/// its two ends ("br..er"). When even the number does not fit, the middle cut.
std::string elide_name(const std::string& s, float avail, const TextWidth& width);
/// A worker's status as drawn in its status box (NodePlace::status, padding included): whole, or
/// where the box is narrower its first parts (", " between them) or words and "..", never cut
/// off by a host's frame.
std::string fit_status(const std::string& status, const Box& box, const TextWidth& width);
/// The name label of a node: its name, with its role when the name does not say it.
std::string node_label(const NodeInfo& n, const CanvasWords& w = english_canvas_words);
/// A stacked node's label: the workers' name without its number, and how many ("api/worker ×4").
std::string stack_label(const std::string& stem, size_t count, const CanvasWords& w = english_canvas_words);
/// The legend's items in order: the stages, failure, encrypted, plaintext.
const std::vector<std::string>& legend_labels(const CanvasWords& w = english_canvas_words);
/// The width of one legend item: its mark and its text, with the gap after it.
inline float legend_item_width(float text_w, float line_h) { return 2.5f * 0.35f * line_h + text_w + line_h * 0.8f; }
/// The certificate line above the proxy ("api.example.test: 60 days left", under a day
/// "api.example.test: 4 h left", at and after expiry "api.example.test: EXPIRED").
std::string cert_label(const std::string& domain, double days_left, const CanvasWords& w = english_canvas_words);
/// A worker's status line: state, back-off countdown, restarts ("backing off 1.5 s, 3 restarts").
std::string status_label(const std::string& state, int64_t backoff_ns, uint32_t restarts,
                         const CanvasWords& w = english_canvas_words);

/// Lays the canvas out for a size in pixels and a text line height: DNS servers and CAs in a top
/// row, the resolver and clients on the left, each host as a frame around its own processes
/// (the proxy with its certificates, workers in columns with their labels beside them,
/// supervisors at the bottom), the legend along the bottom. Labels never overlap at the sizes
/// the window gives the canvas at 1600x900 (tests/test_gui_layout.cpp checks every scenario).
CanvasLayout layout_canvas(const Model& m, float width, float height, float line_h, const TextWidth& text_width,
                           const CanvasWords& words = english_canvas_words, bool stacked = false);

/// layout_canvas at the largest text scale (1, 0.9, ... down to min_canvas_text_scale) whose
/// labels stay on the canvas without overlapping each other, a node or another host's frame.
/// Below 0.8, each service's workers on a host are first stacked into one node at the largest
/// scale that fits (a projector's texts stay readable); then the proxy's host goes on top or
/// beside the clients with the other hosts in a row under both, host headers on one line (a
/// multi-host scenario at 1024x768), or under the clients with each host's workers in close rows
/// and its supervisor in a column of its own; then each pod's processes are stacked; at the smallest scale,
/// names that still do not fit are shortened. The caller draws the canvas's texts at `text_scale`.
CanvasLayout layout_canvas_fitted(const Model& m, float width, float height, float line_h, const TextWidth& text_width,
                                  const CanvasWords& words = english_canvas_words);

/// The smallest text scale layout_canvas_fitted tries: below it a projector's labels are unreadable.
constexpr float min_canvas_text_scale = 0.6f;

/// One labelled tick of the timeline's time axis.
struct AxisTick {
  double t_s = 0;     ///< Its time in seconds.
  std::string label;  ///< "45 s", "2 min", "1 h 30 min".
};
/// The time axis's ticks for a view from t0 to t1 seconds drawn `width` pixels wide: a round step
/// (1, 2, 5 x 10^k, 15 s, 1 min, 6 h, 1 d, ...) wide enough that no two labels overlap.
std::vector<AxisTick> axis_ticks(double t0_s, double t1_s, float width, const TextWidth& text_width,
                                 const TimeUnits& units = {});

/// Where the timeline draws its lanes' names: one column when a lane is as tall as the font; two
/// staggered columns (even lanes left, odd lanes right) when lanes are thinner, so each
/// name may take two lanes' height (a 1024x768 projector's timeline has lanes of about 8 px).
struct LaneLabels {
  int columns = 1;     ///< 1 or 2.
  float text_h = 0;    ///< The names' font size in pixels.
  float column_w = 0;  ///< One column's width (the widest name and a gap).
  float width() const { return column_w * static_cast<float>(columns); }
  /// The x offset of lane `lane`'s name from the label area's left edge.
  float x(size_t lane) const { return columns == 2 && lane % 2 ? column_w : 0; }
};
/// Smallest lane-name size a class can read on a projector, in pixels.
constexpr float min_lane_text_h = 12.0f;
/// Lane names for lanes `lane_h` tall in a font `font_h` tall, the widest name `widest` pixels.
LaneLabels lane_labels(float lane_h, float font_h, float widest);

/// Items of the given widths laid out left to right in lines `avail` wide, `spacing` apart (the
/// timeline's stage checkboxes): each item's line, 0 for the first. An item wider than a line
/// has one of its own.
std::vector<size_t> wrap_items(const std::vector<float>& widths, float avail, float spacing);

}  // namespace deploysim::gui
