#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "deploysim/loopback/ca.hpp"
#include "deploysim/loopback/capture.hpp"
#include "deploysim/loopback/decode.hpp"
#include "deploysim/loopback/handshake.hpp"
#include "deploysim/loopback/transcript.hpp"
#include "deploysim/tls_model.hpp"

namespace deploysim::loopback {

/// Runs `config` once for real (certificates from `certs`) and decodes it; with `link` the
/// flights cross a real TCP connection on 127.0.0.1.
Transcript run_loopback(const LoopbackConfig& config, CertStore& certs, TcpLink* link = nullptr);

/// Real transcripts cached by configuration: each distinct configuration runs OpenSSL once;
/// certificates are generated once per cache. Thread-safe.
class TranscriptCache {
 public:
  /// The transcript for `config`, running the handshake on first use.
  const Transcript& get(const LoopbackConfig& config);
  /// Number of distinct configurations run so far.
  size_t size() const;
  /// The certificates in use (the trusted root is what `--export-ca` writes).
  CertStore& certs() { return certs_; }

 private:
  mutable std::mutex mutex_;
  CertStore certs_;
  std::map<LoopbackConfig, std::unique_ptr<Transcript>> entries_;
};

/// The process-wide cache the simulation and the GUI share.
TranscriptCache& transcript_cache();

/// The cached real transcript of a simulated handshake (process-wide cache). The client's
/// clock only matters by where it falls against the certificate's validity (OpenSSL: valid when
/// notBefore <= t < notAfter), so every clock in one of the three spans shares one transcript:
/// certificates are generated once, and a cache hit costs well under a microsecond.
const Transcript& transcript_for(const TlsConfig& config);

}  // namespace deploysim::loopback
