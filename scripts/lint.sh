#!/usr/bin/env bash
# Style checks: .clang-format (120-column lines) over every C++ file, and with --tidy the
# .clang-tidy checks over every translation unit of the dev build (slow: about N minutes on
# 2 cores, so scripts/test.sh runs only the format check).
#   scripts/lint.sh            format check (fails and lists files that clang-format would change)
#   scripts/lint.sh --fix      reformat those files in place
#   scripts/lint.sh --tidy     format check, then clang-tidy (needs build/dev: cmake --preset dev)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
format="$(command -v clang-format-14 || command -v clang-format || true)"
[ -n "$format" ] || { echo "lint: clang-format is not installed (scripts/setup-deps.sh)"; exit 1; }

mapfile -t files < <(git ls-files '*.cpp' '*.hpp' | grep -v '^third_party/')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
unformatted=()
for f in "${files[@]}"; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "lint: clang-format would change ${#unformatted[@]} file(s) (scripts/lint.sh --fix):"
  printf '  %s\n' "${unformatted[@]}"
  exit 1
fi
# Characters, not bytes (Korean text is 3 bytes a character in UTF-8).
long="$(LC_ALL=C.UTF-8 grep -nP '^.{121,}' "${files[@]}" | cut -c1-160 || true)"
if [ -n "$long" ]; then
  echo "lint: lines over 120 columns:"
  echo "$long"
  exit 1
fi
echo "lint: format ok (${#files[@]} files)"

if [ "${1:-}" = "--tidy" ]; then
  tidy="$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)"
  [ -n "$tidy" ] || { echo "lint: run-clang-tidy is not installed"; exit 1; }
  [ -f build/dev/compile_commands.json ] || { echo "lint: configure the dev build first (cmake --preset dev)"; exit 1; }
  "$tidy" -p build/dev -quiet -j "$(nproc)" "$root/(sim|app|tests|bench)/.*\.cpp$"
  echo "lint: clang-tidy ok"
fi
