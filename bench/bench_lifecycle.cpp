// One simulated year of a 4-replica service (2 workers each, Docker restart=always) with random
// crashes, a slow memory leak (OOM kills every few days), and certificate renewals by Caddy
// (10-minute checks) and certbot (twice-daily timer). Reports wall time per simulated year and
// the trace's memory. Target: under 1 s per year.
#include <benchmark/benchmark.h>

#include <string>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

Scenario year_of_four_replicas(bool with_client) {
  Scenario sc;
  sc.info.name = "bench: a year of four replicas";
  sc.info.duration = days(365);
  sc.info.seed = 2026;
  for (int i = 1; i <= 4; ++i) {
    HostSpec h;
    h.name = "app-" + std::to_string(i);
    h.ip = "10.0.0." + std::to_string(10 + i);
    h.memory = 3ULL << 30;
    sc.hosts.push_back(h);
  }
  HostSpec edge;
  edge.name = "edge-1";
  edge.ip = "203.0.113.10";
  sc.hosts.push_back(edge);
  ProxySpec proxy;
  proxy.host = "edge-1";
  proxy.routes.push_back({"api.example.test", "api", {}});
  sc.proxy = proxy;
  ZoneSpec zone;
  zone.origin = "example.test";
  zone.records.push_back({"api.example.test", DnsType::A, "203.0.113.10", minutes(5), {}});
  sc.zones.push_back(zone);
  CertificateSpec caddy;
  caddy.domain = "api.example.test";
  caddy.issued = -days(30);
  sc.certificates.push_back(caddy);
  CertificateSpec certbot;
  certbot.domain = "www.example.test";
  certbot.issued = -days(80);
  certbot.renewal = Renewal::certbot;
  sc.certificates.push_back(certbot);
  ServiceSpec svc;
  svc.name = "api";
  svc.hosts = {"app-1", "app-2", "app-3", "app-4"};
  svc.workers = 2;
  svc.memory_per_worker = 1ULL << 30;
  svc.memory_growth_per_hour = 8ULL << 20;
  svc.crash_rate_per_hour = 0.05;
  svc.supervisor.kind = SupervisorKind::docker;
  svc.supervisor.restart = "always";
  sc.services.push_back(svc);
  if (with_client) {
    ClientSpec c;
    c.name = "monitor";
    c.url = "https://api.example.test/health";
    c.requests = 365 * 24 * 6;  // every 10 minutes
    c.interval = minutes(10);
    sc.clients.push_back(c);
  }
  return sc;
}

void run_year(benchmark::State& state, bool with_client, TraceLevel level) {
  const Scenario sc = year_of_four_replicas(with_client);
  Options opt;
  opt.level = level;
  size_t records = 0, bytes = 0;
  uint64_t events = 0, restarts = 0;
  for (auto _ : state) {
    Run run = simulate(sc, opt);
    records = run.trace.size();
    bytes = run.trace.memory_bytes();
    events = run.metrics.events;
    restarts = run.metrics.restarts;
    benchmark::DoNotOptimize(run.trace.fingerprint());
  }
  state.counters["records"] = static_cast<double>(records);
  state.counters["trace_MiB"] = static_cast<double>(bytes) / (1 << 20);
  state.counters["events"] = static_cast<double>(events);
  state.counters["restarts"] = static_cast<double>(restarts);
}

void BM_LifecycleYear(benchmark::State& state) { run_year(state, false, TraceLevel::full); }
void BM_LifecycleYearWithMonitor(benchmark::State& state) { run_year(state, true, TraceLevel::full); }
void BM_LifecycleYearOutcomes(benchmark::State& state) { run_year(state, true, TraceLevel::outcomes); }

}  // namespace

BENCHMARK(BM_LifecycleYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LifecycleYearWithMonitor)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LifecycleYearOutcomes)->Unit(benchmark::kMillisecond);
