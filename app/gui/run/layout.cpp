// The topology canvas's layout in pixels, separate from drawing so that a test can check that no
// two labels overlap and that a host's frame holds only its own processes, for every scenario.
#include "gui/run/layout.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace deploysim::gui {

namespace {

constexpr float margin = 8, gap = 12, text_pad = 3;
// Room between the proxy and its certificate lines: the selection ring (6 px out, 2.5 px wide).
constexpr float ring_clear = 8;

float node_r(NodeRole r) { return r == NodeRole::proxy ? 20.0f : 14.0f; }

bool on_top_row(const NodeInfo& n) {
  return n.role == NodeRole::dns_server || n.role == NodeRole::ca || n.role == NodeRole::acme_client ||
         (n.role == NodeRole::other && n.host < 0);
}

bool on_left(const NodeInfo& n) { return (n.role == NodeRole::resolver || n.role == NodeRole::client) && n.host < 0; }

struct Measure {
  const TextWidth& tw;
  float line;
  const CanvasWords& words;
  bool elide = false;     // names too long for their column are shortened in the middle ("api-3/wo..er-1")
  float shape = 1;        // the nodes' size (smaller only on a canvas too crowded for the smallest text)
  bool stack = false;     // each service's workers on a host as one node
  bool units = false;     // stacked by unit: all of a pod's processes (manager too) as one node
  bool edge_top = false;  // the proxy's own host as a row above the others rather than a column
  // The proxy's own host beside the clients, the other hosts in a row across the whole width below
  // (a 1024x768 projector's canvas is too narrow for a column of clients, the proxy and four hosts).
  bool bands = false;
  // A host's title and memory bar on one line, its title shortened to leave the bar room.
  bool compact = false;
  // The clients in a row with the proxy's own host under them, one column as wide as the host's
  // certificate line; the other hosts take the rest of the width (lesson 12 at 1024x768).
  bool edge_column = false;
  // A host's workers in rows as close as their labels allow, its other processes (a supervisor)
  // in a column of their own at the right with their names under them: two pods and a
  // supervisor on a short host cost one column of labels, not three.
  bool tight = false;
  float r(NodeRole role) const { return node_r(role) * shape; }
  float width(const std::string& s) const { return tw(s) + 2 * text_pad; }
  // s, or s with its middle replaced by ".." so that it is at most `avail` wide.
  std::string fit(const std::string& s, float avail) const {
    return elide ? elide_middle(s, avail, [this](const std::string& t) { return width(t); }) : s;
  }
};

// A label centred under (x, top).
Box centred(float x, float top, float w, float h) { return Box{x - w * 0.5f, top, x + w * 0.5f, top + h}; }

void place(NodePlace& p, const NodeInfo& n, float x, float y, const Measure& me) {
  p.drawn = true;
  p.x = x;
  p.y = y;
  p.r = me.r(n.role);
  p.shape = Box{x - p.r, y - p.r, x + p.r, y + p.r};
  p.label = node_label(n, me.words);
}

// The top row: DNS servers from the left, CAs from the right; justified when they fit, with
// every other label one line lower when they do not.
float layout_top(const std::vector<size_t>& ids, const TraceIndex& ix, const Measure& me, float width,
                 CanvasLayout& out) {
  if (ids.empty()) return margin;
  std::vector<float> w;
  float sum = 0;
  for (size_t k : ids) {
    w.push_back(std::max(2 * me.r(ix.nodes[k].role), me.width(node_label(ix.nodes[k], me.words))));
    sum += w.back();
  }
  const float avail = width - 2 * margin;
  const size_t n = ids.size();
  const bool stagger = sum + gap * static_cast<float>(n - 1) > avail;
  const float y = margin + me.r(NodeRole::dns_server);
  float x = margin;
  const float spare = n > 1 ? (avail - sum) / static_cast<float>(n - 1) : 0;
  for (size_t i = 0; i < n; ++i) {
    const NodeInfo& node = ix.nodes[ids[i]];
    NodePlace& p = out.nodes[ids[i]];
    float cx;
    if (!stagger) {
      cx = n == 1 ? margin + w[i] * 0.5f : x + w[i] * 0.5f;
      x += w[i] + spare;
    } else {  // even centres; same-line neighbours are two steps apart
      const float first = margin + w.front() * 0.5f, last = width - margin - w.back() * 0.5f;
      cx = n == 1 ? first : first + (last - first) * static_cast<float>(i) / static_cast<float>(n - 1);
    }
    place(p, node, cx, y, me);
    const float top = p.shape.y1 + 2 + (stagger && i % 2 ? me.line : 0.0f);
    p.name = centred(cx, top, me.width(node_label(node, me.words)), me.line);
  }
  return y + me.r(NodeRole::dns_server) + 2 + me.line * (stagger ? 2.0f : 1.0f) + gap;
}

// The left column: resolvers above clients, labels under the nodes; more columns when many
// clients would not fit one.
float layout_left(const std::vector<size_t>& ids, const TraceIndex& ix, const Measure& me, float y0, float y1,
                  CanvasLayout& out) {
  if (ids.empty()) return margin;
  float col = 0;
  for (size_t k : ids) col = std::max(col, me.width(node_label(ix.nodes[k], me.words)));
  const float slot = 2 * me.r(NodeRole::client) + 4 + me.line;
  const auto rows = std::max<size_t>(1, static_cast<size_t>((y1 - y0) / slot));
  const size_t cols = (ids.size() + rows - 1) / rows;
  const size_t per_col = (ids.size() + cols - 1) / cols;
  const float step = (y1 - y0) / static_cast<float>(per_col);
  for (size_t i = 0; i < ids.size(); ++i) {
    const NodeInfo& node = ix.nodes[ids[i]];
    NodePlace& p = out.nodes[ids[i]];
    const float r = me.r(node.role);
    const float x = margin + static_cast<float>(i / per_col) * (col + gap) + col * 0.5f;
    const float row = static_cast<float>(i % per_col);
    // Resolvers sit at the top of their slot: their links up to the DNS servers in the top row
    // then pass above the host frames instead of across a host's title.
    const float in_slot = node.role == NodeRole::resolver ? 0.0f : (step - (2 * r + 2 + me.line)) * 0.5f;
    place(p, node, x, y0 + step * row + in_slot + r, me);
    p.name = centred(x, p.shape.y1 + 2, me.width(node_label(node, me.words)), me.line);
  }
  return margin + static_cast<float>(cols) * (col + gap) - gap;
}

struct Group {
  int host = -1;
  std::vector<size_t> proxies, workers, others;
  bool one_unit = false;  // stacked or compact, and every worker belongs to one service
  bool by_unit = false;   // stacked by unit (Measure::units)
};

// A numbered worker's name without its number ("api-2/worker" of "api-2/worker-1"); empty for
// a process that is not one of a numbered set (the service's manager process).
std::string_view numbered_stem(const std::string& name) {
  size_t cut = name.size();
  while (cut > 0 && std::isdigit(static_cast<unsigned char>(name[cut - 1]))) --cut;
  if (cut == name.size() || cut < 2 || name[cut - 1] != '-') return {};
  return std::string_view(name).substr(0, cut - 1);
}

// The unit a process belongs to ("api-2" of "api-2/worker-1"); empty for a name without one.
std::string_view unit_of(const std::string& name) {
  const size_t slash = name.find('/');
  return slash == std::string::npos ? std::string_view() : std::string_view(name).substr(0, slash);
}

// Keeps the first of each service's numbered workers (or of each unit's processes) in the group
// and makes it stand for the others.
void stack_workers(Group& g, const TraceIndex& ix, CanvasLayout& out, bool by_unit) {
  g.by_unit = by_unit;
  const auto key = [&](size_t k) { return by_unit ? unit_of(ix.nodes[k].name) : numbered_stem(ix.nodes[k].name); };
  std::vector<size_t> kept;
  for (size_t k : g.workers) {
    const std::string_view stem = key(k);
    auto same = std::find_if(kept.begin(), kept.end(), [&](size_t o) { return !stem.empty() && key(o) == stem; });
    if (same == kept.end()) {
      kept.push_back(k);
      continue;
    }
    NodePlace& rep = out.nodes[*same];
    if (rep.stack.empty()) rep.stack.push_back(*same);
    rep.stack.push_back(k);
    out.nodes[k].shown_by = static_cast<int>(*same);
    out.stacked = true;
  }
  g.workers = std::move(kept);
}

// Whether every worker of the group belongs to one service, which its labels may then leave out.
void find_one_unit(Group& g, const TraceIndex& ix) {
  const auto unit = [&](size_t k) { return std::string_view(ix.nodes[k].name).substr(0, ix.nodes[k].name.find('/')); };
  g.one_unit = g.host >= 0 && std::all_of(g.workers.begin(), g.workers.end(), [&](size_t k) {
                 return ix.nodes[k].name.find('/') != std::string::npos && unit(k) == unit(g.workers.front());
               });
}

float header_h(const Group& g, const Measure& me) {
  return g.host < 0 ? 0 : me.compact ? me.line + 8 : 2 * me.line + 10;
}
float item_h(const Measure& me) { return std::max(2 * me.r(NodeRole::worker), 2 * me.line) + 8; }
// The least height of a worker's row: its node, or its name and status lines, with 2 px apart.
float min_item_h(const Measure& me) {
  return me.tight ? std::max(2 * me.r(NodeRole::worker), 2 * me.line) + 2 : item_h(me);
}
// Measure::tight: the column of a host's other processes, each name under its node (0: none).
float others_w(const Group& g, const TraceIndex& ix, const Measure& me) {
  if (!me.tight || g.host < 0) return 0;
  float w = 0;
  for (size_t k : g.others) w = std::max({w, 2 * me.r(ix.nodes[k].role), me.width(node_label(ix.nodes[k], me.words))});
  return w;
}
// Measure::tight: the height of that column.
float others_h(const Group& g, const TraceIndex& ix, const Measure& me) {
  float h = 0;
  for (size_t k : g.others) h += 2 * me.r(ix.nodes[k].role) + 2 + me.line + 4;
  return h > 0 ? h - 4 : 0;
}

// The proxy column's width: its name or its certificate lines, whichever is wider.
float proxy_w(const Group& g, const Model& m, const Measure& me) {
  if (g.proxies.empty()) return 0;
  float w = 40.0f;
  for (size_t k : g.proxies) w = std::max(w, me.width(node_label(m.index.nodes[k], me.words)));
  for (const CertificateSpec& c : m.scenario.certificates)
    w = std::max(w, me.width(cert_label(c.domain, 100, me.words)));
  return w;
}

// A worker's name as a host's grid shows it: on a host of one service the service is left out.
std::string in_frame(const std::string& name, const Group& g) {
  return g.one_unit ? name.substr(name.find('/') + 1) : name;
}

// A stacked node's name: its workers' name without the number ("worker" of "api/worker-1"), or
// their unit's ("api-2").
std::string stack_stem(size_t k, const Group& g, const TraceIndex& ix) {
  if (g.by_unit) return std::string(unit_of(ix.nodes[k].name));
  const std::string name = in_frame(ix.nodes[k].name, g);
  const std::string_view stem = numbered_stem(name);
  return std::string(stem.empty() ? std::string_view(name) : stem);
}

// A worker's or process's label in a host's grid: a stacked node names its workers and their
// number ("worker ×4").
std::string item_label(size_t k, const Group& g, const TraceIndex& ix, const Measure& me, const CanvasLayout& out) {
  const NodeInfo& n = ix.nodes[k];
  const size_t count = out.nodes[k].stack.size();
  if (count > 1) return stack_label(stack_stem(k, g, ix), count, me.words);
  return n.role == NodeRole::worker ? in_frame(n.name, g) : node_label(n, me.words);
}

// A host's title as wide as `room` allows: "host edge-1  203.0.113.10", then "edge-1  203.0.113.10",
// then the name alone, shortened in the middle when even that is too wide ("orders..node-1").
std::string host_title(const HostSpec& h, float room, const Measure& me) {
  for (const std::string& t :
       {fmt::format(fmt::runtime(me.words.host_title), h.name, h.ip), fmt::format("{}  {}", h.name, h.ip), h.name})
    if (me.width(t) <= room) return t;
  return elide_middle(h.name, room, [&](const std::string& t) { return me.width(t); });
}

// One host's frame: a header (name, IP, memory bar), the proxy with its certificates on the left,
// then its processes in a grid, labels to the right of each (workers with a status line, which is
// clipped to its column when the countdown text is long).
void layout_group(const Group& g, const Model& m, const Measure& me, Box box, CanvasLayout& out) {
  const TraceIndex& ix = m.index;
  const float L = me.line;
  if (g.host >= 0) {
    const HostSpec& h = m.scenario.hosts[static_cast<size_t>(g.host)];
    HostPlace& hp = out.hosts[static_cast<size_t>(g.host)];
    hp.frame = box;
    const bool memory = host_runs_workers(m.scenario, h.name);
    const float inner = box.x1 - box.x0 - 12;
    // On one line the memory bar keeps room for its figure ("400 MiB"); the title takes the rest.
    const float title_room = me.compact && memory ? inner - std::max(me.width("000 MiB"), inner * 0.35f) - 6 : inner;
    hp.label = host_title(h, title_room, me);
    const float title_w = std::min(me.width(hp.label), title_room);
    hp.title = Box{box.x0 + 6, box.y0 + 4, box.x0 + 6 + title_w, box.y0 + 4 + L};
    if (memory && me.compact)
      hp.memory = Box{hp.title.x1 + 6, box.y0 + 4, box.x1 - 6, box.y0 + 4 + L};
    else if (memory)
      hp.memory = Box{box.x0 + 6, box.y0 + 6 + L, box.x0 + 6 + std::min(260.0f, inner), box.y0 + 8 + 2 * L};
    box.y0 += header_h(g, me);
  }
  const float inner_x0 = box.x0 + 6;
  float inner_x1 = box.x1 - 6;
  const float cy0 = box.y0, cy1 = box.y1 - 2;
  if (const float ow = others_w(g, ix, me); ow > 0) {  // Measure::tight
    float y = cy0 + std::max(0.0f, (cy1 - cy0 - others_h(g, ix, me)) * 0.5f);
    const float x = inner_x1 - ow * 0.5f;
    for (size_t k : g.others) {
      NodePlace& p = out.nodes[k];
      place(p, ix.nodes[k], x, y + me.r(ix.nodes[k].role), me);
      p.label = me.fit(p.label, ow);
      p.name = centred(x, p.shape.y1 + 2, me.width(p.label), L);
      y = p.name.y1 + 4;
    }
    inner_x1 -= ow + gap;
  }
  float wx0 = inner_x0;
  const float pw = proxy_w(g, m, me);
  for (size_t k : g.proxies) {
    const NodeInfo& node = ix.nodes[k];
    const size_t certs = m.scenario.certificates.size();
    NodePlace& p = out.nodes[k];
    const float need = static_cast<float>(certs) * L + ring_clear + 2 * me.r(NodeRole::proxy) + 2 + L;
    const float top = cy0 + std::max(0.0f, (cy1 - cy0 - need) * 0.5f);
    place(p, node, wx0 + pw * 0.5f, top + static_cast<float>(certs) * L + ring_clear + me.r(NodeRole::proxy), me);
    p.name = centred(p.x, p.shape.y1 + 2, me.width(node_label(node, me.words)), L);
    // Each line's top is the one above's bottom, computed alike so that rounding cannot overlap them.
    const float base = p.shape.y0 - ring_clear - static_cast<float>(certs) * L;
    for (size_t c = 0; c < certs; ++c) {
      const float w = me.width(cert_label(m.scenario.certificates[c].domain, 100, me.words));
      p.certs.push_back(
          Box{p.x - w * 0.5f, base + static_cast<float>(c) * L, p.x + w * 0.5f, base + static_cast<float>(c + 1) * L});
    }
    wx0 += pw + gap;
  }
  std::vector<size_t> items = g.workers;
  if (others_w(g, ix, me) == 0) items.insert(items.end(), g.others.begin(), g.others.end());
  if (items.empty()) return;
  // As many columns as the widest name allows, no more than the rows that fit need.
  const size_t n = items.size();
  float name_w = 0;
  for (size_t k : items) name_w = std::max(name_w, me.width(item_label(k, g, ix, me, out)));
  const float avail_w = inner_x1 - wx0;
  // Tight: the last column needs no room after its labels.
  const float spare = me.tight ? 6.0f : 0.0f;
  const auto cols_fit = static_cast<size_t>(std::max(1.0f, std::floor((avail_w + spare) / (32 + name_w + 6))));
  const auto rows_fit = static_cast<size_t>(std::max(1.0f, std::floor((cy1 - cy0) / min_item_h(me))));
  // When names may be shortened, as many columns as the rows need, however narrow.
  const size_t cols_needed = std::max<size_t>(1, (n + rows_fit - 1) / rows_fit);
  const size_t cols = me.elide ? cols_needed : std::min(cols_fit, cols_needed);
  const size_t used_rows = (n + cols - 1) / cols;
  const float ih = used_rows > rows_fit ? std::max(std::max(2 * L, 2 * me.r(NodeRole::worker) + 2),
                                                   (cy1 - cy0) / static_cast<float>(used_rows))
                   : me.tight           ? std::min(item_h(me), (cy1 - cy0) / static_cast<float>(used_rows))
                                        : item_h(me);
  const float col_w = avail_w / static_cast<float>(cols);
  const float status_w =
      std::max(0.0f, std::min(me.width(status_label("CrashLoopBackOff", 1'500'000'000, 12, me.words)), col_w - 32 - 6));
  const float item_w = std::min(col_w, 32 + std::max(name_w, status_w));
  const float row_y0 = cy0 + std::max(0.0f, (cy1 - cy0 - ih * static_cast<float>(used_rows)) * 0.5f);
  for (size_t i = 0; i < n; ++i) {
    const size_t col = i / used_rows, row = i % used_rows;
    const NodeInfo& node = ix.nodes[items[i]];
    NodePlace& p = out.nodes[items[i]];
    const float x0 = wx0 + col_w * static_cast<float>(col) + (col_w - item_w) * 0.5f;
    place(p, node, x0 + me.r(NodeRole::worker), row_y0 + ih * static_cast<float>(row) + ih * 0.5f, me);
    p.label = item_label(items[i], g, ix, me, out);
    const bool worker = node.role == NodeRole::worker;
    const float name_y = worker ? p.y - L : p.y - L * 0.5f;
    const float avail = x0 + col_w - 2 - (p.shape.x1 + 4);
    const std::string stem = p.stack.size() > 1 ? stack_stem(items[i], g, ix) : std::string();
    if (p.stack.size() > 1 && g.by_unit && me.elide && me.width(p.label) > avail) {
      // A host's pods share their service's name and differ in their end: rather than "..api-5 ×5",
      // the pod's name alone (its end kept when even that is too wide), its number on the status line.
      p.label = elide_middle(stem, avail, [&](const std::string& t) { return me.width(t); });
      p.count_in_status = true;
    } else if (p.stack.size() > 1) {  // a shortened stack keeps its number whole: "wo..er ×4"
      const float room = avail - me.width(stack_label("", p.stack.size(), me.words)) + 2 * text_pad;
      p.label = stack_label(me.fit(stem, room), p.stack.size(), me.words);
    } else
      p.label = me.fit(p.label, avail);
    p.name = Box{p.shape.x1 + 4, name_y, p.shape.x1 + 4 + me.width(p.label), name_y + L};
    // A status line that says how many may take its column's room ("no pod yet ×5", not "no pod ye..").
    const float line_w = p.count_in_status ? std::max(status_w, avail) : status_w;
    if (worker) p.status = Box{p.shape.x1 + 4, p.y, p.shape.x1 + 4 + line_w, p.y + L};
  }
}

// How much room a group's widest label would lack (negative) or have to spare in a frame of
// w x h, its processes in a grid with each label beside its node.
float group_room(const Group& g, const Model& m, const Measure& me, float w, float h, const CanvasLayout& out) {
  const float ow = others_w(g, m.index, me);
  const size_t n = g.workers.size() + (ow > 0 ? 0 : g.others.size());
  const float pw = proxy_w(g, m, me);
  const float body_h = h - header_h(g, me) - 2;
  if (ow > 0 && others_h(g, m.index, me) > body_h) return -1e9f;
  if (!g.proxies.empty() && body_h < static_cast<float>(m.scenario.certificates.size() + 1) * me.line +
                                         2 * me.r(NodeRole::proxy) + ring_clear + 2)
    return -1e9f;
  if (n == 0) return w - 12 - pw - (ow > 0 ? ow + gap : 0);
  float name_w = 0;
  for (const auto* list : {&g.workers, &g.others})
    if (list == &g.workers || ow == 0)
      for (size_t k : *list) name_w = std::max(name_w, me.width(item_label(k, g, m.index, me, out)));
  const float avail_w = w - 12 - (pw > 0 ? pw + gap : 0) - (ow > 0 ? ow + gap : 0) + (me.tight ? 6.0f : 0.0f);
  const auto rows = static_cast<size_t>(std::max(0.0f, std::floor(body_h / min_item_h(me))));
  if (rows == 0) return -1e9f;
  const size_t cols = (n + rows - 1) / rows;
  return avail_w / static_cast<float>(cols) - (2 * me.r(NodeRole::worker) + 10) - name_w;
}

// Tiles groups in a grid inside `area`: as many rows as fit their smallest height, then columns;
// when that leaves a group's labels too little room, the number of rows that leaves them most.
void tile(const std::vector<const Group*>& gs, const Model& m, const Measure& me, Box area, CanvasLayout& out) {
  if (gs.empty()) return;
  float min_h = 0;
  for (const Group* g : gs) min_h = std::max(min_h, header_h(*g, me) + item_h(me) + 8);
  const size_t n = gs.size();
  const auto fit = static_cast<size_t>(std::max(1.0f, (area.y1 - area.y0 + gap) / (min_h + gap)));
  const auto cell = [&](size_t rows) {
    const size_t cols = (n + rows - 1) / rows, used_rows = (n + cols - 1) / cols;
    return std::array<float, 3>{
        (area.x1 - area.x0 - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols),
        (area.y1 - area.y0 - gap * static_cast<float>(used_rows - 1)) / static_cast<float>(used_rows),
        static_cast<float>(used_rows)};
  };
  // The least room any group's labels get with that many rows.
  const auto room = [&](size_t rows) {
    const auto [w, h, used] = cell(rows);
    float least = 1e9f;
    for (const Group* g : gs) least = std::min(least, group_room(*g, m, me, w, h, out));
    return least;
  };
  size_t rows = std::min(n, fit);
  if (room(rows) < 0) {
    float best = room(rows);
    for (size_t r = 1; r <= n; ++r)
      if (const float got = room(r); got > best) best = got, rows = r;
  }
  const auto [w, h, used] = cell(rows);
  const auto used_rows = static_cast<size_t>(used);
  for (size_t i = 0; i < n; ++i) {
    const float x = area.x0 + static_cast<float>(i / used_rows) * (w + gap);
    const float y = area.y0 + static_cast<float>(i % used_rows) * (h + gap);
    layout_group(*gs[i], m, me, Box{x, y, x + w, y + h}, out);
  }
}

}  // namespace

std::vector<Box> CanvasLayout::labels() const {
  std::vector<Box> out;
  for (const NodePlace& p : nodes) {
    if (!p.drawn) continue;
    out.push_back(p.name);
    if (!p.status.empty()) out.push_back(p.status);
    out.insert(out.end(), p.certs.begin(), p.certs.end());
  }
  for (const HostPlace& h : hosts) {
    if (h.frame.empty()) continue;
    out.push_back(h.title);
    out.push_back(h.memory);
  }
  out.push_back(legend);
  return out;
}

std::string fit_status(const std::string& status, const Box& box, const TextWidth& width) {
  const float avail = box.x1 - box.x0 - 2 * text_pad;
  if (width(status) <= avail) return status;
  // Its parts are joined by ", " and the first matters most (the state, then its back-off, then
  // the restarts): whole parts and ".." for the rest, then whole words, not a back-off cut to
  // "0.1.." that reads as another number. Only a first word too wide itself loses its end.
  std::string head = status;
  for (const char* sep : {", ", " "})
    for (size_t cut = head.rfind(sep); cut != std::string::npos && cut > 0; cut = head.rfind(sep)) {
      head.resize(cut);
      if (width(head + "..") <= avail) return head + "..";
    }
  return elide_back(status, avail, width);
}

namespace {

// Links from the left column up to the top row (the resolver's queries to the DNS servers) pass
// above the hosts: a host whose left edge is at x starts below where the lowest of them crosses it.
float below_links(const TraceIndex& ix, const CanvasLayout& out, float x, float y0) {
  float top = y0;
  for (const Link& l : ix.links) {
    const NodePlace *pa = &out.nodes[raw(l.a)], *pb = &out.nodes[raw(l.b)];
    if (ix.nodes[raw(l.a)].host >= 0 || ix.nodes[raw(l.b)].host >= 0 || !pa->drawn || !pb->drawn) continue;
    if (pa->shape.x0 > pb->shape.x0) std::swap(pa, pb);
    const float ax = (pa->shape.x0 + pa->shape.x1) / 2, ay = (pa->shape.y0 + pa->shape.y1) / 2;
    const float bx = (pb->shape.x0 + pb->shape.x1) / 2, by = (pb->shape.y0 + pb->shape.y1) / 2;
    if (ax >= x || bx <= x) continue;
    top = std::max(top, ay + (by - ay) * (x - ax) / (bx - ax) + gap);
  }
  return top;
}

CanvasLayout layout_parts(const Model& m, float width, float height, const Measure& me) {
  const TraceIndex& ix = m.index;
  const float line_h = me.line;
  const TextWidth& text_width = me.tw;
  CanvasLayout out;
  out.nodes.resize(ix.nodes.size());
  out.hosts.resize(m.scenario.hosts.size());
  // A narrow canvas (a 1024-pixel window) puts the legend on two lines rather than cutting it off.
  float legend_x = 0;
  for (size_t i = 0; i < legend_labels(me.words).size(); ++i) {
    legend_x += legend_item_width(text_width(legend_labels(me.words)[i]), line_h);
    if (legend_x > width - 2 * margin && out.legend_break == 0 && i > 0) {
      out.legend_break = i;
      legend_x = legend_item_width(text_width(legend_labels(me.words)[i]), line_h);
    }
  }
  const float legend_lines = out.legend_break ? 2.0f : 1.0f;
  out.legend = Box{margin, height - line_h * legend_lines - 6, width - margin, height - 2};
  std::vector<size_t> top, left;
  std::vector<Group> groups;
  auto group_of = [&](int host) -> Group& {
    for (Group& g : groups)
      if (g.host == host) return g;
    groups.push_back(Group{host, {}, {}, {}});
    return groups.back();
  };
  for (size_t k = 0; k < ix.nodes.size(); ++k) {
    const NodeInfo& n = ix.nodes[k];
    if (n.role == NodeRole::host) continue;
    if (on_top_row(n))
      top.push_back(k);
    else if (on_left(n))
      left.push_back(k);
    else if (n.role == NodeRole::proxy)
      group_of(n.host).proxies.push_back(k);
    else if (n.role == NodeRole::worker)
      group_of(n.host).workers.push_back(k);
    else
      group_of(n.host).others.push_back(k);
  }
  // Resolvers first in the left column, then clients; workers in name order.
  std::stable_partition(left.begin(), left.end(), [&](size_t k) { return ix.nodes[k].role == NodeRole::resolver; });
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.host < b.host; });
  for (Group& g : groups) {
    std::sort(g.workers.begin(), g.workers.end(),
              [&](size_t a, size_t b) { return ix.nodes[a].name < ix.nodes[b].name; });
    if (me.stack) stack_workers(g, ix, out, me.units);
    if ((me.stack && !me.units) || me.compact) find_one_unit(g, ix);
  }

  const float y0 = layout_top(top, ix, me, width, out);
  const float y1 = out.legend.y0 - 6;
  float x0 = layout_left(left, ix, me, y0, y1, out) + 2 * gap;
  if (groups.empty()) return out;
  // A host that holds the proxy and nothing else (the edge) gets a column of its own; the other
  // hosts share the rest in a grid.
  std::vector<const Group*> rest;
  const Group* edge = nullptr;
  for (const Group& g : groups)
    if (!edge && !g.proxies.empty() && g.workers.empty() && groups.size() > 1)
      edge = &g;
    else
      rest.push_back(&g);
  const Box area{x0, below_links(ix, out, x0, y0), width - margin, y1};
  if (!edge) {
    tile(rest, m, me, area, out);
    return out;
  }
  float ew = proxy_w(*edge, m, me) + 2 * gap;
  if (edge->host >= 0) {
    const HostSpec& h = m.scenario.hosts[static_cast<size_t>(edge->host)];
    ew = std::max(ew, me.width(fmt::format(fmt::runtime(me.words.host_title), h.name, h.ip)) + 12);
  }
  const float eh = header_h(*edge, me) + static_cast<float>(m.scenario.certificates.size() + 1) * line_h +
                   2 * me.r(NodeRole::proxy) + ring_clear + 6;
  if (me.edge_column) {
    // The clients in a row no wider than the edge's frame, names under them; or one under the
    // other with their names beside them (a Korean resolver's "resolver (...)" is wider).
    const auto client_w = [&](size_t k) {
      return std::max(2 * me.r(ix.nodes[k].role), me.width(node_label(ix.nodes[k], me.words)));
    };
    float cw = proxy_w(*edge, m, me) + 12, row_w = -gap;
    for (size_t k : left) row_w += client_w(k) + gap;
    const bool beside = row_w > cw;
    for (size_t k : left) cw = std::max(cw, beside ? 2 * me.r(ix.nodes[k].role) + 4 + client_w(k) : client_w(k));
    float x = margin, y = y0;
    for (size_t k : left) {
      NodePlace& p = out.nodes[k];
      const float r = me.r(ix.nodes[k].role), w = client_w(k);
      if (beside) {
        place(p, ix.nodes[k], margin + r, y + r, me);
        p.name = Box{p.shape.x1 + 4, p.y - line_h * 0.5f, p.shape.x1 + 4 + me.width(p.label), p.y + line_h * 0.5f};
        y = p.shape.y1 + 4;
        continue;
      }
      place(p, ix.nodes[k], x + w * 0.5f, y + r, me);
      p.name = centred(p.x, p.shape.y1 + 2, me.width(p.label), line_h);
      x += w + gap;
    }
    if (!left.empty() && !beside) y += 2 * me.r(NodeRole::client) + 2 + line_h;
    layout_group(*edge, m, me, Box{margin, left.empty() ? y0 : y + gap, margin + cw, y1}, out);
    const float gx = margin + cw + gap;
    tile(rest, m, me, Box{gx, below_links(ix, out, gx, y0), width - margin, y1}, out);
    return out;
  }
  if (me.bands) {
    // The clients' column only as tall as the edge's band; the edge centred in the room beside it
    // (its links fan out evenly to the hosts below), below the resolver's links to the top row.
    const float slot = 2 * me.r(NodeRole::client) + 4 + line_h;
    const float band = y0 + std::max(eh, slot * static_cast<float>(left.size()));
    x0 = layout_left(left, ix, me, y0, band, out) + 2 * gap;
    ew = std::min(ew, width - margin - x0);
    const float ex0 = std::max(x0, (x0 + width - margin - ew) * 0.5f);
    const float etop = below_links(ix, out, ex0, y0);
    const float band_end = std::max(band, etop + eh);
    if (band_end > band) layout_left(left, ix, me, y0, band_end, out);
    layout_group(*edge, m, me, Box{ex0, etop, ex0 + ew, etop + eh}, out);
    tile(rest, m, me, Box{margin, band_end + gap, width - margin, y1}, out);
    return out;
  }
  if (me.edge_top) {  // a row of its own above the others, which then get the whole width
    layout_group(*edge, m, me, Box{area.x0, area.y0, area.x0 + ew, area.y0 + eh}, out);
    tile(rest, m, me, Box{area.x0, area.y0 + eh + gap, area.x1, area.y1}, out);
    return out;
  }
  layout_group(*edge, m, me, Box{area.x0, area.y0, area.x0 + ew, area.y1}, out);
  tile(rest, m, me, Box{area.x0 + ew + 2 * gap, area.y0, area.x1, area.y1}, out);
  return out;
}

// Each padlock at the first place along its link (from the middle outwards, on either side of
// the line) that no label, node or earlier padlock covers; in the middle when there is none.
void place_locks(const TraceIndex& ix, float width, float height, CanvasLayout& out) {
  out.locks.assign(ix.links.size(), {});
  const Box canvas{0, 0, width, height};
  std::vector<Box> taken = out.labels();
  for (const NodePlace& p : out.nodes)
    if (p.drawn) taken.push_back(p.shape);
  for (size_t i = 0; i < ix.links.size(); ++i) {
    const size_t a = raw(ix.links[i].a), b = raw(ix.links[i].b);
    if (out.shown(a) != a || out.shown(b) != b || !out.nodes[a].drawn || !out.nodes[b].drawn) continue;
    const auto has = [&](NodeRole r) { return ix.nodes[a].role == r || ix.nodes[b].role == r; };
    if (!has(NodeRole::proxy) || !(has(NodeRole::client) || has(NodeRole::worker))) continue;
    const NodePlace &pa = out.nodes[a], &pb = out.nodes[b];
    const float dx = pb.x - pa.x, dy = pb.y - pa.y, len = std::max(1.0f, std::hypot(dx, dy));
    // The side of the line that is up (or left, for a vertical link) first.
    float nx = -dy / len * 12, ny = dx / len * 12;
    if (ny > 0 || (ny == 0 && nx > 0)) nx = -nx, ny = -ny;
    LockPlace& lock = out.locks[i];
    for (int step = 0; step <= 14 && !lock.drawn; ++step) {  // 0.5, 0.45, 0.55, 0.4, ... 0.15, 0.85
      const float f = 0.5f + 0.05f * static_cast<float>((step + 1) / 2) * (step % 2 ? -1.0f : 1.0f);
      for (const float side : {1.0f, -1.0f, 0.0f}) {
        const float x = pa.x + dx * f + nx * side, y = pa.y + dy * f + ny * side;
        const Box box = lock_box(x, y);
        if (canvas.contains(box) &&
            std::none_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(box); })) {
          lock = LockPlace{true, x, y, box};
          break;
        }
      }
    }
    if (!lock.drawn) {
      const float x = pa.x + dx * 0.5f + nx, y = pa.y + dy * 0.5f + ny;
      lock = LockPlace{true, x, y, lock_box(x, y)};
    }
    taken.push_back(lock.box);
  }
}

CanvasLayout layout(const Model& m, float width, float height, const Measure& me) {
  CanvasLayout out = layout_parts(m, width, height, me);
  place_locks(m.index, width, height, out);
  return out;
}

}  // namespace

