#pragma once
#include <string>

struct GLFWwindow;

namespace deploysim::gui {

/// The window, GL context and ImGui context of one run.
struct Platform {
  GLFWwindow* window = nullptr;    ///< The GLFW window.
  int windowed_x = 100, windowed_y = 100, windowed_w = 1600, windowed_h = 900;  ///< Restored on leaving fullscreen.
  std::string ini_path;            ///< imgui.ini path ("" = ImGui writes none).
};

/// Opens a window of w x h with GL 3.3 core and ImGui on it; false when there is no display.
/// `vsync` off for tests and benchmarks. `ini_path` "" keeps ImGui from writing imgui.ini.
bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path);
/// Starts an ImGui frame (poll events first).
void begin_frame();
/// Renders the ImGui frame into the back buffer (does not swap).
void render_frame(const Platform& p);
/// Writes the back buffer as PNG (call after render_frame, before swapping).
bool write_screenshot(const Platform& p, const std::string& path);
/// Swaps buffers.
void present(const Platform& p);
/// Switches between windowed and fullscreen on the primary monitor.
void toggle_fullscreen(Platform& p);
/// Seconds since this process started (exec), from /proc (10 ms resolution); -1 when unknown.
double seconds_since_process_start();
/// Shuts ImGui and GLFW down in reverse order.
void close_platform(Platform& p);

}  // namespace deploysim::gui
