// Topology canvas. Dense traffic is drawn as aggregated flows per link and stage (level of
// detail): on llvmpipe nearly all of a frame is pixel fill, so 10,000 separate packets would
// cost ~190 ms a frame where one thick flow line with a few moving markers costs well under 1 ms.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "../state_at.hpp"
#include "panels.hpp"

namespace deploysim::gui {

namespace {

constexpr uint32_t individual_limit = 12;         // beyond this many on one link and stage: a flow
constexpr uint32_t total_individual_limit = 200;  // beyond this many on the canvas: all flows

struct Canvas {
  ImDrawList* dl;
  ImVec2 origin, size;
  float zoom;
  ImVec2 pan;
  ImVec2 at(float x, float y) const {
    const ImVec2 c(origin.x + size.x * 0.5f, origin.y + size.y * 0.5f);
    return ImVec2(c.x + pan.x + (x - 0.5f) * size.x * zoom, c.y + pan.y + (y - 0.5f) * size.y * zoom);
  }
};

ImVec2 lerp(ImVec2 a, ImVec2 b, float f) { return ImVec2(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f); }

void draw_lock(ImDrawList* dl, ImVec2 c, float s, bool closed, ImU32 col) {
  const ImVec2 body0(c.x - s, c.y - s * 0.2f), body1(c.x + s, c.y + s * 1.1f);
  dl->AddRectFilled(body0, body1, col, s * 0.2f);
  const float r = s * 0.65f;
  const ImVec2 arc_c(closed ? c.x : c.x + s * 0.9f, c.y - s * 0.2f);
  dl->PathArcTo(arc_c, r, 3.14159f, 2 * 3.14159f, 12);
  dl->PathStroke(col, 0, s * 0.35f);
  if (!closed) dl->AddLine(ImVec2(arc_c.x - r, arc_c.y), ImVec2(arc_c.x - r, arc_c.y + s * 0.25f), col, s * 0.35f);
}

void label(ImDrawList* dl, ImVec2 p, ImU32 col, const std::string& text, bool centred = true) {
  const ImVec2 s = ImGui::CalcTextSize(text.c_str());
  const ImVec2 at(centred ? p.x - s.x * 0.5f : p.x, p.y);
  dl->AddRectFilled(ImVec2(at.x - 3, at.y), ImVec2(at.x + s.x + 3, at.y + s.y), IM_COL32(0, 0, 0, 170), 3.0f);
  dl->AddText(at, col, text.c_str());
}

const char* role_label(NodeRole r) {
  switch (r) {
    case NodeRole::client: return "client";
    case NodeRole::resolver: return "resolver";
    case NodeRole::dns_server: return "DNS";
    case NodeRole::proxy: return "TLS proxy";
    case NodeRole::worker: return "worker";
    case NodeRole::supervisor: return "supervisor";
    case NodeRole::ca: return "CA";
    case NodeRole::host: return "host";
    case NodeRole::other: return "";
  }
  return "";
}

void draw_hosts(const Model& m, const Canvas& cv, int64_t t) {
  const auto& nodes = m.index.nodes;
  for (size_t h = 0; h < m.scenario.hosts.size(); ++h) {
    ImVec2 lo(1e9f, 1e9f), hi(-1e9f, -1e9f);
    bool any = false;
    for (const NodeInfo& n : nodes) {
      if (n.host != static_cast<int>(h)) continue;
      const ImVec2 p = cv.at(n.x, n.y);
      lo = ImVec2(std::min(lo.x, p.x), std::min(lo.y, p.y));
      hi = ImVec2(std::max(hi.x, p.x), std::max(hi.y, p.y));
      any = true;
    }
    if (!any) continue;
    const float pad = 48.0f * std::sqrt(cv.zoom);
    const float line = ImGui::GetTextLineHeight();
    lo = ImVec2(lo.x - pad * 2.2f, lo.y - pad - 2.5f * line);
    hi = ImVec2(hi.x + pad * 2.2f, hi.y + pad);
    const HostSpec& host = m.scenario.hosts[h];
    cv.dl->AddRectFilled(lo, hi, IM_COL32(40, 48, 64, 120), 8.0f);
    cv.dl->AddRect(lo, hi, IM_COL32(120, 140, 180, 200), 8.0f, 0, 1.5f);
    const std::string title = fmt::format("host {}  {}", host.name, host.ip);
    cv.dl->AddText(ImVec2(lo.x + 8, lo.y + 4), IM_COL32(200, 210, 230, 255), title.c_str());
    const uint64_t used = host_memory_at(m, h, t);
    const float frac = host.memory ? std::min(1.0f, static_cast<float>(used) / static_cast<float>(host.memory)) : 0;
    const ImVec2 b0(lo.x + 8, lo.y + 6 + line), b1(lo.x + 8 + std::min(260.0f, hi.x - lo.x - 16), lo.y + 8 + 2 * line);
    cv.dl->AddRectFilled(b0, b1, IM_COL32(30, 30, 30, 255), 3);
    const ImU32 bar = frac > 0.9f ? failure_color() : frac > 0.7f ? IM_COL32(255, 165, 0, 255) : IM_COL32(70, 170, 90, 255);
    cv.dl->AddRectFilled(b0, ImVec2(b0.x + (b1.x - b0.x) * frac, b1.y), bar, 3);
    const std::string mem = fmt::format("RAM {} / {}", format_bytes(used), format_bytes(host.memory));
    cv.dl->AddText(ImVec2(b0.x + 4, b0.y - 1), IM_COL32(255, 255, 255, 255), mem.c_str());
  }
}

void draw_links(const Model& m, const Canvas& cv, int64_t t) {
  const auto& nodes = m.index.nodes;
  for (const Link& l : m.index.links) {
    const NodeInfo& a = nodes[raw(l.a)];
    const NodeInfo& b = nodes[raw(l.b)];
    const ImVec2 pa = cv.at(a.x, a.y), pb = cv.at(b.x, b.y);
    cv.dl->AddLine(pa, pb, IM_COL32(110, 110, 120, 140), 1.5f);
    const bool proxy_end = a.role == NodeRole::proxy || b.role == NodeRole::proxy;
    const bool client_end = a.role == NodeRole::client || b.role == NodeRole::client;
    const bool worker_end = a.role == NodeRole::worker || b.role == NodeRole::worker;
    if (proxy_end && (client_end || worker_end) && t > 0) {
      const ImVec2 mid = lerp(pa, pb, 0.5f);
      // Client <-> proxy carries TLS (encrypted); proxy <-> worker carries plain HTTP.
      draw_lock(cv.dl, ImVec2(mid.x, mid.y - 12), 6.0f, client_end,
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
    Flow& f = flows[FlowKey{raw(r.from), raw(r.to), r.stage, m.index.failure[i] != 0}];
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
  const auto& nodes = m.index.nodes;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  float best_d = 10.0f;
  uint32_t hit = UINT32_MAX;
  for (const auto& [key, f] : flows) {
    const ImVec2 pa = cv.at(nodes[key.from].x, nodes[key.from].y), pb = cv.at(nodes[key.to].x, nodes[key.to].y);
    const ImU32 col = key.failed ? failure_color() : stage_color(key.stage);
    // Offset the two directions of a link so requests and replies do not overlap.
    const ImVec2 d(pb.x - pa.x, pb.y - pa.y);
    const float len = std::max(1.0f, std::sqrt(d.x * d.x + d.y * d.y));
    const ImVec2 off(-d.y / len * 4.0f, d.x / len * 4.0f);
    const ImVec2 a(pa.x + off.x, pa.y + off.y), b(pb.x + off.x, pb.y + off.y);
    if (f.in_flight == 0) {
      if (!ui.settings.show_trails || trail <= 0) continue;
      const float age = static_cast<float>(t - f.last_end) / static_cast<float>(trail);
      cv.dl->AddLine(a, b, key.failed ? failure_color(0.8f - 0.7f * age) : stage_color(key.stage, 0.8f - 0.7f * age), 3.0f);
      continue;
    }
    if (f.in_flight > limit) {
      const float width = 3.0f + 2.5f * std::log2(static_cast<float>(f.in_flight));
      cv.dl->AddLine(a, b, key.failed ? failure_color(0.55f) : stage_color(key.stage, 0.55f), width);
      const float phase = static_cast<float>(std::fmod(static_cast<double>(t) / 2e7, 1.0));
      for (int k = 0; k < 6; ++k) {
        const ImVec2 p = lerp(a, b, std::fmod(phase / 6.0f + static_cast<float>(k) / 6.0f, 1.0f));
        cv.dl->AddCircleFilled(p, width * 0.6f, col, 10);
      }
      const std::string label = fmt::format("{} in flight", f.in_flight);
      const ImVec2 mid = lerp(a, b, 0.5f);
      cv.dl->AddRectFilled(ImVec2(mid.x + 6, mid.y + 4), ImVec2(mid.x + 14 + ImGui::CalcTextSize(label.c_str()).x, mid.y + 24),
                           IM_COL32(0, 0, 0, 200), 3);
      cv.dl->AddText(ImVec2(mid.x + 10, mid.y + 6), col, label.c_str());
      continue;
    }
    cv.dl->AddLine(a, b, key.failed ? failure_color(0.35f) : stage_color(key.stage, 0.35f), 2.0f);
    for (float fr : f.fractions) {
      const ImVec2 p = lerp(a, b, fr);
      cv.dl->AddCircleFilled(p, 7.0f, col, 12);
      cv.dl->AddCircle(p, 7.0f, IM_COL32(0, 0, 0, 255), 12, 1.5f);
      const float dx = p.x - mouse.x, dy = p.y - mouse.y;
      const float dist = std::sqrt(dx * dx + dy * dy);
      if (dist < best_d) best_d = dist, hit = f.sample;
    }
  }
  if (hit != UINT32_MAX && ImGui::IsWindowHovered()) {
    const Record& r = trace[hit];
    ImGui::SetTooltip("%s  %s -> %s", std::string(trace.kind(r)).c_str(), std::string(trace.node_name(r.from)).c_str(),
                      std::string(trace.node_name(r.to)).c_str());
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) commands.post(RequestSelect{static_cast<RecordId>(hit)});
  }
}

void draw_nodes(const Model& m, const Canvas& cv, const UiState& ui) {
  const Trace& trace = m.run.trace;
  const std::optional<Record> sel = ui.selected != RecordId::none && raw(ui.selected) < trace.size() ? std::optional<Record>(trace.at(ui.selected)) : std::nullopt;
  for (size_t k = 0; k < m.index.nodes.size(); ++k) {
    const NodeInfo& n = m.index.nodes[k];
    if (n.role == NodeRole::host) continue;  // drawn as the box around its processes
    const ImVec2 p = cv.at(n.x, n.y);
    ImU32 fill = IM_COL32(60, 70, 90, 255);
    std::string status;
    if (n.role == NodeRole::worker) {
      const ProcView pv = proc_state_at(m, n, ui.t_ns);
      fill = pv.color;
      status = pv.known ? pv.label : "";
      if (pv.next_restart_ns >= 0 && pv.next_restart_ns > ui.t_ns)
        status = fmt::format("backing off: restart in {}", format_time(ns(pv.next_restart_ns - ui.t_ns)));
      if (pv.restarts) status += fmt::format(" ({} restarts)", pv.restarts);
    }
    const float r = n.role == NodeRole::proxy ? 20.0f : 15.0f;
    if (n.role == NodeRole::proxy || n.role == NodeRole::worker)
      cv.dl->AddRectFilled(ImVec2(p.x - r, p.y - r * 0.8f), ImVec2(p.x + r, p.y + r * 0.8f), fill, 4.0f);
    else
      cv.dl->AddCircleFilled(p, r, fill, 20);
    const NodeId id = static_cast<NodeId>(k);
    if (sel && (sel->from == id || sel->to == id || sel->actor == id))
      cv.dl->AddCircle(p, r + 6, IM_COL32(255, 255, 255, 255), 24, 2.5f);
    const char* role = role_label(n.role);
    const std::string name_label = *role && n.name.find(role) == std::string::npos ? fmt::format("{} ({})", n.name, role) : n.name;
    const float line = ImGui::GetTextLineHeight();
    // DNS servers sit in a row at the top: their names go above so neighbours do not collide.
    const float label_y = n.role == NodeRole::dns_server ? p.y - r - 2 - line : p.y + r + 2;
    label(cv.dl, ImVec2(p.x, label_y), IM_COL32(235, 235, 235, 255), name_label);
    if (!status.empty()) label(cv.dl, ImVec2(p.x, label_y + line), fill, status);
    if (n.role == NodeRole::proxy) {
      float y = p.y - r - 6;
      for (const CertificateSpec& c : m.scenario.certificates) {
        const auto left = cert_days_left_at(m, c.domain, ui.t_ns);
        if (!left) continue;
        const std::string txt = *left < 0 ? fmt::format("cert {}: EXPIRED", c.domain)
                                          : fmt::format("cert {}: {:.0f} days left", c.domain, *left);
        y -= ImGui::GetTextLineHeight();
        label(cv.dl, ImVec2(p.x, y), *left < 0 ? failure_color() : *left < 10 ? IM_COL32(255, 165, 0, 255) : IM_COL32(150, 220, 150, 255),
              txt);
      }
    }
  }
}

void draw_legend(const Canvas& cv) {
  const Stage stages[] = {Stage::dns, Stage::tcp, Stage::tls, Stage::http, Stage::proxy};
  float x = cv.origin.x + 8;
  const float y = cv.origin.y + cv.size.y - 24;
  for (Stage s : stages) {
    cv.dl->AddCircleFilled(ImVec2(x + 6, y + 9), 6, stage_color(s), 12);
    cv.dl->AddText(ImVec2(x + 16, y), IM_COL32(220, 220, 220, 255), stage_name(s));
    x += 26 + ImGui::CalcTextSize(stage_name(s)).x;
  }
  cv.dl->AddCircleFilled(ImVec2(x + 6, y + 9), 6, failure_color(), 12);
  cv.dl->AddText(ImVec2(x + 16, y), IM_COL32(220, 220, 220, 255), "failure");
  x += 90;
  draw_lock(cv.dl, ImVec2(x + 6, y + 8), 5, true, IM_COL32(255, 210, 60, 255));
  cv.dl->AddText(ImVec2(x + 16, y), IM_COL32(220, 220, 220, 255), "encrypted");
  x += 100;
  draw_lock(cv.dl, ImVec2(x + 6, y + 8), 5, false, IM_COL32(255, 120, 90, 255));
  cv.dl->AddText(ImVec2(x + 18, y), IM_COL32(220, 220, 220, 255), "plaintext (after the proxy)");
}

}  // namespace

void draw_topology(const Model& m, UiState& ui, Commands& commands) {
  Canvas cv{ImGui::GetWindowDrawList(), ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail(), ui.canvas_zoom,
            ImVec2(ui.canvas_pan_x, ui.canvas_pan_y)};
  if (cv.size.x < 50 || cv.size.y < 50) return;
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
                   "No scenario open: File > Open, or pick one in the Scenario panel.");
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
