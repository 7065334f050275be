// Trace append cost per record and bytes per record (Trace::memory_bytes()).
// "typical": a request-path mix whose details mostly repeat (SNI, status, method), with one
// varying number every fourth record. "unique": every record carries two values never seen
// before, the worst case for detail deduplication.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "deploysim/trace.hpp"

using namespace deploysim;

namespace {

struct Kind {
  const char* kind;
  Stage stage;
};
constexpr std::array<Kind, 8> kinds = {{{"dns.query", Stage::dns},
                                        {"dns.answer", Stage::dns},
                                        {"tcp.syn", Stage::tcp},
                                        {"tls.client_hello", Stage::tls},
                                        {"tls.server_hello", Stage::tls},
                                        {"http.request", Stage::http},
                                        {"proxy.forward", Stage::proxy},
                                        {"http.response", Stage::http}}};

// Resident set size in bytes (Linux /proc/self/statm): the memory the records really occupy,
// since untouched vector capacity is never faulted in.
double rss_bytes() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

void append_one(Trace& trace, uint64_t i, bool unique, NodeId a, NodeId b) {
  const Kind& k = kinds[i % kinds.size()];
  RecordSpec spec;
  spec.t = ns(static_cast<int64_t>(i) * 1000);
  spec.kind = k.kind;
  spec.stage = k.stage;
  spec.actor = spec.from = a;
  spec.to = b;
  spec.dur = ms(20);
  spec.conn = static_cast<ConnId>(i / 8);
  spec.cause = static_cast<RecordId>(i ? i - 1 : 0);
  if (unique) {
    trace.append(spec, {{"bytes", static_cast<int64_t>(i)}, {"latency", ns(static_cast<int64_t>(i) * 7)}});
  } else if (i % 4 == 3) {
    trace.append(spec, {{"sni", "api.example.test"}, {"latency", ns(static_cast<int64_t>(i))}});
  } else {
    trace.append(spec, {{"sni", "api.example.test"}, {"status", 200}, {"method", "GET"}});
  }
}

void run(benchmark::State& state, bool unique) {
  Trace trace;
  const NodeId a = trace.node("laptop"), b = trace.node("proxy");
  uint64_t i = 0;
  for (auto _ : state) append_one(trace, i++, unique, a, b);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["bytes_per_record"] =
      static_cast<double>(trace.memory_bytes()) / static_cast<double>(trace.size());
}

void BM_trace_append_typical(benchmark::State& state) { run(state, false); }
void BM_trace_append_unique(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_trace_append_typical);
BENCHMARK(BM_trace_append_unique);

// Ten million records once, as the memory budget states it ("well under 1 GB").
void BM_trace_10M_records(benchmark::State& state) {
  const bool unique = state.range(0) != 0;
  for (auto _ : state) {
    const double rss_before = rss_bytes();
    Trace trace;
    const NodeId a = trace.node("laptop"), b = trace.node("proxy");
    for (uint64_t i = 0; i < 10000000; ++i) append_one(trace, i, unique, a, b);
    state.counters["MB"] = static_cast<double>(trace.memory_bytes()) / 1e6;
    state.counters["rss_MB"] = (rss_bytes() - rss_before) / 1e6;
    state.counters["bytes_per_record"] = static_cast<double>(trace.memory_bytes()) / 1e7;
    benchmark::DoNotOptimize(trace.fingerprint());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 10000000);
}
BENCHMARK(BM_trace_10M_records)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
