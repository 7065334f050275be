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

/// What the window calls a record of `kind`: its name in the catalogue's [record] table
/// ("ServerHello" for tls.server_hello), else the kind itself. The kind is what
/// `deploysim run --trace-json` writes and a lesson's target names.
std::string record_name(const Messages& words, std::string_view kind);

/// Tells a record; without a narrator, its kind and details.
Told narrate_record(const Narrator* narrator, const Trace& trace, const Record& record);

}  // namespace deploysim::gui
