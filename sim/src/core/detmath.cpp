#include "core/detmath.hpp"

#include <array>
#include <cmath>
#include <limits>

// These functions must give identical bits on every platform. They use only operations that
// IEEE 754 requires to be correctly rounded (+ - * /) and exact ones (frexp, ldexp, floor);
// sim/ is compiled with -ffp-contract=off so no fused multiply-add changes a rounding.

namespace deploysim {

namespace {
// ln 2 split so that k * ln2_hi is exact for |k| < 2^11 (the fdlibm constants).
constexpr double ln2_hi = 6.93147180369123816490e-01;
constexpr double ln2_lo = 1.90821492927058770002e-10;
constexpr double inv_ln2 = 1.44269504088896338700e+00;
constexpr double sqrt_half = 0.70710678118654752440;
// 1/k for the odd k of det_log's series, rounded once at compile time exactly as the division
// would round at run time (IEEE 754 division is correctly rounded), so the bits are unchanged.
constexpr double inv_odd[12] = {1.0 / 1,  1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                                1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
// 1/n! for n = 0..15, each rounded once at compile time (n! itself is exact in a double).
constexpr auto inv_factorial = [] {
  std::array<double, 16> a{};
  double f = 1;
  for (size_t n = 0; n < a.size(); ++n) {
    if (n > 0) f *= static_cast<double>(n);
    a[n] = 1.0 / f;
  }
  return a;
}();
}  // namespace

double det_log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < sqrt_half) {
    m *= 2;
    --e;
  }
  // log m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), |f| <= 0.172: 12 terms reach 1e-18.
  const double f = (m - 1) / (m + 1);
  const double f2 = f * f;
  double p = inv_odd[11];
  for (int i = 10; i >= 0; --i) p = p * f2 + inv_odd[i];
  const double log_m = 2 * f * p;
  const double de = static_cast<double>(e);
  return de * ln2_hi + (de * ln2_lo + log_m);
}

double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = std::floor(x * inv_ln2 + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;  // |r| <= 0.35
  // Taylor series of e^r to r^15/15! in Horner form on 1/n! (multiplications only: a division
  // in each step made this the slowest part of sampling a service time); the remainder is
  // below 2e-19 of the result.
  double p = inv_factorial[15];
  for (int n = 14; n >= 0; --n) p = p * r + inv_factorial[n];
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace deploysim
