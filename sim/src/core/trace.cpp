#include "deploysim/trace.hpp"

#include "trace_hash.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <new>
#include <stdexcept>

namespace deploysim {

using namespace trace_hash;

namespace {

const char* const stage_names[] = {"dns",        "tcp",  "tls",    "http",   "proxy",  "process",
                                   "supervisor", "cert", "memory", "deploy", "client", "fault"};
static_assert(sizeof(stage_names) / sizeof(stage_names[0]) == static_cast<size_t>(Stage::count));

}  // namespace

const char* stage_name(Stage s) {
  const auto i = static_cast<size_t>(s);
  return i < static_cast<size_t>(Stage::count) ? stage_names[i] : "unknown";
}

Stage stage_from_name(const char* name) {
  for (size_t i = 0; i < static_cast<size_t>(Stage::count); ++i)
    if (std::strcmp(stage_names[i], name) == 0) return static_cast<Stage>(i);
  return Stage::count;
}

Trace::Trace() : fingerprint_(fnv_offset) {
  set_begin_.push_back(0);  // detail set 0: empty
  layout_begin_.push_back(0);
  set_table_.assign(64, 0);
  shape_table_.assign(64, 0);
  class_table_.assign(64, 0);
  layout_table_.assign(64, 0);
}

Trace::Trace(const Trace& o)
    : records_(o.records_),
      group_base_(o.group_base_),
      wide_(o.wide_),
      classes_(o.classes_),
      class_table_(o.class_table_),
      shapes_(o.shapes_),
      shape_table_(o.shape_table_),
      strings_(o.strings_),
      string_hashes_(o.string_hashes_),
      node_names_(o.node_names_),
      node_roles_(o.node_roles_),
      node_hosts_(o.node_hosts_),
      node_index_(o.node_index_),
      set_bytes_(o.set_bytes_),
      set_begin_(o.set_begin_),
      layout_keys_(o.layout_keys_),
      layout_begin_(o.layout_begin_),
      layout_table_(o.layout_table_),
      kind_layout_(o.kind_layout_),
      set_table_(o.set_table_),
      set_entries_(o.set_entries_),
      new_sets_in_a_row_(o.new_sets_in_a_row_),
      fingerprint_(o.fingerprint_) {
  // The index and sym_text_ point into strings_: they must point into this copy's strings.
  string_index_.reserve(strings_.size());
  sym_text_.reserve(strings_.size());
  for (size_t i = 0; i < strings_.size(); ++i) {
    string_index_.emplace(std::string_view(strings_[i]), static_cast<Sym>(i));
    sym_text_.push_back(strings_[i].data());
  }
}

Trace& Trace::operator=(const Trace& o) {
  if (this != &o) *this = Trace(o);
  return *this;
}

Trace::Trace(Trace&&) noexcept = default;
Trace& Trace::operator=(Trace&&) noexcept = default;
Trace::~Trace() { end_background(false); }

DetailKey DetailKey::runtime(std::string_view s) {
  if (s.size() > UINT32_MAX) throw std::length_error("a detail key is at most 4 GiB long");
  DetailKey k;
  k.data_ = s.data();
  k.size_ = static_cast<uint32_t>(s.size());
  return k;
}

Sym Trace::intern(std::string_view s) {
  const auto addr = reinterpret_cast<uintptr_t>(s.data());
  RecentSym* set = &recent_[(((addr ^ s.size()) * 0x9e3779b97f4a7c15ULL) >> (64 - recent_set_bits)) * 2];
  // The caller's memory may since hold other text of the same length: compare the text too.
  for (int way = 0; way < 2; ++way) {
    const RecentSym& r = set[way];
    if (r.data == s.data() && r.size == s.size() && r.sym != Sym::none &&
        same_text(sym_text_[raw(r.sym)], s.data(), s.size()))
      return r.sym;
  }
  Sym id;
  if (auto it = string_index_.find(s); it != string_index_.end()) {
    id = it->second;
  } else {
    id = static_cast<Sym>(strings_.size());
    const std::string& stored = strings_.emplace_back(s);
    string_hashes_.push_back(fnv1a(stored));
    sym_text_.push_back(stored.data());
    string_index_.emplace(std::string_view(stored), id);
  }
  // The newest in the first way, the one it displaces in the second. Longer texts are not
  // remembered (none of the models' are): their size would not fit.
  if (s.size() <= UINT32_MAX) {
    set[1] = set[0];
    set[0] = {s.data(), static_cast<uint32_t>(s.size()), id};
  }
  return id;
}

Sym Trace::find_sym(std::string_view s) const {
  auto it = string_index_.find(s);
  return it == string_index_.end() ? Sym::none : it->second;
}

std::string_view Trace::str(Sym s) const {
  return s == Sym::none || raw(s) >= strings_.size() ? std::string_view{} : strings_[raw(s)];
}

NodeId Trace::node(std::string_view name) {
  if (auto it = node_index_.find(name); it != node_index_.end()) return it->second;
  const auto id = static_cast<NodeId>(node_names_.size());
  node_names_.emplace_back(name);
  node_roles_.push_back(NodeRole::other);
  node_hosts_.push_back(-1);
  node_index_.emplace(std::string(name), id);
  return id;
}

NodeId Trace::node(std::string_view name, NodeRole role, int32_t host) {
  const NodeId id = node(name);
  if (node_roles_[raw(id)] == NodeRole::other && node_hosts_[raw(id)] < 0) {
    node_roles_[raw(id)] = role;
    node_hosts_[raw(id)] = host;
  }
  return id;
}

NodeRole Trace::node_role(NodeId id) const {
  return id == NodeId::none || raw(id) >= node_roles_.size() ? NodeRole::other : node_roles_[raw(id)];
}

int32_t Trace::node_host(NodeId id) const {
  return id == NodeId::none || raw(id) >= node_hosts_.size() ? -1 : node_hosts_[raw(id)];
}

NodeId Trace::find_node(std::string_view name) const {
  auto it = node_index_.find(name);
  return it == node_index_.end() ? NodeId::none : it->second;
}

std::string_view Trace::node_name(NodeId id) const {
  return id == NodeId::none || raw(id) >= node_names_.size() ? std::string_view{} : node_names_[raw(id)];
}

namespace {

uint64_t facts_word(ProcState state, Outcome outcome, FailureCause failure, bool reports_failure) {
  return static_cast<uint64_t>(state) | static_cast<uint64_t>(outcome) << 8 | static_cast<uint64_t>(failure) << 16 |
         static_cast<uint64_t>(reports_failure) << 24;
}

uint64_t shape_hash(uint64_t kind, uint64_t narration, uint64_t actor, uint64_t from, uint64_t to, uint64_t proc,
                    uint64_t stage, uint64_t facts) {
  uint64_t h = fold(fnv_offset, pack(static_cast<uint32_t>(kind), static_cast<uint32_t>(narration)));
  h = fold(h, pack(static_cast<uint32_t>(actor), static_cast<uint32_t>(from)));
  h = fold(h, pack(static_cast<uint32_t>(to), static_cast<uint32_t>(proc)));
  return fold(h, stage | facts << 8);
}

// Linear probing at a load factor of at most 3/4 keeps probes short and the tables small.
bool over_load(size_t entries, size_t table_size) { return entries * 4 > table_size * 3; }

}  // namespace

uint32_t Trace::intern_shape(const Shape& s) {
  const uint64_t h =
      shape_hash(raw(s.kind), raw(s.narration), raw(s.actor), raw(s.from), raw(s.to), raw(s.proc),
                 static_cast<uint64_t>(s.stage), facts_word(s.state, s.outcome, s.failure, s.reports_failure));
  const size_t mask = shape_table_.size() - 1;
  size_t i = h & mask;
  for (; shape_table_[i] != 0; i = (i + 1) & mask)
    if (shapes_[shape_table_[i] - 1] == s) return shape_table_[i] - 1;
  shapes_.push_back(s);
  shape_table_[i] = static_cast<uint32_t>(shapes_.size());
  if (over_load(shapes_.size(), shape_table_.size())) grow_shape_table();
  return static_cast<uint32_t>(shapes_.size() - 1);
}

void Trace::grow_shape_table() {
  std::vector<uint32_t> table(shape_table_.size() * 2, 0);
  const size_t mask = table.size() - 1;
  for (size_t id = 0; id < shapes_.size(); ++id) {
    const Shape& s = shapes_[id];
    size_t i =
        shape_hash(raw(s.kind), raw(s.narration), raw(s.actor), raw(s.from), raw(s.to), raw(s.proc),
                   static_cast<uint64_t>(s.stage), facts_word(s.state, s.outcome, s.failure, s.reports_failure)) &
        mask;
    while (table[i] != 0) i = (i + 1) & mask;
    table[i] = static_cast<uint32_t>(id + 1);
  }
  shape_table_ = std::move(table);
}

namespace {

uint64_t class_hash(uint64_t shape, int64_t dur) { return fold(shape, static_cast<uint64_t>(dur)); }

uint64_t layout_hash(const Field* f, size_t n) {
  uint64_t h = fold(fnv_offset, n);
  for (size_t k = 0; k < n; ++k)
    h = fold(h, static_cast<uint64_t>(raw(f[k].key)) << 8 | static_cast<uint64_t>(f[k].type));
  return h;
}

// LEB128: seven bits a byte, low bits first, the top bit set on all bytes but the last.
uint8_t* put_varint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* get_varint(const uint8_t* p, uint64_t& v) {
  uint64_t r = 0;
  unsigned shift = 0;
  for (; *p & 0x80; ++p, shift += 7) r |= static_cast<uint64_t>(*p & 0x7f) << shift;
  v = r | static_cast<uint64_t>(*p) << shift;
  return p + 1;
}

// Small magnitudes of either sign become small unsigned numbers: 0, -1, 1, -2 -> 0, 1, 2, 3.
uint64_t zigzag(int64_t v) { return static_cast<uint64_t>(v) << 1 ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

}  // namespace

uint32_t Trace::intern_class(const Shape& s, int64_t dur, uint32_t& shape_id) {
  const uint64_t h = class_hash(
      shape_hash(raw(s.kind), raw(s.narration), raw(s.actor), raw(s.from), raw(s.to), raw(s.proc),
                 static_cast<uint64_t>(s.stage), facts_word(s.state, s.outcome, s.failure, s.reports_failure)),
      dur);
  const size_t mask = class_table_.size() - 1;
  size_t i = h & mask;
  for (; class_table_[i] != 0; i = (i + 1) & mask) {
    const Class& c = classes_[class_table_[i] - 1];
    if (c.dur == dur && c.shape == s) {
      shape_id = c.shape_id;
      return class_table_[i] - 1;
    }
  }
  shape_id = intern_shape(s);
  // Flight times that vary per record would make a class per record: past 65,535 classes the
  // records that need a new one are stored wide.
  if (classes_.size() >= wide_class) return wide_class;
  classes_.push_back({s, dur, shape_id});
  class_table_[i] = static_cast<uint32_t>(classes_.size());
  if (over_load(classes_.size(), class_table_.size())) grow_class_table();
  return static_cast<uint32_t>(classes_.size() - 1);
}

void Trace::grow_class_table() {
  std::vector<uint32_t> table(class_table_.size() * 2, 0);
  const size_t mask = table.size() - 1;
  for (size_t id = 0; id < classes_.size(); ++id) {
    const Shape& s = classes_[id].shape;
    size_t i = class_hash(shape_hash(raw(s.kind), raw(s.narration), raw(s.actor), raw(s.from), raw(s.to), raw(s.proc),
                                     static_cast<uint64_t>(s.stage),
                                     facts_word(s.state, s.outcome, s.failure, s.reports_failure)),
                          classes_[id].dur) &
               mask;
    while (table[i] != 0) i = (i + 1) & mask;
    table[i] = static_cast<uint32_t>(id + 1);
  }
  class_table_ = std::move(table);
}

// Hashes the text of a detail set, not its Sym numbers, so the hash (which enters the
// fingerprint) does not depend on the order strings were interned in.
uint64_t Trace::set_hash(const Field* f, size_t n) const {
  uint64_t h = fnv_offset;
  for (size_t i = 0; i < n; ++i) {
    const bool is_str = f[i].type == FieldType::string;
    h = fold(h, string_hashes_[raw(f[i].key)] + static_cast<uint64_t>(f[i].type));
    h = fold(h, is_str ? string_hashes_[static_cast<size_t>(f[i].value)] : static_cast<uint64_t>(f[i].value));
  }
  return h;
}

void Trace::grow_set_table() {
  std::vector<uint64_t> table(set_table_.size() * 2, 0);
  const size_t mask = table.size() - 1;
  for (const uint64_t entry : set_table_) {
    if (entry == 0) continue;
    size_t i = (entry >> 32) & mask;
    while (table[i] != 0) i = (i + 1) & mask;
    table[i] = entry;
  }
  set_table_ = std::move(table);
}

uint32_t Trace::intern_layout(const Field* f, size_t n, Sym kind) {
  auto matches = [&](uint32_t id) {
    const uint32_t b = layout_begin_[id];
    if (layout_begin_[id + 1] - b != n) return false;
    for (size_t k = 0; k < n; ++k)
      if (layout_keys_[b + k].key != f[k].key || layout_keys_[b + k].type != f[k].type) return false;
    return true;
  };
  // Most kinds always carry the same keys: try the kind's last layout before hashing.
  if (raw(kind) >= kind_layout_.size()) kind_layout_.resize(raw(kind) + 1, 0);
  uint32_t& last = kind_layout_[raw(kind)];
  if (last != 0 && matches(last - 1)) return last - 1;
  size_t mask = layout_table_.size() - 1;
  size_t i = layout_hash(f, n) & mask;
  for (; layout_table_[i] != 0; i = (i + 1) & mask)
    if (matches(layout_table_[i] - 1)) {
      last = layout_table_[i];
      return last - 1;
    }
  const auto id = static_cast<uint32_t>(layout_begin_.size() - 1);
  for (size_t k = 0; k < n; ++k) layout_keys_.push_back({f[k].key, f[k].type});
  layout_begin_.push_back(static_cast<uint32_t>(layout_keys_.size()));
  layout_table_[i] = id + 1;
  last = id + 1;
  if (over_load(id + 1, layout_table_.size())) {
    std::vector<uint32_t> table(layout_table_.size() * 2, 0);
    mask = table.size() - 1;
    std::vector<Field> keys;
    for (uint32_t l = 0; l + 1 < layout_begin_.size(); ++l) {
      keys.clear();
      for (uint32_t k = layout_begin_[l]; k < layout_begin_[l + 1]; ++k)
        keys.push_back({layout_keys_[k].key, layout_keys_[k].type, 0});
      size_t j = layout_hash(keys.data(), keys.size()) & mask;
      while (table[j] != 0) j = (j + 1) & mask;
      table[j] = l + 1;
    }
    layout_table_ = std::move(table);
  }
  return id;
}

uint32_t Trace::intern_details_slow(std::span<const FieldArg> args, Sym kind, uint64_t& stable_hash, Field* tmp,
                                    uint32_t& layout_out) {
  const size_t n = args.size();
  // Most kinds carry the same keys every time: when the texts are those of the kind's last
  // layout, its keys are taken without interning them one by one.
  if (raw(kind) >= kind_layout_.size()) kind_layout_.resize(raw(kind) + 1, 0);
  uint32_t layout = kind_layout_[raw(kind)];
  if (layout != 0) {
    const uint32_t b = layout_begin_[layout - 1];
    bool same = layout_begin_[layout] - b == n;
    for (size_t i = 0; i < n && same; ++i) {
      const LayoutKey& k = layout_keys_[b + i];
      const std::string& text = strings_[raw(k.key)];
      same = k.type == args[i].value.type && text.size() == args[i].key.size() &&
             same_text(text.data(), args[i].key.data(), text.size());
    }
    if (same)
      for (size_t i = 0; i < n; ++i) new (&tmp[i]) Field{layout_keys_[b + i].key, args[i].value.type, 0};
    else
      layout = 0;
  }
  for (size_t i = 0; i < n; ++i) {
    const FieldArg& a = args[i];
    if (layout == 0) new (&tmp[i]) Field{intern(a.key.view()), a.value.type, 0};
    tmp[i].value = a.value.type == FieldType::string ? static_cast<int64_t>(raw(intern(a.value.text))) : a.value.number;
  }
  if (layout == 0) layout = intern_layout(tmp, n, kind) + 1;
  layout_out = layout;
  return finish_details(tmp, n, layout, kind, stable_hash);
}

uint32_t Trace::finish_details(const Field* tmp, size_t n, uint32_t layout, Sym kind, uint64_t& stable_hash) {
  const uint64_t h = set_hash(tmp, n);
  stable_hash = h;
  // The set as stored: one encoding per set, so equal sets have equal bytes.
  uint8_t bytes[max_set_bytes];
  uint8_t* end = put_varint(bytes, layout - 1);
  for (size_t k = 0; k < n; ++k)
    end =
        put_varint(end, tmp[k].type == FieldType::string ? static_cast<uint64_t>(tmp[k].value) : zigzag(tmp[k].value));
  const auto len = static_cast<size_t>(end - bytes);
  if (raw(kind) >= new_sets_in_a_row_.size()) new_sets_in_a_row_.resize(raw(kind) + 1, 0);
  uint32_t& fresh = new_sets_in_a_row_[raw(kind)];
  if (fresh >= 64 && fresh % 64 != 0) {
    ++fresh;
    return store_set(bytes, len);
  }
  // An entry is the set id under the low 32 bits of its hash: most mismatches are rejected
  // without touching the bytes, and growing the table needs no rehashing.
  const uint64_t tag = (h & 0xffffffffULL) << 32;
  const size_t mask = set_table_.size() - 1;
  size_t i = h & mask;
  for (; set_table_[i] != 0; i = (i + 1) & mask) {
    if ((set_table_[i] & 0xffffffff00000000ULL) != tag) continue;
    const auto set = static_cast<uint32_t>(set_table_[i]);
    if (same_set(set, bytes, len)) {
      fresh = 0;
      return set;
    }
  }
  ++fresh;
  const uint32_t set = store_set(bytes, len);
  set_table_[i] = tag | set;
  if (over_load(++set_entries_, set_table_.size())) grow_set_table();
  return set;
}

bool Trace::same_set(uint32_t set, const uint8_t* bytes, size_t n) const {
  // The encoding is prefix-free (the layout fixes the number of varints), so two different sets
  // differ within the shorter one: the loop never reads past the stored set.
  const uint8_t* stored = &set_bytes_[set_begin_[set]];
  for (size_t k = 0; k < n; ++k)
    if (stored[k] != bytes[k]) return false;
  return true;
}

uint32_t Trace::store_set(const uint8_t* bytes, size_t n) {
  const size_t first = set_bytes_.append_copy(bytes, n);  // a set never spans two chunks
  if (first > UINT32_MAX) throw std::length_error("a trace holds at most 4 GiB of detail sets");
  const auto set = static_cast<uint32_t>(set_begin_.size());
  set_begin_.push_back(static_cast<uint32_t>(first));
  return set;
}

RecordId Trace::append(const RecordSpec& spec, std::initializer_list<FieldArg> fields) {
  return append(spec, std::span<const FieldArg>(fields.begin(), fields.size()));
}

RecordId Trace::append(const RecordSpec& spec, std::span<const FieldArg> fields) {
  if (fields.size() > max_details)
    throw std::length_error(fmt::format("a trace record carries at most {} details", max_details));
  return bg_ ? queue(spec, fields) : store(spec, fields);
}

RecordId Trace::store(const RecordSpec& spec, std::span<const FieldArg> fields) {
  Resolved r;
  resolve(spec, fields, r);
  const int64_t t_ns = spec.t.ns(), dur_ns = spec.dur.ns();

  uint64_t h = fingerprint_;
  h = fold(h, static_cast<uint64_t>(t_ns));
  h = fold(h, static_cast<uint64_t>(dur_ns));
  h = fold(h, string_hashes_[raw(r.kind)]);
  h = fold(h, string_hashes_[raw(r.narration)]);
  h = fold(h, pack(raw(spec.actor), raw(spec.from)));
  h = fold(h, pack(raw(spec.to), raw(spec.conn)));
  h = fold(h, pack(raw(spec.proc), raw(spec.cause)));
  h = fold(h, r.details_hash + static_cast<uint64_t>(spec.stage));
  fingerprint_ = h;

  static_assert(sizeof(Packed) == record_bytes);
  const size_t index = records_.size();
  if ((index & ((size_t{1} << group_bits) - 1)) == 0) group_base_.push_back(t_ns);
  const int64_t base = group_base_.back();
  const uint32_t cls = r.cls;
  const uint32_t cause = raw(spec.cause);
  const bool t_fits = t_ns >= base && static_cast<uint64_t>(t_ns) - static_cast<uint64_t>(base) <= UINT32_MAX;
  const bool cause_fits = spec.cause == RecordId::none || (cause < index && index - cause <= UINT16_MAX);
  Packed p;
  p.conn = raw(spec.conn);
  p.details = r.details;
  if (t_fits && cause_fits && cls != wide_class) {
    p.t = static_cast<uint32_t>(static_cast<uint64_t>(t_ns) - static_cast<uint64_t>(base));
    p.cls = static_cast<uint16_t>(cls);
    p.back = spec.cause == RecordId::none ? 0 : static_cast<uint16_t>(index - cause);
  } else {
    p.t = 0;
    p.cls = wide_class;
    p.back = 0;
    wide_.push_back({static_cast<uint32_t>(index), r.shape_id, cause, t_ns, dur_ns});
  }
  records_.push_back(p);
  return static_cast<RecordId>(index);
}

const Trace::Wide& Trace::wide_of(size_t i) const {
  return *std::lower_bound(wide_.begin(), wide_.end(), i, [](const Wide& w, size_t v) { return w.index < v; });
}

std::optional<size_t> Trace::find_nth(Sym s, long nth) const {
  auto wide = wide_.begin();  // index ascending: walked along, not searched for each record
  for (size_t i = 0; i < records_.size(); ++i) {
    const Packed& p = records_[i];
    if (p.cls == wide_class)
      while (wide->index != i) ++wide;
    const Shape* shape = p.cls == wide_class ? &shapes_[wide->shape] : &classes_[p.cls].shape;
    if ((shape->kind == s || shape->narration == s) && --nth <= 0) return i;
  }
  return std::nullopt;
}

Record Trace::decode_wide(size_t i, const Packed& p) const {
  const Wide& w = wide_of(i);
  const Shape& s = shapes_[w.shape];
  Record r;
  r.t_ns = w.t;
  r.dur_ns = w.dur;
  r.kind = s.kind;
  r.narration = s.narration;
  r.actor = s.actor;
  r.from = s.from;
  r.to = s.to;
  r.conn = static_cast<ConnId>(p.conn);
  r.proc = s.proc;
  r.cause = static_cast<RecordId>(w.cause);
  r.details = p.details;
  r.stage = s.stage;
  r.state = s.state;
  r.outcome = s.outcome;
  r.failure = s.failure;
  r.reports_failure = s.reports_failure;
  return r;
}

Details Trace::details(const Record& r) const {
  Details d;
  if (r.details == 0 || r.details >= set_begin_.size()) return d;
  const uint8_t* p = &set_bytes_[set_begin_[r.details]];
  uint64_t v = 0;
  p = get_varint(p, v);
  const uint32_t end = layout_begin_[v + 1];
  for (uint32_t k = layout_begin_[v]; k < end; ++k) {
    Field& f = d.fields_[d.size_++];
    f.key = layout_keys_[k].key;
    f.type = layout_keys_[k].type;
    p = get_varint(p, v);
    f.value = f.type == FieldType::string ? static_cast<int64_t>(v) : unzigzag(v);
  }
  return d;
}

std::string_view Trace::detail_str(const Record& r, std::string_view key) const {
  for (const Field& f : details(r))
    if (str(f.key) == key && f.type == FieldType::string) return str(static_cast<Sym>(f.value));
  return {};
}

int64_t Trace::detail_int(const Record& r, std::string_view key, int64_t fallback) const {
  for (const Field& f : details(r))
    if (str(f.key) == key && f.type != FieldType::string) return f.value;
  return fallback;
}

std::string Trace::fingerprint_hex() const { return fmt::format("{:016x}", fingerprint_); }

size_t Trace::memory_bytes() const {
  size_t n =
      records_.memory_bytes() + group_base_.capacity() * sizeof(int64_t) + wide_.capacity() * sizeof(Wide) +
      classes_.capacity() * sizeof(Class) + class_table_.capacity() * sizeof(uint32_t) +
      shapes_.capacity() * sizeof(Shape) + shape_table_.capacity() * sizeof(uint32_t) + set_bytes_.memory_bytes() +
      set_begin_.memory_bytes() + layout_keys_.capacity() * sizeof(LayoutKey) +
      (layout_begin_.capacity() + layout_table_.capacity() + kind_layout_.capacity() + new_sets_in_a_row_.capacity()) *
          sizeof(uint32_t) +
      set_table_.capacity() * sizeof(uint64_t) + string_hashes_.capacity() * sizeof(uint64_t) +
      sym_text_.capacity() * sizeof(const char*) + record_memo_.capacity() * sizeof(RecordMemo) +
      memo_fields_.capacity() * sizeof(MemoField) + memo_pairs_.capacity() * sizeof(MemoPair);
  // Each string: its deque element, its heap buffer when longer than the SSO, and a hash node.
  for (const auto& s : strings_) n += sizeof(std::string) + (s.size() > 15 ? s.capacity() + 1 : 0) + 48;
  for (const auto& s : node_names_) n += 2 * sizeof(std::string) + 2 * (s.capacity() + 1) + 48;
  n += node_roles_.capacity() * sizeof(NodeRole) + node_hosts_.capacity() * sizeof(int32_t);
  return n;
}

}  // namespace deploysim
