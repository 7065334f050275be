# A big what-if simulates off the UI thread: while it runs, frames keep coming, the previous run
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
  echo 'set client.load.rate "150/s"'
  echo "peek"
  # On a busy machine the whole run may fall between two frames: this one waits for its first
  # progress report (polled every 2 ms) before it prints the state.
  echo "await_progress"
  echo "peek $out/progress.png"  # a frame while it runs: the progress bars
  for _ in $(seq 3 12); do echo "peek"; done
  echo "screenshot $out/done.png"
  echo "state"
  echo 'set client.load.rate "140/s"'
  echo "peek"
  echo 'set service.api.workers 2'
  echo "peek"
  echo "state"
} > "$out/s.txt"
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
mapfile -t st < <(grep '^state' "$out/out.txt")
[[ ${#st[@]} == 18 ]] || fail "expected 18 state lines, got ${#st[@]}"
records() { sed -E 's/.* records=([0-9]+) .*/\1/' <<< "$1"; }
base=$(records "${st[0]}")
[[ ${st[0]} == *"simulating=0"* ]] || fail "idle after open: ${st[0]}"
# While simulating, the old run stays shown and progress only grows.
[[ ${st[1]} == *"simulating=1"* && $(records "${st[1]}") == "$base" ]] || fail "first peek: ${st[1]}"
# The first progress report: the run is still going and has got somewhere.
[[ ${st[2]} == *"simulating=1"* ]] || fail "no progress reported while simulating: ${st[2]}"
p2=$(sed -E 's/.* progress=([0-9.]+).*/\1/' <<< "${st[2]}")
python3 -c "import sys; sys.exit(0 if 0 < $p2 <= 1 else 1)" || fail "the first progress report: ${st[2]}"
prev=0; grew=0
for i in $(seq 1 13); do
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
after=$(records "${st[14]}")
[[ ${st[14]} == *"simulating=0"* && $after -gt $base ]] || fail "the big run arrives: ${st[14]}"
# A newer edit while one runs: the newest request wins.
[[ ${st[15]} == *"simulating=1"* ]] || fail "second edit runs: ${st[15]}"
[[ ${st[17]} == *"simulating=0"* && ${st[17]} == *"workers.api=2"* ]] || fail "newest edit wins: ${st[17]}"
grep -q "screenshot written: $out/progress.png" "$out/out.txt" || fail "no screenshot while simulating"
python3 "$src/tests/app/png_check.py" "$out/progress.png" 1600 900 64
python3 "$src/tests/app/png_check.py" "$out/done.png" 1600 900 64
