// Metrics: availability, latency percentiles, restarts, memory per host against its RAM,
// certificate days left and error budget over simulated time with the playhead marked; in
// compare mode the variant beside this run (a table column, and a red line in each plot).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gui/panels/panels.hpp"
#include "gui/shell/lesson_nav.hpp"
#include "gui/widgets/rich_text.hpp"
#if DEPLOYSIM_WITH_TLS
#include "deploysim/loopback/server_cpu.hpp"
#endif

namespace deploysim::gui {

namespace {

struct Series {
  std::vector<float> t;  // seconds
  std::vector<float> v;
  ImU32 color;
  std::string name;
};

// An axis label: the value as a person writes it (20440, 99.5, 0.25; never 2.044e+04) in the
// unit's format from the catalogue ("{}%", "{}일").
std::string axis_label(double v, const std::string& unit_format) {
  std::string n = std::abs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v);
  if (n.find('.') != std::string::npos) {
    while (n.back() == '0') n.pop_back();
    if (n.back() == '.') n.pop_back();
  }
  if (n == "-0") n = "0";
  return fmt::format(fmt::runtime(unit_format), n);
}

void plot(const UiState& ui, const char* title_key, const std::vector<Series>& series, float t_end, float playhead_s,
          const std::string& unit_format, bool zero_based) {
  // Wrapped: a long title (the availability plot's, in Korean) ran past a narrow panel's edge.
  wrapped_text(ui.tr(title_key));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float h = std::max(50.0f, ImGui::GetFontSize() * 4.0f);
  const ImVec2 size(ImGui::GetContentRegionAvail().x, h);
  ImGui::Dummy(size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(20, 22, 28, 255));
  float lo = zero_based ? 0.0f : 1e30f, hi = -1e30f;
  for (const Series& s : series)
    for (float v : s.v) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi < lo) {
    dl->AddText(ImVec2(p0.x + 6, p0.y + 6), IM_COL32(150, 150, 150, 255), ui.tr("metrics.no_samples").c_str());
    return;
  }
  if (hi - lo < 1e-6f) hi = lo + 1.0f;
  // A range too narrow for its labels to differ (certificate days over a 6-minute run): whole units.
  if (axis_label(hi, unit_format) == axis_label(lo, unit_format)) {
    lo = std::floor(lo);
    hi = std::max(std::ceil(hi), lo + 1.0f);
  }
  const float span = std::max(1e-9f, t_end);
  auto at = [&](float t, float v) {
    return ImVec2(p0.x + size.x * std::clamp(t / span, 0.0f, 1.0f),
                  p0.y + size.y - 4 - (size.y - 8) * (v - lo) / (hi - lo));
  };
  for (const Series& s : series) {
    for (size_t i = 0; i + 1 < s.t.size(); ++i) {
      // A gauge holds its value until the next sample: draw steps.
      const ImVec2 a = at(s.t[i], s.v[i]), b = at(s.t[i + 1], s.v[i]), c = at(s.t[i + 1], s.v[i + 1]);
      dl->AddLine(a, b, s.color, 2.0f);
      dl->AddLine(b, c, s.color, 2.0f);
    }
    if (s.t.size() == 1) dl->AddCircleFilled(at(s.t[0], s.v[0]), 3, s.color);
    if (!s.t.empty()) dl->AddLine(at(s.t.back(), s.v.back()), at(t_end, s.v.back()), s.color, 2.0f);
  }
  const float x = p0.x + size.x * std::clamp(playhead_s / span, 0.0f, 1.0f);
  dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p0.y + size.y), IM_COL32(255, 60, 60, 255), 2.0f);
  const std::string top = axis_label(hi, unit_format);
  dl->AddText(ImVec2(p0.x + 4, p0.y + 2), IM_COL32(200, 200, 200, 255), top.c_str());
  dl->AddText(ImVec2(p0.x + 4, p0.y + size.y - ImGui::GetTextLineHeight() - 2), IM_COL32(200, 200, 200, 255),
              axis_label(lo, unit_format).c_str());
  // The legend from the right, on the plot's background so that the lines do not cross its
  // words; a name that would reach the top value's label starts a row under it ("435 ms" and
  // "p50" ran together as "435p50" in a comparison's four series).
  const float label_end = p0.x + 4 + ImGui::CalcTextSize(top.c_str()).x + 8;
  float lx = p0.x + size.x, ly = p0.y + 2;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    const ImVec2 tsize = ImGui::CalcTextSize(it->name.c_str());
    if (lx - tsize.x - 10 < label_end && lx < p0.x + size.x) {
      lx = p0.x + size.x;
      ly += ImGui::GetTextLineHeight();
    }
    lx -= tsize.x + 10;
    dl->AddRectFilled(ImVec2(lx - 3, ly), ImVec2(lx + tsize.x + 3, ly + tsize.y), IM_COL32(20, 22, 28, 220));
    dl->AddText(ImVec2(lx, ly), it->color, it->name.c_str());
  }
}

