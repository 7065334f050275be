// A deploysim-trace/1 file (`deploysim` reads them back for diffs and the GUI's "open trace"):
// read; what reads must write back to JSON that reads as the same trace, byte for byte.
#include <string>

#include "deploysim/trace_json.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

int run_trace_json(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const TraceReadResult r = read_trace_json(text, "fuzz.json");
  require(r.file.has_value() != r.error.has_value(), "a read gives a trace or an error");
  if (r.error) {
    require(!r.error->message.empty() && !r.error->to_string().empty(), "a trace error has a message");
    return 0;
  }
  const std::string written = trace_to_json(r.file->trace, r.file->scenario, r.file->seed);
  const TraceReadResult again = read_trace_json(written, "again.json");
  require(again.file.has_value(), "a trace written from a read trace reads again");
  require(again.file->trace.fingerprint() == r.file->trace.fingerprint(), "the same fingerprint after a round trip");
  require(again.file->trace.size() == r.file->trace.size(), "the same records after a round trip");
  require(trace_to_json(again.file->trace, again.file->scenario, again.file->seed) == written,
          "a round trip writes the same bytes");
  return 0;
}

}  // namespace deploysim::fuzz
