// deploysim: with no arguments the GUI on the first lesson (or, without a display, the narrated
// terminal walkthrough); subcommands for the CLI front end.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <openssl/opensslv.h>
#include <openssl/crypto.h>

#include "cli/commands.hpp"
#include "cli/tour.hpp"
#include "gui/shell/gui.hpp"

namespace {

void print_version() {
  int major = 0, minor = 0, rev = 0;
  glfwGetVersion(&major, &minor, &rev);
  std::printf("deploysim %s\n", DEPLOYSIM_VERSION);
  std::printf("Dear ImGui %s, GLFW %d.%d.%d, %s\n", ImGui::GetVersion(), major, minor, rev,
              OpenSSL_version(OPENSSL_VERSION));
}

int terminal_fallback(const std::string& lesson) {
  std::printf("deploysim: no display available (DISPLAY unset or GLFW could not open a window); "
              "running the lesson as a narrated terminal walkthrough instead.\n\n");
  deploysim::cli::TourOptions tour;
  tour.lesson = lesson;
  const int rc = deploysim::cli::run_tour(tour);
  return rc == 2 ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"deploysim: watch a request travel from a browser to a FastAPI worker, and what keeps it alive"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the versions of deploysim, ImGui, GLFW and OpenSSL");

  deploysim::cli::Context ctx;
  deploysim::gui::GuiOptions gui_options;
  CLI::App* gui = app.add_subcommand("gui", "Open the window (optionally scripted, for tests)");
  gui->add_option("scenario", gui_options.scenario, "Scenario or lesson file to open");
  gui->add_option("--frames", gui_options.frames, "Render N frames, then quit");
  gui->add_option("--screenshot", gui_options.screenshot, "Write the last frame as PNG");
  gui->add_option("--script", gui_options.script, "Run the commands in FILE (one per line)");
  gui->add_option("--size", gui_options.width, "Window width")->excludes("--frames")->group("");

  deploysim::cli::register_check_command(app, ctx);
  deploysim::cli::register_run_commands(app, ctx);
  deploysim::cli::register_tls_commands(app, ctx);
  deploysim::cli::register_lesson_commands(app, ctx);
  deploysim::cli::register_export_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (version) {
    print_version();
    return 0;
  }
  if (app.get_subcommands().empty() || gui->parsed()) {
    const auto result = deploysim::gui::run_gui(gui_options);
    if (result == deploysim::gui::GuiResult::no_display) {
      if (gui->parsed() && (gui_options.frames || !gui_options.script.empty())) {
        std::fprintf(stderr, "deploysim: no display available for the GUI (try xvfb-run)\n");
        return 1;
      }
      return terminal_fallback(gui_options.scenario);
    }
    if (result == deploysim::gui::GuiResult::bad_input) return 2;
    return result == deploysim::gui::GuiResult::ok ? 0 : 1;
  }
  return ctx.exit_code;
}
