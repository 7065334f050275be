#!/usr/bin/env bash
# The browser build (issue 17), step by step. What it builds today: the simulator and the
# command line compiled to WebAssembly with Debian's emscripten (3.1.6), run under node; with
# --test, tests/web/sim_node.sh checks that every shipped scenario gives the native build's
# trace, byte for byte. The window in a browser page is not built yet.
#   scripts/build-web.sh [--test]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup-deps.sh
if ! dpkg-query -W -f='${Status}' emscripten node-acorn 2>/dev/null | grep -q "install ok installed"; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  echo "deploysim: installing Debian's emscripten" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends emscripten node-acorn \
    >/dev/null
fi
# Debian's emscripten 3.1.6: acorn from Debian's node-acorn, Debian's own python3 (not one a
# version manager put first on PATH), and its prebuilt system libraries (no EM_CACHE of ours).
export NODE_PATH="$(dirname "$(dpkg -L node-acorn | grep -m1 '/acorn$')")"
export PATH="/usr/bin:$PATH"
unset EM_CACHE

build="$root/build/web"
emcmake cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "deploysim: built $build/app/deploysim.js and deploysim.wasm ($(du -k "$build/app/deploysim.wasm" | cut -f1) KiB)"

if [ "${1:-}" = "--test" ]; then
  native="$root/build/dev/app/deploysim"
  if [ ! -x "$native" ]; then
    cmake --preset dev >/dev/null
    cmake --build --preset dev -j "$(nproc)" --target deploysim
  fi
  tests/web/sim_node.sh "$build/app/deploysim.js" "$native" "$root"
fi
