# The headless build (DEPLOYSIM_GUI=OFF, for servers and CI): no window toolkit or GL linked, the
# bare command runs the first lesson as a terminal tour, and the CLI works as usual.
set -euo pipefail
bin="$1"
"$bin" --version | grep -q "headless build (no GUI)"
if command -v ldd >/dev/null; then
  if ldd "$bin" | grep -Ei 'libglfw|libGL|libOpenGL|libX11'; then
    echo "headless deploysim links a window or GL library" >&2
    exit 1
  fi
fi
out="$("$bin" </dev/null)"
grep -q "this build has no GUI" <<<"$out"
grep -q "== The journey of one HTTPS request ==" <<<"$out"
grep -q "In real life" <<<"$out"
"$bin" run "$2/assets/scenarios/basic-https.toml" --summary | grep -q "availability"
echo "headless_build: ok"
