#!/usr/bin/env bash
# The Debian package, as a teacher installs it on a lab PC: cpack builds the .deb from a build
# directory, lintian finds no error in it, dpkg installs it, deploysim runs from another
# directory (its assets found in /usr/share/deploysim, the man page and menu entry in place),
# and dpkg removes it again. Run by scripts/test.sh; needs root or sudo.
#   tests/package/deb.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
# A deploysim installed already would be replaced and then removed: the test fails rather than
# pass without having installed anything.
if dpkg-query -W -f='${Status}' deploysim 2>/dev/null | grep -q "install ok installed"; then
  echo "package: FAIL: deploysim is installed on this machine already; not replacing it (dpkg -r deploysim to run this test)"
  exit 1
fi
installed=0
cleanup() {
  # A run stopped between dpkg -i and dpkg -r leaves no package behind to fail the next one.
  if [ "$installed" -eq 1 ]; then "${sudo[@]}" dpkg -r deploysim >/dev/null 2>&1 || true; fi
  rm -rf "$out"
}
out="$(mktemp -d)"; trap cleanup EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
# The man page it ships is English whoever built it.
"$(dirname "${BASH_SOURCE[0]}")/manpage.sh" "$build" | sed 's/^/package: /'
deb="$(ls "$out"/deploysim_*.deb)"
echo "package: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# lintian finds no error (run as root it says that is not recommended: not about the package).
if ! lintian --fail-on error "$deb" >"$out/lintian.txt" 2>&1; then
  echo "package: lintian reports an error:"; cat "$out/lintian.txt"; exit 1
fi
grep -v "root privileges" "$out/lintian.txt" | sed 's/^/package: lintian: /' || true
echo "package: lintian reports no error"

fail() { echo "package: $*"; exit 1; }  # cleanup removes the package
installed=1
"${sudo[@]}" dpkg -i "$deb" >/dev/null || fail "dpkg -i failed (a dependency missing?)"
mkdir -p "$out/elsewhere" && cd "$out/elsewhere"
version="$(/usr/bin/deploysim --version)" || fail "deploysim --version failed"
echo "$version" | grep -q "^deploysim " || fail "unexpected --version output: $version"
echo "$version" | grep -q "assets: /usr/share/deploysim" || fail "the installed program does not use /usr/share/deploysim: $version"
tour="$(env -u DISPLAY -u WAYLAND_DISPLAY HOME="$out/home" deploysim tour 01-https-request)" || fail "the terminal tour failed"
echo "$tour" | grep -q "ClientHello" || fail "the tour did not narrate the handshake"
ko="$(env -u DISPLAY HOME="$out/home" deploysim tour 03-no-sni --lang ko)" || fail "the Korean tour failed"
# The lesson's Korean title (Hangul), which an English tour would not print.
title_ko="$(sed -n 's/^title_ko = "\(.*\)"$/\1/p' /usr/share/deploysim/lessons/03-no-sni.toml)"
echo "$title_ko" | LC_ALL=C.UTF-8 grep -qP '\p{Hangul}' || fail "no Korean title in 03-no-sni.toml: '$title_ko'"
echo "$ko" | grep -qF "== $title_ko ==" || fail "the Korean tour does not show the lesson's Korean title '$title_ko'"
for f in /usr/share/man/man1/deploysim.1.gz /usr/share/applications/deploysim.desktop \
  /usr/share/icons/hicolor/scalable/apps/deploysim.svg /usr/share/doc/deploysim/copyright; do
  [ -f "$f" ] || fail "$f is not installed"
done
zcat /usr/share/man/man1/deploysim.1.gz | grep -q '^\.SS tour' || fail "the man page has no section for 'tour'"
echo "package: installed; deploysim --version, an English and a Korean tour ran from $(pwd)"
"${sudo[@]}" dpkg -r deploysim >/dev/null || fail "dpkg -r failed"
installed=0
[ ! -e /usr/bin/deploysim ] && [ ! -e /usr/share/deploysim ] || fail "dpkg -r left files behind"
echo "package: removed again; nothing left in /usr/bin or /usr/share/deploysim"
