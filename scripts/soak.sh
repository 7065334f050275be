#!/usr/bin/env bash
# The soak run of issue #19: tests/scenarios/soak-year.toml (a simulated year, four replicas, a
# crash about every hour, certificate renewals, 20 requests/s: about 630 million requests)
# through `deploysim run --summary`, and its wall time and peak memory.
#
#   scripts/soak.sh [BUILD_DIR] [UNTIL] [TRACE_LEVEL]
#
# BUILD_DIR defaults to build/release (configure and build it first, e.g. scripts/run.sh once);
# UNTIL (e.g. 1d) runs only the start of the year; TRACE_LEVEL defaults to none (a year's trace
# does not fit at the other levels; asking for one shows the bounded mode switching down).
# Progress goes to stderr (DEPLOYSIM_PROGRESS=always shows it when stderr is not a terminal);
# Ctrl+C stops the run and prints the summary of what ran. Not a test: bench/NOTES.md keeps the
# figures, bench/bench_soak measures the same run under Google Benchmark.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build/release}"
until="${2:-}"
level="${3:-none}"
bin="$build/app/deploysim"
[[ -x $bin ]] || { echo "soak.sh: no $bin; build it first (cmake --preset release && cmake --build --preset release --target deploysim)" >&2; exit 2; }
args=(run "$root/tests/scenarios/soak-year.toml" --summary --trace-level "$level")
[[ -n $until ]] && args+=(--until "$until")
report="$(mktemp)"; trap 'rm -f "$report"' EXIT
rc=0
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -f "%e %U %M" -o "$report" "$bin" "${args[@]}" || rc=$?
  read -r wall cpu peak_kib < <(tail -n 1 "$report")  # after "Command exited with non-zero status"
else  # no GNU time: the child's peak RSS from getrusage through Python
  python3 - "$report" "$bin" "${args[@]}" <<'PY' || rc=$?
import resource, subprocess, sys, time
start = time.monotonic()
rc = subprocess.call(sys.argv[2:])
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{wall:.2f} {usage.ru_utime:.2f} {usage.ru_maxrss}\n")  # KiB on Linux
sys.exit(rc)
PY
  read -r wall cpu peak_kib < "$report"
fi
echo "soak: wall ${wall} s, CPU ${cpu} s, peak RSS $((peak_kib / 1024)) MiB (exit ${rc})"
exit "$rc"
