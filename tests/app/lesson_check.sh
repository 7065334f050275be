#!/usr/bin/env bash
# `deploysim check` on lesson files: every shipped lesson passes --strict silently; each broken
# lesson (tests/lessons/broken, one mistake each) exits 2 with the exact `file:line:column:
# message` of its "# expect:" line; a missing Korean text warns (exit 0) and fails with --strict;
# the complete example of docs/lessons.md passes.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for f in "$src"/assets/lessons/*.toml; do
  if ! "$bin" check --strict "$f" >"$tmp/out" 2>"$tmp/err" || [[ -s "$tmp/err" ]]; then
    echo "FAIL: shipped lesson not clean: $(cat "$tmp/err")"
    fail=1
  elif ! grep -q "^$f: ok (lesson: [0-9]* steps, [0-9]* questions, [0-9]* records)$" "$tmp/out"; then
    echo "FAIL: unexpected summary for $f: $(cat "$tmp/out")"
    fail=1
  fi
done

count=0
for f in "$src"/tests/lessons/broken/*.toml; do
  count=$((count + 1))
  expect="$(sed -n '1s/^# expect: //p' "$f")"
  "$bin" check "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [[ $rc -ne 2 || "$(cat "$tmp/err")" != "$f:$expect" || -s "$tmp/out" ]]; then
    echo "FAIL: $f (exit $rc)"
    echo "  expected: $f:$expect"
    echo "  got:      $(cat "$tmp/err") $(cat "$tmp/out")"
    fail=1
  fi
done
if [[ $count -lt 6 ]]; then
  echo "FAIL: expected the broken lessons in tests/lessons/broken, found $count"
  fail=1
fi

# Missing Korean: warnings (exit 0, the lesson is ok), errors with --strict (exit 2).
k="$src/tests/lessons/korean/missing-korean.toml"
warnings="$k:12:1: warning: missing ko text: 'text' has no 'text_ko'
$k:15:1: warning: missing ko text: 'prompt' has no 'prompt_ko'"
"$bin" check "$k" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 0 || "$(cat "$tmp/err")" != "$warnings" ]] || ! grep -q "^$k: ok (lesson: 2 steps, 1 question, .*2 warnings)$" "$tmp/out"; then
  echo "FAIL: missing Korean without --strict: rc=$rc out=$(cat "$tmp/out") err=$(cat "$tmp/err")"
  fail=1
fi
"$bin" check --strict "$k" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 2 || "$(cat "$tmp/err")" != "${warnings//warning: /}" || -s "$tmp/out" ]]; then
  echo "FAIL: missing Korean with --strict: rc=$rc out=$(cat "$tmp/out") err=$(cat "$tmp/err")"
  fail=1
fi

# The complete example in docs/lessons.md is a valid lesson.
awk '/^## A complete example/{on=1} on && /^```toml/{grab=1; next} grab && /^```/{exit} grab{print}' \
  "$src/docs/lessons.md" >"$tmp/example.toml"
if ! "$bin" check --strict "$tmp/example.toml" >"$tmp/out" 2>"$tmp/err" ||
  ! grep -q "ok (lesson: 3 steps, 2 questions" "$tmp/out"; then
  echo "FAIL: the docs example: $(cat "$tmp/err") $(cat "$tmp/out")"
  fail=1
fi

# A scenario and a lesson in one call: each checked by its kind.
"$bin" check "$src/assets/scenarios/no-sni.toml" "$src/assets/lessons/03-no-sni.toml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 0 ]] || ! grep -q "no-sni.toml: ok (.* clients" "$tmp/out" || ! grep -q "03-no-sni.toml: ok (lesson:" "$tmp/out"; then
  echo "FAIL: scenario and lesson together: rc=$rc out=$(cat "$tmp/out") err=$(cat "$tmp/err")"
  fail=1
fi

[[ $fail -eq 0 ]] && echo "lesson_check: all good"
exit $fail
