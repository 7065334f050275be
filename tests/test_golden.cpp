// Golden traces: every shipped scenario (and each of its variants) is simulated and rendered as
// text; the result must match tests/golden/<scenario>.txt. A change that alters a trace shows up
// as a diff its author must look at and accept with DEPLOYSIM_UPDATE_GOLDEN=1.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "deploysim/scenario.hpp"
#include "deploysim/simulate.hpp"

using namespace deploysim;
namespace fs = std::filesystem;

namespace {

// Long traces keep their first records in text; the fingerprint covers every record.
constexpr size_t max_lines = 250;

std::string render_value(const Trace& t, const Field& f) {
  switch (f.type) {
    case FieldType::string: return fmt::format("\"{}\"", t.str(static_cast<Sym>(f.value)));
    case FieldType::time: return format_time(ns(f.value));
    case FieldType::boolean: return f.value ? "true" : "false";
    case FieldType::integer: break;
  }
  return std::to_string(f.value);
}

std::string render(const std::string& title, const Run& run) {
  const Trace& t = run.trace;
  std::string out = fmt::format("== {} (seed {}, until {})\n", title, run.seed, format_time(run.end));
  out += fmt::format("records {} fingerprint {} requests {} succeeded {}\n", t.size(),
                     t.fingerprint_hex(), run.metrics.requests, run.metrics.succeeded);
  for (const auto& [cause, n] : run.metrics.failures) out += fmt::format("failed {} {}\n", cause, n);
  for (size_t i = 0; i < std::min(t.size(), max_lines); ++i) {
    const Record& r = t[i];
    out += fmt::format("{} {} +{} {} {} {}", i, r.t_ns, r.dur_ns, stage_name(r.stage), t.kind(r),
                       t.node_name(r.actor));
    if (r.is_message()) out += fmt::format(" {}->{}", t.node_name(r.from), t.node_name(r.to));
    if (r.conn != ConnId::none) out += fmt::format(" conn={}", raw(r.conn));
    if (r.cause != RecordId::none) out += fmt::format(" cause={}", raw(r.cause));
    if (t.narration(r) != t.kind(r)) out += fmt::format(" say={}", t.narration(r));
    for (const Field& f : t.details(r)) out += fmt::format(" {}={}", t.str(f.key), render_value(t, f));
    out += '\n';
  }
  if (t.size() > max_lines) out += fmt::format("... {} more records\n", t.size() - max_lines);
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every shipped scenario matches its golden trace") {
  const fs::path scenarios = fs::path(DEPLOYSIM_ASSETS_DIR) / "scenarios";
  const fs::path golden = fs::path(DEPLOYSIM_TEST_DIR) / "golden";
  const bool update = std::getenv("DEPLOYSIM_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(scenarios))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 7);
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    const LoadResult base = load_scenario_file(file.string());
    REQUIRE_MESSAGE(base.scenario.has_value(), (base.error ? base.error->to_string() : ""));
    std::string text = render("base", simulate(*base.scenario));
    for (const VariantSpec& v : base.scenario->variants) {
      const LoadResult var = apply_variant(*base.scenario, v.name);
      REQUIRE_MESSAGE(var.scenario.has_value(), (var.error ? var.error->to_string() : ""));
      text += render("variant " + v.name, simulate(*var.scenario));
    }
    const fs::path expected = golden / (file.stem().string() + ".txt");
    if (update) {
      fs::create_directories(golden);
      std::ofstream(expected, std::ios::binary) << text;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(expected), "no golden file ", expected.string(),
                    "; run with DEPLOYSIM_UPDATE_GOLDEN=1 to create it");
    const std::string want = read(expected);
    if (want != text) {
      // Point at the first differing line rather than dumping two whole traces.
      std::istringstream a(want), b(text);
      std::string la, lb;
      int line = 0;
      while (true) {
        ++line;
        const bool more_a = static_cast<bool>(std::getline(a, la));
        const bool more_b = static_cast<bool>(std::getline(b, lb));
        if (!more_a && !more_b) break;
        if (la != lb || more_a != more_b) {
          FAIL_CHECK(expected.filename().string(), ":", line, ": golden has\n  ", la, "\nthe run gives\n  ", lb,
                     "\n(accept with DEPLOYSIM_UPDATE_GOLDEN=1 if intended)");
          break;
        }
      }
    }
  }
}