CanvasLayout layout_canvas(const Model& m, float width, float height, float line_h, const TextWidth& text_width,
                           const CanvasWords& words, bool stacked) {
  Measure me{text_width, line_h, words};
  me.stack = stacked;
  return layout(m, width, height, me);
}

namespace {

// Whether every label and shape stays on the canvas, apart from the others, and each host's frame
// holds its own processes and no other's.
bool fits(const CanvasLayout& lay, const TraceIndex& ix, float width, float height) {
  const Box canvas{0, 0, width, height};
  std::vector<Box> texts = lay.labels(), shapes;
  for (const NodePlace& p : lay.nodes)
    if (p.drawn) shapes.push_back(p.shape);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!canvas.contains(texts[i])) return false;
    for (size_t j = i + 1; j < texts.size(); ++j)
      if (texts[i].overlaps(texts[j])) return false;
    for (const Box& s : shapes)
      if (texts[i].overlaps(s)) return false;
  }
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!canvas.contains(shapes[i])) return false;
    for (size_t j = i + 1; j < shapes.size(); ++j)
      if (shapes[i].overlaps(shapes[j])) return false;
  }
  for (size_t h = 0; h < lay.hosts.size(); ++h) {
    const Box& frame = lay.hosts[h].frame;
    if (frame.empty()) continue;
    for (size_t o = h + 1; o < lay.hosts.size(); ++o)
      if (frame.overlaps(lay.hosts[o].frame)) return false;
    for (size_t k = 0; k < lay.nodes.size(); ++k) {
      const NodePlace& p = lay.nodes[k];
      if (!p.drawn) continue;
      const bool own = ix.nodes[k].host == static_cast<int>(h);
      if (own != (frame.contains(p.shape) && frame.contains(p.name))) return false;
      if (!own && (frame.overlaps(p.shape) || frame.overlaps(p.name))) return false;
    }
  }
  return true;
}

}  // namespace

