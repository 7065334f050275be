# Opening and saving files the way a desktop program does, through the scripted driver under
# Xvfb: a lesson file given to `gui` (outside assets/, any name) opens on its first step; a
# dropped file opens as what it holds (of several dropped together, a lesson); an edit of the open lesson (or scenario) file is read
# again on the same step (playhead time); a broken edit shows file:line:column and keeps what
# was open; the saved what-if loads back to the same run (fingerprint), a lesson's variant too;
# the file browser lists folders and .toml files with what each holds.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui "$@"; }
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
state() { grep '^state' "$out/out.txt" | sed -n "${1}p"; }
fp() { sed -n 's/.* fingerprint=\([0-9a-f-]*\) .*/\1/p' <<<"$1"; }

# A teacher's own lesson: a copy of lesson 1 under a name with no "lesson" in it, an edit of it
# (step 3 reworded) and a broken edit (a step target that is not a string).
lesson="$out/my-course.toml"
cp "$src/assets/lessons/01-https-request.toml" "$lesson"
sed 's/^text = "Step 2: DNS returns.*/text = "Step 2, reworded by the teacher."/' "$lesson" > "$out/edited.toml"
grep -q 'reworded by the teacher' "$out/edited.toml" || fail "test setup: the edit did not apply"
broken_line=$(grep -n '^target' "$out/edited.toml" | sed -n 2p | cut -d: -f1)
sed "${broken_line}s/.*/target = 12/" "$out/edited.toml" > "$out/broken.toml"
cat > "$out/lesson.txt" <<SCRIPT
state
lesson next
lesson next
state
copy $out/edited.toml $lesson
watch
state
copy $out/broken.toml $lesson
watch
state
SCRIPT
run "$lesson" --script "$out/lesson.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
s1=$(state 1); s2=$(state 2); s3=$(state 3); s4=$(state 4)
[[ $s1 == *"lesson=my-course lesson_step=1/"* && $s1 == *'scenario="Basic HTTPS request"'* ]] \
  || fail "a lesson file given to gui opens on its first step: $s1"
[[ $s2 == *"lesson_step=3/"* && $s2 == *'lesson_text="Step 2: DNS returns'* ]] || fail "lesson next: $s2"
t2=$(sed 's/^state t=\([0-9.]*\)s.*/\1/' <<<"$s2")
[[ $s3 == *"lesson_step=3/"* && $s3 == *'lesson_text="Step 2, reworded by the teacher."'* && $s3 == "state t=${t2}s"* ]] \
  || fail "an edited lesson file is read again on the same step and time: $s3"
[[ $s4 == *"lesson_step=3/"* && $s4 == *'lesson_text="Step 2, reworded by the teacher."'* ]] \
  || fail "a broken edit keeps the lesson as it was: $s4"
[[ $s4 == *"lesson_file_error=\"$lesson:$broken_line:"*"target"* ]] || fail "a broken edit is located: $s4"

# A scenario file edited while open: same playhead time, the new value; a broken edit keeps it.
sc="$out/sc.toml"
cp "$src/assets/scenarios/basic-https.toml" "$sc"
sed 's/^workers = 2/workers = 3/' "$sc" > "$out/sc-edited.toml"
sed 's/^workers = 2/workers = "three"/' "$sc" > "$out/sc-broken.toml"
cat > "$out/scenario.txt" <<SCRIPT
drop $sc
seek 1.5s
state
copy $out/sc-edited.toml $sc
watch
state
copy $out/sc-broken.toml $sc
watch
state
drop $lesson
state
SCRIPT
cp "$out/edited.toml" "$lesson"
run --script "$out/scenario.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
s1=$(state 1); s2=$(state 2); s3=$(state 3); s4=$(state 4)
[[ $s1 == *"workers.api=2"* && $s1 == *"t=1.500000s"* && $s1 == *"lesson=none"* ]] || fail "a dropped scenario opens: $s1"
[[ $s2 == *"workers.api=3"* && $s2 == *"t=1.500000s"* ]] || fail "an edited scenario is read again at the same time: $s2"
[[ $s3 == *"workers.api=3"* && $s3 == *"error=\"$sc:"*"workers"* ]] || fail "a broken scenario edit keeps the run: $s3"
[[ $s4 == *"lesson=my-course lesson_step=1/"* ]] || fail "a dropped lesson file opens as a lesson: $s4"

# A lesson handed out with its scenario, dropped together (the scenario first, as a browser's
# picker may list them): the lesson opens, on the scenario beside it.
mkdir "$out/handout"
sed 's/^scenario = "basic-https.toml"/scenario = "our-api.toml"/' "$src/assets/lessons/01-https-request.toml" \
  > "$out/handout/our-lesson.toml"
sed 's/^name = "Basic HTTPS request"/name = "Our own API"/' "$src/assets/scenarios/basic-https.toml" \
  > "$out/handout/our-api.toml"
grep -q 'our-api.toml' "$out/handout/our-lesson.toml" && grep -q 'Our own API' "$out/handout/our-api.toml" \
  || fail "test setup: the handout's edits did not apply"
printf 'drop %s %s\nstate\n' "$out/handout/our-api.toml" "$out/handout/our-lesson.toml" > "$out/together.txt"
run --script "$out/together.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
[[ $(state 1) == *"lesson=our-lesson lesson_step=1/"* && $(state 1) == *'scenario="Our own API"'* ]] \
  || fail "a lesson dropped with its scenario opens on it: $(state 1)"

# The saved what-if loads back to the same run; so does a lesson's variant.
cat > "$out/save.txt" <<SCRIPT
open $src/assets/scenarios/basic-https.toml
set service.api.workers 1
set dns.resolver.cache false
state
save_whatif $out/saved.toml
state
open $out/saved.toml
state
lesson 04c
state
save_whatif $out/saved-variant.toml
lesson off
open $out/saved-variant.toml
state
SCRIPT
run --script "$out/save.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
s1=$(state 1); s2=$(state 2); s3=$(state 3); s4=$(state 4); s5=$(state 5)
[[ $s2 == *"status=\"saved the what-if as $out/saved.toml"* ]] || fail "save_whatif says where: $s2"
[[ -n $(fp "$s1") && $(fp "$s1") == $(fp "$s3") && $s3 == *"workers.api=1"* ]] \
  || fail "the saved what-if reloads to the same fingerprint: $s1 / $s3"
grep -q '^workers = 1  # what-if: was 2' "$out/saved.toml" || fail "the saved file notes the change"
[[ $s4 == *"lesson=04c-certificate-lifetimes"* && -n $(fp "$s4") && $(fp "$s4") == $(fp "$s5") ]] \
  || fail "a saved variant reloads to the same fingerprint: $s4 / $s5"

# The file browser lists the shipped lessons with what each holds.
printf 'browse %s\nframes 2\nstate\n' "$src/assets/lessons" > "$out/browse.txt"
run --script "$out/browse.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
n=$(ls "$src/assets/lessons"/*.toml | wc -l)
[[ $(state 1) == *"browser=\"$src/assets/lessons\" browser_entries=$n"* ]] || fail "file browser: $(state 1)"
echo "ok"
