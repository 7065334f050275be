#pragma once
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "deploysim/messages.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

/// A process as it stands at the playhead, derived from its trace records.
struct ProcView {
  ProcState state = ProcState::none;  ///< What the latest lifecycle record set (running without one).
  std::string label;  ///< The tool's own word (CrashLoopBackOff, FATAL), else the state in the learner's words.
  bool known = true;  ///< false: no lifecycle record yet.
  ImU32 color = 0;    ///< Colour of that state.
  int64_t next_restart_ns = -1;    ///< When backing off: the planned restart (-1: none).
  uint32_t restarts = 0;           ///< Restarts so far (unit_restarts + respawns), as the metrics count.
  uint32_t unit_restarts = 0;      ///< Of these, its unit's restarts by the supervisor (supervisor.restart).
  uint32_t respawns = 0;           ///< Of these, its own respawns by the server's manager (server.respawn).
  RecordId last = RecordId::none;  ///< The record that set the state.
};

/// The state of a worker node at time t (its own records and its service unit's).
ProcView proc_state_at(const Model& m, const NodeInfo& node, int64_t t_ns, const Messages& words);
/// A stacked node's workers at time t: how many show each label (in the order first seen), their
/// restarts (a restart of the whole unit once), and the colour of the first not running.
struct StackState {
  std::vector<std::pair<std::string, size_t>> counts;
  uint32_t restarts = 0;
  ImU32 color = 0;
};
StackState stack_state_at(const Model& m, std::span<const size_t> stack, int64_t t_ns, const Messages& words);
/// Memory used on host `h` at time t (bytes) and whether it came from measurements.
uint64_t host_memory_at(const Model& m, size_t host, int64_t t_ns);
/// Days left on a domain's serving certificate at time t (negative: expired).
std::optional<double> cert_days_left_at(const Model& m, const std::string& domain, int64_t t_ns);
/// "1.2 GiB" style.
std::string format_bytes(uint64_t bytes);

}  // namespace deploysim::gui
