# Shared by the serve_* tests (sourced): after `"$bin" serve ... >LOG 2>&1 & pid=$!`,
# serve_port LOG sets `port` from its start-up line; serve_stop stops it with SIGINT (as Ctrl-C
# does), expects exit 0 and clears `pid`; a failure sets `fail=1`.
serve_port() {
  local out=$1
  for _ in $(seq 1 200); do
    grep -q "proxy listening on 127.0.0.1:" "$out" 2>/dev/null && break
    sleep 0.1
  done
  port=$(sed -n 's/.*proxy listening on 127.0.0.1:\([0-9]*\) .*/\1/p' "$out" | head -n 1)
  [ -n "$port" ] || { echo "FAIL: serve did not start"; cat "$out"; exit 1; }
}
serve_stop() {
  kill -INT "$pid"
  wait "$pid"
  local rc=$?
  pid=""
  [ "$rc" -eq 0 ] || { echo "FAIL: serve exited $rc after SIGINT"; fail=1; }
}
