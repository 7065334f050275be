#include "gui/shell/navigation.hpp"

#include <algorithm>

namespace deploysim::gui {

namespace {

int64_t current_pos(const Model& m, const UiState& ui) {
  if (ui.selected != RecordId::none && raw(ui.selected) < m.run.trace.size())
    return static_cast<int64_t>(m.index.position_of(raw(ui.selected)));
  // Nothing selected: records at exactly the playhead are not shown yet (at the start of a run
  // the first step must land on the first record, not past those at t = 0).
  return m.index.last_at_or_before(ui.t_ns - 1);
}

void go_to(const Model& m, UiState& ui, int64_t pos) {
  if (pos < 0) return;
  const uint32_t i = m.index.at(static_cast<size_t>(pos));
  ui.selected = static_cast<RecordId>(i);
  ui.t_ns = show_time(m.run.trace[i]);
}

}  // namespace

int64_t show_time(const Record& r) { return r.t_ns + r.dur_ns / 2; }

void select_at_playhead(const Model& m, UiState& ui) {
  const int64_t last = m.index.last_at_or_before(ui.t_ns);
  const int64_t pos = m.index.prev_pos(last + 1, ui.settings.stage_filter);
  ui.selected = pos < 0 ? RecordId::none : static_cast<RecordId>(m.index.at(static_cast<size_t>(pos)));
}

bool apply_navigation(const Command& command, const Model& m, UiState& ui) {
  const uint32_t filter = ui.settings.stage_filter;
  if (const auto* step = std::get_if<RequestStep>(&command)) {
    int64_t pos = current_pos(m, ui);
    for (int k = 0; k < std::abs(step->n); ++k) {
      const int64_t next = step->n > 0 ? m.index.next_pos(pos, filter) : m.index.prev_pos(pos, filter);
      if (next < 0) {
        if (step->n < 0) {  // stepping back past the first event: the start of the run
          ui.selected = RecordId::none;
          ui.t_ns = 0;
          return true;
        }
        break;
      }
      pos = next;
    }
    go_to(m, ui, pos);
    ui.playing = false;
    return true;
  }
  if (const auto* seek = std::get_if<RequestSeek>(&command)) {
    ui.t_ns = std::clamp<int64_t>(seek->t.ns(), 0, m.index.end_ns);
    select_at_playhead(m, ui);
    return true;
  }
  if (const auto* jump = std::get_if<RequestStageJump>(&command)) {
    const int64_t pos = current_pos(m, ui);
    go_to(m, ui,
          jump->dir > 0 ? m.index.next_stage_pos(pos, filter, m.run.trace)
                        : m.index.prev_stage_pos(pos, filter, m.run.trace));
    ui.playing = false;
    return true;
  }
  if (const auto* sel = std::get_if<RequestSelect>(&command)) {
    if (sel->id == RecordId::none || raw(sel->id) >= m.run.trace.size()) {
      ui.selected = RecordId::none;
    } else {
      ui.selected = sel->id;
      ui.t_ns = show_time(m.run.trace.at(sel->id));
    }
    return true;
  }
  if (const auto* play = std::get_if<RequestPlay>(&command)) {
    ui.playing = play->on;
    if (ui.playing && ui.t_ns >= m.index.end_ns) ui.t_ns = 0;
    return true;
  }
  return false;
}

void advance_playback(double real_seconds, const Model& m, UiState& ui) {
  if (!ui.playing) return;
  const double speed = ui.settings.speed;
  int64_t next_t = ui.t_ns + static_cast<int64_t>(real_seconds * speed * 1e9);
  // Idle skip: nothing in flight now and the next event more than half a wall second away.
  bool in_flight = false;
  m.index.for_messages(ui.t_ns, ui.t_ns, m.run.trace, [&](uint32_t) { in_flight = true; });
  const int64_t following = m.index.next_pos(m.index.last_at_or_before(ui.t_ns), ui.settings.stage_filter);
  if (!in_flight && following >= 0) {
    const int64_t t_next = m.index.time->t_ns_at(static_cast<size_t>(following));
    const auto half_wall = static_cast<int64_t>(0.5 * speed * 1e9);
    if (t_next - ui.t_ns > half_wall && next_t < t_next - half_wall / 5) next_t = t_next - half_wall / 5;
  }
  if (next_t >= m.index.end_ns) {
    next_t = m.index.end_ns;
    ui.playing = false;
  }
  ui.t_ns = next_t;
  select_at_playhead(m, ui);
}

}  // namespace deploysim::gui
