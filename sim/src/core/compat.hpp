#pragma once
// Compiler-specific arithmetic and hints, each with a portable fallback: GCC and Clang have a
// 128-bit integer and a prefetch builtin, MSVC and others may not. The portable versions are
// always compiled (namespace `portable`) so a test can check both agree.
#include <cstdint>
#include <utility>

namespace deploysim::compat {

/// A 64 x 64 -> 128-bit product as two words.
struct Wide {
  uint64_t hi = 0;  ///< High 64 bits.
  uint64_t lo = 0;  ///< Low 64 bits.
};

namespace portable {

/// a * b without a 128-bit type (four 32-bit partial products).
constexpr Wide mul(uint64_t a, uint64_t b) {
  const uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
  const uint64_t mid = (p0 >> 32) + (p1 & 0xffffffffu) + (p2 & 0xffffffffu);
  return {p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32), (p0 & 0xffffffffu) | (mid << 32)};
}

/// (hi:lo) / d and its remainder by shift-and-subtract; the quotient saturates at UINT64_MAX
/// when it does not fit in 64 bits. d must not be 0.
constexpr uint64_t div(Wide n, uint64_t d, uint64_t* rem = nullptr) {
  if (n.hi >= d) {
    if (rem) *rem = 0;
    return UINT64_MAX;
  }
  uint64_t r = n.hi, q = 0;
  for (int i = 63; i >= 0; --i) {
    const bool carry = (r >> 63) != 0;  // 2r + bit exceeds 64 bits: then it is surely >= d
    r = (r << 1) | ((n.lo >> i) & 1u);
    q <<= 1;
    if (carry || r >= d) {
      r -= d;
      q |= 1u;
    }
  }
  if (rem) *rem = r;
  return q;
}

}  // namespace portable

/// a * b as 128 bits.
constexpr Wide mul(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
  const unsigned __int128 m = static_cast<unsigned __int128>(a) * b;
  return {static_cast<uint64_t>(m >> 64), static_cast<uint64_t>(m)};
#else
  return portable::mul(a, b);
#endif
}

/// floor(a * b / d) without overflow in between; saturates at UINT64_MAX. d must not be 0.
constexpr uint64_t mul_div(uint64_t a, uint64_t b, uint64_t d) {
#if defined(__SIZEOF_INT128__)
  const unsigned __int128 q = static_cast<unsigned __int128>(a) * b / d;
  return q > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(q);
#else
  return portable::div(portable::mul(a, b), d);
#endif
}

/// ceil(a * b / d) without overflow in between; saturates at UINT64_MAX. d must not be 0.
constexpr uint64_t mul_div_ceil(uint64_t a, uint64_t b, uint64_t d) {
#if defined(__SIZEOF_INT128__)
  const unsigned __int128 q = (static_cast<unsigned __int128>(a) * b + d - 1) / d;
  return q > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(q);
#else
  uint64_t rem = 0;
  const uint64_t q = portable::div(portable::mul(a, b), d, &rem);
  return rem != 0 && q != UINT64_MAX ? q + 1 : q;
#endif
}

/// (t, order) as one value that compares like the pair: where the compiler has a 128-bit
/// integer, one comparison instead of two branches (time, sign-flipped, in the high word).
#if defined(__SIZEOF_INT128__)
constexpr unsigned __int128 order_key(int64_t t, uint64_t order) {
  return (static_cast<unsigned __int128>(static_cast<uint64_t>(t) ^ (1ULL << 63)) << 64) | order;
}
#else
constexpr std::pair<int64_t, uint64_t> order_key(int64_t t, uint64_t order) { return {t, order}; }
#endif

/// A hint that *p will be read soon (nothing where the compiler has no such hint).
inline void prefetch([[maybe_unused]] const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#endif
}

/// A hint that *p will be written soon (nothing where the compiler has no such hint).
inline void prefetch_for_write([[maybe_unused]] const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 1);
#endif
}

}  // namespace deploysim::compat
