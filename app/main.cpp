// deploysim: with no arguments the GUI on the first lesson (or, without a display or in a
// headless build, the narrated terminal walkthrough); subcommands for the CLI front end.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#if DEPLOYSIM_WITH_TLS
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#endif

#include "cli/commands.hpp"
#include "cli/cli_platform.hpp"
#include "cli/language.hpp"
#include "cli/tour.hpp"
#include "deploysim/assets.hpp"
#include "deploysim/messages.hpp"
#if DEPLOYSIM_WITH_GUI
#include "gui/platform/platform.hpp"
#include "gui/shell/gui.hpp"
#endif

namespace {

void print_version(const deploysim::Messages& words) {
  std::printf("deploysim %s\n", DEPLOYSIM_VERSION);
#if DEPLOYSIM_WITH_TLS
  const char* tls = OpenSSL_version(OPENSSL_VERSION);
#else
  const std::string no_tls = words("cli.no_tls_build");
  const char* tls = no_tls.c_str();
#endif
#if DEPLOYSIM_WITH_GUI
  std::printf("%s, %s\n", deploysim::gui::toolkit_versions().c_str(), tls);
#else
  std::printf("%s, %s\n", words("cli.headless_build").c_str(), tls);
#endif
  std::printf("%s\n", words.format("cli.assets", deploysim::assets_dir()).c_str());
}

int terminal_fallback(const std::string& lesson, const deploysim::Messages& words, const std::string& why) {
  std::printf("deploysim: %s\n\n", words.format("cli.fallback", why).c_str());
  deploysim::cli::TourOptions tour;
  tour.lesson = lesson;
  tour.lang = words.lang();
  const int rc = deploysim::cli::run_tour(tour);
  return rc == 2 ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
#if DEPLOYSIM_WITH_GUI
  deploysim::gui::launch_stamp("start");
#endif
  // Installed (bin/deploysim beside share/deploysim): the assets come from there, not from the
  // source tree the binary was built in.
  if (const std::string installed = deploysim::cli::installed_assets_dir(); !installed.empty())
    deploysim::set_assets_dir(installed);
  deploysim::cli::Context ctx;
  {
    std::string error;
    // The command line's own words are in the learner's language, help texts included.
    auto words = deploysim::Messages::load(deploysim::cli::cli_language(argc, argv), &error);
    if (!words) words = deploysim::Messages::load("en", &error);
    if (!words) {
      std::fprintf(stderr, "deploysim: %s\n", error.c_str());
      return 2;
    }
    ctx.words = std::move(*words);
  }
  CLI::App app{ctx.words("cli_help.app")};
  app.require_subcommand(0, 1);
  // An option a command does not have goes to the program's own (so `deploysim import DIR --lang ko`
  // works as `deploysim --lang ko import DIR` does); the commands made below inherit this.
  app.fallthrough();
  bool version = false;
  app.add_flag("--version", version, ctx.words("cli_help.version"));

#if DEPLOYSIM_WITH_GUI
  deploysim::gui::GuiOptions gui_options;
  CLI::App* gui = app.add_subcommand("gui", ctx.words("cli_help.gui"));
  gui->add_option("scenario", gui_options.scenario, ctx.words("cli_help.gui_scenario"));
  gui->add_option("--frames", gui_options.frames, ctx.words("cli_help.gui_frames"));
  gui->add_option("--screenshot", gui_options.screenshot, ctx.words("cli_help.gui_screenshot"));
  gui->add_option("--script", gui_options.script, ctx.words("cli_help.gui_script"));
  gui->add_flag("--keep-settings", gui_options.keep_settings, ctx.words("cli_help.gui_keep_settings"));
  gui->add_option("--size", gui_options.width, ctx.words("cli_help.gui_size"))->group("");
  // The language of the window: here, else the settings, else the system's (LANG=ko_KR.UTF-8).
  const std::vector<std::string> languages = deploysim::Messages::languages();
  gui->add_option("--lang", gui_options.lang, ctx.words("cli_help.gui_lang"))->check(CLI::IsMember(languages));
#endif
  // Before any subcommand, for every command (cli_language reads it before the parser exists).
  std::string lang;
  app.add_option("--lang", lang, ctx.words("cli_help.lang"))->check(CLI::IsMember(deploysim::Messages::languages()));

  deploysim::cli::register_check_command(app, ctx);
  deploysim::cli::register_run_commands(app, ctx);
#if DEPLOYSIM_WITH_TLS
  deploysim::cli::register_tls_commands(app, ctx);
  deploysim::cli::register_record_tls_command(app, ctx);
#endif
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
  deploysim::cli::register_observe_command(app, ctx);
#ifdef DEPLOYSIM_WITH_IMPORT
  deploysim::cli::register_import_command(app, ctx);
#endif

  deploysim::cli::localize_cli(app, ctx.words);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (version) {
    print_version(ctx.words);
    return 0;
  }
#if DEPLOYSIM_WITH_GUI
  if (gui_options.lang.empty()) gui_options.lang = lang;
  if (app.get_subcommands().empty() || gui->parsed()) {
    const auto result = deploysim::gui::run_gui(gui_options);
    if (result == deploysim::gui::GuiResult::no_display) {
      if (gui->parsed() && (gui_options.frames || !gui_options.script.empty())) {
        std::fprintf(stderr, "deploysim: %s\n", ctx.words("cli.no_display_gui").c_str());
        return 1;
      }
      return terminal_fallback(gui_options.scenario, ctx.words, ctx.words("cli.no_display"));
    }
    if (result == deploysim::gui::GuiResult::bad_input) return 2;
    return result == deploysim::gui::GuiResult::ok ? 0 : 1;
  }
#else
  if (app.get_subcommands().empty()) return terminal_fallback("", ctx.words, ctx.words("cli.no_gui_build"));
#endif
  return ctx.exit_code;
}
