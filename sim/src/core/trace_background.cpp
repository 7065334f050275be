// Storing a trace's records on a second thread (Trace::begin_background).
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "deploysim/kinds.hpp"
#include "deploysim/trace.hpp"
#include "compat.hpp"

namespace deploysim {

namespace {

// A queued record in as few bytes as it takes (the producer's stores and the second thread's
// loads of them are most of what the hand-over costs): this head, a QueuedField per detail,
// then the texts they name, copied (the caller's may be gone by the time the record is
// stored). Texts the trace knows by their address (registered kinds, literal keys) are not
// copied: that is also what lets the memo find them.
struct QueuedHead {
  int64_t t, dur;
  const char* kind;       // null: copied into the texts
  const char* narration;  // null: copied, or none when narration_len is 0
  uint32_t kind_len, narration_len;
  NodeId actor, from, to;
  ConnId conn;
  ProcId proc;
  RecordId cause;
  Stage stage;
  ProcState state;
  Outcome outcome;
  FailureCause failure;
  bool reports_failure;
  uint8_t fields;
  uint32_t bytes;  // the whole entry, a multiple of 8
};
struct QueuedField {
  const char* key;  // null: made at run time, copied into the texts
  uint32_t key_len;
  FieldType type;
  int64_t value;  // the number, or a string's length (its text is in the texts)
};
static_assert(sizeof(QueuedHead) % 8 == 0 && sizeof(QueuedField) == 24);

}  // namespace

#ifdef DEPLOYSIM_TRACE_THREAD

namespace {
// How far ahead of the record being queued or stored its block is fetched (a few records).
constexpr size_t prefetch_ahead = 256;

constexpr size_t round_up(size_t n) { return (n + 7) & ~size_t{7}; }
}  // namespace

struct Trace::Background {
  struct Block {
    std::unique_ptr<std::byte[]> bytes;
    size_t size = 0, used = 0;
  };
  // Four blocks of 1 MiB: a hand-over is rare enough that waking the other thread costs little
  // (blocks of 128 KiB made a million-request run 20% slower), and the queue bounds the memory
  // a producer faster than the second thread can take.
  static constexpr size_t block_bytes = size_t{1} << 20, max_blocks = 4;

  std::mutex mu;
  std::condition_variable filled, emptied;
  std::deque<Block> full;    // queued for storing, oldest first
  std::vector<Block> spare;  // stored, to be filled again
  size_t blocks = 0;         // of block_bytes, allocated
  bool closing = false;
  Block current;  // being filled (the producer's alone)
  uint64_t next = 0;
  std::exception_ptr error;  // the first a store threw; later records are not stored
  std::thread thread;

  Background() { spare.reserve(max_blocks); }  // the second thread's push_back never allocates

  static Block make(size_t size) { return {std::make_unique<std::byte[]>(size), size, 0}; }

  // Queues the block being filled and takes one with room for `need` bytes.
  void hand_over(size_t need) {
    std::unique_lock lock(mu);
    if (current.used != 0) {
      full.push_back(std::move(current));
      filled.notify_one();
    } else if (current.size == block_bytes) {
      spare.push_back(std::move(current));
    }
    current = {};
    if (need > block_bytes) {  // a record bigger than a block gets one of its own, queued like one
      emptied.wait(lock, [&] { return full.size() < max_blocks; });
      lock.unlock();
      current = make(need);
      return;
    }
    emptied.wait(lock, [&] { return !spare.empty() || blocks < max_blocks; });
    if (!spare.empty()) {
      current = std::move(spare.back());
      spare.pop_back();
    } else {
      ++blocks;
      lock.unlock();
      current = make(block_bytes);
    }
  }

  // Stores the queued record at p; returns its size.
  static size_t store_one(Trace& trace, const std::byte* p) {
    const auto* h = std::launder(reinterpret_cast<const QueuedHead*>(p));
    const auto* f = std::launder(reinterpret_cast<const QueuedField*>(h + 1));
    const char* t = reinterpret_cast<const char*>(f + h->fields);
    const auto text = [&t](const char* kept, uint32_t n) {
      if (kept) return std::string_view(kept, n);
      const std::string_view copy(t, n);
      t += n;
      return copy;
    };
    RecordSpec spec;
    spec.t = Time::from_ns(h->t);
    spec.dur = Time::from_ns(h->dur);
    spec.kind = text(h->kind, h->kind_len);
    spec.narration = h->narration_len == 0 ? std::string_view{} : text(h->narration, h->narration_len);
    spec.stage = h->stage;
    spec.actor = h->actor;
    spec.from = h->from;
    spec.to = h->to;
    spec.conn = h->conn;
    spec.proc = h->proc;
    spec.cause = h->cause;
    spec.state = h->state;
    spec.outcome = h->outcome;
    spec.failure = h->failure;
    spec.reports_failure = h->reports_failure;
    alignas(FieldArg) std::byte storage[sizeof(FieldArg) * max_record_details];
    auto* args = reinterpret_cast<FieldArg*>(storage);
    for (size_t i = 0; i < h->fields; ++i) {
      const QueuedField& q = f[i];
      DetailKey key;
      key.data_ = text(q.key, q.key_len).data();
      key.size_ = q.key_len;
      key.fixed_ = q.key != nullptr;
      FieldValue value(q.value);
      value.type = q.type;
      if (q.type == FieldType::string) {
        value.number = 0;
        value.text = text(nullptr, static_cast<uint32_t>(q.value));
      }
      new (args + i) FieldArg{key, value};
    }
    trace.store(spec, std::span<const FieldArg>(args, h->fields));
    return h->bytes;
  }

