# `cmake --install` puts deploysim in bin/ and its assets in share/deploysim/; the installed
# program, run from another directory, finds them there and not in the source tree.
set -euo pipefail
bin="$1"
build="$(cd "$(dirname "$bin")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/usr" >/dev/null
unset DEPLOYSIM_ASSETS
cd "$tmp"
installed="$tmp/usr/bin/deploysim"
test -x "$installed"
test -f "$tmp/usr/share/deploysim/sources.toml"
"$installed" --version | grep -qx "assets: $tmp/usr/share/deploysim"
test "$("$installed" lessons | wc -l)" -ge 21
# To a file first: grep -q stops reading at its match, and the tour would end on SIGPIPE.
"$installed" tour 01 --no-pause --lang ko > "$tmp/tour.out"
grep -q "실제 환경에서는" "$tmp/tour.out"
"$installed" run "$tmp/usr/share/deploysim/scenarios/basic-https.toml" --summary | grep -q availability
# With the share directory gone, the program says where it looked instead of crashing.
mv "$tmp/usr/share/deploysim" "$tmp/usr/share/moved"
DEPLOYSIM_ASSETS="$tmp/usr/share/moved" "$installed" lessons | grep -q "01-https-request"
echo "install_tree: ok"
