// bench_frame: the real GUI frame (all panels, render, glFinish) under Xvfb with vsync off, for
// the empty window and for 1,000 and 10,000 packets in flight; and the time from launch to the
// first frame of the first scenario. Run: xvfb-run -a -s "-screen 0 1600x900x24" bench_frame
#include <chrono>
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "frame.hpp"
#include "gui.hpp"
#include "platform.hpp"
#include "session.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

struct Window {
  Platform platform;
  Fonts fonts;
  bool ok = false;
};

Window& window() {
  static Window w;  // one window for every frame benchmark (benchmark code, not UI state)
  if (!w.ok && !w.platform.window) {
    w.ok = open_platform(w.platform, 1600, 900, false, "");
    if (w.ok) {
      w.fonts = load_fonts();
      apply_style(false, 1.0f, w.fonts);
    }
  }
  return w;
}

// A busy edge: 40 clients, one proxy, 8 workers; `in_flight` messages all in the air at t = 1 s,
// spread over client->proxy (TLS, HTTP) and proxy->worker (plain HTTP) links.
std::shared_ptr<const Model> busy_model(int in_flight) {
  Scenario sc;
  sc.info.name = "bench: " + std::to_string(in_flight) + " in flight";
  sc.hosts.push_back(HostSpec{"edge-1", "203.0.113.10", 8ULL << 30, true, {}});
  sc.proxy = ProxySpec{};
  sc.proxy->host = "edge-1";
  ServiceSpec api;
  api.name = "api";
  api.host = "edge-1";
  api.workers = 8;
  sc.services.push_back(api);
  Run run;
  Trace& t = run.trace;
  std::vector<NodeId> clients, workers;
  for (int c = 0; c < 40; ++c) {
    ClientSpec spec;
    spec.name = "client-" + std::to_string(c);
    sc.clients.push_back(spec);
    clients.push_back(t.node(spec.name));
  }
  const NodeId proxy = t.node("proxy");
  for (int w = 0; w < 8; ++w) workers.push_back(t.node("api/worker-" + std::to_string(w + 1)));
  for (int i = 0; i < in_flight; ++i) {
    const bool upstream = i % 3 == 2;
    RecordSpec spec;
    spec.t = ms(500) + us(i % 400);
    spec.kind = upstream ? "proxy.forward" : (i % 3 == 0 ? "tls.client_hello" : "http.request");
    spec.stage = upstream ? Stage::proxy : (i % 3 == 0 ? Stage::tls : Stage::http);
    spec.from = spec.actor = upstream ? proxy : clients[static_cast<size_t>(i) % clients.size()];
    spec.to = upstream ? workers[static_cast<size_t>(i) % workers.size()] : proxy;
    spec.dur = ms(1000);
    spec.conn = static_cast<ConnId>(i);
    t.append(spec);
  }
  run.end = s(2);
  return model_from_run(std::move(sc), std::move(run));
}

void frame(const Session& session, UiState& ui, Commands& commands, Window& w) {
  glfwPollEvents();
  begin_frame();
  draw_frame(session, w.fonts, assets_dir(), nullptr, ui, commands);
  commands.queue.clear();
  render_frame(w.platform);
  glFinish();  // llvmpipe renders lazily: count the pixels, not just the command stream
  present(w.platform);
}

void BM_Frame(benchmark::State& state) {
  Window& w = window();
  if (!w.ok) {
    state.SkipWithError("no display: run under xvfb-run");
    return;
  }
  Session session;
  const int n = static_cast<int>(state.range(0));
  if (n > 0) session.show(busy_model(n));
  UiState ui;
  ui.t_ns = s(1).ns();
  Commands commands;
  for (int k = 0; k < 3; ++k) frame(session, ui, commands, w);  // font atlas, window settle
  for (auto _ : state) frame(session, ui, commands, w);
  state.counters["in_flight"] = n;
}
BENCHMARK(BM_Frame)->Arg(0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// From exec of the real binary to its first frame of the first shipped scenario (the process
// draws one frame and exits; that exit is included, so this is an upper bound).
void BM_LaunchToFirstFrame(benchmark::State& state) {
  const std::string cmd = std::string("'") + DEPLOYSIM_BINARY + "' gui --frames 1 > /dev/null 2>&1";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("deploysim gui --frames 1 failed (no display?)");
      return;
    }
  }
}
BENCHMARK(BM_LaunchToFirstFrame)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  if (window().platform.window) close_platform(window().platform);
  return 0;
}
