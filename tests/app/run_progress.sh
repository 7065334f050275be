#!/usr/bin/env bash
# `deploysim run` shows its progress on stderr only: stdout is byte-identical with and without
# the progress line; without a terminal (and without DEPLOYSIM_PROGRESS=always) stderr stays
# empty; forced, it shows the size estimate, the percent of simulated time with the time left,
# and the end. Under `script` (a pseudo-terminal) a run of more than a second shows it unasked.
# A trace over --max-trace-memory is recorded at a lower level, said on stderr (English and
# Korean); a bad size is refused with exit 2.
set -euo pipefail
bin="$1"; src="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/*.err; do echo "--- $f"; cat "$f"; done; exit 1; }
scen="$src/assets/scenarios/loaded-workers.toml"

"$bin" run "$scen" --summary > "$tmp/plain.out" 2> "$tmp/plain.err"
[[ ! -s $tmp/plain.err ]] || fail "stderr not a terminal: no progress line expected"
DEPLOYSIM_PROGRESS=always "$bin" run "$scen" --summary > "$tmp/forced.out" 2> "$tmp/forced.err"
cmp -s "$tmp/plain.out" "$tmp/forced.out" || fail "stdout changed with the progress line"
grep -q "This run: about .* events; its trace at the full level: about .* records" "$tmp/forced.err" ||
  fail "no size estimate"
grep -qE "Simulating: [0-9.]+ % \(.* of 1 min\), about .* left" "$tmp/forced.err" || fail "no progress line"
grep -qE "Simulated 1 min in .* \(.* events\)\." "$tmp/forced.err" || fail "no end line"
DEPLOYSIM_PROGRESS=always "$bin" run "$scen" --lang ko > /dev/null 2> "$tmp/ko.err"
grep -qE "시뮬레이션 중: [0-9.]+% \(" "$tmp/ko.err" || fail "no Korean progress line"

# The terminal tour runs the same way: its stdout is the same with the progress line on stderr.
"$bin" tour 07 --no-pause > "$tmp/tour.out" 2> /dev/null
DEPLOYSIM_PROGRESS=always "$bin" tour 07 --no-pause > "$tmp/tour2.out" 2> "$tmp/tour.err"
cmp -s "$tmp/tour.out" "$tmp/tour2.out" || fail "the tour's stdout changed with the progress line"
grep -q "Simulated .* events)\." "$tmp/tour.err" || fail "no progress for the tour"

# A pseudo-terminal: a run long enough (over a second) shows the line without being asked. How
# long a simulated span takes depends on the build (3 h: over a second under ASan, a tenth of one
# in a release build), so a run too quick to show it is repeated ten times longer.
if command -v script > /dev/null; then
  shown=0
  for span in 3h 30h 300h; do
    started=$(date +%s%N)
    script -qec "'$bin' run '$src/tests/scenarios/soak-year.toml' --until $span --trace-level none > '$tmp/tty.out'" \
      "$tmp/tty.log" > /dev/null 2>&1 < /dev/null || fail "run under script"
    took_ms=$((($(date +%s%N) - started) / 1000000))
    grep -q "Simulating" "$tmp/tty.out" && fail "the progress line went to stdout"
    if grep -q "Simulating: " "$tmp/tty.log"; then
      shown=1
      break
    fi
    # The wall time includes start-up and loading, so a run measured near one second may have
    # simulated for less: only a clearly longer one must have shown the line.
    ((took_ms < 1500)) || fail "no progress line on a terminal in a run of $took_ms ms: $(cat "$tmp/tty.log")"
  done
  ((shown == 1)) || fail "no progress line on a terminal"
fi

# The bounded mode: a budget too small for the full trace (about 1 MiB) records outcomes, then nothing.
"$bin" run "$scen" --max-trace-memory 512KiB > "$tmp/b.out" 2> "$tmp/b.err"
grep -q "The full trace of this run would take about .*, more than the 512 KiB allowed (--max-trace-memory): recording at the outcomes level instead" "$tmp/b.err" ||
  fail "bounded to outcomes not said"
grep -qE "^Loaded workers: [0-9]+ records" "$tmp/b.out" || fail "bounded run line: $(cat "$tmp/b.out")"
"$bin" run "$scen" > "$tmp/full.out"
n_full=$(sed -E 's/^Loaded workers: ([0-9]+) records.*/\1/' "$tmp/full.out")
n_bounded=$(sed -E 's/^Loaded workers: ([0-9]+) records.*/\1/' "$tmp/b.out")
(( n_bounded < n_full / 3 )) || fail "the outcomes trace is not smaller: $n_bounded vs $n_full"
"$bin" run "$scen" --max-trace-memory 10KiB --lang ko > /dev/null 2> "$tmp/b2.err"
grep -q "트레이스 없이 지표만 기록합니다" "$tmp/b2.err" || fail "Korean bounded-to-none line"
"$bin" run "$scen" --max-trace-memory 10KiB --trace-json "$tmp/none.json" > /dev/null 2> /dev/null
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d['records'])==0 else 1)" "$tmp/none.json" ||
  fail "bounded to none still wrote records"
set +e
"$bin" run "$scen" --max-trace-memory lots > /dev/null 2> "$tmp/bad.err"; rc=$?
set -e
[[ $rc == 2 ]] || fail "bad size: exit $rc"
grep -q -- "--max-trace-memory lots: expected a size such as 512MiB" "$tmp/bad.err" || fail "bad size message"
echo "run_progress: ok"
