#pragma once
// Scenario builders and trace queries shared by the lifecycle tests (supervisors, memory,
// certificates, deploys). Scenarios are built in code so each test states exactly what it sets.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::testing {

/// One host "edge-1" (4 GiB) with a Caddy proxy and one service "api" with `workers` workers.
inline Scenario one_service(SupervisorKind kind, std::string restart = "", int workers = 1) {
  Scenario sc;
  sc.info.name = "test";
  sc.info.duration = minutes(30);
  HostSpec host;
  host.name = "edge-1";
  host.ip = "203.0.113.10";
  sc.hosts.push_back(host);
  ProxySpec proxy;
  proxy.host = "edge-1";
  sc.proxy = proxy;
  ServiceSpec svc;
  svc.name = "api";
  svc.host = "edge-1";
  svc.workers = workers;
  svc.supervisor.kind = kind;
  svc.supervisor.restart = std::move(restart);
  sc.services.push_back(svc);
  return sc;
}

/// Makes one_service() reachable: a DNS zone, a route and a certificate for api.example.test,
/// and a client sending `requests` requests one second apart from `start`.
inline void add_https_client(Scenario& sc, int requests, Time start = Time{}, double rate_per_s = 0) {
  ClientSpec c;
  c.name = "browser";
  c.url = "https://api.example.test/";
  c.requests = requests;
  c.rate_per_s = rate_per_s;
  c.start = start;
  sc.clients.push_back(c);
  sc.proxy->routes.push_back({"api.example.test", "api", {}});
  ZoneSpec z;
  z.origin = "example.test";
  z.records.push_back({"api.example.test", DnsType::A, sc.hosts[0].ip, minutes(5), {}});
  sc.zones.push_back(z);
  CertificateSpec cert;
  cert.domain = "api.example.test";
  sc.certificates.push_back(cert);
}

/// Adds a fault.
inline void add_fault(Scenario& sc, FaultKind kind, Time at, std::string target = "api", Time duration = Time{},
                      int exit_code = 1) {
  FaultSpec f;
  f.kind = kind;
  f.at = at;
  f.target = std::move(target);
  f.duration = duration;
  f.exit_code = exit_code;
  sc.faults.push_back(f);
}

/// The records of a kind: copies (the trace hands out records by value) that read like
/// pointers (`*r`, `r->t()`).
inline std::vector<std::optional<Record>> records(const Run& run, std::string_view kind) {
  std::vector<std::optional<Record>> out;
  for (const Record& r : run.trace.records())
    if (run.trace.kind(r) == kind) out.push_back(r);
  return out;
}

/// A time detail of each record of a kind.
inline std::vector<Time> detail_times(const Run& run, std::string_view kind, std::string_view key) {
  std::vector<Time> out;
  for (const auto& r : records(run, kind)) out.push_back(ns(run.trace.detail_int(*r, key)));
  return out;
}

/// The times of the records of a kind.
inline std::vector<Time> times(const Run& run, std::string_view kind) {
  std::vector<Time> out;
  for (const auto& r : records(run, kind)) out.push_back(r->t());
  return out;
}

/// How many records of a kind.
inline size_t count(const Run& run, std::string_view kind) { return records(run, kind).size(); }

}  // namespace deploysim::testing
