// Golden traces: every shipped scenario and each of its variants is simulated and rendered as
// text into its own file, tests/golden/<scenario>.txt for the base scenario and
// tests/golden/<scenario>@<variant>.txt for a variant (the variant's name lower-cased, every run
// of characters other than a-z and 0-9 written as one '-'). tests/golden/README.md describes a
// file; in short:
//   1. a header: scenario, variant, seed, until, record count, the fingerprint of the whole trace
//      (every record, listed or not), requests, succeeded, in flight at the end, failures by cause;
//   2. every lifecycle record (stages process, supervisor, cert, memory, deploy, fault: processes
//      and supervisors, probes, certificates and ACME, memory and the OOM killer, deploys and
//      rollouts, faults and host reboots); above `max_lifecycle_lines` the middle rounds of a
//      repeating loop are replaced by one line that counts them;
//   3. request outcomes per time window: succeeded, failed by cause, p50 latency of the successes;
//   4. the metrics summary, as `deploysim run <scenario> --summary` prints it;
//   5. the request-path records (stages dns, tcp, tls, http, proxy, client, and the app's
//      server.* records they cause) counted by kind; listed in full when the run has at most
//      `max_request_path_lines` of them, otherwise the first request of each outcome.
// A change shows as the file and its first differing lines. If it is intended, accept it with
// `scripts/accept-goldens.sh`: it reruns this test with DEPLOYSIM_UPDATE_GOLDEN=1 (which rewrites
// every file and deletes the files no run produces) and shows `git diff --stat tests/golden`;
// read the diff before committing it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "deploysim/metrics_report.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;
namespace fs = std::filesystem;

