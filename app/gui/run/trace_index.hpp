#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "deploysim/metrics.hpp"
#include "deploysim/playhead.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim::gui {

/// A node as the canvas draws it: role, place in unit coordinates, the host box it sits in.
struct NodeInfo {
  std::string name;                 ///< Trace node name.
  NodeRole role = NodeRole::other;  ///< What it is (the trace's node_role).
  float x = 0.5f, y = 0.5f;         ///< Position in [0,1]^2 of the canvas.
  int host = -1;                    ///< Index into Scenario::hosts, -1 when not on a modelled host (node_host).
  ProcId proc = ProcId::none;       ///< The process it runs, when it is a worker.
};

/// A pair of nodes that exchanged messages, drawn as a link on the canvas.
struct Link {
  NodeId a = NodeId::none, b = NodeId::none;  ///< Ends (a < b).
  Stage stage = Stage::client;                ///< The stage most of its messages belong to.
  uint32_t messages = 0;                      ///< How many messages it carried.
};

/// Read-only lookups over one run's trace, built once off the UI thread so that every panel can
/// answer "what is true at time t" in O(log n) per frame. The one time order is the sim's
/// Playhead (playhead.hpp), fully indexed when the index is built and only read afterwards;
/// what is kept here is what the GUI needs on top of it, as const queries on an immutable
/// model: stepping through several stages at once (the stage filter), messages overlapping an
/// interval (trails), stage counts per pixel column (timeline lanes), per-process/connection/unit
/// record lists, canvas nodes and links.
struct TraceIndex {
  std::optional<Playhead> time;                 ///< The (t, seq) order of the records.
  std::vector<uint32_t> messages;               ///< Message records sorted by start time.
  std::vector<int64_t> message_t;               ///< Start time of messages[i].
  int64_t max_message_ns = 0;                   ///< Longest flight time of any message.
  std::vector<std::vector<uint32_t>> by_stage;  ///< Stage -> positions in time order.
  std::vector<uint32_t> failures;               ///< Positions in time order of the records that report a failure.
  std::vector<std::vector<uint32_t>> by_proc;   ///< ProcId -> record indices in time order.
  std::vector<std::vector<uint32_t>> by_conn;   ///< ConnId -> record indices in time order.
  std::map<std::string, std::vector<uint32_t>, std::less<>> by_unit;  ///< "unit" detail -> records in time order.
  /// Units a rolling update creates (the first record naming them is a deploy.scale_up): no pod
  /// runs there before it.
  std::set<std::string, std::less<>> spare_units;
  /// Per unit, when a rolling update created (true) or scaled down (false) its pod, in time order.
  std::map<std::string, std::vector<std::pair<int64_t, bool>>, std::less<>> pod_changes;
  /// Per unit, when its supervisor restarted it (supervisor.restart), in time order.
  std::map<std::string, std::vector<int64_t>, std::less<>> unit_restarts;
  /// ProcId -> when the server's manager respawned that worker (server.respawn), in time order.
  /// With unit_restarts, what the metrics count as restarts.
  std::vector<std::vector<int64_t>> respawns;
  std::vector<NodeInfo> nodes;  ///< Parallel to the trace's node table.
  std::vector<Link> links;      ///< Every node pair that exchanged messages.
  int64_t end_ns = 0;           ///< Last moment worth showing (run end or last arrival).

  /// The canvas node that runs process `p` (SIZE_MAX: none).
  size_t node_of(ProcId p) const;

  /// The record index at a position in time order.
  uint32_t at(size_t pos) const { return raw(time->at(pos)); }
  /// The position in time order of a record index.
  size_t position_of(uint32_t record) const { return time->position_of(static_cast<RecordId>(record)); }
  /// Position in time order of the last record at or before t (-1 when none).
  int64_t last_at_or_before(int64_t t_ns) const;
  /// Position of the next record after position `pos` whose stage passes `filter` (-1: none).
  int64_t next_pos(int64_t pos, uint32_t stage_filter) const;
  /// Position of the previous record before `pos` whose stage passes `filter` (-1: none).
  int64_t prev_pos(int64_t pos, uint32_t stage_filter) const;
  /// Position of the first record after `pos` that starts a different stage (filtered).
  int64_t next_stage_pos(int64_t pos, uint32_t stage_filter, const Trace& trace) const;
  /// Position of the first record of the stage run before the one containing `pos`.
  int64_t prev_stage_pos(int64_t pos, uint32_t stage_filter, const Trace& trace) const;
  /// Calls f(record index) for every message overlapping [t0, t1] (start <= t1, arrival >= t0).
  template <class F>
  void for_messages(int64_t t0_ns, int64_t t1_ns, const Trace& trace, F&& f) const;
  /// Whether any record of `stage` lies in [t0, t1).
  bool any_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const;
  /// Number of records of `stage` in [t0, t1).
  size_t count_in(Stage stage, int64_t t0_ns, int64_t t1_ns) const;
};

/// A stage filter bit for `stage`.
constexpr uint32_t stage_bit(Stage s) { return 1u << static_cast<uint32_t>(s); }
/// Every stage.
constexpr uint32_t all_stages = (1u << static_cast<uint32_t>(Stage::count)) - 1;

/// Builds the index (orders records, places nodes by the roles and hosts the trace gives).
TraceIndex build_index(const Trace& trace, Time run_end);

/// The last value of a gauge series at or before t (nullopt-like: returns false when none).
bool gauge_at(std::span<const GaugePoint> series, int64_t t_ns, double& value);

template <class F>
void TraceIndex::for_messages(int64_t t0_ns, int64_t t1_ns, const Trace& trace, F&& f) const {
  auto lo = std::lower_bound(message_t.begin(), message_t.end(), t0_ns - max_message_ns);
  auto hi = std::upper_bound(message_t.begin(), message_t.end(), t1_ns);
  for (auto it = lo; it != hi; ++it) {
    const uint32_t i = messages[static_cast<size_t>(it - message_t.begin())];
    const Record& r = trace[i];
    if (r.t_ns + r.dur_ns >= t0_ns) f(i);
  }
}

}  // namespace deploysim::gui
