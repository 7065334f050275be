// The topology canvas's layout for every shipped scenario at the canvas sizes the window gives it
// at 1600x900, 1366x768 and 1024x768 (normal and presenter mode): no label overlaps another label
// or a node, everything stays on the canvas, and a host's frame encloses its own processes and
// nothing else.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <imgui.h>

#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "gui/run/layout.hpp"
#include "gui/run/model.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

struct FontContext {
  ImFont* font = nullptr;
  ImVector<ImWchar> hangul;
  // The app's fonts: DejaVu Sans, with NanumGothic's Hangul merged in for the characters of
  // `korean` (theme.cpp's ensure_language_fonts) when it is installed.
  explicit FontContext(float px, const std::string& korean = {}) {
    ImGui::CreateContext();
    const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    font = std::filesystem::exists(sans) ? ImGui::GetIO().Fonts->AddFontFromFileTTF(sans, px)
                                         : ImGui::GetIO().Fonts->AddFontDefault();
    const char* nanum = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";
    if (!korean.empty() && std::filesystem::exists(sans) && std::filesystem::exists(nanum)) {
      ImFontGlyphRangesBuilder builder;
      builder.AddText(korean.c_str());
      builder.BuildRanges(&hangul);
      ImFontConfig cfg;
      cfg.MergeMode = true;
      ImGui::GetIO().Fonts->AddFontFromFileTTF(nanum, px, &cfg, hangul.Data);
    }
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas (no GL needed)
  }
  ~FontContext() { ImGui::DestroyContext(); }
  float width(const std::string& s) const { return font->CalcTextSizeA(font->FontSize, 1e9f, 0, s.c_str()).x; }
};

std::string box_str(const Box& b) { return fmt::format("[{:.0f},{:.0f} {:.0f},{:.0f}]", b.x0, b.y0, b.x1, b.y1); }

