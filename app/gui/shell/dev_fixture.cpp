// The packets-in-flight load of bench_frame, shared with the GUI so that what is measured can be
// opened and looked at.
#include "gui/shell/dev_fixture.hpp"

#include <charconv>
#include <string>
#include <vector>

namespace deploysim::gui {

std::shared_ptr<const Model> in_flight_fixture(int in_flight) {
  Scenario sc;
  sc.info.name = std::to_string(in_flight) + " packets in flight";
  sc.info.description = "A synthetic busy edge for the frame benchmark: every message is in the air at t = 1 s.";
  sc.info.duration = s(2);
  sc.hosts.push_back(HostSpec{"edge-1", "203.0.113.10", 8ULL << 30, true, {}});
  sc.proxy = ProxySpec{};
  sc.proxy->host = "edge-1";
  ServiceSpec api;
  api.name = "api";
  api.host = "edge-1";
  api.workers = 8;
  sc.services.push_back(api);
  Run run;
  Trace& t = run.trace;
  std::vector<NodeId> clients, workers;
  for (int c = 0; c < 40; ++c) {
    ClientSpec spec;
    spec.name = "client-" + std::to_string(c);
    sc.clients.push_back(spec);
    clients.push_back(t.node(spec.name));
  }
  const NodeId proxy = t.node(sc.proxy->name);
  for (int w = 0; w < 8; ++w) workers.push_back(t.node("api/worker-" + std::to_string(w + 1)));
  for (int i = 0; i < in_flight; ++i) {
    const bool upstream = i % 3 == 2;
    RecordSpec spec;
    spec.t = ms(500) + us(i % 400);
    spec.kind = upstream ? "proxy.forward" : (i % 3 == 0 ? "tls.client_hello" : "http.request");
    spec.stage = upstream ? Stage::proxy : (i % 3 == 0 ? Stage::tls : Stage::http);
    spec.from = spec.actor = upstream ? proxy : clients[static_cast<size_t>(i) % clients.size()];
    spec.to = upstream ? workers[static_cast<size_t>(i) % workers.size()] : proxy;
    spec.dur = ms(1000);
    spec.conn = static_cast<ConnId>(i);
    t.append(spec);
  }
  run.end = s(2);
  return model_from_run(std::move(sc), std::move(run));
}

std::optional<int> in_flight_path(std::string_view path) {
  constexpr std::string_view prefix = ":in-flight:";
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  int n = 0;
  const std::string_view digits = path.substr(prefix.size());
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0 || n > 1'000'000) return std::nullopt;
  return n;
}

}  // namespace deploysim::gui
