#!/usr/bin/env bash
# `deploysim exercise`: exit 0 when solved, 1 when not, 2 on bad input; each condition printed
# with its evidence and a hint when it fails; a batch of learners' settings files graded one by
# one; `check` accepts exercise files and locates their mistakes.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
expect_rc() {  # expected rc, description, command...
  local want="$1" what="$2"
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne $want ]]; then
    echo "FAIL: $what: exit $rc, expected $want"
    echo "  out: $(head -c 2000 "$tmp/out")"
    echo "  err: $(cat "$tmp/err")"
    fail=1
  fi
}
has() {  # file, text, description
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $3: no '$2' in: $(head -c 2000 "$1")"
    fail=1
  fi
}

expect_rc 0 "--list" "$bin" exercise --list
for id in cert-deploy-hook restart-outlast-outage memory-fit-workers replicate-for-load migration-once \
  sni-reject-unknown deploy-no-failed-request; do
  has "$tmp/out" "$id" "--list names $id"
done

# The starting state fails, with evidence and a hint; the fix passes.
expect_rc 1 "starting state" "$bin" exercise memory-fit-workers
has "$tmp/out" "[not] No worker is killed by the OOM killer" "failed condition"
has "$tmp/out" "“killed by the OOM killer” (memory.oom_kill) records; first: killed by the OOM killer 0 s (edge-1)" "evidence: the record"
has "$tmp/out" "hint: Uvicorn spawns its workers" "hint after a wrong try"
has "$tmp/out" "memory-fit-workers: not solved" "verdict"
expect_rc 0 "a right answer" "$bin" exercise memory-fit-workers --set service.api.workers=3
has "$tmp/out" "[ok]  No worker is killed by the OOM killer" "held condition"
has "$tmp/out" "memory-fit-workers: solved" "verdict"
if grep -q "hint:" "$tmp/out"; then echo "FAIL: a hint printed for a solved exercise"; fail=1; fi
expect_rc 0 "a duration typed bare" "$bin" exercise restart-outlast-outage --set service.api.supervisor.restart_sec=15s
# What may change: the path --set takes, the teacher's label beside it.
has "$tmp/out" '  service.api.supervisor.restart_sec (RestartSec=) = "100ms" .. "60s"' "a param's label"
expect_rc 0 "--reference" "$bin" exercise sni-reject-unknown --reference
expect_rc 1 "Korean" "$bin" exercise cert-deploy-hook --lang ko
has "$tmp/out" "[미달] 120일 동안 가용성 99.9% 이상" "Korean condition"
has "$tmp/out" "힌트: certbot은 디스크의 파일을 갱신했지만" "Korean hint"

# Bad input: exit 2 and one clear message.
expect_rc 2 "a path the exercise does not allow" "$bin" exercise memory-fit-workers --set host.edge-1.memory=8GiB
has "$tmp/err" "'host.edge-1.memory' is not a setting this exercise lets you change (allowed: service.api.workers)" \
  "not allowed"
expect_rc 2 "out of bounds" "$bin" exercise memory-fit-workers --set service.api.workers=9
has "$tmp/err" "'service.api.workers' = 9 is out of bounds; this exercise allows 1 to 8" "bounds"
expect_rc 2 "not path=value" "$bin" exercise memory-fit-workers --set workers
expect_rc 2 "no such exercise" "$bin" exercise no-such-exercise
has "$tmp/err" "no-such-exercise: cannot open the exercise file" "missing exercise"
# A name longer than the file system allows (fuzz_exercise's first finding ended the program).
long="$(printf 'x%.0s' $(seq 300))"
expect_rc 2 "a name too long for the file system" "$bin" exercise "$long"
has "$tmp/err" "$long: cannot open the exercise file" "too long a name is a missing exercise"

# A class's settings files: one learner each, graded in turn; the exit code is the worst.
mkdir "$tmp/class"
printf 'exercise = "memory-fit-workers"\nlearner = "Kim Minji"\n[set]\n"service.api.workers" = 3\n' >"$tmp/class/a.toml"
printf 'learner = "Lee Jun"\n[set]\n"service.api.workers" = 2\n' >"$tmp/class/b.toml"
printf '[set]\n"service.api.workers" = 3\n' >"$tmp/class/c.toml"
expect_rc 1 "a batch with one wrong answer" "$bin" exercise memory-fit-workers --settings "$tmp/class/a.toml" \
  "$tmp/class/b.toml" "$tmp/class/c.toml"
has "$tmp/out" "== Kim Minji ($tmp/class/a.toml)" "learner named"
has "$tmp/out" "== Lee Jun ($tmp/class/b.toml)" "second learner"
has "$tmp/out" "2 of 3 settings files solve it" "class summary"
[[ $(grep -c "memory-fit-workers: solved" "$tmp/out") -eq 2 ]] || { echo "FAIL: expected 2 solved"; fail=1; }
expect_rc 0 "a batch all solved" "$bin" exercise memory-fit-workers --settings "$tmp/class/a.toml" "$tmp/class/c.toml"
printf '[set]\n"service.api.workers" = 12\n' >"$tmp/class/d.toml"
printf 'exercise = "migration-once"\n[set]\n"service.api.workers" = 3\n' >"$tmp/class/e.toml"
expect_rc 2 "a batch with bad files" "$bin" exercise memory-fit-workers --settings "$tmp/class/a.toml" \
  "$tmp/class/d.toml" "$tmp/class/e.toml"
has "$tmp/err" "$tmp/class/d.toml:2:25: 'service.api.workers' = 12 is out of bounds; this exercise allows 1 to 8" \
  "located refusal in a settings file"
has "$tmp/err" "$tmp/class/e.toml:1:1: written for exercise 'migration-once', not 'memory-fit-workers'" "wrong exercise"
has "$tmp/out" "== Kim Minji" "the good file is still graded"
has "$tmp/out" "1 of 3 settings files solve it; not graded (the errors above say why): $tmp/class/d.toml, $tmp/class/e.toml" \
  "the summary names the files not graded"
# Every refused line of a file at once, in the file's order.
printf '[set]\n"service.api.workers" = 12\n"host.edge-1.memory" = "8GiB"\n' >"$tmp/class/f.toml"
expect_rc 2 "a file with two refused lines" "$bin" exercise memory-fit-workers --settings "$tmp/class/f.toml"
has "$tmp/err" "$tmp/class/f.toml:2:25: 'service.api.workers' = 12 is out of bounds" "first refused line"
has "$tmp/err" "$tmp/class/f.toml:3:24: 'host.edge-1.memory' is not a setting this exercise lets you change" \
  "second refused line"

# check: shipped exercises are ok; broken ones get their located error.
for f in "$src"/assets/exercises/*.toml; do
  expect_rc 0 "check $f" "$bin" check "$f"
  has "$tmp/out" "$f: ok (exercise, " "check summary"
done
for f in "$src"/tests/exercises/broken/*.toml; do
  expect="$(sed -n '1s/^# expect: //p' "$f")"
  expect="${expect//\{assets\}/$src/assets}"
  expect="${expect//\{here\}/$(dirname "$f")}"
  expect_rc 2 "check $f" "$bin" check "$f"
  [[ "$(cat "$tmp/err")" == "$f:$expect" ]] || { echo "FAIL: $f: got $(cat "$tmp/err")"; fail=1; }
done

[[ $fail -eq 0 ]] && echo "exercise_cli: all good"
exit $fail
