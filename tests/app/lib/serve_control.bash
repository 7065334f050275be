# Shared by the serve_* tests (sourced): after `"$bin" serve ... >LOG 2>&1 & pid=$!`,
# serve_port LOG sets `port` from its start-up line; serve_stop stops it with SIGINT (as Ctrl-C
# does), expects exit 0 and clears `pid`; a failure sets `fail=1`.
# Both wait a bounded time: under TSan on a loaded 2-core CI machine start-up can take seconds,
# and a serve that never stops must fail the test with its log, not hang it until ctest's timeout.
serve_port() {
  local out=$1
  serve_log=$out
  for _ in $(seq 1 600); do
    grep -q "proxy listening on 127.0.0.1:" "$out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break  # exited before listening: its log says why
    sleep 0.1
  done
  port=$(sed -n 's/.*proxy listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$out" | head -n 1)
  [ -n "$port" ] || { echo "FAIL: serve did not start"; cat "$out"; exit 1; }
}
serve_stop() {
  kill -INT "$pid" 2>/dev/null
  local i
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: serve still running 30 s after SIGINT; its output:"
    tail -n 20 "$serve_log"
    kill -KILL "$pid" 2>/dev/null
    fail=1
  fi
  wait "$pid"
  local rc=$?
  pid=""
  [ "$rc" -eq 0 ] || { echo "FAIL: serve exited $rc after SIGINT"; fail=1; }
}
