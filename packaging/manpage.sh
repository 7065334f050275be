#!/usr/bin/env bash
# Writes deploysim.1 from the program's own help (help2man), with a section per subcommand from
# `deploysim SUBCOMMAND --help`, so the man page never disagrees with --help.
#   packaging/manpage.sh BINARY OUT.1
set -euo pipefail
bin="$1" out="$2"
extra="$(mktemp)"; trap 'rm -f "$extra"' EXIT
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  echo "[SUBCOMMANDS]"
  for sub in $("$bin" --help | awk '/^Subcommands:/ {on=1; next} on && NF {print $1}'); do
    echo ".SS $sub"
    echo ".nf"
    "$bin" "$sub" --help | sed -e "s|^Usage: [^ ]*deploysim|Usage: deploysim|" | roff
    echo ".fi"
  done
  echo "[FILES]"
  echo ".TP"
  echo ".I /usr/share/deploysim"
  echo "Scenarios, lessons, narration (English and Korean) and the source catalogue."
  echo ".TP"
  echo ".I ~/.config/deploysim/settings.json"
  echo "The GUI's settings (language, presenter mode, font scale, lesson progress)."
} > "$extra"
help2man --no-info --section=1 --name="teach how a web application is deployed, step by step" \
  --version-string="$("$bin" --version | head -n 1)" --include="$extra" --output="$out" "$bin"
# help2man names the program by the path it ran; the page is about the installed command.
sed -i -e "s|$(dirname "$bin")/||g" "$out"
