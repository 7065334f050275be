#!/usr/bin/env bash
# `deploysim observe`: what an observer on the path sees of one connection, in four columns (no
# ECH + plain DNS, ECH only, DoH only, DoH + ECH), in English and in Korean; the column the
# scenario runs is starred; a TLS 1.2-only proxy cannot do ECH; a bad client or file exits 2.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
unset LC_ALL LC_MESSAGES LANGUAGE
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/o.txt" 2>/dev/null; exit 1; }
sc="$src/assets/scenarios/encrypted-client-hello.toml"

"$bin" observe "$sc" > "$out/o.txt" || fail "observe exited $?"
# The rows of one section: the four lines after its title.
rows() { grep -A4 -x "$1" "$out/o.txt" | tail -4; }
sni=$(rows "SNI in the ClientHello")
[[ $(echo "$sni" | grep -c 'api.example.test') == 2 ]] || fail "the real SNI shows without ECH only: $sni"
[[ $(echo "$sni" | grep -c 'public.example.test (the public name)') == 2 ]] || fail "ECH shows the public name: $sni"
dns=$(rows "DNS query")
[[ $(echo "$dns" | grep -c 'api.example.test') == 2 ]] || fail "the DNS name shows without DoH only: $dns"
echo "$dns" | grep -q '^  DoH + ECH \* .*only an HTTPS connection to resolver' || fail "the run's column is starred: $dns"
name=$(rows "Who learns the name")
echo "$name" | grep -q '^  No ECH, plain DNS .*from the DNS query, the SNI$' || fail "plain leaks twice: $name"
echo "$name" | grep -q '^  ECH only .*from the DNS query$' || fail "ECH alone leaks through DNS: $name"
echo "$name" | grep -q '^  DNS over HTTPS only .*from the SNI$' || fail "DoH alone leaks through the SNI: $name"
echo "$name" | grep -q '^  DoH + ECH .*nobody on the path' || fail "both hide the name: $name"
grep -q 'OpenSSL 3.0 has no ECH' "$out/o.txt" || fail "the table says ECH is modelled"

# Korean: the same table in Korean words, no English chrome left.
"$bin" observe "$sc" --lang ko > "$out/o.txt" || fail "observe --lang ko exited $?"
grep -q '^관찰자 시점: ECH로 서버 이름 숨기기' "$out/o.txt" || fail "Korean title"
grep -q '^  DoH와 ECH \*' "$out/o.txt" || fail "Korean column names"
grep -q '경로에 있는 누구도 이름(api.example.test)을 알 수 없음' "$out/o.txt" || fail "Korean verdict"
for english in "What an observer" "DNS query" "visible" "hidden" "No ECH" "this run" "Who learns"; do
  ! grep -qF "$english" "$out/o.txt" || fail "English '$english' in the Korean table"
done

# A TLS 1.2-only proxy: no column has ECH, the certificate travels in clear.
"$bin" observe "$sc" --variant "TLS 1.2 only proxy" > "$out/o.txt" || fail "variant exited $?"
[[ $(rows "Certificate" | grep -c 'api.example.test, in clear (TLS 1.2)') == 4 ]] || fail "TLS 1.2 certificate in clear"
[[ $(grep -c 'ECH not possible: TLS 1.2 is negotiated' "$out/o.txt") == 2 ]] || fail "the ECH columns say why not"

# Bad input: an unknown client, a broken file.
set +e
"$bin" observe "$sc" --client nobody > "$out/o.txt" 2> "$out/e.txt"; rc=$?
set -e
[[ $rc == 2 ]] || fail "unknown client: exit $rc"
grep -q "no client named nobody in the scenario (clients: browser)" "$out/e.txt" || fail "unknown client message: $(cat "$out/e.txt")"
set +e
"$bin" observe "$src/tests/scenarios/broken/ech-public-name-no-certificate.toml" > "$out/o.txt" 2> "$out/e.txt"; rc=$?
set -e
[[ $rc == 2 ]] || fail "broken file: exit $rc"
grep -q "ech-public-name-no-certificate.toml:21:19: ech_public_name 'ech.example.test'" "$out/e.txt" || fail "located error: $(cat "$out/e.txt")"
echo ok
