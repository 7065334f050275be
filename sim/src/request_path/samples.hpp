#pragma once
// Latency samples of one stage for the metrics' percentiles, bounded: the first `exact_limit`
// samples are kept as they are (exact nearest-rank percentiles, what every shipped scenario and
// test gets); a run with more (a simulated year at 20 requests/s is 630 million) folds them into a
// log-linear histogram of fixed size, whose percentiles are within 1/256 (0.4 %) of the exact
// ones, and the maximum stays exact. Without this, seven stages x 8 bytes per request would need
// tens of GB whatever the trace level.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "deploysim/metrics.hpp"

namespace deploysim::path {

class LatencySamples {
 public:
  using Exact = std::vector<int64_t>;
  /// Samples kept one by one before the histogram takes over (32 MiB per stage).
  static constexpr size_t exact_limit = size_t{1} << 22;

  /// Room for n samples (at most exact_limit are ever stored one by one).
  void reserve(size_t n) {
    if (!hist_) exact_.reserve(std::min(n, exact_limit));
  }
  /// Adds one sample (ns, >= 0).
  void push_back(int64_t v) {
    ++count_;
    max_ = std::max(max_, v);
    if (!hist_ && exact_.size() < exact_limit) {
      exact_.push_back(v);
      return;
    }
    if (!hist_) spill();
    add(v);
  }
  /// Samples added.
  size_t size() const { return count_; }
  /// Whether none was added.
  bool empty() const { return count_ == 0; }
  /// Whether the samples are kept one by one (exact percentiles).
  bool exact() const { return !hist_; }
  /// The samples one by one (when exact()).
  Exact& values() { return exact_; }
  /// Nearest-rank percentiles from the histogram (when !exact()): the middle of the bucket that
  /// holds the sample of rank ceil(q x n).
  Percentiles histogram_percentiles() const {
    Percentiles p;
    p.count = count_;
    const std::array<double, 3> qs{0.50, 0.90, 0.99};
    std::array<Time*, 3> out{&p.p50, &p.p90, &p.p99};
    uint64_t seen = 0;
    size_t qi = 0;
    for (size_t b = 0; b < buckets && qi < qs.size(); ++b) {
      seen += (*hist_)[b];
      while (qi < qs.size() && seen >= rank(qs[qi])) *out[qi++] = ns(std::min(middle(b), max_));
    }
    p.max = ns(max_);
    return p;
  }

 private:
  static constexpr int sub_bits = 8;  // 256 sub-buckets per power of two: relative error < 1/256
  static constexpr size_t half = size_t{1} << (sub_bits - 1);
  static constexpr size_t buckets = (size_t{1} << sub_bits) + (64 - sub_bits) * half;

  static size_t bucket_of(int64_t v) {
    const auto u = static_cast<uint64_t>(std::max<int64_t>(v, 0));
    const int width = std::bit_width(u);
    if (width <= sub_bits) return static_cast<size_t>(u);
    const int shift = width - sub_bits;
    return (size_t{1} << sub_bits) + static_cast<size_t>(shift - 1) * half + static_cast<size_t>((u >> shift) - half);
  }
  static int64_t middle(size_t b) {
    if (b < (size_t{1} << sub_bits)) return static_cast<int64_t>(b);
    const size_t rest = b - (size_t{1} << sub_bits);
    const int shift = static_cast<int>(rest / half) + 1;
    const uint64_t top = half + rest % half;
    return static_cast<int64_t>((top << shift) + (uint64_t{1} << (shift - 1)));
  }
  uint64_t rank(double q) const {
    const auto k = static_cast<uint64_t>(q * static_cast<double>(count_) + 0.999999999);
    return std::clamp<uint64_t>(k, 1, count_);
  }
  void add(int64_t v) { ++(*hist_)[bucket_of(v)]; }
  void spill() {
    hist_ = std::make_unique<std::array<uint64_t, buckets>>();
    hist_->fill(0);
    for (int64_t v : exact_) add(v);
    Exact().swap(exact_);
  }

  Exact exact_;
  std::unique_ptr<std::array<uint64_t, buckets>> hist_;
  uint64_t count_ = 0;
  int64_t max_ = 0;
};

}  // namespace deploysim::path
