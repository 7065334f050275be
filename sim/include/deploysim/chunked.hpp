#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace deploysim {

/// An append-only array stored in fixed-size chunks of 2^Bits elements: indexing stays O(1),
/// growth never copies what is already stored (so a 10-million-element trace never holds an
/// old and a new copy at once), and a small array stays small (the first chunk grows by doubling).
template <class T, unsigned Bits = 13, class Alloc = std::allocator<T>>
class Chunked {
 public:
  /// Elements per full chunk.
  static constexpr size_t chunk_size = size_t{1} << Bits;

  /// Number of elements.
  size_t size() const { return size_; }
  /// Whether there are no elements.
  bool empty() const { return size_ == 0; }
  /// An element by index.
  const T& operator[](size_t i) const { return chunks_[i >> Bits][i & (chunk_size - 1)]; }
  /// An element by index.
  T& operator[](size_t i) { return chunks_[i >> Bits][i & (chunk_size - 1)]; }
  /// The last element (the array must not be empty).
  T& back() { return (*this)[size_ - 1]; }

  /// Appends an element.
  void push_back(const T& v) {
    // The common case inline (a trace appends one record per model event): room in the last chunk.
    if (!chunks_.empty()) {
      auto& last = chunks_.back();
      if (last.size() < last.capacity() && last.size() < chunk_size) {
        last.push_back(v);
        ++size_;
        return;
      }
    }
    push_back_slow(v);
  }
  /// Appends copies of src[0..n) that stay contiguous, never spanning two chunks (when they
  /// would not fit in the last chunk, its tail is filled with unused elements and a new chunk
  /// starts); returns the index of the first. n must not exceed chunk_size.
  size_t append_copy(const T* src, size_t n) {
    if (!chunks_.empty() && room_in_chunk() < n && room_in_chunk() < chunk_size) {
      size_ += room_in_chunk();
      chunks_.back().resize(chunk_size);
    }
    start_chunk_if_full();
    const size_t first = size_;
    auto& chunk = chunks_.back();
    chunk.insert(chunk.end(), src, src + n);
    size_ += n;
    return first;
  }
  /// Room left in the last chunk before a new one starts.
  size_t room_in_chunk() const { return chunk_size - (size_ & (chunk_size - 1)); }
  /// Bytes of heap held (element capacity and the chunk table).
  size_t memory_bytes() const {
    size_t n = chunks_.capacity() * sizeof(std::vector<T, Alloc>);
    for (const auto& c : chunks_) n += c.capacity() * sizeof(T);
    return n;
  }
  /// Prepares the chunk table for n elements (the elements themselves are allocated on demand).
  void reserve(size_t n) { chunks_.reserve((n + chunk_size - 1) >> Bits); }

 private:
  void start_chunk_if_full() {
    if (chunks_.empty() || chunks_.back().size() == chunk_size) {
      chunks_.emplace_back();
      chunks_.back().reserve(chunks_.size() == 1 ? 16 : chunk_size);
    }
  }
  void push_back_slow(const T& v) {
    start_chunk_if_full();
    chunks_.back().push_back(v);
    ++size_;
  }

  std::vector<std::vector<T, Alloc>> chunks_;
  size_t size_ = 0;
};

}  // namespace deploysim
