#pragma once
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace deploysim {

/// A move-only callable `void()` stored inline (no heap allocation): captures up to 48 bytes.
class InlineHandler {
 public:
  /// Bytes available for captures.
  static constexpr size_t capacity = 48;
  InlineHandler() = default;
  /// Stores a callable (implicit by design, so lambdas convert).
  template <class F, class D = std::decay_t<F>, class = std::enable_if_t<!std::is_same_v<D, InlineHandler>>>
  InlineHandler(F&& f) {  // NOLINT: implicit by design
    construct<D>(std::forward<F>(f));
  }
  /// Takes over o's callable; o becomes empty.
  InlineHandler(InlineHandler&& o) noexcept { take(o); }
  /// Destroys the current callable and takes over o's.
  InlineHandler& operator=(InlineHandler&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  InlineHandler(const InlineHandler&) = delete;
  InlineHandler& operator=(const InlineHandler&) = delete;
  ~InlineHandler() { reset(); }
  /// Replaces the stored callable by f, constructed in place (no intermediate move).
  template <class F>
  void emplace(F&& f) {
    using D = std::decay_t<F>;
    if constexpr (std::is_same_v<D, InlineHandler>) {
      *this = std::forward<F>(f);
    } else {
      reset();
      construct<D>(std::forward<F>(f));
    }
  }
  /// Calls the stored callable.
  void operator()() { ops_->call(buf_); }
  /// Whether a callable is stored.
  explicit operator bool() const { return ops_ != nullptr; }
  /// Destroys the stored callable.
  void reset() {
    if (ops_) {
      if (ops_->destroy) ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src);  // nullptr: trivially copyable, memcpy is a move
    void (*destroy)(void*);              // nullptr: trivially destructible
  };
  template <class D>
  static constexpr Ops ops_for = {
      [](void* p) { (*static_cast<D*>(p))(); },
      std::is_trivially_copyable_v<D> ? nullptr
                                      : +[](void* dst, void* src) {
                                          ::new (dst) D(std::move(*static_cast<D*>(src)));
                                          static_cast<D*>(src)->~D();
                                        },
      std::is_trivially_destructible_v<D> ? nullptr
                                          : +[](void* p) { static_cast<D*>(p)->~D(); }};
  template <class D, class F>
  void construct(F&& f) {
    static_assert(sizeof(D) <= capacity, "event handler captures too much; capture an index");
    static_assert(alignof(D) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<D>);
    ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
    ops_ = &ops_for<D>;
  }
  void take(InlineHandler& o) noexcept {
    ops_ = o.ops_;
    if (!ops_) return;
    if (ops_->move)
      ops_->move(buf_, o.buf_);
    else
      std::memcpy(buf_, o.buf_, capacity);
    o.ops_ = nullptr;
  }
  alignas(std::max_align_t) unsigned char buf_[capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace deploysim
