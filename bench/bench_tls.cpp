// Real TLS handshakes through memory BIOs (ECDSA P-256 certificates, X25519 key exchange):
// bare OpenSSL versus deploysim's capture + decoding, and the cost of a simulated handshake
// that reuses a cached transcript. Run: build/release/bench/bench_tls
#include <ctime>

#include <benchmark/benchmark.h>

#include "deploysim/loopback/server_cpu.hpp"
#include "deploysim/loopback/transcript_cache.hpp"

using namespace deploysim::loopback;

namespace {

constexpr int64_t start = 1793523600;  // 2026-11-01T09:00:00Z

struct Fixture {
  CertStore certs;
  ServerConfig server;
  ClientConfig client;
  explicit Fixture(uint8_t versions) {
    const LoopbackConfig c = default_loopback_config(start);
    for (const auto& n : c.server_names)
      server.names.push_back({n.name, &certs.leaf(n.name, n.not_before, n.not_after, n.trust), n.alpn, {}});
    server.default_name = c.default_name;
    client.trusted = {certs.trusted_ca().certificate()};
    client.verify_time = start;
    const TlsVersion v = versions == 1 ? TlsVersion::tls12 : TlsVersion::tls13;
    client.min_version = client.max_version = v;
  }
};

// Absolute rate of bare handshakes (Arg: 2 = TLS 1.3, 1 = TLS 1.2).
void BM_Handshake_Bare(benchmark::State& state) {
  Fixture f(static_cast<uint8_t>(state.range(0)));
  const ServerContext server(f.server, CaptureMode::none);
  const ClientContext client(f.client, CaptureMode::none);
  for (auto _ : state)
    if (!run_handshake(client, server, {}, nullptr).ok) state.SkipWithError("handshake failed");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Handshake_Bare)->Arg(2)->Arg(1)->Unit(benchmark::kMicrosecond);

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Bare and captured+decoded handshakes alternate within one loop, each timed on the thread's
// CPU clock, so both see the same machine load (the box is shared): the overhead counter is
// the fair comparison. Arg 0: version (2 = TLS 1.3, 1 = TLS 1.2); arg 1: 1 = key log lines too.
void BM_Handshake_Interleaved(benchmark::State& state) {
  Fixture f(static_cast<uint8_t>(state.range(0)));
  const ServerContext bare_server(f.server, CaptureMode::none);
  const ClientContext bare_client(f.client, CaptureMode::none);
  const ServerContext cap_server(f.server, CaptureMode::messages);
  const ClientContext cap_client(f.client, state.range(1) ? CaptureMode::messages_and_keys : CaptureMode::messages);
  double bare_s = 0, cap_s = 0;
  bool bare_first = true;
  const auto bare = [&] {
    const double t0 = thread_cpu_s();
    const HandshakeOutcome o = run_handshake(bare_client, bare_server, {}, nullptr);
    bare_s += thread_cpu_s() - t0;
    if (!o.ok) state.SkipWithError("handshake failed");
  };
  const auto captured = [&] {
    const double t0 = thread_cpu_s();
    Capture capture;
    const HandshakeOutcome o = run_handshake(cap_client, cap_server, {}, &capture);
    const auto decoded = decode_messages(capture.messages);
    benchmark::DoNotOptimize(summarize(capture.messages, decoded).cipher);
    cap_s += thread_cpu_s() - t0;
    if (!o.ok) state.SkipWithError("handshake failed");
  };
  for (auto _ : state) {
    // Alternate the order so neither mode always runs with the other's cache footprint.
    if (bare_first) {
      bare();
      captured();
    } else {
      captured();
      bare();
    }
    bare_first = !bare_first;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["bare_per_s"] = n / bare_s;
  state.counters["capture_decode_per_s"] = n / cap_s;
  state.counters["overhead_pct"] = 100.0 * (cap_s - bare_s) / bare_s;
}
BENCHMARK(BM_Handshake_Interleaved)
    ->Args({2, 0})
    ->Args({1, 0})
    ->Args({2, 1})
    ->Args({1, 1})
    ->Unit(benchmark::kMicrosecond);

// What resumption saves the server (loopback::measure_server_cpu: a full handshake, then a second
// connection resuming its ticket; the server's time around its SSL_do_handshake /
// SSL_read_early_data calls), averaged per handshake over the iterations. Arg: 0 = TLS 1.3 PSK
// resumption, 1 = TLS 1.3 with the request as 0-RTT data, 2 = TLS 1.2 session ticket.
void BM_ServerHandshakeCpu(benchmark::State& state) {
  const int mode = static_cast<int>(state.range(0));
  double full_us = 0, resumed_us = 0;
  int64_t resumed = 0;
  for (auto _ : state) {
    const ServerCpu one = measure_server_cpu(mode == 2, mode == 1, 1);
    if (one.pairs != 1) state.SkipWithError("full handshake failed");
    full_us += one.full_us;
    resumed_us += one.resumed_us;
    resumed += one.resumed;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["server_full_us"] = full_us / n;
  state.counters["server_resumed_us"] = resumed_us / n;
  state.counters["resumed_pct"] = 100.0 * static_cast<double>(resumed) / n;
}
BENCHMARK(BM_ServerHandshakeCpu)->Arg(0)->Arg(1)->Arg(2)->Iterations(200)->Unit(benchmark::kMicrosecond);

void BM_DecodeTranscript(benchmark::State& state) {
  CertStore certs;
  LoopbackConfig c = default_loopback_config(start);
  c.http = false;
  const Transcript t = run_loopback(c, certs);
  for (auto _ : state) {
    const auto decoded = decode_messages(t.capture.messages);
    benchmark::DoNotOptimize(summarize(t.capture.messages, decoded).cipher);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeTranscript)->Unit(benchmark::kMicrosecond);

void BM_CachedTranscript(benchmark::State& state) {
  TranscriptCache cache;
  const LoopbackConfig c = default_loopback_config(start);
  cache.get(c);  // the one real handshake
  for (auto _ : state) benchmark::DoNotOptimize(cache.get(c).outcome.ok);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CachedTranscript);

// What the simulation pays per handshake once a configuration has been seen: transcript_for()
// with the client's clock moving on within the certificate's validity.
void BM_TranscriptFor(benchmark::State& state) {
  deploysim::TlsConfig c;
  c.sni = c.verify_host = "api.example.test";
  c.alpn_offered = {"h2", "http/1.1"};
  c.alpn_supported = {"http/1.1"};
  c.cert_domain = "api.example.test";
  c.not_before_unix = start - 30 * 86400;
  c.not_after_unix = start + 60 * 86400;
  c.check_time_unix = start;
  transcript_for(c);  // the one real handshake
  for (auto _ : state) {
    ++c.check_time_unix;
    benchmark::DoNotOptimize(transcript_for(c).outcome.ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TranscriptFor);

}  // namespace