namespace {

// A run whose request path has more records than this (long or busy runs) shows them counted by
// kind and the first request of each outcome; its lifecycle records and outcome windows show
// the rest. The short request scenarios (a few clients for seconds or minutes) stay below it.
constexpr size_t max_request_path_lines = 1200;
// Above this many lifecycle records, repeated rounds of a loop are shortened (render_lifecycle).
constexpr size_t max_lifecycle_lines = 2000;
// The outcome table has at most this many windows, of the shortest round width that fits (window_width).
constexpr int64_t max_windows = 40;

bool request_stage(Stage s) {
  switch (s) {
    case Stage::dns:
    case Stage::tcp:
    case Stage::tls:
    case Stage::http:
    case Stage::proxy:
    case Stage::client:
      return true;
    case Stage::process:
    case Stage::supervisor:
    case Stage::cert:
    case Stage::memory:
    case Stage::deploy:
    case Stage::fault:
    case Stage::count:
      return false;
  }
  return false;
}

// Per record: whether it belongs to a request. A record of a request stage does, and so does a
// process record that a request's record caused: the app's server.queued/handle/response/reject
// are on the process lane but answer a request. (In the shipped scenarios no other record outside
// the request stages is caused by one of a request.)
std::vector<char> request_path_records(const Trace& t) {
  std::vector<char> out(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const Record r = t[i];
    out[i] = request_stage(r.stage) || (r.stage == Stage::process && r.cause != RecordId::none && out[raw(r.cause)]);
  }
  return out;
}

std::string render_value(const Trace& t, const Field& f) {
  switch (f.type) {
    case FieldType::string:
      return fmt::format("\"{}\"", t.str(static_cast<Sym>(f.value)));
    case FieldType::time:
      return format_time(ns(f.value));
    case FieldType::boolean:
      return f.value ? "true" : "false";
    case FieldType::integer:
      break;
  }
  return std::to_string(f.value);
}

// One record on one line: index, time and flight time in ns, stage, kind, actor, then what it has.
std::string render_record(const Trace& t, size_t i) {
  const Record r = t[i];
  std::string out =
      fmt::format("{} {} +{} {} {} {}", i, r.t_ns, r.dur_ns, stage_name(r.stage), t.kind(r), t.node_name(r.actor));
  if (r.is_message()) out += fmt::format(" {}->{}", t.node_name(r.from), t.node_name(r.to));
  if (r.conn != ConnId::none) out += fmt::format(" conn={}", raw(r.conn));
  if (r.cause != RecordId::none) out += fmt::format(" cause={}", raw(r.cause));
  if (t.narration(r) != t.kind(r)) out += fmt::format(" say={}", t.narration(r));
  for (const Field& f : t.details(r)) out += fmt::format(" {}={}", t.str(f.key), render_value(t, f));
  return out + '\n';
}

// How a request ended, read from its outcome record (the one place that knows how the trace
// writes outcomes: the test checks the counts read here against the run's metrics).
struct Outcome {
  bool ok = false;
  std::string cause;  // as in Metrics::failures
  int64_t latency_ns = 0;
};

std::optional<Outcome> outcome_of(const Trace& t, const Record& r) {
  if (r.stage != Stage::client) return std::nullopt;
  const std::string_view kind = t.kind(r);
  if (kind == "client.response") return Outcome{true, "", t.detail_int(r, "latency")};
  if (kind != "client.error") return std::nullopt;
  std::string cause(t.detail_str(r, "cause"));
  if (cause.empty()) cause = std::to_string(t.detail_int(r, "status"));
  return Outcome{false, std::move(cause), t.detail_int(r, "latency")};
}

// The shortest of these widths that cuts the run into at most `max_windows` windows.
Time window_width(Time until) {
  static constexpr Time widths[] = {ms(100),     ms(250),     ms(500),     s(1),       s(2),       s(5),
                                    s(10),       s(15),       s(30),       minutes(1), minutes(2), minutes(5),
                                    minutes(10), minutes(15), minutes(30), hours(1),   hours(2),   hours(6),
                                    hours(12),   days(1),     days(2),     days(5),    days(10),   days(30)};
  for (const Time w : widths)
    if ((until.ns() + w.ns() - 1) / w.ns() <= max_windows) return w;
  return until / max_windows + ns(1);
}

struct Window {
  uint64_t ok = 0;
  std::map<std::string, uint64_t> failed;
  std::vector<int64_t> latencies;  // of the successes
};

std::string render_windows(const Run& run) {
  const Trace& t = run.trace;
  const Time width = window_width(run.end);
  const size_t n = static_cast<size_t>(std::max<int64_t>(1, (run.end.ns() + width.ns() - 1) / width.ns()));
  std::vector<Window> windows(n);
  uint64_t ok = 0;
  std::map<std::string, uint64_t> failed;
  for (size_t i = 0; i < t.size(); ++i) {
    const Record r = t[i];
    const auto o = outcome_of(t, r);
    if (!o) continue;
    Window& w = windows[std::min(n - 1, static_cast<size_t>(r.t_ns / width.ns()))];
    if (o->ok) {
      ++w.ok;
      ++ok;
      w.latencies.push_back(o->latency_ns);
    } else {
      ++w.failed[o->cause];
      ++failed[o->cause];
    }
  }
  // The table is read from the trace; if the trace stops writing outcomes the way outcome_of
  // reads them, say so here instead of showing empty windows.
  CHECK_MESSAGE(ok == run.metrics.succeeded, "outcome records and metrics disagree on successes");
  CHECK_MESSAGE(failed == run.metrics.failures, "outcome records and metrics disagree on failures");
  std::string out = fmt::format(
      "## Outcomes per {} window: succeeded, failed, p50 latency of the successes, "
      "failures by cause\n",
      format_time(width));
  for (size_t i = 0; i < n; ++i) {
    Window& w = windows[i];
    uint64_t nf = 0;
    std::string causes;
    for (const auto& [cause, k] : w.failed) {
      nf += k;
      causes += fmt::format(" {}={}", cause, k);
    }
    std::string p50 = "-";
    if (!w.latencies.empty()) {
      const auto mid = w.latencies.begin() + static_cast<ptrdiff_t>((w.latencies.size() - 1) / 2);
      std::nth_element(w.latencies.begin(), mid, w.latencies.end());
      p50 = format_time(ns(*mid));
    }
    out += fmt::format("{:>10} ok {:>6} failed {:>6} p50 {:>10}{}\n", format_time(width * static_cast<int64_t>(i)),
                       w.ok, nf, p50, causes);
  }
  return out;
}

// Two records are rounds of the same loop when they have the same stage, kind, narration and
// actor; times and details (attempt counts, days left) may differ.
bool same_shape(const Record& a, const Record& b) {
  return a.stage == b.stage && a.kind == b.kind && a.narration == b.narration && a.actor == b.actor;
}

// Lifecycle records, in full up to `max_lifecycle_lines`. Beyond it (a retry loop over months),
// each stretch of at least `min_rounds` rounds of a repeating pattern of up to `max_period`
// records is shown as its first and last round and one line saying how many records between
// them repeat it; everything else is still listed.
std::string render_lifecycle(const Trace& t, const std::vector<size_t>& index) {
  std::string out;
  if (index.size() <= max_lifecycle_lines) {
    for (const size_t i : index) out += render_record(t, i);
    return out;
  }
  constexpr size_t max_period = 32, min_rounds = 4;
  std::vector<Record> recs;
  recs.reserve(index.size());
  for (const size_t i : index) recs.push_back(t[i]);
  const size_t n = recs.size();
  for (size_t i = 0; i < n;) {
    size_t period = 0, covered = 0;
    for (size_t p = 1; p <= max_period && i + min_rounds * p <= n; ++p) {
      size_t len = p;
      while (i + len < n && same_shape(recs[i + len], recs[i + len % p])) ++len;
      const size_t rounds = len / p;
      if (rounds >= min_rounds && rounds * p > covered) {
        period = p;
        covered = rounds * p;
      }
    }
    if (period == 0) {
      out += render_record(t, index[i++]);
      continue;
    }
    for (size_t k = i; k < i + period; ++k) out += render_record(t, index[k]);
    const size_t first = i + period, last = i + covered - period - 1;
    out += fmt::format("... {} more rounds of the {} records above: records {} to {}, {} to {} ...\n",
                       covered / period - 2, period, index[first], index[last], format_time(recs[first].t()),
                       format_time(recs[last].t()));
    for (size_t k = i + covered - period; k < i + covered; ++k) out += render_record(t, index[k]);
    i += covered;
  }
  return out;
}

// The first request of each outcome (succeeded, each failure cause), from its outcome record back
// through the records that caused it: what one such request went through.
std::string render_first_requests(const Trace& t) {
  std::string out;
  std::set<std::string> seen;
  for (size_t i = 0; i < t.size(); ++i) {
    const auto o = outcome_of(t, t[i]);
    if (!o) continue;
    const std::string label = o->ok ? "succeeded" : "failed with " + o->cause;
    if (!seen.insert(label).second) continue;
    std::vector<size_t> chain;
    for (RecordId c = static_cast<RecordId>(i); c != RecordId::none; c = t.at(c).cause) chain.push_back(raw(c));
    out += fmt::format("# the first request that {} ({} records)\n", label, chain.size());
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) out += render_record(t, *it);
  }
  return out;
}

