#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "deploysim/ids.hpp"
#include "deploysim/time.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

/// Fast queries the GUI makes every frame over a recorded trace: where the playhead is, the
/// previous/next record of a lane, and which messages are in flight (for animation).
/// "Time order" is (t, seq): records appended out of time order are still found where they
/// happened. Indexes are built incrementally: a query first indexes the records appended
/// since the last query (O(new) when they come in time order, else O(n + new log new)), then
/// answers in O(log n) (in_flight: O(log n per duration class + answer)).
class Playhead {
 public:
  /// Indexes `trace`, which must outlive the playhead (and may keep growing).
  explicit Playhead(const Trace& trace);
  /// Starts over on another trace (after a re-simulation).
  void reset(const Trace& trace);
  /// Indexes records appended since the last call; every query calls it.
  void sync();

  /// Number of records indexed.
  size_t size() const { return indexed_; }
  /// Whether the records are in time order, so time positions equal record ids.
  bool time_ordered() const { return order_.empty(); }
  /// The record at a position in time order (position < size()).
  RecordId at(size_t position) const;
  /// The position in time order of an indexed record (its rank).
  size_t position_of(RecordId id) const { return rank_.empty() ? raw(id) : rank_[raw(id)]; }
  /// The time of the record at a position in time order (position < size()).
  int64_t t_ns_at(size_t position) const { return trace_->t_ns(raw(at(position))); }

  /// Position (in time order) of the last record at or before t; nullopt when none is.
  std::optional<size_t> last_at_or_before(Time t);
  /// The same over the records indexed so far, without indexing new ones (for a shared,
  /// read-only playhead over a finished trace).
  std::optional<size_t> last_at_or_before(Time t) const;
  /// The last record of `stage` strictly before `from` in time order; nullopt when none.
  std::optional<RecordId> prev_of_stage(RecordId from, Stage stage);
  /// The first record of `stage` strictly after `from` in time order; nullopt when none.
  std::optional<RecordId> next_of_stage(RecordId from, Stage stage);
  /// The first record of `stage` at or after time t; nullopt when none.
  std::optional<RecordId> next_of_stage_at(Time t, Stage stage);
  /// Messages in flight at t (from != to, t_msg <= t < t_msg + dur), in time order.
  void in_flight(Time t, std::vector<RecordId>& out);
  /// Messages in flight at t, as a new vector.
  std::vector<RecordId> in_flight(Time t);

 private:
  static constexpr size_t duration_classes = 64;
  bool before(uint32_t a, uint32_t b) const;
  void add_sorted(std::vector<uint32_t>& list, size_t old_size);
  const std::vector<uint32_t>* stage_list(RecordId from, Stage stage);

  const Trace* trace_;
  size_t indexed_ = 0;
  int64_t last_t_ = INT64_MIN;
  std::vector<uint32_t> order_;  // empty while the records are in time order
  std::vector<uint32_t> rank_;   // record -> position in order_ (empty with order_)
  std::array<std::vector<uint32_t>, static_cast<size_t>(Stage::count)> stages_;
  std::array<std::vector<uint32_t>, duration_classes> messages_;  // by floor(log2(dur))
};

}  // namespace deploysim
