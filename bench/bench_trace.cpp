// Trace append cost per record and bytes per record (Trace::memory_bytes()).
// "typical": a request-path mix whose details mostly repeat (SNI, status, method), with one
// varying number every fourth record. "unique": every record carries two values never seen
// before, the worst case for detail deduplication.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
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
  state.counters["bytes_per_record"] = static_cast<double>(trace.memory_bytes()) / static_cast<double>(trace.size());
}

void BM_trace_append_typical(benchmark::State& state) { run(state, false); }
void BM_trace_append_unique(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_trace_append_typical);
BENCHMARK(BM_trace_append_unique);

// Ten million records once, as the memory budget states it ("well under 1 GB"). Each
// case runs in a fresh child process so its peak RSS (wait4's ru_maxrss) is its own, not the
// other case's or the append benchmarks'; rss_peak_MB subtracts what the child held at start.
struct TenMillion {
  double memory_bytes = 0, start_rss = 0, seconds = 0;
};

void BM_trace_10M_records(benchmark::State& state) {
  const bool unique = state.range(0) != 0;
  constexpr uint64_t n = 10000000;
  for (auto _ : state) {
    int fds[2];
    if (pipe(fds) != 0) return state.SkipWithError("pipe failed");
    const pid_t child = fork();
    if (child < 0) return state.SkipWithError("fork failed");
    if (child == 0) {
      TenMillion out;
      out.start_rss = rss_bytes();
      const auto t0 = std::chrono::steady_clock::now();
      Trace trace;
      const NodeId a = trace.node("laptop"), b = trace.node("proxy");
      for (uint64_t i = 0; i < n; ++i) append_one(trace, i, unique, a, b);
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.memory_bytes = static_cast<double>(trace.memory_bytes());
      benchmark::DoNotOptimize(trace.fingerprint());
      const bool ok = write(fds[1], &out, sizeof out) == static_cast<ssize_t>(sizeof out);
      _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    TenMillion got;
    const bool read_ok = read(fds[0], &got, sizeof got) == static_cast<ssize_t>(sizeof got);
    close(fds[0]);
    int status = 0;
    rusage usage{};
    wait4(child, &status, 0, &usage);
    if (!read_ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return state.SkipWithError("child failed");
    state.SetIterationTime(got.seconds);
    state.counters["MB"] = got.memory_bytes / 1e6;
    state.counters["rss_peak_MB"] = (static_cast<double>(usage.ru_maxrss) * 1024.0 - got.start_rss) / 1e6;
    state.counters["bytes_per_record"] = got.memory_bytes / static_cast<double>(n);
    state.counters["append_ns"] = got.seconds * 1e9 / static_cast<double>(n);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    state.counters["append_cpu_ns"] = cpu * 1e9 / static_cast<double>(n);  // robust on a loaded machine
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_trace_10M_records)->Arg(0)->Arg(1)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
