# A lesson `deploysim check` refuses against its run (a step target that resolves to nothing, a
# choice question none of whose choices is right) is not played by the window: under Xvfb, opened
# on the command line, by `lesson FILE` or dropped, it shows check's own located error
# (file:line:column) in the state, the status line and stderr, and what was open before (a
# lesson on its step) opens again. An edit of the open lesson that check refuses keeps the lesson
# as it was. A good lesson still opens.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui "$@"; }
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
state() { grep '^state' "$out/out.txt" | sed -n "${1}p"; }
broken="$src/tests/lessons/broken"
expect() { sed -n '1s/^# expect: //p' "$1"; }

# check refuses them: the window must say the same.
for f in target-resolves-to-nothing no-choice-is-right; do
  ! "$bin" check "$broken/$f.toml" > /dev/null 2>&1 || fail "test setup: check accepts $f.toml"
done

# Given on the command line: no lesson plays, check's error is shown, the program does not fail.
printf 'frames 3\nstate\n' > "$out/s1.txt"
run "$broken/target-resolves-to-nothing.toml" --script "$out/s1.txt" > "$out/out.txt" 2>&1 || fail "gui exited non-zero"
s=$(state 1)
want="$broken/target-resolves-to-nothing.toml:$(expect "$broken/target-resolves-to-nothing.toml")"
grep -q ' lesson=none ' <<<"$s" || fail "the refused lesson plays"
grep -qF "lesson_refused=\"$want" <<<"$s" || fail "no located error in the state (want $want)"
grep -qF "status=\"$want" <<<"$s" || fail "the status line does not show the error"
grep -qF "$want" "$out/out.txt" || fail "stderr does not show the error"

# Over an open lesson (lesson 1 on its third step): the broken one is refused and lesson 1 comes
# back on the same step. Then `lesson FILE` of the other broken lesson fails the script.
cat > "$out/s2.txt" <<SCRIPT
lesson 01-https-request
lesson next
lesson next
frames 2
state
drop $broken/no-choice-is-right.toml
frames 3
state
lesson $broken/no-choice-is-right.toml
state
SCRIPT
run --script "$out/s2.txt" > "$out/out.txt" 2>&1 && fail "a script whose lesson is refused succeeded"
[[ $(grep -c '^state' "$out/out.txt") == 2 ]] || fail "expected 2 state lines (the script stops at the refused lesson)"
before=$(state 1); after=$(state 2)
grep -q ' lesson=01-https-request lesson_step=3/' <<<"$before" || fail "test setup: lesson 1 step 3 not open"
want="$broken/no-choice-is-right.toml:$(expect "$broken/no-choice-is-right.toml")"
grep -qF "lesson_refused=\"$want" <<<"$after" || fail "dropped: no located error in the state (want $want)"
grep -q ' lesson=01-https-request lesson_step=3/' <<<"$after" || fail "dropped: what was open did not come back"
grep -q 'script line 9: lesson .*no-choice-is-right.toml did not open' "$out/out.txt" \
  || fail "the script does not say which lesson did not open"

# An edit of the open lesson that check refuses: the lesson as it was stays, with the error.
lesson="$out/mine.toml"
cp "$src/assets/lessons/01-https-request.toml" "$lesson"
line=$(grep -n '^target = "kind:' "$lesson" | sed -n 1p | cut -d: -f1)
sed "${line}s/^target = \"kind:\(.*\)\"/target = \"kind:\1x\"/" "$lesson" > "$out/typo.toml"
! cmp -s "$lesson" "$out/typo.toml" || fail "test setup: the typo did not apply"
cat > "$out/s3.txt" <<SCRIPT
lesson next
state
copy $out/typo.toml $lesson
watch
frames 2
state
SCRIPT
run "$lesson" --script "$out/s3.txt" > "$out/out.txt" 2>&1 || fail "gui exited non-zero"
grep -q ' lesson=mine lesson_step=2/' <<<"$(state 1)" || fail "test setup: the good lesson did not open"
s=$(state 2)
grep -q ' lesson=mine lesson_step=2/' <<<"$s" || fail "the refused edit closed the lesson"
grep -qF "lesson_file_error=\"$lesson:$line:10: in step" <<<"$s" || fail "the refused edit shows no located error"
echo "gui_lesson_refused: refused lessons show check's error and what was open stays"
