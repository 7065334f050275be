#!/usr/bin/env bash
# Issue 16: the command line speaks the learner's language. Under LANG=ko_KR.UTF-8 (or --lang
# ko, or a language saved in the window's settings) every help page, CLI11's own words, a parse
# error, `check`, `run`, `run --summary`, `handshake` and a located error are Korean; the help's
# columns line up by display width; English stays English.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
unset LC_ALL LC_MESSAGES LANGUAGE XDG_CONFIG_HOME
fail() { echo "FAIL: $*"; exit 1; }
ko() { LANG=ko_KR.UTF-8 "$bin" "$@"; }

# Help pages: no CLI11 English chrome and no English description left, in every subcommand.
subs=$("$bin" --help | awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{print $1}')
[[ -n "$subs" ]] || fail "no subcommands in the English help"
for sub in "" $subs; do
  ko $sub --help > "$out/help.txt" || fail "ko $sub --help"
  # "{false}": CLI11's mark of a negated flag, which reads as if the option took a value.
  for english in "Usage:" "Options:" "Positionals:" "Subcommands:" "REQUIRED" " TEXT" "Print this help message" \
    "{false}" "{true}"; do
    ! grep -qF -- "$english" "$out/help.txt" || fail "'$english' in the Korean help of '$sub'"
  done
  grep -q "^사용법: " "$out/help.txt" || fail "no 사용법 in the Korean help of '$sub'"
  ! grep -qF '`' "$out/help.txt" || fail "a backtick in the Korean help of '$sub': $(grep -F '`' "$out/help.txt" | head -n 1)"
  # An option excluding only hidden ones would show an empty list and push its description down.
  ! grep -qE "함께 쓸 수 없음: *$" "$out/help.txt" || fail "an empty exclusion list in the help of '$sub'"
  # Every description starts in the same display column (Hangul is two columns wide).
  python3 - "$out/help.txt" <<'PY' || fail "the Korean help of '$sub' is not aligned"
import sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.startswith("  -") and not line.startswith("  ") or line.startswith("   "):
        continue
    head, sep, rest = line.partition("   ")
    if not sep or not rest.strip():
        continue
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head)
    cols.add(width + len(rest) - len(rest.lstrip(" ")) + 3)
sys.exit(0 if len(cols) <= 1 else 1)
PY
  # Every description says something in Korean: a text left as the English wrote it
  # ("full | outcomes | none") is a line the learner cannot read in the language asked for.
  python3 - "$out/help.txt" <<'PY' || fail "a help description of '$sub' has no Korean"
import re, sys
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not line.startswith("  ") or not line.strip():
        continue
    if line.startswith("   "):  # a description under a long option, on a line of its own
        desc = line.strip()
    else:
        head, sep, desc = line[2:].partition("  ")
        if not sep or not desc.strip():
            continue
    if not re.search(r"[\uac00-\ud7a3]", desc):
        print(line)
        sys.exit(1)
PY
done
ko run --help | grep -qF "트레이스에 기록할 수준: full(전체), outcomes(결과만), none(없음)" || fail "--trace-level's help"
# The English help is still English.
"$bin" run --help | grep -q "^Usage: " || fail "English help lost its Usage"

# A parse error, in Korean, with the hint to ask for help.
if ko run 2> "$out/err.txt"; then fail "run without a file succeeded"; fi
grep -q "꼭 주어야 하는 인자입니다" "$out/err.txt" || { cat "$out/err.txt"; fail "the missing-argument error is not Korean"; }
grep -q -- "--help로 실행해 보세요" "$out/err.txt" || fail "no Korean hint to ask for help"

# A value missing after an option names its kind in Korean, as the help does (not CLI11's TEXT, UINT).
if ko run x.toml --until 2> "$out/err.txt"; then fail "--until without a value succeeded"; fi
grep -qF -- "--until: 옵션 뒤에 값이 빠졌습니다 (텍스트 1개가 필요합니다)" "$out/err.txt" || { cat "$out/err.txt"; fail "missing --until value"; }
if ko run x.toml --seed 2> "$out/err.txt"; then fail "--seed without a value succeeded"; fi
grep -qF -- "--seed: 옵션 뒤에 값이 빠졌습니다 (0 이상의 정수 1개가 필요합니다)" "$out/err.txt" || { cat "$out/err.txt"; fail "missing --seed value"; }
! grep -qE "TEXT|UINT" "$out/err.txt" || fail "CLI11's type name in a Korean parse error"

