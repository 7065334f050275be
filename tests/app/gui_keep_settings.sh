#!/usr/bin/env bash
# `gui --script --keep-settings`: a script that plays a learner reads and keeps the settings and
# lesson progress (the browser's reload test drives the page this way); a plain script leaves
# them alone.
set -euo pipefail
bin="$1"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home" XDG_CONFIG_HOME="$out/config"
settings="$XDG_CONFIG_HOME/deploysim/settings.json"
fail() { echo "FAIL: $*"; echo "--- output"; cat "$out"/*.txt; exit 1; }
run() { xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --script "$@"; }

printf 'lesson 03-no-sni\nlesson answer 2\nlesson reveal\nframes 2\nlanguage ko\nkey plus\nkey plus\nquit\n' > "$out/learn.s"
printf 'lesson 03-no-sni\nstate\nquit\n' > "$out/look.s"

run "$out/learn.s" > "$out/plain.txt"
[ ! -e "$settings" ] || fail "a plain script wrote $settings"
run "$out/learn.s" --keep-settings > "$out/learn.txt"
[ -s "$settings" ] || fail "no $settings after a --keep-settings script"
grep -q '"language": "ko"' "$settings" || fail "the language was not kept: $(cat "$settings")"
run "$out/look.s" --keep-settings > "$out/look.txt"
after="$(grep '^state' "$out/look.txt")"
[[ $after == *"language=ko"* && $after == *" speed=10 "* && $after == *'outline="1/2 정답"'* ]] ||
  fail "the next run did not read them back: $after"
run "$out/look.s" > "$out/plain2.txt"
[[ "$(grep '^state' "$out/plain2.txt")" == *"language=en"* ]] || fail "a plain script read the settings"
echo "gui_keep_settings: kept and read back with --keep-settings, untouched without"
