#pragma once
// Prose with `code` spans: the lessons, exercises, scenario descriptions and narration mark
// commands, headers and file names with Markdown-style backticks. rich_text() draws such a text
// wrapped like ImGui::TextWrapped, the spans in another colour on a rounded background and without
// their backticks; layout_rich_text() is its pure layout (no ImGui), which the tests check.
#include <functional>
#include <string_view>
#include <vector>

#include <imgui.h>

namespace deploysim::gui {

/// A stretch of text: plain, or the inside of a pair of backticks.
struct RichRun {
  std::string_view text;  ///< Points into the text given to split_code_runs().
  bool code = false;
};

/// Splits `text` at pairs of backticks: "run `ls -l` here" is plain "run ", code "ls -l", plain
/// " here". A backtick without a partner, and an empty pair "``", stay literal text (an empty span
/// would otherwise hide what the author typed). No other Markdown: no escapes, no "``x``" spans.
std::vector<RichRun> split_code_runs(std::string_view text);

/// A run placed on a line.
struct PlacedRun {
  float x = 0;            ///< Where its text starts, from the line's left edge.
  float width = 0;        ///< Its text's width, without the spaces at a wrap (kept in `text`).
  std::string_view text;  ///< Points into the laid out text; may end with the spaces a wrap hides.
  bool code = false;
};

/// One line of the laid out text.
struct RichLine {
  std::vector<PlacedRun> runs;
  float width = 0;          ///< Its right edge, a code run's padding included.
  bool hard_break = false;  ///< It ended at a '\n' (not in any run) rather than at a wrap.
};

/// A laid out text: at least one line; a text's final '\n' adds no empty line (as in ImGui).
struct RichLayout {
  std::vector<RichLine> lines;
  float width = 0;  ///< The widest line's width.
};

/// Measures the width of a text in the font it is drawn in.
using MeasureText = std::function<float(std::string_view)>;

/// Lays `text` out in lines no wider than `wrap_width`, breaking at spaces as ImGui's word wrap
/// does (the spaces at a break take no room); a word wider than a whole line is broken after a
/// '/', '_', '-', '.', ',' or ':' or before a '(' where one fits on the line, else between UTF-8
/// characters. `code_spans` false: backticks are text like any other (a value, not prose). A code run takes `code_pad`
/// more on each side for its background. A line is wider than `wrap_width` only when a single character (and its
/// padding) is. Every character but the paired backticks and the '\n's ends up in exactly one run, in order.
RichLayout layout_rich_text(std::string_view text, float wrap_width, const MeasureText& width, float code_pad = 0,
                            bool code_spans = true);

/// The size rich_text() gives `text` at `wrap_width` in the current font.
ImVec2 rich_text_size(std::string_view text, float wrap_width);

/// Draws `text` as ImGui::TextWrapped would (at the cursor, wrapped at PushTextWrapPos or the
/// content region's edge, in the current font and text colour) with its `code` spans set apart.
/// It is one item: IsItemHovered() / IsItemClicked() afterwards ask about the whole text.
void rich_text(std::string_view text);

/// Draws `text` wrapped as rich_text() does, its backticks as they are: a name or a value from the
/// trace, which ImGui's own wrapping would cut mid-word in a narrow column.
void wrapped_text(std::string_view text);

}  // namespace deploysim::gui
