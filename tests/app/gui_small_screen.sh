# Issue 15: on a 1024x768 projector the window fits the screen (the script reports its size and
# the monitor's work area) and takes the small-screen layouts (the left column's panels as tabs;
# presenter mode with a taller narration), every frame draws (not blank), the canvas is the
# centre column's width, and an exercise opens and is graded from its tab.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; cat "$out/out.txt"; exit 1; }
cat > "$out/s.txt" <<SCRIPT
lesson 03-no-sni
lesson next
frames 2
state
screenshot $out/normal.png
capture Topology $out/canvas.png
presenter on
frames 3
state
screenshot $out/presenter.png
presenter off
lesson off
exercise restart-outlast-outage
exercise check
state
set service.api.supervisor.restart_sec "15s"
exercise check
frames 2
state
screenshot $out/exercise.png
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
[[ $(grep -c '^state' "$out/out.txt") == 4 ]] || fail "expected 4 state lines"
while read -r line; do
  [[ $line =~ window=([0-9]+)x([0-9]+)\ screen=([0-9]+)x([0-9]+) ]] || fail "no window=WxH screen=WxH: $line"
  w=${BASH_REMATCH[1]} h=${BASH_REMATCH[2]} sw=${BASH_REMATCH[3]} sh=${BASH_REMATCH[4]}
  [[ $sw == 1024 && $sh == 768 ]] || fail "the work area of a 1024x768 screen is ${sw}x${sh}"
  (( w <= sw && h <= sh && w >= 1000 && h >= 700 )) || fail "window ${w}x${h} does not fit the ${sw}x${sh} screen"
done < <(grep '^state' "$out/out.txt")
layouts=$(grep '^state' "$out/out.txt" | grep -o 'layout=[a-z-]*' | tr '\n' ' ')
[[ $layouts == "layout=small layout=small-presenter layout=small layout=small " ]] || fail "layouts: $layouts"
s3=$(grep '^state' "$out/out.txt" | sed -n 3p); s4=$(grep '^state' "$out/out.txt" | sed -n 4p)
[[ $s3 == *"exercise=restart-outlast-outage tries=1 held=0/2"* ]] || fail "the exercise tab did not grade: $s3"
[[ $s4 == *"tries=2 held=2/2"* ]] || fail "the exercise tab did not grade the change: $s4"
python3 "$src/tests/app/png_check.py" "$out/normal.png" 1024 768 64
python3 "$src/tests/app/png_check.py" "$out/presenter.png" 1024 768 32
python3 "$src/tests/app/png_check.py" "$out/exercise.png" 1024 768 64
# The canvas is the centre column (47 % of the width), not the normal layout's 47 % of 1600 px.
python3 "$src/tests/app/png_check.py" "$out/canvas.png" 0 0 32 | tee "$out/canvas.txt"
[[ $(cat "$out/canvas.txt") =~ :\ ([0-9]+)x([0-9]+) ]] || fail "no canvas size"
(( BASH_REMATCH[1] >= 460 && BASH_REMATCH[1] <= 500 )) || fail "canvas window ${BASH_REMATCH[1]} px wide, not the centre column"
echo "gui_small_screen: all good"
