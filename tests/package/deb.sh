#!/usr/bin/env bash
# The Debian package, as a teacher installs it on a lab PC: cpack builds the .deb from a build
# directory, lintian finds no error in it, dpkg installs it, deploysim runs from another
# directory (its assets found in /usr/share/deploysim, the man page and menu entry in place),
# and dpkg removes it again. Run by scripts/test.sh; needs root or sudo.
#   tests/package/deb.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
if dpkg-query -W -f='${Status}' deploysim 2>/dev/null | grep -q "install ok installed"; then
  echo "package: deploysim is installed on this machine already; not replacing it (dpkg -r deploysim to run this test)"
  exit 0
fi
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb="$(ls "$out"/deploysim_*.deb)"
echo "package: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# lintian finds no error (run as root it says that is not recommended: not about the package).
if ! lintian --fail-on error "$deb" >"$out/lintian.txt" 2>&1; then
  echo "package: lintian reports an error:"; cat "$out/lintian.txt"; exit 1
fi
grep -v "root privileges" "$out/lintian.txt" | sed 's/^/package: lintian: /' || true
echo "package: lintian reports no error"

fail() { echo "package: $*"; "${sudo[@]}" dpkg -r deploysim >/dev/null 2>&1 || true; exit 1; }
"${sudo[@]}" dpkg -i "$deb" >/dev/null || fail "dpkg -i failed (a dependency missing?)"
mkdir -p "$out/elsewhere" && cd "$out/elsewhere"
version="$(/usr/bin/deploysim --version)" || fail "deploysim --version failed"
echo "$version" | grep -q "^deploysim " || fail "unexpected --version output: $version"
echo "$version" | grep -q "assets: /usr/share/deploysim" || fail "the installed program does not use /usr/share/deploysim: $version"
tour="$(env -u DISPLAY -u WAYLAND_DISPLAY HOME="$out/home" deploysim tour 01-https-request)" || fail "the terminal tour failed"
echo "$tour" | grep -q "ClientHello" || fail "the tour did not narrate the handshake"
ko="$(env -u DISPLAY HOME="$out/home" deploysim tour 03-no-sni --lang ko)" || fail "the Korean tour failed"
echo "$ko" | grep -q "SNI" || fail "the Korean tour is missing its text"
for f in /usr/share/man/man1/deploysim.1.gz /usr/share/applications/deploysim.desktop \
  /usr/share/icons/hicolor/scalable/apps/deploysim.svg /usr/share/doc/deploysim/copyright; do
  [ -f "$f" ] || fail "$f is not installed"
done
zcat /usr/share/man/man1/deploysim.1.gz | grep -q '^\.SS tour' || fail "the man page has no section for 'tour'"
echo "package: installed; deploysim --version, an English and a Korean tour ran from $(pwd)"
"${sudo[@]}" dpkg -r deploysim >/dev/null || fail "dpkg -r failed"
[ ! -e /usr/bin/deploysim ] && [ ! -e /usr/share/deploysim ] || fail "dpkg -r left files behind"
echo "package: removed again; nothing left in /usr/bin or /usr/share/deploysim"
