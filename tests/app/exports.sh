# The binary defines no libc function of its own (no override that would stand in for libc's in
# every library of the process): its dynamic symbol table exports only C++ symbols (and the
# data objects the C++ runtime shares, such as stdout).
set -euo pipefail
bin="$1"
command -v nm >/dev/null || { echo "exports: nm not installed"; exit 1; }
# Defined functions (T, W, i) that are not mangled C++ names.
bad="$(nm -D --defined-only "$bin" | awk '$2 ~ /^[TWi]$/ && $3 !~ /^_Z/ {print $3}' | grep -v '^_\(init\|fini\|start\)$' || true)"
if [ -n "$bad" ]; then
  echo "exports: the binary exports C functions that would replace the system's:"
  echo "$bad"
  exit 1
fi
echo "exports: ok"
