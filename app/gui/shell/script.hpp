#pragma once
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "gui/shell/commands.hpp"
#include "gui/shell/narrate.hpp"
#include "gui/run/session.hpp"
#include "gui/shell/shortcuts.hpp"
#include "gui/shell/ui_state.hpp"

namespace deploysim::gui {

/// One parsed script line: the verb and its arguments, already checked.
struct ScriptLine {
  uint32_t line = 0;   ///< 1-based line in the file.
  std::string verb;    ///< open, step, seek, select, set, frames, screenshot, quit, ...
  std::string arg;     ///< First argument (path, key, variant, ...).
  std::string value;   ///< `set KEY VALUE`: the value (TOML text, rest of the line).
  int64_t number = 0;  ///< step N, select SEQ, frames N; seek: ns.
};

/// A script error located in its file.
struct ScriptError {
  std::string file;     ///< Script path.
  uint32_t line = 0;    ///< 1-based.
  uint32_t column = 0;  ///< 1-based.
  std::string message;  ///< What is wrong and what is expected.
  /// "file:line:column: message".
  std::string to_string() const;
};

/// Parses a script (one command per line, `#` comments); errors name file, line and column.
std::optional<ScriptError> parse_script(const std::string& text, const std::string& file, std::vector<ScriptLine>& out);

/// What the driver wants from the loop this frame.
struct ScriptFrame {
  bool quit = false;              ///< Stop after this frame.
  std::string screenshot;         ///< Write this frame to this PNG.
  std::string window;             ///< Only this window's rectangle (`capture`; "" = the whole frame).
  std::vector<std::string> drop;  ///< `drop PATH...`: files dropped onto the window together, as GLFW reports them.
  bool watch = false;             ///< `watch`: check the open files for changes now.
};

/// Feeds script lines to the loop: one command per frame, waiting for simulations to finish and
/// for `frames N` to pass, printing `state ...` lines to `out`.
class ScriptRunner {
 public:
  /// Takes the parsed lines; `state` lines go to `out` (nullptr: nowhere).
  explicit ScriptRunner(std::vector<ScriptLine> lines, std::FILE* out = stdout);
  /// Called once per frame before drawing.
  ScriptFrame tick(const Session& session, UiState& ui, Commands& commands);
  /// Whether every line ran.
  bool done() const { return next_ >= lines_.size() && wait_frames_ == 0; }
  /// Why the script stopped early ("" when it did not): a lesson it names did not open.
  const std::string& error() const { return error_; }

 private:
  // Stops the script at line `l` and says why on stderr.
  void fail(const ScriptLine& l, const std::string& problem, ScriptFrame& f);
  std::vector<ScriptLine> lines_;
  std::FILE* out_;
  size_t next_ = 0;
  int64_t wait_frames_ = 0;
  Narrators narrators_;
  std::optional<ScriptLine> lesson_opened_;  ///< A `lesson NAME|FILE` to check once its run is in.
  std::string error_;
};

/// The one-line state summary the driver prints: `state t=1.250s selected=17 kind=... ...`,
/// with the selected record's narration when `narrator` is given.
std::string state_line(const Session& session, const UiState& ui, const Narrator* narrator = nullptr);

}  // namespace deploysim::gui
