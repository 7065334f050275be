// Topology canvas. Dense traffic is drawn as aggregated flows per link and stage (level of
// detail): on llvmpipe nearly all of a frame is pixel fill, so 10,000 separate packets would
// cost ~190 ms a frame where one thick flow line with a few moving markers costs well under 1 ms.
#include <algorithm>
#include <cmath>
#include <map>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "gui/run/layout.hpp"
#include "gui/run/state_at.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/panels/panels.hpp"
#include "gui/platform/imgui_compat.hpp"

namespace deploysim::gui {

namespace {

constexpr uint32_t individual_limit = 12;         // beyond this many on one link and stage: a flow
constexpr uint32_t total_individual_limit = 200;  // beyond this many on the canvas: all flows

struct Canvas {
  ImDrawList* dl;
  ImVec2 origin, size;
  float zoom;
  ImVec2 pan;
  const CanvasLayout* layout;
  const CanvasWords* words;  // in the chosen language
  // Layout pixels (zoom 1, no pan) to screen pixels: zoom about the canvas centre, then pan.
  ImVec2 at(float x, float y) const {
    const ImVec2 c(size.x * 0.5f, size.y * 0.5f);
    return ImVec2(origin.x + c.x + pan.x + (x - c.x) * zoom, origin.y + c.y + pan.y + (y - c.y) * zoom);
  }
  ImVec2 node(size_t k) const { return at(layout->nodes[k].x, layout->nodes[k].y); }
  // A label box that belongs to node k: it keeps its offset from the node at every zoom.
  ImVec2 beside(size_t k, const Box& b) const {
    const NodePlace& p = layout->nodes[k];
    const ImVec2 c = node(k);
    return ImVec2(c.x + (b.x0 - p.x), c.y + (b.y0 - p.y));
  }
};

ImVec2 lerp(ImVec2 a, ImVec2 b, float f) { return ImVec2(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f); }

void draw_lock(ImDrawList* dl, ImVec2 c, float s, bool closed, ImU32 col) {
  const ImVec2 body0(c.x - s, c.y - s * 0.2f), body1(c.x + s, c.y + s * 1.1f);
  dl->AddRectFilled(body0, body1, col);
  // Few segments and a whole-pixel stroke: a dense canvas has a lock on every client link.
  const float r = s * 0.65f, stroke = std::max(1.0f, std::round(s * 0.35f));
  const ImVec2 arc_c(closed ? c.x : c.x + s * 0.9f, c.y - s * 0.2f);
  dl->PathArcTo(arc_c, r, 3.14159f, 2 * 3.14159f, 6);
  dl->PathStroke(col, 0, stroke);
  if (!closed) dl->AddLine(ImVec2(arc_c.x - r, arc_c.y), ImVec2(arc_c.x - r, arc_c.y + s * 0.25f), col, stroke);
}

// Text on a dark plate; `at` is the top-left of its layout box (text inset by the padding).
void label(ImDrawList* dl, ImVec2 at, ImU32 col, const std::string& text) {
  const ImVec2 s = ImGui::CalcTextSize(text.c_str());
  dl->AddRectFilled(at, ImVec2(at.x + s.x + 6, at.y + s.y), IM_COL32(0, 0, 0, 170));  // square: 2 triangles, not ~50
  dl->AddText(ImVec2(at.x + 3, at.y), col, text.c_str());
}

// Where each legend item starts (its mark's left, its line's top), one or two lines along the
// canvas's bottom, and where its last line ends.
struct LegendPlaces {
  std::vector<ImVec2> items;
  float line_end = 0;
};

LegendPlaces legend_places(const Canvas& cv) {
  LegendPlaces out;
  const float line = ImGui::GetTextLineHeight();
  float x = cv.origin.x + cv.layout->legend.x0;
  float y = cv.origin.y + cv.layout->legend.y0;
  const std::vector<std::string>& labels = legend_labels(*cv.words);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0 && i == cv.layout->legend_break) x = cv.origin.x + cv.layout->legend.x0, y += line;
    out.items.emplace_back(x, y);
    x += legend_item_width(ImGui::CalcTextSize(labels[i].c_str()).x, line);
  }
  out.line_end = x;
  return out;
}

