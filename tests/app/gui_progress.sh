# A big what-if (ten times the scenario's load, so that it spans several frames even on a fast
# machine) simulates off the UI thread: while it runs, frames keep coming, the previous run
# stays shown and the state reports `simulating=1` with a growing progress; a newer edit
# supersedes (cancels) the running one and its result is the one that arrives.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }

{
  echo "open $src/assets/scenarios/loaded-workers.toml"
  echo "state"
  echo 'set client.load.rate "600/s"'
  echo "peek"
  echo "peek $out/progress.png"  # a frame while it runs: the progress bars
  for _ in $(seq 3 12); do echo "peek"; done
  echo "screenshot $out/done.png"
  echo "state"
  echo 'set client.load.rate "560/s"'
  echo "peek"
  echo 'set service.api.workers 2'
  echo "peek"
  echo "state"
} > "$out/s.txt"
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
mapfile -t st < <(grep '^state' "$out/out.txt")
[[ ${#st[@]} == 17 ]] || fail "expected 17 state lines, got ${#st[@]}"
records() { sed -E 's/.* records=([0-9]+) .*/\1/' <<< "$1"; }
base=$(records "${st[0]}")
[[ ${st[0]} == *"simulating=0"* ]] || fail "idle after open: ${st[0]}"
# While simulating, the old run stays shown and progress only grows.
[[ ${st[1]} == *"simulating=1"* && $(records "${st[1]}") == "$base" ]] || fail "first peek: ${st[1]}"
prev=0; grew=0
for i in $(seq 1 12); do
  s=${st[$i]}
  [[ $s == *"simulating=1"* ]] || break  # it may finish before the last peek on a fast machine
  # progress is printed with two decimals: the last stretch of a run shows as 1.00
  [[ $(records "$s") == "$base" ]] || fail "the previous run stays shown while simulating: $s"
  p=$(sed -E 's/.* progress=([0-9.]+).*/\1/' <<< "$s")
  python3 -c "import sys; sys.exit(0 if 0 <= $prev <= $p <= 1 else 1)" || fail "progress $prev -> $p"
  python3 -c "import sys; sys.exit(0 if $p > 0 else 1)" && grew=1
  prev=$p
done
[[ $grew == 1 ]] || fail "progress never rose above 0 while simulating"
after=$(records "${st[13]}")
[[ ${st[13]} == *"simulating=0"* && $after -gt $base ]] || fail "the big run arrives: ${st[13]}"
# A newer edit while one runs: the newest request wins.
[[ ${st[14]} == *"simulating=1"* ]] || fail "second edit runs: ${st[14]}"
[[ ${st[16]} == *"simulating=0"* && ${st[16]} == *"workers.api=2"* ]] || fail "newest edit wins: ${st[16]}"
grep -q "screenshot written: $out/progress.png" "$out/out.txt" || fail "no screenshot while simulating"
python3 "$src/tests/app/png_check.py" "$out/progress.png" 1600 900 64
python3 "$src/tests/app/png_check.py" "$out/done.png" 1600 900 64
