// What-if controls: the scenario's key parameters as widgets. A change posts RequestSetParam
// with the scenario path and a TOML value; the session re-simulates off the UI thread and the
// playhead keeps its time. Values being edited live in UiState until the new run arrives.

#include <functional>

#include <fmt/format.h>

#include "deploysim/presets.hpp"
#include "gui/panels/panels.hpp"
#include "gui/widgets/file_browser.hpp"
#include "gui/panels/whatif_choices.hpp"
#include "gui/widgets/rich_text.hpp"

namespace deploysim::gui {

namespace {

// A choice of a combo: the value a scenario file holds, and the catalogue key of its words when
// they are prose to translate (none: the value is shown as written).
struct Option {
  const char* value;
  const char* key = nullptr;
};
constexpr Option renewals[] = {{"proxy", "whatif_option.renewal_proxy"},  // Renewal order
                               {"certbot"},
                               {"cert-manager"},
                               {"none", "whatif_option.renewal_none"},
                               {"provider", "whatif_option.renewal_provider"}};
constexpr Option premodes[] = {{"once", "whatif_option.pre_start_once"},
                               {"per-replica", "whatif_option.pre_start_per_replica"},
                               {"locked", "whatif_option.pre_start_locked"}};
constexpr Option binds[] = {{"127.0.0.1"}, {"0.0.0.0"}};
// TOML arrays, written as they are.
constexpr Option tls_choices[] = {{R"(["1.2", "1.3"])", "whatif_option.tls_both"},
                                  {R"(["1.3"])", "whatif_option.tls_13"},
                                  {R"(["1.2"])", "whatif_option.tls_12"}};
constexpr const char* durations[] = {"2m", "10m", "1h", "1d", "7d", "30d", "120d"};

void section(const std::string& title) {
  ImGui::Spacing();
  ImGui::TextDisabled("%s", title.c_str());
  ImGui::Separator();
}

std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

double edited(const UiState& ui, const std::string& path, double current) {
  auto it = ui.whatif_edits.find(path);
  return it == ui.whatif_edits.end() ? current : it->second;
}

void int_slider(const char* label, const std::string& path, int current, int lo, int hi, const char* unit_fmt,
                const char* toml_fmt, UiState& ui, Commands& commands) {
  int v = static_cast<int>(edited(ui, path, current));
  ImGui::PushID(path.c_str());
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 7.5f);
  if (ImGui::SliderInt(label, &v, lo, hi, unit_fmt, ImGuiSliderFlags_Logarithmic)) ui.whatif_edits[path] = v;
  if (ImGui::IsItemDeactivatedAfterEdit()) commands.post(RequestSetParam{path, fmt::format(fmt::runtime(toml_fmt), v)});
  ImGui::PopID();
}

std::string option_label(const UiState& ui, const Option& o) { return o.key ? ui.tr(o.key) : std::string(o.value); }

// A combo's width: the column's usual one, or, when its choice would be cut there ("proxy (renews.."),
// all the room its own label leaves.
void combo_width(const char* label, const std::string& preview) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float usual = -ImGui::GetFontSize() * 7.5f;
  const float need = ImGui::CalcTextSize(preview.c_str()).x + 2 * style.FramePadding.x + ImGui::GetFrameHeight();
  const float label_w = ImGui::CalcTextSize(label, nullptr, true).x;
  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::SetNextItemWidth(need > avail + usual ? std::max(usual, -(label_w + style.ItemInnerSpacing.x)) : usual);
}

// A combo over `options`; `current` is the value the scenario holds. `toml` values are TOML text
// already (arrays); others are strings, quoted when set.
// `before` runs just before the option picked is set (a change it needs first).
template <size_t N>
void choice(const UiState& ui, const char* label, const std::string& path, std::string_view current,
            const Option (&options)[N], Commands& commands, bool toml = false,
            const std::function<void(std::string_view)>& before = {}) {
  ImGui::PushID(path.c_str());
  std::string preview(current.empty() ? ui.tr("whatif.default") : current);
  for (const Option& o : options)
    if (current == o.value) preview = option_label(ui, o);
  combo_width(label, preview);
  if (ImGui::BeginCombo(label, preview.c_str())) {
    for (const Option& o : options)
      if (ImGui::Selectable(option_label(ui, o).c_str(), current == o.value)) {
        if (before) before(o.value);
        commands.post(RequestSetParam{path, toml ? std::string(o.value) : quoted(o.value)});
      }
    ImGui::EndCombo();
  }
  ImGui::PopID();
}

// A combo over a table's column (the supervisor's policies, the proxy presets).
void choice(const UiState& ui, const char* label, const std::string& path, std::string_view current,
            std::span<const std::string_view> options, Commands& commands) {
  ImGui::PushID(path.c_str());
  const std::string preview(current.empty() ? ui.tr("whatif.default") : current);
  combo_width(label, preview);
  if (ImGui::BeginCombo(label, preview.c_str())) {
    for (std::string_view option : options)
      if (ImGui::Selectable(std::string(option).c_str(), current == option))
        commands.post(RequestSetParam{path, quoted(option)});
    ImGui::EndCombo();
  }
  ImGui::PopID();
}