void draw_hosts(const Model& m, const Canvas& cv, int64_t t) {
  for (size_t h = 0; h < m.scenario.hosts.size(); ++h) {
    const HostPlace& hp = cv.layout->hosts[h];
    if (hp.frame.empty()) continue;
    const ImVec2 lo = cv.at(hp.frame.x0, hp.frame.y0), hi = cv.at(hp.frame.x1, hp.frame.y1);
    const HostSpec& host = m.scenario.hosts[h];
    cv.dl->AddRectFilled(lo, hi, IM_COL32(40, 48, 64, 255), 8.0f);
    cv.dl->AddRect(lo, hi, IM_COL32(120, 140, 180, 255), 8.0f, 0, 1.5f);
    const ImVec2 title = ImVec2(lo.x + (hp.title.x0 - hp.frame.x0), lo.y + (hp.title.y0 - hp.frame.y0));
    cv.dl->PushClipRect(lo, hi, true);
    cv.dl->AddText(ImVec2(title.x + 3, title.y), IM_COL32(200, 210, 230, 255), hp.label.c_str());
    cv.dl->PopClipRect();
    if (hp.memory.empty()) continue;  // no workers on it: the model counts no memory there
    const uint64_t used = host_memory_at(m, h, t);
    const float frac = host.memory ? std::min(1.0f, static_cast<float>(used) / static_cast<float>(host.memory)) : 0;
    const ImVec2 b0(lo.x + (hp.memory.x0 - hp.frame.x0), lo.y + (hp.memory.y0 - hp.frame.y0));
    const ImVec2 b1(b0.x + (hp.memory.x1 - hp.memory.x0), b0.y + (hp.memory.y1 - hp.memory.y0));
    cv.dl->AddRectFilled(b0, b1, IM_COL32(30, 30, 30, 255), 3);
    const ImU32 bar = outcome_color(frac > 0.9f ? Outcome::failure : frac > 0.7f ? Outcome::warning : Outcome::ok);
    cv.dl->AddRectFilled(b0, ImVec2(b0.x + (b1.x - b0.x) * frac, b1.y), bar, 3);
    // The figure inside its bar, as a progress bar shows it: centred, with a shadow so that it
    // reads on the green, yellow or vermillion fill as on the dark track.
    // Narrow hosts (four in a row) get the shorter forms.
    std::string mem;
    for (const std::string& form :
         {fmt::format("RAM {} / {}", format_bytes(used), format_bytes(host.memory)),
          fmt::format("{} / {}", format_bytes(used), format_bytes(host.memory)), format_bytes(used)})
      if (mem = form; ImGui::CalcTextSize(mem.c_str()).x + 8 <= b1.x - b0.x) break;
    const ImVec2 ts = ImGui::CalcTextSize(mem.c_str());
    const ImVec2 tp(std::max(b0.x + 4, (b0.x + b1.x - ts.x) * 0.5f), (b0.y + b1.y - ts.y) * 0.5f);
    cv.dl->PushClipRect(b0, b1, true);
    cv.dl->AddText(ImVec2(tp.x + 1, tp.y + 1), IM_COL32(0, 0, 0, 220), mem.c_str());
    cv.dl->AddText(tp, IM_COL32(255, 255, 255, 255), mem.c_str());
    cv.dl->PopClipRect();
  }
}

void draw_links(const Model& m, const Canvas& cv, int64_t t) {
  const auto& nodes = m.index.nodes;
  for (size_t i = 0; i < m.index.links.size(); ++i) {
    const Link& l = m.index.links[i];
    // A stacked node's workers share its links: each is drawn once, from the worker the node shows.
    const size_t sa = cv.layout->shown(raw(l.a)), sb = cv.layout->shown(raw(l.b));
    if ((sa != raw(l.a) || sb != raw(l.b)) || !cv.layout->nodes[sa].drawn || !cv.layout->nodes[sb].drawn) continue;
    cv.dl->AddLine(cv.node(sa), cv.node(sb), IM_COL32(110, 110, 120, 255), 1.0f);
    const LockPlace& lock = cv.layout->locks[i];
    if (lock.drawn && t > 0) {
      // Client <-> proxy carries TLS (encrypted); proxy <-> worker carries plain HTTP.
      const bool client_end = nodes[sa].role == NodeRole::client || nodes[sb].role == NodeRole::client;
      draw_lock(cv.dl, cv.at(lock.x, lock.y), lock_size, client_end,
                client_end ? IM_COL32(255, 210, 60, 255) : IM_COL32(255, 120, 90, 255));
    }
  }
}

