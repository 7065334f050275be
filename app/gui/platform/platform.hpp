#pragma once
#include <string>
#include <vector>

struct GLFWwindow;

namespace deploysim::gui {

/// The window, GL context and ImGui context of one run.
struct Platform {
  GLFWwindow* window = nullptr;                                                 ///< The GLFW window.
  int windowed_x = 100, windowed_y = 100, windowed_w = 1600, windowed_h = 900;  ///< Restored on leaving fullscreen.
  std::string ini_path;              ///< imgui.ini path ("" = ImGui writes none).
  std::vector<std::string> dropped;  ///< Files dropped onto the window since take_drops().
};

/// Connects to the display (GLFW) and creates the ImGui context, so that fonts can be built before
/// the window exists. False when there is no display. close_platform() undoes it, with or
/// without a window.
bool init_platform();
/// After init_platform(): opens a window of w x h with GL 3.3 core and ImGui's backends on it;
/// false when that fails. `vsync` off for tests and benchmarks. `ini_path` "" keeps ImGui from
/// writing imgui.ini.
bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path);
/// Uploads the font atlas again after fonts were added to it (before a window exists the
/// renderer uploads it when it starts; nothing to do then).
void refresh_font_texture();
/// Takes the window system's events (input, resizes) since the last call.
void poll_events();
/// Whether the user asked to close the window (or request_close() was called).
bool should_close(const Platform& p);
/// Asks the loop to end after this frame.
void request_close(Platform& p);
/// The window toolkit's and ImGui's versions, for --version ("Dear ImGui 1.86, GLFW 3.3.8").
std::string toolkit_versions();
/// Starts an ImGui frame (poll events first).
void begin_frame();
/// Renders the ImGui frame into the back buffer (does not swap).
void render_frame(const Platform& p);
/// Writes the back buffer as PNG (call after render_frame, before swapping).
bool write_screenshot(const Platform& p, const std::string& path);
/// The files dropped onto the window (GLFW's drop callback) since the last call, in order.
std::vector<std::string> take_drops(Platform& p);
/// Adds a dropped file as the drop callback does (the script's `drop PATH` comes this way too).
void push_drop(Platform& p, std::string path);
/// Swaps buffers.
void present(const Platform& p);
/// Switches between windowed and fullscreen on the primary monitor.
void toggle_fullscreen(Platform& p);
/// DEPLOYSIM_TIMING=1: notes when a step of the launch ends, on the steady clock (CLOCK_MONOTONIC
/// where there is one; no-op otherwise).
void launch_stamp(const char* step);
/// The stamps so far as "step MS, step MS, ..." in steady-clock milliseconds ("" without timing).
std::string launch_stamps();
/// Shuts ImGui and GLFW down in reverse order (after init_platform(), with or without a window).
void close_platform(Platform& p);

}  // namespace deploysim::gui
