#include "gui/platform/platform.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <link.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

namespace {

// While nonzero, getpid() answers this instead of asking the kernel (see open_platform).
std::atomic<pid_t> cached_pid{0};

}  // namespace

// Defined in the executable, so that it stands in for libc's getpid() in every library.
extern "C" pid_t getpid() noexcept {
  if (const pid_t pid = cached_pid.load(std::memory_order_relaxed)) return pid;
  return static_cast<pid_t>(syscall(SYS_getpid));
}

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

namespace {

// Mesa's GL driver (with LLVM, ~140 MB of libraries to map and relocate, ~55-85 ms) is most of the
// time to a window. Loading it on a helper thread while the UI thread finishes glfwInit() and
// builds the font atlas takes part of that off the critical path: when GLX later loads the
// driver, it is there.
std::thread gl_driver_preload;
enum class GlfwInit { running, ok, failed };
std::atomic<GlfwInit> glfw_init{GlfwInit::running};

// True once GLFW has loaded the last of the X extension libraries it opens in glfwInit().
int x11_xcb_loaded(dl_phdr_info* info, size_t, void*) {
  return info->dlpi_name && std::strstr(info->dlpi_name, "/libX11-xcb.so") ? 1 : 0;
}

void start_gl_driver_preload() {
  if (gl_driver_preload.joinable()) gl_driver_preload.join();  // a second init_platform()
  glfw_init.store(GlfwInit::running);
  // Only where Mesa will be the GL vendor and looks in its default place: with another vendor
  // (NVIDIA's libGLX_nvidia) or another driver directory, loading Mesa would be work for nothing.
  const char* vendor = std::getenv("__GLX_VENDOR_LIBRARY_NAME");
  if ((vendor && std::string_view(vendor) != "mesa") || std::getenv("LIBGL_DRIVERS_PATH")) return;
  const std::string dir = DEPLOYSIM_DRI_DIR;
  if (dir.empty() || access((dir + "/swrast_dri.so").c_str(), R_OK) != 0 ||
      access((std::filesystem::path(dir).parent_path() / "libGLX_nvidia.so.0").c_str(), F_OK) == 0)
    return;
  // The same flags as Mesa's loader, so that its dlopen() finds this very object. Every gallium
  // driver name (iris, radeonsi, swrast, ...) is a hard link to this one file.
  gl_driver_preload = std::thread([path = dir + "/swrast_dri.so"] {
    // dlopen() holds the loader's lock throughout, and glfwInit() opens the X extension
    // libraries with dlopen() once it has connected to the display: start when it has opened the
    // last of them (libX11-xcb), so that loading the driver overlaps the rest of glfwInit
    // (keyboard tables, the Compose file: ~40 ms), or when glfwInit() has returned (not at all if
    // it failed). dl_iterate_phdr takes only the loader's list lock, briefly.
    while (glfw_init.load(std::memory_order_acquire) == GlfwInit::running && dl_iterate_phdr(x11_xcb_loaded, nullptr) == 0)
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    if (glfw_init.load(std::memory_order_acquire) == GlfwInit::failed) return;
    launch_stamp("driver start");
    dlopen("libGLX_mesa.so.0", RTLD_NOW | RTLD_LOCAL);
    dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  });
}

}  // namespace

// When GLFW opens the input method, Xlib parses the locale's Compose file (~6,000 lines, a
// character at a time). Given a cache directory it maps a compiled copy instead: glfwInit() took
// 21-30 ms instead of 33-45 here. Xlib caches only for a user other than root, and rebuilds the
// copy once a day. A cache directory the user chose (XCOMPOSECACHE, ~/.compose-cache) wins.
void use_compose_cache() {
  if (std::getenv("XCOMPOSECACHE") || geteuid() == 0) return;
  std::string dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) dir = std::string(xdg) + "/deploysim/compose";
  else if (const char* home = std::getenv("HOME"); home && *home) {
    std::error_code ec;
    if (std::filesystem::is_directory(std::string(home) + "/.compose-cache", ec)) return;
    dir = std::string(home) + "/.cache/deploysim/compose";
  }
  std::error_code ec;
  if (dir.empty() || (!std::filesystem::create_directories(dir, ec) && ec)) return;
  // Xlib wants it private: owned by the user, writable by no one else.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (!ec) setenv("XCOMPOSECACHE", dir.c_str(), 0);
}

bool init_platform() {
  keep_heap_in_huge_pages();
  glfwSetErrorCallback([](int, const char*) {});
  start_gl_driver_preload();
  const bool ok = glfwInit();
  glfw_init.store(ok ? GlfwInit::ok : GlfwInit::failed, std::memory_order_release);
  launch_stamp("glfw");
  if (!ok) return false;
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  return true;
}

bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path) {
  if (gl_driver_preload.joinable()) gl_driver_preload.join();
  launch_stamp("driver");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  // ImGui draws 2D with neither depth nor stencil test: without those buffers (GLFW asks for
  // 24 + 8 bits by default) Mesa sets up the window ~18 ms sooner on llvmpipe.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  // GLX, not EGL: EGL reached the first frame ~55 ms sooner on llvmpipe under Xvfb, but every
  // swap then cost ~35 ms more (43 ms a frame for the empty window against 7).
  // glvnd's libGLX calls getpid() on every GLX call to notice a fork, and GLFW asks for up to 16
  // attributes of each framebuffer configuration (Xvfb offers 840): ~23,000 system calls, ~35 ms
  // in this VM. This process does not fork; while the window, context and GL loader are made,
  // getpid() answers from memory.
  cached_pid.store(static_cast<pid_t>(syscall(SYS_getpid)), std::memory_order_relaxed);
  p.window = glfwCreateWindow(w, h, "deploysim", nullptr, nullptr);
  launch_stamp("window");
  const bool ok = p.window && (glfwMakeContextCurrent(p.window), glfwSwapInterval(vsync ? 1 : 0),
                               gladLoadGL(glfwGetProcAddress) != 0);
  if (ok) {
    p.windowed_w = w;
    p.windowed_h = h;
    p.ini_path = ini_path;
    ImGui::GetIO().IniFilename = p.ini_path.empty() ? nullptr : p.ini_path.c_str();
    ImGui_ImplGlfw_InitForOpenGL(p.window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
  }
  cached_pid.store(0, std::memory_order_relaxed);
  if (!ok && p.window) glfwDestroyWindow(p.window);
  if (!ok) p.window = nullptr;
  return ok;
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

namespace {

struct LaunchStamps {
  bool on = std::getenv("DEPLOYSIM_TIMING") != nullptr;
  std::mutex mutex;  // the driver's helper thread stamps too
  std::vector<std::pair<const char*, double>> steps;
};

LaunchStamps& stamps() {
  static LaunchStamps s;
  return s;
}

}  // namespace

void launch_stamp(const char* step) {
  LaunchStamps& s = stamps();
  if (!s.on) return;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const std::lock_guard lock(s.mutex);
  s.steps.emplace_back(step, static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6);
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
  if (gl_driver_preload.joinable()) gl_driver_preload.join();
  if (p.window) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
  }
  if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
  if (p.window) glfwDestroyWindow(p.window);
  glfwTerminate();
  p.window = nullptr;
}

}  // namespace deploysim::gui
