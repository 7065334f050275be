#!/usr/bin/env bash
# `deploysim serve`: the scenario's termination proxy, live on 127.0.0.1. curl (with --resolve
# and --cacert) reaches each domain by SNI and lands in the right pool; openssl s_client sees the
# certificate chosen by -servername; SIGINT stops it with exit 0 and no files left behind.
set -uo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
scenario="$src/assets/scenarios/one-ip-two-domains.toml"
work=$(mktemp -d)
tmp=$(mktemp -d)
logdir=$(mktemp -d)
log="$logdir/serve.out"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work" "$tmp" "$logdir"
}
trap cleanup EXIT
cd "$work"
export TMPDIR="$tmp"
fail=0
source "$(dirname "${BASH_SOURCE[0]}")/lib/serve_control.bash"

# A port the kernel picks, read back from the start-up line: a port chosen beforehand and
# released can be taken meanwhile by another test's outgoing connection.
"$bin" serve "$scenario" --port 0 --export-ca "$work/ca.pem" >"$log" 2>&1 &
pid=$!
serve_port "$log"

# Bound to 127.0.0.1 only.
if ss -ltn 2>/dev/null | awk '{print $4}' | grep -E ":$port\$" | grep -vq "^127.0.0.1:"; then
  echo "FAIL: listening on a non-loopback address"; ss -ltn; fail=1
fi

for pair in "api.example.test api" "www.example.test web"; do
  set -- $pair
  body=$(curl -sS --max-time 10 --resolve "$1:$port:127.0.0.1" --cacert "$work/ca.pem" "https://$1:$port/items/1")
  rc=$?
  [ "$rc" -eq 0 ] || { echo "FAIL: curl $1 exited $rc"; fail=1; }
  grep -q "pool=$2 worker=$2/worker-" <<<"$body" || { echo "FAIL: $1 body '$body'"; fail=1; }
  grep -q "x-forwarded-proto=https" <<<"$body" || { echo "FAIL: $1 lacks X-Forwarded-Proto"; fail=1; }
done
# Workers take turns.
w1=$(curl -sS --resolve "api.example.test:$port:127.0.0.1" --cacert "$work/ca.pem" "https://api.example.test:$port/" | grep -o 'worker=api/worker-[0-9]*')
w2=$(curl -sS --resolve "api.example.test:$port:127.0.0.1" --cacert "$work/ca.pem" "https://api.example.test:$port/" | grep -o 'worker=api/worker-[0-9]*')
[ -n "$w1" ] && [ "$w1" != "$w2" ] || { echo "FAIL: round robin '$w1' '$w2'"; fail=1; }
# Verification stays on: without the CA curl refuses.
if curl -sS --max-time 10 --resolve "api.example.test:$port:127.0.0.1" "https://api.example.test:$port/" >/dev/null 2>&1; then
  echo "FAIL: curl succeeded without trusting the local CA"; fail=1
fi

for name in api.example.test www.example.test; do
  out=$(echo | openssl s_client -connect "127.0.0.1:$port" -servername "$name" -CAfile "$work/ca.pem" \
        -verify_hostname "$name" 2>&1)
  grep -q "subject=O = deploysim, CN = $name" <<<"$out" || grep -q "subject=O=deploysim, CN=$name" <<<"$out" \
    || { echo "FAIL: s_client $name certificate"; echo "$out" | head -20; fail=1; }
  grep -q "Verify return code: 0 (ok)" <<<"$out" || { echo "FAIL: s_client $name verify"; fail=1; }
done

for line in "tls.client_hello sni=api.example.test" "tls.established version=TLS 1.3" \
            "certificate=www.example.test" "proxy.forward pool=api" "http.response \"HTTP/1.1 200 OK\"" \
            "http.handled pool=web"; do
  grep -qF "$line" "$log" || { echo "FAIL: serve output lacks '$line'"; fail=1; }
done

serve_stop
grep -q "stopped" "$log" || { echo "FAIL: no clean stop"; fail=1; }
left=$(find "$work" "$tmp" -mindepth 1 ! -name ca.pem)
[ -z "$left" ] || { echo "FAIL: files left behind: $left"; fail=1; }
grep -q "BEGIN CERTIFICATE" "$work/ca.pem" || { echo "FAIL: ca.pem is not a certificate"; fail=1; }
grep -q "PRIVATE KEY" "$work/ca.pem" && { echo "FAIL: the CA key was exported"; fail=1; }

# Strict SNI answers with the preset's alert (presets.cpp): nginx unrecognized_name (112), Caddy
# internal_error (80, Go's crypto/tls), to a ClientHello without SNI.
for case in "nginx 112" "caddy 80"; do
  set -- $case
  sed "s/^preset = \"nginx\"/preset = \"$1\"/; s/^strict_sni = false/strict_sni = true/" \
    "$src/assets/scenarios/no-sni.toml" >"$work/strict.toml"
  "$bin" serve "$work/strict.toml" --port 0 >"$logdir/strict.out" 2>&1 &
  pid=$!
  serve_port "$logdir/strict.out"
  out=$(echo | timeout 20 openssl s_client -connect "127.0.0.1:$port" -noservername 2>&1)
  grep -q "SSL alert number $2\b" <<<"$out" || { echo "FAIL: $1 strict SNI: expected alert $2"; echo "$out" | head -5; fail=1; }
  serve_stop
done
rm -f "$work/strict.toml"

# Bad input: a missing scenario is exit 2 with file:line:column.
"$bin" serve "$work/nope.toml" >/dev/null 2>"$work/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "nope.toml" "$work/err" || { echo "FAIL: missing scenario rc=$rc"; cat "$work/err"; fail=1; }
[ "$fail" -ne 0 ] && cat "$log"
[ "$fail" -eq 0 ] && echo "serve_curl: all checks passed"
exit "$fail"