CanvasLayout check_layout(const Model& m, const std::string& file, float w, float h, const FontContext& fc,
                          const CanvasWords& words = english_canvas_words) {
  const CanvasLayout lay = layout_canvas_fitted(
      m, w, h, fc.font->FontSize, [&](const std::string& s) { return fc.width(s); }, words);
  if (std::getenv("LAYOUT_DUMP")) fmt::print("{} at {}x{}: text scale {:.1f}\n", file, w, h, lay.text_scale);
  // The 1600x900 canvases keep the full font; a small screen's may
  // draw smaller texts, never below the smallest scale.
  const bool full = w >= 736 && h >= 400;  // 1600x900's canvases
  if (full) {
    INFO(file, " at ", w, "x", h, " draws its texts at ", lay.text_scale);
    CHECK(lay.text_scale == doctest::Approx(1.0));
  }
  CHECK(lay.text_scale >= min_canvas_text_scale - 0.001f);
  const auto& nodes = m.index.nodes;
  REQUIRE(lay.nodes.size() == nodes.size());
  // The lessons' scenarios show each worker on its own on the full-size canvases; only a
  // deployment of many replicas (the imported one: four pods of four workers) stacks them.
  if (full && file != "imported-example.toml") {
    INFO(file, " at ", w, "x", h, " stacks its workers");
    CHECK_FALSE(lay.stacked);
  }
  // A worker not drawn is drawn as part of a stack on its own host, whose label says how many.
  for (size_t k = 0; k < nodes.size(); ++k) {
    if (nodes[k].role != NodeRole::worker || lay.nodes[k].drawn) continue;
    INFO(file, " at ", w, "x", h, ": ", nodes[k].name, " is not drawn");
    REQUIRE(lay.nodes[k].shown_by >= 0);
    const NodePlace& rep = lay.nodes[static_cast<size_t>(lay.nodes[k].shown_by)];
    CHECK(rep.drawn);
    CHECK(nodes[static_cast<size_t>(lay.nodes[k].shown_by)].host == nodes[k].host);
    CHECK(std::count(rep.stack.begin(), rep.stack.end(), k) == 1);
    // Or, where name and number do not fit one line, the status line says how many.
    CHECK((rep.label.ends_with(stack_label("", rep.stack.size(), words)) || rep.count_in_status));
  }
  const Box canvas{0, 0, w, h};
  struct Labelled {
    Box box;
    std::string what;
  };
  std::vector<Labelled> labels, shapes;
  for (size_t k = 0; k < nodes.size(); ++k) {
    const NodePlace& p = lay.nodes[k];
    if (!p.drawn) continue;
    shapes.push_back({p.shape, nodes[k].name + " (node)"});
    labels.push_back({p.name, nodes[k].name + " (name)"});
    if (!p.status.empty()) labels.push_back({p.status, nodes[k].name + " (status)"});
    for (const Box& c : p.certs) labels.push_back({c, nodes[k].name + " (certificate)"});
  }
  for (size_t h2 = 0; h2 < lay.hosts.size(); ++h2) {
    if (lay.hosts[h2].frame.empty()) continue;
    labels.push_back({lay.hosts[h2].title, m.scenario.hosts[h2].name + " (host title)"});
    // A memory bar only where workers run: the model counts nothing else against a host's memory.
    const bool workers = host_runs_workers(m.scenario, m.scenario.hosts[h2].name);
    CHECK_MESSAGE(lay.hosts[h2].memory.empty() == !workers, file, ": ", m.scenario.hosts[h2].name);
    if (workers) labels.push_back({lay.hosts[h2].memory, m.scenario.hosts[h2].name + " (memory bar)"});
  }
  labels.push_back({lay.legend, "legend"});
  const std::string where = fmt::format("{} at {}x{}", file, w, h);
  if (std::getenv("LAYOUT_DUMP"))
    for (size_t k = 0; k < nodes.size(); ++k)
      fmt::print("{} {} host={} drawn={} shape={} name={}\n", where, nodes[k].name, nodes[k].host, lay.nodes[k].drawn,
                 box_str(lay.nodes[k].shape), box_str(lay.nodes[k].name));
  for (const Labelled& l : labels) {
    INFO(where, ": ", l.what, " ", box_str(l.box));
    CHECK(canvas.contains(l.box));
  }
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = i + 1; j < labels.size(); ++j) {
      INFO(where, ": ", labels[i].what, " ", box_str(labels[i].box), " overlaps ", labels[j].what, " ",
           box_str(labels[j].box));
      CHECK_FALSE(labels[i].box.overlaps(labels[j].box));
    }
  for (const Labelled& s : shapes) {
    INFO(where, ": ", s.what, " ", box_str(s.box));
    CHECK(canvas.contains(s.box));
    for (const Labelled& l : labels) {
      INFO(where, ": ", l.what, " ", box_str(l.box), " covers ", s.what);
      CHECK_FALSE(l.box.overlaps(s.box));
    }
    for (const Labelled& o : shapes)
      if (&o != &s) CHECK_FALSE(o.box.overlaps(s.box));
  }
  // The padlocks on the proxy's links: each on the canvas, clear of every label (the certificate
  // line above the proxy used to cover the client link's lock), node and other padlock.
  REQUIRE(lay.locks.size() == m.index.links.size());
  size_t locks = 0;
  for (size_t i = 0; i < lay.locks.size(); ++i) {
    const LockPlace& lock = lay.locks[i];
    if (!lock.drawn) continue;
    ++locks;
    const std::string what = fmt::format("{}: padlock of {} - {} {}", where, nodes[raw(m.index.links[i].a)].name,
                                         nodes[raw(m.index.links[i].b)].name, box_str(lock.box));
    INFO(what);
    CHECK(canvas.contains(lock.box));
    for (const Labelled& l : labels) {
      INFO(what, " under ", l.what, " ", box_str(l.box));
      CHECK_FALSE(l.box.overlaps(lock.box));
    }
    for (const Labelled& s : shapes) {
      INFO(what, " under ", s.what);
      CHECK_FALSE(s.box.overlaps(lock.box));
    }
    for (size_t j = i + 1; j < lay.locks.size(); ++j)
      if (lay.locks[j].drawn) CHECK_FALSE(lay.locks[j].box.overlaps(lock.box));
  }
  // The basic request has them all: the laptop's and the phone's links to the proxy (encrypted),
  // the proxy's to its workers (plaintext). A scenario whose client never reaches the proxy (a
  // wrong DNS record) has none.
  INFO(where);
  if (file == "basic-https.toml") CHECK(locks >= 3);
  // A certificate line keeps clear of the proxy's selection ring (6 px out from the node, 2.5 px wide).
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Box& s = lay.nodes[k].shape;
    const Box ring{s.x0 - 7.25f, s.y0 - 7.25f, s.x1 + 7.25f, s.y1 + 7.25f};
    for (const Box& c : lay.nodes[k].certs) {
      INFO(where, ": certificate line ", box_str(c), " on the selection ring of ", nodes[k].name, " ", box_str(ring));
      CHECK_FALSE(c.overlaps(ring));
    }
  }
  for (size_t h2 = 0; h2 < lay.hosts.size(); ++h2) {
    const Box& frame = lay.hosts[h2].frame;
    if (frame.empty()) continue;
    CHECK(canvas.contains(frame));
    for (size_t k = 0; k < nodes.size(); ++k) {
      const NodePlace& p = lay.nodes[k];
      if (!p.drawn) continue;
      INFO(where, ": host ", m.scenario.hosts[h2].name, " ", box_str(frame), " and ", nodes[k].name, " ",
           box_str(p.shape));
      if (nodes[k].host == static_cast<int>(h2)) {
        CHECK(frame.contains(p.shape));
        CHECK(frame.contains(p.name));
      } else {
        CHECK_FALSE(frame.overlaps(p.shape));
        CHECK_FALSE(frame.overlaps(p.name));
      }
    }
    for (size_t o = h2 + 1; o < lay.hosts.size(); ++o) CHECK_FALSE(frame.overlaps(lay.hosts[o].frame));
    // A link between two nodes outside every host (the resolver and the DNS servers, a client
    // and the resolver) runs around the frames, not across a host's title and memory bar.
    for (const Link& l : m.index.links) {
      const size_t a = raw(l.a), b = raw(l.b);
      if (nodes[a].host >= 0 || nodes[b].host >= 0 || !lay.nodes[a].drawn || !lay.nodes[b].drawn) continue;
      const Box& sa = lay.nodes[a].shape;
      const Box& sb = lay.nodes[b].shape;
      const float ax = (sa.x0 + sa.x1) / 2, ay = (sa.y0 + sa.y1) / 2, bx = (sb.x0 + sb.x1) / 2,
                  by = (sb.y0 + sb.y1) / 2;
      bool crosses = false;
      for (int i = 0; i <= 400 && !crosses; ++i) {
        const float f = static_cast<float>(i) / 400.0f, x = ax + (bx - ax) * f, y = ay + (by - ay) * f;
        crosses = x > frame.x0 && x < frame.x1 && y > frame.y0 && y < frame.y1;
      }
      INFO(where, ": link ", nodes[a].name, " - ", nodes[b].name, " crosses host ", m.scenario.hosts[h2].name, " ",
           box_str(frame));
      CHECK_FALSE(crosses);
    }
  }
  return lay;
}

}  // namespace

