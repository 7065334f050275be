#!/usr/bin/env bash
# The inspector's "Save for Wireshark" on the ClientHello of the first lesson: one .pcapng in the
# folder deploysim started from, which tshark reads as it is, with the SNI and (from the key log
# inside it) the decrypted HTTP request; "Key log only" writes the secrets alone, readable by the
# user only, and they decrypt the same capture stripped of its own.
set -euo pipefail
bin="$(realpath "$1")"; src="$(realpath "$2")"
if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIP gui_capture: tshark is not installed (scripts/setup-deps.sh installs it)"
  exit 0
fi
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }

cat > "$out/s.txt" <<SCRIPT
lesson 01-https-request
lesson next
lesson next
lesson next
lesson next
inspect server_name
frames 2
state
save_capture
frames 2
state
save_capture keylog
frames 2
state
screenshot $out/capture.png
quit
SCRIPT
mkdir "$out/cwd"
(cd "$out/cwd" && xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt") > "$out/out.txt"
mapfile -t st < <(grep '^state' "$out/out.txt")
[[ ${#st[@]} == 3 ]] || fail "expected 3 state lines, got ${#st[@]}"
[[ ${st[0]} == *"kind=tls.client_hello"* ]] || fail "the ClientHello is not selected: ${st[0]}"
pcap="$out/cwd/deploysim-api.example.test-tls13.pcapng"
keys="$out/cwd/deploysim-api.example.test-tls13-keylog.txt"
[[ ${st[1]} == *'status="saved for Wireshark: ./deploysim-api.example.test-tls13.pcapng"'* ]] ||
  fail "no status naming the capture: ${st[1]}"
[[ ${st[2]} == *'status="key log saved: ./deploysim-api.example.test-tls13-keylog.txt"'* ]] ||
  fail "no status naming the key log: ${st[2]}"
[ -s "$pcap" ] || fail "no $pcap"
[ -s "$keys" ] || fail "no $keys"
[ "$(stat -c %a "$keys")" = 600 ] || fail "the key log is readable by others: $(stat -c %a "$keys")"

sni=$(tshark -r "$pcap" -Y "tls.handshake.type == 1" -T fields -e tls.handshake.extensions_server_name 2>/dev/null)
[ "$sni" = "api.example.test" ] || fail "tshark reads the SNI as '$sni'"
# The lesson's client and proxy agree on h2 (ALPN): the request is an HTTP/2 HEADERS frame.
req=$(tshark -r "$pcap" -Y "http2.type == 1" -T fields -e http2.headers.method -e http2.headers.authority \
      -e http2.headers.status 2>/dev/null)
[ "$req" = "$(printf 'GET\tapi.example.test\t\n\t\t200')" ] ||
  fail "tshark does not decrypt the HTTP/2 request and answer with the keys inside: '$req'"
[ "$(tshark -r "$pcap" -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null | wc -l)" -eq 0 ] ||
  fail "tshark finds malformed or suspect packets: $(tshark -r "$pcap" -Y "_ws.malformed || _ws.expert.severity >= warning" 2>/dev/null)"
bad=$(tshark -r "$pcap" -Y "tcp.analysis.flags || tcp.checksum.status == 0 || ip.checksum.status == 0" \
      -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null | wc -l)
[ "$bad" -eq 0 ] || fail "$bad packets with TCP problems or bad checksums"
# The same capture without its secrets: nothing decrypts until the key log file is given.
editcap --discard-all-secrets "$pcap" "$out/bare.pcapng" 2>/dev/null
[ "$(tshark -r "$out/bare.pcapng" -Y http2 2>/dev/null | wc -l)" -eq 0 ] || fail "decrypted without secrets"
req=$(tshark -r "$out/bare.pcapng" -o "tls.keylog_file:$keys" -Y "http2.type == 1" -T fields \
      -e http2.headers.method 2>/dev/null | head -n1)
[ "$req" = GET ] || fail "the key log file does not decrypt the request: '$req'"
python3 "$src/tests/app/png_check.py" "$out/capture.png" 0 0 >/dev/null || fail "blank screenshot"
echo "gui_capture: the capture opens decrypted in tshark; the key log alone decrypts it too"
