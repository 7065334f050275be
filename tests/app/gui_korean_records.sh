#!/usr/bin/env bash
# What a Korean learner reads about the selected record: walking lessons in Korean (HTTPS and its
# TLS messages, TLS 1.2 against 1.3, restarts, probes, a rolling update) at 1024x768, every
# selected record's name as the inspector, the narration's heading, the sequence diagram and the
# canvas show it (the state line's kind_shown), its stage, and its narration, name no record by
# its trace kind (tls.server_hello, supervisor.restart): ServerHello, 재시작 예약. The names come
# from [record] in assets/i18n (test_korean_text checks that every kind has one).
set -Eeuo pipefail
trap 'echo "FAIL: line $LINENO: a command exited $?"' ERR
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; exit 1; }

# The record kinds, as sim/include/deploysim/kinds.hpp registers them.
grep -oE '"[a-z0-9_.-]+", kind(_via_keys)?\)' "$src/sim/include/deploysim/kinds.hpp" | cut -d'"' -f2 > "$out/kinds"
[[ $(wc -l < "$out/kinds") -gt 100 ]] || fail "read only $(wc -l < "$out/kinds") record kinds from kinds.hpp"

{
  echo "language ko"
  for lesson in 01-https-request 01c-tls12-vs-tls13 07-restarts 07b-probes 08b-rolling-update; do
    echo "lesson $lesson"
    echo "state"
    for ((i = 0; i < 13; i++)); do echo "lesson next"; echo "state"; done
  done
  # A record of each connection's TLS messages, selected as a click on the diagram selects it.
  echo "open $src/assets/scenarios/basic-https.toml"
  for ((i = 0; i < 30; i++)); do echo "select $i"; echo "state"; done
} > "$out/s.txt"
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt" 2>&1 \
  || { cat "$out/out.txt"; fail "script exited $?"; }
grep '^state' "$out/out.txt" | grep ' selected=[0-9]' > "$out/selected" || fail "no record was selected"

# The visible texts of a state line: the record's name, its stage's name and its narration.
shown() { grep -o ' \(kind_shown\|stage_shown\|narration\)="[^"]*"' "$1"; }
shown "$out/selected" > "$out/shown"
while read -r kind; do
  # A kind as a word of its own: not part of a URL or a host name ("api.example.test").
  if grep -qE "(^|[^a-z0-9_./-])${kind//./\\.}([^a-z0-9_-]|$)" "$out/shown"; then
    fail "a Korean learner sees the record kind $kind: $(grep -m1 -E "(^|[^a-z0-9_./-])${kind//./\\.}([^a-z0-9_-]|$)" "$out/shown")"
  fi
done < "$out/kinds"

# Every selected record has a name, in Korean or as the protocol names it, never its kind.
kinds_seen=$(grep -o ' kind=[^ ]*' "$out/selected" | sort -u | wc -l)
[[ $kinds_seen -ge 25 ]] || fail "the walk selected only $kinds_seen kinds of record"
grep -v -q ' kind_shown="[^"]' "$out/selected" && fail "a record without a name: $(grep -m1 -v ' kind_shown="[^"]' "$out/selected")"
line=$(grep -m1 ' kind=tls.server_hello ' "$out/selected") || fail "the walk never selects a ServerHello"
[[ $line == *' kind_shown="ServerHello"'* && $line == *' stage_shown="TLS"'* ]] || fail "ServerHello: $line"
line=$(grep -m1 ' kind=supervisor.restart_scheduled ' "$out/selected") || fail "the walk never selects a restart"
[[ $line == *' kind_shown="재시작 예약"'* && $line == *' stage_shown="감독"'* ]] || fail "a scheduled restart: $line"
line=$(grep -m1 ' kind=probe.liveness_failed ' "$out/selected") || fail "the walk never selects a failed probe"
[[ $line == *' kind_shown="활성 프로브 실패"'* ]] || fail "a failed liveness probe: $line"
line=$(grep -m1 ' kind=dns.response ' "$out/selected") || fail "the walk never selects a DNS response"
[[ $line == *' kind_shown="DNS 응답"'* ]] || fail "a DNS response: $line"
echo "gui_korean_records: $kinds_seen kinds of record selected in Korean, each by its name"
