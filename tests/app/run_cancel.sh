#!/usr/bin/env bash
# Ctrl+C (SIGINT) stops a long `deploysim run`: exit 130, a message saying where it stopped and
# which files were not written, the summary of the part that ran on stdout, and no trace or
# metrics file, not even a partial one.
set -euo pipefail
bin="$1"; src="$2"
tmp="$(mktemp -d)"; pid=""
trap 'if [[ -n $pid ]]; then kill "$pid" 2> /dev/null || true; fi; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr"; cat "$tmp/err"; echo "--- stdout"; cat "$tmp/out"; exit 1; }

# A month of the soak scenario takes minutes in any build; the progress line says when it runs.
DEPLOYSIM_PROGRESS=always "$bin" run "$src/tests/scenarios/soak-year.toml" --until 30d --summary \
  --max-trace-memory 64MiB --trace-json "$tmp/trace.json" --metrics-json "$tmp/metrics.json" \
  > "$tmp/out" 2> "$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
  grep -q "Simulating: " "$tmp/err" && break
  sleep 0.1
done
grep -q "Simulating: " "$tmp/err" || fail "the run never started"
kill -INT "$pid"
set +e
wait "$pid"; rc=$?
set -e
pid=""
[[ $rc == 130 ]] || fail "exit $rc, expected 130"
grep -q "recording no trace, only the metrics" "$tmp/err" || fail "the bounded mode was not said"
grep -qE "Stopped by Ctrl\+C at .* of 30 d simulated \([0-9.]+ %\)\." "$tmp/err" || fail "no stop message"
grep -qF "Not written (the run is incomplete): $tmp/trace.json" "$tmp/err" || fail "trace file not named"
grep -qF "Not written (the run is incomplete): $tmp/metrics.json" "$tmp/err" || fail "metrics file not named"
[[ ! -e $tmp/trace.json && ! -e $tmp/trace.json.part && ! -e $tmp/metrics.json && ! -e $tmp/metrics.json.part ]] ||
  fail "a file was written: $(ls "$tmp")"
grep -q "Requests" "$tmp/out" || fail "no partial summary on stdout"
echo "run_cancel: ok"
