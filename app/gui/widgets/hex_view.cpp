#include "gui/widgets/hex_view.hpp"

#include <fmt/format.h>

#include "gui/platform/imgui_compat.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

int field_at(const TlsBytes& b, size_t offset) {
  int best = -1;  // the innermost (deepest) field containing the byte
  for (size_t i = 0; i < b.fields.size(); ++i) {
    const ByteField& f = b.fields[i];
    if (offset >= f.offset && offset < f.offset + f.length &&
        (best < 0 || f.depth >= b.fields[static_cast<size_t>(best)].depth))
      best = static_cast<int>(i);
  }
  return best;
}

}  // namespace

void draw_hex_view(const TlsBytes& b, const Fonts& fonts, UiState& ui) {
  wrapped_text(b.title);
  if (!b.source.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    wrapped_text(b.source);
    ImGui::PopStyleColor();
  }
  // The field lit this frame: the one under the mouse last frame, else the pinned one.
  int hovered_before = ui.hex_hover_field;
  if (hovered_before < 0 || static_cast<size_t>(hovered_before) >= b.fields.size())
    for (size_t i = 0; i < b.fields.size() && hovered_before < 0; ++i)
      if (b.fields[i].name == ui.hex_pinned) hovered_before = static_cast<int>(i);
  // A newly pinned field (a click, the script's `inspect`) scrolls into view in both lists once.
  const bool scroll = ui.hex_hover_field < 0 && !ui.hex_pinned.empty() && ui.hex_pinned != ui.hex_scrolled_to;
  ui.hex_scrolled_to = ui.hex_pinned;
  int hovered = -1;
  const ImU32 highlight = IM_COL32(255, 200, 40, 110);
  if (ImGui::BeginChild("fields", ImVec2(0, ImGui::GetContentRegionAvail().y * 0.45f), true)) {
    for (size_t i = 0; i < b.fields.size(); ++i) {
      const ByteField& f = b.fields[i];
      ImGui::Indent(static_cast<float>(f.depth) * 12.0f + 1);
      const std::string line = fmt::format("{}: {}##f{}", f.name, f.value, i);
      if (ImGui::Selectable(line.c_str(), hovered_before == static_cast<int>(i)))
        ui.hex_pinned = ui.hex_pinned == f.name ? std::string() : f.name;
      if (ImGui::IsItemHovered()) hovered = static_cast<int>(i);
      if (scroll && hovered_before == static_cast<int>(i)) ImGui::SetScrollHereY(0.3f);
      ImGui::Unindent(static_cast<float>(f.depth) * 12.0f + 1);
    }
  }
  ImGui::EndChild();
  // Wrapped: in a narrow panel (1024 px, presenter mode's Details) the hint and a field's byte
  // range ran past the panel's edge, cut off.
  ImGui::PushTextWrapPos(0);
  if (hovered_before >= 0) {
    const ByteField& f = b.fields[static_cast<size_t>(hovered_before)];
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.2f, 1.0f), "%s",
                       ui.trf("tls_bytes.field", f.name, f.value, f.offset, f.offset + f.length - 1).c_str());
  } else {
    ImGui::TextDisabled("%s", ui.tr("inspector.hex_hint").c_str());
  }
  ImGui::PopTextWrapPos();
  compat::push_font(fonts.mono);
  if (ImGui::BeginChild("hex", ImVec2(0, 0), true)) {
    const float cw = ImGui::CalcTextSize("0").x;
    // As many bytes a row as the panel shows whole (presenter mode's narrow Details at 1024 px
    // showed 9 of 16): 16, 8 or 4, with the printable column while it fits.
    const float chars = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize) / cw;
    auto width = [](size_t n, bool ascii) { return static_cast<float>(6 + 3 * n + (ascii ? 1 + n : 0)); };
    size_t per_row = 4;
    bool ascii = width(4, true) <= chars;
    for (const auto& [n, a] : {std::pair<size_t, bool>{16, true}, {8, true}, {8, false}})
      if (width(n, a) <= chars) {
        per_row = n, ascii = a;
        break;
      }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const ByteField* lit = hovered_before >= 0 ? &b.fields[static_cast<size_t>(hovered_before)] : nullptr;
    // A new pin, or rows of another width: the lit field's row into view, on two frames (the
    // first one's scroll is clamped to the height the rows had before).
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID width_key = ImGui::GetID("per_row"), again_key = ImGui::GetID("rescroll");
    int again = store->GetInt(again_key, 0);
    if (scroll || store->GetInt(width_key, 0) != static_cast<int>(per_row)) again = 2;
    store->SetInt(width_key, static_cast<int>(per_row));
    store->SetInt(again_key, again > 0 ? again - 1 : 0);
    if (again > 0 && lit) {
      const auto row = lit->offset / per_row;  // the whole row the field starts in
      ImGui::SetScrollY(static_cast<float>(row) * ImGui::GetTextLineHeightWithSpacing() -
                        ImGui::GetWindowHeight() * 0.3f);
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>((b.raw.size() + per_row - 1) / per_row));
    while (clipper.Step()) {
      for (int rowi = clipper.DisplayStart; rowi < clipper.DisplayEnd; ++rowi) {
        const size_t base = static_cast<size_t>(rowi) * per_row;
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float lh = ImGui::GetTextLineHeight();
        std::string text = fmt::format("{:04x}  ", base);
        for (size_t k = 0; k < per_row; ++k) {
          const size_t off = base + k;
          if (off < b.raw.size()) {
            const float x = p.x + cw * static_cast<float>(6 + k * 3);
            const int fi = field_at(b, off);
            if (lit && off >= lit->offset && off < lit->offset + lit->length)
              dl->AddRectFilled(ImVec2(x - 1, p.y), ImVec2(x + cw * 2 + 1, p.y + lh), highlight);
            if (mouse.x >= x && mouse.x < x + cw * 3 && mouse.y >= p.y && mouse.y < p.y + lh &&
                ImGui::IsWindowHovered()) {
              hovered = fi;
              if (fi >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left))
                ui.hex_pinned = b.fields[static_cast<size_t>(fi)].name;
            }
            text += fmt::format("{:02x} ", b.raw[off]);
          } else {
            text += "   ";
          }
        }
        if (ascii) text += " ";
        for (size_t k = 0; ascii && k < per_row && base + k < b.raw.size(); ++k) {
          const uint8_t c = b.raw[base + k];
          text += (c >= 32 && c < 127) ? static_cast<char>(c) : '.';
        }
        ImGui::TextUnformatted(text.c_str());
      }
    }
  }
  ImGui::EndChild();
  ImGui::PopFont();
  ui.hex_hover_field = hovered;
  if (hovered >= 0) {
    const ByteField& f = b.fields[static_cast<size_t>(hovered)];
    ImGui::SetTooltip(
        "%s", ui.trf("tls_bytes.field_tip", f.name, f.value, f.offset, f.offset + f.length - 1, f.length).c_str());
  }
}

}  // namespace deploysim::gui
