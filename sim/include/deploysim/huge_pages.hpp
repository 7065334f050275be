#pragma once
// An allocator for big arrays that are filled right away (latency samples, trace chunks): blocks
// of 1 MiB and more are 2 MiB aligned, rounded up to whole 2 MiB and marked MADV_HUGEPAGE, so
// filling them costs one page fault per 2 MiB instead of one per 4 KiB. In a VM a fault costs
// microseconds: on the 1M-request benchmark the 4 KiB faults were a tenth of the run.
#include <cstddef>
#include <new>

namespace deploysim {

/// Asks the system to back [p, p + bytes) with huge pages: advice only, nothing where the system
/// has no such advice (sim/src/core/platform_memory.cpp).
void advise_huge_pages(void* p, size_t bytes) noexcept;

/// std::allocator, except that blocks of 1 MiB and more ask the kernel for huge pages.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding
  /// Allocates n elements.
  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < threshold) return static_cast<T*>(::operator new(bytes));
    void* p = ::operator new (rounded(bytes), std::align_val_t{huge});
    advise_huge_pages(p, rounded(bytes));
    return static_cast<T*>(p);
  }
  /// Frees what allocate(n) returned.
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < threshold)
      ::operator delete(p);
    else
      ::operator delete (p, std::align_val_t{huge});
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }

 private:
  static constexpr size_t huge = size_t{2} << 20;
  static constexpr size_t threshold = size_t{1} << 20;
  static size_t rounded(size_t bytes) { return (bytes + huge - 1) / huge * huge; }
};

}  // namespace deploysim
