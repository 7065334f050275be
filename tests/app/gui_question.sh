# "Predict, then reveal" through the scripted GUI: a step with a question waits (the playhead
# stays) until the learner answers and reveals; then the playhead goes to the step's record and
# the answer read from the run is shown, right or wrong, and counted in the course outline's
# progress. Screenshots before and after the reveal; the metrics and the timeline after the
# playhead are hidden until the reveal.
set -euo pipefail
bin="$1"; src="$2"
out="${KEEP_OUT:-$(mktemp -d)}"; [[ -n "${KEEP_OUT:-}" ]] || trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }

cat > "$out/s.txt" <<SCRIPT
lesson 03-no-sni
state
lesson reveal
lesson answer 2
lesson reveal
state
lesson next
frames 2
state
screenshot $out/before.png
capture Metrics $out/metrics-asking.png
lesson answer 1
lesson reveal
frames 2
state
screenshot $out/after.png
capture Metrics $out/metrics-revealed.png
lesson back
state
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt"
s() { grep '^state' "$out/out.txt" | sed -n "${1}p"; }
s1=$(s 1); s2=$(s 2); s3=$(s 3); s4=$(s 4); s5=$(s 5)
# Step 1 asks first: the playhead has not moved to the ClientHello, and reveal without an answer does nothing.
[[ $s1 == *"lesson_step=1/4"* && $s1 == *"question=asking"* && $s1 != *"kind=tls.client_hello"* ]] || fail "asks first: $s1"
# Choice 2 ("no server name") is right: the playhead is at the ClientHello, whose SNI the run says is empty.
[[ $s2 == *"kind=tls.client_hello"* && $s2 == *'question=revealed answer="" right=1 right_choice=2'* && $s2 == *"answers_right=1"* ]] \
  || fail "revealed right: $s2"
# Step 2 asks; the playhead stays at step 1's record until the reveal.
[[ $s3 == *"lesson_step=2/4"* && $s3 == *"question=asking"* && $s3 == *"kind=tls.client_hello"* ]] || fail "step 2 asks: $s3"
# Choice 1 (api's certificate) is wrong: nginx sent the default server's, for www.example.test.
[[ $s4 == *"kind=tls.certificate"* && $s4 == *'question=revealed answer="www.example.test" right=0 right_choice=2'* && $s4 == *"answers_right=1"* ]] \
  || fail "revealed wrong: $s4"
# The course outline's progress (kept with the settings) counts the answers: 1 of 2 right.
[[ $s2 == *'outline="1/2 right"'* && $s4 == *'outline="1/2 right"'* ]] || fail "the outline counts the answers: $s2 / $s4"
# Back to step 1: its revealed answer is kept.
[[ $s5 == *"lesson_step=1/4"* && $s5 == *"question=revealed"* && $s5 == *"right=1"* ]] || fail "back keeps the answer: $s5"
python3 "$src/tests/app/png_check.py" "$out/before.png" 1600 900 64
python3 "$src/tests/app/png_check.py" "$out/after.png" 1600 900 64
cmp -s "$out/before.png" "$out/after.png" && fail "the reveal changed nothing on screen"
# While the question waits, the run's results would give the answer away: the Metrics panel's
# table and curves and the timeline after the playhead are hidden (no coloured pixel there: only
# grey text), and come back with the reveal.
coloured() {  # PNG, left, top (fractions): pixels of a clear colour in that part, below the title bar
  python3 - "$src/tests/app" "$@" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from png_check import read_png
w, h, bpp, rows = read_png(sys.argv[2])
x0, y0 = int(float(sys.argv[3]) * w), max(30, int(float(sys.argv[4]) * h))
print(sum(1 for y in range(y0, h) for x in range(x0, w)
          if max(rows[y][x * bpp:x * bpp + 3]) - min(rows[y][x * bpp:x * bpp + 3]) > 60))
PY
}
m_ask=$(coloured "$out/metrics-asking.png" 0 0); m_rev=$(coloured "$out/metrics-revealed.png" 0 0)
(( m_ask < 20 && m_rev > 200 )) || fail "metrics hidden while asking: $m_ask coloured pixels asking, $m_rev revealed"
# 120 days of renewals: while step 2 asks when the renewal is due, the lanes after the playhead
# (at 0 s) are covered; after the reveal they run to the end.
cat > "$out/t.txt" <<SCRIPT
lesson 04-certificate-renewal
lesson next
frames 2
state
capture Timeline $out/timeline-asking.png
lesson answer 30
lesson reveal
frames 2
state
capture Timeline $out/timeline-revealed.png
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/t.txt" > "$out/out.txt"
[[ $(s 1) == *"question=asking"* && $(s 2) == *"question=revealed"* ]] || fail "lesson 04 step 2 asks: $(s 1)"
t_ask=$(coloured "$out/timeline-asking.png" 0.5 0.4); t_rev=$(coloured "$out/timeline-revealed.png" 0.5 0.4)
(( t_ask < 20 && t_rev > 200 )) || fail "the timeline's future hidden while asking: $t_ask asking, $t_rev revealed"

