# The journey issue 7 asks the GUI to show: stepping the basic HTTPS scenario from the first to
# the last event walks DNS, TCP, TLS (the real ClientHello carrying the SNI), the proxy, a worker
# and back, with a narration at every step; stepping back returns to identical states. Then the
# lesson navigator walks a lesson, and a what-if (workers 4 -> 1 under load, renewal off)
# visibly changes the metrics and the picture.
set -Eeuo pipefail
# `grep -m1`, not `grep | head -1`: under pipefail the grep that head stops reading from fails with
# SIGPIPE once its lines pass one write (state lines grew: a flaky "no worker"). And a command
# that fails outside a check says where, not nothing.
trap 'echo "FAIL: line $LINENO: a command exited $?"' ERR
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$1"; }
fail() { echo "FAIL: $*"; exit 1; }
field() { grep -o " $1=[^ ]*" | head -1 | cut -d= -f2-; }

# --- 1. forward through every event, then back to the start
scenario="$src/assets/scenarios/basic-https.toml"
n=$(printf 'open %s\nstate\n' "$scenario" > "$out/n.txt"; run "$out/n.txt" | grep '^state' | field records)
[[ $n -gt 20 ]] || fail "basic-https has only '$n' records"
{
  echo "open $scenario"
  for ((i = 0; i < n; i++)); do echo "step 1"; echo state; done
  for ((i = 0; i < n; i++)); do echo "step -1"; echo state; done
} > "$out/walk.txt"
run "$out/walk.txt" | grep '^state' > "$out/walk.out"
[[ $(wc -l < "$out/walk.out") -eq $((2 * n)) ]] || fail "expected $((2 * n)) state lines"
fwd="$out/fwd.txt"; back="$out/back.txt"
head -n "$n" "$out/walk.out" > "$fwd"; tail -n "$n" "$out/walk.out" > "$back"

# Forward: every record once, in order, starting at the first.
for ((i = 0; i < n; i++)); do
  sel=$(sed -n "$((i + 1))p" "$fwd" | field selected)
  [[ $sel == "$i" ]] || fail "step $((i + 1)) selected '$sel', expected record $i"
