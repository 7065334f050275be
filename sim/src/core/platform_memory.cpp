// The system-specific memory call of the sim: the machine's physical memory (for the default
// trace memory budget, estimate.hpp). Other systems get the portable default: "unknown" (a
// fixed budget).
#include "deploysim/estimate.hpp"

#if (defined(__unix__) || defined(__APPLE__)) && !defined(__EMSCRIPTEN__)
#include <unistd.h>
#elif defined(_WIN32)
#include <windows.h>
#endif

namespace deploysim {

uint64_t physical_memory_bytes() noexcept {
#if (defined(__unix__) || defined(__APPLE__)) && !defined(__EMSCRIPTEN__) && defined(_SC_PHYS_PAGES)
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
#elif defined(_WIN32)
  MEMORYSTATUSEX status{};
  status.dwLength = sizeof status;
  return GlobalMemoryStatusEx(&status) ? static_cast<uint64_t>(status.ullTotalPhys) : 0;
#else
  return 0;  // a browser page's memory is the browser's to give: the fixed figure applies
#endif
}

}  // namespace deploysim
