#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "deploysim/trace.hpp"

namespace deploysim {

/// The schema name written into and required from every trace file.
inline constexpr std::string_view trace_schema = "deploysim-trace/1";

/// A located error in a trace file: `file:line:column: message` (line and column 1-based,
/// column in bytes; both 0 when the file could not be read at all).
struct TraceJsonError {
  std::string file;     ///< File name as given.
  uint32_t line = 0;    ///< 1-based line.
  uint32_t column = 0;  ///< 1-based byte column.
  std::string message;  ///< What is wrong and what was expected.
  /// "file:line:column: message" (or "file: message" without a position).
  std::string to_string() const;
};

/// A trace file's content: the trace and the run it came from.
struct TraceFile {
  Trace trace;           ///< The records, rebuilt; its fingerprint equals the stored one.
  std::string scenario;  ///< The scenario name.
  uint64_t seed = 0;     ///< The seed of the run.
};

/// The outcome of reading: a trace or an error, never an exception.
struct TraceReadResult {
  std::optional<TraceFile> file;        ///< Set on success.
  std::optional<TraceJsonError> error;  ///< Set on failure.
};

/// Writes `deploysim-trace/1` JSON (docs/trace-format.md): fixed key order, one record per
/// line, so identical traces give identical bytes and golden files diff line by line.
void write_trace_json(std::ostream& out, const Trace& trace, std::string_view scenario, uint64_t seed);
/// The same JSON as a string.
std::string trace_to_json(const Trace& trace, std::string_view scenario, uint64_t seed);

/// Parses trace JSON text; `file_name` is used in error messages. Streams (no DOM), so it
/// never crashes or explodes in memory on malformed, truncated or hostile input.
TraceReadResult read_trace_json(std::string_view text, std::string_view file_name);
/// Reads a trace file from disk.
TraceReadResult read_trace_json_file(const std::string& path);

}  // namespace deploysim