TEST_CASE("every shipped scenario's canvas has no overlapping labels and hosts frame only their own processes") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios"))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  // The canvas's content size at 1600x900 (frame.cpp's rectangles minus menu bar, title bar and
  // window padding) with its font: normal mode (16 px), presenter mode (the 26 px font at the
  // canvas's scale, on the bigger presenter canvas).
  struct Size {
    float w, h, font;
  };
  // The compact layout (frame.cpp's small-screen rectangles) at 1024x768 and 1366x768, normal and
  // presenter mode.
  for (const Size sz :
       {Size{736, 404, 16}, Size{1104, 455, 26 * presenter_canvas_scale}, Size{465, 337, 16}, Size{626, 337, 16},
        Size{700, 283, 26 * presenter_canvas_scale}, Size{940, 283, 26 * presenter_canvas_scale}}) {
    FontContext fc(sz.font);
    for (const std::string& file : files) {
      LoadResult loaded = load_scenario_file(file);
      if (loaded.error) FAIL(loaded.error->to_string());
      const auto model = build_model(std::move(*loaded.scenario));
      REQUIRE(model);
      CHECK(model->index.nodes.size() >= 3);
      check_layout(*model, std::filesystem::path(file).filename().string(), sz.w, sz.h, fc);
    }
  }
}

