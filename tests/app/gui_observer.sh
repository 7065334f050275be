#!/usr/bin/env bash
# The "Observer view" panel (issue #18): under Xvfb a script opens the ECH scenario,
# selects the browser's DNS query, brings the Observer tab to the front in English, in Korean and
# in presenter mode, and captures its window each time; each capture is drawn (not blank), and the
# Observer tab draws something else than the Sequence tab in the same window.
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"
fail() { echo "FAIL: $*"; cat "$out/out.txt" 2>/dev/null; exit 1; }
cat > "$out/s.txt" <<SCRIPT
open $src/assets/scenarios/encrypted-client-hello.toml
select 1
tab Sequence
frames 3
capture Details $out/sequence.png
tab Observer
frames 3
capture Details $out/observer-en.png
language ko
frames 3
capture Details $out/observer-ko.png
presenter on
tab Observer
frames 3
capture Details $out/observer-presenter.png
state
SCRIPT
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$out/s.txt" > "$out/out.txt" 2>&1 || fail "script exited $?"
for f in sequence observer-en observer-ko observer-presenter; do
  python3 "$src/tests/app/png_check.py" "$out/$f.png" 0 0 16 > /dev/null || fail "$f.png is blank"
done
! cmp -s "$out/sequence.png" "$out/observer-en.png" || fail "the Observer tab draws the same as the Sequence tab"
! cmp -s "$out/observer-en.png" "$out/observer-ko.png" || fail "the Korean table looks like the English one"
grep -q '^state' "$out/out.txt" || fail "no state line"
echo ok
