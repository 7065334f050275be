#!/usr/bin/env bash
# The man page is the same whoever builds the package: the one in BUILD_DIR (what cpack ships)
# equals one made by a Korean user (LANG=ko_KR.UTF-8, and settings that say "ko"), which
# deploysim would otherwise answer in Korean. Run by tests/package/deb.sh; needs help2man.
#   tests/package/manpage.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shipped="$build/packaging/deploysim.1.gz"
[ -s "$shipped" ] || { echo "manpage: no $shipped (build the package_files target)"; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/.config/deploysim"
echo '{"language": "ko"}' > "$tmp/home/.config/deploysim/settings.json"
# (A sanitizer build's leak report at exit would fail the command, as in packaging/package.cmake.)
env -u LC_ALL -u LC_MESSAGES -u XDG_CONFIG_HOME ASAN_OPTIONS=detect_leaks=0 HOME="$tmp/home" LANG=ko_KR.UTF-8 \
  bash "$src/packaging/manpage.sh" "$build/app/deploysim" "$tmp/korean.1"
zcat "$shipped" > "$tmp/shipped.1"
if ! diff -u "$tmp/shipped.1" "$tmp/korean.1" > "$tmp/diff"; then
  echo "manpage: a Korean user's build of the man page differs from the shipped one:"; head -n 40 "$tmp/diff"; exit 1
fi
sections="$(grep -c '^\.SS' "$tmp/shipped.1")"
grep -q '^\.SS tour' "$tmp/shipped.1" || { echo "manpage: no section for 'tour'"; exit 1; }
! grep -q '??' "$tmp/shipped.1" || { echo "manpage: text lost to question marks"; exit 1; }
echo "manpage: the same English page ($sections sections) under a Korean locale and settings"
