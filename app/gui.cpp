// The GUI loop in the shape of Dear ImGui's example_glfw_opengl3: set-up, "our state", the loop
// (poll, NewFrame, draw, Render, swap), clean-up in reverse.
#include "gui.hpp"

#include <cstdio>
#include <vector>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

namespace deploysim::gui {

namespace {

bool write_screenshot(const std::string& path, int w, int h) {
  std::vector<unsigned char> pixels(static_cast<size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1);
  return stbi_write_png(path.c_str(), w, h, 3, pixels.data(), w * 3) != 0;
}

void draw_layout() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 origin = vp->WorkPos, size = vp->WorkSize;
  const float left_w = size.x * 0.20f, right_w = size.x * 0.25f, bottom_h = size.y * 0.25f;
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  struct Region { const char* title; ImVec2 pos, size; };
  const Region regions[] = {
      {"Controls", origin, {left_w, size.y - bottom_h}},
      {"Canvas", {origin.x + left_w, origin.y}, {size.x - left_w - right_w, size.y - bottom_h}},
      {"Inspector", {origin.x + size.x - right_w, origin.y}, {right_w, size.y - bottom_h}},
      {"Timeline", {origin.x, origin.y + size.y - bottom_h}, {size.x, bottom_h}},
  };
  for (const Region& r : regions) {
    ImGui::SetNextWindowPos(r.pos);
    ImGui::SetNextWindowSize(r.size);
    ImGui::Begin(r.title, nullptr, fixed);
    ImGui::TextDisabled("(%s)", r.title);
    ImGui::End();
  }
}

}  // namespace

GuiResult run_gui(const GuiOptions& options) {
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit()) return GuiResult::no_display;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "deploysim", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    return GuiResult::no_display;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.frames ? 0 : 1);
  if (!gladLoadGL(glfwGetProcAddress)) {
    glfwDestroyWindow(window);
    glfwTerminate();
    return GuiResult::failed;
  }
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  // Our state.
  int frame = 0;
  bool screenshot_ok = true;

  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    if (ImGui::BeginMainMenuBar()) {
      if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) glfwSetWindowShouldClose(window, 1);
        ImGui::EndMenu();
      }
      ImGui::EndMainMenuBar();
    }
    draw_layout();

    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++frame;
    const bool last = options.frames && frame >= *options.frames;
    if (last && !options.screenshot.empty()) screenshot_ok = write_screenshot(options.screenshot, w, h);
    glfwSwapBuffers(window);
    if (last) break;
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return screenshot_ok ? GuiResult::ok : GuiResult::failed;
}

}  // namespace deploysim::gui
