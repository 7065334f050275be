#!/usr/bin/env bash
# Issue #18's handshakes through `deploysim handshake`: each flag's output, and its --pcap/--keylog
# export read back by tshark (HelloRetryRequest, PSK resumption, TLS 1.2 tickets, 0-RTT data and
# its replay, the client's Certificate, the stapled OCSP response, the decrypted request).
set -uo pipefail
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work"  # tshark keeps its profile here, not in the user's home
cd "$work"
fail=0
# shellcheck source=lib/handshake_check.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/handshake_check.bash"

# What the CLI says, for each flag.
check "HRR" 0 "S->C  HelloRetryRequest" "key_share.selected_group: x25519" \
  "HelloRetryRequest: the client's key share was for secp256r1, the proxy takes x25519 only" -- --hrr
check "resume TLS 1.3" 0 "connection 1: a full handshake" "connection 2: the client offers that ticket to the same proxy" \
  "pre_shared_key: selected identity 0" "resumed: yes" \
  "full handshake: round trips before the request: 1" "resumed: round trips before the request: 1" -- --resume
check "resume TLS 1.2" 0 "session_ticket" "resumed: yes" "full handshake: round trips before the request: 2" \
  "resumed: round trips before the request: 1" -- --resume --tls 1.2
check "restarted proxy" 0 "restarted proxy" "resumed: no" -- --resume --new-ticket-key
check "0-RTT" 0 "C->S  EndOfEarlyData" "0-RTT data: accepted" "resumed with 0-RTT: round trips before the request: 0" \
  "replay: the proxy rejected the 0-RTT data" -- --early-data
check "0-RTT without anti-replay" 0 "0-RTT data: accepted" "replay: the proxy accepted the 0-RTT data again" \
  -- --early-data --no-anti-replay
check "0-RTT to a restarted proxy" 0 "0-RTT data: rejected" "resumed: no" -- --early-data --new-ticket-key
check "mTLS" 0 "S->C  CertificateRequest" "certificate_authorities: CN=deploysim Local Root CA,O=deploysim" \
  "C->S  CertificateVerify" "client certificate: CN=alice (client),O=deploysim clients" -- --client-cert trusted
check "mTLS TLS 1.2" 0 "S->C  CertificateRequest" "C->S  CertificateVerify" "client certificate: CN=alice" \
  -- --client-cert trusted --tls 1.2
check "mTLS without a certificate" 1 "alert certificate required (116) sent by the server" \
  "client certificate: none presented" -- --client-cert none
check "mTLS without a certificate, TLS 1.2" 1 "alert handshake failure (40) sent by the server" -- --client-cert none --tls 1.2
check "mTLS untrusted" 1 "alert unknown CA (48) sent by the server" "refused by the proxy" -- --client-cert untrusted
check "staple good" 0 "status_request: ocsp" "ocsp.status: good" "ocsp.this_update: 2026-10-31T09:00:00Z" \
  "stapled OCSP status: good" -- --staple good
check "staple revoked TLS 1.2" 0 "S->C  CertificateStatus" "ocsp.status: revoked" "stapled OCSP status: revoked" \
  -- --staple revoked --tls 1.2
check "mTLS optional without a certificate" 0 "S->C  CertificateRequest" "outcome: OK" \
  "client certificate: none presented" -- --client-cert optional-none
check "staple revoked, refused" 1 "ocsp.status: revoked" \
  "alert bad certificate status response (113) sent by the client" -- --staple revoked-refused
check "bad --client-cert" 2 "--client-cert" -- --client-cert maybe
check "bad --staple" 2 "--staple" -- --staple unknown
out=$("$bin" --lang ko handshake --early-data 2>&1) || { echo "FAIL Korean: exit $?"; fail=1; }
for p in "재개(resumption): 성공" "0-RTT 데이터: 수락됨" "재전송 결과: 프록시가 0-RTT 데이터를 거부하고"; do
  grep -qF -- "$p" <<<"$out" || { echo "FAIL Korean: output lacks '$p'"; fail=1; }
done

if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIP handshake_variants (tshark part): tshark is not installed (scripts/setup-deps.sh installs it)"
  [ "$fail" -eq 0 ] && echo "handshake_variants: all CLI checks passed"
  exit "$fail"
fi

export_run() {  # export_run NAME ARGS...: writes NAME.pcap and NAME.keys
  local name="$1"; shift
  "$bin" handshake "$@" --pcap "$work/$name.pcap" --keylog "$work/$name.keys" >/dev/null 2>&1
}
ts() {  # ts NAME FILTER FIELD...: tshark's fields, decrypted with NAME's key log
  local name="$1" filter="$2"; shift 2
  local fields=()
  for f in "$@"; do fields+=(-e "$f"); done
  tshark -r "$work/$name.pcap" -o "tls.keylog_file:$work/$name.keys" -Y "$filter" -T fields "${fields[@]}" 2>/dev/null
}
expect() {  # expect WHAT GOT WANTED
  [ "$2" = "$3" ] || { echo "FAIL tshark $1: got '$2', expected '$3'"; fail=1; }
}

# HelloRetryRequest: two ClientHellos (the second in clear too), one ServerHello with RFC 8446's
# special random asking for x25519 (29), then the real ServerHello.
export_run hrr --hrr
expect "HRR ClientHellos" "$(ts hrr 'tls.handshake.type == 1' frame.number | wc -l)" 2
expect "HRR" "$(ts hrr 'tls.handshake.random == cf:21:ad:74:e5:9a:61:11:be:1d:8c:02:1e:65:b8:91:c2:a2:11:16:7a:bb:8c:5e:07:9e:09:e2:c8:a8:33:9c' \
  tls.handshake.extensions_key_share_selected_group)" 29
