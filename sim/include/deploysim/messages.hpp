#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "deploysim/time.hpp"
#include "deploysim/facts.hpp"
#include "deploysim/ids.hpp"

namespace deploysim {

class ErrorTexts;

/// The program's own words (menus, panel titles, buttons, status lines) in one language: one
/// file per language, assets/i18n/<lang>.toml, with the same keys as en.toml. Tables group the
/// keys ("[menu] open = ..." is the key "menu.open"); a text may hold `{}` placeholders, filled
/// in order (fmt). Adding a language is adding its file. Lesson texts and narration have files
/// of their own (assets/lessons, assets/narration).
class Messages {
 public:
  /// Reads `<dir>/<lang>.toml`, with en.toml under it: a key the language lacks reads in English.
  /// On failure returns nullopt and sets `error` ("file:line:column: message").
  static std::optional<Messages> load(std::string_view lang, std::string* error,
                                      const std::string& dir = default_dir());
  /// Parses one catalogue's text (`name` appears in error messages).
  static std::optional<Messages> parse(std::string_view text, const std::string& name, std::string* error);
  /// The shipped catalogue directory (assets/i18n).
  static std::string default_dir();
  /// The languages with a catalogue there ("en", "ko", ...), sorted.
  static std::vector<std::string> languages(const std::string& dir = default_dir());
  /// A language's name in itself ("한국어"), from `<dir>/<lang>.toml` alone: the language menu
  /// lists every language without loading each one's whole catalogue. The code when it has none.
  static std::string language_name(std::string_view lang, const std::string& dir = default_dir());
  /// The system's language, when a catalogue exists for it, else "en": the first of LC_ALL,
  /// LC_MESSAGES and LANG that is set ("ko_KR.UTF-8" is "ko"; "C" and "POSIX" are English).
  static std::string system_language(const std::string& dir = default_dir());

  /// The text of a key in this language, else in English, else "[key]" (tests/test_messages.cpp
  /// checks that every key the code uses is in every catalogue).
  const std::string& operator()(std::string_view key) const;
  /// The text with its `{}` placeholders filled in order. A field with a particle pair,
  /// `{1:을/를}` or `{:이/가}`, is its value followed by the particle that fits how the value is
  /// read (korean.hpp, with_particle).
  template <typename... Args>
  std::string format(std::string_view key, const Args&... args) const;
  /// Whether this catalogue itself (not English underneath) has the key.
  bool has(std::string_view key) const { return own_.count(key) > 0; }
  /// This catalogue's own keys and texts.
  const std::map<std::string, std::string, std::less<>>& texts() const { return own_; }
  /// A stage's name in this language (the [stage] table: "프록시" for Stage::proxy).
  const std::string& stage(Stage s) const;
  /// A process state's name in this language ([proc]: "실행 중" for running).
  const std::string& proc_state(ProcState s) const;
  /// The label of a record's detail key ([detail]: "남은 TTL" for ttl_left); the key itself when
  /// the catalogue has none (tests/test_korean_text.cpp checks every key the scenarios write).
  std::string detail(std::string_view key) const;
  /// A record kind as the window names it ([record]: "새 인증서 미반영" for
  /// cert.not_reloaded); the kind itself when no catalogue names it.
  std::string record(std::string_view kind) const;
  /// A duration in this language's units.
  std::string time(Time t) const { return format_time(t, units_); }
  /// A length of time as a person sets it ("1분" for 60 s; format_span).
  std::string span(Time t) const { return format_span(t, units_); }
  /// A latency in a column of them: as time() writes it, but a cached lookup's zero in the unit
  /// of its neighbours ("0 ms"), not "0 s" among milliseconds.
  std::string latency(Time t) const { return t == Time{} ? fmt::format(fmt::runtime(units_.ms), 0) : time(t); }
  /// A percentage (99.97) with `decimals` decimals in this language's form ([units] percent:
  /// "99.97 %" in English, "99.97%" in Korean, which writes the sign next to its number).
  std::string percent(double value, int decimals) const;
  /// How durations are written in this language (the [units] table: "{}분", "{}초").
  const TimeUnits& time_units() const { return units_; }
  /// A located error or warning message (the part after "file:line:column: ") in this
  /// language, from <lang>.errors.toml; unchanged in English or when no shape fits it.
  std::string error(std::string_view english) const;
  /// The error shapes of this language (none for English).
  const ErrorTexts* error_texts() const { return errors_.get(); }
  /// The language ("en").
  const std::string& lang() const { return lang_; }

 private:
  std::string lang_;
  std::map<std::string, std::string, std::less<>> own_, english_;
  std::string unknown_ = "[?]";
  TimeUnits units_;
  std::shared_ptr<const ErrorTexts> errors_;
  void read_units();
};

/// `templ` with every field numbered, and each field with a particle pair replaced by its value
/// (`texts`, the arguments as `{}` writes them) and the particle, escaped for fmt; nullopt when it
/// has no such field.
std::optional<std::string> with_particle_fields(std::string_view templ, const std::vector<std::string>& texts);

template <typename... Args>
std::string Messages::format(std::string_view key, const Args&... args) const {
  const std::string& templ = (*this)(key);
  if (templ.find('/') != std::string::npos)
    if (const auto filled = with_particle_fields(templ, {fmt::format("{}", args)...}))
      return fmt::format(fmt::runtime(*filled), args...);
  return fmt::format(fmt::runtime(templ), args...);
}

}  // namespace deploysim
