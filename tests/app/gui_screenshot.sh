# Issue 2: the window draws under Xvfb. `deploysim gui --frames N --screenshot` writes the last
# frame; it must be 1600x900 and not blank (menu bar and panels drawn).
set -euo pipefail
bin="$1"; src="$2"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
export HOME="$out/home"   # a test never writes into the user's home
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui --frames 3 --screenshot "$out/empty.png"
python3 "$src/tests/app/png_check.py" "$out/empty.png" 1600 900 20
xvfb-run -a -s "-screen 0 1600x900x24" "$bin" gui "$src/assets/scenarios/one-ip-two-domains.toml" --frames 3 \
  --screenshot "$out/scenario.png"
python3 "$src/tests/app/png_check.py" "$out/scenario.png" 1600 900 64
test ! -e "$HOME/.config/deploysim" || { echo "a --frames run wrote settings into HOME"; exit 1; }
