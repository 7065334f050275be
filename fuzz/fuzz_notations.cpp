// The value notations of scenario files: durations ("250ms", "-30d"), sizes ("512MiB") and rates
// ("50/s"), parsed as the loader does, with what their documentation promises.
#include <cmath>
#include <string>

#include "deploysim/time.hpp"
#include "fuzz_entry.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim::fuzz {

int run_notations(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const std::optional<Time> t = parse_duration(text)) {
    require(text.starts_with('-') ? t->ns() <= 0 : t->ns() >= 0, "a duration has the sign it is written with");
    require(!format_time(*t).empty(), "a duration formats");
    if (!text.starts_with('-') && !text.starts_with('+'))
      require(parse_duration("+" + std::string(text)) == t, "'+' changes nothing");
  }
  if (const std::optional<uint64_t> bytes = detail::parse_size(text))
    require(*bytes < 9000000000000000000ULL, "a size stays below 9e18 bytes");
  if (const std::optional<double> rate = detail::parse_rate(text))
    require(std::isfinite(*rate) && *rate >= 0 && *rate <= 1e9, "a rate is 0..1e9 per second");
  return 0;
}

}  // namespace deploysim::fuzz
