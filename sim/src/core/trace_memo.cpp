// The trace's memo of recent records (see Trace::record_memo_).
#include <bit>
#include <cstring>
#include <new>
#include <type_traits>

#include "deploysim/kinds.hpp"
#include "deploysim/trace.hpp"
#include "trace_hash.hpp"

namespace deploysim {

using namespace trace_hash;

namespace {

uint64_t address(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

// Whether two runs of details are equal, numbers included. Where a FieldArg has no padding (64-bit
// targets) that is a compare of bytes; elsewhere (wasm32: a 12-byte key before an 8-aligned
// value) member by member.
bool same_args(const FieldArg* a, const FieldArg* b, size_t n) {
  if constexpr (std::has_unique_object_representations_v<FieldArg>) {
    return n == 0 || std::memcmp(a, b, n * sizeof(FieldArg)) == 0;
  } else {
    for (size_t i = 0; i < n; ++i) {
      const DetailKey &ka = a[i].key, &kb = b[i].key;
      const FieldValue &va = a[i].value, &vb = b[i].value;
      if (ka.data() != kb.data() || ka.size() != kb.size() || ka.fixed() != kb.fixed() || va.type != vb.type ||
          va.number != vb.number || va.text.data() != vb.text.data() || va.text.size() != vb.text.size())
        return false;
    }
    return true;
  }
}

}  // namespace

void Trace::resolve_slow(const RecordSpec& spec, std::span<const FieldArg> fields, Resolved& out, Field* tmp,
                         uint32_t& layout) {
  // Strings are interned in the order they always were: kind, narration, then the details' keys
  // and values.
  out.kind = intern(spec.kind);
  out.narration = spec.narration.empty() ? out.kind : intern(spec.narration);
  out.details_hash = 0;
  out.details = fields.empty() ? 0 : intern_details_slow(fields, out.kind, out.details_hash, tmp, layout);
  Shape s{};
  s.kind = out.kind;
  s.narration = out.narration;
  s.actor = spec.actor;
  s.from = spec.from;
  s.to = spec.to;
  s.proc = spec.proc;
  s.stage = spec.stage;
  s.state = spec.state;
  s.outcome = spec.outcome;
  s.failure = spec.failure;
  s.reports_failure = spec.reports_failure;
  out.cls = intern_class(s, spec.dur.ns(), out.shape_id);
}

void Trace::resolve(const RecordSpec& spec, std::span<const FieldArg> fields, Resolved& out) {
  const size_t n = fields.size();
  // Only the n fields in use are written (a Field[] would initialise all 24 on every record).
  alignas(Field) unsigned char storage[sizeof(Field) * max_details];
  Field* tmp = reinterpret_cast<Field*>(storage);
  uint32_t layout = 0;
  if (n > memo_fields || spec.kind.size() > UINT32_MAX || spec.narration.size() > UINT32_MAX)
    return resolve_slow(spec, fields, out, tmp, layout);
  if (record_memo_misses_ >= (record_memo_.size() << 1) && record_memo_bits_ < record_memo_max_bits) {
    // A memo is only a cache: a bigger one starts empty.
    record_memo_bits_ = record_memo_bits_ == 0 ? record_memo_min_bits : record_memo_bits_ + 1;
    record_memo_.assign(size_t{1} << record_memo_bits_, RecordMemo{});
    record_memo_misses_ = 0;
  }

  static_assert(std::has_unique_object_representations_v<RecordHead>);  // compared as bytes
  RecordHead head;
  head.kind = spec.kind.data();
  head.narration = spec.narration.data();
  head.kind_len = static_cast<uint32_t>(spec.kind.size());
  head.narration_len = static_cast<uint32_t>(spec.narration.size());
  head.actor = spec.actor;
  head.from = spec.from;
  head.to = spec.to;
  head.proc = spec.proc;
  head.dur = spec.dur.ns();
  head.facts = static_cast<uint64_t>(spec.stage) | static_cast<uint64_t>(spec.state) << 8 |
               static_cast<uint64_t>(spec.outcome) << 16 | static_cast<uint64_t>(spec.failure) << 24 |
               static_cast<uint64_t>(spec.reports_failure) << 32 | static_cast<uint64_t>(n) << 40;
  // The slot hashes what the caller passed but the details' numbers: a kind whose details carry
  // a latency each still finds its entry, and skips interning.
  uint64_t h = fold(address(head.kind), address(head.narration) ^ pack(head.kind_len, head.narration_len));
  h = fold(h, pack(raw(head.actor), raw(head.from)));
  h = fold(h, pack(raw(head.to), raw(head.proc)));
  h = fold(h, static_cast<uint64_t>(head.dur) ^ head.facts << 16);
  for (const FieldArg& a : fields)
    h = fold(h, address(a.key.data()) ^
                    (a.value.type == FieldType::string
                         ? address(a.value.text.data()) + (static_cast<uint64_t>(a.value.text.size()) << 48)
                         : static_cast<uint64_t>(a.value.type)));
  // Two ways a slot pair: the way whose tag is this hash, else the one not used last.
  const size_t pair = static_cast<size_t>(h >> (64 - record_memo_bits_)) & ~size_t{1};
  RecordMemo& first = record_memo_[pair];
  const size_t way = first.used && first.tag == h                                     ? 0
                     : record_memo_[pair + 1].used && record_memo_[pair + 1].tag == h ? 1
                                                                                      : size_t{first.mru} ^ 1;
  RecordMemo& m = record_memo_[pair + way];
  first.mru = static_cast<uint8_t>(way);

  // Equal addresses are not enough: the caller's memory may since hold other text, so a hit
  // needs the same text too.
  // The registered keys' texts never change: their addresses are enough.
  if (m.used && m.tag == h && std::memcmp(&m.head, &head, sizeof head) == 0 &&
      (in_key_block(head.kind) || same_text(m.kind_text, head.kind, head.kind_len)) &&
      (head.narration_len == 0 || in_key_block(head.narration) ||
       same_text(m.narration_text, head.narration, head.narration_len))) {
    auto* stored = reinterpret_cast<FieldArg*>(m.args);
    const bool same_numbers = same_args(stored, fields.data(), n);
    bool same = same_numbers;
    if (!same) {
      // Other numbers, or other details: take the caller's numbers and compare again. A miss
      // rewrites the entry anyway.
      for (size_t i = 0; i < n; ++i)
        if (stored[i].value.type != FieldType::string) stored[i].value.number = fields[i].value.number;
      same = same_args(stored, fields.data(), n);
    }
    for (uint32_t bits = m.check; bits != 0 && same; bits &= bits - 1) {
      const auto i = static_cast<size_t>(std::countr_zero(bits));
      const FieldArg& a = fields[i];
      same =
          (a.key.fixed() || same_text(m.key_text[i], a.key.data(), a.key.size())) &&
          (a.value.type != FieldType::string || same_text(m.value_text[i], a.value.text.data(), a.value.text.size()));
    }
    if (same) {
      out.kind = m.kind;
      out.narration = m.narration;
      out.cls = m.cls;
      out.shape_id = m.shape_id;
      if (same_numbers) {
        // What the set table's lookup does on finding the set.
        if (n != 0 && raw(m.kind) < new_sets_in_a_row_.size()) new_sets_in_a_row_[raw(m.kind)] = 0;
      } else {
        for (size_t i = 0; i < n; ++i) {
          const FieldValue& v = fields[i].value;
          new (&tmp[i])
              Field{m.keys[i], v.type, v.type == FieldType::string ? static_cast<int64_t>(raw(m.values[i])) : v.number};
        }
        m.set = finish_details(tmp, n, m.layout, m.kind, m.details_hash);
      }
      out.details = m.set;
      out.details_hash = m.details_hash;
      return;
    }
  }

  resolve_slow(spec, fields, out, tmp, layout);
  ++record_memo_misses_;
  if (out.cls == wide_class) {
    m.used = false;  // its numbers may have been overwritten above
    return;
  }
  m.head = head;
  m.tag = h;
  if (n != 0) std::memcpy(m.args, fields.data(), n * sizeof(FieldArg));
  m.kind_text = sym_text_[raw(out.kind)];
  m.narration_text = sym_text_[raw(out.narration)];
  m.check = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!fields[i].key.fixed() || fields[i].value.type == FieldType::string) m.check |= uint32_t{1} << i;
    m.keys[i] = tmp[i].key;
    m.key_text[i] = sym_text_[raw(tmp[i].key)];
    const bool is_str = tmp[i].type == FieldType::string;
    m.values[i] = is_str ? static_cast<Sym>(tmp[i].value) : Sym::none;
    m.value_text[i] = is_str ? sym_text_[static_cast<size_t>(tmp[i].value)] : nullptr;
  }
  m.kind = out.kind;
  m.narration = out.narration;
  m.cls = out.cls;
  m.shape_id = out.shape_id;
  m.set = out.details;
  m.layout = layout;
  m.details_hash = out.details_hash;
  m.used = true;
}

}  // namespace deploysim
