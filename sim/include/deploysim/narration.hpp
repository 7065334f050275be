#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "deploysim/time.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// How a language writes what the simulation fills in: durations in its units, and the fixed
/// English texts of records' details (reasons, states) in its words. A narration file gives the
/// latter as `"value.<English>" = "<translation>"`; one `{}` in the English matches any text,
/// which the translation's `{}` repeats ("value.{}: a breaking change ..." = "{}: ...").
struct NarrationStyle {
  TimeUnits units;                                                        ///< [units] of the language.
  std::unordered_map<std::string, std::string> values;                    ///< Exact English -> translation.
  std::vector<std::tuple<std::string, std::string, std::string>> shapes;  ///< Prefix, suffix, translation.
  /// Why a request failed, by failure_cause_name ("connection_refused", "502"): its words in this
  /// language ("failure.<name>" keys), kept apart from `values` because an alert's name is also
  /// the value of tls.alert's {alert}, which its sentence names as written.
  std::unordered_map<std::string, std::string> failures;
  /// The value in this language (unchanged when no translation matches).
  std::string translate(std::string_view value) const;
  /// A failure cause in this language (the name itself when the language has no words for it).
  std::string failure(std::string_view cause) const;
  /// A record detail's text value: a failure cause for the detail `cause`, else translate().
  std::string detail(std::string_view key, std::string_view value) const {
    return key == "cause" ? failure(value) : translate(value);
  }
};

/// Plain-language sentences for trace records, loaded from assets/narration/<lang>.toml. A
/// sentence names placeholders in braces: `{actor}`, `{from}`, `{to}`, `{t}`, `{dur}` and any
/// detail key of the record (`{sni}`, `{status}`, ...). No sentence is assembled in code.
class Narrator {
 public:
  /// Loads `<dir>/<lang>.toml` plus every `<dir>/<lang>.<part>.toml` (e.g. en.lifecycle.toml);
  /// on failure returns nullopt and sets `error` ("file:line:column: message").
  static std::optional<Narrator> load(std::string_view lang, std::string* error,
                                      const std::string& dir = default_dir());
  /// Parses narration text directly (`name` appears in error messages).
  static std::optional<Narrator> parse(std::string_view text, const std::string& name, std::string* error);
  /// The shipped narration directory (assets/narration).
  static std::string default_dir();
  /// The languages with a narration file in `dir` ("en", "ko", ...), sorted.
  static std::vector<std::string> languages(const std::string& dir = default_dir());

  /// The sentence for a record: its narration key, else its kind, else a generic fallback.
  /// `problems`, when given, receives what a reader would see as broken: "no sentence for K"
  /// (the fallback was used), "{name} unknown", "{name} empty".
  std::string narrate(const Trace& trace, const Record& record, std::vector<std::string>* problems = nullptr) const;
  /// Whether a sentence exists for this key.
  bool has(std::string_view key) const;
  /// The raw template for a key ("" when absent).
  std::string_view sentence(std::string_view key) const;
  /// All keys (sentences; not the "value." translations).
  std::vector<std::string> keys() const;
  /// Units and value translations of this language.
  const NarrationStyle& style() const { return style_; }

 private:
  std::unordered_map<std::string, std::string> sentences_;
  NarrationStyle style_;
};

/// Fills `{name}` placeholders in `templ` from a record (node names, time, details). Unknown
/// placeholders are left as written so a test can find them; `problems`, when given, receives
/// "{name} unknown" and "{name} empty" for each one that is not filled with text.
std::string fill_placeholders(std::string_view templ, const Trace& trace, const Record& record,
                              std::vector<std::string>* problems = nullptr, const NarrationStyle& style = {});

}  // namespace deploysim
