#pragma once
// Scenarios built in code for the request-path tests (the seed's basic HTTPS request).
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/trace.hpp"

namespace deploysim::test {

/// api.example.test and www.example.test on 203.0.113.10 behind a Caddy proxy, one Uvicorn
/// service "api" (2 workers) and one Hypercorn service "web"; one client asking api twice.
inline Scenario basic_scenario() {
  Scenario sc;
  sc.info.name = "basic";
  sc.info.seed = 42;
  sc.info.duration = s(60);
  sc.network.latency = ms(20);
  sc.network.links = {{"laptop", "resolver", ms(3)}};
  ZoneSpec z;
  z.origin = "example.test";
  z.negative_ttl = minutes(5);
  z.records = {{"api.example.test", DnsType::A, "203.0.113.10", minutes(5), {}},
               {"www.example.test", DnsType::A, "203.0.113.10", minutes(5), {}},
               {"old.example.test", DnsType::A, "203.0.113.99", minutes(5), {}},
               {"lost.example.test", DnsType::A, "192.0.2.77", minutes(5), {}},
               {"shop.example.test", DnsType::A, "203.0.113.10", minutes(5), {}},
               {"app.example.test", DnsType::CNAME, "api.example.test", minutes(1), {}}};
  sc.zones.push_back(z);
  HostSpec edge;
  edge.name = "edge-1";
  edge.ip = "203.0.113.10";
  HostSpec old = edge;
  old.name = "old-server";
  old.ip = "203.0.113.99";
  sc.hosts = {edge, old};
  ProxySpec p;
  p.host = "edge-1";
  p.preset = ProxyPreset::caddy;
  p.default_certificate = "www.example.test";
  p.routes = {{"api.example.test", "api", {}}, {"www.example.test", "web", {}}, {"app.example.test", "api", {}}};
  sc.proxy = p;
  CertificateSpec api;
  api.domain = "api.example.test";
  CertificateSpec www;
  www.domain = "www.example.test";
  www.issued = -days(80);
  CertificateSpec wild;
  wild.domain = "*.example.test";
  sc.certificates = {api, www, wild};
  ServiceSpec a;
  a.name = "api";
  a.host = "edge-1";
  a.workers = 2;
  a.service_time = {ms(20), ms(120)};
  ServiceSpec web = a;
  web.name = "web";
  web.server = ServerPreset::hypercorn;
  sc.services = {a, web};
  ClientSpec c;
  c.name = "laptop";
  c.url = "https://api.example.test/items/1";
  c.requests = 2;
  c.interval = s(10);
  c.alpn = {"h2", "http/1.1"};
  sc.clients = {c};
  return sc;
}

/// Whether a record kind belongs to the request path (not to the lifecycle models).
inline bool is_path_kind(std::string_view kind) {
  for (std::string_view prefix : {"client.", "dns.", "tcp.", "tls.", "http.", "proxy.", "server."})
    if (kind.starts_with(prefix)) return true;
  return false;
}

/// The kinds of all records, in order.
inline std::vector<std::string> kinds(const Trace& t) {
  std::vector<std::string> out;
  for (const Record& r : t.records()) out.emplace_back(t.kind(r));
  return out;
}

/// The request-path kinds from index `from` up to and including the first record of kind
/// `until` (lifecycle records in between are skipped).
inline std::vector<std::string> kinds_until(const Trace& t, size_t from, std::string_view until) {
  std::vector<std::string> out;
  for (size_t i = from; i < t.size(); ++i) {
    if (!is_path_kind(t.kind(t[i]))) continue;
    out.emplace_back(t.kind(t[i]));
    if (t.kind(t[i]) == until) break;
  }
  return out;
}

/// Index of the first record of a kind at or after `from` (t.size() when none).
inline size_t find_kind(const Trace& t, std::string_view kind, size_t from = 0) {
  for (size_t i = from; i < t.size(); ++i)
    if (t.kind(t[i]) == kind) return i;
  return t.size();
}

/// Number of records of a kind.
inline size_t count_kind(const Trace& t, std::string_view kind) {
  size_t n = 0;
  for (const Record& r : t.records()) n += t.kind(r) == kind;
  return n;
}

}  // namespace deploysim::test

#include "core/world.hpp"

namespace deploysim::test {

/// A world with only the request path installed, so a test can play the lifecycle models'
/// part (flip states, call the listeners) at chosen times.
struct ManualRun {
  Scenario sc;
  World world;
  explicit ManualRun(Scenario s, TraceLevel level = TraceLevel::full)
      : sc(std::move(s)), world(sc, sc.info.seed, level) {
    install_request_path(world);
  }
  /// Runs to the scenario's end and lets the models fold their metrics.
  void run() {
    world.engine.run_until(sc.info.duration);
    for (auto& f : world.on_run_end) f(sc.info.duration);
  }
  /// At time t, sets a process's state and tells the listeners when it stops serving.
  void set_state(Time t, uint32_t proc, ProcState state) {
    world.engine.schedule_at(t, [this, proc, state] {
      world.processes[proc].state = state;
      world.processes[proc].listening = state == ProcState::running || state == ProcState::hung;
      if (state == ProcState::crashed || state == ProcState::exited)
        for (auto& f : world.on_process_down) f(static_cast<ProcId>(proc), RecordId::none);
      if (state == ProcState::running)
        for (auto& f : world.on_process_up) f(static_cast<ProcId>(proc), RecordId::none);
    });
  }
};

}  // namespace deploysim::test
