# The course outline in the browser's Lessons tab: a learner who reaches a lesson's last step has
# it marked done (the state line and the outline say so), going back does not undo it, and the
# outline shows every lesson with its minutes. Writes docs/screenshots/course-outline.png when
# DEPLOYSIM_SCREENSHOTS is set (a copy to look at), else a temporary one.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
png="${DEPLOYSIM_SCREENSHOTS:+$src/docs/screenshots/course-outline.png}"
png="${png:-$out/course.png}"
cat > "$out/s.txt" <<SCRIPT
lesson 06-start-on-boot
state
lesson next
lesson next
lesson next
state
lesson back
state
window Scenario 0 0.03 0.36 0.97
frames 3
screenshot $png
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
states=$(grep '^state' "$out/out.txt")
s1=$(echo "$states" | sed -n 1p); s2=$(echo "$states" | sed -n 2p); s3=$(echo "$states" | sed -n 3p)
[[ $s1 == *"lesson=06-start-on-boot lesson_step=1/4"* && $s1 == *"course_done=none"* ]] || fail "opened: $s1"
[[ $s2 == *"lesson_step=4/4"* && $s2 == *"course_done=06-start-on-boot"* ]] || fail "last step marks it done: $s2"
[[ $s3 == *"lesson_step=3/4"* && $s3 == *"course_done=06-start-on-boot"* ]] || fail "going back keeps it done: $s3"
python3 "$src/tests/app/png_check.py" "$png" 1600 900 64
