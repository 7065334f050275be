#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>

#include "deploysim/messages.hpp"

namespace deploysim::cli {

/// Shared by the subcommands: the exit code the program returns (2 = bad input), and the
/// program's words in the language of this command (cli_language: --lang, settings, system).
struct Context {
  int exit_code = 0;
  Messages words;
};

/// A lesson's or exercise's `concept` as the lists show it: [topic] in the catalogues names it in
/// the language; one the catalogue does not know is shown as written.
inline std::string topic_name(const std::string& concept_id, const Messages& w) {
  // Spelled out, not built from the id: tests/test_messages.cpp finds every key the code uses.
  static constexpr std::pair<std::string_view, std::string_view> topics[] = {{"https", "topic.https"},
                                                                             {"sni", "topic.sni"},
                                                                             {"certificates", "topic.certificates"},
                                                                             {"servers", "topic.servers"},
                                                                             {"startup", "topic.startup"},
                                                                             {"restarts", "topic.restarts"},
                                                                             {"replication", "topic.replication"},
                                                                             {"memory", "topic.memory"},
                                                                             {"migrations", "topic.migrations"},
                                                                             {"previous-steps", "topic.previous_steps"},
                                                                             {"versions", "topic.versions"}};
  for (const auto& [id, key] : topics)
    if (id == concept_id) return w(key);
  return concept_id;
}

/// `run` (cli/cmd_run.cpp).
void register_run_commands(CLI::App& app, Context& ctx);
/// `check` (cli/cmd_check.cpp).
void register_check_command(CLI::App& app, Context& ctx);
/// `handshake`, `serve` (cli/cmd_tls.cpp).
void register_tls_commands(CLI::App& app, Context& ctx);
/// `record-tls`, hidden: the transcripts the browser build shows (cli/cmd_record_tls.cpp).
void register_record_tls_command(CLI::App& app, Context& ctx);
/// `lessons`, `tour` (cli/cmd_lessons.cpp).
void register_lesson_commands(CLI::App& app, Context& ctx);
/// `export` (cli/cmd_export.cpp).
void register_export_commands(CLI::App& app, Context& ctx);
/// `exercise` (cli/cmd_exercise.cpp).
void register_exercise_command(CLI::App& app, Context& ctx);
/// `observe` (cli/cmd_observe.cpp).
void register_observe_command(CLI::App& app, Context& ctx);
/// `import` (cli/cmd_import.cpp; builds with DEPLOYSIM_WITH_IMPORT only).
void register_import_command(CLI::App& app, Context& ctx);

/// What running the GUI's script driver came to.
enum class ScriptedGuiResult { ok, no_display, failed };
/// Runs `deploysim gui --script FILE` in this process, printing nothing (empty in a build
/// without the GUI).
using ScriptedGui = std::function<ScriptedGuiResult(const std::string& script_file)>;
/// `handout` (cli/cmd_handout.cpp): its screenshots come from `gui`.
void register_handout_command(CLI::App& app, Context& ctx, ScriptedGui gui);

}  // namespace deploysim::cli
