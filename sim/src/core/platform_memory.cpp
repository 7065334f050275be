// The system-specific memory calls of the sim: Linux's transparent huge pages advice, and the
// machine's physical memory (for the default trace memory budget, estimate.hpp). Other systems
// get the portable defaults: ordinary pages, and "unknown" (a fixed budget).
#include "deploysim/estimate.hpp"
#include "deploysim/huge_pages.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if (defined(__unix__) || defined(__APPLE__)) && !defined(__EMSCRIPTEN__)
#include <unistd.h>
#elif defined(_WIN32)
#include <windows.h>
#endif

namespace deploysim {

void advise_huge_pages([[maybe_unused]] void* p, [[maybe_unused]] size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure just means 4 KiB pages
#endif
}

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
