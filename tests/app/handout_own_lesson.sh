# A handout of a teacher's own lesson (a file outside assets/, its scenario beside it) has the
# canvas at every step, not the empty window: under Xvfb no step's picture is the picture of the
# window with nothing open. A lesson the window refuses (check's errors) gives no handout: the
# command fails and names the file, rather than write pictures of an empty window.
set -euo pipefail
bin="$(realpath "$1")"; src="$(realpath "$2")"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; [[ -f "$out/err.txt" ]] && { echo "--- stderr"; cat "$out/err.txt"; }; exit 1; }
if ! "$bin" --version | grep -q "Dear ImGui"; then
  echo "handout_own_lesson: a build without the GUI draws no pictures (handout.sh checks its note)"
  exit 0
fi
x() { xvfb-run -a -s "-screen 0 1600x900x24" "$@"; }

mkdir -p "$out/class"
cp "$src/assets/scenarios/no-sni.toml" "$out/class/our-server.toml"
sed 's/^scenario = .*/scenario = "our-server.toml"/' "$src/assets/lessons/03-no-sni.toml" > "$out/class/week3.toml"
grep -q '^scenario = "our-server.toml"' "$out/class/week3.toml" || fail "test setup: the lesson edit did not apply"
steps=$(grep -c '^\[\[step\]\]' "$out/class/week3.toml")

# The window with nothing open, as the handout's pictures were before.
printf 'frames 3\ncapture Topology %s\n' "$out/empty.png" > "$out/empty.txt"
x "$bin" gui --script "$out/empty.txt" > /dev/null 2>&1 || fail "could not draw the empty window"
empty=$(md5sum < "$out/empty.png")

cd "$out"  # not the lesson's folder: its scenario is found beside it all the same
x "$bin" handout class/week3.toml --format md -o week3.md > /dev/null 2> "$out/err.txt" || fail "handout failed"
n=0
for png in week3-images/step-*-canvas.png; do
  [[ -s "$png" ]] || fail "$png is empty"
  [[ $(md5sum < "$png") != "$empty" ]] || fail "$png is the empty window"
  n=$((n + 1))
done
[[ $n == "$steps" ]] || fail "expected the canvas at $steps steps, got $n"
! grep -q 'no pictures' week3.md || fail "week3.md says it has no pictures"
x "$bin" handout class/week3.toml --format html --lang ko -o week3.html > /dev/null 2> "$out/err.txt" \
  || fail "the Korean HTML handout failed"
[[ $(grep -o 'src="data:image/png;base64,' week3.html | wc -l) -ge "$steps" ]] || fail "week3.html: too few pictures"

# A lesson the window refuses: a non-zero exit naming the file, and no handout.
bad="$src/tests/lessons/broken/target-resolves-to-nothing.toml"
if x "$bin" handout "$bad" --format html -o bad.html > /dev/null 2> "$out/err.txt"; then
  fail "the handout of a lesson the window refuses succeeded"
fi
grep -qF "cannot draw the canvas of $bad" "$out/err.txt" || fail "the error does not name the lesson file"
grep -qF "$bad:8:10: in step 1: step target" "$out/err.txt" || fail "the error does not say why"
[[ ! -e bad.html ]] || fail "bad.html was written"
echo "handout_own_lesson: a teacher's lesson has its canvas at $steps steps; a refused one fails"