TEST_CASE("the multi-host lessons' canvases are readable on a 1024x768 projector, in English and Korean") {
  // Lesson 08b: four app hosts of one worker behind the proxy's host. Lesson 12: four pods of a
  // manager and four workers, and after its next release at 1 min a new pod beside each.
  const std::string assets = DEPLOYSIM_ASSETS_DIR;
  for (const char* lesson : {"08b-rolling-update", "12-import-your-deployment"}) {
    const LessonLoad ll = load_lesson_file(assets + "/lessons/" + lesson + ".toml");
    if (ll.error) FAIL(ll.error->to_string());
    LoadResult loaded = load_lesson_scenario(*ll.lesson);
    if (loaded.error) FAIL(loaded.error->to_string());
    const auto model = build_model(std::move(*loaded.scenario));
    REQUIRE(model);
    for (const char* lang : {"en", "ko"}) {
      std::string error;
      const auto msgs = Messages::load(lang, &error, assets + "/i18n");
      REQUIRE_MESSAGE(msgs.has_value(), error);
      const CanvasWords words = canvas_words(*msgs);
      std::string text;  // the Hangul the canvas may draw
      for (const std::string& r : words.roles) text += r;
      for (const std::string& l : words.legend) text += l;
      text += words.host_title + words.stack + words.stack_state + words.backing_off + words.days_left +
              words.hours_left + words.minutes_left + words.seconds_left;
      // The canvas in normal mode (16 px) and in presenter mode (26 px at the canvas's scale).
      for (const auto& [w, h, font] :
           {std::tuple{465.0f, 337.0f, 16.0f}, std::tuple{700.0f, 283.0f, 26 * presenter_canvas_scale}}) {
        FontContext fc(font, text);
        const std::string where = fmt::format("{} ({}) at {}x{}", lesson, lang, w, h);
        const CanvasLayout lay = check_layout(*model, where, w, h, fc, words);
        INFO(where);
        const auto& nodes = model->index.nodes;
        const auto& hosts = model->scenario.hosts;
        if (std::string_view(lesson).starts_with("08b")) {
          // Texts a class can read (11 px in normal mode, 14 px in presenter mode), each process
          // and each machine named in full.
          CHECK(lay.text_scale >= 0.7f - 0.001f);
          for (size_t k = 0; k < nodes.size(); ++k) {
            INFO(nodes[k].name, " is labelled ", lay.nodes[k].label);
            if (lay.nodes[k].drawn) CHECK(lay.nodes[k].label.find("..") == std::string::npos);
          }
          for (size_t hi = 0; hi < hosts.size(); ++hi) {
            INFO(hosts[hi].name, "'s title reads ", lay.hosts[hi].label);
            CHECK(lay.hosts[hi].label.find(hosts[hi].name) != std::string::npos);
          }
          continue;
        }
        // Lesson 12's ten processes a host do not fit in full: each pod is one node, and its
        // label, however short, tells the old pod from the new on each host; each host's title
        // keeps the number that tells it from the others.
        if (h < 300) {
          // On the projector the texts stay above the smallest scale: the proxy's host under the
          // clients leaves the four nodes the width of their labels.
          CHECK(lay.text_scale >= 0.7f - 0.001f);
        }
        {
          // Each pod named in full, at 1024x768 too, where the number of its workers goes to the
          // status line: "orders-api-5" over "running ×5", not "..ers-api-5 ×5".
          for (size_t k = 0; k < nodes.size(); ++k) {
            INFO(nodes[k].name, " is labelled ", lay.nodes[k].label);
            if (lay.nodes[k].drawn && nodes[k].host >= 0) CHECK(lay.nodes[k].label.find("..") == std::string::npos);
          }
        }
        for (size_t hi = 0; hi < hosts.size(); ++hi) {
          INFO(hosts[hi].name, "'s title reads ", lay.hosts[hi].label);
          const std::string& name = hosts[hi].name;
          CHECK((lay.hosts[hi].label.find(name) != std::string::npos ||
                 lay.hosts[hi].label.ends_with(name.substr(name.size() - 2))));
          std::vector<std::string> pods;
          for (size_t k = 0; k < nodes.size(); ++k)
            if (lay.nodes[k].drawn && nodes[k].host == static_cast<int>(hi) && nodes[k].role == NodeRole::worker) {
              pods.push_back(lay.nodes[k].label);
              // A shortened pod name keeps the end that tells it from the others: "..i-5", not "or..-5".
              const std::string unit = nodes[k].name.substr(0, nodes[k].name.find('/'));
              const size_t dash = unit.rfind('-');
              if (lay.nodes[k].stack.size() > 1 && dash != std::string::npos && std::isdigit(unit.back())) {
                INFO(unit, " is labelled ", lay.nodes[k].label);
                CHECK(lay.nodes[k].label.find(unit.substr(dash - 1)) != std::string::npos);
              }
            }
          std::sort(pods.begin(), pods.end());
          INFO(fmt::format("{}", fmt::join(pods, ", ")));
          CHECK(std::adjacent_find(pods.begin(), pods.end()) == pods.end());
          if (hi > 0) CHECK(pods.size() == 2);
        }
      }
    }
  }
}

