// deploysim: with no arguments the GUI on the first lesson (or, without a display or in a
// headless build, the narrated terminal walkthrough); subcommands for the CLI front end.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <openssl/opensslv.h>
#include <openssl/crypto.h>

#include "cli/commands.hpp"
#include "cli/cli_platform.hpp"
#include "cli/tour.hpp"
#include "deploysim/assets.hpp"
#include "deploysim/messages.hpp"
#if DEPLOYSIM_WITH_GUI
#include "gui/platform/platform.hpp"
#include "gui/shell/gui.hpp"
#endif

namespace {

void print_version() {
  std::printf("deploysim %s\n", DEPLOYSIM_VERSION);
#if DEPLOYSIM_WITH_GUI
  std::printf("%s, %s\n", deploysim::gui::toolkit_versions().c_str(), OpenSSL_version(OPENSSL_VERSION));
#else
  std::printf("headless build (no GUI), %s\n", OpenSSL_version(OPENSSL_VERSION));
#endif
  std::printf("assets: %s\n", deploysim::assets_dir().c_str());
}

int terminal_fallback(const std::string& lesson, const std::string& lang, const char* why) {
  std::printf("deploysim: %s; running the lesson as a narrated terminal walkthrough instead.\n\n", why);
  deploysim::cli::TourOptions tour;
  tour.lesson = lesson;
  tour.lang = lang.empty() ? deploysim::Messages::system_language() : lang;
  const int rc = deploysim::cli::run_tour(tour);
  return rc == 2 ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Installed (bin/deploysim beside share/deploysim): the assets come from there, not from the
  // source tree the binary was built in.
  if (const std::string installed = deploysim::cli::installed_assets_dir(); !installed.empty())
    deploysim::set_assets_dir(installed);
  CLI::App app{"deploysim: watch a request travel from a browser to a FastAPI worker, and what keeps it alive"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the versions of deploysim, ImGui, GLFW and OpenSSL");

  deploysim::cli::Context ctx;
#if DEPLOYSIM_WITH_GUI
  deploysim::gui::GuiOptions gui_options;
  CLI::App* gui = app.add_subcommand("gui", "Open the window (optionally scripted, for tests)");
  gui->add_option("scenario", gui_options.scenario, "Scenario or lesson file to open");
  gui->add_option("--frames", gui_options.frames, "Render N frames, then quit");
  gui->add_option("--screenshot", gui_options.screenshot, "Write the last frame as PNG");
  gui->add_option("--script", gui_options.script, "Run the commands in FILE (one per line)");
  gui->add_option("--size", gui_options.width, "Window width")->excludes("--frames")->group("");
  // The language of the window: here, else the settings, else the system's (LANG=ko_KR.UTF-8).
  const std::vector<std::string> languages = deploysim::Messages::languages();
  gui->add_option("--lang", gui_options.lang, "Language (default: the settings, else the system's)")
      ->check(CLI::IsMember(languages));
  app.add_option("--lang", gui_options.lang, "Language of the window (as for gui)")->check(CLI::IsMember(languages));
#endif

  deploysim::cli::register_check_command(app, ctx);
  deploysim::cli::register_run_commands(app, ctx);
  deploysim::cli::register_tls_commands(app, ctx);
  deploysim::cli::register_lesson_commands(app, ctx);
  deploysim::cli::register_export_commands(app, ctx);
  deploysim::cli::ScriptedGui scripted_gui;
#if DEPLOYSIM_WITH_GUI
  scripted_gui = [](const std::string& script) {
    deploysim::gui::GuiOptions o;
    o.script = script;
    o.quiet = true;
    const auto r = deploysim::gui::run_gui(o);
    return r == deploysim::gui::GuiResult::ok           ? deploysim::cli::ScriptedGuiResult::ok
           : r == deploysim::gui::GuiResult::no_display ? deploysim::cli::ScriptedGuiResult::no_display
                                                        : deploysim::cli::ScriptedGuiResult::failed;
  };
#endif
  deploysim::cli::register_handout_command(app, ctx, scripted_gui);
  deploysim::cli::register_exercise_command(app, ctx);

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
#if DEPLOYSIM_WITH_GUI
  if (app.get_subcommands().empty() || gui->parsed()) {
    const auto result = deploysim::gui::run_gui(gui_options);
    if (result == deploysim::gui::GuiResult::no_display) {
      if (gui->parsed() && (gui_options.frames || !gui_options.script.empty())) {
        std::fprintf(stderr, "deploysim: no display available for the GUI (try xvfb-run)\n");
        return 1;
      }
      return terminal_fallback(gui_options.scenario, gui_options.lang,
                               "no display available (DISPLAY unset or GLFW could not open a window)");
    }
    if (result == deploysim::gui::GuiResult::bad_input) return 2;
    return result == deploysim::gui::GuiResult::ok ? 0 : 1;
  }
#else
  if (app.get_subcommands().empty()) return terminal_fallback("", "", "this build has no GUI (DEPLOYSIM_GUI=OFF)");
#endif
  return ctx.exit_code;
}
