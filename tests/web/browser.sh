#!/usr/bin/env bash
# The browser build's page in Debian's headless Chromium, driven through a scripted session:
#   tests/web/browser.sh PAGE_DIR SCRIPT_FILE OUT_DIR [--lang ko] [--query K=V] [--timeout S] [--serve FILE]...
#                        [--until-stored REGEX --then SCRIPT2] [--expect-status TEXT] [--drop N:FILE,...]...
# serves PAGE_DIR (with SCRIPT_FILE as session.script) on 127.0.0.1, opens
# index.html?script=session.script[&lang=ko] at 1600x900 and runs browser_test.py against it (the
# page's protocol is in its docstring). Screenshots, page.png and the logs of Chromium and the server
# go to OUT_DIR. Exit 0 when it passed, 1 when not. --query adds to the page's query (the mock's
# fail=error|throw|blank|missing|hang); --timeout is for the whole session, 120 s unless told;
# --serve serves FILE beside the page too (the page's `file=NAME` puts it in its /uploads).
# --until-stored/--then: a reload test; --drop: a served file dropped on the page mid-script
# (browser_test.py --help). Downloads go to OUT_DIR/downloads.
# Needs chromium and python3-websocket (Debian's).
set -uo pipefail
usage() {
  echo "usage: $0 PAGE_DIR SCRIPT_FILE OUT_DIR [--lang LANG] [--query K=V] [--timeout S] [--serve FILE]" \
    "[--until-stored REGEX --then SCRIPT2]" >&2
  exit 1
}
[ $# -ge 3 ] || usage
[ -f "$1/index.html" ] || { echo "FAIL: no $1/index.html"; exit 1; }
[ -f "$2" ] || { echo "FAIL: no script $2"; exit 1; }
page="$(cd "$1" && pwd)"; script="$(realpath "$2")"; out="$3"; shift 3
lang=""; query=""; timeout_s=120; extra=(); until_stored=""; then=""; expect_status=""; drops=()
while [ $# -gt 0 ]; do
  case "$1" in
    --serve) extra+=("$(realpath "${2:?}")"); shift 2 ;;
    --lang) lang="${2:?}"; shift 2 ;;
    --query) query="${2:?}"; shift 2 ;;
    --timeout) timeout_s="${2:?}"; shift 2 ;;
    --until-stored) until_stored="${2:?}"; shift 2 ;;
    --expect-status) expect_status="${2:?}"; shift 2 ;;
    --drop) drops+=(--drop "${2:?}"); shift 2 ;;
    --then) extra+=("$(realpath "${2:?}")"); then="$(basename "$2")"; shift 2 ;;
    *) usage ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
py=/usr/bin/python3
mkdir -p "$out"
tmp="$(mktemp -d)"
server=""; chrome=""; test=""

# Stops a process, or a process group (-PGID), and waits until it is gone.
# shellcheck disable=SC2317  # called from the EXIT trap
stop() {
  local who="$1"
  [ "$who" != "" ] && [ "$who" != "-" ] || return 0
  kill -TERM -- "$who" 2>/dev/null
  for _ in $(seq 50); do kill -0 -- "$who" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "$who" 2>/dev/null
  for _ in $(seq 50); do kill -0 -- "$who" 2>/dev/null || break; sleep 0.1; done
  wait "${who#-}" 2>/dev/null
}
# shellcheck disable=SC2317  # the EXIT trap
cleanup() {
  stop "$test"
  stop "$chrome"
  stop "$server"
  cp "$tmp/chromium.log" "$out/chromium.log" 2>/dev/null
  cp "$tmp/server.log" "$out/server.log" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The served directory: PAGE_DIR's files as symlinks (http.server follows them), and the script.
mkdir "$tmp/www"
shopt -s dotglob nullglob
for f in "$page"/*; do ln -s "$f" "$tmp/www/"; done
ln -sfn "$script" "$tmp/www/session.script"
for f in "${extra[@]}"; do ln -sfn "$f" "$tmp/www/"; done

# Port 0: the kernel picks a free port and http.server prints it ("Serving HTTP on 127.0.0.1 port
# N"); a port picked beforehand and released could be taken meanwhile.
(cd "$tmp/www" && exec "$py" -u -m http.server --bind 127.0.0.1 0) >"$tmp/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$tmp/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the HTTP server did not start within 10 s"; cat "$tmp/server.log"; exit 1; }
if ! $py - "$port" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/index.html", timeout=1).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
then
  echo "FAIL: the HTTP server on port $port did not answer within 10 s"; cat "$tmp/server.log"; exit 1
fi

# --no-sandbox: Chromium will not run as root without it (CI runs as root).
# --use-angle=swiftshader --enable-unsafe-swiftshader: WebGL2 on the CPU, there being no GPU.
# DEPLOYSIM_CHROMIUM_FLAGS: more flags (--disable-3d-apis: a browser without WebGL).
# shellcheck disable=SC2086
setsid chromium --headless=new --no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader ${DEPLOYSIM_CHROMIUM_FLAGS:-} \
  --remote-debugging-port=0 --user-data-dir="$tmp/profile" --window-size=1600,900 \
  --no-first-run --no-default-browser-check about:blank >"$tmp/chromium.log" 2>&1 &
chrome=$!
# Its process group (setsid made it the leader), so that its children go with it.
[ "$(ps -o pgid= -p "$chrome" | tr -d ' ')" = "$chrome" ] && chrome="-$chrome"
ws=""
for _ in $(seq 300); do
  ws="$(sed -n 's/^DevTools listening on \(ws:\/\/[^ ]*\).*/\1/p' "$tmp/chromium.log" | head -n1)"
  [ -n "$ws" ] && break
  kill -0 -- "$chrome" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ws" ]; then
  echo "FAIL: Chromium did not print 'DevTools listening on ws://...' within 30 s; its log ends:"
  tail -n 20 "$tmp/chromium.log"; exit 1
fi

# browser_test.py keeps to --timeout itself; this is for the case where it does not.
# In the background, so that a signal to this script stops all at once (wait returns on it).
timeout -k 5 "$((timeout_s + 60))" "$py" "$here/browser_test.py" --ws "$ws" --base "http://127.0.0.1:$port/" \
  --out "$out" --lang "$lang" --query "$query" --timeout "$timeout_s" --until-stored "$until_stored" --then "$then" \
  --expect-status "$expect_status" "${drops[@]}" &
test=$!
wait "$test"
rc=$?
test=""
[ "$rc" -eq 124 ] && echo "FAIL: browser_test.py did not stop by itself; killed"
[ "$rc" -eq 0 ] && exit 0
exit 1
