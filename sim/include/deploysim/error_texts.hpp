#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/time.hpp"

namespace deploysim {

/// Error and warning messages in one language, as gettext translates them: the English message
/// with its run-time values as `{}` is the key (assets/i18n/<lang>.errors.toml and <lang>.errors.<part>.toml,
/// `[[error]]` with `en` and a translation naming the values by position, `{0}`, `{1}`, and `{0:이/가}` for a value
/// with the particle that fits it). Values are translated again, so a message nested in another ("in variant 'x':
/// unknown key ...") comes out whole. A message no shape fits stays English.
class ErrorTexts {
 public:
  /// Parses a file's text for language `lang` (`name` appears in errors: "file:line:column: ...").
  static std::optional<ErrorTexts> parse(std::string_view text, const std::string& name, const std::string& lang,
                                         std::string* error);
  /// Adds the shapes of another file of the same language after these (its parts: the first
  /// shape that fits still wins).
  void append(ErrorTexts&& more);
  /// The message in this language (unchanged when no shape fits it).
  std::string translate(std::string_view message) const;
  /// The English shapes, in file order.
  std::vector<std::string> shapes() const;
  /// The language's units: a value that is a time as English writes it ("2.080 s") is written
  /// in them ("2.080초").
  void set_units(const TimeUnits& units) { units_ = units; }

 private:
  struct Shape {
    std::string en, translation;
    std::vector<std::string> pieces;  // the literal text around the values (one more than values)
  };
  std::vector<Shape> shapes_;
  std::optional<TimeUnits> units_;
  std::string translate(std::string_view message, int depth) const;
};

}  // namespace deploysim
