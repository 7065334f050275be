#!/usr/bin/env bash
# `deploysim handshake`: real OpenSSL handshakes printed message by message; each lesson
# variant fails with OpenSSL's own verification error and alert; bad input exits 2; nothing is
# written to the working directory or $TMPDIR unless asked.
set -uo pipefail
bin=$(realpath "$1")
work=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$work" "$tmp"' EXIT
cd "$work"
export TMPDIR="$tmp"
fail=0
# shellcheck source=lib/handshake_check.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/handshake_check.bash"

check "default TLS 1.3" 0 "C->S  ClientHello" "server_name: api.example.test" "S->C  EncryptedExtensions" \
  "outcome: OK  TLS 1.3" "certificate for api.example.test" \
  "http: h2 GET https://api.example.test/ -> :status 200" --
check "HTTP/1.1 when ALPN chose it" 0 "http: GET / HTTP/1.1 -> HTTP/1.1 200 OK" -- --alpn http/1.1
check "TLS 1.2" 0 "S->C  ServerKeyExchange" "C->S  ClientKeyExchange" "outcome: OK  TLS 1.2" -- --tls 1.2
check "expired" 1 "verify error 10 (certificate has expired)" \
  "alert certificate expired (45) sent by the client" -- --expired
check "not yet valid" 1 "verify error 9 (certificate is not yet valid)" "alert bad certificate (42)" -- --not-yet-valid
check "wrong name" 1 "verify error 62 (hostname mismatch)" -- --wrong-name
check "untrusted" 1 "verify error 20 (unable to get local issuer certificate)" "alert unknown CA (48)" -- --untrusted
check "self-signed" 1 "verify error 18 (self-signed certificate)" -- --self-signed
check "no SNI gets the default certificate" 1 "client: SNI (none)" "certificate[0].san: www.example.test" \
  "verify error 62" -- --no-sni
check "unknown SNI gets the default certificate" 1 "certificate[0].san: www.example.test" "verify error 62" -- --sni shop.example.test
check "strict SNI" 1 "alert unrecognized name (112) sent by the server" -- --sni shop.example.test --strict-sni
check "ALPN h2" 0 "ALPN h2" -- --sni www.example.test
check "ALPN http/1.1" 0 "ALPN http/1.1" -- --alpn http/1.1
check "proxy offers h2 by default" 0 "proxy: offers ALPN [h2,http/1.1]" "ALPN h2" --
check "proxy without http2" 0 "proxy: offers ALPN [http/1.1]" "ALPN http/1.1" -- --no-http2
check "by IP: no SNI, default certificate, wrong name" 1 "client: SNI (none), checks name 203.0.113.10" \
  "certificate[0].san: www.example.test" "verify error" -- --no-sni --host 203.0.113.10
check "RSA" 0 "certificate[0].key: RSA" -- --rsa
check "over TCP" 0 "over a TCP connection on 127.0.0.1" "outcome: OK" -- --tcp
check "bad --tls" 2 "--tls" -- --tls 1.4
check "conflicting variants" 2 "excludes" -- --expired --untrusted
# HelloRetryRequest exists only in TLS 1.3: --hrr with a TLS 1.2 client is refused, not run as an
# ordinary TLS 1.2 handshake.
check "--hrr with --tls 1.2" 2 "HelloRetryRequest exists only in TLS 1.3" -- --hrr --tls 1.2
check "--early-data with --tls 1.2" 2 "0-RTT early data exists only in TLS 1.3" -- --early-data --tls 1.2
check "--no-anti-replay with --tls 1.2" 2 "0-RTT early data exists only in TLS 1.3" -- --no-anti-replay --tls 1.2

if [ -n "$(find "$work" "$tmp" -mindepth 1)" ]; then
  echo "FAIL: files were left behind:"; ls -la "$work" "$tmp"; fail=1
fi
"$bin" handshake --pcap "$work/out.pcap" --keylog "$work/keys.log" >/dev/null || { echo "FAIL export"; fail=1; }
[ -s "$work/out.pcap" ] && [ -s "$work/keys.log" ] || { echo "FAIL: export files missing"; fail=1; }
[ "$(stat -c %a "$work/keys.log")" = "600" ] || { echo "FAIL: key log is not 0600"; fail=1; }
if grep -q "PRIVATE KEY" "$work"/* 2>/dev/null; then echo "FAIL: a private key was written"; fail=1; fi
"$bin" handshake --pcap /nonexistent/dir/out.pcap >/dev/null 2>"$work/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot write /nonexistent/dir/out.pcap" "$work/err" || { echo "FAIL: unwritable pcap rc=$rc"; cat "$work/err"; fail=1; }
[ "$fail" -eq 0 ] && echo "handshake_cli: all checks passed"
exit "$fail"
