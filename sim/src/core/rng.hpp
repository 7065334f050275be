#pragma once
#include <cstdint>

#include "deploysim/time.hpp"

namespace deploysim {

/// A random stream: xoshiro256** seeded by splitmix64 from (scenario seed, stream id).
/// Distributions are computed from raw bits with fixed formulas, so every platform and
/// compiler draws the same numbers.
class Rng {
 public:
  /// The stream `stream` of the scenario seeded with `seed`.
  Rng(uint64_t seed, uint64_t stream);
  /// 64 raw bits.
  uint64_t next();
  /// Uniform in [0, 1), 53 bits of precision.
  double uniform();
  /// Uniform integer in [0, n).
  uint64_t below(uint64_t n);
  /// Exponential with the given mean.
  double exponential(double mean);
  /// Exponential time with the given mean, rounded to whole nanoseconds.
  Time exponential(Time mean);
  /// Uniform time in [lo, hi) (lo when hi <= lo).
  Time uniform(Time lo, Time hi);
  /// Standard normal (Box-Muller on raw bits; deterministic).
  double normal();
  /// Lognormal time fitted to a median and a 99th percentile (the median when p99 <= median).
  Time lognormal(Time median, Time p99);
  /// A stable stream id for a name (FNV-1a), so actors' streams don't depend on creation order.
  static uint64_t stream_id(const char* name);

 private:
  uint64_t s_[4];
  // lognormal()'s sigma for the last (median, p99) pair: callers draw many samples of one shape.
  int64_t sigma_median_ = 0, sigma_p99_ = 0;
  double sigma_ = 0;
};

}  // namespace deploysim
