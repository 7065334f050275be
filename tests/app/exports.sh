# The binary defines no libc function of its own (no override that would stand in for libc's in
# every library of the process): its dynamic symbol table exports only C++ symbols (and the
# data objects the C++ runtime shares, such as stdout).
set -euo pipefail
bin="$1"
command -v nm >/dev/null || { echo "exports: nm not installed"; exit 1; }
# Defined functions (T, W, i) that are not mangled C++ names.
exported="$(nm -D --defined-only "$bin")"
bad="$(echo "$exported" | awk '$2 ~ /^[TWi]$/ && $3 !~ /^_Z/ {print $3}' | grep -v '^_\(init\|fini\|start\)$' || true)"
# A Clang sanitizer build links the sanitizer's runtime into the binary, and the runtime exports
# its interceptors (malloc, ...) on purpose: the names its archives define are its own.
if [ -n "$bad" ] && grep -qE ' (__asan_init|__tsan_init|__ubsan_handle_[a-z_]+)$' <<<"$exported"; then
  rt="$(clang++ -print-resource-dir 2>/dev/null)/lib/linux"
  runtime="$(nm --defined-only "$rt"/libclang_rt.*-x86_64.a 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)"
  [ -n "$runtime" ] && bad="$(comm -23 <(echo "$bad" | sort -u) <(echo "$runtime"))"
fi
if [ -n "$bad" ]; then
  echo "exports: the binary exports C functions that would replace the system's:"
  echo "$bad"
  exit 1
fi
echo "exports: ok"
