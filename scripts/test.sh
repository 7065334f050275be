#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run every test.
#   scripts/test.sh              the format check; the dev (Debug, GCC) build with its unit tests; every
#                                test under ASan + UBSan (GCC); the .deb (built, checked by lintian,
#                                installed, run and removed); and the browser build
#                                (scripts/build-web.sh --test: the page runs in headless Chromium)
#   scripts/test.sh --quick      the dev build and all its tests only
#   scripts/test.sh --hardening  the tests that start threads under ThreadSanitizer (Clang), and the
#                                headless build (Clang, no GUI, ASan + UBSan): its terminal test and
#                                each fuzz target for 60 s
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup-deps.sh

jobs="$(nproc)"
run_preset() {
  local preset="$1"
  shift
  echo "== deploysim tests: preset '$preset' =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs" "$@"
}

scripts/lint.sh  # .clang-format and 120-column lines (clang-tidy: scripts/lint.sh --tidy, slow)
hardening() {
  echo "== deploysim tests: threads under ThreadSanitizer =="
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs" --target deploysim test_gui_session
  ctest --preset tsan -j "$jobs"
  echo "== deploysim tests: the fuzz targets (Clang, no GUI, ASan + UBSan) =="
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs" --target deploysim fuzz_all
  ctest --preset fuzz -R '^app:headless_build$'
  scripts/fuzz.sh all 60  # a smoke run; long runs: scripts/fuzz.sh TARGET 600 (fuzz/README.md)
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
# Every test runs under ASan + UBSan below, so the plain build runs its unit tests only. Five
# compilations (dev, asan, tsan, fuzz, web) do not fit CI's 45 minutes on two cores: the
# ThreadSanitizer pass and the GUI-less build with its fuzz targets are `--hardening`
# (docs/testing.md).
run_preset dev -L sim
# record_tls simulates 1,457 runs (about 90 s in dev, over its 300 s limit under ASan); it runs in
# --quick, the browser build records with build/dev, and --hardening runs it under TSan.
run_preset asan -E '^app:record_tls$'
echo "== deploysim tests: the Debian package =="
tests/package/deb.sh build/dev  # cpack, lintian, install, run from elsewhere, remove
echo "== deploysim tests: the browser build =="
scripts/build-web.sh --test  # uses build/dev's deploysim to record the TLS transcripts