# check: a file that is fine, and a located error (file:line:column kept, the message Korean).
ko check "$src/assets/scenarios/basic-https.toml" | grep -q "문제없음 (클라이언트 2개" || fail "check ok line"
if ko check "$src/tests/scenarios/broken/unknown-key.toml" 2> "$out/err.txt"; then fail "a broken file passed"; fi
grep -q "unknown-key.toml:28:1: \[\[service\]\]에 알 수 없는 키가 있습니다: 'wokers'" "$out/err.txt" ||
  { cat "$out/err.txt"; fail "the located error is not Korean"; }
LANG=ko_KR.UTF-8 "$bin" --lang en check "$src/tests/scenarios/broken/unknown-key.toml" > "$out/en.txt" 2>&1 || true
grep -q "unknown key 'wokers'" "$out/en.txt" || { cat "$out/en.txt"; fail "--lang en does not make the error English"; }

# run: its line and the summary table.
ko run "$src/assets/scenarios/basic-https.toml" | grep -q "레코드 68개, 지문 " || fail "run line"
ko run "$src/assets/scenarios/basic-https.toml" --summary > "$out/summary.txt"
for word in "지연 시간 (성공한 요청)" "보낸 바이트" "오류 예산 (SLO 99.9%, 응답받거나 실패한 요청 기준)" "시간대 60개, 각 1초"; do
  grep -qF "$word" "$out/summary.txt" || { cat "$out/summary.txt"; fail "summary lacks '$word'"; }
done
! grep -q "Latency\|bytes sent\|Error budget" "$out/summary.txt" || fail "English left in the summary"

# handshake: its own lines Korean, OpenSSL's texts as OpenSSL prints them.
ko handshake --expired > "$out/hs.txt" || true
# OpenSSL's own words as it prints them, glossed in Korean.
grep -q "^결과: 실패  검증 오류 10: certificate has expired(인증서가 만료됨)  경고(alert) certificate expired(만료된 인증서) (45)" \
  "$out/hs.txt" || { cat "$out/hs.txt"; fail "handshake outcome"; }
ko handshake > "$out/hs-ok.txt"
grep -q "검증: ok(통과) (0)$" "$out/hs-ok.txt" || { cat "$out/hs-ok.txt"; fail "the verify result of a handshake that succeeds"; }
grep -qF "HTTP 요청과 응답: h2 GET https://api.example.test/ -> :status 200" "$out/hs-ok.txt" ||
  { cat "$out/hs-ok.txt"; fail "the HTTP line of a handshake"; }
# A file it cannot write: said in Korean, the system's reason as it gives it, glossed.
if ko handshake --pcap "$out/no-such-dir/x.pcap" > /dev/null 2> "$out/err.txt"; then fail "an unwritable pcap succeeded"; fi
grep -qF "x.pcap에 쓸 수 없습니다 (운영 체제가 알린 이유: No such file or directory(그런 파일이나 폴더가 없음))" "$out/err.txt" ||
  { cat "$out/err.txt"; fail "the pcap write error is not Korean"; }
"$bin" --lang en handshake --expired > "$out/hs-en.txt" || true
grep -q "^outcome: FAILED  verify error 10 (certificate has expired)  alert certificate expired (45) sent" \
  "$out/hs-en.txt" || { cat "$out/hs-en.txt"; fail "English gained a gloss"; }
grep -q "ClientHello" "$out/hs.txt" || fail "message names are the protocol's"

# A graded goal names the cause of the failures in Korean words around it.
ko exercise cert-deploy-hook > "$out/grade.txt" || true
grep -qF "요청 2880개 중 1440개 실패 (원인: certificate_expired)" "$out/grade.txt" || { cat "$out/grade.txt"; fail "exercise grade"; }

# Runs of any size: the estimate counts in Korean units (만, 억; not "22 k"), the progress and
# the end of the run are Korean sentences, and Ctrl+C says where it stopped in Korean.
DEPLOYSIM_PROGRESS=always LANG=ko_KR.UTF-8 "$bin" run "$src/assets/scenarios/loaded-workers.toml" \
  > /dev/null 2> "$out/progress.txt"
tr '\r' '\n' < "$out/progress.txt" > "$out/progress-lines.txt"
grep -qE "^이번 실행: 이벤트 약 [0-9.]+만개, 전체\(full\) 수준의 트레이스는 레코드 약 [0-9.]+만개\(크기 " \
  "$out/progress-lines.txt" || { cat "$out/progress-lines.txt"; fail "the estimate's counts"; }
grep -qE "^1분 분량을 시뮬레이션했습니다. 걸린 시간 [0-9]+초, 이벤트 [0-9.]+만개\.$" "$out/progress-lines.txt" ||
  { cat "$out/progress-lines.txt"; fail "the end of the run"; }
