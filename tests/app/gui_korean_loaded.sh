# Hangul that no shipped file uses draws as itself, not '?': the font atlas starts with the
# assets' Hangul and adds what the user opens (theme.hpp's add_korean_text). Under Xvfb, a
# teacher's lesson outside assets/ (title "금요일 밤", steps with 곰, 펜, 밥), an edit of it read
# again (펭귄) and a scenario opened on its own (its Korean name) are drawn with every syllable:
# the script's `state` names the syllables the window's font lacks (missing_glyphs=none when it
# has them all).
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }

# The test means something only while these syllables are in no shipped file.
for c in 밤 곰 펜 밥 짬 뽕 펭 귄 뷁; do
  ! grep -rqF "$c" "$src/assets" "$src/app/gui" || fail "test setup: '$c' is in assets/ or app/gui now; pick another"
done

lesson="$out/friday.toml"
sed -e 's/^title_ko = .*/title_ko = "금요일 밤: 인증서"/' \
    -e '0,/^text_ko = "/s//text_ko = "곰, 펜, 밥. /' \
  "$src/assets/lessons/01-https-request.toml" > "$lesson"
grep -q '금요일 밤' "$lesson" && grep -q '곰, 펜, 밥' "$lesson" || fail "test setup: the lesson edit did not apply"
sed 's/^title_ko = .*/title_ko = "금요일 밤: 펭귄"/' "$lesson" > "$out/edited.toml"
scenario="$out/jjambbong.toml"
sed 's/^name_ko = "기본 HTTPS 요청"/name_ko = "짬뽕 뷁"/' "$src/assets/scenarios/basic-https.toml" > "$scenario"
grep -q '짬뽕 뷁' "$scenario" || fail "test setup: the scenario edit did not apply"

cat > "$out/s.txt" <<SCRIPT
frames 3
state
screenshot $out/lesson.png
copy $out/edited.toml $lesson
watch
frames 3
state
lesson off
open $scenario
frames 3
state
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui "$lesson" --lang ko --script "$out/s.txt" > "$out/out.txt" 2>&1 \
  || fail "gui exited non-zero"
[[ $(grep -c '^state' "$out/out.txt") == 3 ]] || fail "expected 3 state lines"
first=$(grep '^state' "$out/out.txt" | sed -n 1p)
grep -q 'lesson=friday ' <<<"$first" || fail "the teacher's lesson did not open"
grep -q 'missing_glyphs=' <<<"$first" || fail "state does not say which glyphs are missing"
grep -q 'missing_glyphs=none' <<<"$first" || fail "the lesson's Hangul draws as '?': $(grep -o 'missing_glyphs=[^ ]*' <<<"$first")"
second=$(grep '^state' "$out/out.txt" | sed -n 2p)
grep -q 'lesson=friday ' <<<"$second" || fail "the lesson closed on its edit"
grep -q 'missing_glyphs=none' <<<"$second" \
  || fail "the edited lesson's Hangul draws as '?': $(grep -o 'missing_glyphs=[^ ]*' <<<"$second")"
third=$(grep '^state' "$out/out.txt" | sed -n 3p)
grep -q 'scenario="Basic HTTPS request"' <<<"$third" || fail "the scenario did not open"
grep -q 'missing_glyphs=none' <<<"$third" \
  || fail "the scenario's Korean name draws as '?': $(grep -o 'missing_glyphs=[^ ]*' <<<"$third")"
[[ -s "$out/lesson.png" ]] || fail "no screenshot"
echo "gui_korean_loaded: a lesson's, its edit's and a scenario's new syllables are in the font atlas"
