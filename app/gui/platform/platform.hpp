#pragma once
#include <functional>
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

/// A size in screen coordinates.
struct WindowSize {
  int w = 0, h = 0;  ///< Width and height (0 = unknown).
};

/// The size a window opens at on a monitor whose work area (the screen minus task bars and docks)
/// is `work`: 90 % of it, at most 1600x900 and at least 1024x768, never more than the work area
/// itself. `fill`: as large as the work area allows up to 1600x900 (scripted runs and screenshots
/// keep their 1600x900 frames where the screen has room). Unknown work area: 1600x900.
WindowSize fit_window(WindowSize work, bool fill);
/// After init_platform(): the work area of the primary monitor, where a new window opens
/// ({0, 0} when GLFW knows no monitor).
WindowSize primary_work_area();
/// The window's size now, in screen coordinates.
WindowSize window_size(const Platform& p);

/// Creates the ImGui context (no display needed), so that fonts can be built on any thread while
/// the window opens. close_platform() destroys it.
void create_ui_context();
/// Connects to the display (GLFW; main thread only), creating the ImGui context if there is none.
/// False when there is no display. close_platform() undoes it, with or without a window.
bool init_platform();
/// After init_platform(), main thread only: opens a window of w x h with a GL 3.3 core context
/// and loads GL; false when that fails. `vsync` off for tests and benchmarks. Touches no ImGui
/// state, so another thread may build fonts meanwhile.
bool open_window(Platform& p, int w, int h, bool vsync);
/// After open_window() and once the fonts are added: starts ImGui's GLFW and OpenGL backends on
/// the window. `ini_path` "" keeps ImGui from writing imgui.ini.
void start_renderer(Platform& p, const std::string& ini_path);
/// open_window() then start_renderer().
bool open_platform(Platform& p, int w, int h, bool vsync, const std::string& ini_path);
/// Uploads the font atlas again after fonts were added to it (before a window exists the
/// renderer uploads it when it starts; nothing to do then).
void refresh_font_texture();
/// Calls `frame` once per displayed frame until it returns false or the window is closed, then
/// `done`. The desktop loops here and returns; in a browser the page calls `frame` and this
/// returns to the browser at once (never to the caller), so keep nothing on the caller's stack.
void run_frames(Platform& p, std::function<bool()> frame, std::function<void()> done);
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
/// A rectangle in window coordinates, top-left origin (w == 0: none).
struct ScreenRect {
  int x = 0, y = 0, w = 0, h = 0;  ///< Corner and size.
};
/// Writes the back buffer as PNG (call after render_frame, before swapping): all of it, or only
/// `part` (clipped to the window) when it has a size.
bool write_screenshot(const Platform& p, const std::string& path, ScreenRect part = {});
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
