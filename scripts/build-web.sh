#!/usr/bin/env bash
# The browser build (issue 17): the whole program compiled to WebAssembly with Debian's emscripten
# (3.1.6), as a folder of static files, build/web/page (index.html, deploysim.js, .wasm, .data),
# that any web server serves (`python3 -m http.server -d build/web/page`). The TLS bytes the
# page shows are real handshakes recorded by the native build's OpenSSL (`deploysim record-tls`),
# so the native program is built first (build/dev; DEPLOYSIM_NATIVE_PRESET=NAME: build/NAME). Also builds the command line for node.
#   scripts/build-web.sh          build the page
#   scripts/build-web.sh --test   then test it: every scenario under node gives the native run
#                                 (tests/web/sim_node.sh), and the page in headless Chromium
#                                 (tests/web/page.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup-deps.sh
packages=(emscripten node-acorn)
[ "${1:-}" = "--test" ] && packages+=(chromium python3-websocket)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  echo "deploysim: installing ${missing[*]} from Debian" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi
# Debian's emscripten 3.1.6: acorn from Debian's node-acorn, Debian's own python3 (not one a
# version manager put first on PATH), and its prebuilt system libraries (no EM_CACHE of ours).
NODE_PATH="$(dirname "$(dpkg -L node-acorn | grep -m1 '/acorn$')")"
export NODE_PATH
export PATH="/usr/bin:$PATH"
unset EM_CACHE
jobs="$(nproc)"

# The handshakes the page shows, recorded with the native build's OpenSSL.
preset="${DEPLOYSIM_NATIVE_PRESET:-dev}"  # scripts/test.sh: "asan" (the build its tests ran in)
native="$root/build/$preset/app/deploysim"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" --target deploysim
build="$root/build/web"
mkdir -p "$build"
# DEPLOYSIM_RECORDED_TLS_PACK: a pack the same program recorded already (scripts/test.sh keeps
# the one app:record_tls made and checked); otherwise it is recorded here.
if [ -n "${DEPLOYSIM_RECORDED_TLS_PACK:-}" ] && [ -s "$DEPLOYSIM_RECORDED_TLS_PACK" ]; then
  cp "$DEPLOYSIM_RECORDED_TLS_PACK" "$build/recorded-tls.json"
else
  "$native" record-tls --out "$build/recorded-tls.json"
fi

# -O2 rather than CMake's -O3 for Release: "a well-optimized build" in emscripten's own words
# (docs/optimizing/Optimizing-Code), for about a tenth less compile time in CI.
emcmake cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DDEPLOYSIM_RECORDED_TLS="$build/recorded-tls.json" >/dev/null
cmake --build "$build" -j "$jobs"
page="$build/page"
gz() { gzip -9 -c "$1" | wc -c; }
total=0
for f in "$page"/*; do total=$((total + $(gz "$f"))); done
echo "deploysim: the page is $page ($(du -sk "$page" | cut -f1) KiB; $((total / 1024)) KiB to download gzip-compressed;" \
  "bench/web_load.sh measures the time to the first frame)"
echo "deploysim: serve it with: python3 -m http.server --bind 127.0.0.1 -d $page 8000"

if [ "${1:-}" = "--test" ]; then
  tests/web/sim_node.sh "$build/app/deploysim.js" "$native" "$root"
  tests/web/page.sh "$page" "$root"
fi