TEST_CASE("lesson 12's pod status lines are whole or shortened, never cut by the host's frame, in Korean") {
  // A 1024x768 projector in presenter mode: before its pod starts, a rolling update's spare place
  // says "아직 파드 없음 5개", which the host's frame used to cut to "아직 파".
  const std::string assets = DEPLOYSIM_ASSETS_DIR;
  const LessonLoad ll = load_lesson_file(assets + "/lessons/12-import-your-deployment.toml");
  if (ll.error) FAIL(ll.error->to_string());
  LoadResult loaded = load_lesson_scenario(*ll.lesson);
  if (loaded.error) FAIL(loaded.error->to_string());
  const auto model = build_model(std::move(*loaded.scenario));
  REQUIRE(model);
  std::string error;
  const auto msgs = Messages::load("ko", &error, assets + "/i18n");
  REQUIRE_MESSAGE(msgs.has_value(), error);
  const CanvasWords words = canvas_words(*msgs);
  const std::string no_pod_yet = (*msgs)("canvas.no_pod_yet");
  FontContext fc(26 * presenter_canvas_scale, no_pod_yet + words.stack_state + words.backing_off);
  const CanvasLayout lay = layout_canvas_fitted(
      *model, 700, 283, fc.font->FontSize, [&](const std::string& s) { return fc.width(s); }, words);
  const auto& nodes = model->index.nodes;
  size_t checked = 0;
  for (size_t k = 0; k < nodes.size(); ++k) {
    const NodePlace& p = lay.nodes[k];
    if (!p.drawn || nodes[k].role != NodeRole::worker || nodes[k].host < 0) continue;
    const float k_scale = lay.text_scale;
    const TextWidth width = [&](const std::string& s) { return fc.width(s) * k_scale; };
    const std::string whole = fmt::format(fmt::runtime(words.stack_state), no_pod_yet, p.stack.size());
    const std::string drawn = fit_status(whole, p.status, width);
    INFO(nodes[k].name, ": '", whole, "' is drawn as '", drawn, "' in ", box_str(p.status));
    CHECK(lay.hosts[static_cast<size_t>(nodes[k].host)].frame.contains(p.status));
    CHECK(width(drawn) + 6 <= p.status.x1 - p.status.x0 + 0.01f);
    CHECK((drawn == whole || drawn.find("..") != std::string::npos));
    // Whole characters only: a syllable split in the middle is drawn as '?'.
    for (size_t i = 0; i < drawn.size();) {
      const auto c = static_cast<unsigned char>(drawn[i]);
      const size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
      REQUIRE(len > 0);
      REQUIRE(i + len <= drawn.size());
      for (size_t j = 1; j < len; ++j) CHECK((static_cast<unsigned char>(drawn[i + j]) & 0xC0) == 0x80);
      i += len;
    }
    ++checked;
  }
  CHECK(checked >= 8);
}

