// The one system-specific memory call of the sim: Linux's transparent huge pages advice. Other
// systems get the portable default, ordinary pages.
#include "deploysim/huge_pages.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace deploysim {

void advise_huge_pages([[maybe_unused]] void* p, [[maybe_unused]] size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure just means 4 KiB pages
#endif
}

}  // namespace deploysim
