// The trace's memo of recent records (see Trace::record_memo_).
#include <algorithm>
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

// A detail's key length, type, whether its key is fixed and its string's length, as one word. A
// string of max_text_size bytes or more is given that length, and never kept: so a caller's
// long string never matches a kept one.
constexpr uint64_t max_text_size = (uint64_t{1} << 29) - 1;
uint64_t detail_word(const FieldArg& a) {
  return static_cast<uint64_t>(a.key.size()) | static_cast<uint64_t>(a.value.type) << 32 |
         static_cast<uint64_t>(a.key.fixed()) << 34 | std::min<uint64_t>(a.value.text.size(), max_text_size) << 35;
}

}  // namespace

// Word by word: std::memcmp of 48 bytes is a call.
bool Trace::same_head(const RecordHead& a, const RecordHead& b) {
  static_assert(sizeof(RecordHead) % 8 == 0);
  uint64_t differ = 0;
  for (size_t i = 0; i < sizeof(RecordHead); i += 8) {
    uint64_t x, y;
    std::memcpy(&x, reinterpret_cast<const char*>(&a) + i, 8);
    std::memcpy(&y, reinterpret_cast<const char*>(&b) + i, 8);
    differ |= x ^ y;
  }
  return differ == 0;
}

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
    const size_t slots = size_t{1} << record_memo_bits_;
    record_memo_.assign(slots, RecordMemo{});
    memo_fields_.assign(slots * memo_fields, MemoField{});
    memo_pairs_.assign(slots / 2, MemoPair{});
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
  // a latency each still finds its entry, and skips interning. A string counts by its first and
  // last eight bytes and its length, not its address: each request's or connection's own copy of
  // a URL or an address would otherwise need an entry of its own (a million-request run had nine
  // thousand, and its memo missed the cache on most records). The same pass puts each detail in
  // the form the memo keeps.
  uint64_t h = fold(address(head.kind), address(head.narration) ^ pack(head.kind_len, head.narration_len));
  h = fold(h, pack(raw(head.actor), raw(head.from)));
  h = fold(h, pack(raw(head.to), raw(head.proc)));
  h = fold(h, static_cast<uint64_t>(head.dur) ^ head.facts << 16);
  uint64_t given_value[memo_fields], given_tail[memo_fields], given_word[memo_fields], string_mask[memo_fields];
  for (size_t i = 0; i < n; ++i) {
    const FieldArg& a = fields[i];
    const bool is_str = a.value.type == FieldType::string;
    const TextEnds e = is_str ? text_ends(a.value.text.data(), a.value.text.size()) : TextEnds{};
    given_value[i] = is_str ? e.head : static_cast<uint64_t>(a.value.number);
    given_tail[i] = e.tail;
    given_word[i] = detail_word(a);
    string_mask[i] = is_str ? ~uint64_t{0} : 0;
    h = fold(h, address(a.key.data()) ^
                    (is_str ? (e.head ^ std::rotl(e.tail, 17)) + (given_word[i] >> 35 << 48) : given_word[i]));
  }
  h |= 1;  // a tag of 0 marks an empty way

  // Two ways a slot pair: the way whose tag is this hash, else the one not used last.
  MemoPair& pair = memo_pairs_[static_cast<size_t>(h >> (64 - record_memo_bits_)) >> 1];
  const size_t way = pair.tag[0] == h ? 0 : pair.tag[1] == h ? 1 : static_cast<size_t>(pair.mru ^ 1);
  pair.mru = way;
  const size_t slot = static_cast<size_t>(&pair - memo_pairs_.data()) * 2 + way;
  RecordMemo& m = record_memo_[slot];
  MemoField* kept = &memo_fields_[slot * memo_fields];

  // Equal addresses are not enough: the caller's memory may since hold other text, so a hit needs
  // the same text too. The registered keys' texts never change: their addresses are enough. A
  // string's ends and length are all of a short one; a longer one is compared as text.
  if (pair.tag[way] == h && same_head(m.head, head) &&
      (in_key_block(head.kind) || same_text(sym_text_[raw(m.kind)], head.kind, head.kind_len)) &&
      (head.narration_len == 0 || in_key_block(head.narration) ||
       same_text(sym_text_[raw(m.narration)], head.narration, head.narration_len))) {
    // Keys, types and strings' ends must be equal; numbers may differ (another latency).
    uint64_t differ = 0, numbers_differ = 0;
    for (size_t i = 0; i < n; ++i) {
      const MemoField& k = kept[i];
      const uint64_t v = k.value ^ given_value[i];
      differ |= (address(k.key) ^ address(fields[i].key.data())) | (k.word ^ given_word[i]) | (v & string_mask[i]) |
                (k.tail ^ given_tail[i]);
      numbers_differ |= v & ~string_mask[i];
    }
    bool same = differ == 0;
    const bool same_numbers = numbers_differ == 0;
    for (uint32_t bits = m.check; bits != 0 && same; bits &= bits - 1) {
      const auto i = static_cast<size_t>(std::countr_zero(bits));
      const FieldArg& a = fields[i];
      same = (a.key.fixed() || same_text(sym_text_[raw(kept[i].key_sym)], a.key.data(), a.key.size())) &&
             (a.value.type != FieldType::string ||
              same_text(sym_text_[raw(kept[i].value_sym)], a.value.text.data(), a.value.text.size()));
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
          kept[i].value = given_value[i];
          new (&tmp[i]) Field{kept[i].key_sym, v.type,
                              v.type == FieldType::string ? static_cast<int64_t>(raw(kept[i].value_sym)) : v.number};
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
  bool keep = out.cls != wide_class;
  for (size_t i = 0; i < n; ++i) keep &= (given_word[i] >> 35) < max_text_size;
  if (!keep) {
    pair.tag[way] = 0;
    return;
  }
  pair.tag[way] = h;
  m.head = head;
  m.check = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!fields[i].key.fixed() ||
        (fields[i].value.type == FieldType::string && fields[i].value.text.size() > text_ends_whole))
      m.check |= uint32_t{1} << i;
    kept[i].key = fields[i].key.data();
    kept[i].value = given_value[i];
    kept[i].tail = given_tail[i];
    kept[i].word = given_word[i];
    kept[i].key_sym = tmp[i].key;
    kept[i].value_sym = tmp[i].type == FieldType::string ? static_cast<Sym>(tmp[i].value) : Sym::none;
  }
  m.kind = out.kind;
  m.narration = out.narration;
  m.cls = out.cls;
  m.shape_id = out.shape_id;
  m.set = out.details;
  m.layout = layout;
  m.details_hash = out.details_hash;
}

}  // namespace deploysim
