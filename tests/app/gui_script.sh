# The scripted driver (`deploysim gui --script FILE`) under Xvfb: commands change the state the
# way the panels' commands do; a what-if edit re-simulates and keeps the playhead; a broken
# value or file shows a located error and keeps the previous scenario; a bad script exits 2.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$1"; }
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
line() { sed -n "${1}p" "$out/out.txt" | grep '^state'; }

scenario="$src/assets/scenarios/one-ip-two-domains.toml"
cat > "$out/s.txt" <<SCRIPT
open $scenario
state
seek 1.5s
state
set service.api.workers 1
state
set service.api.workers "many"
state
open $out/missing.toml
state
key space
state
key space
key plus
state
presenter on
frames 2
screenshot $out/presenter.png
SCRIPT
run "$out/s.txt" > "$out/out.txt"
grep -c '^state' "$out/out.txt" | grep -qx 7 || fail "expected 7 state lines"
states=$(grep '^state' "$out/out.txt")
s1=$(echo "$states" | sed -n 1p); s2=$(echo "$states" | sed -n 2p); s3=$(echo "$states" | sed -n 3p)
s4=$(echo "$states" | sed -n 4p); s5=$(echo "$states" | sed -n 5p); s6=$(echo "$states" | sed -n 6p)
s7=$(echo "$states" | sed -n 7p)
[[ $s1 == *'scenario="One IP, two domains"'* && $s1 == *"workers.api=4"* ]] || fail "open: $s1"
[[ $s2 == *"t=1.500000s"* ]] || fail "seek: $s2"
[[ $s3 == *"workers.api=1"* && $s3 == *"t=1.500000s"* ]] || fail "set keeps the playhead: $s3"
[[ $s4 == *"workers.api=1"* && $s4 == *'error="'*'one-ip-two-domains.toml:'*:*': with service.api.workers'* ]] \
  || fail "a bad value shows file:line:column and keeps the run: $s4"
[[ $s5 == *'scenario="One IP, two domains"'* && $s5 == *"missing.toml"* ]] || fail "a missing file keeps the scenario: $s5"
[[ $s6 == *"playing=1"* ]] || fail "Space starts playback: $s6"
[[ $s7 == *"playing=0"* && $s7 == *"speed=3.16228"* && $s7 == *"presenter=0"* ]] || fail "Space pauses, + speeds up: $s7"
python3 "$src/tests/app/png_check.py" "$out/presenter.png" 1600 900 64

# A bad script is refused before the window opens: exit 2 and file:line:column.
# refused NAME SCRIPT MESSAGE: the script is refused with exit 2 and says MESSAGE.
refused() {
  printf '%b' "$2" > "$out/$1.txt"
  set +e
  run "$out/$1.txt" > "$out/out.txt" 2> "$out/err.txt"; local rc=$?
  set -e
  [[ $rc == 2 ]] || fail "$1: exit $rc, expected 2"
  grep -q -- "$3" "$out/err.txt" || { cat "$out/err.txt"; fail "$1: message"; }
}
refused bad 'state\nstep many\n' "bad.txt:2:6: 'step' expects an integer"

# A panel whose name has spaces ("What if") can be placed; five numbers after a name are still an error.
refused bad5 'window Topology 0 0 0.5 0.5 0.3\n' "'window' expects exactly four numbers after the name"
printf 'window What if 0 0.03 0.3 0.95\nframes 2\nstate\n' > "$out/whatif.txt"
run "$out/whatif.txt" > "$out/out.txt" 2> "$out/err.txt" || { cat "$out/err.txt"; fail "window What if: refused"; }
grep -q '^state' "$out/out.txt" || fail "window What if: no state line"

# Every command is documented in docs/gui-script.md, where a teacher looks for them (the list is
# the one an unknown command prints).
printf 'no-such-command\n' > "$out/unknown.txt"
set +e
"$bin" gui --script "$out/unknown.txt" > /dev/null 2> "$out/err.txt"
set -e
verbs=$(sed -n 's/.*expected one of: //p' "$out/err.txt" | tr ',' '\n' | awk '{print $1}' | sort -u)
[[ $(echo "$verbs" | wc -l) -ge 30 ]] || fail "the unknown command's list of commands: $(cat "$out/err.txt")"
for v in $verbs; do
  grep -q "^| [^|]*\`$v[ \`]" "$src/docs/gui-script.md" || fail "docs/gui-script.md does not document '$v'"
done

# `open` takes a lesson or an exercise file as the window's Open does, not as a scenario.
cat > "$out/o.txt" <<SCRIPT
open $src/assets/lessons/03-no-sni.toml
frames 2
state
open $src/assets/exercises/memory-fit-workers.toml
frames 2
state
SCRIPT
run "$out/o.txt" > "$out/out.txt"
o1=$(grep '^state' "$out/out.txt" | sed -n 1p); o2=$(grep '^state' "$out/out.txt" | sed -n 2p)
[[ $o1 == *"lesson_step=1/4"* && $o1 != *"error="* ]] || fail "open LESSON.toml opens the lesson: $o1"
[[ $o2 == *'scenario="4 workers x 1 GiB on a 3 GiB host"'* && $o2 == *"opened the exercise"* ]] ||
  fail "open EXERCISE.toml opens the exercise and its scenario: $o2"
echo "gui_script: all good"
