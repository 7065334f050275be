# The course outline in the browser's Lessons tab: a learner who reaches a lesson's last step has
# it marked done (the state line and the outline say so), going back does not undo it, and the
# outline shows every lesson with its minutes, beside each title in a wide panel and under it where
# columns would break the titles' words (1024x768 with a learner's progress). Writes docs/screenshots/course-outline.png when
# DEPLOYSIM_SCREENSHOTS is set (a copy to look at), else a temporary one.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home" XDG_CONFIG_HOME="$out/home/.config"
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
tab Lessons
frames 3
state
screenshot $png
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
states=$(grep '^state' "$out/out.txt")
s1=$(echo "$states" | sed -n 1p); s2=$(echo "$states" | sed -n 2p); s3=$(echo "$states" | sed -n 3p)
s4=$(echo "$states" | sed -n 4p)
[[ $s1 == *"lesson=06-start-on-boot lesson_step=1/4"* && $s1 == *"course_done=none"* ]] || fail "opened: $s1"
[[ $s2 == *"lesson_step=4/4"* && $s2 == *"course_done=06-start-on-boot"* ]] || fail "last step marks it done: $s2"
[[ $s3 == *"lesson_step=3/4"* && $s3 == *"course_done=06-start-on-boot"* ]] || fail "going back keeps it done: $s3"
python3 "$src/tests/app/png_check.py" "$png" 1600 900 64
[[ $s4 == *"course_minutes=beside"* ]] || fail "a third of 1600 px has room for the minutes beside the titles: $s4"

# A learner with progress on a 1024x768 laptop: "done" and "1/2 right" in columns beside the
# titles left them a few letters a line ("journe" over "y"); they go under each title instead.
mkdir -p "$XDG_CONFIG_HOME/deploysim"
cat > "$XDG_CONFIG_HOME/deploysim/settings.json" <<'JSON'
{"language": "en", "progress": {"01-https-request": {"done": true, "answers": {"3": true}},
 "01b-wrong-dns-record": {"answers": {"2": false}}}}
JSON
cat > "$out/s2.txt" <<SCRIPT
tab Lessons
frames 3
state
screenshot $out/narrow.png
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --keep-settings --script "$out/s2.txt" > "$out/out.txt"
s5=$(grep '^state' "$out/out.txt")
[[ $s5 == *"course_done=01-https-request"* ]] || fail "the settings' progress is read: $s5"
[[ $s5 == *"window=1024x768"* && $s5 == *"course_minutes=under"* ]] || fail "a narrow outline puts progress under the titles: $s5"
python3 "$src/tests/app/png_check.py" "$out/narrow.png" 1024 768 64
