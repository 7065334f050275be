#!/usr/bin/env bash
# The page in headless Chromium (SwiftShader WebGL 2) from a local server, driven by a scripted
# session (tests/web/session.script: the first lesson, step to the ClientHello, its bytes in the
# inspector, then Korean), in English and in a Korean browser. Fails on a console error, an
# uncaught exception, a blank screenshot (tests/web/browser.sh), and when the session does not
# show what a learner would see: the ClientHello selected, its recorded bytes labelled as such,
# the capture saved for Wireshark arriving as a download that tshark decrypts, a broken file and a
# lesson with its scenario (dragged onto the page) named as the user knows them, a what-if saved
# as a download, the fonts' licences beside the page; and a reload that keeps the learner's
# choices; and a browser without WebGL 2 told so.
# Screenshots go to build/web/shots.
#   tests/web/page.sh PAGE_DIR SOURCE_DIR
set -euo pipefail
page="$1"; src="$2"
# A teacher's lesson and its scenario, from the user's disk together: the lesson finds it beside it.
handout="$(mktemp -d)"; trap 'rm -rf "$handout"' EXIT
sed 's/^scenario = "basic-https.toml"/scenario = "our-api.toml"/' "$src/assets/lessons/01-https-request.toml" \
  > "$handout/our-lesson.toml"
sed 's/^name = "Basic HTTPS request"/name = "Our own API"/' "$src/assets/scenarios/basic-https.toml" \
  > "$handout/our-api.toml"
shots="$src/build/web/shots"
fail=0
# Every font the page ships (NanumGothic.ttf beside it, DejaVu in deploysim.data) and every
# library compiled into it has its licence beside it, as the program's and Dear ImGui's have.
for pair in "LICENSE.txt:MIT License" "LICENSE-imgui.txt:MIT License" \
  "LICENSE-NanumGothic.txt:SIL OPEN FONT LICENSE" "LICENSE-DejaVu.txt:Bitstream Vera" \
  "LICENSE-fmt.txt:Victor Zverovich" "LICENSE-tomlplusplus.txt:Mark Gillard" \
  "LICENSE-nlohmann-json.txt:Niels Lohmann" "LICENSE-CLI11.txt:Henry Schreiner" "LICENSE-stb.txt:Sean Barrett"; do
  file="${pair%%:*}" text="${pair#*:}"
  grep -q "$text" "$page/$file" 2>/dev/null || { echo "FAIL: the page has no $file (with \"$text\")"; fail=1; }
