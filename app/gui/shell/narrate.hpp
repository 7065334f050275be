#pragma once
#include <map>
#include <optional>
#include <string>

#include "deploysim/messages.hpp"
#include "deploysim/narration.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

/// A record told in plain language, with the deployment concept it belongs to.
struct Told {
  std::string text;          ///< The sentence from assets/narration/<lang>.toml.
  std::string concept_text;  ///< The concept of its stage ("concept.<stage>"), "" when none.
};

/// The narrators of the languages used so far, loaded on first use (UI-thread state).
class Narrators {
 public:
  /// Reads from `<assets>/narration`.
  explicit Narrators(std::string assets_dir) : dir_(std::move(assets_dir) + "/narration") {}
  /// The narrator for a language; nullptr (and error()) when its files do not load.
  const Narrator* get(const std::string& lang);
  /// Why the last language failed to load.
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  std::map<std::string, std::optional<Narrator>> loaded_;
  std::string error_;
};

/// Tells a record; without a narrator, its kind and details.
Told narrate_record(const Narrator* narrator, const Trace& trace, const Record& record);

}  // namespace deploysim::gui
