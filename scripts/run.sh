#!/usr/bin/env bash
# The README's first command: install what is missing, build (release), start deploysim.
# Extra arguments go to deploysim (e.g. `scripts/run.sh run assets/scenarios/basic-https.toml --narrate`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target deploysim
exec build/release/app/deploysim "$@"
