// The window, GL context and ImGui backends: portable GLFW + OpenGL 3.3 core (Linux, macOS,
// Windows), or in the browser build emscripten's GLFW and WebGL 2 (OpenGL ES 3.0) on the page's
// canvas. Nothing here is specific to one operating system, C library or GL driver.
#include "gui/platform/platform.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#else
#include <glad/gl.h>
#endif
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "gui/platform/context_api.hpp"
#include "gui/platform/png_write.hpp"

namespace deploysim::gui {

void create_ui_context() {
  if (ImGui::GetCurrentContext()) return;
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
}

bool init_platform() {
  glfwSetErrorCallback([](int, const char*) {});
  const bool ok = glfwInit();
  launch_stamp("glfw");
  if (!ok) return false;
  create_ui_context();
  return true;
}

#ifdef __EMSCRIPTEN__

namespace {

// The canvas fills the browser window (web/index.html); the window follows it.
WindowSize page_size() {
  return {EM_ASM_INT({ return window.innerWidth; }), EM_ASM_INT({ return window.innerHeight; })};
}

}  // namespace

bool open_window(Platform& p, int w, int h, bool) {
  // WebGL 2 is OpenGL ES 3.0; the browser paces frames itself (requestAnimationFrame).
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  p.window = glfwCreateWindow(w, h, "deploysim", nullptr, nullptr);
  launch_stamp("window");
  if (!p.window) {
    // The page says why there is no window (web/index.html).
    EM_ASM({
      if (Module.onNoWebGL) Module.onNoWebGL();
    });
    return false;
  }
  glfwMakeContextCurrent(p.window);
  p.windowed_w = w;
  p.windowed_h = h;
  return true;
}

WindowSize primary_work_area() { return page_size(); }

void poll_events() {
  // glfwPollEvents has nothing to do here: the browser delivers events between frames.
  GLFWwindow* w = glfwGetCurrentContext();
  const WindowSize page = page_size();
  int cw = 0, ch = 0;
  if (w) glfwGetWindowSize(w, &cw, &ch);
  if (w && page.w > 0 && page.h > 0 && (page.w != cw || page.h != ch)) glfwSetWindowSize(w, page.w, page.h);
}

void toggle_fullscreen(Platform&) {
  EmscriptenFullscreenChangeEvent state;
  if (emscripten_get_fullscreen_status(&state) == EMSCRIPTEN_RESULT_SUCCESS && state.isFullscreen)
    emscripten_exit_fullscreen();
  else
    emscripten_request_fullscreen("#canvas", false);
}

void run_frames(Platform&, std::function<bool()> frame, std::function<void()> done) {
  // The browser calls us once per frame; main() returns to it at once (simulate_infinite_loop).
  struct Loop {
    std::function<bool()> frame;
    std::function<void()> done;
  };
  static Loop loop;
  loop = {std::move(frame), std::move(done)};
  emscripten_set_main_loop_arg(
      [](void*) {
        if (loop.frame()) return;
        emscripten_cancel_main_loop();
        loop.done();
      },
      nullptr, 0, true);
}

#else

bool open_window(Platform& p, int w, int h, bool vsync) {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
#ifdef __APPLE__
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);  // macOS gives a core context only so
#endif
  // ImGui draws 2D with neither depth nor stencil test, so the window needs neither buffer.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  const int api = preferred_context_api();
  glfwWindowHint(GLFW_CONTEXT_CREATION_API, api);
  // GLFW clears and presents a new window's buffer once. With a software renderer that present
  // costs as much as a whole frame at full size, so the window is made small and hidden, then
  // given its size and shown: the first present the learner sees is our first frame.
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  p.window = glfwCreateWindow(64, 64, "deploysim", nullptr, nullptr);
  if (!p.window && api != GLFW_NATIVE_CONTEXT_API) {
    glfwWindowHint(GLFW_CONTEXT_CREATION_API, GLFW_NATIVE_CONTEXT_API);
    p.window = glfwCreateWindow(64, 64, "deploysim", nullptr, nullptr);
  }
  glfwWindowHint(GLFW_VISIBLE, GLFW_TRUE);
  if (p.window) {
    glfwSetWindowSize(p.window, w, h);
    glfwShowWindow(p.window);
  }
  launch_stamp("window");
  const bool ok = p.window && (glfwMakeContextCurrent(p.window), glfwSwapInterval(vsync ? 1 : 0),
                               gladLoadGL(glfwGetProcAddress) != 0);
  if (ok) {
    p.windowed_w = w;
    p.windowed_h = h;
  }
  if (!ok && p.window) glfwDestroyWindow(p.window);
  if (!ok) p.window = nullptr;
  return ok;
}

WindowSize primary_work_area() {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return {};
  int x = 0, y = 0, w = 0, h = 0;
  glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
  if (w <= 0 || h <= 0)
    if (const GLFWvidmode* mode = glfwGetVideoMode(monitor)) w = mode->width, h = mode->height;
  return {w, h};
}

void poll_events() { glfwPollEvents(); }

