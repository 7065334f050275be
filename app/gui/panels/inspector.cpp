// Inspector: the selected record's fields, its cause chain, process and certificate details,
// and (for TLS messages) the real handshake bytes with a hex view linked to the decoded fields.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "gui/run/state_at.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/widgets/hex_view.hpp"
#include "gui/widgets/rich_text.hpp"
#include "gui/panels/panels.hpp"
#include "gui/widgets/tls_bytes.hpp"

namespace deploysim::gui {

namespace {

// A memory record's sizes in bytes ("used", "capacity", "rss", "limit"), written as the canvas
// writes them (4.0 GiB), not 4294967296.
bool is_memory_size(const Trace& trace, const Record& r, const Field& f) {
  if (r.stage != Stage::memory) return false;
  const std::string_view key = trace.str(f.key);
  return key == "used" || key == "capacity" || key == "rss" || key == "limit";
}

// A detail's value in the learner's language: the simulation's English texts ("bad gateway")
// through the narration's translations, names and addresses as they are.
std::string field_text(const Trace& trace, const Record& r, const Field& f, const UiState& ui,
                       const Narrator* narrator) {
  switch (f.type) {
    case FieldType::integer:
      if (is_memory_size(trace, r, f)) return format_bytes(static_cast<uint64_t>(std::max<int64_t>(0, f.value)));
      // A request that failed before any HTTP answer carries status 0, which no server sends.
      if (f.value == 0 && trace.str(f.key) == "status") return ui.tr("inspector.no_status");
      return std::to_string(f.value);
    case FieldType::string: {
      const std::string_view text = trace.str(static_cast<Sym>(f.value));
      return narrator ? narrator->style().detail(trace.str(f.key), text) : std::string(text);
    }
    case FieldType::time:
      return ui.time(ns(f.value));
    case FieldType::boolean:
      return ui.tr(f.value ? "inspector.true" : "inspector.false");
  }
  return {};
}

// `hover`: shown over the label when it differs (a detail's own key in the trace, the name
// `deploysim run --trace-json` and the docs use).
void row(const std::string& label, const std::string& value, const std::string& hover = {}) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  // Wrapped within its column: a narrow panel (presenter mode's Details) caps the column's width,
  // and "DNS response code" cut to "DNS response c" reads as another word.
  text_disabled_wrapped(label);
  if (!hover.empty() && hover != label && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", hover.c_str());
  ImGui::TableSetColumnIndex(1);
  // ImGui would cut a name wider than a narrow column mid-word ("edge-1/syst" "emd").
  wrapped_text(value);
}

void record_table(const UiState& ui, const Model& m, const Record& r, RecordId id, const Narrator* narrator,
                  Commands& commands) {
  const Trace& trace = m.run.trace;
  if (!ImGui::BeginTable("fields", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
  // The key column as wide as its longest key (in the chosen language), but never more than a third of a
  // narrow panel (presenter mode's Details at 1024 px), where the values need the room; yet as wide
  // as its longest word, up to almost half, so that no key breaks mid-word ("supervis" "or").
  float widest = 0, widest_word = 0;
  auto measure = [&](const std::string& key) {
    widest = std::max(widest, ImGui::CalcTextSize(key.c_str()).x);
    for (size_t i = 0; i < key.size();) {
      const size_t end = std::min(key.find(' ', i), key.size());
      widest_word = std::max(widest_word, ImGui::CalcTextSize(key.data() + i, key.data() + end).x);
      i = end + 1;
    }
  };
  for (const char* k :
       {"inspector.seq", "inspector.time", "inspector.flight", "inspector.kind", "inspector.stage", "inspector.actor",
        "inspector.message", "inspector.connection", "inspector.process", "inspector.cause"})
    measure(ui.tr(k));
  for (const Field& f : trace.details(r)) measure(ui.words.detail(trace.str(f.key)));
  const float pad = ImGui::GetStyle().CellPadding.x * 2, avail = ImGui::GetContentRegionAvail().x;
  const float key_w = std::min(widest + pad, std::max(avail * 0.36f, std::min(widest_word + pad, avail * 0.45f)));
  ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, key_w);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  row(ui.tr("inspector.seq"), std::to_string(raw(id)));
  row(ui.tr("inspector.time"), ui.time(r.t()));
  if (r.dur_ns) row(ui.tr("inspector.flight"), ui.time(ns(r.dur_ns)));
  // The record's name ("ServerHello"); its kind as the trace writes it (tls.server_hello) on hover.
  const std::string_view kind = trace.kind(r);
  row(ui.tr("inspector.kind"), ui.words.record(kind));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%.*s", static_cast<int>(kind.size()), kind.data());
  row(ui.tr("inspector.stage"), ui.words.stage(r.stage));
  if (r.actor != NodeId::none) row(ui.tr("inspector.actor"), std::string(trace.node_name(r.actor)));
  if (r.is_message())
    row(ui.tr("inspector.message"), fmt::format("{} -> {}", trace.node_name(r.from), trace.node_name(r.to)));
  if (r.conn != ConnId::none) row(ui.tr("inspector.connection"), fmt::format("#{}", raw(r.conn)));
  if (r.proc != ProcId::none) row(ui.tr("inspector.process"), fmt::format("#{}", raw(r.proc)));
  for (const Field& f : trace.details(r)) {
    const std::string key(trace.str(f.key));
    std::string text = field_text(trace, r, f, ui, narrator);
    if (text.empty()) continue;  // an unset one (no version written): a row with no value says nothing
    row(ui.words.detail(key), std::move(text), key);
  }
  if (r.cause != RecordId::none && raw(r.cause) < trace.size()) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    text_disabled_wrapped(ui.tr("inspector.cause"));
    ImGui::TableSetColumnIndex(1);
    // In a narrow column (presenter mode at 1024 px) the kind goes under the button: a button
    // wider than its cell is clipped mid-word.
    const std::string cause = ui.words.record(trace.kind(trace.at(r.cause)));
    std::string label = fmt::format("#{} {}##cause", raw(r.cause), cause);
    const float fits = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2;
    const bool wide = ImGui::CalcTextSize(label.c_str(), nullptr, true).x <= fits;
    if (!wide) label = fmt::format("#{}##cause", raw(r.cause));
    if (ImGui::SmallButton(label.c_str())) commands.post(RequestSelect{r.cause});
    if (!wide) wrapped_text(cause);
  }
  ImGui::EndTable();
}

void process_section(const UiState& ui, const Model& m, const Record& r, int64_t t) {
  if (r.proc == ProcId::none) return;
  if (!ImGui::CollapsingHeader(fmt::format("{}###Process", ui.tr("inspector.process_header")).c_str(),
                               ImGuiTreeNodeFlags_DefaultOpen))
    return;
  // The worker whose process the record names: the actor may be another (the host whose kernel
  // killed it, the manager that respawns it).
  const size_t node = m.index.node_of(r.proc);
  NodeInfo info;
  info.proc = r.proc;
  if (node != SIZE_MAX)
    info = m.index.nodes[node];
  else if (std::string_view unit = m.run.trace.detail_str(r, "unit"); !unit.empty())
    info.name = std::string(unit) + "/";
  const ProcView pv = proc_state_at(m, info, t, ui.words);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pv.color), "%s",
                     ui.trf("inspector.state", pv.known ? pv.label : ui.tr("inspector.no_lifecycle")).c_str());
  ImGui::TextUnformatted(ui.trf("inspector.restarts", pv.restarts).c_str());
  if (pv.next_restart_ns >= 0)
    ImGui::TextUnformatted(ui.trf("inspector.next_restart", ui.time(ns(pv.next_restart_ns)),
                                  ui.time(ns(std::max<int64_t>(0, pv.next_restart_ns - t))))
                               .c_str());
  const std::string_view name = r.actor != NodeId::none ? m.run.trace.node_name(r.actor) : std::string_view{};
  for (const ServiceSpec& svc : m.scenario.services) {
    if (name.substr(0, svc.name.size()) != svc.name) continue;
    ImGui::TextUnformatted(
        ui.trf("inspector.supervisor", supervisor_kind_name(svc.supervisor.kind),
               svc.supervisor.restart.empty() ? ui.tr("inspector.tool_default") : svc.supervisor.restart)
            .c_str());
    break;
  }
}

