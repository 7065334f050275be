#!/usr/bin/env bash
# The browser build's load: the download (gzip-compressed, as a web server sends it) and the time
# to the first frame in Debian's headless Chromium from a local server (tests/web/browser.sh), in
# an English and a Korean browser, RUNS times each (default 5); prints every run and the median.
# Each load opens the first lesson as a learner's does (a scripted page starts with nothing
# open; open= gives it the lesson), so the first frame includes simulating and drawing it.
# A measurement to report, not a test.
#   bench/web_load.sh [PAGE_DIR] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
page="${1:-$root/build/web/page}"; runs="${2:-5}"
[ -f "$page/index.html" ] || { echo "no page in $page: scripts/build-web.sh" >&2; exit 1; }
gz() { gzip -9 -c "$1" | wc -c; }
start=0; total=0
for f in deploysim.js deploysim.wasm deploysim.data index.html; do start=$((start + $(gz "$page/$f"))); done
for f in "$page"/*; do total=$((total + $(gz "$f"))); done
echo "download before the first frame: $((start / 1024)) KiB gzip (js, wasm, data, html)"
echo "download in all: $((total / 1024)) KiB gzip (with the Korean font and the recorded handshakes)"
script="$(mktemp)"; out="$(mktemp -d)"; trap 'rm -rf "$script" "$out"' EXIT
printf 'frames 2\nscreenshot /tmp/load.png\nquit\n' > "$script"
for lang in en ko; do
  times=()
  for _ in $(seq "$runs"); do
    t="$("$root/tests/web/browser.sh" "$page" "$script" "$out" --lang "$lang" \
      --query "open=/deploysim/share/deploysim/lessons/01-https-request.toml" 2>&1 |
      sed -n 's/^first frame: \([0-9.]*\) ms.*/\1/p')"
    [ -n "$t" ] || { echo "a run failed (see tests/web/browser.sh $page $script $out)" >&2; exit 1; }
    times+=("$t")
  done
  median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")"
  echo "first frame, $lang browser: median $median ms (runs: ${times[*]} ms, from navigation start)"
done