# In presenter mode on a projector's 1024x768 the narration is short: the revealed answer lies
# under the step's text, so the narration scrolls to it.
cat > "$out/p.txt" <<SCRIPT
presenter on
lesson 01-https-request
lesson next
lesson next
lesson next
lesson next
lesson next
frames 2
lesson answer 1
lesson reveal
frames 4
state
screenshot $out/presenter.png
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$out/p.txt" > "$out/out.txt"
p1=$(grep -m1 '^state' "$out/out.txt")
[[ $p1 == *"layout=small-presenter"* && $p1 == *"question=revealed"* && $p1 == *"answer_in_view=1"* ]] \
  || fail "the revealed answer is not in view in presenter mode at 1024x768: $p1"
python3 "$src/tests/app/png_check.py" "$out/presenter.png" 1024 768 64

# A step brings the panel it talks about to the front of presenter mode's Details: lesson 01d's
# last step (show = "metrics"), and a question answered from the metrics, once revealed.
cat > "$out/t.txt" <<SCRIPT
presenter on
lesson 01d-second-visit
frames 2
state
$(printf 'lesson next\n%.0s' 1 2 3 4 5 6 7)
frames 3
state
lesson 06-start-on-boot
$(printf 'lesson next\n%.0s' 1 2 3)
lesson answer 99
lesson reveal
frames 3
state
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" "$bin" gui --script "$out/t.txt" > "$out/out.txt"
t1=$(s 1); t2=$(s 2); t3=$(s 3)
[[ $t1 == *'details_tab="Inspector"'* ]] || fail "the Details window starts on the inspector: $t1"
[[ $t2 == *"lesson_step=8/8"* && $t2 == *'details_tab="Metrics"'* ]] || fail "show = \"metrics\" brings the metrics: $t2"
[[ $t3 == *"lesson_step=4/4"* && $t3 == *"question=revealed"* && $t3 == *'details_tab="Metrics"'* ]] \
  || fail "a question answered from the metrics shows them once revealed: $t3"

# A number answer shows its unit, as the tour prints it: 01c asks how many milliseconds the TLS
# 1.3 handshake takes (the learner's 70, the run's 80); 04 asks how many days are left when
# certbot renews, which Korean writes "30일".
cat > "$out/n.txt" <<SCRIPT
lesson 01c-tls12-vs-tls13
lesson next
lesson next
frames 2
state
lesson answer 70
lesson reveal
frames 3
state
language ko
lesson 04-certificate-renewal
lesson next
frames 2
state
screenshot $out/asked-ko.png
lesson answer 30
lesson reveal
frames 3
state
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/n.txt" > "$out/out.txt"
a1=$(s 1); n1=$(s 2); a2=$(s 3); n2=$(s 4)
# Before the reveal the box says what it is typed in, and nothing of the answer shows.
[[ $a1 == *'question=asking unit="ms"'* && $a1 != *'answer='* ]] || fail "the unit beside a number's box: $a1"
[[ $a2 == *'question=asking unit="일"'* ]] || fail "the Korean unit beside a number's box: $a2"
[[ $n1 == *'question=revealed answer="80" right=0'* && $n1 == *'shown="80 ms"'* ]] || fail "a number answer with its unit: $n1"
[[ $n2 == *"language=ko"* && $n2 == *'question=revealed answer="30" right=1'* && $n2 == *'shown="30일"'* ]] \
  || fail "a number answer with its Korean unit: $n2"
echo "gui_question: ask, reveal, right and wrong, units OK"