void cert_section(const UiState& ui, const Model& m, const Record& r, int64_t t) {
  const std::string_view domain = m.run.trace.detail_str(r, "domain").empty() ? m.run.trace.detail_str(r, "sni")
                                                                              : m.run.trace.detail_str(r, "domain");
  if (domain.empty()) return;
  for (const CertificateSpec& c : m.scenario.certificates) {
    if (c.domain != domain && std::find(c.alt_names.begin(), c.alt_names.end(), domain) == c.alt_names.end()) continue;
    if (!ImGui::CollapsingHeader(fmt::format("{}###Certificate", ui.tr("inspector.certificate")).c_str(),
                                 ImGuiTreeNodeFlags_DefaultOpen))
      return;
    // In the order of the Issuer and Renewal enums.
    static constexpr const char* issuers[] = {"inspector.issuer_letsencrypt", "inspector.issuer_private",
                                              "inspector.issuer_self_signed", "inspector.issuer_untrusted",
                                              "inspector.issuer_cloud"};
    static constexpr const char* renewals[] = {"inspector.renewal_proxy", "inspector.renewal_certbot",
                                               "inspector.renewal_cert_manager", "inspector.renewal_none",
                                               "inspector.renewal_cloud"};
    ImGui::TextUnformatted(ui.trf("inspector.domain", c.domain).c_str());
    for (const std::string& alt : c.alt_names) ImGui::TextUnformatted(ui.trf("inspector.also", alt).c_str());
    ImGui::TextUnformatted(ui.trf("inspector.issuer", ui.tr(issuers[static_cast<int>(c.issuer)])).c_str());
    ImGui::TextUnformatted(ui.trf("inspector.lifetime", ui.time(c.lifetime),
                                  ui.tr(renewals[static_cast<int>(c.renewal)]),
                                  c.reload_after_renewal ? std::string() : ui.tr("inspector.no_reload"))
                               .c_str());
    // At the playhead, to the second: "time left now: 3 h 59 min", "expired now" on the
    // cert.expired record itself, then "expired 10 min ago".
    if (auto left = cert_days_left_at(m, c.domain, t)) {
      const Time span = Time::from_ns(static_cast<int64_t>(std::llround(std::abs(*left) * 86400)) * 1000000000);
      if (*left > 0 && span > Time{})
        ImGui::TextUnformatted(ui.trf("inspector.time_left", ui.time(span)).c_str());
      else if (span == Time{})
        ImGui::TextUnformatted(ui.tr("inspector.expired_now").c_str());
      else
        ImGui::TextUnformatted(ui.trf("inspector.expired_ago", ui.time(span)).c_str());
    }
  }
}

}  // namespace

