#include "narrate.hpp"

#include <fmt/format.h>

namespace deploysim::gui {

Told narrate_record(const Model& m, const Record& r, const std::string&) {
  const Trace& trace = m.run.trace;
  Told told;
  std::string details;
  for (const Field& f : trace.details(r)) {
    if (!details.empty()) details += ", ";
    details += fmt::format("{}={}", trace.str(f.key),
                           f.type == FieldType::string ? std::string(trace.str(static_cast<Sym>(f.value)))
                           : f.type == FieldType::time ? format_time(ns(f.value))
                                                       : std::to_string(f.value));
  }
  if (!details.empty()) details = " (" + details + ")";
  told.text = r.is_message() ? fmt::format("{}: {} -> {}{}", trace.kind(r), trace.node_name(r.from), trace.node_name(r.to), details)
                             : fmt::format("{}{}", trace.kind(r), details);
  told.concept_name = stage_name(r.stage);
  return told;
}

}  // namespace deploysim::gui