std::string render(const std::string& scenario, const std::string& variant, const Run& run) {
  const Trace& t = run.trace;
  const Metrics& m = run.metrics;
  std::string out = fmt::format("# deploysim golden trace\nscenario {}\nvariant {}\nseed {}\nuntil {}\n", scenario,
                                variant, run.seed, format_time(run.end));
  out += fmt::format("records {}\nfingerprint {}\nrequests {}\nsucceeded {}\nin flight at the end {}\n", t.size(),
                     t.fingerprint_hex(), m.requests, m.succeeded, m.in_flight);
  for (const auto& [cause, n] : m.failures) out += fmt::format("failed {} {}\n", cause, n);

  const std::vector<char> on_path = request_path_records(t);
  std::vector<size_t> lifecycle, request_path;
  std::map<std::string, size_t> request_kinds;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!on_path[i]) {
      lifecycle.push_back(i);
      continue;
    }
    request_path.push_back(i);
    const Record r = t[i];
    ++request_kinds[fmt::format("{} {}", stage_name(r.stage), t.kind(r))];
  }
  out += fmt::format("\n## Lifecycle records (process, supervisor, cert, memory, deploy, fault): {}{}\n",
                     lifecycle.size(), lifecycle.size() > max_lifecycle_lines ? ", repeating rounds shortened" : "");
  out += render_lifecycle(t, lifecycle);
  out += '\n' + render_windows(run);
  out += "\n## Metrics (deploysim run --summary)\n" + format_summary(m, t.size());
  out += fmt::format(
      "\n## Request-path records (dns, tcp, tls, http, proxy, client; server.* caused by them): "
      "{}, by kind\n",
      request_path.size());
  for (const auto& [kind, n] : request_kinds) out += fmt::format("{} {}\n", kind, n);
  if (request_path.size() <= max_request_path_lines) {
    out += "\n## Request-path records in full\n";
    for (const size_t i : request_path) out += render_record(t, i);
  } else {
    out += fmt::format("\n## Request-path records: more than {}, so only the first request of each outcome\n",
                       max_request_path_lines);
    out += render_first_requests(t);
  }
  return out;
}

