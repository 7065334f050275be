// 1,000,000 HTTPS requests through the request path: DNS (cold and warm caches), TCP, TLS 1.3,
// the proxy and 8 Uvicorn workers, most clients on keep-alive connections. Measures the wall
// time of simulate() and the process's peak resident memory (getrusage ru_maxrss).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <fmt/format.h>

#include "deploysim/simulate.hpp"

using namespace deploysim;

namespace {

constexpr int client_count = 40;
constexpr double total_rate = 2000;  // requests per second, all clients together
constexpr int64_t duration_s = 500;  // 2000/s x 500 s = 1,000,000 requests expected

Scenario million() {
  Scenario sc;
  sc.info.name = "million";
  sc.info.seed = 2026;
  sc.info.duration = s(duration_s);
  sc.network.latency = ms(20);
  ZoneSpec z;
  z.origin = "example.test";
  // A 30 s TTL keeps the caches turning over: each domain goes cold again every 30 s.
  z.records = {{"api.example.test", DnsType::A, "203.0.113.10", s(30), {}},
               {"www.example.test", DnsType::CNAME, "api.example.test", s(30), {}}};
  sc.zones.push_back(z);
  HostSpec edge;
  edge.name = "edge-1";
  edge.ip = "203.0.113.10";
  edge.memory = 16ULL << 30;
  sc.hosts = {edge};
  ProxySpec p;
  p.host = "edge-1";
  p.preset = ProxyPreset::nginx;
  p.routes = {{"api.example.test", "api", {}}, {"www.example.test", "api", {}}};
  sc.proxy = p;
  CertificateSpec api;
  api.domain = "api.example.test";
  api.renewal = Renewal::none;
  CertificateSpec www = api;
  www.domain = "www.example.test";
  sc.certificates = {api, www};
  ServiceSpec svc;
  svc.name = "api";
  svc.host = "edge-1";
  svc.workers = 8;
  svc.service_time = {ms(2), ms(10)};
  sc.services = {svc};
  for (int i = 0; i < client_count; ++i) {
    ClientSpec c;
    c.name = fmt::format("client-{}", i);
    c.url = i % 2 ? "https://www.example.test/items" : "https://api.example.test/items";
    c.rate_per_s = total_rate / client_count;
    c.keep_alive = i % 4 != 0;  // a quarter reconnect (and look up DNS) for every request
    c.alpn = {"http/1.1"};
    sc.clients.push_back(c);
  }
  return sc;
}

void run_million(benchmark::State& state, TraceLevel level) {
  const Scenario sc = million();
  Options o;
  o.level = level;
  uint64_t requests = 0, events = 0, records = 0, ok = 0;
  for (auto _ : state) {
    const Run run = simulate(sc, o);
    requests = run.metrics.requests;
    ok = run.metrics.succeeded;
    events = run.metrics.events;
    records = run.trace.size();
    benchmark::DoNotOptimize(run.trace.fingerprint());
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["succeeded"] = static_cast<double>(ok);
  state.counters["events"] = static_cast<double>(events);
  state.counters["records"] = static_cast<double>(records);
  state.counters["peak_rss_MiB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

BENCHMARK_CAPTURE(run_million, trace_none, TraceLevel::none)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(run_million, trace_outcomes, TraceLevel::outcomes)->Unit(benchmark::kMillisecond)->Iterations(1);