TEST_CASE("four pods of four workers: each pod's workers stacked into one node at the full font") {
  LoadResult loaded = load_scenario_file(std::string(DEPLOYSIM_ASSETS_DIR) + "/scenarios/imported-example.toml");
  if (loaded.error) FAIL(loaded.error->to_string());
  const auto model = build_model(std::move(*loaded.scenario));
  REQUIRE(model);
  FontContext fc(16);
  const CanvasLayout lay =
      layout_canvas_fitted(*model, 736, 404, fc.font->FontSize, [&](const std::string& s) { return fc.width(s); });
  CHECK(lay.stacked);
  CHECK(lay.text_scale == doctest::Approx(1.0));
  std::vector<std::string> stacks;
  for (size_t k = 0; k < lay.nodes.size(); ++k)
    if (lay.nodes[k].stack.size() > 1) stacks.push_back(lay.nodes[k].label);
  // One per pod; the pod's frame names the service, so the label is the workers' name and number.
  CHECK(stacks == std::vector<std::string>(4, "worker ×4"));
  // Where every worker fits, none is stacked: the same scenario on a canvas twice as big.
  const CanvasLayout big =
      layout_canvas_fitted(*model, 1472, 808, fc.font->FontSize, [&](const std::string& s) { return fc.width(s); });
  CHECK_FALSE(big.stacked);
}

TEST_CASE("the timeline's time axis has round ticks whose labels never overlap") {
  FontContext fc(16);
  const TextWidth width = [&](const std::string& s) { return fc.width(s); };
  struct View {
    double t0, t1;
    float px;
  };
  // A 30 s lesson, a 6 min crash loop, a 90 day renewal, zoomed-in milliseconds, a 1024 px window's
  // timeline (about 600 px) and a 1600 px one's (about 950 px).
  for (const View v : {View{0, 30, 600}, View{0, 360, 600}, View{0, 90 * 86400.0, 600}, View{0.2, 0.45, 600},
                       View{12.3, 12.3004, 950}, View{0, 360, 950}, View{0, 90 * 86400.0, 140}, View{0, 7200, 300}}) {
    const std::vector<AxisTick> ticks = axis_ticks(v.t0, v.t1, v.px, width);
    INFO(v.t0, " .. ", v.t1, " s over ", v.px, " px");
    REQUIRE(ticks.size() >= 2);
    for (size_t i = 0; i < ticks.size(); ++i) {
      CHECK(ticks[i].t_s >= v.t0 - 1e-9);
      CHECK(ticks[i].t_s <= v.t1 + 1e-9);
      if (i == 0) continue;
      const double gap_px = (ticks[i].t_s - ticks[i - 1].t_s) / (v.t1 - v.t0) * v.px;
      INFO(ticks[i - 1].label, " then ", ticks[i].label);
      CHECK(gap_px >= width(ticks[i - 1].label) + 2);  // labels start 2 px right of their tick
    }
  }
  // Round labels: whole minutes on a 6 minute run, days on a 90 day one.
  std::vector<std::string> six_min, ninety_days;
  for (const AxisTick& t : axis_ticks(0, 360, 600, width)) six_min.push_back(t.label);
  for (const AxisTick& t : axis_ticks(0, 90 * 86400.0, 600, width)) ninety_days.push_back(t.label);
  CHECK(std::find(six_min.begin(), six_min.end(), "2 min") != six_min.end());
  INFO(fmt::format("{}", fmt::join(ninety_days, ", ")));
  for (size_t i = 1; i < ninety_days.size(); ++i) CHECK(ninety_days[i].ends_with(" d"));
  for (const std::string& l : six_min) CHECK(l.find('.') == std::string::npos);
}

