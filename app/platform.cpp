#include "platform.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

namespace deploysim::gui {

namespace {

// Page faults are dear in this VM (microseconds each), and a GUI run faults in tens of MB: Mesa's
// framebuffers and per-frame vertex and bin data, LLVM's JIT state, the font atlas.
void keep_heap_in_huge_pages() {
  // Mesa allocates and frees a few MB every frame. With glibc's default trim threshold, whether
  // that memory went back to the kernel after each frame depended on the heap's layout: when it
  // did, every frame page-faulted it in again (16 of 20 ms of main-thread CPU at 1,000 packets in
  // flight). Keep it, and serve blocks up to 32 MiB from the heap rather than fresh mappings.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Grow the heap by 72 MiB up front and mark it for transparent huge pages, then free it (it stays
  // in the heap): what the window and the first frames allocate then faults in 2 MiB at a time.
  // Launch to first frame: 11,800 page faults -> 6,400, ~60 ms less CPU. Only address space
  // until touched.
  constexpr size_t block = 24 << 20, huge = 2 << 20;  // 24 MiB: under the mmap threshold
  void* blocks[3] = {std::malloc(block), std::malloc(block), std::malloc(block)};
  const auto [lo_p, hi_p] = std::minmax({blocks[0], blocks[1], blocks[2]});
  if (lo_p) {
    const uintptr_t lo = (reinterpret_cast<uintptr_t>(lo_p) + huge - 1) & ~(huge - 1);
    const uintptr_t hi = (reinterpret_cast<uintptr_t>(hi_p) + block) & ~(huge - 1);
    if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // advice: may be ignored
  }
  for (void* b : blocks) std::free(b);
}

}  // namespace

bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path) {
  keep_heap_in_huge_pages();
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit()) return false;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  // ImGui draws 2D with neither depth nor stencil test: without those buffers (GLFW asks for
  // 24 + 8 bits by default) Mesa sets up the window ~18 ms sooner on llvmpipe.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  // GLX, not EGL: EGL reached the first frame ~55 ms sooner on llvmpipe under Xvfb, but every
  // swap then cost ~35 ms more (43 ms a frame for the empty window against 7).
  p.window = glfwCreateWindow(w, h, "deploysim", nullptr, nullptr);
  if (!p.window) {
    glfwTerminate();
    return false;
  }
  p.windowed_w = w;
  p.windowed_h = h;
  glfwMakeContextCurrent(p.window);
  glfwSwapInterval(vsync ? 1 : 0);
  if (!gladLoadGL(glfwGetProcAddress)) {
    glfwDestroyWindow(p.window);
    glfwTerminate();
    p.window = nullptr;
    return false;
  }
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  p.ini_path = ini_path;
  ImGui::GetIO().IniFilename = p.ini_path.empty() ? nullptr : p.ini_path.c_str();
  ImGui_ImplGlfw_InitForOpenGL(p.window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  return true;
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

bool write_screenshot(const Platform& p, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(p.window, &w, &h);
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), w, h, 3, pixels.data(), w * 3) != 0;
}

void present(const Platform& p) { glfwSwapBuffers(p.window); }

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

double seconds_since_process_start() {
  // Field 22 of /proc/self/stat: start time in clock ticks after boot (comm may hold spaces, so
  // count fields after its closing parenthesis).
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  timespec now{};
  if (field.empty() || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return -1;
  const double start = std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 - start;
}

void close_platform(Platform& p) {
  if (!p.window) return;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(p.window);
  glfwTerminate();
  p.window = nullptr;
}

}  // namespace deploysim::gui