void draw_inspector(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Model& m = ctx.model;
  const Fonts& fonts = ctx.fonts;
  const Trace& trace = m.run.trace;
  if (ui.selected == RecordId::none || raw(ui.selected) >= trace.size()) {
    wrapped_text(ui.tr("inspector.nothing"));
    return;
  }
  const Record& r = trace.at(ui.selected);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(stage_color(r.stage)));
  wrapped_text(ui.words.record(trace.kind(r)));
  ImGui::PopStyleColor();
  // ECH is modelled (OpenSSL 3.0 has none): the bytes below are a ClientHello without it.
  if (const std::string_view outer = trace.detail_str(r, "ech_outer_sni"); !outer.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(failure_color()));
    wrapped_text(ui.trf("inspector.ech_modelled", outer));
    ImGui::PopStyleColor();
  }
  // A TLS message shows its real bytes first; the simulated record's fields fold away below.
  if (r.stage == Stage::tls && r.is_message()) {
    const TlsBytes bytes = tls_bytes_for(m, ui.selected, ui.words);
    if (!bytes.raw.empty()) {
      const float h = std::max(ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() * 3.3f,
                               ImGui::GetFontSize() * 16);
      if (ImGui::BeginChild("tls", ImVec2(0, h))) draw_hex_view(bytes, fonts, ui);
      ImGui::EndChild();
      // The whole connection for Wireshark: a download in a browser.
      if (ImGui::Button(ui.tr("inspector.save_capture").c_str())) commands.post(RequestSaveCapture{ui.selected, false});
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ui.tr("inspector.save_capture_hint").c_str());
      ImGui::SameLine();
      if (ImGui::Button(ui.tr("inspector.save_keylog").c_str())) commands.post(RequestSaveCapture{ui.selected, true});
      if (ImGui::IsItemHovered()) {  // rich: a menu path marked as code, without its backticks
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        rich_text(ui.tr("inspector.save_keylog_hint"));
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    } else {
      text_disabled_wrapped(bytes.note);
    }
    if (ImGui::CollapsingHeader(fmt::format("{}###Simulated", ui.tr("inspector.simulated")).c_str()))
      record_table(ui, m, r, ui.selected, ctx.narrator, commands);
    cert_section(ui, m, r, ui.t_ns);
    return;
  }
  record_table(ui, m, r, ui.selected, ctx.narrator, commands);
  process_section(ui, m, r, ui.t_ns);
  cert_section(ui, m, r, ui.t_ns);
}

}  // namespace deploysim::gui
