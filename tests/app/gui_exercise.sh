#!/usr/bin/env bash
# The Exercise panel under Xvfb, driven by the script: choosing an exercise opens its scenario,
# Check grades the run on screen (held=N/M on the state line), an allowed change then solves it,
# and a change the exercise does not allow (made in the What-if panel) is refused, not graded. The
# panel is made tall enough to show a checked exercise.
# An exercise file dropped on the window (a teacher's copy, outside assets) opens in the panel and
# grades like a shipped one; a broken one says where it is broken.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
cat > "$out/s.txt" <<SCRIPT
exercise restart-outlast-outage
exercise check
state
capture Exercise $out/exercise.png
set service.api.supervisor.restart_sec "15s"
exercise check
state
set service.api.workers 2
exercise check
state
exercise check
state
drop $out/mine/restart.toml
exercise check
state
drop $out/mine/broken.toml
frames 2
state
SCRIPT
mkdir -p "$out/mine"
sed 's/^title = .*/title = "My own restart exercise"/' "$src/assets/exercises/restart-outlast-outage.toml" > "$out/mine/restart.toml"
sed 's/^scenario = .*/scenario = 42/' "$src/assets/exercises/restart-outlast-outage.toml" > "$out/mine/broken.toml"
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
# Opening an exercise gives its panel room: the task, settings, goals and verdict of a checked
# exercise need more than the left column's default quarter of the window (about 200 px here).
ex_h=$(python3 -c 'import struct,sys; print(struct.unpack(">II", open(sys.argv[1],"rb").read()[16:24])[1])' "$out/exercise.png")
(( ex_h >= 360 )) || fail "the Exercise panel is $ex_h px tall at 1600x900"
s1=$(grep '^state' "$out/out.txt" | sed -n 1p); s2=$(grep '^state' "$out/out.txt" | sed -n 2p)
s3=$(grep '^state' "$out/out.txt" | sed -n 3p)
[[ $s1 == *'scenario="Crash loop under four supervisors"'* && $s1 == *"exercise=restart-outlast-outage tries=1 held=0/2"* ]] ||
  fail "start: $s1"
[[ $s2 == *"tries=2 held=2/2"* ]] || fail "solved: $s2"
[[ $s3 == *"tries=3 held=0/2 refused=\"'service.api.workers' is not a setting this exercise lets you change"* ]] ||
  fail "refused: $s3"
s5=$(grep '^state' "$out/out.txt" | sed -n 5p); s6=$(grep '^state' "$out/out.txt" | sed -n 6p)
[[ $s5 == *"exercise=restart tries=1 held=0/2"* && $s5 == *'scenario="Crash loop under four supervisors"'* ]] ||
  fail "a dropped exercise file opens in the panel and grades: $s5"
[[ $s5 == *"opened the exercise $out/mine/restart.toml"* ]] || fail "the status line names the dropped exercise: $s5"
[[ $s6 == *"$out/mine/broken.toml:6:12"* ]] || fail "a broken exercise file's error names its line and column: $s6"
# In Korean the panel shows the refusal in Korean, as the terminal's `exercise` does; and a broken
# settings file is named in Korean on the status line.
mkdir -p "$out/home/.config/deploysim"
printf '{"language":"ko","speed":"fast"}\n' > "$out/home/.config/deploysim/settings.json"
cat > "$out/k.txt" <<SCRIPT
exercise restart-outlast-outage
set service.api.workers 2
exercise check
state
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --keep-settings --script "$out/k.txt" > "$out/out.txt"
k1=$(grep '^state' "$out/out.txt" | sed -n 1p)
[[ $k1 == *"refused_shown=\"'service.api.workers' 설정은 이 연습 문제에서 바꿀 수 없습니다"* ]] ||
  fail "the refusal in Korean: $k1"
[[ $k1 == *"status=\"$out/home/.config/deploysim/settings.json:"*"기본값"* ]] || fail "the settings error in Korean: $k1"
echo "gui_exercise: all good"
