// The metrics' latency samples stay bounded (request_path/samples.hpp): exact up to their limit,
// then a histogram whose percentiles stay within 0.4 % of the exact ones, the maximum exact.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "request_path/samples.hpp"

using namespace deploysim;
using deploysim::path::LatencySamples;

namespace {

int64_t exact_rank(std::vector<int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  auto k = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999999);
  return v[std::clamp<size_t>(k, 1, v.size()) - 1];
}

}  // namespace

TEST_CASE("past the exact limit the samples fold into a histogram of fixed size, percentiles within 0.4 %") {
  LatencySamples s;
  std::vector<int64_t> all;
  Rng rng(7, 1);
  const size_t n = LatencySamples::exact_limit + 100000;
  all.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    // Lognormal-ish latencies from 1 ms to seconds, in ns.
    const auto v = static_cast<int64_t>(1e6 * (1 + rng.exponential(20.0)) * (i % 97 == 0 ? 50 : 1));
    s.push_back(v);
    all.push_back(v);
  }
  CHECK(s.size() == n);
  REQUIRE_FALSE(s.exact());
  CHECK(s.values().capacity() == 0);  // the exact samples are given back
  const Percentiles p = s.histogram_percentiles();
  CHECK(p.count == n);
  for (const auto& [rank, value] : {std::pair{0.50, p.p50}, std::pair{0.90, p.p90}, std::pair{0.99, p.p99}}) {
    const double q = rank;  // Clang 14 cannot capture a structured binding (INFO captures q)
    const auto got = value;
    const auto want = static_cast<double>(exact_rank(all, q));
    INFO("q = ", q);
    CHECK(static_cast<double>(got.ns()) == doctest::Approx(want).epsilon(0.004));
  }
  CHECK(p.max.ns() == *std::max_element(all.begin(), all.end()));
}

TEST_CASE("below the limit the samples are kept one by one") {
  LatencySamples s;
  for (int64_t v : {5, 3, 9}) s.push_back(v);
  CHECK(s.exact());
  CHECK(s.values() == LatencySamples::Exact{5, 3, 9});
}
