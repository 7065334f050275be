// bench_frame: the real GUI frame (all panels, render, glFinish) under Xvfb with vsync off, for
// the empty window and for 1,000 and 10,000 packets in flight; and the time from launch to the
// first frame of the first scenario. Run: xvfb-run -a -s "-screen 0 1600x900x24" bench_frame
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <unistd.h>

#include <benchmark/benchmark.h>
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "gui/shell/dev_fixture.hpp"
#include "gui/shell/frame.hpp"
#include "gui/shell/gui.hpp"
#include "gui/platform/platform.hpp"
#include "gui/run/session.hpp"

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
    w.ok = init_platform() && open_platform(w.platform, 1600, 900, false, "");
    if (w.ok) {
      load_fonts(w.fonts);
      apply_style(false, 1.0f, w.fonts);
    }
  }
  return w;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
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

// The floor under every frame: clear, finish and present with no UI at all (what Xvfb and
// llvmpipe cost before a single widget is drawn).
void BM_ClearAndPresent(benchmark::State& state) {
  Window& w = window();
  if (!w.ok) {
    state.SkipWithError("no display: run under xvfb-run");
    return;
  }
  for (auto _ : state) {
    glfwPollEvents();
    glClearColor(0.1f, 0.1f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glFinish();
    present(w.platform);
  }
}
BENCHMARK(BM_ClearAndPresent)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

void BM_Frame(benchmark::State& state) {
  Window& w = window();
  if (!w.ok) {
    state.SkipWithError("no display: run under xvfb-run");
    return;
  }
  Session session;
  const int n = static_cast<int>(state.range(0));
  if (n > 0) session.show(in_flight_fixture(n));
  UiState ui;
  ui.t_ns = s(1).ns();
  Commands commands;
  for (int k = 0; k < 3; ++k) frame(session, ui, commands, w);  // font atlas, window settle
  // CPU of the whole process (llvmpipe's rasterizer threads included): the work a frame costs,
  // less sensitive than wall time to other load on the machine.
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) frame(session, ui, commands, w);
  state.counters["in_flight"] = n;
  state.counters["cpu_ms"] = (process_cpu_seconds() - cpu0) * 1e3 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Frame)->Arg(0)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// From spawning the real binary to its first frame of the first shipped scenario, with the steps
// on the way (main() entered, window and GL context made) on the same clock.
// Runs `deploysim gui --frames 1` with DEPLOYSIM_TIMING=1 (stdout to /dev/null, stderr to
// `log`) and returns its exit status, or -1. posix_spawn, not system(): fork()ing this process,
// which holds a GL context and Mesa's mappings, took ~50 ms before the child even started.
int launch_app(const std::string& log) {
  std::vector<std::string> env_text{"DEPLOYSIM_TIMING=1"};
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string bin = DEPLOYSIM_BINARY, gui = "gui", frames = "--frames", one = "1";
  char* argv[] = {bin.data(), gui.data(), frames.data(), one.data(), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, bin.c_str(), &fa, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void BM_LaunchToFirstFrame(benchmark::State& state) {
  // An X server regenerates itself when its last client disconnects (Xvfb as xvfb-run starts it:
  // no -noreset), and the next client's connection then waits for that: 65-100 ms here, against
  // 2-3 ms otherwise. On a desktop the window manager and others stay connected, so the server
  // never resets between two launches; this process stays connected too, for the same reason.
  if (!glfwInit()) {
    state.SkipWithError("no display (run under xvfb-run)");
    return;
  }
  const std::string log = "/tmp/bench_frame_timing." + std::to_string(getpid()) + ".txt";
  double main_ms = 0, window_ms = 0, first_ms = 0;
  for (auto _ : state) {
    // From just before the launch (spawn, exec, loading) to the first frame of the first
    // scenario, both on CLOCK_MONOTONIC (the app prints its stamp with DEPLOYSIM_TIMING).
    timespec launch{};
    clock_gettime(CLOCK_MONOTONIC, &launch);
    const double launch_ms = static_cast<double>(launch.tv_sec) * 1e3 + static_cast<double>(launch.tv_nsec) / 1e6;
    if (launch_app(log) != 0) {
      state.SkipWithError("deploysim gui --frames 1 failed (no display?)");
      return;
    }
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      // "timing: ...; monotonic ms: main T, state T, glfw T, ..., first frame T"
      const size_t at = line.find("monotonic ms: ");
      if (at == std::string::npos) continue;
      std::istringstream steps(line.substr(at + 14));
      std::string item;
      while (std::getline(steps, item, ',')) {
        const size_t space = item.find_last_of(' ');
        const std::string step = item.substr(item.find_first_not_of(' '), space - item.find_first_not_of(' '));
        const double ms = std::atof(item.c_str() + space + 1) - launch_ms;
        if (step == "main") main_ms += ms;
        if (step == "window") window_ms += ms;
        if (step == "first frame") first_ms += ms;
      }
    }
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["main_ms"] = main_ms / n;
  state.counters["window_ms"] = window_ms / n;
  std::remove(log.c_str());
  state.counters["first_frame_ms"] = first_ms / n;
}
BENCHMARK(BM_LaunchToFirstFrame)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  if (window().platform.window) close_platform(window().platform);
  return 0;
}
