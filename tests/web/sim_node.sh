#!/usr/bin/env bash
# The simulator compiled to WebAssembly gives the native build's runs: for every shipped
# scenario and every variant, the same `run` line (records, fingerprint, requests, seed), and for
# two of them the same trace JSON, byte for byte. (Determinism across platforms: the trace's
# fingerprint covers every record's time, kind, actors and details.)
#   tests/web/sim_node.sh BUILD/app/deploysim.js NATIVE_DEPLOYSIM SOURCE_DIR
set -euo pipefail
wasm="$1"; native="$2"; src="$3"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
fail=0
# Node 18+ has fetch, which emscripten 3.1.6's loader would use for a file path.
web() { node --no-experimental-fetch "$wasm" --lang en "$@"; }
runs=0
for f in "$src"/assets/scenarios/*.toml; do
  variants=("")
  while IFS= read -r v; do variants+=("$v"); done < <(/usr/bin/python3 -c '
import sys, tomllib
for v in tomllib.load(open(sys.argv[1], "rb")).get("variant", []): print(v["name"])' "$f")
  for v in "${variants[@]}"; do
    args=(run "$f"); [ -n "$v" ] && args+=(--variant "$v")
    a="$(web "${args[@]}" 2>&1)" || true
    b="$("$native" --lang en "${args[@]}" 2>&1)" || true
    runs=$((runs + 1))
    if [ "$a" != "$b" ]; then
      echo "FAIL: $(basename "$f") ${v:+[$v]}"; echo "  wasm:   $a"; echo "  native: $b"; fail=1
    fi
  done
done
for s in basic-https crash-loop-supervisors; do
  f="$src/assets/scenarios/$s.toml"
  [ -f "$f" ] || continue
  web run "$f" --trace-json "$out/wasm.json" >/dev/null
  "$native" --lang en run "$f" --trace-json "$out/native.json" >/dev/null
  cmp -s "$out/wasm.json" "$out/native.json" || { echo "FAIL: $s: the trace JSON differs"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "sim_node: $runs runs, WebAssembly and native agree"
exit "$fail"