void checkbox(const char* label, const std::string& path, bool current, Commands& commands) {
  bool v = current;
  ImGui::PushID(path.c_str());
  if (ImGui::Checkbox(label, &v)) commands.post(RequestSetParam{path, v ? "true" : "false"});
  ImGui::PopID();
}

const char* lower_name(std::string_view s, std::string& buf) {
  buf.assign(s);
  for (char& c : buf) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return buf.c_str();
}

void service_widgets(const ServiceSpec& svc, UiState& ui, Commands& commands) {
  std::string buf;
  const std::string base = fmt::format("service.{}.", lower_name(svc.name, buf));
  section(ui.trf("whatif.service", svc.name));
  int_slider(ui.tr("whatif.workers").c_str(), base + "workers", svc.workers, 1, 32, "%d", "{}", ui, commands);
  int_slider(ui.tr("whatif.memory_per_worker").c_str(), base + "memory_per_worker",
             static_cast<int>(svc.memory_per_worker >> 20), 16, 8192, "%d MiB", "\"{}MiB\"", ui, commands);
  {
    const std::string path = base + "crash_rate_per_hour";
    float v = static_cast<float>(edited(ui, path, svc.crash_rate_per_hour));
    ImGui::PushID(path.c_str());
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 7.5f);
    if (ImGui::SliderFloat(ui.tr("whatif.crashes").c_str(), &v, 0.0f, 120.0f, "%.1f", ImGuiSliderFlags_Logarithmic))
      ui.whatif_edits[path] = v;
    if (ImGui::IsItemDeactivatedAfterEdit()) commands.post(RequestSetParam{path, fmt::format("{:.3f}", v)});
    ImGui::PopID();
  }
  choice(ui, ui.tr("whatif.bind").c_str(), base + "bind", svc.bind, binds, commands);
  const std::string restart = base + "supervisor.restart";
  if (const auto policies = whatif_restart_choices(svc.supervisor.kind); !policies.empty())
    choice(ui, ui.tr("whatif.restart").c_str(), restart, svc.supervisor.restart, policies, commands);
  else
    text_disabled_wrapped(ui.tr("whatif.no_supervisor"));
  for (const PreStartSpec& step : svc.pre_start) {
    static_assert(std::size(premodes) == 3);
    choice(ui, ui.trf("whatif.pre_start_mode", step.name).c_str(),
           fmt::format("{}pre_start.{}.mode", base, lower_name(step.name, buf)),
           premodes[static_cast<int>(step.mode)].value, premodes, commands);
  }
  for (const DependencySpec& dep : svc.dependencies) {
    const std::string path = fmt::format("{}dependencies.{}.constraint", base, lower_name(dep.package, buf));
    const char* pins[] = {"==0.45.0", ">=0.45.0,<0.46.0", ">=0.45.0"};
    ImGui::PushID(path.c_str());
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 7.5f);
    if (ImGui::BeginCombo(ui.trf("whatif.pin", dep.package).c_str(), dep.constraint.c_str())) {
      for (const char* p : pins)
        if (ImGui::Selectable(p, dep.constraint == p)) commands.post(RequestSetParam{path, quoted(p)});
      ImGui::EndCombo();
    }
    ImGui::PopID();
  }
}

void compare_widgets(const Session& session, const UiState& ui, Commands& commands) {
  const Scenario& sc = session.model().scenario;
  section(ui.tr("whatif.compare"));
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 7.5f);
  const std::string& preview = session.compare_variant().empty()
                                   ? ui.tr("whatif.off")
                                   : variant_title(sc, session.compare_variant(), ui.settings.language);
  if (ImGui::BeginCombo(fmt::format("{}###variant", ui.tr("whatif.variant")).c_str(), preview.c_str())) {
    if (ImGui::Selectable(fmt::format("{}###off", ui.tr("whatif.off")).c_str(), session.compare_variant().empty()))
      commands.post(RequestCompare{""});
    for (const VariantSpec& v : sc.variants)
      if (ImGui::Selectable(fmt::format("{}###{}", v.tr.pick("name", v.name, ui.settings.language), v.name).c_str(),
                            v.name == session.compare_variant()))
        commands.post(RequestCompare{v.name});
    ImGui::EndCombo();
  }
  if (sc.variants.empty()) {  // rich: the Korean marks [[variant]] as code
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    rich_text(ui.tr("whatif.no_variants"));
    ImGui::PopStyleColor();
  }
}

}  // namespace

std::span<const std::string_view> whatif_restart_choices(SupervisorKind kind) {
  if (kind == SupervisorKind::none) return {};
  return supervisor_info(kind).policies;
}

std::span<const std::string_view> whatif_preset_choices() { return proxy_preset_names(); }