TEST_CASE("a certificate line reads its days as a person writes them") {
  CHECK(gui::cert_label("api.example.test", 60.2) == "api.example.test: 60 days left");
  CHECK(gui::cert_label("api.example.test", 60.96) == "api.example.test: 60 days left");  // whole days, not rounded
  CHECK(gui::cert_label("api.example.test", 1.9) == "api.example.test: 1 day left");
  CHECK(gui::cert_label("api.example.test", 1.3) == "api.example.test: 1 day left");
  // Under a day, hours; under an hour, minutes: never "0 days left" while hours remain.
  CHECK(gui::cert_label("api.example.test", 0.3) == "api.example.test: 7 h left");
  CHECK(gui::cert_label("api.example.test", 4.5 / 24) == "api.example.test: 4 h left");
  CHECK(gui::cert_label("api.example.test", 1.0 / 24) == "api.example.test: 1 h left");
  CHECK(gui::cert_label("api.example.test", 59.9 / 1440) == "api.example.test: 59 min left");
  CHECK(gui::cert_label("api.example.test", 30.4 / 86400) == "api.example.test: 30 s left");
  CHECK(gui::cert_label("api.example.test", 0) == "api.example.test: EXPIRED");
  CHECK(gui::cert_label("api.example.test", -0.1) == "api.example.test: EXPIRED");
}

TEST_CASE("a status too wide keeps its first parts and words whole: the back-off's number is never cut") {
  const TextWidth bytes = [](const std::string& s) { return static_cast<float>(s.size()); };
  const auto box = [](float w) { return Box{0, 0, w + 6, 10}; };  // 3 px of padding each side
  const std::string ko = "재시작 대기 0.1초, 재시작 1번";
  CHECK(fit_status(ko, box(static_cast<float>(ko.size())), bytes) == ko);
  // Not "재시작 대기 0.1..", which reads as a longer number.
  CHECK(fit_status(ko, box(static_cast<float>(ko.size()) - 1), bytes) == "재시작 대기 0.1초..");
  CHECK(fit_status("backing off 0.1 s, 3 restarts", box(24), bytes) == "backing off 0.1 s..");
  CHECK(fit_status("running ×3, starting ×2, crashed ×1", box(29), bytes) == "running ×3, starting ×2..");
  CHECK(fit_status("running ×3, starting ×2, crashed ×1", box(20), bytes) == "running ×3..");
  // Then whole words: the state without its number rather than the number cut.
  CHECK(fit_status(ko, box(22), bytes) == "재시작 대기..");
  CHECK(fit_status("backing off 0.1 s, 3 restarts", box(16), bytes) == "backing off..");
  // A first word wider than the box loses its end, a whole character at a time.
  CHECK(fit_status("CrashLoopBackOff 10.0 s", box(10), bytes) == "CrashLoo..");
  const std::string cut = fit_status(ko, box(8), bytes);
  CHECK(cut == "재시..");
}

TEST_CASE("a name too wide is shortened in its middle, a whole character at a time") {
  const TextWidth bytes = [](const std::string& s) { return static_cast<float>(s.size()); };
  CHECK(elide_middle("api/worker-1", 12, bytes) == "api/worker-1");
  CHECK(elide_middle("api/worker-1", 9, bytes) == "api/..r-1");  // the number that tells replicas apart stays
  const std::string korean = "워커-하나-둘";                     // three bytes a syllable
  const std::string cut = elide_middle(korean, 12, bytes);
  CHECK(cut.size() <= 12);
  CHECK(cut.find("..") != std::string::npos);
  for (size_t i = 0; i < cut.size(); ++i)  // every syllable whole: none starts inside another
    if (cut[i] == '.') CHECK((static_cast<unsigned char>(cut[i + 1]) & 0xC0) != 0x80);
}

