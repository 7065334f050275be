#!/usr/bin/env bash
# `deploysim check`: exit 0 and a one-line summary for good files; exit 2 and the exact
# `file:line:column: message` (the file's "# expect:" line) on stderr for each broken file.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for f in "$src"/assets/scenarios/*.toml; do
  if ! out="$("$bin" check "$f" 2>"$tmp/err")"; then
    echo "FAIL: shipped scenario rejected: $(cat "$tmp/err")"
    fail=1
  elif [[ "$out" != "$f: ok ("*")" ]]; then
    echo "FAIL: unexpected summary for $f: $out"
    fail=1
  fi
done

count=0
for f in "$src"/tests/scenarios/broken/*.toml; do
  count=$((count + 1))
  expect="$(sed -n '1s/^# expect: //p' "$f")"
  "$bin" check "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [[ $rc -ne 2 ]]; then
    echo "FAIL: $f: exit code $rc, expected 2"
    fail=1
  fi
  if [[ "$(cat "$tmp/err")" != "$f:$expect" ]]; then
    echo "FAIL: $f"
    echo "  expected: $f:$expect"
    echo "  got:      $(cat "$tmp/err")"
    fail=1
  fi
  if [[ -s "$tmp/out" ]]; then
    echo "FAIL: $f: printed on stdout: $(cat "$tmp/out")"
    fail=1
  fi
done
if [[ $count -lt 5 ]]; then
  echo "FAIL: expected the broken scenarios in tests/scenarios/broken, found $count"
  fail=1
fi

# Several files: the good one is reported ok, the bad one located, and the exit code is 2.
good="$src/assets/scenarios/one-ip-two-domains.toml"
bad="$(ls "$src"/tests/scenarios/broken/*.toml | head -n 1)"
"$bin" check "$good" "$bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 ]] || ! grep -q "^$good: ok (" "$tmp/out" || ! grep -q "^$bad:[0-9]*:[0-9]*: " "$tmp/err"; then
  echo "FAIL: mixed good and bad files: rc=$rc out=$(cat "$tmp/out") err=$(cat "$tmp/err")"
  fail=1
fi

# A missing file is bad input too.
"$bin" check "$tmp/missing.toml" >/dev/null 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 ]] || ! grep -q "missing.toml: cannot open the file" "$tmp/err"; then
  echo "FAIL: missing file: rc=$rc err=$(cat "$tmp/err")"
  fail=1
fi

[[ $fail -eq 0 ]] && echo "check_cli: all good"
exit $fail
