// fuzz_seeds OUTDIR: seeds that no shipped file gives, made by the program itself (scripts/fuzz.sh
// runs it once): OUTDIR/trace_json/ the traces of a few shipped scenarios' first seconds, and
// OUTDIR/tls_decode/ real loopback handshakes (TLS 1.3 and 1.2, HelloRetryRequest, mutual TLS,
// resumption with 0-RTT, OCSP stapling, a rejection), one file per connection in the target's
// input format (fuzz_tls_decode.cpp).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploysim/assets.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/trace_json.hpp"
#if DEPLOYSIM_FUZZ_TLS
#include "deploysim/loopback/transcript_cache.hpp"
#endif

namespace {

#if DEPLOYSIM_FUZZ_TLS
namespace lb = deploysim::loopback;

void write_capture(const std::string& file, const lb::Capture& capture) {
  std::string out;
  for (const lb::CapturedMessage& m : capture.messages) {
    const unsigned type = m.content_type >= lb::change_cipher_spec ? (m.content_type - lb::change_cipher_spec) & 3 : 0;
    out += static_cast<char>((m.dir == lb::Direction::server_to_client ? 1 : 0) | (m.encrypted ? 2 : 0) | (type << 2));
    const size_t len = std::min<size_t>(m.bytes.size(), 0xffff);
    out += static_cast<char>(len >> 8);
    out += static_cast<char>(len & 0xff);
    out.append(reinterpret_cast<const char*>(m.bytes.data()), len);
  }
  std::ofstream(file, std::ios::binary) << out;
}

void tls_seeds(const std::string& dir) {
  const int64_t now = 1793523600;  // 2026-11-01T09:00:00Z, as the lessons
  std::vector<std::pair<std::string, lb::LoopbackConfig>> configs;
  const lb::LoopbackConfig base = lb::default_loopback_config(now);
  configs.emplace_back("tls13", base);
  lb::LoopbackConfig c = base;
  c.client_versions = c.server_versions = 1;
  configs.emplace_back("tls12", c);
  c = base;
  c.hello_retry = true;
  configs.emplace_back("hrr", c);
  c = base;
  c.client_cert = lb::ClientCertMode::trusted;
  configs.emplace_back("mtls", c);
  c = base;
  c.client_cert = lb::ClientCertMode::missing;
  configs.emplace_back("mtls-missing", c);
  c = base;
  c.resume = lb::ResumeMode::resume;
  c.early_data = c.server_early_data = true;
  configs.emplace_back("zero-rtt", c);
  c = base;
  c.staple = lb::StapleMode::good;
  configs.emplace_back("ocsp", c);
  c = base;
  c.send_sni = false;
  c.strict_sni = true;
  configs.emplace_back("no-sni", c);
  c = base;
  c.client_versions = c.server_versions = 1;
  c.server_names[0].key = lb::KeyType::rsa2048;
  configs.emplace_back("tls12-rsa", c);

  lb::CertStore certs;
  for (const auto& [name, config] : configs) {
    const lb::Transcript t = lb::run_loopback(config, certs);
    write_capture(dir + "/" + name, t.capture);
    for (size_t i = 0; i < t.earlier.size(); ++i)
      write_capture(dir + "/" + name + "-earlier" + std::to_string(i), t.earlier[i].capture);
    for (size_t i = 0; i < t.replay.size(); ++i)
      write_capture(dir + "/" + name + "-replay" + std::to_string(i), t.replay[i].capture);
  }
}
#endif

void trace_seeds(const std::string& dir) {
  for (const char* name : {"basic-https", "worker-respawn", "rolling-update", "mutual-tls", "memory-four-workers"}) {
    const deploysim::LoadResult r =
        deploysim::load_scenario_file(deploysim::assets_dir() + "/scenarios/" + name + ".toml");
    if (!r.scenario) continue;
    deploysim::Options o;
    o.until = deploysim::s(3);  // small seeds: libFuzzer mutates short inputs faster
    const deploysim::Run run = deploysim::simulate(*r.scenario, o);
    std::ofstream(dir + "/" + name + ".json", std::ios::binary)
        << deploysim::trace_to_json(run.trace, r.scenario->info.name, run.seed);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUTDIR (writes OUTDIR/trace_json and OUTDIR/tls_decode)\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::filesystem::create_directories(dir + "/trace_json");
  trace_seeds(dir + "/trace_json");
#if DEPLOYSIM_FUZZ_TLS
  std::filesystem::create_directories(dir + "/tls_decode");
  tls_seeds(dir + "/tls_decode");
#endif
  return 0;
}
