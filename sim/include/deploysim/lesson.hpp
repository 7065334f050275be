#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/text.hpp"
#include "deploysim/assets.hpp"
#include "deploysim/metrics.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

class Messages;

/// A documentation page, RFC or upstream file that a lesson's claims come from
/// (assets/sources.toml: one table per id).
struct Source {
  std::string id;     ///< Table name, e.g. "systemd-service".
  std::string title;  ///< What it is, e.g. "systemd.service(5): Restart=".
  std::string url;    ///< Where to read it.
};

/// The source catalogue by id.
using SourceCatalogue = std::map<std::string, Source, std::less<>>;

/// One option of a multiple-choice question.
struct QuestionChoice {
  std::string text;     ///< English.
  std::string text_ko;  ///< Korean.
  std::string value;    ///< Compared with the value read from the answer source: equal -> the right choice.
  SourcePos pos;        ///< For located errors.
  Translations tr;      ///< `text` in every language the file gives (`text_ko`, `text_ja`, ...).
};

/// How a question is answered.
enum class QuestionType : uint8_t { number, choice };

/// "Predict, then reveal": asked before the playhead moves to its step's target; the true answer
/// is read from the run through `answer` (an answer source, see read_answer), never typed in.
struct Question {
  QuestionType type = QuestionType::number;  ///< A number field or choice buttons.
  std::string prompt;                        ///< English.
  std::string prompt_ko;                     ///< Korean.
  std::string answer;                        ///< Answer source: "count:K", "field:K#n/DETAIL", "metric:NAME", ...
  double tolerance = 0;                      ///< A number answer within this of the truth is right.
  std::string explain;                       ///< English, shown with the revealed answer.
  std::string explain_ko;                    ///< Korean.
  Translations tr;                           ///< `prompt` and `explain` in every language the file gives.
  std::vector<QuestionChoice> choices;       ///< For type choice (at least two).
  SourcePos pos;                             ///< Position of the [step.question] table.
  SourcePos answer_pos;                      ///< Position of the `answer` value.
};

/// One step of a lesson: where the playhead goes and what the teacher says there.
struct LessonStep {
  std::string
      target;  ///< "kind:tls.client_hello", "kind:http.request#2" (2nd; kind or narration key), "1.5s", "start", "end".
  std::string text;                  ///< English.
  std::string text_ko;               ///< Korean.
  Translations tr;                   ///< `text` in every language the file gives.
  std::vector<std::string> sources;  ///< Ids in the source catalogue for the step's claims.
  SourcePos pos;                     ///< For located errors.
  SourcePos target_pos;              ///< Position of the `target` value (the step's when absent).
  std::optional<Question> question;  ///< Asked before the step plays.
  std::string show;                  ///< A panel the window brings to the front at the step (step_panels).
};

/// The panels a step may bring to the front (`show`): the window's tab names in lower case.
inline constexpr const char* step_panels[] = {"inspector", "metrics", "observer", "sequence", "whatif"};

/// "In real life": where the model simplifies, version differences, and how to see it for real.
struct RealLife {
  std::string text;                   ///< English.
  std::string text_ko;                ///< Korean.
  Translations tr;                    ///< `text` in every language the file gives.
  std::vector<std::string> commands;  ///< Commands a person types on a real system.
  std::vector<std::string> sources;   ///< Ids in the source catalogue.
  SourcePos pos;                      ///< Position of the [real_life] table (0 when absent).
};

/// A lesson: a scenario (optionally a variant of it) and the steps that walk through it.
struct Lesson {
  std::string id;                    ///< File stem, e.g. "01-https-request".
  std::string title;                 ///< English title.
  std::string title_ko;              ///< Korean title.
  std::string topic;                 ///< Deployment concept it teaches, e.g. ("https", "restarts", ...).
  std::string summary;               ///< English summary.
  std::string summary_ko;            ///< Korean summary.
  Translations tr;                   ///< `title` and `summary` in every language the file gives.
  std::string scenario_path;         ///< Resolved path of the scenario file.
  std::string variant;               ///< Variant to apply ("" = the base scenario).
  std::vector<std::string> sources;  ///< Source ids of the summary's claims.
  std::vector<LessonStep> steps;
  RealLife real_life;       ///< The "in real life" note (empty text when the file has none).
  std::string source_path;  ///< The lesson file.
  SourcePos pos;            ///< Position of the [lesson] table.
  // The course around the lesson (docs/lessons.md, "The course"): what a learner can do after
  // it, how long a class needs, and which lessons come first.
  std::vector<std::string> objectives;     ///< English, one sentence each ("Explain why ...").
  std::vector<std::string> objectives_ko;  ///< Korean, the same objectives in the same order.
  /// `objectives_<lang>` of every language the file gives, each the same objectives in order.
  std::map<std::string, std::vector<std::string>, std::less<>> objectives_in;
  /// The objectives in `lang` (English when the file does not give that language).
  const std::vector<std::string>& objectives_for(std::string_view lang) const {
    const auto it = objectives_in.find(lang);
    return it == objectives_in.end() || it->second.empty() ? objectives : it->second;
  }
  int minutes = 0;                         ///< Minutes a class needs for it (0 = not given).
  std::vector<std::string> prerequisites;  ///< Ids of lessons to take first ("01-https-request").
  SourceCatalogue own_sources;             ///< The file's own `[source.ID]` tables.
};

/// A lesson or a located error.
struct LessonLoad {
  std::optional<Lesson> lesson;
  std::optional<ScenarioError> error;
};

