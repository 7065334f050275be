#include "gui/shell/narrate.hpp"

#include <fmt/format.h>

namespace deploysim::gui {

const Narrator* Narrators::get(const std::string& lang) {
  auto it = loaded_.find(lang);
  if (it == loaded_.end()) {
    std::string err;
    it = loaded_.emplace(lang, Narrator::load(lang, &err, dir_)).first;
    if (!it->second) error_ = err;
  }
  return it->second ? &*it->second : nullptr;
}

Told narrate_record(const Narrator* narrator, const Trace& trace, const Record& r) {
  Told told;
  if (narrator) {
    told.text = narrator->narrate(trace, r);
    told.concept_text = std::string(narrator->sentence(fmt::format("concept.{}", stage_name(r.stage))));
    return told;
  }
  told.text = fmt::format("{} ({})", trace.kind(r), trace.node_name(r.actor));
  return told;
}

}  // namespace deploysim::gui