Series availability(const Metrics& m, ImU32 color, std::string name) {
  Series s{{}, {}, color, std::move(name)};
  for (const AvailabilityPoint& p : m.availability) {
    const uint64_t total = p.ok + p.failed;
    if (!total) continue;
    s.t.push_back(static_cast<float>(p.t.seconds()));
    s.v.push_back(100.0f * static_cast<float>(p.ok) / static_cast<float>(total));
  }
  return s;
}

Series gauge(const std::vector<GaugePoint>& g, double scale, ImU32 color, std::string name) {
  Series s{{}, {}, color, std::move(name)};
  for (const GaugePoint& p : g)
    s.t.push_back(static_cast<float>(p.t.seconds())), s.v.push_back(static_cast<float>(p.value * scale));
  return s;
}

const ImU32 palette[] = {IM_COL32(90, 200, 255, 255), IM_COL32(255, 180, 60, 255), IM_COL32(150, 230, 120, 255),
                         IM_COL32(240, 120, 200, 255)};
const ImU32 compare_color = IM_COL32(255, 100, 100, 255);

void summary_table(const UiState& ui, const Model& a, const Model* b, const std::string& variant,
                   const Narrator* narrator) {
  const int cols = b ? 3 : 2;
  if (!ImGui::BeginTable("summary", cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) return;
  ImGui::TableSetupColumn(ui.tr("metrics.metric").c_str());
  ImGui::TableSetupColumn(ui.tr("metrics.this_run").c_str());
  if (b) ImGui::TableSetupColumn(variant.c_str());
  ImGui::TableHeadersRow();
  // Wrapped: a narrow panel (a 1024 px window) shows "463.029 ms / 1.781 s" on two lines, not cut.
  // A line too wide for its column breaks after its " / ", so that a value and its unit stay
  // together ("463.029 ms / 1.781" and "s" is what breaking at the last space that fits gives).
  auto value_text = [](const std::string& v) {
    const float avail = ImGui::GetContentRegionAvail().x;
    std::string out;
    for (size_t start = 0; start <= v.size();) {
      const size_t end = std::min(v.find('\n', start), v.size());
      std::string line = v.substr(start, end - start);
      if (ImGui::CalcTextSize(line.c_str()).x > avail)
        for (size_t at = line.find(" / "); at != std::string::npos; at = line.find(" / ", at + 3))
          line.replace(at, 3, " /\n");
      out += (start == 0 ? "" : "\n") + line;
      start = end + 1;
    }
    return out;
  };
  auto line = [&](const char* name, auto value_of) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    wrapped_text(name);
    ImGui::TableSetColumnIndex(1);
    wrapped_text(value_text(value_of(a.run.metrics)));
    if (b) {
      ImGui::TableSetColumnIndex(2);
      wrapped_text(value_text(value_of(b->run.metrics)));
    }
  };
  line(ui.tr("metrics.requests").c_str(),
       [](const Metrics& m) { return fmt::format("{} / {}", m.succeeded, m.requests); });
  line(ui.tr("metrics.availability").c_str(), [&ui](const Metrics& m) {
    return m.requests == 0 ? ui.tr("metrics.availability_none") : ui.words.percent(100.0 * m.availability_ratio(), 2);
  });
  line(ui.tr("metrics.restarts").c_str(), [](const Metrics& m) { return std::to_string(m.restarts); });
  line(ui.tr("metrics.latency").c_str(), [&ui](const Metrics& m) {
    auto it = m.latency.find("total");
    return it == m.latency.end() ? std::string("-")
                                 : fmt::format("{} / {}", ui.time(it->second.p50), ui.time(it->second.p99));
  });
  // One cause per line: a wrapped list split a cause's words from its count.
  line(ui.tr("metrics.failures").c_str(), [&](const Metrics& m) {
    std::string out;
    for (const auto& [cause, n] : m.failures)
      out += fmt::format("{}{}: {}", out.empty() ? "" : "\n", narrator ? narrator->style().failure(cause) : cause, n);
    // Requests neither answered nor failed when the run stopped also keep availability under 100 %.
    if (m.in_flight > 0) out += (out.empty() ? "" : "\n") + ui.trf("metrics.in_flight", m.in_flight);
    return out.empty() ? ui.tr("metrics.none") : out;
  });
  // A second visit (resumption, 0-RTT, HelloRetryRequest): rows only when a run has any.
  auto sessions = [](const Metrics& m) {
    return m.tls_resumed + m.tls_tickets_rejected + m.tls_hello_retries + m.early_data_accepted + m.early_data_refused;
  };
  if (sessions(a.run.metrics) > 0 || (b && sessions(b->run.metrics) > 0)) {
    line(ui.tr("metrics.full_resumed").c_str(),
         [](const Metrics& m) { return fmt::format("{} / {}", m.tls_full_handshakes, m.tls_resumed); });
    line(ui.tr("metrics.hello_retries").c_str(), [](const Metrics& m) { return std::to_string(m.tls_hello_retries); });
    line(ui.tr("metrics.early_data").c_str(),
         [](const Metrics& m) { return fmt::format("{} / {}", m.early_data_accepted, m.early_data_refused); });
    line(ui.tr("metrics.too_early").c_str(), [](const Metrics& m) { return std::to_string(m.too_early_answers); });
    line(ui.tr("metrics.saved").c_str(),
         [&ui](const Metrics& m) { return ui.trf("metrics.saved_value", m.tls_round_trips_saved, m.tls_bytes_saved); });
    // Not a model number: real OpenSSL handshakes timed on this machine, once per program run.
#if DEPLOYSIM_WITH_TLS
    static const loopback::ServerCpu cpu = loopback::measure_server_cpu(false, false, 20);
    // In whole microseconds, written as every other duration is ([units]: "310 us", "310µs").
    const auto us = [&ui](double v) { return ui.time(ns(std::llround(v) * 1000)); };
    const std::string cpu_text = ui.trf("metrics.server_cpu_value", us(cpu.full_us), us(cpu.resumed_us));
#else
    const std::string cpu_text = ui.tr("metrics.server_cpu_desktop");
#endif
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    wrapped_text(ui.tr("metrics.server_cpu"));
    ImGui::TableSetColumnIndex(1);
    wrapped_text(cpu_text);
  }
  ImGui::EndTable();
}

}  // namespace

