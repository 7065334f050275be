// The portable fallbacks of core/compat.hpp give the same answers as the 128-bit builtins a
// GCC or Clang build uses, so a build without them (MSVC) simulates the same runs.
#include <cstdint>

#include <doctest/doctest.h>

#include "core/compat.hpp"
#include "core/rng.hpp"

using namespace deploysim;

namespace {

#if defined(__SIZEOF_INT128__)
unsigned __int128 wide(compat::Wide w) { return (static_cast<unsigned __int128>(w.hi) << 64) | w.lo; }
#endif

}  // namespace

TEST_CASE("portable 64x64 multiply and 128/64 divide agree with the compiler's") {
  const uint64_t edges[] = {0,
                            1,
                            2,
                            3,
                            7,
                            1000,
                            3600000000000ULL,
                            0xffffffffULL,
                            0x100000000ULL,
                            (1ULL << 63) - 1,
                            1ULL << 63,
                            UINT64_MAX - 1,
                            UINT64_MAX};
  Rng rng(42, 7);
  for (int round = 0; round < 20000; ++round) {
    const uint64_t a = round < 169 ? edges[round % 13] : rng.next() >> (rng.next() % 64);
    const uint64_t b = round < 169 ? edges[round / 13] : rng.next() >> (rng.next() % 64);
    uint64_t d = rng.next() >> (rng.next() % 64);
    if (d == 0) d = 1;
    const compat::Wide p = compat::portable::mul(a, b);
#if defined(__SIZEOF_INT128__)
    const unsigned __int128 exact = static_cast<unsigned __int128>(a) * b;
    REQUIRE(wide(p) == exact);
    const unsigned __int128 q = exact / d;
    uint64_t rem = 0;
    const uint64_t got = compat::portable::div(p, d, &rem);
    if (q > UINT64_MAX) {
      REQUIRE(got == UINT64_MAX);
    } else {
      REQUIRE(got == static_cast<uint64_t>(q));
      REQUIRE(rem == static_cast<uint64_t>(exact % d));
    }
#endif
    REQUIRE(compat::mul(a, b).hi == p.hi);
    REQUIRE(compat::mul(a, b).lo == p.lo);
  }
}

TEST_CASE("mul_div and mul_div_ceil round and saturate as documented") {
  CHECK(compat::mul_div(7, 3, 2) == 10);
  CHECK(compat::mul_div_ceil(7, 3, 2) == 11);
  CHECK(compat::mul_div_ceil(6, 3, 2) == 9);
  CHECK(compat::mul_div(UINT64_MAX, UINT64_MAX, UINT64_MAX) == UINT64_MAX);
  CHECK(compat::mul_div(UINT64_MAX, 2, 1) == UINT64_MAX);  // does not fit: saturates
  CHECK(compat::mul_div_ceil(UINT64_MAX, 2, 2) == UINT64_MAX);
  // 1.5 GiB an hour for 40 minutes: exactly 1 GiB.
  CHECK(compat::mul_div(3ULL << 29, 2400000000000ULL, 3600000000000ULL) == 1ULL << 30);
}

TEST_CASE("order_key orders like (time, order), negative times first") {
  CHECK(compat::order_key(-5, 0) < compat::order_key(0, 0));
  CHECK(compat::order_key(0, UINT64_MAX) < compat::order_key(1, 0));
  CHECK(compat::order_key(3, 1) < compat::order_key(3, 2));
  CHECK_FALSE(compat::order_key(3, 2) < compat::order_key(3, 2));
  CHECK(compat::order_key(INT64_MIN, 0) < compat::order_key(INT64_MAX, 0));
}
