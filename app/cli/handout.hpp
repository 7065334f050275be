#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

/// A question of a lesson step as a handout prints it: asked in the step, answered on the
/// answers page.
struct HandoutQuestion {
  std::string prompt;                ///< The question.
  std::vector<std::string> choices;  ///< Multiple choice (empty: a number to give).
  std::string answer;                ///< The answer read from the run.
  std::string explain;               ///< Why.
  std::optional<AnswerValue> truth;  ///< The value read from the run (absent: it has none).
  std::optional<size_t> right;       ///< A choice question's right choice.
  std::string unit;                  ///< A number's unit as the language writes it ("ms", "일"), by its blank.
};

/// A choice's letter as the handout and the tour print it: "A", "B", ...
std::string choice_letter(size_t i);
/// A step's question in the language of `words` with its answer read from the run (`target`: the
/// step's record): "A. text" for a choice, the value with its unit for a number ("80 ms"), "?"
/// when the run has none (which `deploysim check` reports).
HandoutQuestion handout_question(const Question& q, const Run& run, std::optional<size_t> target,
                                 const Messages& words);

/// One step of a handout.
struct HandoutStep {
  std::string text;                        ///< The step's text in the handout's language.
  std::vector<std::string> events;         ///< The key events up to the step, "0.012 s  TLS  narration".
  std::string canvas_png;                  ///< The canvas at the step ("" when not rendered).
  std::string sequence_png;                ///< The sequence diagram at the step ("" when there is none).
  std::vector<std::string> sources;        ///< "title <url>" of the step's claims.
  std::vector<HandoutQuestion> questions;  ///< Asked before the step plays.
};

/// One glossary term in the handout's language.
struct HandoutTerm {
  std::string term;                  ///< Heading.
  std::string text;                  ///< Definition.
  std::vector<std::string> sources;  ///< "title <url>".
};

/// A lesson as a printed handout, all texts in one language.
struct Handout {
  std::string lang = "en";                     ///< Its language code ("en", "ko", ...).
  std::string id;                              ///< Lesson id.
  std::string title;                           ///< Lesson title.
  std::string summary;                         ///< Lesson summary.
  std::vector<std::string> objectives;         ///< What the learner can do after it.
  int minutes = 0;                             ///< Expected length (0: not given).
  std::vector<std::string> prerequisites;      ///< Lessons to do first.
  std::string scenario;                        ///< Scenario file (and variant).
  std::vector<HandoutStep> steps;              ///< In order.
  std::string outcome;                         ///< The run's outcome line (requests, availability).
  std::string real_life;                       ///< The "in real life" note.
  std::vector<std::string> commands;           ///< Commands to see it for real.
  std::vector<std::string> real_life_sources;  ///< "title <url>".
  std::vector<HandoutTerm> glossary;           ///< Terms the lesson uses.
  std::string images_note;                     ///< Why there are no images ("" when there are).
  /// A worksheet: a step with a question shows the question alone, and its events, pictures,
  /// text and sources follow its answer (they would give the answer away beside the question).
  bool worksheet = false;
};

/// The handout as Markdown, its headings in `words` ([handout]); images are linked by their paths
/// relative to `base_dir` (the directory the Markdown file is written to).
std::string handout_markdown(const Handout& h, const Messages& words, const std::string& base_dir);
/// The handout as one self-contained HTML page (images as data: URIs, print styles, the answers
/// on a page of their own).
std::string handout_html(const Handout& h, const Messages& words);

}  // namespace deploysim::cli
