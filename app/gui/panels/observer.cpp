// What an observer sees: for the selected record's client connection, what someone on the
// network path reads with and without ECH and DNS over HTTPS, side by side
// (sim/include/deploysim/observer.hpp computes the table; this file only draws it).
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "deploysim/observer.hpp"
#include "gui/panels/panels.hpp"
#include "gui/run/sequence_rows.hpp"
#include "gui/platform/imgui_compat.hpp"

namespace deploysim::gui {

namespace {

// The connection the table follows: the selected record's, else the one the client that acted
// goes on to use (a browser's request or DNS lookup), as the sequence diagram does, else the run's
// first.
ConnId followed_connection(const Model& m, RecordId selected) {
  const Trace& trace = m.run.trace;
  if (selected != RecordId::none && raw(selected) < trace.size()) {
    const Record r = trace.at(selected);
    if (r.conn != ConnId::none && raw(r.conn) < m.index.by_conn.size()) return r.conn;
    if (const ConnId c = client_connection(m, selected); c != ConnId::none) return c;
  }
  return observer_connection(trace);
}

ImVec4 seen_color(Seen s) {
  // Readable on the wire is what the lesson warns about: the failure colour; encrypted: success.
  if (s == Seen::clear) return ImGui::ColorConvertU32ToFloat4(failure_color());
  if (s == Seen::hidden) return ImGui::ColorConvertU32ToFloat4(outcome_color(Outcome::ok));
  return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
}

// A narrow panel (presenter mode's Details tab) shows each cell in a word or a name, and the
// whole sentence when hovered: four columns of wrapped sentences do not fit there.
std::string short_text(const ObserverCell& cell, const Messages& words) {
  if (cell.seen == Seen::none) return words("observer.seen_none");
  if (cell.key == "observer.sni_outer") return words.format("observer.short_public", cell.args[0]);
  if (cell.seen == Seen::hidden) return words("observer.seen_hidden");
  if (!cell.list.empty() || cell.args.empty() || !cell.times.empty()) return observer_text(cell, words);
  return cell.args[0];
}

}  // namespace

void draw_observer(const PanelContext& ctx, UiState& ui, Commands&) {
  const Model& m = ctx.model;
  const ConnId conn = followed_connection(m, ui.selected);
  const std::span<const uint32_t> records = conn != ConnId::none && raw(conn) < m.index.by_conn.size()
                                                ? std::span<const uint32_t>(m.index.by_conn[raw(conn)])
                                                : std::span<const uint32_t>();
  const auto view = observe(m.scenario, m.run.trace, conn, records);
  ImGui::PushTextWrapPos(0);
  if (!view) {
    ImGui::TextUnformatted(ui.tr("observer.pick").c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::TextUnformatted(ui.trf("observer.intro", view->client, raw(view->conn)).c_str());
  ImGui::PopTextWrapPos();
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInner | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_SizingStretchProp;
  const bool narrow = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 40;
  // Narrower still (the 1024 px window's Panels column): five columns wrap a letter a line, so each
  // way of running comes under its own heading, one row a line.
  const bool stacked = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 24;
  if (stacked) {
    // This run's way first: a narrow column shows one way or two, and the others scroll.
    std::array<size_t, 4> order{0, 1, 2, 3};
    std::stable_partition(order.begin(), order.end(), [&](size_t c) { return view->columns[c].actual; });
    ImGui::PushTextWrapPos(0);
    for (const size_t c : order) {
      const ObserverColumn& col = view->columns[c];
      ImGui::Separator();
      ImGui::TextUnformatted(
          (ui.tr(observer_column_key(c)) + (col.actual ? " " + ui.tr("observer.this_run") : std::string())).c_str());
      if (col.ech) {
        const bool on = col.ech_status == EchStatus::on;
        ImGui::PushStyleColor(ImGuiCol_Text, on ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : seen_color(Seen::clear));
        ImGui::TextUnformatted(ui.tr(ech_status_key(col.ech_status)).c_str());
        ImGui::PopStyleColor();
      }
      ImGui::Indent();
      for (size_t row = 0; row < observer_row_count; ++row) {
        const ObserverCell& cell = col.rows[row];
        text_disabled_wrapped(ui.tr(observer_row_key(static_cast<ObserverRow>(row))));
        ImGui::PushStyleColor(ImGuiCol_Text, seen_color(cell.seen));
        ImGui::TextUnformatted(observer_text(cell, ui.words).c_str());
        ImGui::PopStyleColor();
      }
      ImGui::Unindent();
    }
    ImGui::PopTextWrapPos();
  } else if (ImGui::BeginTable("observer", 5, flags)) {
    ImGui::TableSetupColumn("##row", ImGuiTableColumnFlags_WidthStretch, narrow ? 1.0f : 0.7f);
    for (size_t c = 0; c < 4; ++c) ImGui::TableSetupColumn(fmt::format("##c{}", c).c_str(), 0, 1.0f);
    // The header: each way of running, the scenario's own marked, and whether ECH applies there.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    ImGui::TableNextColumn();
    for (size_t c = 0; c < 4; ++c) {
      const ObserverColumn& col = view->columns[c];
      ImGui::TableNextColumn();
      if (col.actual) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImGuiCol_HeaderActive));
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(ui.tr(observer_column_key(c)).c_str());
      if (col.actual) ImGui::TextUnformatted(ui.tr("observer.this_run").c_str());
      if (col.ech) {
        const bool on = col.ech_status == EchStatus::on;
        ImGui::PushStyleColor(ImGuiCol_Text, on ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : seen_color(Seen::clear));
        ImGui::TextUnformatted(
            ui.tr(narrow && !on ? "observer.ech_off_short" : ech_status_key(col.ech_status)).c_str());
        ImGui::PopStyleColor();
        if (narrow && !on && ImGui::IsItemHovered())
          ImGui::SetTooltip("%s", ui.tr(ech_status_key(col.ech_status)).c_str());
      }
      ImGui::PopTextWrapPos();
    }
    for (size_t row = 0; row < observer_row_count; ++row) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(ui.tr(observer_row_key(static_cast<ObserverRow>(row))).c_str());
      ImGui::PopTextWrapPos();
      for (size_t c = 0; c < 4; ++c) {
        const ObserverColumn& col = view->columns[c];
        const ObserverCell& cell = col.rows[row];
        ImGui::TableNextColumn();
        if (col.actual) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImGuiCol_Header, 0.35f));
        ImGui::PushStyleColor(ImGuiCol_Text, seen_color(cell.seen));
        ImGui::PushTextWrapPos(0);
        const std::string full = observer_text(cell, ui.words);
        ImGui::TextUnformatted(narrow ? short_text(cell, ui.words).c_str() : full.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        if (narrow && ImGui::IsItemHovered()) {
          ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
          ImGui::SetTooltip("%s", full.c_str());
          ImGui::PopTextWrapPos();
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::PushTextWrapPos(0);
  ImGui::Spacing();
  ImGui::TextUnformatted(ui.tr("observer.lesson").c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(ui.tr("observer.modelled").c_str());
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
}

}  // namespace deploysim::gui
