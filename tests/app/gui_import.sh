# File > Import... through the scripted driver under Xvfb (issue #20): a folder of Kubernetes
# manifests opens as a scenario (named, simulated, steppable, what-if settable) with the import
# report open (mapped, assumed and ignored entries); "Save scenario as..." writes what
# `deploysim import -o` writes; a broken file shows its file:line:column in the report and keeps
# the open scenario; the report window is captured in English and in Korean.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
cd "$src"  # the importer names files as given: tests/import/...
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui "$@"; }
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out/out.txt"; exit 1; }
state() { grep '^state' "$out/out.txt" | sed -n "${1}p"; }
fp() { sed -n 's/.* fingerprint=\([0-9a-f-]*\) .*/\1/p' <<<"$1"; }
num() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"; }
png_ok() { [[ -s $1 && $(head -c 8 "$1" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]]; }

cat > "$out/import.txt" <<SCRIPT
open assets/scenarios/basic-https.toml
state
import tests/import/k8s
state
capture ImportReport $out/report.png
step 5
state
set service.api.workers 1
state
save_import $out/saved.toml
state
import tests/import/broken
state
open $out/saved.toml
state
import_browse tests/import
frames 2
state
SCRIPT
run --script "$out/import.txt" > "$out/out.txt" 2>&1 || fail "gui exited $?"
s1=$(state 1); s2=$(state 2); s3=$(state 3); s4=$(state 4); s5=$(state 5); s6=$(state 6); s7=$(state 7); s8=$(state 8)
[[ $s1 == *'scenario="Basic HTTPS request"'* ]] || fail "setup: basic-https opens: $s1"
[[ $s2 == *'scenario="Imported deployment"'* && $s2 == *"import=ok import_files=4 "* && $s2 == *"import_report=open"* ]] \
  || fail "an imported folder opens as a scenario with its report: $s2"
for kind in mapped assumed ignored; do
  (( $(num "$s2" "import_$kind") > 0 )) || fail "the report has $kind entries: $s2"
done
[[ $s2 == *"import_errors=0"* && $s2 == *"workers.api=2"* && -n $(fp "$s2") && $s2 != *" error="* ]] \
  || fail "the imported run is simulated (2 workers from --workers 2): $s2"
png_ok "$out/report.png" || fail "the report window was not captured"
[[ $s3 == *"selected="[0-9]* && $s3 != *"state t=0.000000s"* ]] || fail "the imported run steps: $s3"
[[ $s4 == *"workers.api=1"* && $(fp "$s4") != $(fp "$s2") ]] || fail "the what-if changes the imported run: $s4"
"$bin" import tests/import/k8s -o "$out/cli.toml" > /dev/null || fail "deploysim import exited $?"
cmp -s "$out/saved.toml" "$out/cli.toml" || fail "Save scenario as writes what deploysim import writes"
[[ $s5 == *"status=\"Saved the imported scenario as $out/saved.toml\""* ]] || fail "saving says where: $s5"
[[ $s6 == *"import=failed"* && $s6 == *'import_error="tests/import/broken/bad-yaml/docker-compose.yml:7:6: '* ]] \
  || fail "a broken file's error is located in the report: $s6"
[[ $s6 == *'scenario="Imported deployment"'* && $(fp "$s6") == $(fp "$s4") && $s6 == *"import_report=open"* ]] \
  || fail "a failed import keeps what was open: $s6"
[[ $(fp "$s7") == $(fp "$s2") ]] || fail "the saved scenario loads to the imported run: $s2 / $s7"
n=$(ls tests/import | wc -l)
[[ $s8 == *"import_picker=\"$src/tests/import\" import_picker_entries=$n"* ]] || fail "the picker lists folders: $s8"

# In Korean: the report's words and the window's come from the Korean catalogues.
printf 'import tests/import/k8s\nstate\ncapture ImportReport %s\nimport tests/import/broken\nstate\n' \
  "$out/report-ko.png" > "$out/ko.txt"
run --lang ko --script "$out/ko.txt" > "$out/out.txt" 2>&1 || fail "gui --lang ko exited $?"
k1=$(state 1); k2=$(state 2)
[[ $k1 == *"language=ko"* && $k1 == *"import=ok"* && $k1 == *'status="파일 4개를 읽어 시나리오를 만들었습니다.'* ]] \
  || fail "the import speaks Korean: $k1"
[[ $k2 == *'import_error="tests/import/broken/bad-yaml/docker-compose.yml:7:6: YAML 문법 오류'* ]] \
  || fail "the located error reads in Korean: $k2"
png_ok "$out/report-ko.png" || fail "the Korean report window was not captured"

# Presenter mode switched on and off with the report open: the new layout's panels do not cover it.
printf 'import tests/import/k8s\nframes 2\nstate\npresenter on\nframes 3\nstate\npresenter off\nframes 3\nstate\n' \
  > "$out/presenter.txt"
run --script "$out/presenter.txt" > "$out/out.txt" 2>&1 || fail "gui (presenter) exited $?"
for i in 1 2 3; do
  [[ $(state $i) == *"import_report=open import_report_front=1"* ]] || fail "the report is under the panels ($i): $(state $i)"
done
echo "ok"
