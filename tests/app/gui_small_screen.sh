# Issue 15: on a 1024x768 projector the window fits the screen (the script reports its size and
# the monitor's work area), in normal and presenter mode, and every frame draws (not blank).
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
presenter on
frames 3
state
screenshot $out/presenter.png
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
[[ $(grep -c '^state' "$out/out.txt") == 2 ]] || fail "expected 2 state lines"
while read -r line; do
  [[ $line =~ window=([0-9]+)x([0-9]+)\ screen=([0-9]+)x([0-9]+) ]] || fail "no window=WxH screen=WxH: $line"
  w=${BASH_REMATCH[1]} h=${BASH_REMATCH[2]} sw=${BASH_REMATCH[3]} sh=${BASH_REMATCH[4]}
  [[ $sw == 1024 && $sh == 768 ]] || fail "the work area of a 1024x768 screen is ${sw}x${sh}"
  (( w <= sw && h <= sh && w >= 1000 && h >= 700 )) || fail "window ${w}x${h} does not fit the ${sw}x${sh} screen"
done < <(grep '^state' "$out/out.txt")
python3 "$src/tests/app/png_check.py" "$out/normal.png" 1024 768 64
python3 "$src/tests/app/png_check.py" "$out/presenter.png" 1024 768 32