done
for lang in en ko; do
  out="$shots/$lang"
  rm -rf "$out"; mkdir -p "$out"
  log="$out/test.log"
  if ! "$src/tests/web/browser.sh" "$page" "$src/tests/web/session.script" "$out" --lang "$lang" \
    --serve "$src/tests/scenarios/broken/bad-duration.toml" --serve "$handout/our-api.toml" \
    --serve "$handout/our-lesson.toml" --query "file=bad-duration.toml" --drop 4:our-api.toml,our-lesson.toml \
    > "$log" 2>&1; then
    cat "$log"; echo "FAIL ($lang): the browser test failed"; fail=1; continue
  fi
  grep -E "^page: state |^first frame|^page: deploysim: first frame" "$log" | cut -c1-400
  states="$(grep '^page: state ' "$log")"
  hello="$(echo "$states" | sed -n 2p)"
  korean="$(echo "$states" | sed -n 3p)"
  [[ $(echo "$states" | sed -n 1p) == *"lesson=01-https-request lesson_step=1/"* ]] \
    || { echo "FAIL ($lang): the first lesson did not open: $(echo "$states" | sed -n 1p)"; fail=1; }
  recorded='inspector.source="Recorded by the desktop build with OpenSSL 3.'
  [ "$lang" = ko ] && recorded='inspector.source="데스크톱 빌드가 기록한 바이트입니다(OpenSSL 3.'
  [[ $hello == *"kind=tls.client_hello"* && $hello == *"inspector.message=ClientHello"* && \
     $hello == *"inspector.sni=api.example.test"* && $hello == *"$recorded"* ]] \
    || { echo "FAIL ($lang): no recorded ClientHello in the inspector: $hello"; fail=1; }
  # "Save for Wireshark": the recorded connection arrives as a download that tshark decrypts by itself.
  capture="deploysim-api.example.test-tls13.pcapng"
  # Named as it arrives in the downloads, not by the page's own folder.
  saved='status="saved for Wireshark: '"$capture"'"'
  [ "$lang" = ko ] && saved='status="Wireshark용으로 저장했습니다: '"$capture"'"'
  [[ $hello == *"$saved"* ]] || { echo "FAIL ($lang): no status naming the capture: $hello"; fail=1; }
  if [ ! -s "$out/downloads/$capture" ]; then
    echo "FAIL ($lang): the capture did not arrive in the downloads"; fail=1
  elif command -v tshark >/dev/null; then
    req=$(HOME="$out" tshark -r "$out/downloads/$capture" -Y "http2.type == 1" -T fields -e http2.headers.method \
          -e http2.headers.authority -e http2.headers.status 2>/dev/null)
    [ "$req" = "$(printf 'GET\tapi.example.test\t\n\t\t200')" ] ||
      { echo "FAIL ($lang): tshark does not decrypt the downloaded capture: '$req'"; fail=1; }
  fi
  [[ $korean == *"language=ko"* && $korean == *'inspector.source="데스크톱 빌드가 기록한 바이트입니다(OpenSSL 3.'* ]] \
    || { echo "FAIL ($lang): the Korean inspector: $korean"; fail=1; }
  broken="$(echo "$states" | sed -n 4p)"
  [[ $broken == *'error="bad-duration.toml:4:12: '* && $broken == *"records=68 "* && \
     $broken == *"lesson=01-https-request"* ]] \
    || { echo "FAIL ($lang): a broken file: the located error, and what was open stays: $broken"; fail=1; }
  together="$(echo "$states" | sed -n 5p)"
  [[ $together == *"lesson=our-lesson lesson_step=1/"* && $together == *'scenario="Our own API"'* ]] \
    || { echo "FAIL ($lang): a lesson dropped with its scenario opens on it: $together"; fail=1; }
  # The user's files are named as the user knows them, not by the page's folders.
  [[ "$broken$together" != *"/.glfw_dropped_files"* && "$broken$together" != *"/uploads"* ]] \
    || { echo "FAIL ($lang): a file from the user's disk shown by the page's own path: $broken $together"; fail=1; }
  # File > Save what-if: the what-if arrives as a download, the change noted in it (in Korean by
  # then: `workers = 1  # 가정 실험: 원래 값 2`).
  whatif="$out/downloads/our-api-whatif.toml"
  if [ ! -s "$whatif" ]; then
    echo "FAIL ($lang): the saved what-if did not arrive in the downloads: $(echo "$states" | sed -n 6p | cut -c1-300)"; fail=1
  elif ! grep -q '^workers = 1  # .* 2$' "$whatif" || ! grep -q '^name = "Our own API"$' "$whatif"; then
    echo "FAIL ($lang): the downloaded what-if is not the scenario with its change: $(head -c 300 "$whatif")"; fail=1
  fi
  saved_whatif="$(echo "$states" | sed -n 6p)"
  [[ $saved_whatif == *'our-api-whatif.toml'* && $saved_whatif != *"/downloads"* ]] \
    || { echo "FAIL ($lang): the saved what-if's status names the page's folder: $(echo "$saved_whatif" | grep -o 'status="[^"]*"')"; fail=1; }
  for png in 01-lesson.png 02-client-hello.png 03-korean.png 04-broken-file.png page.png; do
    [ -s "$out/$png" ] || { echo "FAIL ($lang): no $png"; fail=1; }
  done
done
# A reload keeps what the learner chose: a question answered, Korean, a faster playback. The
# page keeps them in the browser's storage while it runs (the test reloads it mid-session).
out="$shots/reload"
rm -rf "$out"; mkdir -p "$out"
if ! "$src/tests/web/browser.sh" "$page" "$src/tests/web/keep-1.script" "$out" --query keep=1 \
  --until-stored '"language": *"ko".*"03-no-sni".*"speed": *10\b' --then "$src/tests/web/keep-2.script" \
  > "$out/test.log" 2>&1; then
  cat "$out/test.log"; echo "FAIL (reload): the browser test failed"; fail=1
else
  after="$(grep '^page: state ' "$out/test.log" | tail -n1)"
  echo "$after" | cut -c1-300
  [[ $after == *"language=ko"* && $after == *" speed=10 "* && $after == *'outline="1/2 정답"'* ]] ||
    { echo "FAIL (reload): the choices did not survive the reload: $after"; fail=1; }
  [ -s "$out/05-after-reload.png" ] || { echo "FAIL (reload): no 05-after-reload.png"; fail=1; }
fi
# A browser whose WebGL 2 cannot start (Chromium with its 3D APIs off) is told so in its language,
# not left with a blank page.
for lang in en ko; do
  out="$shots/no-webgl-$lang"
  rm -rf "$out"; mkdir -p "$out"
  want="This browser has no WebGL 2"; [ "$lang" = ko ] && want="WebGL 2를 지원하지 않아"
  DEPLOYSIM_CHROMIUM_FLAGS=--disable-3d-apis "$src/tests/web/browser.sh" "$page" "$src/tests/web/session.script" \
    "$out" --lang "$lang" --timeout 60 --expect-status "$want" > "$out/test.log" 2>&1 ||
    { cat "$out/test.log"; echo "FAIL (no WebGL, $lang): the page does not say why it has no window"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "page test: passed (screenshots in $shots)"
exit "$fail"