void toggle_fullscreen(Platform& p) {
  if (GLFWmonitor* current = glfwGetWindowMonitor(p.window)) {
    (void)current;
    glfwSetWindowMonitor(p.window, nullptr, p.windowed_x, p.windowed_y, p.windowed_w, p.windowed_h, 0);
    return;
  }
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return;
  const GLFWvidmode* mode = glfwGetVideoMode(monitor);
  glfwGetWindowPos(p.window, &p.windowed_x, &p.windowed_y);
  glfwGetWindowSize(p.window, &p.windowed_w, &p.windowed_h);
  glfwSetWindowMonitor(p.window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
}

void run_frames(Platform& p, std::function<bool()> frame, std::function<void()> done) {
  while (!should_close(p) && frame()) {}
  done();
}

#endif

void start_renderer(Platform& p, const std::string& ini_path) {
  p.ini_path = ini_path;
  ImGui::GetIO().IniFilename = p.ini_path.empty() ? nullptr : p.ini_path.c_str();
  glfwSetWindowUserPointer(p.window, &p);  // ImGui's GLFW backend keeps its state elsewhere
  glfwSetDropCallback(p.window, [](GLFWwindow* w, int count, const char** paths) {
    auto* platform = static_cast<Platform*>(glfwGetWindowUserPointer(w));
    for (int i = 0; platform && i < count; ++i) push_drop(*platform, paths[i]);
  });
  ImGui_ImplGlfw_InitForOpenGL(p.window, true);
#ifdef __EMSCRIPTEN__
  ImGui_ImplOpenGL3_Init("#version 300 es");
#else
  ImGui_ImplOpenGL3_Init("#version 330 core");
#endif
}

bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path) {
  if (!open_window(p, w, h, vsync)) return false;
  start_renderer(p, ini_path);
  return true;
}

WindowSize fit_window(WindowSize work, bool fill) {
  constexpr WindowSize largest{1600, 900}, smallest{1024, 768};
  if (work.w <= 0 || work.h <= 0) return largest;
  const auto one = [&](int area, int most, int least) {
    const int wanted = fill ? most : std::min(most, area * 9 / 10);
    return std::min(area, std::max(least, wanted));
  };
  return {one(work.w, largest.w, smallest.w), one(work.h, largest.h, smallest.h)};
}

WindowSize window_size(const Platform& p) {
  WindowSize s;
  if (p.window) glfwGetWindowSize(p.window, &s.w, &s.h);
  return s;
}

bool should_close(const Platform& p) { return glfwWindowShouldClose(p.window); }

void request_close(Platform& p) { glfwSetWindowShouldClose(p.window, 1); }

std::string toolkit_versions() {
  int major = 0, minor = 0, rev = 0;
  glfwGetVersion(&major, &minor, &rev);
  char buf[96];
  std::snprintf(buf, sizeof buf, "Dear ImGui %s, GLFW %d.%d.%d", ImGui::GetVersion(), major, minor, rev);
  return buf;
}

void refresh_font_texture() {
  if (!ImGui::GetCurrentContext() || !ImGui::GetIO().BackendRendererUserData) return;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void render_frame(const Platform& p) {
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(p.window, &w, &h);
  glViewport(0, 0, w, h);
  // The panels that tile the window draw no background of their own (frame.cpp): the clear is it.
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

bool write_screenshot(const Platform& p, const std::string& path, ScreenRect part) {
  int fw = 0, fh = 0, ww = 0, wh = 0;
  glfwGetFramebufferSize(p.window, &fw, &fh);
  glfwGetWindowSize(p.window, &ww, &wh);
  // Window coordinates to framebuffer pixels (they differ on high-DPI screens); GL rows go up.
  const double sx = ww > 0 ? static_cast<double>(fw) / ww : 1.0, sy = wh > 0 ? static_cast<double>(fh) / wh : 1.0;
  int x = 0, y = 0, w = fw, h = fh;
  if (part.w > 0 && part.h > 0) {
    x = std::clamp(static_cast<int>(part.x * sx), 0, fw);
    w = std::clamp(static_cast<int>(part.w * sx), 0, fw - x);
    const int top = std::clamp(static_cast<int>(part.y * sy), 0, fh);
    h = std::clamp(static_cast<int>(part.h * sy), 0, fh - top);
    y = fh - top - h;
  }
  if (w <= 0 || h <= 0) return false;
  // RGBA: the one format every GL and WebGL 2 reads back; the PNG keeps RGB.
  const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
  std::vector<unsigned char> rgba(n * 4), pixels(n * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < 3; ++c) pixels[i * 3 + c] = rgba[i * 4 + c];
  return write_png_bottom_up(path, w, h, pixels);
}

std::vector<std::string> take_drops(Platform& p) {
  std::vector<std::string> out;
  out.swap(p.dropped);
  return out;
}

void push_drop(Platform& p, std::string path) { p.dropped.push_back(std::move(path)); }

void present(const Platform& p) { glfwSwapBuffers(p.window); }

namespace {

struct LaunchStamps {
  bool on = std::getenv("DEPLOYSIM_TIMING") != nullptr;
  std::mutex mutex;
  std::vector<std::pair<const char*, double>> steps;
};

// One launch per process, like GLFW's own state.
LaunchStamps launch;

LaunchStamps& stamps() { return launch; }

}  // namespace

void launch_stamp(const char* step) {
  LaunchStamps& s = stamps();
  if (!s.on) return;
  // steady_clock is CLOCK_MONOTONIC where there is one, so a launcher can compare with its own.
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const std::lock_guard lock(s.mutex);
  s.steps.emplace_back(step, ms);
}

std::string launch_stamps() {
  const std::lock_guard lock(stamps().mutex);
  std::string out;
  char buf[96];
  for (const auto& [step, ms] : stamps().steps) {
    std::snprintf(buf, sizeof buf, "%s%s %.3f", out.empty() ? "" : ", ", step, ms);
    out += buf;
  }
  return out;
}

void close_platform(Platform& p) {
  if (p.window && ImGui::GetCurrentContext() && ImGui::GetIO().BackendRendererUserData) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
  }
  if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
  if (p.window) glfwDestroyWindow(p.window);
  glfwTerminate();
  p.window = nullptr;
}

}  // namespace deploysim::gui