  // The second thread: stores each queued record in order.
  void run(Trace& t) {
    for (;;) {
      Block b;
      {
        std::unique_lock lock(mu);
        filled.wait(lock, [&] { return !full.empty() || closing; });
        if (full.empty()) return;
        b = std::move(full.front());
        full.pop_front();
      }
      if (!error) {
        try {
          for (size_t at = 0; at < b.used;) {
            if (at + prefetch_ahead < b.used) compat::prefetch(b.bytes.get() + at + prefetch_ahead);
            at += store_one(t, b.bytes.get() + at);
          }
        } catch (...) {
          error = std::current_exception();
        }
      }
      b.used = 0;
      {
        std::lock_guard lock(mu);
        if (b.size == block_bytes) spare.push_back(std::move(b));
      }
      emptied.notify_one();
    }
  }

  // Queues what is left and waits for the second thread to store it.
  void finish() {
    {
      std::lock_guard lock(mu);
      if (current.used != 0) full.push_back(std::move(current));
      current = {};
      closing = true;
    }
    filled.notify_one();
    if (thread.joinable()) thread.join();
  }
};

void Trace::begin_background() {
  // On one core the second thread would only take turns with the first.
  static const bool two_cores = std::thread::hardware_concurrency() >= 2;
  if (bg_ || !two_cores) return;
  std::unique_ptr<Background, BackgroundEnd> b(new Background);
  b->next = records_.size();
  Background* q = b.get();
  try {
    b->thread = std::thread([this, q] { q->run(*this); });
  } catch (const std::system_error&) {
    return;  // no thread to be had: records are stored as they come
  }
  bg_ = std::move(b);
}

RecordId Trace::queue(const RecordSpec& spec, std::span<const FieldArg> fields) {
  Background& b = *bg_;
  const size_t n = fields.size();
  const bool copy_kind = !in_key_block(spec.kind.data());
  const bool copy_narration = !spec.narration.empty() && !in_key_block(spec.narration.data());
  size_t text = (copy_kind ? spec.kind.size() : 0) + (copy_narration ? spec.narration.size() : 0);
  for (const FieldArg& a : fields) {
    if (!a.key.fixed()) text += a.key.size();
    if (a.value.type == FieldType::string) text += a.value.text.size();
  }
  if (spec.kind.size() > UINT32_MAX || spec.narration.size() > UINT32_MAX || text > UINT32_MAX / 2)
    throw std::length_error("a trace record's texts are at most 2 GiB long");
  const size_t bytes = round_up(sizeof(QueuedHead) + n * sizeof(QueuedField) + text);
  if (b.current.size - b.current.used < bytes) b.hand_over(bytes);
  std::byte* p = b.current.bytes.get() + b.current.used;
  b.current.used += bytes;
  // The block's lines were last the other thread's: ask for the ones the next records will take
  // while this one is written (the first store to each line otherwise waits for it).
  if (b.current.used + prefetch_ahead < b.current.size) compat::prefetch_for_write(p + prefetch_ahead);
  auto* h = new (p) QueuedHead{spec.t.ns(),
                               spec.dur.ns(),
                               copy_kind ? nullptr : spec.kind.data(),
                               copy_narration ? nullptr : spec.narration.data(),
                               static_cast<uint32_t>(spec.kind.size()),
                               static_cast<uint32_t>(spec.narration.size()),
                               spec.actor,
                               spec.from,
                               spec.to,
                               spec.conn,
                               spec.proc,
                               spec.cause,
                               spec.stage,
                               spec.state,
                               spec.outcome,
                               spec.failure,
                               spec.reports_failure,
                               static_cast<uint8_t>(n),
                               static_cast<uint32_t>(bytes)};
  auto* f = reinterpret_cast<QueuedField*>(h + 1);
  char* t = reinterpret_cast<char*>(f + n);
  const auto keep = [&t](std::string_view s) {
    if (!s.empty()) std::memcpy(t, s.data(), s.size());
    t += s.size();
  };
  if (copy_kind) keep(spec.kind);
  if (copy_narration) keep(spec.narration);
  for (size_t i = 0; i < n; ++i) {
    const FieldArg& a = fields[i];
    const bool is_str = a.value.type == FieldType::string;
    new (f + i) QueuedField{a.key.fixed() ? a.key.data() : nullptr, static_cast<uint32_t>(a.key.size()), a.value.type,
                            is_str ? static_cast<int64_t>(a.value.text.size()) : a.value.number};
    if (!a.key.fixed()) keep(a.key.view());
    if (is_str) keep(a.value.text);
  }
  return static_cast<RecordId>(b.next++);
}

void Trace::end_background(bool rethrow) {
  if (!bg_) return;
  const std::unique_ptr<Background, BackgroundEnd> b = std::move(bg_);
  b->finish();
  if (b->error && rethrow) std::rethrow_exception(b->error);
}

void Trace::BackgroundEnd::operator()(Background* b) const {
  b->finish();
  delete b;
}

#else  // no threads: begin_background changes nothing

struct Trace::Background {};

void Trace::begin_background() {}

RecordId Trace::queue(const RecordSpec& spec, std::span<const FieldArg> fields) { return store(spec, fields); }

void Trace::end_background(bool) {}

void Trace::BackgroundEnd::operator()(Background* b) const { delete b; }

#endif

}  // namespace deploysim
