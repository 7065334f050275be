#!/usr/bin/env bash
# `deploysim run`: every shipped scenario runs; --narrate tells the journey in English and
# Korean; --summary prints the metrics table; --metrics-json writes valid JSON; the same seed
# gives the same output; bad input exits 2 with a located message.
set -u
bin="$1"
src="$2"
fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
scen="$src/assets/scenarios"

expect_contains() {  # file, text, label
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $3: output lacks: $2"
    fail=1
  fi
}

for f in "$scen"/*.toml; do
  if ! "$bin" run "$f" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: run $f: $(cat "$tmp/err")"
    fail=1
  fi
done

"$bin" run "$scen/basic-https.toml" --narrate >"$tmp/narrate" 2>"$tmp/err" || { echo "FAIL: --narrate: $(cat "$tmp/err")"; fail=1; }
expect_contains "$tmp/narrate" "what is the IP address of api.example.test" "narrate en"
expect_contains "$tmp/narrate" "SNI api.example.test" "narrate en"
expect_contains "$tmp/narrate" "X-Forwarded-Proto https" "narrate en"
expect_contains "$tmp/narrate" "in its cache" "narrate en (warm resolver cache)"
expect_contains "$tmp/narrate" "reuses its open" "narrate en (keep-alive)"
if grep -q '{[a-z_]*}' "$tmp/narrate"; then echo "FAIL: unfilled placeholder in narration"; fail=1; fi
first_line="$(head -1 "$tmp/narrate")"
[[ "$first_line" == *"0 s"*"client"*"laptop wants https://api.example.test/items/1"* ]] || { echo "FAIL: first narrated line: $first_line"; fail=1; }

"$bin" run "$scen/basic-https.toml" --narrate --lang ko >"$tmp/ko" || fail=1
expect_contains "$tmp/ko" "퍼블릭 IP를 반환합니다" "narrate ko"

"$bin" run "$scen/no-sni.toml" --narrate --variant "strict SNI" >"$tmp/strict" || fail=1
expect_contains "$tmp/strict" "unrecognized_name (112)" "strict SNI variant"
"$bin" run "$scen/no-sni.toml" --narrate >"$tmp/nosni" || fail=1
expect_contains "$tmp/nosni" "bad_certificate (42)" "no SNI"

"$bin" run "$scen/loaded-workers.toml" --summary --metrics-json "$tmp/m.json" >"$tmp/summary" || fail=1
expect_contains "$tmp/summary" "p99" "summary"
expect_contains "$tmp/summary" "queue" "summary"
expect_contains "$tmp/summary" "api/worker-1" "summary"
python3 - "$tmp/m.json" <<'PY' || { echo "FAIL: metrics JSON"; fail=1; }
import json, sys
m = json.load(open(sys.argv[1]))
assert m["schema"] == "deploysim-metrics/1"
assert m["requests"] == m["succeeded"] + sum(m["failures"].values()) + m["in_flight"]
assert m["latency_ns"]["total"]["p99"] >= m["latency_ns"]["total"]["p50"] > 0
assert "api/worker-1" in m["worker_utilisation"]
PY

"$bin" run "$scen/basic-https.toml" --trace-json "$tmp/t.json" >"$tmp/out" || fail=1
python3 - "$tmp/t.json" "$tmp/out" <<'PY' || { echo "FAIL: trace JSON"; fail=1; }
import json, sys
t = json.load(open(sys.argv[1]))
assert t["schema"] == "deploysim-trace/1"
kinds = [r["kind"] for r in t["records"]]
assert kinds[0] == "client.request" and "tls.client_hello" in kinds and kinds.count("client.response") == 4, kinds
assert t["fingerprint"] in open(sys.argv[2]).read()
PY

"$bin" run "$scen/loaded-workers.toml" --seed 9 >"$tmp/a" || fail=1

"$bin" run "$scen/loaded-workers.toml" --seed 9 >"$tmp/b" || fail=1
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: same seed, different output"; fail=1; }
"$bin" run "$scen/loaded-workers.toml" --seed 10 >"$tmp/c" || fail=1
cmp -s "$tmp/a" "$tmp/c" && { echo "FAIL: another seed, same output"; fail=1; }
"$bin" run "$scen/loaded-workers.toml" --until 10s >"$tmp/u" || fail=1
expect_contains "$tmp/u" "10 s)" "--until"

check_bad() {  # label, expected stderr text, args...
  local label="$1" want="$2"
  shift 2
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -ne 2 ]]; then echo "FAIL: $label: exit $rc, expected 2"; fail=1; fi
  if ! grep -qF -- "$want" "$tmp/err"; then echo "FAIL: $label: stderr lacks '$want': $(cat "$tmp/err")"; fail=1; fi
}
printf '[scenario]\nname = "x"\ndurration = "1m"\n' >"$tmp/bad.toml"
check_bad "unknown key" "$tmp/bad.toml:3:1:" run "$tmp/bad.toml"
check_bad "bad --until" "--until:1:1:" run "$scen/basic-https.toml" --until soon
check_bad "unknown variant" "no-such" run "$scen/basic-https.toml" --variant no-such
check_bad "bad --lang" "lang" run "$scen/basic-https.toml" --lang fr
check_bad "missing file" "$tmp/none.toml" run "$tmp/none.toml"

# --summary counts the run's events as `check` does for a lesson on the same run (the trace's
# records), under a head of its own, in English and Korean: a teacher quoting "this run has N
# events" gets one N (it printed the engine's 4449 dispatches where check said 7521 records).
"$bin" check "$src/assets/lessons/04-certificate-renewal.toml" >"$tmp/check" 2>&1 || { echo "FAIL: check lesson 04"; fail=1; }
records="$(grep -oE '[0-9]+ records' "$tmp/check" | grep -oE '[0-9]+')"
"$bin" run "$scen/cert-renewal.toml" --summary >"$tmp/sum-en" 2>&1 || { echo "FAIL: run --summary"; fail=1; }
if ! tail -2 "$tmp/sum-en" | head -1 | grep -qx 'Run' ||
  ! tail -1 "$tmp/sum-en" | grep -qE "^  events \(trace records\) +${records:-none}\$"; then
  echo "FAIL: --summary's events are not check's ${records:-?} records: $(tail -2 "$tmp/sum-en")"
  fail=1
fi
LANG=ko_KR.UTF-8 "$bin" run "$scen/cert-renewal.toml" --summary >"$tmp/sum-ko" 2>&1 || { echo "FAIL: --summary ko"; fail=1; }
if ! tail -1 "$tmp/sum-ko" | grep -qE "^  이벤트 \(트레이스 레코드\) +${records:-none}\$"; then
  echo "FAIL: Korean --summary's events: $(tail -2 "$tmp/sum-ko")"
  fail=1
fi

exit $fail
