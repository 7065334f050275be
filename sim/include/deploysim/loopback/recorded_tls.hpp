#pragma once
// Real handshake transcripts recorded by the native build's OpenSSL (`deploysim record-tls`) and
// packed as JSON, for a build without OpenSSL (the browser) to show in place of transcript_for.
// No OpenSSL here: the pack is data.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deploysim/loopback/transcript.hpp"
#include "deploysim/tls_model.hpp"

namespace deploysim::loopback {

/// The pack's file name in the assets directory (where the browser page's file system holds it).
inline constexpr const char* recorded_tls_file = "recorded-tls.json";

/// The pack format this build writes and reads ("format" in the file); any other is refused.
inline constexpr int recorded_tls_format = 1;

/// One recorded handshake: the simulated configuration and its real transcript (borrowed).
using RecordedEntry = std::pair<TlsConfig, const Transcript*>;

/// The text of a pack file: {"format": 1, "openssl": ..., "transcripts": [{"key": ..., "transcript":
/// ...}, ...]}. A key is every TlsConfig field but check_time_unix, which becomes "time_span"
/// (-1, 0, 1: time_span()); bytes are lower-case hex. Entries are in TranscriptKeyLess order, one
/// per key (the first given wins), object keys sorted, one entry a line: the same entries give the
/// same bytes.
std::string pack_json(const std::vector<RecordedEntry>& entries, std::string_view openssl_version);

/// The transcripts of a pack, looked up by simulated configuration the way transcript_for caches
/// them. Load once; then find() may be called from several threads.
class RecordedTranscripts {
 public:
  /// Empty.
  RecordedTranscripts() = default;
  /// Not copied: the nearest-match index points into the entries (moving keeps them valid).
  RecordedTranscripts(const RecordedTranscripts&) = delete;
  /// Not copied.
  RecordedTranscripts& operator=(const RecordedTranscripts&) = delete;
  /// Moved.
  RecordedTranscripts(RecordedTranscripts&&) = default;
  /// Moved.
  RecordedTranscripts& operator=(RecordedTranscripts&&) = default;

  /// Reads the pack at `path`; false with `*error` ("path: what is wrong") when it cannot be read,
  /// is not a pack of this format or lacks a field. On failure the previous contents stay.
  bool load(const std::string& path, std::string* error);
  /// The same from a pack's text; `name` prefixes the error.
  bool parse(std::string_view text, const std::string& name, std::string* error);
  /// The transcript recorded for `config`'s key (`*exact` = true); else the nearest: one recorded
  /// for the same configuration with a certificate of other dates whose clock falls in the same
  /// span (valid, not yet valid, expired), the closest dates first (`*exact` = false: "recorded for
  /// a certificate with other dates"); else nullptr.
  const Transcript* find(const TlsConfig& config, bool* exact = nullptr) const;
  /// What recorded them, as OpenSSL_version(OPENSSL_VERSION) says ("OpenSSL 3.0.15 3 Sep 2024");
  /// "" while nothing is loaded.
  const std::string& openssl_version() const { return openssl_; }
  /// Number of transcripts.
  size_t size() const { return entries_.size(); }

 private:
  std::string openssl_;
  std::map<TlsConfig, Transcript, TranscriptKeyLess> entries_;
  // undated(key) -> that entry of entries_ (the nearest match's candidates)
  std::multimap<TlsConfig, const std::pair<const TlsConfig, Transcript>*, TranscriptKeyLess> undated_;
};

/// The process-wide pack, empty until someone loads it (the browser build: at start-up, from
/// assets_dir() + "/" + recorded_tls_file, before any thread calls find()).
RecordedTranscripts& recorded_transcripts();

}  // namespace deploysim::loopback
