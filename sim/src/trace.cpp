#include "deploysim/trace.hpp"

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

const char* const stage_names[] = {"dns",     "tcp",        "tls",  "http",   "proxy",  "process",
                                   "supervisor", "cert",    "memory", "deploy", "client", "fault"};
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
  set_begin_.push_back(0);
  set_hash_.push_back(0);
  set_table_.assign(64, 0);
}

Trace::Trace(const Trace& o)
    : records_(o.records_), strings_(o.strings_), string_hashes_(o.string_hashes_),
      node_names_(o.node_names_), node_index_(o.node_index_), fields_(o.fields_),
      set_begin_(o.set_begin_), set_hash_(o.set_hash_), set_table_(o.set_table_),
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
  if (auto it = string_index_.find(s); it != string_index_.end()) return it->second;
  const auto id = static_cast<Sym>(strings_.size());
  const std::string& stored = strings_.emplace_back(s);
  string_hashes_.push_back(fnv1a(stored));
  string_index_.emplace(std::string_view(stored), id);
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
  node_index_.emplace(std::string(name), id);
  return id;
}

NodeId Trace::find_node(std::string_view name) const {
  auto it = node_index_.find(name);
  return it == node_index_.end() ? NodeId::none : it->second;
}

std::string_view Trace::node_name(NodeId id) const {
  return id == NodeId::none || raw(id) >= node_names_.size() ? std::string_view{}
                                                             : node_names_[raw(id)];
}

void Trace::grow_set_table() {
  std::vector<uint32_t> table(set_table_.size() * 2, 0);
  const size_t mask = table.size() - 1;
  for (uint32_t set = 1; set < set_hash_.size(); ++set) {
    size_t i = set_hash_[set] & mask;
    while (table[i] != 0) i = (i + 1) & mask;
    table[i] = set;
  }
  set_table_ = std::move(table);
}

uint32_t Trace::intern_details(std::span<const FieldArg> args, uint64_t& stable_hash) {
  stable_hash = 0;
  if (args.empty()) return 0;
  if (args.size() > max_details)
    throw std::length_error(fmt::format("a trace record carries at most {} details", max_details));
  Field tmp[max_details];
  const size_t n = args.size();
  uint64_t h = fnv_offset;
  for (size_t i = 0; i < n; ++i) {
    Field& f = tmp[i];
    f.key = intern(args[i].key);
    f.type = args[i].value.type;
    const bool is_str = f.type == FieldType::string;
    f.value = is_str ? static_cast<int64_t>(raw(intern(args[i].value.text))) : args[i].value.number;
    // Hash the text, not the Sym number, so the hash does not depend on interning order.
    h = fold(h, string_hashes_[raw(f.key)] + static_cast<uint64_t>(f.type));
    h = fold(h, is_str ? string_hashes_[static_cast<size_t>(f.value)] : static_cast<uint64_t>(f.value));
  }
  stable_hash = h;
  const size_t mask = set_table_.size() - 1;
  size_t i = h & mask;
  for (; set_table_[i] != 0; i = (i + 1) & mask) {
    const uint32_t set = set_table_[i];
    if (set_hash_[set] != h) continue;
    const uint32_t b = set_begin_[set], e = set_begin_[set + 1];
    if (e - b != n) continue;
    bool same = true;
    for (size_t k = 0; k < n && same; ++k) same = fields_[b + k] == tmp[k];
    if (same) return set;
  }
  const auto set = static_cast<uint32_t>(set_hash_.size());
  fields_.insert(fields_.end(), tmp, tmp + n);
  set_begin_.push_back(static_cast<uint32_t>(fields_.size()));
  set_hash_.push_back(h);
  set_table_[i] = set;
  if (set_hash_.size() * 2 > set_table_.size()) grow_set_table();  // load factor <= 1/2
  return set;
}

RecordId Trace::append(const RecordSpec& spec, std::initializer_list<FieldArg> fields) {
  return append(spec, std::span<const FieldArg>(fields.begin(), fields.size()));
}

RecordId Trace::append(const RecordSpec& spec, std::span<const FieldArg> fields) {
  Record r;
  r.t_ns = spec.t.ns();
  r.dur_ns = spec.dur.ns();
  r.kind = intern(spec.kind);
  r.narration = spec.narration.empty() ? r.kind : intern(spec.narration);
  r.stage = spec.stage;
  r.actor = spec.actor;
  r.from = spec.from;
  r.to = spec.to;
  r.conn = spec.conn;
  r.proc = spec.proc;
  r.cause = spec.cause;
  uint64_t details_hash = 0;
  r.details = intern_details(fields, details_hash);

  uint64_t h = fingerprint_;
  h = fold(h, static_cast<uint64_t>(r.t_ns));
  h = fold(h, static_cast<uint64_t>(r.dur_ns));
  h = fold(h, string_hashes_[raw(r.kind)]);
  h = fold(h, string_hashes_[raw(r.narration)]);
  h = fold(h, pack(raw(r.actor), raw(r.from)));
  h = fold(h, pack(raw(r.to), raw(r.conn)));
  h = fold(h, pack(raw(r.proc), raw(r.cause)));
  h = fold(h, details_hash + static_cast<uint64_t>(r.stage));
  fingerprint_ = h;

  const auto id = static_cast<RecordId>(records_.size());
  records_.push_back(r);
  return id;
}

std::span<const Field> Trace::details(const Record& r) const {
  if (r.details == 0 || r.details + 1 >= set_begin_.size()) return {};
  return std::span<const Field>(fields_.data() + set_begin_[r.details],
                                set_begin_[r.details + 1] - set_begin_[r.details]);
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
  size_t n = records_.capacity() * sizeof(Record) + fields_.capacity() * sizeof(Field) +
             set_begin_.capacity() * sizeof(uint32_t) + set_hash_.capacity() * sizeof(uint64_t) +
             set_table_.capacity() * sizeof(uint32_t) + string_hashes_.capacity() * sizeof(uint64_t);
  // Each string: its deque element, its heap buffer when longer than the SSO, and a hash node.
  for (const auto& s : strings_) n += sizeof(std::string) + (s.size() > 15 ? s.capacity() + 1 : 0) + 48;
  for (const auto& s : node_names_) n += 2 * sizeof(std::string) + 2 * (s.capacity() + 1) + 48;
  return n;
}

}  // namespace deploysim
