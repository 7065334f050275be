# Issue 15: `deploysim handout` writes every lesson in both languages as Markdown and as one
# self-contained HTML page; without a display it says so and has no pictures; under Xvfb it has
# the canvas at every step (data: URIs in HTML, files beside the Markdown); the HTML opens in
# headless Chromium.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; exit 1; }
cd "$out"

n=0
for lesson in "$src"/assets/lessons/*.toml; do
  id=$(basename "$lesson" .toml)
  title_en=$(sed -n 's/^title = "\(.*\)"$/\1/p' "$lesson" | head -1)
  title_ko=$(sed -n 's/^title_ko = "\(.*\)"$/\1/p' "$lesson" | head -1)
  steps=$(grep -c '^\[\[step\]\]' "$lesson")
  for lang in en ko; do
    title=$title_en; [[ $lang == ko ]] && title=$title_ko
    for format in md html; do
      f="$id-$lang.$format"
      env -u DISPLAY -u WAYLAND_DISPLAY "$bin" handout "$id" --format "$format" --lang "$lang" -o "$f" \
        > /dev/null 2> "$out/err.txt" || { cat "$out/err.txt"; fail "handout $id $lang $format"; }
      grep -qF "$title" "$f" || fail "$f: no title '$title'"
      grep -q 'no pictures of the canvas\|캔버스 화면이 없습니다' "$f" || fail "$f: no note that it has no pictures"
      grep -q 'no pictures of the canvas\|캔버스 화면이 없습니다' "$out/err.txt" || fail "$f: stderr does not say there is no display"
      questions=$(grep -c '^\[step.question\]' "$lesson" || true)
      if (( questions > 0 )); then
        [[ $(grep -o '\(Question\|질문\) [0-9]*\.' "$f" | wc -l) == "$questions" ]] || fail "$f: expected $questions questions"
        grep -q '^## \(Answers\|정답\)\|<section class="answers">' "$f" || fail "$f: no answers page"
        ! grep -q '^[0-9]*\. \*\*?\*\*\|<li><b>?</b>' "$f" || fail "$f: an answer could not be read from the run"
      fi
      if grep -q '^objectives = ' "$lesson"; then
        grep -q '^## \(Objectives\|학습 목표\)\|<h2>\(Objectives\|학습 목표\)</h2>' "$f" || fail "$f: no objectives"
      fi
      if [[ $format == md ]]; then
        [[ $(grep -c '^## \(Step\|단계\) ' "$f") == "$steps" ]] || fail "$f: expected $steps steps"
        grep -q '^## \(Glossary\|용어\)' "$f" || fail "$f: no glossary"
        grep -q '^## \(In real life\|실제 환경에서는\)' "$f" || fail "$f: no 'in real life' note"
      else
        [[ $(grep -o '<section class="step">' "$f" | wc -l) == "$steps" ]] || fail "$f: expected $steps steps"
        grep -q '<section class="glossary">' "$f" || fail "$f: no glossary"
        ! grep -q 'src="[^d]' "$f" || fail "$f: refers to a file outside itself"
      fi
      n=$((n + 1))
    done
  done
done
# A number answer carries the unit its question asks for.
grep -q '^1\. \*\*80 ms\*\* ' 01c-*-en.md || fail "01c-en.md: the handshake's answer has no unit"
grep -q '^1\. \*\*80 ms\*\* ' 01c-*-ko.md || fail "01c-ko.md: the handshake's answer has no unit"
grep -q '<li><b>160 ms</b>' 01c-*-en.html || fail "01c-en.html: the TLS 1.2 handshake's answer has no unit"
# The line a number is written on says its unit, on paper as in the window.
grep -q '^______________________ ms$' 01c-*-en.md || fail "01c-en.md: the blank for a number has no unit"
grep -q '<span class="blank"></span> 일</p>' 04-certificate-renewal-ko.html \
  || fail "04-ko.html: the blank for the days left has no unit"
echo "handout: $n handouts without a display"

# The answers sit on a page of their own when printed.
grep -q '.answers { page-break-before: always; break-before: page; }' 01-https-request-en.html \
  || fail "01-https-request-en.html: the answers do not start a new page"

# Code in a lesson's text is set as code in HTML, as the window draws it, not as typed backticks.
for f in 03-no-sni-en.html 03-no-sni-ko.html; do
  grep -q '<code>curl --resolve api.example.test:443:203.0.113.10</code>' "$f" || fail "$f: code not set as <code>"
  ! grep -q '`curl' "$f" || fail "$f: a backtick shown as typed"
done

# The glossary speaks the handout's language.
grep -q 'SNI(Server Name Indication)' 03-no-sni-ko.md || fail "03-no-sni-ko.md: no Korean SNI entry"
grep -q 'A TLS extension in the ClientHello' 03-no-sni-en.md || fail "03-no-sni-en.md: no English SNI entry"

# A worksheet: a step with a question shows the question alone; what the step shows (its text,
# which says the answer: "here with 30 of 90 days to go") follows the answer on the answers page.
before_answers() { sed -n "1,/$2/p" "$1"; }
grep -q 'here with 30 of 90 days to go' <(before_answers 04-certificate-renewal-en.md '^## Answers') \
  || fail "04-en.md: the step's text is not beside its question in a plain handout"
for lang in en ko; do
  for format in md html; do
    f="ws-$lang.$format"
    env -u DISPLAY -u WAYLAND_DISPLAY "$bin" handout 04-certificate-renewal --worksheet --format "$format" \
      --lang "$lang" -o "$f" > /dev/null 2>&1 || fail "handout --worksheet $lang $format"
    heading='^## \(Answers\|정답\)'; [[ $format == html ]] && heading='<section class="answers">'
    text='here with 30 of 90 days to go'; [[ $lang == ko ]] && text=$(grep -o '여기서는 [^.]*' \
      "$src/assets/lessons/04-certificate-renewal.toml" | head -1)
    [[ -n "$text" ]] || fail "04-certificate-renewal.toml: no Korean step text to look for"
    ! grep -qF "$text" <(before_answers "$f" "$heading") || fail "$f: a question's step text before the answers"
    grep -qF "$text" "$f" || fail "$f: the step's text is not on the answers page"
    grep -q 'Write your answer first\|먼저 답을 적으세요' "$f" || fail "$f: no note where the step's text was"
    grep -q '### Step 2\|### 단계 2\|<h3>Step 2</h3>\|<h3>단계 2</h3>' "$f" || fail "$f: the answers do not name the step"
  done
done

# Under Xvfb: the canvas at every step, and the sequence diagram where the step is on a connection.
# A headless build (no GUI) has no pictures to draw: its handout says so, which the part above checked.
if "$bin" --version | grep -q "Dear ImGui"; then
  steps=$(grep -c '^\[\[step\]\]' "$src/assets/lessons/03-no-sni.toml")
  xvfb-run -a -s "-screen 0 1600x900x24" "$bin" handout 03-no-sni --format html -o shots.html > /dev/null
  [[ $(grep -o 'src="data:image/png;base64,' shots.html | wc -l) -ge $((steps + 1)) ]] \
    || fail "shots.html: expected the canvas at $steps steps and a sequence diagram"
  ! grep -q 'no pictures of the canvas' shots.html || fail "shots.html: says it has no pictures"
  xvfb-run -a -s "-screen 0 1600x900x24" "$bin" handout 03-no-sni --format md --lang ko -o shots.md > /dev/null
  [[ $(ls shots-images/step-*-canvas.png | wc -l) == "$steps" ]] || fail "shots.md: expected $steps canvas images"
  grep -q '](shots-images/step-01-canvas.png)' shots.md || fail "shots.md: does not link its first image"
  python3 "$src/tests/app/png_check.py" shots-images/step-01-canvas.png 0 0 32

else
  xvfb-run -a -s "-screen 0 1600x900x24" "$bin" handout 03-no-sni --format html -o shots.html > /dev/null 2>&1
  grep -q 'no pictures of the canvas' shots.html || fail "shots.html: a headless build's handout does not say it has no pictures"
fi

# The HTML opens in headless Chromium (a page drawn, not an error page).
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || fail "no Chromium to open the HTML in (scripts/setup-deps.sh installs chromium)"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,1200 \
  --screenshot="$out/page.png" "file://$out/shots.html" > /dev/null 2>&1 || fail "chromium could not open shots.html"
python3 "$src/tests/app/png_check.py" "$out/page.png" 900 1200 32
