#!/usr/bin/env bash
# Writes deploysim.1 from the program's own help (help2man), with a section per subcommand from
# `deploysim SUBCOMMAND --help`, so the man page never disagrees with --help.
#   packaging/manpage.sh BINARY OUT.1
set -euo pipefail
bin="$1" out="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
extra="$tmp/extra"
# The page is English whoever builds it: deploysim picks its language from --lang, else the
# settings (in HOME or XDG_CONFIG_HOME), else LC_ALL/LC_MESSAGES/LANG; so --lang en on every run,
# an empty HOME and the C locale (help2man's own text and sorting too).
mkdir "$tmp/home"
export HOME="$tmp/home" LC_ALL=C.UTF-8
unset XDG_CONFIG_HOME LANGUAGE LC_MESSAGES LANG
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  echo "[SUBCOMMANDS]"
  for sub in $("$bin" --lang en --help | awk '/^Subcommands:/ {on=1; next} on && NF {print $1}'); do
    echo ".SS $sub"
    echo ".nf"
    "$bin" --lang en "$sub" --help | sed -e "s|^Usage: [^ ]*deploysim|Usage: deploysim|" | roff
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
help2man --no-info --section=1 --help-option="--lang en --help" --name="teach how a web application is deployed, step by step" \
  --version-string="$("$bin" --lang en --version | head -n 1)" --include="$extra" --output="$out" "$bin"
# help2man names the program by the path it ran; the page is about the installed command.
sed -i -e "s|$(dirname "$bin")/||g" "$out"