expect "HRR ServerHellos" "$(ts hrr 'tls.handshake.type == 2' frame.number | wc -l)" 2
expect "HRR request" "$(ts hrr 'http2.type == 1 && tcp.dstport == 443' http2.headers.method http2.headers.path)" "$(printf 'GET\t/')"

# TLS 1.3 resumption: two TCP conversations; the second ServerHello selects PSK identity 0 and
# the server sends no Certificate on that connection; both requests decrypt.
export_run resume --resume
expect "PSK offered" "$(ts resume 'tls.handshake.type == 1 && tls.handshake.extensions.psk.identities.length' tcp.srcport)" 50001
expect "PSK selected" "$(ts resume 'tls.handshake.type == 2 && tls.handshake.extensions.psk.identity.selected == 0' tcp.dstport)" 50001
expect "certificates" "$(ts resume 'tls.handshake.type == 11' tcp.dstport)" 50000
expect "resumed requests" "$(ts resume 'http2.type == 1 && tcp.dstport == 443' tcp.srcport http2.headers.method | tr '\n' ' ')" \
  "$(printf '50000\tGET 50001\tGET ')"

# TLS 1.2 session ticket: the second ClientHello carries the ticket, the server answers
# ServerHello then Finished, no Certificate; HTTP/1.1 requests decrypt on both.
export_run resume12 --resume --tls 1.2 --alpn http/1.1
# session_ticket's (35) length in each ClientHello: empty asks for a ticket, full offers one.
ticket_lens=$(ts resume12 'tls.handshake.type == 1' tcp.srcport tls.handshake.extension.type tls.handshake.extension.len |
  awk -F'\t' '{ n = split($2, t, ","); split($3, l, ","); for (i = 1; i <= n; i++) if (t[i] == 35) printf "%s:%s ", $1, (l[i] > 0 ? "ticket" : "empty") }')
expect "1.2 ticket offered" "$ticket_lens" "50000:empty 50001:ticket "
expect "1.2 certificates" "$(ts resume12 'tls.handshake.type == 11' tcp.dstport)" 50000
expect "1.2 abbreviated" "$(ts resume12 'tcp.dstport == 50001 && tls.handshake.type' tls.handshake.type | head -1)" "2,20"
expect "1.2 requests" "$(ts resume12 'http.request' tcp.srcport http.request.method | tr '\n' ' ')" "$(printf '50000\tGET 50001\tGET ')"

# 0-RTT: the request travels in the ClientHello's packet and decrypts with the client's early
# traffic secret; EncryptedExtensions accepts early_data (42); EndOfEarlyData; the replayed flight
# (third conversation) gets a full handshake (a Certificate) under OpenSSL's anti-replay.
export_run early --early-data
expect "0-RTT request" "$(ts early 'http2.type == 1 && tls.handshake.type == 1' tcp.srcport http2.headers.method http2.headers.path | head -1)" \
  "$(printf '50001\tGET\t/')"
expect "early_data accepted" "$(ts early 'tls.handshake.type == 8 && tls.handshake.extension.type == 42' tcp.dstport)" 50001
expect "EndOfEarlyData" "$(ts early 'tls.handshake.type == 5' tcp.srcport)" 50001
expect "replay answered in full" "$(ts early 'tcp.dstport == 50002 && tls.handshake.type == 2' tls.handshake.extensions.psk.identity.selected)" ""
expect "replay ServerHello" "$(ts early 'tcp.dstport == 50002 && tls.handshake.type == 2' frame.number | wc -l)" 1

# Mutual TLS: CertificateRequest from the proxy, then the client's Certificate (alice, issued by
# the local root) and CertificateVerify, decrypted.
export_run mtls --client-cert trusted
expect "CertificateRequest" "$(ts mtls 'tls.handshake.type == 13' tcp.srcport)" 443
expect "client Certificate" "$(ts mtls 'tcp.srcport == 50000 && tls.handshake.type == 11' x509sat.uTF8String | tr ',' '\n' | grep -c 'alice (client)')" 1
expect "client CertificateVerify" "$(ts mtls 'tcp.srcport == 50000 && tls.handshake.type == 15' tcp.srcport)" 50000

# OCSP stapling: revoked in the TLS 1.3 Certificate (decrypted), good in TLS 1.2's CertificateStatus (in clear).
export_run staple --staple revoked
expect "stapled (1.3)" "$(ts staple 'ocsp.certStatus' ocsp.certStatus)" 1
export_run staple12 --staple good --tls 1.2
expect "stapled (1.2)" "$(ts staple12 'tls.handshake.type == 22' ocsp.certStatus)" 0

for name in hrr resume resume12 early mtls staple staple12; do
  bad=$(tshark -r "$work/$name.pcap" -Y "tcp.analysis.flags || tcp.checksum.status == 0 || ip.checksum.status == 0" \
        -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null | wc -l)
  expect "$name TCP problems" "$bad" 0
done
if grep -q "PRIVATE KEY" "$work"/* 2>/dev/null; then echo "FAIL: a private key was written"; fail=1; fi
[ "$fail" -eq 0 ] && echo "handshake_variants: all checks passed"
exit "$fail"