CanvasLayout layout_canvas_fitted(const Model& m, float width, float height, float line_h, const TextWidth& text_width,
                                  const CanvasWords& words) {
  CanvasLayout lay;
  float k = 1.0f;
  const TextWidth scaled = [&](const std::string& s) { return text_width(s) * k; };
  // Every worker down to 0.8; then stacked workers down to 0.8 (stacking changes nothing when no
  // service has two workers on a host); then both again in the other arrangements, from the
  // roomiest for the labels: the proxy's host as a row on top; as a band beside the clients with
  // the other hosts in a row under both (a multi-host scenario at 1024x768); then each with
  // one-line host headers; then the proxy's host under the clients with each host's workers
  // packed tight (lesson 12's four nodes at 1024x768); then the smaller texts, each way.
  struct Way {
    bool edge_top, bands, compact, edge_column = false, tight = false;
  };
  constexpr Way ways[] = {{false, false, false},
                          {true, false, false},
                          {false, true, false},
                          {false, false, true},
                          {true, false, true},
                          {false, true, true},
                          {false, false, true, true, true}};
  // stack: 0 none, 1 each service's workers, 2 each unit's processes (a pod: its manager too).
  const auto attempt = [&](float scale, int stack, size_t way_count) {
    k = scale;
    for (size_t i = 0; i < way_count; ++i) {
      Measure me{scaled, line_h * k, words};
      me.stack = stack > 0;
      me.units = stack > 1;
      me.edge_top = ways[i].edge_top;
      me.bands = ways[i].bands;
      me.compact = ways[i].compact;
      me.edge_column = ways[i].edge_column;
      me.tight = ways[i].tight;
      lay = layout(m, width, height, me);
      lay.text_scale = k;
      if ((stack ? lay.stacked : true) && fits(lay, m.index, width, height)) return true;
    }
    return false;
  };
  for (const size_t way_count : {size_t{1}, std::size(ways)})
    for (const int stack : {0, 1})
      for (const float scale : {1.0f, 0.9f, 0.8f})
        if (attempt(scale, stack, way_count)) return lay;
  for (const float scale : {0.7f, 0.6f})
    if (attempt(scale, 0, std::size(ways)) || attempt(scale, 1, std::size(ways))) return lay;
  // A pod's manager and workers as one node, rather than texts below 0.6.
  for (const float scale : {0.8f, 0.7f, 0.6f})
    if (attempt(scale, 2, std::size(ways))) return lay;
  // Still too crowded at the smallest scale: each unit's processes stacked, the nodes smaller, and
  // the names that do not fit their column shortened, in the arrangement that shortens them least.
  k = min_canvas_text_scale;
  size_t best_chars = 0;
  CanvasLayout best;
  for (const Way& way : ways) {
    Measure me{scaled, line_h * k, words, true, 0.75f};
    me.stack = true;
    me.units = true;
    me.edge_top = way.edge_top;
    me.bands = way.bands;
    me.compact = way.compact;
    lay = layout(m, width, height, me);
    size_t chars = 0;
    for (const NodePlace& p : lay.nodes) chars += p.drawn ? p.label.size() : 0;
    if (chars > best_chars) best_chars = chars, best = std::move(lay);
  }
  lay = std::move(best);
  lay.text_scale = k;
  return lay;
}

}  // namespace deploysim::gui
