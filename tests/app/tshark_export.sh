#!/usr/bin/env bash
# The pcap + key log export opens in tshark, which shows the SNI and, with the key log,
# decrypts the HTTP request (TLS 1.2 and 1.3, memory BIOs and a real 127.0.0.1 connection).
set -uo pipefail
bin=$(realpath "$1")
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIP tshark_export: tshark is not installed (scripts/setup-deps.sh installs it)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work"  # tshark keeps its profile here, not in the user's home
fail=0
for args in "--tls 1.3" "--tls 1.2" "--tcp"; do
  rm -f "$work"/out.pcap "$work"/keys.log
  # shellcheck disable=SC2086
  "$bin" handshake --sni www.example.test --alpn http/1.1 $args --pcap "$work/out.pcap" \
    --keylog "$work/keys.log" >/dev/null || { echo "FAIL ($args): handshake"; fail=1; continue; }
  sni=$(tshark -r "$work/out.pcap" -Y "tls.handshake.type == 1" -T fields \
        -e tls.handshake.extensions_server_name 2>/dev/null)
  [ "$sni" = "www.example.test" ] || { echo "FAIL ($args): SNI '$sni'"; fail=1; }
  req=$(tshark -r "$work/out.pcap" -o "tls.keylog_file:$work/keys.log" -Y http.request -T fields \
        -e http.request.method -e http.host -e http.request.uri 2>/dev/null)
  [ "$req" = "$(printf 'GET\twww.example.test\t/')" ] || { echo "FAIL ($args): request '$req'"; fail=1; }
  resp=$(tshark -r "$work/out.pcap" -o "tls.keylog_file:$work/keys.log" -Y http.response -T fields \
         -e http.response.code 2>/dev/null)
  [ "$resp" = "200" ] || { echo "FAIL ($args): response '$resp'"; fail=1; }
  plain=$(tshark -r "$work/out.pcap" -Y http.request 2>/dev/null | wc -l)
  [ "$plain" -eq 0 ] || { echo "FAIL ($args): HTTP visible without the key log"; fail=1; }
  bad=$(tshark -r "$work/out.pcap" -Y "tcp.analysis.flags || tcp.checksum.status == 0 || ip.checksum.status == 0" \
        -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null | wc -l)
  [ "$bad" -eq 0 ] || { echo "FAIL ($args): $bad packets with TCP problems or bad checksums"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "tshark_export: all checks passed"
exit "$fail"
