#!/usr/bin/env bash
# Accepts an intended change to the golden traces: rebuilds test_golden in the dev build, reruns
# it with DEPLOYSIM_UPDATE_GOLDEN=1 (every tests/golden/*.txt rewritten, files of scenarios or
# variants that no longer exist deleted) and shows what changed. Read the diff before committing:
#   scripts/accept-goldens.sh && git diff tests/golden
#   scripts/accept-goldens.sh --preset release   (another configured build preset)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
preset=dev
if [ "${1:-}" = "--preset" ]; then preset="${2:?--preset needs a name}"; fi
cmake --build --preset "$preset" -j2 --target test_golden
DEPLOYSIM_UPDATE_GOLDEN=1 "build/$preset/tests/test_golden"
git diff --stat tests/golden
new_files="$(git ls-files --others --exclude-standard tests/golden)"
if [ -n "$new_files" ]; then printf 'new files:\n%s\n' "$new_files"; fi
