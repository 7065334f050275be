#!/usr/bin/env bash
# `deploysim tour` asks a step's question before the step's events and reveals the answer read
# from the run after them. Piped (or --no-pause) it prints the question, its choices and the
# answer; at a terminal (a pseudo-terminal here) the learner types a letter or a number, is asked
# again after a typo, and is told whether the prediction was right. In English and Korean.
set -euo pipefail
bin="$1"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# Its own settings and locale: a language saved by another test, or the machine's, is not this one's.
export HOME="$tmp/home" LANG=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE XDG_CONFIG_HOME
fail() { echo "FAIL: $*"; for f in "$tmp"/*.out; do echo "--- $f"; cat "$f"; done; exit 1; }

"$bin" tour 07 --no-pause > "$tmp/piped.out"
grep -q "^  Predict first: The new process crashes at start. Which exit code does it report?" "$tmp/piped.out" ||
  fail "no question in the piped tour"
grep -q "^    D. 143" "$tmp/piped.out" || fail "no choices"
grep -q "^  (the answer comes after this step's events)" "$tmp/piped.out" || fail "no note that the answer follows"
grep -q "^  Answer: B. 1$" "$tmp/piped.out" || fail "the choice answer is not revealed"
grep -q "^  Answer: 4$" "$tmp/piped.out" || fail "the number answer is not revealed"
# The question comes before the step's events, the answer after its text.
q=$(grep -n "Predict first: The new process" "$tmp/piped.out" | cut -d: -f1)
e=$(grep -n "api exited with code 1 after 500 ms" "$tmp/piped.out" | head -1 | cut -d: -f1)
s=$(grep -n "\[2/5\]" "$tmp/piped.out" | cut -d: -f1)
a=$(grep -n "^  Answer: B. 1" "$tmp/piped.out" | cut -d: -f1)
(( q < e && e < s && s < a )) || fail "order: question $q, event $e, step $s, answer $a"

# At a terminal: each write answers the next prompt (an answer or "Enter: next step").
drive() {  # drive LANG ANSWER... (lesson 07, or $lesson)
  python3 - "$bin" "${lesson:-07}" "$@" <<'PY'
import os, pty, select, sys, time
binary, lesson, lang, answers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "--lang", lang, "tour", lesson])
out = b""
def read_until(pred, timeout=60):
    global out
    end = time.time() + timeout
    while time.time() < end:
        if select.select([fd], [], [], 0.5)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
            if pred(out):
                return True
    return False
# A prompt has "Enter:" ("Enter: skip", "Enter: 다음 단계"); a typo's line ("press Enter to
# skip", "Enter를 눌러") has not: counting it too sent the next answer one prompt early
# whenever the two lines arrived in separate reads.
for a in answers:
    n = out.count(b"Enter:")
    if not read_until(lambda o: o.count(b"Enter:") > n):
        break
    os.write(fd, (a + "\n").encode())
read_until(lambda o: False, timeout=3)
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
PY
}
# Step 1: Enter; question 1: "x" (not a choice), then "b" (right); Enter after steps 2 and 3
# (the second with text, which must not answer the question); question 2: "five", then 5
# (wrong: 4); then Enter.
drive en "" x b "" "later" five 5 "" "" > "$tmp/tty.out"
grep -q "Your answer (A-D; Enter: skip): x" "$tmp/tty.out" || fail "no choice prompt"
grep -q "Type one of A-D, or press Enter to skip." "$tmp/tty.out" || fail "a typo is not asked again"
grep -q "^  Answer: B. 1 (Right; your answer: B)" "$tmp/tty.out" || fail "a right choice is not said"
grep -q "Your answer (a number; Enter: skip): five" "$tmp/tty.out" || fail "the next-step line answered the question"
grep -q "Type a number, or press Enter to skip." "$tmp/tty.out" || fail "a number typo is not asked again"
grep -q "^  Answer: 4 (Wrong; your answer: 5)" "$tmp/tty.out" || fail "a wrong number is not said"
grep -q "^  \[5/5\]" "$tmp/tty.out" || fail "the tour did not reach its last step"

# Korean: the prompt, the verdict; an empty answer skips (no verdict).
drive ko "" 2 "" "" "" "" > "$tmp/ko.out"
grep -q "내 답(A~D, Enter: 건너뛰기): 2" "$tmp/ko.out" || fail "no Korean choice prompt"
grep -q "^  정답: B. 1 (맞았습니다, 내 답: B)" "$tmp/ko.out" || fail "no Korean verdict (choice 2 is B)"
grep -q "내 답(숫자, Enter: 건너뛰기):" "$tmp/ko.out" || fail "no Korean number prompt"
grep -q "^  정답: 4$" "$tmp/ko.out" || fail "a skipped question still has a verdict"
# A number read in a unit is told with it, as the question asked for it ("in milliseconds"):
# piped, at a terminal with the learner's number, and in Korean.
"$bin" tour 01c --no-pause > "$tmp/unit.out"
grep -q "^  Answer: 80 ms$" "$tmp/unit.out" || fail "the handshake's answer has no unit"
grep -q "^  Answer: 160 ms$" "$tmp/unit.out" || fail "the TLS 1.2 handshake's answer has no unit"
"$bin" --lang ko tour 08-replication --no-pause > "$tmp/unit-ko.out"
grep -q "^  정답: 60초$" "$tmp/unit-ko.out" || fail "a Korean answer in seconds is not written 60초"
lesson=01c drive en "" "" 70 q > "$tmp/unit-tty.out"
grep -q "^  Answer: 80 ms (Wrong; your answer: 70 ms)$" "$tmp/unit-tty.out" || fail "the verdict has no unit"
lesson=01c drive ko "" "" 80 q > "$tmp/unit-tty-ko.out"
grep -q "^  정답: 80 ms (맞았습니다, 내 답: 80 ms)$" "$tmp/unit-tty-ko.out" || fail "the Korean verdict has no unit"
# A lesson `deploysim check` refuses is refused by the tour too, located, before anything is told.
cat > "$tmp/broken.toml" <<'TOML'
[lesson]
title = "Broken"
scenario = "crash-loop-supervisors.toml"

[[step]]
target = "kind:supervisor.giveup"
text = "systemd gives up."
TOML
set +e
"$bin" tour "$tmp/broken.toml" --no-pause > "$tmp/broken.out" 2> "$tmp/broken.err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "a broken lesson toured with exit $rc"
grep -q "broken.toml:6:10: in step 1: step target 'kind:supervisor.giveup' resolves to nothing in the run" "$tmp/broken.err" ||
  fail "the tour's refusal is not located: $(cat "$tmp/broken.err")"
[[ ! -s $tmp/broken.out ]] || fail "a refused lesson was told anyway"
echo "ok"