TEST_CASE("a node's name in a narrow column keeps its start, and the number that ends it") {
  const TextWidth bytes = [](const std::string& s) { return static_cast<float>(s.size()); };
  CHECK(elide_name("browser", 7, bytes) == "browser");
  CHECK(elide_name("browser", 6, bytes) == "brow..");  // not "br..er"
  CHECK(elide_name("resolver", 6, bytes) == "reso..");
  CHECK(elide_name("api/worker-1", 10, bytes) == "api/wo..-1");
  CHECK(elide_name("api/worker-12", 6, bytes) == "a..-12");
  // A number after a letter is part of a word; a number that alone does not fit: the middle cut.
  CHECK(elide_name("worker2x2", 6, bytes) == elide_middle("worker2x2", 6, bytes));
  CHECK(elide_name("edge-12345", 6, bytes) == elide_middle("edge-12345", 6, bytes));
  const std::string cut = elide_name("워커 ×4", 8, bytes);  // × is two bytes: never half of it
  for (size_t i = 0; i < cut.size(); ++i)
    if (cut[i] == '.') CHECK((static_cast<unsigned char>(cut[i + 1]) & 0xC0) != 0x80);
}

TEST_CASE("the timeline's lane names stay readable when a projector's lanes are thin") {
  // A 1600x900 timeline: lanes of 22 px, one column of names in the full 16 px font.
  const LaneLabels wide = lane_labels(22, 16, 70);
  CHECK(wide.columns == 1);
  CHECK(wide.text_h == 16);
  CHECK(wide.x(1) == 0);
  // A 1024x768 presenter's ten lanes of 8 px: two staggered columns, names of 16 px, not 8.
  const LaneLabels thin = lane_labels(8, 16, 70);
  CHECK(thin.columns == 2);
  CHECK(thin.text_h >= min_lane_text_h);
  CHECK(thin.x(0) == 0);
  CHECK(thin.x(1) == thin.column_w);
  CHECK(thin.x(2) == 0);
  CHECK(thin.column_w >= 70);  // the widest name fits its column
  CHECK(thin.width() == 2 * thin.column_w);
  // Seven lanes of 13 px: names in the full font in two columns, not shrunk to 13 px in one.
  CHECK(lane_labels(13, 16, 70).columns == 2);
  CHECK(lane_labels(13, 16, 70).text_h == 16);
  // Lanes as tall as the font hold their names in one column.
  CHECK(lane_labels(16, 16, 70).columns == 1);
}

TEST_CASE("the timeline's stage checkboxes wrap onto a second line in a 1024 px window, none cut") {
  // The timeline's content at 1024x768 (0.72 of the width, less the window's padding) and at
  // 1600x900, ImGui's default checkbox metrics in the 16 px font, every stage (lesson 08b has ten).
  const std::string assets = DEPLOYSIM_ASSETS_DIR;
  for (const char* lang : {"en", "ko"}) {
    std::string error;
    const auto msgs = Messages::load(lang, &error, assets + "/i18n");
    REQUIRE_MESSAGE(msgs.has_value(), error);
    std::string text = (*msgs)("timeline.stages");
    for (size_t s = 0; s < static_cast<size_t>(Stage::count); ++s) text += msgs->stage(static_cast<Stage>(s));
    FontContext fc(16, text);
    const float frame_h = 16 + 2 * 3, inner = 4, spacing = 8;
    std::vector<float> widths{fc.width((*msgs)("timeline.stages"))};
    for (size_t s = 0; s < static_cast<size_t>(Stage::count); ++s)
      widths.push_back(frame_h + inner + fc.width(msgs->stage(static_cast<Stage>(s))));
    for (const float avail : {721.0f, 1040.0f}) {
      const std::vector<size_t> lines = wrap_items(widths, avail, spacing);
      REQUIRE(lines.size() == widths.size());
      INFO(lang, " in ", avail, " px: lines ", fmt::format("{}", fmt::join(lines, " ")));
      std::vector<float> used(lines.back() + 1, 0);
      for (size_t i = 0; i < widths.size(); ++i) {
        if (i > 0) CHECK(lines[i] - lines[i - 1] <= 1);  // in order, no empty line
        used[lines[i]] += (used[lines[i]] > 0 ? spacing : 0) + widths[i];
      }
      for (const float u : used) CHECK(u <= avail);  // every checkbox whole in the window
      CHECK(lines.back() <= 1);                      // two lines at most: the lanes keep their room
    }
  }
  // A line too narrow for an item gives it one of its own.
  CHECK(wrap_items({50, 200, 50}, 100, 8) == std::vector<size_t>{0, 1, 2});
}
