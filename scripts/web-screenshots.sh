#!/usr/bin/env bash
# Regenerates the README's browser screenshots (docs/screenshots/browser-*.png): the page test
# (tests/web/page.sh) takes them in headless Chromium at 1600x900 into build/web/shots, and this
# copies the two the README shows: the first lesson at the ClientHello in an English and in a
# Korean browser. The page is built when there is none (or with --build: scripts/build-web.sh,
# incremental); the test runs again when its screenshots are missing or older than the page.
#   scripts/web-screenshots.sh [--build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
page="$root/build/web/page" shots="$root/build/web/shots"
if [ "${1:-}" = "--build" ] || [ ! -s "$page/deploysim.wasm" ]; then
  scripts/build-web.sh
fi
# README image <- the test's screenshot.
pairs=("browser-client-hello.png=en/02-client-hello.png" "browser-korean.png=ko/02-client-hello.png")
stale=0
for pair in "${pairs[@]}"; do
  shot="$shots/${pair#*=}"
  if [ ! -s "$shot" ] || [ -n "$(find "$page" -newer "$shot" -print -quit)" ]; then stale=1; fi
done
if [ "$stale" -eq 1 ]; then
  tests/web/page.sh "$page" "$root" || { echo "web-screenshots: the page test failed: no images copied" >&2; exit 1; }
fi
for pair in "${pairs[@]}"; do
  cp "$shots/${pair#*=}" "docs/screenshots/${pair%%=*}"
  echo "web-screenshots: docs/screenshots/${pair%%=*} <- build/web/shots/${pair#*=}"
done
