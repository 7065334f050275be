#include "deploysim/trace.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>

namespace deploysim {

namespace {

constexpr uint64_t fnv_offset = 0xcbf29ce484222325ULL;
constexpr uint64_t fnv_prime = 0x100000001b3ULL;

uint64_t fnv1a(std::string_view s) {
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

uint64_t pack(uint32_t hi, uint32_t lo) { return (static_cast<uint64_t>(hi) << 32) | lo; }

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
  set_size_.push_back(0);
  set_table_.assign(64, 0);
  shape_table_.assign(64, 0);
}

Trace::Trace(const Trace& o)
    : records_(o.records_),
      long_durs_(o.long_durs_),
      shapes_(o.shapes_),
      shape_table_(o.shape_table_),
      strings_(o.strings_),
      string_hashes_(o.string_hashes_),
      node_names_(o.node_names_),
      node_roles_(o.node_roles_),
      node_hosts_(o.node_hosts_),
      node_index_(o.node_index_),
      fields_(o.fields_),
      set_begin_(o.set_begin_),
      set_size_(o.set_size_),
      set_table_(o.set_table_),
      set_entries_(o.set_entries_),
      new_sets_in_a_row_(o.new_sets_in_a_row_),
      fingerprint_(o.fingerprint_) {
  // The index holds views into strings_: they must point into this copy's strings.
  string_index_.reserve(strings_.size());
  for (size_t i = 0; i < strings_.size(); ++i)
    string_index_.emplace(std::string_view(strings_[i]), static_cast<Sym>(i));
}

Trace& Trace::operator=(const Trace& o) {
  if (this != &o) *this = Trace(o);
  return *this;
}

Sym Trace::intern(std::string_view s) {
  const auto addr = reinterpret_cast<uintptr_t>(s.data());
  RecentSym& recent = recent_[((addr ^ s.size()) * 0x9e3779b97f4a7c15ULL) >> 56];
  // The caller's memory may since hold other text of the same length: compare the text too.
  if (recent.sym != Sym::none && recent.data == s.data() && recent.size == s.size() && str(recent.sym) == s)
    return recent.sym;
  Sym id;
  if (auto it = string_index_.find(s); it != string_index_.end()) {
    id = it->second;
  } else {
    id = static_cast<Sym>(strings_.size());
    const std::string& stored = strings_.emplace_back(s);
    string_hashes_.push_back(fnv1a(stored));
    string_index_.emplace(std::string_view(stored), id);
  }
  recent = {s.data(), s.size(), id};
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

uint32_t Trace::intern_details(std::span<const FieldArg> args, Sym kind, uint64_t& stable_hash) {
  stable_hash = 0;
  if (args.empty()) return 0;
  if (args.size() > max_details)
    throw std::length_error(fmt::format("a trace record carries at most {} details", max_details));
  Field tmp[max_details];
  const size_t n = args.size();
  for (size_t i = 0; i < n; ++i) {
    Field& f = tmp[i];
    f.key = intern(args[i].key);
    f.type = args[i].value.type;
    f.value =
        f.type == FieldType::string ? static_cast<int64_t>(raw(intern(args[i].value.text))) : args[i].value.number;
  }
  const uint64_t h = set_hash(tmp, n);
  stable_hash = h;
  if (raw(kind) >= new_sets_in_a_row_.size()) new_sets_in_a_row_.resize(raw(kind) + 1, 0);
  uint32_t& fresh = new_sets_in_a_row_[raw(kind)];
  if (fresh >= 64 && fresh % 64 != 0) {
    ++fresh;
    return store_set(tmp, n);
  }
  // An entry is the set id under the low 32 bits of its hash: most mismatches are rejected
  // without touching the fields, and growing the table needs no rehashing.
  const uint64_t tag = (h & 0xffffffffULL) << 32;
  const size_t mask = set_table_.size() - 1;
  size_t i = h & mask;
  for (; set_table_[i] != 0; i = (i + 1) & mask) {
    if ((set_table_[i] & 0xffffffff00000000ULL) != tag) continue;
    const auto set = static_cast<uint32_t>(set_table_[i]);
    if (set_size_[set] != n) continue;
    const Field* stored = &fields_[set_begin_[set]];
    bool same = true;
    for (size_t k = 0; k < n && same; ++k) same = stored[k] == tmp[k];
    if (same) {
      fresh = 0;
      return set;
    }
  }
  ++fresh;
  const uint32_t set = store_set(tmp, n);
  set_table_[i] = tag | set;
  if (over_load(++set_entries_, set_table_.size())) grow_set_table();
  return set;
}

uint32_t Trace::store_set(const Field* tmp, size_t n) {
  // A set's fields stay contiguous: when they would cross a chunk boundary, the chunk's tail
  // is left unused (at most max_details - 1 fields per chunk).
  if (fields_.room_in_chunk() < n)
    for (size_t pad = fields_.room_in_chunk(); pad > 0; --pad) fields_.push_back(Field{});
  const auto set = static_cast<uint32_t>(set_begin_.size());
  set_begin_.push_back(static_cast<uint32_t>(fields_.size()));
  set_size_.push_back(static_cast<uint8_t>(n));
  for (size_t k = 0; k < n; ++k) fields_.push_back(tmp[k]);
  return set;
}

RecordId Trace::append(const RecordSpec& spec, std::initializer_list<FieldArg> fields) {
  return append(spec, std::span<const FieldArg>(fields.begin(), fields.size()));
}

RecordId Trace::append(const RecordSpec& spec, std::span<const FieldArg> fields) {
  Shape s;
  s.kind = intern(spec.kind);
  s.narration = spec.narration.empty() ? s.kind : intern(spec.narration);
  s.actor = spec.actor;
  s.from = spec.from;
  s.to = spec.to;
  s.proc = spec.proc;
  s.stage = spec.stage;
  s.state = spec.state;
  s.outcome = spec.outcome;
  s.failure = spec.failure;
  s.reports_failure = spec.reports_failure;
  const int64_t t_ns = spec.t.ns(), dur_ns = spec.dur.ns();
  uint64_t details_hash = 0;
  const uint32_t details = intern_details(fields, s.kind, details_hash);

  uint64_t h = fingerprint_;
  h = fold(h, static_cast<uint64_t>(t_ns));
  h = fold(h, static_cast<uint64_t>(dur_ns));
  h = fold(h, string_hashes_[raw(s.kind)]);
  h = fold(h, string_hashes_[raw(s.narration)]);
  h = fold(h, pack(raw(s.actor), raw(s.from)));
  h = fold(h, pack(raw(s.to), raw(spec.conn)));
  h = fold(h, pack(raw(s.proc), raw(spec.cause)));
  h = fold(h, details_hash + static_cast<uint64_t>(s.stage));
  fingerprint_ = h;

  static_assert(sizeof(Packed) == record_bytes);
  const size_t index = records_.size();
  Packed p;
  p.t_lo = static_cast<uint32_t>(static_cast<uint64_t>(t_ns));
  p.t_hi = static_cast<uint32_t>(static_cast<uint64_t>(t_ns) >> 32);
  const bool fits = dur_ns >= 0 && dur_ns < static_cast<int64_t>(long_dur);
  p.dur = fits ? static_cast<uint32_t>(dur_ns) : long_dur;
  if (!fits) long_durs_.emplace_back(static_cast<uint32_t>(index), dur_ns);
  p.shape = intern_shape(s);
  p.conn = raw(spec.conn);
  p.cause = raw(spec.cause);
  p.details = details;
  records_.push_back(p);
  return static_cast<RecordId>(index);
}

int64_t Trace::long_dur_of(size_t i) const {
  auto it = std::lower_bound(long_durs_.begin(), long_durs_.end(), i,
                             [](const std::pair<uint32_t, int64_t>& e, size_t v) { return e.first < v; });
  return it != long_durs_.end() && it->first == i ? it->second : 0;
}

std::span<const Field> Trace::details(const Record& r) const {
  if (r.details == 0 || r.details >= set_begin_.size()) return {};
  return std::span<const Field>(&fields_[set_begin_[r.details]], set_size_[r.details]);
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
  size_t n = records_.memory_bytes() + long_durs_.capacity() * sizeof(long_durs_[0]) +
             shapes_.capacity() * sizeof(Shape) + shape_table_.capacity() * sizeof(uint32_t) + fields_.memory_bytes() +
             set_begin_.memory_bytes() + set_size_.memory_bytes() + set_table_.capacity() * sizeof(uint64_t) +
             string_hashes_.capacity() * sizeof(uint64_t);
  // Each string: its deque element, its heap buffer when longer than the SSO, and a hash node.
  for (const auto& s : strings_) n += sizeof(std::string) + (s.size() > 15 ? s.capacity() + 1 : 0) + 48;
  for (const auto& s : node_names_) n += 2 * sizeof(std::string) + 2 * (s.capacity() + 1) + 48;
  n += node_roles_.capacity() * sizeof(NodeRole) + node_hosts_.capacity() * sizeof(int32_t);
  return n;
}

}  // namespace deploysim