/// Reads a lesson file; the scenario path is resolved relative to assets/scenarios/ and every
/// source id must be in the catalogue (assets/sources.toml, or `sources` when given).
LessonLoad load_lesson_file(const std::string& path, const SourceCatalogue* sources = nullptr);
/// The same from the text of a lesson file (`path` names it in errors and gives the lesson id
/// and where prerequisites are looked for); the catalogue is the shipped one when not given.
LessonLoad load_lesson_text(std::string_view text, const std::string& path, const SourceCatalogue* sources = nullptr);

/// The source catalogue or a located error in it.
struct SourcesLoad {
  SourceCatalogue sources;
  std::optional<ScenarioError> error;
};
/// Reads a source catalogue (default: assets/sources.toml); each table needs a title and a url.
SourcesLoad load_sources(const std::string& path = {});
/// What is wrong with a source id the catalogue does not have: the id it is a typo of, if one is
/// near, else where the catalogue is and how an entry is added.
std::string unknown_source_message(const std::string& id, const SourceCatalogue& catalogue);
/// The shipped catalogue, read once (an error in it leaves it empty; load_sources names it).
const SourceCatalogue& shipped_sources();
/// A source a lesson or exercise cites: its own `[source.ID]` table, else the shipped catalogue's
/// (nullptr when neither has it).
const Source* find_source(const SourceCatalogue& own, std::string_view id);
/// Whether a file is a lesson file (a TOML file with a top-level [lesson] table).
bool is_lesson_file(const std::string& path);
/// The lesson files of a directory (default: assets/lessons), sorted by name.
std::vector<std::string> list_lessons(const std::string& dir = {});
/// The course order of loaded lessons: indices into `lessons`, their order kept except that a
/// lesson comes after its prerequisites. Prerequisites that are not in `lessons` are ignored;
/// `cycle` names the lessons that a prerequisite cycle keeps from their place (they come last, in
/// their order), "" when none.
struct CourseOrder {
  std::vector<size_t> order;
  std::string cycle;
};
CourseOrder course_order(const std::vector<Lesson>& lessons);
/// Whether a step target is well formed.
bool valid_step_target(std::string_view target);

/// An error inside the `step`-th [[step]] (from 1), as every lesson error there is worded:
/// "in step 2: <message>".
std::string step_message(size_t step, std::string_view message);
/// The record a step target points at: "kind:K[#n]" -> the n-th record whose kind or narration
/// key is K; "start" -> 0; "end" -> the last; a time -> the last record at or before it.
std::optional<size_t> resolve_step_target(const Trace& trace, std::string_view target);

/// A value read from a run for a question: a number (counts, integer details, metrics, times in
/// seconds) or a text (string details, booleans as "true"/"false").
struct AnswerValue {
  bool numeric = false;  ///< Whether `number` is the value.
  double number = 0;     ///< The number.
  std::string text;      ///< The text; for a number, how it prints ("3", "0.25").
  /// The unit a number is read in, as a [units] key of the message catalogue ("ms", "s", "min",
  /// "h", "d", "percent"); empty for a count or a text.
  std::string unit;
};

/// An answer read from a run, or why it could not be.
struct AnswerRead {
  std::optional<AnswerValue> value;  ///< The value (absent on error).
  std::string error;                 ///< What does not exist in the run, e.g. "no record of kind 'x.y'".
};

/// Whether an answer source is well formed; `why` gets the expected form when it is not.
bool valid_answer_source(std::string_view source, std::string* why = nullptr);
/// Reads an answer source from a run; `step_record` is the index of the question's step record
/// (counts stop there, "field:step/D" reads it). Sources: "count:K", "count-all:K", "field:K[#n]/D",
/// "field:step/D", "time:K[#n]", "metric:NAME" (docs/lessons.md lists them all).
AnswerRead read_answer(const Trace& trace, const Metrics& metrics, std::string_view source, size_t step_record);
/// The index of the choice whose value equals the truth (numbers compare as numbers), if any.
std::optional<size_t> right_choice(const Question& q, const AnswerValue& truth);
/// Whether a number the learner typed is within the question's tolerance of the truth.
bool number_is_right(const Question& q, const AnswerValue& truth, double given);
/// A number in the unit an answer is read in, as `words` writes it ("80 ms", "5분"); the number
/// alone when the answer has no unit (a count). The tour, the handout and the window share it.
std::string number_with_unit(const std::string& number, const AnswerValue& answer, const Messages& words);
/// A unit alone, as `words` writes it beside a number ("ms", "일"); "" for no unit. The window
/// shows it beside the box a number answer is typed in.
std::string unit_word(std::string_view unit, const Messages& words);

/// One problem of a lesson against its run (deploysim check).
struct LessonIssue {
  ScenarioError where;   ///< Located message.
  bool warning = false;  ///< A warning (missing Korean text) rather than an error.
};
/// "missing ko text: 'title' has no 'title_ko'" when `english` is set and `tr` has no `lang`
/// text for `key` (an empty one counts as none); nullopt otherwise.
std::optional<std::string> missing_translation(const std::string& english, const Translations& tr, std::string_view key,
                                               std::string_view lang);
/// The scenario a lesson runs: its file with the lesson's variant applied.
LoadResult load_lesson_scenario(const Lesson& lesson);
/// What is wrong with a loaded lesson against a run of its scenario: step targets that resolve
/// to nothing, answer sources that do not exist in the run, choices none of which is right
/// (errors), and missing Korean texts (warnings). Sorted by position.
std::vector<LessonIssue> check_lesson(const Lesson& lesson, const Trace& trace, const Metrics& metrics);

}  // namespace deploysim