done
# Each step is narrated.
if grep -v -q ' narration="[^"]' "$fwd"; then fail "a step without narration: $(grep -m1 -v ' narration="[^"]' "$fwd")"; fi
# The journey: DNS, TCP, TLS, proxy, worker and back, in this order for the first request.
order=""
for pat in 'kind=dns.query' 'kind=tcp.syn ' 'kind=tls.client_hello' 'kind=proxy.forward' 'kind=server.handle' \
           'kind=server.response' 'kind=http.response' 'kind=client.response'; do
  line=$(grep -m1 -n -- "$pat" "$fwd" | cut -d: -f1)
  [[ -n $line ]] || fail "the walk never shows $pat"
  [[ -z $order || $line -gt $order ]] || fail "$pat (step $line) comes before the previous stage (step $order)"
  order=$line
done
grep -m1 'kind=proxy.forward' "$fwd" | grep -q 'to=api/worker' || fail "the proxy forwards to no worker"
grep -m1 'kind=http.response' "$fwd" | grep -q 'to=laptop' || fail "the response does not come back to the client"
# The real ClientHello in the inspector carries the SNI the client sent.
hello=$(grep -m1 'kind=tls.client_hello' "$fwd")
[[ $hello == *"inspector.message=ClientHello"* && $hello == *"inspector.sni=api.example.test"* ]] \
  || fail "the inspector's real ClientHello lacks the SNI: $hello"
[[ $(echo "$hello" | field inspector.bytes) -gt 100 ]] || fail "ClientHello bytes: $hello"
grep -m1 'kind=tls.server_hello' "$fwd" | grep -q 'inspector.message=ServerHello' || fail "no real ServerHello"
grep -m1 'kind=tls.certificate ' "$fwd" | grep -q 'inspector.certificate\[0\].san="api.example.test' \
  || fail "the real Certificate does not name api.example.test"
# Back: the same states in reverse order (state lines byte-identical), ending before the first.
for ((i = 1; i < n; i++)); do
  a=$(sed -n "${i}p" "$back"); b=$(sed -n "$((n - i))p" "$fwd")
  [[ $a == "$b" ]] || { echo "back: $a"; echo "fwd:  $b"; fail "stepping back $i differs from stepping forward"; }
done
tail -1 "$back" | grep -q 'selected=none' || fail "stepping back past the first event: $(tail -1 "$back")"

# --- 2. no SNI: the real ClientHello has no server_name
cat > "$out/nosni.txt" <<SCRIPT
open $src/assets/scenarios/no-sni.toml
lesson 03-no-sni
lesson answer 2
lesson reveal
state
SCRIPT
s=$(run "$out/nosni.txt" | grep '^state')
[[ $s == *"kind=tls.client_hello"* && $s == *"inspector.sni=none"* && $s == *"verify_host=203.0.113.10"* && $s == *"lesson=03-no-sni lesson_step=1/4"* ]] \
  || fail "no-SNI ClientHello: $s"

# --- 3. a lesson: Next and Back move to the steps' targets; Korean text
cat > "$out/lesson.txt" <<SCRIPT
lesson 01-https-request
state
lesson next
state
lesson next
state
lesson back
state
language ko
state
inspect server_name
lesson off
state
SCRIPT
run "$out/lesson.txt" | grep '^state' > "$out/lesson.out"
l1=$(sed -n 1p "$out/lesson.out"); l2=$(sed -n 2p "$out/lesson.out"); l3=$(sed -n 3p "$out/lesson.out")
l4=$(sed -n 4p "$out/lesson.out"); l5=$(sed -n 5p "$out/lesson.out"); l6=$(sed -n 6p "$out/lesson.out")
[[ $l1 == *'scenario="Basic HTTPS request"'* && $l1 == *"lesson=01-https-request lesson_step=1/"* && $l1 == *'lesson_text="'?* ]] || fail "lesson open: $l1"
[[ $l2 == *"lesson_step=2/"* && $l3 == *"lesson_step=3/"* && $l4 == *"lesson_step=2/"* ]] || fail "next/next/back: $l2 / $l3 / $l4"
[[ $(echo "$l2" | field selected) != "$(echo "$l3" | field selected)" ]] || fail "next did not move the playhead"
[[ $(echo "$l4" | field selected) == "$(echo "$l2" | field selected)" ]] || fail "back did not return to step 2"
[[ $l5 == *"language=ko"* && $l5 == *'lesson_text="'*'니다'* ]] || fail "Korean step text: $l5"
[[ $l6 == *"lesson=none"* ]] || fail "lesson off: $l6"

# A what-if keeps the lesson and its comparison; another scenario ends both (its steps and its
# variants belong to the other run).
cat > "$out/switch.txt" <<SCRIPT
lesson 01-https-request
compare resolver without cache
frames 20
set service.api.workers 2
frames 20
state
open $src/assets/scenarios/memory-four-workers.toml
frames 20
state
SCRIPT
run "$out/switch.txt" | grep '^state' > "$out/switch.out"
k1=$(sed -n 1p "$out/switch.out"); k2=$(sed -n 2p "$out/switch.out")
[[ $k1 == *"lesson=01-https-request"* && $k1 == *"compare=resolver without cache"* ]] || fail "what-if in a lesson: $k1"
[[ $k2 == *"lesson=none"* && $k2 != *"compare="* && $k2 == *'scenario="'* ]] || fail "another scenario: $k2"

# --- 4. what-if: workers 4 -> 1 under load, renewal off
cat > "$out/whatif.txt" <<SCRIPT
open $src/assets/scenarios/loaded-workers.toml
set service.api.workers 4
seek 30s
frames 2
screenshot $out/w4.png
state
set service.api.workers 1
frames 2
screenshot $out/w1.png
state
open $src/assets/scenarios/cert-renewal.toml
state
set certificate.api.example.test.renewal "none"
state
SCRIPT
run "$out/whatif.txt" > "$out/whatif.out"
w4=$(grep '^state' "$out/whatif.out" | sed -n 1p); w1=$(grep '^state' "$out/whatif.out" | sed -n 2p)
r1=$(grep '^state' "$out/whatif.out" | sed -n 3p); r0=$(grep '^state' "$out/whatif.out" | sed -n 4p)
[[ $w4 == *"workers.api=4"* && $w1 == *"workers.api=1"* && $w1 == *"t=30.000000s"* ]] || fail "workers: $w4 / $w1"
p4=$(echo "$w4" | field latency_p99_ms); p1=$(echo "$w1" | field latency_p99_ms)
python3 -c "import sys; sys.exit(0 if float('$p1') > 5 * float('$p4') else 1)" || fail "one worker: p99 $p1 ms vs four: $p4 ms"
python3 "$src/tests/app/png_check.py" "$out/w4.png" 1600 900 64
python3 "$src/tests/app/png_check.py" "$out/w1.png" 1600 900 64
cmp -s "$out/w4.png" "$out/w1.png" && fail "the screenshots with 4 and 1 workers are identical"
a1=$(echo "$r1" | field availability); a0=$(echo "$r0" | field availability)
python3 -c "import sys; sys.exit(0 if float('$a1') > 0.999 and float('$a0') < 0.9 else 1)" \
  || fail "renewal off: availability $a1 -> $a0"
d1=$(echo "$r1" | field cert_days_left_at_end.api.example.test); d0=$(echo "$r0" | field cert_days_left_at_end.api.example.test)
python3 -c "import sys; sys.exit(0 if float('$d1') > 0 and float('$d0') <= 0 else 1)" || fail "days left at the end: $d1 -> $d0"
echo "journey: $n steps forward and back, lesson, what-ifs OK (p99 $p4 -> $p1 ms, availability $a1 -> $a0)"
