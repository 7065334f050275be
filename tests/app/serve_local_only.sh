#!/usr/bin/env bash
# `deploysim serve` stays on this machine and keeps its keys in memory: every socket it listens on
# (proxy and backends, found by their inodes in /proc/net/tcp) is bound to 127.0.0.1 and none to
# IPv6; the port does not answer on another address of the machine (127.0.0.2, the machine's own
# addresses); and after real handshakes no file holding a private key exists in its working
# directory, HOME or TMPDIR (SSLKEYLOGFILE set in its environment writes nothing) unless
# --export-client-cert asks for one, and then only that file, readable by its owner only.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/serve_control.bash"
bin=$(realpath "$1")
src=$(realpath "$2")
scenario="$src/assets/scenarios/one-ip-two-domains.toml"
host=api.example.test
top=$(mktemp -d)
work="$top/work" home="$top/home" tmp="$top/tmp" logs="$top/logs"
mkdir -p "$work" "$home" "$tmp" "$logs"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$top"
}
trap cleanup EXIT
cd "$work"
fail=0

# start LOG ARGS...: serve with an empty HOME and TMPDIR and a key log asked for by the environment.
start() {
  local out=$1
  shift
  HOME="$home" TMPDIR="$tmp" SSLKEYLOGFILE="$work/keys.log" "$bin" serve "$scenario" --port 0 "$@" >"$out" 2>&1 &
  pid=$!
  serve_port "$out"
}
stop() { serve_stop; }
# refused ADDRESS: connecting to ADDRESS:port fails.
refused() {
  python3 - "$1" "$port" <<'EOF'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
}
# handshakes [CERT]: curl and openssl s_client complete a handshake (with client certificate
# CERT) and get an answer.
handshakes() {
  local body out curl_cert=() sc_cert=()
  [ $# -gt 0 ] && curl_cert=(--cert "$1" --key "$1") && sc_cert=(-cert "$1" -key "$1")
  body=$(curl -sS --max-time 10 --resolve "$host:$port:127.0.0.1" --cacert "$work/ca.pem" "${curl_cert[@]}" \
    "https://$host:$port/")
  grep -q "pool=api" <<<"$body" || { echo "FAIL: curl got no answer: '$body'"; fail=1; }
  out=$(printf 'GET / HTTP/1.1\r\nHost: %s\r\n\r\n' "$host" | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
    -servername "$host" -CAfile "$work/ca.pem" "${sc_cert[@]}" -verify_return_error -ign_eof 2>&1)
  grep -q "pool=api" <<<"$out" || { echo "FAIL: s_client got no answer"; fail=1; }
}
# key_files: the files under the three directories that hold a private key.
key_files() { grep -rl "PRIVATE KEY" "$work" "$home" "$tmp" 2>/dev/null | sort; }

start "$logs/a.log" --export-ca "$work/ca.pem"

# 1. Where it listens.
if [ -d "/proc/$pid/fd" ] && [ -r /proc/net/tcp ]; then
  inodes=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 -exec readlink {} + 2>/dev/null |
    sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort -u)
  # /proc/net/tcp: local address as hex IP:port (127.0.0.1 is 0100007F on little-endian and
  # 7F000001 on big-endian machines), state 0A = LISTEN, the inode in column 10.
  listening=$(awk 'NR > 1 && $4 == "0A" { print $10, $2 }' /proc/net/tcp | while read -r inode addr; do
    grep -qx "$inode" <<<"$inodes" && echo "$addr"
  done)
  count=$(grep -c . <<<"$listening")
  [ "$count" -ge 2 ] || { echo "FAIL: expected the proxy and its backends listening, found $count sockets"; fail=1; }
  other=$(grep -vE '^(0100007F|7F000001):' <<<"$listening")
  [ -z "$other" ] || { echo "FAIL: listening on non-loopback addresses: $other"; fail=1; }
  grep -q ":$(printf '%04X' "$port")\$" <<<"$listening" \
    || { echo "FAIL: the proxy's port is not among $listening"; fail=1; }
  if [ -r /proc/net/tcp6 ]; then
    v6=$(awk 'NR > 1 && $4 == "0A" { print $10 }' /proc/net/tcp6 | grep -xF "$inodes")
    [ -z "$v6" ] || { echo "FAIL: listening on IPv6"; fail=1; }
  fi
  echo "listening: $count sockets, all on 127.0.0.1 ($(tr '\n' ' ' <<<"$listening"))"
elif command -v ss >/dev/null; then
  ss -ltn | awk '{print $4}' | grep -E ":$port\$" | grep -vq "^127.0.0.1:" \
    && { echo "FAIL: not loopback only"; fail=1; }
else
  echo "no /proc/net/tcp or ss here: the listening address is not checked"
fi
refused 127.0.0.2 || { echo "FAIL: the proxy answered on 127.0.0.2"; fail=1; }
addresses=$( (hostname -I 2>/dev/null || true) | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.')
for a in $addresses; do
  refused "$a" || { echo "FAIL: the proxy answered on this machine's address $a"; fail=1; }
done
echo "refused on 127.0.0.2${addresses:+ and }$(tr '\n' ' ' <<<"$addresses")"

# 2. No key leaves memory unless asked.
handshakes
stop
grep -q "tls.established" "$logs/a.log" || { echo "FAIL: no handshake completed"; fail=1; }
found=$(key_files)
[ -z "$found" ] || { echo "FAIL: private key written without being asked: $found"; fail=1; }
[ -e "$work/keys.log" ] && { echo "FAIL: SSLKEYLOGFILE was honoured"; fail=1; }
left=$(find "$work" "$home" "$tmp" -mindepth 1 ! -path "$work/ca.pem")
[ -z "$left" ] || { echo "FAIL: files other than ca.pem: $left"; fail=1; }

start "$logs/b.log" --export-ca "$work/ca.pem" --export-client-cert "$work/client.pem" --require-client-cert
handshakes "$work/client.pem"
stop
found=$(key_files)
[ "$found" = "$work/client.pem" ] \
  || { echo "FAIL: with --export-client-cert expected only client.pem, found: $found"; fail=1; }
[ "$(stat -c %a "$work/client.pem" 2>/dev/null || stat -f %Lp "$work/client.pem")" = 600 ] \
  || { echo "FAIL: client.pem is readable by others"; fail=1; }

[ "$fail" -ne 0 ] && cat "$logs"/*.log
[ "$fail" -eq 0 ] && echo "serve_local_only: all checks passed"
exit "$fail"
