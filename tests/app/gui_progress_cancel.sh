# The window's side of runs of any size: while a big what-if runs, the status bar shows its size
# estimate (the state's busy_estimate); Cancel stops it and the panels keep the previous run, with
# a status line saying so; a trace over the memory budget (DEPLOYSIM_MAX_TRACE_MEMORY) is recorded
# at a lower level and the status line says which.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }

{
  echo "open $src/assets/scenarios/loaded-workers.toml"
  echo "state"
  echo 'set client.load.rate "4000/s"'
  echo "peek"
  echo "peek $out/progress.png"
  echo "cancel"
  echo "state"
} > "$out/s.txt"
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
mapfile -t st < <(grep '^state' "$out/out.txt")
[[ ${#st[@]} == 4 ]] || fail "expected 4 state lines, got ${#st[@]}"
records() { sed -E 's/.* records=([0-9]+) .*/\1/' <<< "$1"; }
base=$(records "${st[0]}")
[[ ${st[0]} == *"trace_level=full"* ]] || fail "a small run records everything: ${st[0]}"
[[ ${st[1]} == *"simulating=1"* ]] || fail "the big run is running: ${st[1]}"
[[ ${st[1]} =~ busy_estimate=\"about\ [0-9.]+\ [kM]?\ ?events,\ trace\ [0-9.]+\ [KMG]iB\" ]] ||
  fail "no size estimate while running: ${st[1]}"
[[ ${st[3]} == *"simulating=0"* ]] || fail "cancelled: ${st[3]}"
[[ $(records "${st[3]}") == "$base" ]] || fail "the previous run stays shown: ${st[3]}"
[[ ${st[3]} == *'status="Cancelled: the panels still show the previous run."'* ]] || fail "no cancel status: ${st[3]}"
[[ ${st[3]} == *"workers.api=1"* ]] || fail "the what-if panel's run is the old one: ${st[3]}"
python3 "$src/tests/app/png_check.py" "$out/progress.png" 1600 900 64

# A budget too small for the full trace: the run arrives at the outcomes level and says so.
printf 'open %s\nstate\nlanguage ko\nopen %s\nstate\n' "$src/assets/scenarios/loaded-workers.toml" \
  "$src/assets/scenarios/basic-https.toml" > "$out/b.txt"
DEPLOYSIM_MAX_TRACE_MEMORY=512KiB xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/b.txt" > "$out/out.txt"
mapfile -t st < <(grep '^state' "$out/out.txt")
[[ ${#st[@]} == 2 ]] || fail "expected 2 state lines, got ${#st[@]}"
[[ ${st[0]} == *"trace_level=outcomes"* ]] || fail "bounded to outcomes: ${st[0]}"
[[ ${st[0]} == *'status="Trace recorded at the outcomes level: at the full level it would take about '*', more than the 512 KiB allowed."'* ]] ||
  fail "no bounded status: ${st[0]}"
[[ ${st[1]} == *"trace_level=full"* ]] || fail "a small scenario fits: ${st[1]}"
echo "gui_progress_cancel: ok"