struct FlowKey {
  uint32_t from, to;
  Stage stage;
  bool failed;
  auto operator<=>(const FlowKey&) const = default;
};

struct Flow {
  std::vector<float> fractions;  // in flight now, along the link
  uint32_t in_flight = 0;
  int64_t last_end = INT64_MIN;  // most recent arrival within the trail window
  uint32_t sample = UINT32_MAX;  // a record to select when clicked
};

void draw_packets(const Model& m, const Canvas& cv, UiState& ui, Commands& commands, float trail_ns) {
  const Trace& trace = m.run.trace;
  const int64_t t = ui.t_ns;
  const auto trail = static_cast<int64_t>(trail_ns);
  std::map<FlowKey, Flow> flows;
  m.index.for_messages(t - trail, t, trace, [&](uint32_t i) {
    const Record& r = trace[i];
    if (!(ui.settings.stage_filter & stage_bit(r.stage))) return;
    // Traffic to any worker of a stacked node flows to that node.
    Flow& f = flows[FlowKey{static_cast<uint32_t>(cv.layout->shown(raw(r.from))),
                            static_cast<uint32_t>(cv.layout->shown(raw(r.to))), r.stage, r.reports_failure}];
    if (r.t_ns <= t && t < r.t_ns + r.dur_ns) {
      ++f.in_flight;
      if (f.fractions.size() <= individual_limit)
        f.fractions.push_back(static_cast<float>(t - r.t_ns) / static_cast<float>(std::max<int64_t>(1, r.dur_ns)));
      if (f.sample == UINT32_MAX) f.sample = i;
    } else {
      f.last_end = std::max(f.last_end, r.t_ns + r.dur_ns);
      if (f.sample == UINT32_MAX) f.sample = i;
    }
  });
  // Level of detail over the whole canvas: past a few hundred packets every link becomes a flow.
  uint32_t total = 0;
  for (const auto& [key, f] : flows) total += f.in_flight;
  const uint32_t limit = total > total_individual_limit ? 0 : individual_limit;
  // Past a dozen flows their count labels would cover each other: one total for the canvas.
  const bool many_flows = flows.size() > 12;
  if (many_flows && total > 0) {
    // On the legend's last line, right-aligned, when it has room there; above the legend, over the
    // hosts' frames, only when it has not (a narrow canvas).
    const std::string summary = fmt::format(fmt::runtime(cv.words->in_flight_total), total, flows.size());
    const ImVec2 ts = ImGui::CalcTextSize(summary.c_str());
    const LegendPlaces legend = legend_places(cv);
    const float x = cv.origin.x + cv.layout->legend.x1 - ts.x - 6;
    const bool beside = x >= legend.line_end;
    label(cv.dl, ImVec2(x, beside ? legend.items.back().y : cv.origin.y + cv.layout->legend.y0 - ts.y - 4),
          IM_COL32(255, 255, 255, 255), summary);
  }
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  float best_d = 10.0f;
  uint32_t hit = UINT32_MAX;
  // Flows of one direction of a link (consecutive in the map) lie side by side, each in its lane.
  std::pair<uint32_t, uint32_t> lane_link{UINT32_MAX, UINT32_MAX};
  float lane_at = 0;
  for (const auto& [key, f] : flows) {
    if (!cv.layout->nodes[key.from].drawn || !cv.layout->nodes[key.to].drawn) continue;
    const ImVec2 pa = cv.node(key.from), pb = cv.node(key.to);
    const ImU32 col = key.failed ? failure_color() : stage_color(key.stage);
    // An integer width keeps ImGui on its one-quad textured anti-aliased line (a fractional width
    // builds fringe polygons). Flows stay thin: on llvmpipe their pixels are most of the canvas.
    const bool aggregated = f.in_flight > limit;
    const float width =
        aggregated ? std::round(std::clamp(1.0f + 1.5f * std::log2(static_cast<float>(f.in_flight)), 2.0f, 6.0f))
                   : 2.0f;
    if (lane_link != std::pair(key.from, key.to)) lane_link = {key.from, key.to}, lane_at = 2.0f;
    // Requests and replies on either side of the link, stages next to each other.
    const ImVec2 d(pb.x - pa.x, pb.y - pa.y);
    const float len = std::max(1.0f, std::sqrt(d.x * d.x + d.y * d.y));
    const float shift = lane_at + width * 0.5f;
    lane_at += width + 1.0f;
    const ImVec2 off(-d.y / len * shift, d.x / len * shift);
    const ImVec2 a(pa.x + off.x, pa.y + off.y), b(pb.x + off.x, pb.y + off.y);
    if (f.in_flight == 0) {
      if (!ui.settings.show_trails || trail <= 0) continue;
      const float age = static_cast<float>(t - f.last_end) / static_cast<float>(trail);
      cv.dl->AddLine(a, b, key.failed ? failure_color(0.8f - 0.7f * age) : stage_color(key.stage, 0.8f - 0.7f * age),
                     3.0f);
      continue;
    }
    if (aggregated) {
      // A few markers show direction and motion.
      cv.dl->AddLine(a, b, key.failed ? failure_color(0.55f) : stage_color(key.stage, 0.55f), width);
      const float phase = static_cast<float>(std::fmod(static_cast<double>(t) / 2e7, 1.0));
      for (int k = 0; k < (many_flows ? 1 : 3); ++k) {
        const ImVec2 p = lerp(a, b, std::fmod(phase / 3.0f + static_cast<float>(k) / 3.0f, 1.0f));
        if (key.failed)
          draw_failure_mark(cv.dl, p, width * 0.6f + 3.0f, col);
        else
          cv.dl->AddCircleFilled(p, width * 0.6f + 1.5f, col, 8);
      }
      if (!many_flows) {
        const std::string label = fmt::format(fmt::runtime(cv.words->in_flight), f.in_flight);
        const ImVec2 mid = lerp(a, b, 0.5f), ts = ImGui::CalcTextSize(label.c_str());
        cv.dl->AddRectFilled(ImVec2(mid.x + 6, mid.y + 4), ImVec2(mid.x + 14 + ts.x, mid.y + 6 + ts.y),
                             IM_COL32(0, 0, 0, 200), 3);
        cv.dl->AddText(ImVec2(mid.x + 10, mid.y + 6), col, label.c_str());
      }
      continue;
    }
    cv.dl->AddLine(a, b, key.failed ? failure_color(0.35f) : stage_color(key.stage, 0.35f), width);
    for (float fr : f.fractions) {
      const ImVec2 p = lerp(a, b, fr);
      if (key.failed) {
        draw_failure_mark(cv.dl, p, 7.0f, col);
      } else {
        cv.dl->AddCircleFilled(p, 7.0f, col, 12);
        cv.dl->AddCircle(p, 7.0f, IM_COL32(0, 0, 0, 255), 12, 1.5f);
      }
      const float dx = p.x - mouse.x, dy = p.y - mouse.y;
      const float dist = std::sqrt(dx * dx + dy * dy);
      if (dist < best_d) best_d = dist, hit = f.sample;
    }
  }
  if (hit != UINT32_MAX && ImGui::IsWindowHovered()) {
    const Record& r = trace[hit];
    ImGui::SetTooltip("%s  %s -> %s", ui.words.record(trace.kind(r)).c_str(),
                      std::string(trace.node_name(r.from)).c_str(), std::string(trace.node_name(r.to)).c_str());
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) commands.post(RequestSelect{static_cast<RecordId>(hit)});
  }
}

