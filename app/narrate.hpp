#pragma once
#include <string>

#include "model.hpp"

namespace deploysim::gui {

/// A record told in plain language, with the deployment concept it belongs to.
struct Told {
  std::string text;     ///< The sentence(s).
  std::string concept_name;  ///< "HTTPS", "Restarts", ... ("" when unknown).
};

/// Tells a record in the chosen language ("en", "ko") from the narration assets.
Told narrate_record(const Model& model, const Record& record, const std::string& lang);

}  // namespace deploysim::gui
