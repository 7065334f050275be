#pragma once
// How the terminal commands (`run`, `tour`) run a simulation of any size: the size is estimated
// first, a trace that would not fit in the memory budget is recorded at a lower level (said on
// stderr), a long run shows a progress line on stderr with the time left, and Ctrl+C stops it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "deploysim/estimate.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

/// Exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).
constexpr int interrupted_exit_code = 130;

/// One terminal run. While it exists, Ctrl+C (SIGINT) asks the run to stop instead of killing
/// the program, so that nothing is left half written; a second Ctrl+C kills as usual.
class TerminalRun {
 public:
  /// `budget`: trace memory allowed (bytes); `words`: the command's language.
  TerminalRun(const Messages& words, uint64_t budget);
  ~TerminalRun();
  TerminalRun(const TerminalRun&) = delete;
  TerminalRun& operator=(const TerminalRun&) = delete;

  /// Estimates, lowers options.level to fit the budget (saying so on stderr), runs with the
  /// progress line and Ctrl+C as the cancel flag.
  Run run(const Scenario& scenario, Options options);
  /// The level the run recorded at.
  TraceLevel level() const { return level_; }
  /// The estimate made before the run.
  const RunEstimate& estimate() const { return estimate_; }
  /// Says on stderr that the run was stopped, where, and which files were not written.
  void report_interrupted(const Run& run, const std::vector<std::string>& not_written) const;

 private:
  const Messages& words_;
  uint64_t budget_;
  TraceLevel level_ = TraceLevel::full;
  RunEstimate estimate_;
  void (*previous_)(int) = nullptr;
};

/// The memory budget from `--max-trace-memory` ("" = the default, a quarter of physical memory);
/// nullopt when the text is not a size.
std::optional<uint64_t> trace_memory_budget(const std::string& text);

/// Writes `text` to `path` through a temporary file renamed into place, so that a failed or
/// interrupted write never leaves a truncated file; false when it could not be written.
bool write_whole_file(const std::string& path, const std::function<bool(std::ostream&)>& write);

}  // namespace deploysim::cli