// A stacked node's workers at the playhead: how many are in each state ("running ×3, crashed ×1"),
// their restarts, and the colour of the first that is not running.
struct StackView {
  std::string status;
  ImU32 color = 0;
};

StackView stack_view_at(const Model& m, const NodePlace& place, const UiState& ui, const CanvasWords& w,
                        bool count = true) {
  const std::vector<size_t>& stack = place.stack;
  const StackState st = stack_state_at(m, stack, ui.t_ns, ui.words);
  StackView v{.status = {}, .color = st.color};
  // All of the stack in one state: its label already says how many ("api-5 ×5"), so the state
  // alone ("running"), which a narrow column then shows whole; unless the label is the name alone.
  const bool one_state =
      st.counts.size() == 1 && st.counts.front().second == stack.size() && !(place.count_in_status && count);
  for (const auto& [label, n] : st.counts) {
    const std::string& state = label.empty() ? w.backing_off : label;
    v.status +=
        (v.status.empty() ? "" : ", ") + (one_state ? state : fmt::format(fmt::runtime(w.stack_state), state, n));
  }
  if (st.restarts) v.status += fmt::format(fmt::runtime(st.restarts == 1 ? w.restart_one : w.restarts), st.restarts);
  return v;
}

void draw_nodes(const Model& m, const Canvas& cv, const UiState& ui) {
  const Trace& trace = m.run.trace;
  // Not an optional<Record>: GCC 12 at -O2 took its members for uninitialized (-Wmaybe-uninitialized).
  const bool has_sel = ui.selected != RecordId::none && raw(ui.selected) < trace.size();
  const Record sel = has_sel ? trace.at(ui.selected) : Record{};
  for (size_t k = 0; k < m.index.nodes.size(); ++k) {
    const NodeInfo& n = m.index.nodes[k];
    const NodePlace& place = cv.layout->nodes[k];
    if (!place.drawn) continue;
    const ImVec2 p = cv.node(k);
    ImU32 fill = IM_COL32(60, 70, 90, 255);
    std::string status;
    if (n.role == NodeRole::worker && place.stack.size() > 1) {
      const StackView sv = stack_view_at(m, place, ui, *cv.words);
      fill = sv.color;
      status = sv.status;
      // "no pod yet" rather than "no pod yet ×..": the number alone is what a narrow column drops.
      if (place.count_in_status && ImGui::CalcTextSize(status.c_str()).x + 6 > place.status.x1 - place.status.x0)
        status = stack_view_at(m, place, ui, *cv.words, false).status;
    } else if (n.role == NodeRole::worker) {
      const ProcView pv = proc_state_at(m, n, ui.t_ns, ui.words);
      fill = pv.color;
      const int64_t backoff = pv.next_restart_ns > ui.t_ns ? pv.next_restart_ns - ui.t_ns : 0;
      if (pv.known || pv.restarts)
        status = status_label(backoff > 0 && pv.label.empty() ? cv.words->backing_off : pv.label, backoff, pv.restarts,
                              *cv.words);
    }
    const float r = place.r;
    if (place.stack.size() > 1)  // the cards behind it say that it stands for several workers
      for (float d : {4.0f, 2.0f})
        cv.dl->AddRect(ImVec2(p.x - r + d, p.y - r * 0.8f - d), ImVec2(p.x + r + d, p.y + r * 0.8f - d),
                       IM_COL32(200, 210, 230, 200), 4.0f, 0, 1.0f);
    if (n.role == NodeRole::proxy || n.role == NodeRole::worker)
      cv.dl->AddRectFilled(ImVec2(p.x - r, p.y - r * 0.8f), ImVec2(p.x + r, p.y + r * 0.8f), fill, 4.0f);
    else
      cv.dl->AddCircleFilled(p, r, fill, 20);
    bool selected = false;
    const size_t self[] = {k};
    for (size_t member : place.stack.empty() ? std::span<const size_t>(self) : std::span<const size_t>(place.stack)) {
      const NodeId id = static_cast<NodeId>(member);
      selected = selected || (has_sel && (sel.from == id || sel.to == id || sel.actor == id));
    }
    if (selected) cv.dl->AddCircle(p, r + 6, IM_COL32(255, 255, 255, 255), 24, 2.5f);
    label(cv.dl, cv.beside(k, place.name), IM_COL32(235, 235, 235, 255), place.label);
    if (!status.empty()) {
      label(cv.dl, cv.beside(k, place.status), fill,
            fit_status(status, place.status, [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }));
    }
    for (size_t c = 0; c < place.certs.size() && c < m.scenario.certificates.size(); ++c) {
      const CertificateSpec& cert = m.scenario.certificates[c];
      const auto left = cert_days_left_at(m, cert.domain, ui.t_ns);
      if (!left) continue;
      label(cv.dl, cv.beside(k, place.certs[c]),
            outcome_color(*left * 86400 < 0.5 ? Outcome::failure  // "EXPIRED", as cert_label says
                          : *left < 10        ? Outcome::warning
                                              : Outcome::ok),
            cert_label(cert.domain, *left, *cv.words));
    }
  }
}