void draw_whatif(const PanelContext& ctx, UiState& ui, Commands& commands) {
  const Session& session = ctx.session;
  const Scenario& sc = session.model().scenario;
  if (session.busy()) {
    const double p = session.progress();
    ImGui::ProgressBar(
        static_cast<float>(p), ImVec2(-1, 0),
        fmt::format("{}  ({})", ui.words.percent(p * 100, 0),
                    fmt::format(fmt::runtime(ui.tr("units.s")), fmt::format("{:.1f}", session.busy_seconds())))
            .c_str());
    wrapped_text(session.busy_text(ui.words));
  }
  if (sc.services.empty() && sc.hosts.empty()) {
    text_disabled_wrapped(ui.tr("whatif.no_scenario"));
    return;
  }
  std::string buf;
  // The changes so far, as a scenario file a teacher can hand out (file_browser.cpp saves it).
  ImGui::BeginDisabled(sc.overrides.empty());
  if (ImGui::Button(fmt::format("{}###save", ui.tr("whatif.save")).c_str())) show_file_browser(ui, "", true, true);
  ImGui::EndDisabled();
  section(ui.tr("whatif.run"));
  {
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 7.5f);
    const std::string now = ui.words.span(sc.info.duration);
    if (ImGui::BeginCombo(fmt::format("{}###duration", ui.tr("whatif.duration")).c_str(), now.c_str())) {
      for (const char* d : durations)
        if (ImGui::Selectable(ui.words.span(parse_duration(d).value_or(Time{})).c_str()))
          commands.post(RequestSetParam{"scenario.duration", quoted(d)});
      ImGui::EndCombo();
    }
  }
  for (const ServiceSpec& svc : sc.services) service_widgets(svc, ui, commands);
  for (const HostSpec& host : sc.hosts) {
    section(ui.trf("whatif.host", host.name));
    int_slider("RAM", fmt::format("host.{}.memory", lower_name(host.name, buf)), static_cast<int>(host.memory >> 20),
               256, 65536, "%d MiB", "\"{}MiB\"", ui, commands);
  }
  for (const CertificateSpec& c : sc.certificates) {
    section(ui.trf("whatif.certificate", c.domain));
    const std::string base = fmt::format("certificate.{}.", lower_name(c.domain, buf));
    int_slider(ui.tr("whatif.lifetime").c_str(), base + "lifetime", static_cast<int>(c.lifetime / days(1)), 1, 398,
               ui.tr("whatif.days_format").c_str(), "\"{}d\"", ui, commands);
    // Only certbot leaves the reload to a hook (the loader refuses false with the others): leaving
    // certbot without one brings the reload back first, so that the change loads.
    const std::string reload = base + "reload_after_renewal";
    choice(ui, ui.tr("whatif.renewal").c_str(), base + "renewal", renewals[static_cast<int>(c.renewal)].value, renewals,
           commands, false, [&](std::string_view picked) {
             if (picked != "certbot" && picked != "none" && !c.reload_after_renewal)
               commands.post(RequestSetParam{reload, "true"});
           });
    if (c.renewal == Renewal::certbot)
      checkbox(ui.tr("whatif.reload").c_str(), reload, c.reload_after_renewal, commands);
  }
  if (sc.proxy) {
    section(ui.tr("whatif.proxy"));
    choice(ui, ui.tr("whatif.preset").c_str(), "proxy.preset", proxy_preset(sc.proxy->preset).name,
           whatif_preset_choices(), commands);
    const int tls = sc.proxy->tls_versions == (tls12 | tls13) ? 0 : sc.proxy->tls_versions == tls13 ? 1 : 2;
    choice(ui, "TLS", "proxy.tls_versions", tls_choices[tls].value, tls_choices, commands, true);
    checkbox(ui.tr("whatif.http2").c_str(), "proxy.http2", proxy_offers_h2(*sc.proxy), commands);
    checkbox(ui.tr("whatif.forwarded").c_str(), "proxy.forwarded_headers", proxy_sets_forwarded_headers(*sc.proxy),
             commands);
  }
  for (const ZoneSpec& z : sc.zones) {
    for (const DnsRecordSpec& rec : z.records) {
      section(ui.trf("whatif.dns", rec.name));
      int_slider("TTL", fmt::format("dns.zone.{}.records.{}.ttl", lower_name(z.origin, buf), rec.name),
                 static_cast<int>(rec.ttl / s(1)), 1, 86400, ui.tr("whatif.seconds_format").c_str(), "\"{}s\"", ui,
                 commands);
    }
  }
  for (const ClientSpec& c : sc.clients) {
    section(ui.trf("whatif.client", c.name));
    checkbox(ui.tr("whatif.sni").c_str(), fmt::format("client.{}.sni", lower_name(c.name, buf)), c.sni, commands);
  }
  compare_widgets(session, ui, commands);
}

}  // namespace deploysim::gui