// "rolling update with a preStop pause, maxUnavailable 50 %" -> "rolling-update-with-a-prestop-pause-maxunavailable-50"
std::string slug(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9'))
      out += l;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Where `want` and `got` first differ, as "line N: expected ... / actual ...". Any change alters
// the header (the fingerprint) and the counts in section titles, so a difference in the header
// is followed by the first one below it that is not a section title, named with its section:
// that is where the behaviour changed.
std::string first_differences(const std::string& want, const std::string& got) {
  const std::vector<std::string> a = lines(want), b = lines(got);
  const size_t header_end = static_cast<size_t>(std::find(a.begin(), a.end(), "") - a.begin());
  std::string out;
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const std::string la = i < a.size() ? a[i] : "(end of file)", lb = i < b.size() ? b[i] : "(end of file)";
    if (la == lb || (i > header_end && la.starts_with("## ") && lb.starts_with("## "))) continue;
    std::string section = "the header";
    for (size_t k = i + 1; k-- > 0;)
      if (k < a.size() && a[k].starts_with("## ")) {
        section = "\"" + a[k] + "\"";
        break;
      }
    out += fmt::format("\n  line {} (in {}):\n    expected  {}\n    actual    {}", i + 1, section, la, lb);
    if (i >= header_end) break;
    i = header_end;  // then the first difference in the body
  }
  return out.empty() ? "\n  (they differ only in line endings)" : out;
}

struct Golden {
  std::string file;  // name in tests/golden
  std::string text;
};

// Every shipped scenario and variant, rendered.
std::vector<Golden> render_all() {
  const fs::path scenarios = fs::path(DEPLOYSIM_ASSETS_DIR) / "scenarios";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(scenarios))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 7);
  std::vector<Golden> out;
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    const std::string stem = file.stem().string();
    const LoadResult base = load_scenario_file(file.string());
    REQUIRE_MESSAGE(base.scenario.has_value(), (base.error ? base.error->to_string() : ""));
    out.push_back({stem + ".txt", render(stem, "base", simulate(*base.scenario))});
    for (const VariantSpec& v : base.scenario->variants) {
      CAPTURE(v.name);
      const LoadResult var = apply_variant(*base.scenario, v.name);
      REQUIRE_MESSAGE(var.scenario.has_value(), (var.error ? var.error->to_string() : ""));
      out.push_back({stem + "@" + slug(v.name) + ".txt", render(stem, v.name, simulate(*var.scenario))});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("golden file names are one per variant") {
  CHECK(slug("rolling update with a preStop pause, maxUnavailable 50 %") ==
        "rolling-update-with-a-prestop-pause-maxunavailable-50");
  CHECK(slug("uvicorn 0.29 (no respawn)") == "uvicorn-0-29-no-respawn");
  CHECK(window_width(s(10)) == ms(250));
  CHECK(window_width(days(120)) == days(5));
}

TEST_CASE("every shipped scenario and variant matches its golden file") {
  const fs::path golden = fs::path(DEPLOYSIM_TEST_DIR) / "golden";
  const bool update = std::getenv("DEPLOYSIM_UPDATE_GOLDEN") != nullptr;
  const std::vector<Golden> runs = render_all();
  std::set<std::string> names;
  for (const Golden& g : runs) REQUIRE_MESSAGE(names.insert(g.file).second, "two runs write ", g.file);

  std::vector<std::string> stale;  // golden files no run produces (a renamed variant)
  for (const auto& e : fs::directory_iterator(golden))
    if (e.path().extension() == ".txt" && !names.contains(e.path().filename().string()))
      stale.push_back(e.path().filename().string());
  std::sort(stale.begin(), stale.end());

  if (update) {
    for (const Golden& g : runs) std::ofstream(golden / g.file, std::ios::binary) << g.text;
    for (const std::string& f : stale) fs::remove(golden / f);
    return;
  }
  for (const std::string& f : stale)
    FAIL_CHECK("tests/golden/", f, " belongs to no shipped scenario or variant; scripts/accept-goldens.sh removes it");
  for (const Golden& g : runs) {
    const fs::path expected = golden / g.file;
    if (!fs::exists(expected)) {
      FAIL_CHECK("tests/golden/", g.file, " is missing; scripts/accept-goldens.sh writes it");
      continue;
    }
    const std::string want = read(expected);
    if (want != g.text)
      FAIL_CHECK("tests/golden/", g.file, " differs from the run:", first_differences(want, g.text),
                 "\nIf the change is intended: scripts/accept-goldens.sh, then review git diff tests/golden");
  }
}
