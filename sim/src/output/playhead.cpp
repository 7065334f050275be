#include "deploysim/playhead.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace deploysim {

namespace {

size_t duration_class(int64_t dur_ns) {
  return static_cast<size_t>(63 - std::countl_zero(static_cast<uint64_t>(dur_ns)));
}

}  // namespace

Playhead::Playhead(const Trace& trace) : trace_(&trace) { sync(); }

void Playhead::reset(const Trace& trace) {
  trace_ = &trace;
  indexed_ = 0;
  last_t_ = INT64_MIN;
  order_.clear();
  rank_.clear();
  for (auto& s : stages_) s.clear();
  for (auto& m : messages_) m.clear();
  sync();
}

bool Playhead::before(uint32_t a, uint32_t b) const {
  const int64_t ta = (*trace_)[a].t_ns, tb = (*trace_)[b].t_ns;
  return ta < tb || (ta == tb && a < b);
}

// Ids appended at the tail of `list` since old_size: sort them and merge them into place. When
// they already follow the old ones (the usual case) this costs nothing beyond the check.
void Playhead::add_sorted(std::vector<uint32_t>& list, size_t old_size) {
  if (list.size() == old_size) return;
  auto cmp = [this](uint32_t a, uint32_t b) { return before(a, b); };
  const auto mid = list.begin() + static_cast<std::ptrdiff_t>(old_size);
  if (!std::is_sorted(mid, list.end(), cmp)) std::sort(mid, list.end(), cmp);
  if (old_size > 0 && before(*mid, *(mid - 1))) std::inplace_merge(list.begin(), mid, list.end(), cmp);
}

void Playhead::sync() {
  const size_t n = trace_->size();
  if (n < indexed_) {  // a different, shorter trace behind the same reference
    reset(*trace_);
    return;
  }
  if (n == indexed_) return;
  std::array<size_t, static_cast<size_t>(Stage::count)> stage_old{};
  std::array<size_t, duration_classes> message_old{};
  for (size_t s = 0; s < stages_.size(); ++s) stage_old[s] = stages_[s].size();
  for (size_t c = 0; c < messages_.size(); ++c) message_old[c] = messages_[c].size();
  const size_t order_old = indexed_;
  bool in_order = order_.empty();
  for (size_t i = indexed_; i < n; ++i) {
    const Record& r = (*trace_)[i];
    const auto id = static_cast<uint32_t>(i);
    if (in_order && r.t_ns < last_t_) {
      in_order = false;  // from now on keep an explicit time order of all records
      order_.resize(i);
      for (uint32_t k = 0; k < i; ++k) order_[k] = k;
    }
    if (!in_order) order_.push_back(id);
    last_t_ = std::max(last_t_, r.t_ns);
    if (static_cast<size_t>(r.stage) < stages_.size()) stages_[static_cast<size_t>(r.stage)].push_back(id);
    if (r.is_message() && r.dur_ns > 0) messages_[duration_class(r.dur_ns)].push_back(id);
  }
  indexed_ = n;
  if (!order_.empty()) {
    add_sorted(order_, std::min(order_old, order_.size()));
    rank_.resize(order_.size());
    for (size_t p = 0; p < order_.size(); ++p) rank_[order_[p]] = static_cast<uint32_t>(p);
  }
  for (size_t s = 0; s < stages_.size(); ++s) add_sorted(stages_[s], stage_old[s]);
  for (size_t c = 0; c < messages_.size(); ++c) add_sorted(messages_[c], message_old[c]);
}

RecordId Playhead::at(size_t position) const {
  return static_cast<RecordId>(order_.empty() ? position : order_[position]);
}

std::optional<size_t> Playhead::last_at_or_before(Time t) {
  sync();
  return std::as_const(*this).last_at_or_before(t);
}

std::optional<size_t> Playhead::last_at_or_before(Time t) const {
  // The number of records at or before t: a binary search over positions, reading only times.
  size_t lo = 0, hi = indexed_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (t_ns_at(mid) <= t.ns())
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return lo - 1;
}

const std::vector<uint32_t>* Playhead::stage_list(RecordId from, Stage stage) {
  sync();
  if (static_cast<size_t>(stage) >= stages_.size() || raw(from) >= indexed_) return nullptr;
  return &stages_[static_cast<size_t>(stage)];
}

std::optional<RecordId> Playhead::prev_of_stage(RecordId from, Stage stage) {
  const auto* list = stage_list(from, stage);
  if (!list) return std::nullopt;
  const auto it =
      std::lower_bound(list->begin(), list->end(), raw(from), [this](uint32_t a, uint32_t b) { return before(a, b); });
  if (it == list->begin()) return std::nullopt;
  return static_cast<RecordId>(*(it - 1));
}

std::optional<RecordId> Playhead::next_of_stage(RecordId from, Stage stage) {
  const auto* list = stage_list(from, stage);
  if (!list) return std::nullopt;
  const auto it =
      std::upper_bound(list->begin(), list->end(), raw(from), [this](uint32_t a, uint32_t b) { return before(a, b); });
  if (it == list->end()) return std::nullopt;
  return static_cast<RecordId>(*it);
}

std::optional<RecordId> Playhead::next_of_stage_at(Time t, Stage stage) {
  sync();
  if (static_cast<size_t>(stage) >= stages_.size()) return std::nullopt;
  const auto& list = stages_[static_cast<size_t>(stage)];
  const auto it = std::lower_bound(list.begin(), list.end(), t.ns(),
                                   [this](uint32_t id, int64_t v) { return (*trace_)[id].t_ns < v; });
  if (it == list.end()) return std::nullopt;
  return static_cast<RecordId>(*it);
}

void Playhead::in_flight(Time t, std::vector<RecordId>& out) {
  sync();
  out.clear();
  const int64_t tn = t.ns();
  for (size_t c = 0; c < messages_.size(); ++c) {
    const auto& list = messages_[c];
    if (list.empty()) continue;
    // Every message of class c lasts less than 2^(c+1) ns, so only those sent in the window
    // (t - 2^(c+1), t] can still be in flight; the window is scanned, not the whole list.
    const uint64_t span = c >= 62 ? static_cast<uint64_t>(INT64_MAX) : (uint64_t{2} << c);
    const int64_t lo = tn < INT64_MIN + static_cast<int64_t>(span) ? INT64_MIN : tn - static_cast<int64_t>(span);
    auto it = std::upper_bound(list.begin(), list.end(), lo,
                               [this](int64_t v, uint32_t id) { return v < (*trace_)[id].t_ns; });
    for (; it != list.end(); ++it) {
      const Record& r = (*trace_)[*it];
      if (r.t_ns > tn) break;
      if (static_cast<uint64_t>(tn) - static_cast<uint64_t>(r.t_ns) < static_cast<uint64_t>(r.dur_ns))
        out.push_back(static_cast<RecordId>(*it));
    }
  }
  std::sort(out.begin(), out.end(), [this](RecordId a, RecordId b) { return before(raw(a), raw(b)); });
}

std::vector<RecordId> Playhead::in_flight(Time t) {
  std::vector<RecordId> out;
  in_flight(t, out);
  return out;
}

}  // namespace deploysim
