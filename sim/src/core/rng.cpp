#include "core/rng.hpp"

#include <cmath>

#include "core/compat.hpp"
#include "core/detmath.hpp"

namespace deploysim {

namespace {

constexpr uint64_t golden = 0x9e3779b97f4a7c15ULL;

// splitmix64's output function: a bijection on 64-bit words (Steele, Lea, Flood 2014).
uint64_t splitmix_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t splitmix_next(uint64_t& state) { return splitmix_mix(state += golden); }

constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The standard normal quantile at 0.99 (Phi^-1(0.99)), for fitting a lognormal to a p99.
constexpr double z99 = 2.3263478740408408;

// Largest time a draw may return: keeps later Time arithmetic far from int64 overflow.
constexpr double max_draw_ns = 4.0e18;

Time to_time(double v_ns) {
  if (!(v_ns > 0)) return Time{};
  if (v_ns > max_draw_ns) v_ns = max_draw_ns;
  // Round half up (v_ns > 0 here); traces depend on this exact rule, so no lround.
  return ns(static_cast<int64_t>(v_ns + 0.5));  // NOLINT(bugprone-incorrect-roundings)
}

}  // namespace

Rng::Rng(uint64_t seed, uint64_t stream) {
  // Both mixes are bijections, so for one seed distinct stream ids start distinct sequences.
  uint64_t sm = splitmix_mix(seed + golden) ^ stream;
  for (uint64_t& w : s_) w = splitmix_next(sm);
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = golden;  // xoshiro's one forbidden state
}

uint64_t Rng::next() {
  // xoshiro256** 1.0 (Blackman and Vigna, prng.di.unimi.it).
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t Rng::below(uint64_t n) {
  if (n == 0) return 0;
  // Lemire's multiply-and-reject: unbiased, and the rejection rule is pure integer arithmetic.
  compat::Wide m = compat::mul(next(), n);
  if (m.lo < n) {
    const uint64_t threshold = (0 - n) % n;
    while (m.lo < threshold) m = compat::mul(next(), n);
  }
  return m.hi;
}

double Rng::exponential(double mean) {
  // 1 - u lies in (0, 1], so the log is finite.
  return -mean * det_log(1.0 - uniform());
}

Time Rng::exponential(Time mean) { return to_time(exponential(static_cast<double>(mean.ns()))); }

Time Rng::uniform(Time lo, Time hi) {
  if (hi <= lo) return lo;
  const auto span = static_cast<uint64_t>(hi.ns()) - static_cast<uint64_t>(lo.ns());
  return ns(static_cast<int64_t>(static_cast<uint64_t>(lo.ns()) + below(span)));
}

double Rng::normal() {
  // Marsaglia's polar method: no sin/cos needed. std::sqrt is correctly rounded by IEEE 754
  // (sqrtsd on x86-64, fsqrt on arm64), so it is the same everywhere; only the log is ours.
  for (;;) {
    const double u = 2 * uniform() - 1;
    const double v = 2 * uniform() - 1;
    const double q = u * u + v * v;
    if (q >= 1 || q == 0) continue;
    return u * std::sqrt(-2 * det_log(q) / q);
  }
}

Time Rng::lognormal(Time median, Time p99) {
  const auto m = static_cast<double>(median.ns());
  if (m <= 0) return Time{};
  if (p99 <= median) return median;
  if (median.ns() != sigma_median_ || p99.ns() != sigma_p99_) {
    sigma_median_ = median.ns();
    sigma_p99_ = p99.ns();
    sigma_ = det_log(static_cast<double>(p99.ns()) / m) / z99;
  }
  return to_time(m * det_exp(sigma_ * normal()));
}

uint64_t Rng::stream_id(const char* name) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (const char* p = name; *p; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace deploysim
