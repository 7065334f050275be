#pragma once
// Hashing and text compares shared by trace.cpp and trace_memo.cpp.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace deploysim::trace_hash {

inline constexpr uint64_t fnv_offset = 0xcbf29ce484222325ULL;
inline constexpr uint64_t fnv_prime = 0x100000001b3ULL;

inline uint64_t fnv1a(std::string_view s) {
  uint64_t h = fnv_offset;
  for (unsigned char c : s) {
    h ^= c;
    h *= fnv_prime;
  }
  return h;
}

// Folds one word into a running hash. Each step is a bijection of h for a fixed word and an
// injection of the word for a fixed h, so changing any single word always changes the result;
// fixed-width integer arithmetic only, so it is the same on every platform.
constexpr uint64_t fold(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
  return (h << 31) | (h >> 33);
}

inline uint64_t pack(uint32_t hi, uint32_t lo) { return (static_cast<uint64_t>(hi) << 32) | lo; }

// Whether the first and last sizeof(W) bytes of a and b agree (n >= sizeof(W)).
template <class W>
bool same_ends(const char* a, const char* b, size_t n) {
  W a0, b0, a1, b1;
  std::memcpy(&a0, a, sizeof(W));
  std::memcpy(&b0, b, sizeof(W));
  std::memcpy(&a1, a + n - sizeof(W), sizeof(W));
  std::memcpy(&b1, b + n - sizeof(W), sizeof(W));
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// Short texts compared a word at a time (two overlapping loads): the call to memcmp costs more
// than the compare for keys like "status".
inline bool same_text(const char* a, const char* b, size_t n) {
  if (n >= 8 && n <= 16) return same_ends<uint64_t>(a, b, n);
  if (n >= 4 && n < 8) return same_ends<uint32_t>(a, b, n);
  if (n < 4) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  return std::memcmp(a, b, n) == 0;
}

// A text's first and last eight bytes (a shorter text's bytes, zero-extended, in head): with its
// length they are the whole of a text of up to text_ends_whole bytes, wherever it is stored.
struct TextEnds {
  uint64_t head = 0, tail = 0;
};
inline constexpr size_t text_ends_whole = 16;
inline TextEnds text_ends(const char* p, size_t n) {
  TextEnds e;
  if (n >= 8) {
    std::memcpy(&e.head, p, 8);
    std::memcpy(&e.tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    e.head = pack(a, b);
  } else {
    for (size_t i = 0; i < n; ++i) e.head = e.head << 8 | static_cast<unsigned char>(p[i]);
  }
  return e;
}

}  // namespace deploysim::trace_hash
