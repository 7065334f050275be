#pragma once
// The fuzz targets' bodies (docs in fuzz/README.md): each takes the bytes libFuzzer made and runs
// them through the entry points the program itself uses for that kind of outside data. Shared by
// the libFuzzer executables (fuzz_main.cpp adds only LLVMFuzzerTestOneInput) and by
// tests/test_fuzz_regressions.cpp, which replays tests/fuzz_regressions/<target>/ in every build.
// A target returns 0; a broken invariant aborts (a finding), as a crash does.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace deploysim {
class Messages;
}

namespace deploysim::fuzz {

/// One fuzz target: its name (fuzz_<name> is the executable), its body, and what it loads once
/// per process (shipped catalogues, scenarios, runs), done before the first input so that
/// libFuzzer's per-input timeout measures the input's own work.
struct Target {
  std::string_view name;
  int (*run)(const uint8_t* data, size_t size);
  void (*init)() = nullptr;
};

/// Every target this build has (tls_decode only with DEPLOYSIM_TLS, import_* only with app/import).
std::span<const Target> targets();
/// The target of that name, or nullptr.
const Target* find_target(std::string_view name);
/// Runs the target's init, if it has one (LLVMFuzzerInitialize).
void warm_up(std::string_view name);

int run_scenario(const uint8_t* data, size_t size);    ///< Scenario TOML: load, validate, every variant.
int run_lesson(const uint8_t* data, size_t size);      ///< A lesson file, checked against its scenario's run.
int run_exercise(const uint8_t* data, size_t size);    ///< An exercise file, or a learner's settings file.
int run_settings(const uint8_t* data, size_t size);    ///< The GUI's settings.json.
int run_trace_json(const uint8_t* data, size_t size);  ///< A deploysim-trace/1 file (read, written, read).
int run_tls_decode(const uint8_t* data, size_t size);  ///< TLS messages a client sends to `deploysim serve`.
int run_set_param(const uint8_t* data, size_t size);   ///< What-if "PATH = VALUE" lines on a shipped scenario.
int run_notations(const uint8_t* data, size_t size);   ///< Duration, size and rate notations.
int run_simulate(const uint8_t* data, size_t size);    ///< Invariant: a scenario that loads runs 60 s twice alike.

/// The events after which the simulate target stops a run (through Options::cancel, at the same
/// event in both runs): above the first minute of every shipped scenario (loaded-workers.toml,
/// the biggest, takes about 24,500; test_fuzz_regressions checks them all), so that each of
/// them simulates its whole minute, while an input at a million requests per second stays within
/// the target's timeout. Two runs of 30,000 events take about 1 s under ASan on an idle core.
inline constexpr uint64_t simulate_max_events = 30000;
int run_import_nginx(const uint8_t* data, size_t size);    ///< An nginx config (app/import).
int run_import_caddy(const uint8_t* data, size_t size);    ///< A Caddyfile (app/import).
int run_import_systemd(const uint8_t* data, size_t size);  ///< A systemd unit, and the bytes as an ASGI command line.
int run_import_certbot(const uint8_t* data, size_t size);  ///< certbot's renewal conf; the bytes as a hook script.
int run_import_yaml(const uint8_t* data,
                    size_t size);  ///< A compose file or Kubernetes manifests, through the whole importer.

void init_scenario();   ///< The Korean catalogue (error texts).
void init_lesson();     ///< The source catalogue and the runs of the shipped lessons' scenarios.
void init_set_param();  ///< The shipped scenarios and the English catalogue.
void init_exercise();   ///< The source catalogue, the shipped exercises and the Korean catalogue.
void init_import();     ///< The English catalogue (the import parsers' error texts).

/// The shipped catalogue of `lang` ("en", "ko"), loaded once per process.
const Messages& shipped_messages(std::string_view lang);

/// Checks an invariant of the program: aborts with `what` on stderr when it does not hold, so
/// that libFuzzer (and the regression test, which dies) reports the input.
void require(bool holds, const char* what);

}  // namespace deploysim::fuzz
