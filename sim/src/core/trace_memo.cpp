// The trace's memos of recent record classes and detail sets (see Trace::class_memo_).
#include <fmt/format.h>

#include <stdexcept>

#include "deploysim/trace.hpp"
#include "trace_hash.hpp"

namespace deploysim {

using namespace trace_hash;

namespace {

uint64_t address(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

}  // namespace

const Trace::ClassMemo* Trace::find_class_memo(const ClassKey& k, size_t& slot) {
  if (class_memo_.empty()) {
    class_memo_.resize(size_t{1} << class_memo_bits);
    set_memo_.resize(size_t{2} << set_memo_bits);
  }
  uint64_t h = fold(address(k.kind), address(k.narration) ^ (static_cast<uint64_t>(k.kind_len) << 32));
  const Shape& i = k.ids;
  h = fold(h, pack(raw(i.actor), raw(i.from)));
  h = fold(h, pack(raw(i.to), raw(i.proc)));
  h = fold(h, static_cast<uint64_t>(i.stage) | static_cast<uint64_t>(i.state) << 8 |
                  static_cast<uint64_t>(i.outcome) << 16 | static_cast<uint64_t>(i.failure) << 24 |
                  static_cast<uint64_t>(i.reports_failure) << 32 | static_cast<uint64_t>(k.narration_len) << 40);
  h = fold(h, static_cast<uint64_t>(k.dur));
  slot = h >> (64 - class_memo_bits);
  const ClassMemo& m = class_memo_[slot];
  // The same addresses may hold other text by now: a hit needs the same text too.
  if (!m.used || !(m.key == k) || !same_text(sym_text_[raw(m.kind)], k.kind, k.kind_len)) return nullptr;
  if (k.narration_len != 0 && !same_text(sym_text_[raw(m.narration)], k.narration, k.narration_len)) return nullptr;
  return &m;
}

uint32_t Trace::intern_details(std::span<const FieldArg> args, Sym kind, uint64_t& stable_hash) {
  stable_hash = 0;
  if (args.empty()) return 0;
  if (args.size() > max_details)
    throw std::length_error(fmt::format("a trace record carries at most {} details", max_details));
  const size_t n = args.size();
  // Only the n fields in use are written (a Field[] would initialise all 24 on every record).
  alignas(Field) unsigned char storage[sizeof(Field) * max_details];
  Field* tmp = reinterpret_cast<Field*>(storage);
  uint32_t layout = 0;
  if (n > memo_fields || set_memo_.empty()) return intern_details_slow(args, kind, stable_hash, tmp, layout);
  // The memo is keyed by the keys and strings only, so that a kind whose details carry a
  // latency each still skips interning and finds its layout.
  std::array<ArgKey, memo_fields> keys;
  uint64_t h = fold(fnv_offset, pack(raw(kind), static_cast<uint32_t>(n)));
  bool fits = true;
  for (size_t i = 0; i < n; ++i) {
    const FieldArg& a = args[i];
    const bool is_str = a.value.type == FieldType::string;
    fits = fits && a.key.size() <= UINT16_MAX && a.value.text.size() <= UINT32_MAX;
    keys[i] = {a.key.data(), is_str ? address(a.value.text.data()) : static_cast<uint64_t>(a.value.number),
               static_cast<uint32_t>(a.value.text.size()), static_cast<uint16_t>(a.key.size()), a.value.type};
    h = fold(h, address(a.key.data()) ^ static_cast<uint64_t>(a.value.type));
    if (is_str) h = fold(h, keys[i].value ^ static_cast<uint64_t>(keys[i].text_len) << 48);
  }
  if (!fits) return intern_details_slow(args, kind, stable_hash, tmp, layout);
  SetMemo* ways = &set_memo_[(h >> (64 - set_memo_bits)) * 2];
  for (int way = 0; way < 2; ++way) {
    SetMemo& m = ways[way];
    if (m.kind != kind || m.n != n) continue;
    bool same = true, same_numbers = true;
    for (size_t i = 0; i < n && same; ++i) {
      const ArgKey& k = keys[i];
      const ArgKey& o = m.args[i];
      const bool is_str = k.type == FieldType::string;
      same = k.key == o.key && k.key_len == o.key_len && k.type == o.type &&
             (!is_str || (k.value == o.value && k.text_len == o.text_len));
      same_numbers = same_numbers && k.value == o.value;
    }
    // Equal addresses are not enough: the caller's memory may since hold other text.
    for (size_t i = 0; i < n && same; ++i) {
      const ArgKey& k = keys[i];
      same = same_text(sym_text_[raw(m.keys[i])], k.key, k.key_len) &&
             (k.type != FieldType::string ||
              same_text(sym_text_[raw(m.values[i])], reinterpret_cast<const char*>(k.value), k.text_len));
    }
    if (!same) continue;
    if (same_numbers) {
      // What the table lookup does on finding the set.
      if (raw(kind) < new_sets_in_a_row_.size()) new_sets_in_a_row_[raw(kind)] = 0;
      stable_hash = m.hash;
      return m.set;
    }
    for (size_t i = 0; i < n; ++i)
      new (&tmp[i]) Field{m.keys[i], keys[i].type,
                          keys[i].type == FieldType::string ? static_cast<int64_t>(raw(m.values[i]))
                                                            : static_cast<int64_t>(keys[i].value)};
    m.set = finish_details(tmp, n, m.layout, kind, stable_hash);
    m.hash = stable_hash;
    for (size_t i = 0; i < n; ++i) m.args[i].value = keys[i].value;
    return m.set;
  }
  const uint32_t set = intern_details_slow(args, kind, stable_hash, tmp, layout);
  ways[1] = ways[0];
  SetMemo& m = ways[0];
  m.kind = kind;
  m.n = static_cast<uint32_t>(n);
  m.set = set;
  m.layout = layout;
  m.hash = stable_hash;
  for (size_t i = 0; i < n; ++i) {
    m.args[i] = keys[i];
    m.keys[i] = tmp[i].key;
    m.values[i] = tmp[i].type == FieldType::string ? static_cast<Sym>(tmp[i].value) : Sym::none;
  }
  return set;
}

}  // namespace deploysim
