#!/usr/bin/env bash
# The README's second command: install what is missing, build everything, run every test.
#   scripts/test.sh          the format check, the dev (Debug, GCC) build, then the headless build (no GUI)
#                            with Clang and its terminal tests, everything under ASan + UBSan, the .deb
#                            (built, checked by lintian, installed, run and removed), and the browser build
#                            (scripts/build-web.sh --test: emscripten's Clang compiles the GUI; the page
#                            runs in headless Chromium)
#   scripts/test.sh --quick  the dev build only
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
run_preset dev
if [ "${1:-}" != "--quick" ]; then
  # The GUI-less program (Clang, no GLFW) runs the terminal's tests; the library's unit tests,
  # the same code as dev's, run in dev and again under the sanitizers. The transcript recording
  # and the handouts take minutes and do not differ without a GUI.
  run_preset headless -L app -E '^app:(record_tls|handout)$'
  run_preset asan
  echo "== deploysim tests: the Debian package =="
  tests/package/deb.sh build/dev  # cpack, lintian, install, run from elsewhere, remove
  echo "== deploysim tests: the browser build =="
  scripts/build-web.sh --test  # uses build/dev's deploysim to record the TLS transcripts
fi
