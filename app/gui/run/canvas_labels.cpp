// The canvas's texts in the chosen language: role names, certificate lines, stacked workers'
// names and their state lines (layout.cpp places them).
#include <cmath>

#include <fmt/format.h>

#include "gui/run/layout.hpp"

namespace deploysim::gui {

CanvasWords canvas_words(const Messages& m) {
  CanvasWords w;
  static constexpr const char* role_keys[] = {"canvas.client", "canvas.resolver",    "canvas.dns",
                                              "canvas.proxy",  "canvas.worker",      "canvas.supervisor",
                                              "canvas.ca",     "canvas.acme_client", "canvas.host"};
  for (size_t i = 0; i < std::size(role_keys); ++i) w.roles[i] = m(role_keys[i]);
  static constexpr const char* legend_keys[] = {"canvas.failure", "canvas.encrypted", "canvas.plaintext"};
  for (size_t i = 0; i < std::size(legend_keys); ++i) w.legend[5 + i] = m(legend_keys[i]);
  for (size_t i = 0; i < 5; ++i) w.legend[i] = m.stage(static_cast<Stage>(i));  // dns, tcp, tls, http, proxy
  w.host_title = m("canvas.host_title");
  w.days_left = m("canvas.days_left");
  w.day_left = m("canvas.day_left");
  w.hours_left = m("canvas.hours_left");
  w.minutes_left = m("canvas.minutes_left");
  w.seconds_left = m("canvas.seconds_left");
  w.expired = m("canvas.expired");
  w.backing_off = m("canvas.backing_off");
  w.seconds = m("units.s");
  w.restart_one = m("canvas.restart_one");
  w.restarts = m("canvas.restarts");
  w.stack = m("canvas.stack");
  w.stack_state = m("canvas.stack_state");
  w.in_flight = m("canvas.in_flight");
  w.in_flight_total = m("canvas.in_flight_total");
  return w;
}

std::string node_label(const NodeInfo& n, const CanvasWords& w) {
  // Inside a host's frame "edge-1/systemd" is just "systemd": the frame names the host.
  if (n.host >= 0 && (n.role == NodeRole::supervisor || n.role == NodeRole::other))
    return n.name.substr(n.name.find('/') + 1);
  if (n.role == NodeRole::worker) return n.name;  // "api/manager" is the service's master process
  const std::string& role = w.roles[static_cast<size_t>(n.role)];
  return !role.empty() && n.name.find(role) == std::string::npos ? fmt::format("{} ({})", n.name, role) : n.name;
}

std::string cert_label(const std::string& domain, double days_left, const CanvasWords& w) {
  // In whole seconds first: 4 h read back from days is 3.9999... h, which must not say "3 h".
  const double sec = std::round(days_left * 86400);
  if (sec <= 0) return fmt::format(fmt::runtime(w.expired), domain);
  // Whole days, as certbot certificates counts them ("VALID: 59 days"): 60.6 is 60, not 61.
  // Under a day "0 days left" would hide the hours a Friday-night lesson is about: whole hours,
  // then whole minutes, then seconds, each counted down as the days are.
  if (sec >= 86400) {
    const double days = std::floor(sec / 86400);
    return fmt::format(fmt::runtime(days == 1 ? w.day_left : w.days_left), domain, days);
  }
  if (sec >= 3600) return fmt::format(fmt::runtime(w.hours_left), domain, std::floor(sec / 3600));
  if (sec >= 60) return fmt::format(fmt::runtime(w.minutes_left), domain, std::floor(sec / 60));
  return fmt::format(fmt::runtime(w.seconds_left), domain, sec);
}

const std::vector<std::string>& legend_labels(const CanvasWords& w) { return w.legend; }

std::string stack_label(const std::string& stem, size_t count, const CanvasWords& w) {
  return fmt::format(fmt::runtime(w.stack), stem, count);
}

std::string status_label(const std::string& state, int64_t backoff_ns, uint32_t restarts, const CanvasWords& w) {
  std::string s = backoff_ns > 0
                      ? fmt::format("{} {}", state,
                                    fmt::format(fmt::runtime(w.seconds),
                                                fmt::format("{:.1f}", static_cast<double>(backoff_ns) / 1e9)))
                      : state;
  if (restarts) s += fmt::format(fmt::runtime(restarts == 1 ? w.restart_one : w.restarts), restarts);
  return s;
}

}  // namespace deploysim::gui