void draw_legend(const Canvas& cv) {
  const Stage stages[] = {Stage::dns, Stage::tcp, Stage::tls, Stage::http, Stage::proxy};
  const float line = ImGui::GetTextLineHeight(), dot = line * 0.35f;
  const std::vector<std::string>& labels = legend_labels(*cv.words);
  const LegendPlaces places = legend_places(cv);
  // On a plate, as the labels are: a zoomed or panned canvas draws hosts and links under it.
  float right = places.line_end;
  if (cv.layout->legend_break)
    right = std::max(right,
                     places.items[cv.layout->legend_break - 1].x +
                         legend_item_width(ImGui::CalcTextSize(labels[cv.layout->legend_break - 1].c_str()).x, line));
  cv.dl->AddRectFilled(ImVec2(places.items.front().x - 4, places.items.front().y),
                       ImVec2(right - line * 0.8f + 4, places.items.back().y + line), IM_COL32(0, 0, 0, 170));
  for (size_t i = 0; i < labels.size(); ++i) {
    const float x = places.items[i].x, y = places.items[i].y;
    const ImVec2 mark(x + dot, y + line * 0.5f);
    if (i < std::size(stages))
      cv.dl->AddCircleFilled(mark, dot, stage_color(stages[i]), 12);
    else if (i == std::size(stages))
      draw_failure_mark(cv.dl, mark, dot * 1.3f, failure_color());
    else  // its body's left edge under the dots' (an open shackle swings right, clear of the text)
      draw_lock(cv.dl, ImVec2(x + dot * 0.8f, y + line * 0.45f), dot * 0.8f, i == std::size(stages) + 1,
                i == std::size(stages) + 1 ? IM_COL32(255, 210, 60, 255) : IM_COL32(255, 120, 90, 255));
    cv.dl->AddText(ImVec2(x + 2.5f * dot, y), IM_COL32(220, 220, 220, 255), labels[i].c_str());
  }
}

}  // namespace