! grep -qE "[0-9] (k|M|G)\b" "$out/progress-lines.txt" || fail "an English count in the Korean progress"
# The progress line is rewritten in place, padded over the previous one's tail in display
# columns (Hangul takes two columns in three bytes): padded by bytes, it overran the line.
python3 - "$out/progress.txt" <<'PY' || fail "the progress line is not padded by display width"
import sys, unicodedata
def cols(t):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in t)
text = open(sys.argv[1], encoding="utf-8", newline="").read()
line = [l for l in text.split("\n") if "\r" in l][-1]
segs = line.split("\r")[1:]
for prev, seg in zip(segs, segs[1:]):
    want = max(cols(prev.rstrip(" ")), cols(seg.rstrip(" ")))
    if cols(seg) != want:
        print(f"{seg!r}: {cols(seg)} columns, expected {want}")
        sys.exit(1)
PY
DEPLOYSIM_PROGRESS=always LANG=ko_KR.UTF-8 "$bin" run "$src/tests/scenarios/soak-year.toml" --until 30d \
  --max-trace-memory 64MiB > /dev/null 2> "$out/cancel.txt" &
pid=$!
for _ in $(seq 1 300); do
  grep -q "시뮬레이션 중: " "$out/cancel.txt" && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid" || true
tr '\r' '\n' < "$out/cancel.txt" > "$out/cancel-lines.txt"
grep -qE "^이번 실행: 이벤트 약 [0-9.]+억개, 트레이스 없이 지표만 기록합니다\.$" "$out/cancel-lines.txt" ||
  { cat "$out/cancel-lines.txt"; fail "the estimate of a long run"; }
grep -qE "^Ctrl\+C로 멈췄습니다\. 시뮬레이션할 30일 중 .+\([0-9.]+%\)까지 진행했습니다\.$" "$out/cancel-lines.txt" ||
  { cat "$out/cancel-lines.txt"; fail "the Korean Ctrl+C line"; }

# The lists: in both languages each title starts in one display column, whatever the length of
# an id or the width of a Korean topic.
for lang in en ko; do
  for list in "lessons" "exercise --list"; do
    "$bin" $list --lang $lang > "$out/list.txt"
    python3 - "$out/list.txt" <<'PY' || { cat "$out/list.txt"; fail "'$list --lang $lang' is not aligned"; }
import re, sys, unicodedata
starts = set()
for line in open(sys.argv[1], encoding="utf-8"):
    head = re.match(r"(.*  )\S", line.rstrip("\n"))  # the title follows the last gap of two spaces
    if not head:
        sys.exit(1)
    starts.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head.group(1)))
sys.exit(0 if len(starts) == 1 else 1)
PY
  done
done
"$bin" lessons --lang ko | grep -q "^06-start-on-boot  *부팅 시 시작  *부팅 시 자동 실행$" || fail "topic and title run together"

# --lang after a command that has no --lang of its own is the program's (import, check).
"$bin" import "$src/tests/import/compose-override" --lang ko -o "$out/imported.toml" > "$out/import.txt" 2>&1 \
  || { cat "$out/import.txt"; fail "import DIR --lang ko"; }
grep -q "^읽은 파일:" "$out/import.txt" || fail "import DIR --lang ko: the report is not Korean"
"$bin" check "$src/assets/scenarios/basic-https.toml" --lang ko | grep -q "문제없음" || fail "check FILE --lang ko"

# A port another program holds: the reason in Korean, with the system's own words kept.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -c 'import socket, sys, time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(30)' \
  "$port" & holder=$!
sleep 0.5
if ko serve "$src/assets/scenarios/basic-https.toml" --port "$port" > "$out/serve.txt" 2>&1; then
  kill "$holder"; fail "serve on a taken port succeeded"
fi
kill "$holder" 2>/dev/null || true
grep -qF "127.0.0.1:$port 포트에서 연결을 받을 수 없습니다 (운영 체제가 알린 이유: Address already in use(이미 다른 프로그램이 쓰는 주소))" \
  "$out/serve.txt" || fail "serve on a taken port, in Korean: $(cat "$out/serve.txt")"

# The language saved in the window's settings, when neither --lang nor the locale says one.
mkdir -p "$HOME/.config/deploysim"
printf '{"language": "ko"}\n' > "$HOME/.config/deploysim/settings.json"
LANG=C.UTF-8 "$bin" lessons | head -1 | grep -q "HTTPS 요청 하나의 여정" || fail "the saved language is not used"
LANG=C.UTF-8 "$bin" --help | grep -q "^사용법: " || fail "the saved language does not reach the help"
LANG=C.UTF-8 "$bin" lessons --lang en | head -1 | grep -q "The journey of one HTTPS request" || fail "--lang over the saved one"
echo "korean_cli: all good"
