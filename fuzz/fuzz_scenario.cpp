// Scenario TOML as `deploysim check/run FILE [--variant V]` and the GUI read it: load (parse and
// validate), the located error's text in English and Korean, and every variant of what loads.
#include <algorithm>
#include <string>
#include <string_view>

#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

namespace {

// An error must be located and say something (the contract of LoadResult).
void check_error(const ScenarioError& e) {
  require(!e.message.empty(), "a load error has a message");
  require(!e.to_string().empty() && !e.to_string(shipped_messages("ko")).empty(), "a load error has a text");
}

}  // namespace

void init_scenario() { (void)shipped_messages("ko"); }

int run_scenario(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult r = load_scenario_text(text, "fuzz.toml");
  require(r.scenario.has_value() != r.error.has_value(), "a load gives a scenario or an error");
  if (r.error) {
    check_error(*r.error);
    return 0;
  }
  for (const VariantSpec& v : r.scenario->variants) {
    const LoadResult applied = apply_variant(*r.scenario, v.name);
    require(applied.scenario.has_value() != applied.error.has_value(), "a variant gives a scenario or an error");
    if (applied.error) check_error(*applied.error);
  }
  constexpr std::string_view unknown_name = "no such variant";
  const bool named = std::any_of(r.scenario->variants.begin(), r.scenario->variants.end(),
                                 [&](const VariantSpec& v) { return v.name == unknown_name; });
  if (!named) require(apply_variant(*r.scenario, unknown_name).error.has_value(), "an unknown variant is an error");
  return 0;
}

}  // namespace deploysim::fuzz