void draw_topology(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Model& m = ctx.model;
  const float base = ui.settings.presenter ? presenter_canvas_scale : 1.0f;
  const ImVec2 size = ImGui::GetContentRegionAvail();
  if (size.x < 50 || size.y < 50) return;
  const CanvasWords& words = ui.canvas_words;
  CanvasLayout layout;
  {
    const compat::FontScale measure(base);
    layout = layout_canvas_fitted(
        m, size.x, size.y, ImGui::GetTextLineHeight(),
        [](const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }, words);
  }
  // A small canvas (a 1024x768 projector) draws its texts smaller rather than on top of each other.
  const compat::FontScale scale(base * layout.text_scale);
  Canvas cv{ImGui::GetWindowDrawList(),
            ImGui::GetCursorScreenPos(),
            size,
            ui.canvas_zoom,
            ImVec2(ui.canvas_pan_x, ui.canvas_pan_y),
            &layout,
            &words};
  ImGui::InvisibleButton("canvas", cv.size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    ui.canvas_pan_x += ImGui::GetIO().MouseDelta.x;
    ui.canvas_pan_y += ImGui::GetIO().MouseDelta.y;
  }
  if (ImGui::IsItemHovered() && ImGui::GetIO().MouseWheel != 0) {
    ui.canvas_zoom = std::clamp(ui.canvas_zoom * std::pow(1.15f, ImGui::GetIO().MouseWheel), 0.3f, 5.0f);
  }
  if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Right)) {
    ui.canvas_zoom = 1.0f;
    ui.canvas_pan_x = ui.canvas_pan_y = 0;
  }
  cv.dl->PushClipRect(cv.origin, ImVec2(cv.origin.x + cv.size.x, cv.origin.y + cv.size.y), true);
  if (m.index.nodes.empty()) {
    cv.dl->AddText(ImVec2(cv.origin.x + 20, cv.origin.y + 20), IM_COL32(200, 200, 200, 255),
                   ui.tr("canvas.no_scenario").c_str());
  } else {
    draw_hosts(m, cv, ui.t_ns);
    draw_links(m, cv, ui.t_ns);
    // Trails cover the last half second of wall time at the current speed, so fast playback
    // still shows where traffic went between two frames.
    const float trail = static_cast<float>(std::max(0.0, ui.settings.speed * 0.5e9));
    draw_packets(m, cv, ui, commands, ui.playing ? trail : 0.0f);
    draw_nodes(m, cv, ui);
    draw_legend(cv);
  }
  cv.dl->PopClipRect();
}

}  // namespace deploysim::gui
