# Compiler-, libc- and system-specific code lives only in the platform and compat files, each
# with a portable default; everything else is plain C++20. A new system call or builtin in
# another file fails here with its place. (The binary's path is the first argument; unused.)
set -euo pipefail
src="$2"
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files="$(git ls-files 'sim/*.cpp' 'sim/*.hpp' 'app/*.cpp' 'app/*.hpp')"
else  # an unpacked source archive
  files="$(find sim app -name '*.cpp' -o -name '*.hpp' | sort)"
fi
allowed='(^sim/src/core/compat\.hpp$|^sim/src/core/platform_memory\.cpp$|^sim/src/loopback/socket_platform\.cpp$|^app/cli/cli_platform\.cpp$|^app/gui/platform/)'
pattern='__int128|__builtin_|aligned_alloc|madvise|dlsym|accept4|MSG_NOSIGNAL|sigaction|strncasecmp|inet_pton|isatty|#include <(unistd|fcntl|poll|dlfcn|malloc)\.h>|#include <(sys|arpa|netinet)/'
bad="$(echo "$files" | grep -Ev "$allowed" | xargs grep -nE "$pattern" || true)"
if [ -n "$bad" ]; then
  echo "portable_sources: system- or compiler-specific code outside the platform files:"
  echo "$bad"
  exit 1
fi
# Launch tricks that change the whole process (an override of libc's getpid, heap tuning, a
# driver preloaded with dlopen, environment set for libraries) are not wanted anywhere.
tricks="$(echo "$files" | xargs grep -nwE 'getpid|mallopt|dlopen|setenv|putenv' || true)"
if [ -n "$tricks" ]; then
  echo "portable_sources: process-wide launch tricks:"
  echo "$tricks"
  exit 1
fi
echo "portable_sources: ok"
