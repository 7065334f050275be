// `deploysim record-tls --out FILE`: the real OpenSSL transcript of every TLS configuration the
// shipped scenarios reach (base, variants, and each what-if edit that can change a handshake), packed
// for the browser build, which has no OpenSSL (loopback/recorded_tls.hpp). A build step, hidden
// from the help.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "cli/commands.hpp"
#include "deploysim/assets.hpp"
#include "deploysim/kinds.hpp"
#include "deploysim/loopback/record_bytes.hpp"
#include "deploysim/loopback/recorded_tls.hpp"
#include "deploysim/loopback/transcript_cache.hpp"
#include "deploysim/presets.hpp"
#include "deploysim/simulate.hpp"
#include "deploysim/tls_model.hpp"

namespace deploysim::cli {
namespace {

namespace lb = loopback;
using Edit = std::pair<std::string, std::string>;  // path, TOML value (set_param)
using Keys = std::set<TlsConfig, lb::TranscriptKeyLess>;

// The choices of the what-if panel (app/gui/panels/whatif.cpp) that can change a handshake's
// configuration: the proxy's preset, versions, ALPN and SNI policy, the client's SNI, and what
// decides which certificate is presented when (lifetime, renewal, reload). The lifetime slider
// is tried at both ends (1 day: expired from the start; 398 days); other lifetimes get a
// transcript of the same span with other dates (RecordedTranscripts::find). The run's length is
// not tried: a longer run only adds later certificates (other dates) at a high price (a 120-day
// run keeps per-second metrics: basic-https takes 10 s and 1.2 GB in a Debug build), and trying
// every duration added no configuration beyond dates when measured. Nor are the app's and
// hosts' settings (workers, memory, restarts, DNS TTL): they change what happens behind the
// proxy, not the handshake.
// An edit that sets a value to what the scenario already has is not made: the scenario, and so
// its run, would be the same (1077 runs instead of 1484).
struct VersionsChoice {
  const char* toml;
  uint8_t bits;
};
constexpr VersionsChoice tls_versions[] = {
    {R"(["1.2", "1.3"])", tls12 | tls13}, {R"(["1.3"])", tls13}, {R"(["1.2"])", tls12}};
struct RenewalChoice {
  const char* name;
  Renewal renewal;
};
constexpr RenewalChoice renewals[] = {{"proxy", Renewal::proxy},
                                      {"certbot", Renewal::certbot},
                                      {"cert-manager", Renewal::cert_manager},
                                      {"none", Renewal::none},
                                      {"provider", Renewal::provider}};
constexpr int lifetimes_days[] = {1, 398};

std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The edits of `sc` that can change its handshakes.
std::vector<Edit> tls_edits(const Scenario& sc) {
  std::vector<Edit> edits;
  auto flags = [&](const std::string& path, std::optional<bool> now) {
    for (const bool b : {true, false})
      if (now != b) edits.emplace_back(path, b ? "true" : "false");
  };
  for (const CertificateSpec& c : sc.certificates) {
    const std::string base = "certificate." + lower(c.domain) + ".";
    for (const int d : lifetimes_days)
      if (c.lifetime != days(d)) edits.emplace_back(base + "lifetime", fmt::format("\"{}d\"", d));
    for (const RenewalChoice& r : renewals)
      if (c.renewal != r.renewal) edits.emplace_back(base + "renewal", quoted(r.name));
    flags(base + "reload_after_renewal", c.reload_after_renewal);
  }
  if (sc.proxy) {
    for (std::string_view p : proxy_preset_names())
      if (p != preset_name(sc.proxy->preset)) edits.emplace_back("proxy.preset", quoted(p));
    for (const VersionsChoice& v : tls_versions)
      if (sc.proxy->tls_versions != v.bits) edits.emplace_back("proxy.tls_versions", v.toml);
    flags("proxy.http2", sc.proxy->http2);  // unset (the preset's default): both are tried
    flags("proxy.strict_sni", sc.proxy->strict_sni);
  }
  for (const ClientSpec& c : sc.clients) flags("client." + lower(c.name) + ".sni", c.sni);
  return edits;
}

// What a lesson opens: a scenario file, or one of its variants applied.
struct Start {
  Scenario scenario;
  std::string label;  // no-sni.toml, or no-sni.toml [its variant]
  bool variant = false;
};

// One run: a start, or a start with one edit.
struct Job {
  const Start* start;
  const Edit* edit = nullptr;  // into `edits`
};

struct JobResult {
  Keys keys;
  bool refused = false;  // the scenario refuses the edit (the panel shows an error, not a run)
  uint64_t events = 0;
  double seconds = 0;
};

JobResult run_job(const Job& job) {
  const auto t0 = std::chrono::steady_clock::now();
  JobResult out;
  LoadResult edited;
  if (job.edit) {
    edited = set_param(job.start->scenario, job.edit->first, job.edit->second);
    if (edited.error) {
      out.refused = true;
      return out;
    }
  }
  const Run run = simulate(job.edit ? *edited.scenario : job.start->scenario);
  out.events = run.metrics.events;
  const Trace& trace = run.trace;
  if (const Sym hello = trace.find_sym(kinds::tls_client_hello); hello != Sym::none)
    for (const Record& r : trace.records())
      if (r.kind == hello)
        if (auto c = lb::tls_config_of(trace, r)) out.keys.insert(*c);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

// Runs the jobs on every core; the results by job, so that merging them is deterministic.
std::vector<JobResult> run_jobs(const std::vector<Job>& jobs) {
  std::vector<JobResult> results(jobs.size());
  std::atomic<size_t> next = 0;
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) results[i] = run_job(jobs[i]);
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return results;
}

Keys undated_keys(const Keys& keys) {
  Keys out;
  for (const TlsConfig& c : keys) out.insert(lb::undated(c));
  return out;
}

struct RecordArgs {
  std::string out;
  std::string assets;
  bool verbose = false;
};

struct Tally {
  size_t runs = 0, refused = 0;
};

// Runs `jobs`, adds their configurations to `keys` (edits: only those that `undated` lacks, the
// rest being served by a nearest match) and returns each job's.
std::vector<JobResult> record_runs(const std::vector<Job>& jobs, Keys& keys, Keys& undated, Tally& tally,
                                   bool verbose) {
  std::vector<JobResult> results = run_jobs(jobs);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobResult& r = results[i];
    ++tally.runs;
    tally.refused += r.refused;
    size_t added = 0;
    for (const TlsConfig& c : r.keys)
      if (undated.insert(lb::undated(c)).second || !jobs[i].edit) added += keys.insert(c).second;
    if (verbose)
      fmt::print("{:7.3f} s {:8} events {:3} TLS configurations, {:3} new{}  {} {}\n", r.seconds, r.events,
                 r.keys.size(), added, r.refused ? " (refused)" : "", jobs[i].start->label,
                 jobs[i].edit ? jobs[i].edit->first + " = " + jobs[i].edit->second : "");
  }
  return results;
}

int record_tls(const RecordArgs& a) {
  const auto started = std::chrono::steady_clock::now();
  const std::string dir = (a.assets.empty() ? assets_dir() : a.assets) + "/scenarios";
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  if (ec || files.empty()) {
    fmt::print(stderr, "deploysim record-tls: no scenarios in {}\n", dir);
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<Start> starts;
  for (const std::string& f : files) {
    LoadResult loaded = load_scenario_file(f);
    for (size_t v = 0; !loaded.error && v <= loaded.scenario->variants.size(); ++v) {
      const std::string name = std::filesystem::path(f).filename().string();
      if (v == 0) {
        starts.push_back({*loaded.scenario, name});
        continue;
      }
      const VariantSpec& spec = loaded.scenario->variants[v - 1];
      LoadResult applied = apply_variant(*loaded.scenario, spec.name);
      if (applied.error) {
        loaded.error = applied.error;
        break;
      }
      starts.push_back({std::move(*applied.scenario), fmt::format("{} [{}]", name, spec.name), true});
    }
    if (loaded.error) {
      fmt::print(stderr, "{}\n", loaded.error->to_string());
      return 2;
    }
  }

  // 1. What the lessons open: every configuration of the base and variant runs, exactly.
  Keys keys, undated;
  Tally tally;
  std::vector<Job> jobs;
  for (const Start& s : starts) jobs.push_back({&s});
  const std::vector<JobResult> start_results = record_runs(jobs, keys, undated, tally, a.verbose);

  // 2. Each edit on each of them, but for a run without handshakes (no edit adds HTTPS) and a
  // variant whose handshakes are its base's up to the dates (it changes the app, not TLS): the
  // base's edits stand for that variant's.
  std::vector<std::vector<Edit>> edits(starts.size());
  jobs.clear();
  Keys base_undated;
  for (size_t i = 0; i < starts.size(); ++i) {
    const Keys mine = undated_keys(start_results[i].keys);
    if (!starts[i].variant) base_undated = mine;
    if (start_results[i].keys.empty() || (starts[i].variant && mine == base_undated)) continue;
    edits[i] = tls_edits(starts[i].scenario);
    for (const Edit& e : edits[i]) jobs.push_back({&starts[i], &e});
  }
  record_runs(jobs, keys, undated, tally, a.verbose);
  const double simulated_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::vector<lb::RecordedEntry> entries;
  for (const TlsConfig& c : keys) entries.emplace_back(c, &lb::transcript_for(c));
  const std::string pack = lb::pack_json(entries, OpenSSL_version(OPENSSL_VERSION));
  std::ofstream out(a.out, std::ios::binary);
  out << pack;
  out.close();
  if (!out) {
    fmt::print(stderr, "deploysim record-tls: cannot write {}\n", a.out);
    return 2;
  }
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("record-tls: {} scenario runs ({} bases and variants, {} edits of which {} refused)\n", tally.runs,
             starts.size(), tally.runs - starts.size(), tally.refused);
  fmt::print("record-tls: {} TLS configurations, {} handshakes; wrote {} ({} KiB) in {:.1f} s ({:.1f} s simulating)\n",
             keys.size(), lb::transcript_cache().size(), a.out, pack.size() / 1024, total_s, simulated_s);
  return 0;
}

}  // namespace

void register_record_tls_command(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RecordArgs>();
  CLI::App* cmd = app.add_subcommand("record-tls", "Record the TLS transcripts of the shipped scenarios (build step)");
  cmd->group("");  // hidden: a build step of the browser build, not a learner's command
  cmd->add_option("--out", args->out, "Pack file to write (JSON)")->required();
  cmd->add_option("--assets", args->assets, "Assets directory (default: the program's)");
  cmd->add_flag("--verbose", args->verbose, "Print every run: its time, configurations and overrides");
  cmd->callback([args, &ctx] { ctx.exit_code = record_tls(*args); });
}

}  // namespace deploysim::cli
