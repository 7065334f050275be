#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run every test.
#   scripts/test.sh              the format check; every test under ASan + UBSan (Clang -O1) and
#                                then each fuzz target for 60 s in that build; the tests that start
#                                threads under ThreadSanitizer (Clang); the .deb of the ASan build
#                                (built, checked by lintian, installed, run and removed); and the
#                                browser build (scripts/build-web.sh --test: headless Chromium)
#   scripts/test.sh --quick      the dev build (GCC, with the benchmarks) and all its tests only
#   scripts/test.sh --hardening  the same tests under GCC's ASan + UBSan (-O0, the asan-gcc
#                                preset), and the GUI-less fuzz build's terminal test
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup-deps.sh

jobs="$(nproc)"
# Each pass's heading says how long the run has taken so far (CI must finish within 45 minutes).
phase() { echo "== $* (at $((SECONDS / 60)) min $((SECONDS % 60)) s) =="; }
run_preset() {
  local preset="$1"
  shift
  phase "deploysim tests: preset '$preset'"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs" "$@"
}

scripts/lint.sh  # .clang-format and 120-column lines (clang-tidy: scripts/lint.sh --tidy, slow)
tsan() {
  phase "deploysim tests: threads under ThreadSanitizer"
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs" --target deploysim test_gui_session test_trace_background
  ctest --preset tsan -j "$jobs"
}
hardening() {
  run_preset asan-gcc -E '^app:record_tls$'  # record_tls: about 90 s in dev, over 300 s here
  phase "deploysim tests: the GUI-less fuzz build"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs" --target deploysim fuzz_all
  ctest --preset fuzz -R '^app:headless_build$'
}
case "${1:-}" in
  --quick)
    run_preset dev
    exit 0
    ;;
  --hardening)
    hardening
    exit 0
    ;;
esac
# Every test runs in the sanitizer builds below (three compilations on two cores within CI's 45
# minutes: docs/testing.md). The .deb and the browser build's TLS recorder use the asan build's
# deploysim rather than compile the program a fourth time.
# app:record_tls leaves its checked pack of TLS transcripts for the browser build below.
pack="$root/build/asan/recorded-tls.json"
rm -f "$pack"
DEPLOYSIM_KEEP_RECORDED_TLS="$pack" run_preset asan
phase "deploysim tests: each fuzz target for 60 s (the asan build)"
DEPLOYSIM_FUZZ_BUILD="$root/build/asan" scripts/fuzz.sh all 60  # long runs: fuzz/README.md
tsan
phase "deploysim tests: the Debian package"
tests/package/deb.sh build/asan  # cpack, lintian, install, run from elsewhere, remove
phase "deploysim tests: the browser build"
DEPLOYSIM_NATIVE_PRESET=asan DEPLOYSIM_RECORDED_TLS_PACK="$pack" scripts/build-web.sh --test
phase "deploysim tests: all passed"
