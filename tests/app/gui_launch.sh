# Issue 7's launch measurement: with DEPLOYSIM_TIMING=1 the first frame of the first lesson prints
# one line of steady-clock (CLOCK_MONOTONIC) stamps, one per launch step and in the order they happen; bench_frame
# reads "main", "window" and "first frame" from it. Our state and the fonts are prepared on another
# thread while the main thread opens the window, so those two sequences interleave.
set -euo pipefail
bin="$1"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"   # a test never writes into the user's home
DEPLOYSIM_TIMING=1 xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --frames 2 >/dev/null 2>"$out/err.txt"
python3 - "$out/err.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
lines = [l for l in text.splitlines() if "monotonic ms: " in l]
assert len(lines) == 1, f"expected one timing line, got {len(lines)}:\n{text}"
steps = [(k, float(v)) for k, v in (s.rsplit(" ", 1) for s in lines[0].split("monotonic ms: ")[1].split(", "))]
names = [k for k, _ in steps]
expected = {"start", "main", "settings", "words", "course", "open", "state", "fonts", "glfw", "window", "newframe", "draw",
            "render", "first frame"}
assert sorted(names) == sorted(expected), f"steps {names}, expected {sorted(expected)}"
before = lambda a, b: names.index(a) < names.index(b)
prepared = ["settings", "words", "course", "open", "state", "fonts"]
assert names[:2] == ["start", "main"] and all(before(a, b) for a, b in zip(prepared, prepared[1:])), f"steps {names}"
assert before("glfw", "window"), f"steps {names}"
assert names[-4:] == ["newframe", "draw", "render", "first frame"], f"the frame before both threads: {names}"
times = [t for _, t in steps]
assert times == sorted(times), f"stamps out of order: {steps}"
assert times[-1] - times[0] < 60_000, f"implausible launch: {steps}"
sim = re.search(r"simulation (\d+) ms", lines[0])
assert sim, lines[0]
print("gui_launch: " + ", ".join(f"{k} +{t - times[0]:.0f} ms" for k, t in steps))
PY

# Interactive launches (a run with --frames or --script never reads the settings): `launch NAME`
# starts deploysim with the settings in $HOME, waits for its first frame, checks it is still
# running a moment later, and closes it; its stderr is in $out/NAME.txt.
launch() {
  DEPLOYSIM_TIMING=1 xvfb-run -a -s "-screen 0 1600x900x24" "$bin" >/dev/null 2>"$out/$1.txt" &
  local runner=$! alive=0
  for _ in $(seq 1 300); do
    grep -q "monotonic ms: " "$out/$1.txt" && break
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.1
  done
  sleep 0.5  # a few more frames
  kill -0 "$runner" 2>/dev/null && alive=1
  pkill -TERM -P "$runner" 2>/dev/null || true
  kill "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
  grep -q "monotonic ms: " "$out/$1.txt" || { echo "$1: never reached its first frame:"; cat "$out/$1.txt"; exit 1; }
  [ "$alive" -eq 1 ] || { echo "$1: exited after its first frame:"; cat "$out/$1.txt"; exit 1; }
}
mkdir -p "$HOME/.config/deploysim"

# A teacher who switched to Korean launches again: Hangul is merged into the fonts before the
# window exists (this aborted once).
echo '{"language": "ko"}' > "$HOME/.config/deploysim/settings.json"
launch korean
if grep -q "Hangul shows as" "$out/korean.txt"; then echo "Korean fonts missing:"; cat "$out/korean.txt"; exit 1; fi
echo "gui_launch: interactive launch with Korean saved reached its first frame and kept running"

# A hand-edited settings file with a mistake: the program starts with that setting's default
# and says which line and column is wrong.
printf '{\n  "presenter": "yes"\n}\n' > "$HOME/.config/deploysim/settings.json"
launch typo
grep -q 'settings.json:2:3: "presenter" should be true or false' "$out/typo.txt" ||
  { echo "typo: no message naming the mistake:"; cat "$out/typo.txt"; exit 1; }
echo "gui_launch: a settings file with a wrong value starts with the default and names the line"
