// Random streams: reproducible per (seed, stream), independent across streams, and the
// distributions the models draw service times from have the right shape.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/detmath.hpp"
#include "core/rng.hpp"

using namespace deploysim;

namespace {
std::vector<uint64_t> draws(uint64_t seed, uint64_t stream, int n) {
  Rng r(seed, stream);
  std::vector<uint64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(r.next());
  return v;
}
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}
}  // namespace

TEST_CASE("the same seed and stream give the same numbers") {
  CHECK(draws(42, 7, 1000) == draws(42, 7, 1000));
  Rng a(42, Rng::stream_id("client")), b(42, Rng::stream_id("client"));
  for (int i = 0; i < 100; ++i) CHECK(a.lognormal(ms(20), ms(200)) == b.lognormal(ms(20), ms(200)));
}

TEST_CASE("streams and seeds are independent") {
  const auto base = draws(42, 1, 64);
  CHECK(base != draws(42, 2, 64));
  CHECK(base != draws(43, 1, 64));
  CHECK(draws(0, 0, 64) != draws(0, 1, 64));
  // Adjacent streams must not be shifted copies of each other.
  const auto other = draws(42, 2, 64);
  int shared = 0;
  for (uint64_t x : base) shared += static_cast<int>(std::count(other.begin(), other.end(), x));
  CHECK(shared == 0);
}

TEST_CASE("the bits are pinned across platforms and releases") {
  // Golden values: a change here changes every trace fingerprint and must be deliberate.
  Rng r(42, 7);
  CHECK(r.next() == 4706337660387043474ull);
  CHECK(r.next() == 7176503324466537499ull);
  Rng g(42, Rng::stream_id("worker-1"));
  CHECK(g.lognormal(ms(20), ms(200)).ns() == 10671339);
  CHECK(g.exponential(s(1)).ns() == 4521852);
}

TEST_CASE("stream ids are FNV-1a of the actor name") {
  CHECK(Rng::stream_id("") == 0xcbf29ce484222325ull);
  CHECK(Rng::stream_id("a") == 0xaf63dc4c8601ec8cull);
  CHECK(Rng::stream_id("worker-1") != Rng::stream_id("worker-2"));
}

TEST_CASE("uniform lies in 0 to 1 (excluded) with mean 1/2 and variance 1/12") {
  Rng r(1, 1);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  CHECK(mean == doctest::Approx(0.5).epsilon(0.01));
  CHECK(sum2 / n - mean * mean == doctest::Approx(1.0 / 12).epsilon(0.02));
}

TEST_CASE("below(n) is unbiased over its range") {
  Rng r(5, 9);
  SUBCASE("small n") {
    int counts[10] = {};
    for (int i = 0; i < 100000; ++i) {
      const uint64_t v = r.below(10);
      REQUIRE(v < 10);
      ++counts[v];
    }
    for (int c : counts) CHECK(c == doctest::Approx(10000).epsilon(0.05));
  }
  SUBCASE("degenerate and huge bounds") {
    CHECK(r.below(0) == 0);
    CHECK(r.below(1) == 0);
    const uint64_t big = (1ull << 63) + 12345;
    int high = 0;
    for (int i = 0; i < 2000; ++i) {
      const uint64_t v = r.below(big);
      REQUIRE(v < big);
      high += v >= big / 2;
    }
    CHECK(high == doctest::Approx(1000).epsilon(0.1));
  }
  SUBCASE("uniform times stay in their interval") {
    for (int i = 0; i < 1000; ++i) {
      const Time t = r.uniform(ms(5), ms(7));
      REQUIRE(t >= ms(5));
      REQUIRE(t < ms(7));
    }
    CHECK(r.uniform(s(3), s(3)) == s(3));
  }
}

TEST_CASE("exponential has the requested mean") {
  Rng r(11, 3);
  const int n = 200000;
  double sum = 0, min_v = 1e9;
  for (int i = 0; i < n; ++i) {
    const double x = r.exponential(2.5);
    sum += x;
    min_v = std::min(min_v, x);
  }
  CHECK(min_v >= 0.0);
  CHECK(sum / n == doctest::Approx(2.5).epsilon(0.02));
  int64_t total = 0;
  for (int i = 0; i < 20000; ++i) total += r.exponential(ms(100)).ns();
  CHECK(static_cast<double>(total) / 20000 == doctest::Approx(1e8).epsilon(0.03));
}

TEST_CASE("normal has mean 0, variance 1 and the right tail") {
  Rng r(3, 4);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  int below_z99 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    sum += z;
    sum2 += z * z;
    below_z99 += z < 2.3263478740408408;
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(sum2 / n == doctest::Approx(1.0).epsilon(0.02));
  CHECK(static_cast<double>(below_z99) / n == doctest::Approx(0.99).epsilon(0.002));
}

TEST_CASE("lognormal fits the requested median and p99") {
  Rng r(8, Rng::stream_id("worker"));
  std::vector<double> v;
  for (int i = 0; i < 200000; ++i) v.push_back(static_cast<double>(r.lognormal(ms(20), ms(200)).ns()));
  CHECK(quantile(v, 0.5) == doctest::Approx(20e6).epsilon(0.02));
  CHECK(quantile(v, 0.99) == doctest::Approx(200e6).epsilon(0.05));
  CHECK(*std::min_element(v.begin(), v.end()) > 0);
  SUBCASE("a p99 not above the median means no spread") {
    CHECK(r.lognormal(ms(20), ms(20)) == ms(20));
    CHECK(r.lognormal(ms(20), ms(10)) == ms(20));
    CHECK(r.lognormal(Time{}, ms(10)) == Time{});
  }
  SUBCASE("absurd spreads saturate instead of overflowing") {
    for (int i = 0; i < 1000; ++i) CHECK(r.lognormal(ms(1), days(100000)).ns() >= 0);
  }
}

TEST_CASE("the deterministic log and exp agree with libm") {
  double worst_log = 0, worst_exp = 0;
  for (double x = 1e-300; x < 1e300; x *= 1.37) {
    const double ref = std::log(x);
    if (ref != 0) worst_log = std::max(worst_log, std::abs(det_log(x) - ref) / std::abs(ref));
  }
  for (double x = 0.001; x < 2; x += 0.001) {
    const double ref = std::log(x);
    if (std::abs(ref) > 1e-3) worst_log = std::max(worst_log, std::abs(det_log(x) - ref) / std::abs(ref));
  }
  for (double x = -700; x < 700; x += 0.173) {
    const double ref = std::exp(x);
    worst_exp = std::max(worst_exp, std::abs(det_exp(x) - ref) / ref);
  }
  CHECK(worst_log < 1e-15);
  CHECK(worst_exp < 1e-15);
  CHECK(det_log(1.0) == 0.0);
  CHECK(det_exp(0.0) == 1.0);
  CHECK(std::isinf(det_exp(1000.0)));
  CHECK(det_exp(-1000.0) == 0.0);
  CHECK(std::isnan(det_log(-1.0)));
  CHECK(std::isinf(det_log(0.0)));
}
