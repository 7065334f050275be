#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "deploysim/scenario.hpp"

namespace deploysim {

class Messages;

/// A scenario file's text with what-if changes written into it.
struct ScenarioText {
  std::string text;                    ///< The whole file.
  std::optional<ScenarioError> error;  ///< Set when no text could be made (then `text` is empty).
  bool rewritten = false;  ///< The changes could not be written in place: the file was written anew from the tree.
};

/// `s` as a TOML basic string: quoted, with quotes and backslashes escaped, and every control
/// character but tab escaped too (TOML 1.0 allows none raw), so that the text reads back as `s`.
/// `s` must be valid UTF-8.
std::string toml_basic_string(std::string_view s);

/// The file text of `scenario` (loaded from a file or text) with its applied overrides
/// (`scenario.overrides`: a variant's keys, then the what-if changes) written in. Each changed
/// value is replaced where the file writes it, with a comment naming the old value; a key the
/// file leaves at its default is added to its table; a header comment lists every change
/// (the comments in `words`' language). Everything else (comments, order, [[variant]] tables)
/// stays as the teacher wrote it. Loading the text gives the same scenario as the overrides do;
/// this is checked, and when an edit cannot be made in place the whole document is written
/// from the parsed tree instead (`rewritten`: the file's own comments are lost then). A change
/// that a file would refuse (a fault's worker beyond a lowered `workers`, a [[variant]] that no
/// longer applies) gives an error instead of a text.
ScenarioText write_scenario_text(const Scenario& scenario, const Messages& words);

}  // namespace deploysim
