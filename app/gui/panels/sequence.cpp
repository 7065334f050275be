// Sequence diagram (Wireshark's flow graph): the selected connection with the DNS lookup
// before it and the plaintext hop behind the proxy, one row per message, round trips marked.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/platform/imgui_compat.hpp"
#include "gui/run/sequence_rows.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

constexpr size_t max_rows = 400;

// Past two minutes a time reads "2 min 8 s", and so do all the rows of a window there: in
// seconds with their milliseconds ("128.405 s") they stay apart.
std::string row_time(const UiState& ui, int64_t t_ns) {
  if (t_ns < 120'000'000'000) return ui.time(ns(t_ns));
  return fmt::format(fmt::runtime(ui.words.time_units().s),
                     fmt::format("{}.{:03}", t_ns / 1'000'000'000, t_ns % 1'000'000'000 / 1'000'000));
}

int role_rank(NodeRole r) {
  switch (r) {
    case NodeRole::client:
      return 0;
    case NodeRole::resolver:
      return 1;
    case NodeRole::dns_server:
      return 2;
    case NodeRole::proxy:
      return 3;
    case NodeRole::worker:
      return 4;
    default:
      return 5;
  }
}

}  // namespace

void draw_sequence(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Model& m = ctx.model;
  const Trace& trace = m.run.trace;
  const SequenceRows all = sequence_rows(m, ui.selected, ui.t_ns);
  if (all.conn == ConnId::none) {
    wrapped_text(ui.tr("sequence.none"));
    return;
  }
  const NodeId client = all.client;
  // A long connection draws max_rows of its messages around the selection (or the playhead).
  const size_t anchor = sequence_anchor(m, all, ui.selected, ui.t_ns);
  const SequenceWindow window = sequence_window(all.messages.size(), anchor, max_rows);
  const std::vector<uint32_t> rows(all.messages.begin() + static_cast<ptrdiff_t>(window.begin),
                                   all.messages.begin() + static_cast<ptrdiff_t>(window.end));
  std::set<uint32_t> node_set;
  for (uint32_t i : rows) node_set.insert(raw(trace[i].from)), node_set.insert(raw(trace[i].to));
  std::vector<uint32_t> columns(node_set.begin(), node_set.end());
  std::stable_sort(columns.begin(), columns.end(), [&](uint32_t a, uint32_t b) {
    return role_rank(m.index.nodes[a].role) < role_rank(m.index.nodes[b].role);
  });
  auto col_of = [&](NodeId n) {
    return static_cast<int>(std::find(columns.begin(), columns.end(), raw(n)) - columns.begin());
  };

  // Presenter mode's large font in a narrow Details column (a 1024 px window) leaves the columns too
  // narrow for names and labels: the diagram draws smaller there, as the canvas does.
  const float small = ImGui::GetFontSize() > 20 && ImGui::GetContentRegionAvail().x < 500 ? 0.7f : 1.0f;
  std::optional<compat::FontScale> scale;
  if (small < 1) scale.emplace(small);
  // Wrapped: "messages 201-600 of 1536" ran past a narrow panel's edge (the 1024 px window).
  wrapped_text(sequence_heading(ui.words, all.conn, window, all.messages.size()));
  // Late in a long run a time reads "29 d 23 h" for every message: after the connection's first
  // row, the offset from it is what tells the round trips apart (every row of a later window).
  const int64_t base = all.messages.empty() ? 0 : trace[all.messages.front()].t_ns;
  const bool offsets = base >= 3'600'000'000'000;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float lh = ImGui::GetTextLineHeight();
  // The time column holds a time ("449.696 ms"), then a round trip's label and bracket ("RTT 12 [").
  const float time_w = ImGui::CalcTextSize("000.000 ms").x + ImGui::CalcTextSize("RTT 00").x + 20;
  const ImVec2 head = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x - time_w;
  const float col_w = width / static_cast<float>(std::max<size_t>(1, columns.size()));
  auto col_x = [&](int k) { return head.x + time_w + col_w * (static_cast<float>(k) + 0.5f); };
  // Column names: on two staggered lines when a name is wider than its column (a narrow panel); a
  // name then has the two columns' width its line leaves it (the first may reach into the time
  // column's empty heading), the last one and a half, since it cannot go past the right edge.
  bool stagger = false;
  for (uint32_t n : columns) stagger |= ImGui::CalcTextSize(m.index.nodes[n].name.c_str()).x > col_w - 6;
  for (size_t k = 0; k < columns.size(); ++k) {
    const std::string& full = m.index.nodes[columns[k]].name;
    const float most = !stagger ? col_w - 6 : k + 1 == columns.size() ? 1.5f * col_w - 6 : 2 * col_w - 6;
    const std::string name =
        elide_name(full, most, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
    const float tw = ImGui::CalcTextSize(name.c_str()).x;
    const float x = std::clamp(col_x(static_cast<int>(k)) - tw * 0.5f, head.x, head.x + time_w + width - tw);
    const ImVec2 at(x, head.y + (stagger && k % 2 ? lh : 0.0f));
    dl->AddText(at, IM_COL32(230, 230, 230, 255), name.c_str());
    // A shortened name in full under the mouse.
    if (name != full && ImGui::IsMouseHoveringRect(at, ImVec2(at.x + tw, at.y + lh)) && ImGui::IsWindowHovered())
      ImGui::SetTooltip("%s", full.c_str());
  }
  ImGui::Dummy(ImVec2(0, lh * (stagger ? 2.0f : 1.0f) + 4));
  scale.reset();
  if (!ImGui::BeginChild("rows", ImVec2(0, 0), false)) {
    ImGui::EndChild();
    return;
  }
  if (small < 1) scale.emplace(small);
  dl = ImGui::GetWindowDrawList();
  const float row_h = lh * 1.9f;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  // The rows' labels stay inside the panel: right of the time column, left of its edge (or of
  // the scroll bar).
  const float labels_x1 = top.x + ImGui::GetContentRegionAvail().x - 2;
  const auto text_width = [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; };
  const float total_h = row_h * static_cast<float>(rows.size());
  for (size_t k = 0; k < columns.size(); ++k)
    dl->AddLine(ImVec2(col_x(static_cast<int>(k)), top.y), ImVec2(col_x(static_cast<int>(k)), top.y + total_h),
                IM_COL32(90, 90, 100, 255));
  // Round trips as the client sees them: from a send to the next reply it receives. Those before
  // the window count, so that its brackets keep their numbers; one still open starts at its top.
  int rtt = 0;
  int64_t rtt_start = -1;
  for (size_t k = 0; k < window.begin; ++k) {
    const Record& r = trace[all.messages[k]];
    if (r.from == client && rtt_start < 0) rtt_start = r.t_ns;
    if (r.to == client && rtt_start >= 0) ++rtt, rtt_start = -1;
  }
  float rtt_y = top.y;
  // When the playhead moves the window (no selection to follow), its rows are others than those
  // scrolled to: scroll to the playhead's. The first window opens at the top, as it always did.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID window_id = ImGui::GetID("window");
  const int before = storage->GetInt(window_id, -1), begin = static_cast<int>(window.begin);
  const bool moved = before != begin && !(before < 0 && begin == 0);
  storage->SetInt(window_id, begin);
  for (size_t k = 0; k < rows.size(); ++k) {
    const uint32_t i = rows[k];
    const Record& r = trace[i];
    const float y = top.y + row_h * static_cast<float>(k);
    ImGui::SetCursorScreenPos(ImVec2(top.x, y));
    ImGui::PushID(static_cast<int>(k));
    if (ImGui::InvisibleButton("row", ImVec2(std::max(1.0f, time_w + width), row_h)))
      commands.post(RequestSelect{static_cast<RecordId>(i)});
    ImGui::PopID();
    const bool selected = static_cast<RecordId>(i) == ui.selected;
    if (selected) {
      dl->AddRectFilled(ImVec2(top.x, y), ImVec2(top.x + time_w + width, y + row_h), IM_COL32(70, 70, 110, 255));
      if (ui.sequence_follow != ui.selected) ImGui::SetScrollHereY(0.5f);
      ui.sequence_follow = ui.selected;
    }
    if (moved && window.begin + k == anchor) ImGui::SetScrollHereY(0.5f);
    const bool future = r.t_ns > ui.t_ns;
    const float alpha = future ? 0.3f : 1.0f;
    const ImU32 col = r.reports_failure ? failure_color(alpha) : stage_color(r.stage, alpha);
    const std::string t = !offsets               ? row_time(ui, r.t_ns)
                          : window.begin + k > 0 ? "+" + row_time(ui, r.t_ns - base)
                                                 : ui.time(r.t());
    dl->AddText(ImVec2(top.x + 2, y + row_h - lh - 2), IM_COL32(170, 170, 180, future ? 90 : 255), t.c_str());
    const float xa = col_x(col_of(r.from)), xb = col_x(col_of(r.to));
    const float ya = y + row_h - 6;
    dl->AddLine(ImVec2(xa, ya), ImVec2(xb, ya), col, 2.0f);
    const float dir = xb > xa ? -1.0f : 1.0f;
    dl->AddTriangleFilled(ImVec2(xb, ya), ImVec2(xb + dir * 9, ya - 5), ImVec2(xb + dir * 9, ya + 5), col);
    // A failure's mark goes left of its label: the label keeps room for it.
    const float mark = r.reports_failure ? lh : 0.0f;
    const std::string name = ui.words.record(trace.kind(r));
    const MessageLabel label = message_label(name, xa, xb, top.x + time_w + mark, labels_x1, text_width);
    const ImVec2 at(label.x, ya - lh - 2);
    dl->AddText(at, col, label.text.c_str());
    if (label.shortened() && ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(at, ImVec2(at.x + text_width(label.text), at.y + lh)))
      ImGui::SetTooltip("%s", name.c_str());
    if (r.reports_failure) draw_failure_mark(dl, ImVec2(at.x - lh * 0.6f, at.y + lh * 0.5f), lh * 0.4f, col);
    if (r.from == client && rtt_start < 0) rtt_start = r.t_ns, rtt_y = ya;
    if (r.to == client && rtt_start >= 0) {
      ++rtt;
      const float x = top.x + time_w - 10;
      dl->AddLine(ImVec2(x, rtt_y), ImVec2(x, ya), IM_COL32(255, 255, 255, 160), 1.5f);
      dl->AddLine(ImVec2(x, rtt_y), ImVec2(x + 6, rtt_y), IM_COL32(255, 255, 255, 160), 1.5f);
      dl->AddLine(ImVec2(x, ya), ImVec2(x + 6, ya), IM_COL32(255, 255, 255, 160), 1.5f);
      const std::string label2 = ui.trf("sequence.rtt", rtt);
      dl->AddText(ImVec2(x - ImGui::CalcTextSize(label2.c_str()).x - 2, (rtt_y + ya) * 0.5f - lh * 0.5f),
                  IM_COL32(255, 255, 255, 200), label2.c_str());
      rtt_start = -1;
    }
  }
  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + total_h));
  ImGui::Dummy(ImVec2(1, 1));
  scale.reset();
  ImGui::EndChild();
}

}  // namespace deploysim::gui