void draw_metrics(const PanelContext& ctx, UiState& ui, Commands&) {
  const Session& session = ctx.session;
  const Model& m = session.model();
  const Model* cmp = session.compare_model();
  // Nothing open: no "100 % of 0 requests" to read as a result.
  if (m.scenario.services.empty() && m.scenario.hosts.empty()) {
    text_disabled_wrapped(ui.tr("canvas.no_scenario"));
    return;
  }
  // Predict, then reveal: the run's totals and curves answer many questions ("how many handshakes
  // failed?"), so they wait for the learner's answer as the step's record does.
  if (lesson_asking(ui)) {
    text_disabled_wrapped(ui.tr("metrics.hidden_question"));
    return;
  }
  const std::string& variant = variant_title(m.scenario, session.compare_variant(), ui.settings.language);
  summary_table(ui, m, cmp, variant, ctx.narrator);
  const float t_end = static_cast<float>(std::max<double>(m.run.end.seconds(), cmp ? cmp->run.end.seconds() : 0.0));
  const float playhead = static_cast<float>(ui.t_ns) / 1e9f;

  std::vector<Series> avail{availability(m.run.metrics, palette[0], ui.tr("metrics.this_run"))};
  if (cmp) avail.push_back(availability(cmp->run.metrics, compare_color, variant));
  plot(ui, "metrics.availability_plot", avail, t_end, playhead, ui.tr("units.percent"), true);

  std::vector<Series> lat;
  for (int which = 0; which < (cmp ? 2 : 1); ++which) {
    const LatencyWindows& l = (which ? *cmp : m).latency;
    const std::string suffix = which ? " (" + variant + ")" : "";
    lat.push_back({l.t, l.p50_ms, which ? IM_COL32(255, 150, 150, 255) : palette[0], "p50" + suffix});
    lat.push_back({l.t, l.p99_ms, which ? compare_color : palette[1], "p99" + suffix});
  }
  plot(ui, "metrics.latency_plot", lat, t_end, playhead, ui.tr("units.ms"), true);

  std::vector<Series> restarts{gauge(m.run.metrics.restarts_over_time, 1.0, palette[3], ui.tr("metrics.this_run"))};
  if (cmp) restarts.push_back(gauge(cmp->run.metrics.restarts_over_time, 1.0, compare_color, variant));
  plot(ui, "metrics.restarts_plot", restarts, t_end, playhead, "{}", true);

  std::vector<Series> mem;
  size_t k = 0;
  for (const auto& [host, g] : m.run.metrics.memory) {
    const ImU32 c = palette[k++ % 4];
    mem.push_back(gauge(g, 1.0 / (1 << 20), c, host));
    for (const HostSpec& h : m.scenario.hosts)
      if (h.name == host)
        mem.push_back(Series{{0.0f},
                             {static_cast<float>(static_cast<double>(h.memory) / (1 << 20))},
                             (c & 0x00FFFFFF) | 0x70000000,
                             ui.trf("metrics.host_limit", host)});
  }
  if (cmp)
    for (const auto& [host, g] : cmp->run.metrics.memory)
      mem.push_back(gauge(g, 1.0 / (1 << 20), compare_color, host + " (" + variant + ")"));
  plot(ui, "metrics.memory_plot", mem, t_end, playhead, "{} MiB", true);

  std::vector<Series> certs;
  k = 0;
  for (const auto& [domain, g] : m.run.metrics.cert_days_left) certs.push_back(gauge(g, 1.0, palette[k++ % 4], domain));
  if (cmp)
    for (const auto& [domain, g] : cmp->run.metrics.cert_days_left)
      certs.push_back(gauge(g, 1.0, compare_color, domain + " (" + variant + ")"));
  plot(ui, "metrics.certs_plot", certs, t_end, playhead, ui.tr("units.d"), false);

  std::vector<Series> budget{gauge(m.run.metrics.budget_consumed, 100.0, palette[2], ui.tr("metrics.this_run"))};
  if (cmp) budget.push_back(gauge(cmp->run.metrics.budget_consumed, 100.0, compare_color, variant));
  plot(ui, "metrics.budget_plot", budget, t_end, playhead, ui.tr("units.percent"), true);

  if (!m.run.metrics.latency.empty() &&
      ImGui::BeginTable("latency", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    for (const char* h : {"metrics.col_stage", "metrics.col_count"}) ImGui::TableSetupColumn(ui.tr(h).c_str());
    for (const char* h : {"p50", "p90", "p99"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const auto& [stage, key] : latency_stages) {
      const auto found = m.run.metrics.latency.find(stage);
      if (found == m.run.metrics.latency.end()) continue;
      const Percentiles& p = found->second;
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      ImGui::TextUnformatted(ui.tr(key).c_str());
      ImGui::TableSetColumnIndex(1);
      ImGui::Text("%llu", static_cast<unsigned long long>(p.count));
      ImGui::TableSetColumnIndex(2);
      ImGui::TextUnformatted(ui.words.latency(p.p50).c_str());
      ImGui::TableSetColumnIndex(3);
      ImGui::TextUnformatted(ui.words.latency(p.p90).c_str());
      ImGui::TableSetColumnIndex(4);
      ImGui::TextUnformatted(ui.words.latency(p.p99).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace deploysim::gui
