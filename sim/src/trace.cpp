#include "deploysim/trace.hpp"

#include <cstring>
#include <fmt/format.h>

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

// Mixes one 64-bit word into a running hash (splitmix64 finaliser over xor): cheap, and the
// same on every platform because it uses only fixed-width integer arithmetic.
uint64_t mix(uint64_t h, uint64_t v) {
  uint64_t x = h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

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
}

Sym Trace::intern(std::string_view s) {
  if (auto it = string_index_.find(s); it != string_index_.end()) return it->second;
  const auto id = static_cast<Sym>(strings_.size());
  strings_.emplace_back(s);
  string_hashes_.push_back(fnv1a(s));
  string_index_.emplace(std::string(s), id);
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

uint32_t Trace::intern_details(std::span<const FieldArg> args) {
  if (args.empty()) return 0;
  Field tmp[16];
  const size_t n = args.size() < 16 ? args.size() : 16;
  uint64_t h = fnv_offset;
  for (size_t i = 0; i < n; ++i) {
    Field& f = tmp[i];
    f.key = intern(args[i].key);
    f.type = args[i].value.type;
    f.value = f.type == FieldType::string ? static_cast<int64_t>(raw(intern(args[i].value.text)))
                                          : args[i].value.number;
    h = mix(h, (static_cast<uint64_t>(raw(f.key)) << 8) | static_cast<uint64_t>(f.type));
    h = mix(h, static_cast<uint64_t>(f.value));
  }
  auto& bucket = set_index_[h];
  for (uint32_t set : bucket) {
    const uint32_t b = set_begin_[set], e = set_begin_[set + 1];
    if (e - b != n) continue;
    bool same = true;
    for (size_t i = 0; i < n && same; ++i) same = fields_[b + i] == tmp[i];
    if (same) return set;
  }
  const auto set = static_cast<uint32_t>(set_begin_.size() - 1);
  fields_.insert(fields_.end(), tmp, tmp + n);
  set_begin_.push_back(static_cast<uint32_t>(fields_.size()));
  bucket.push_back(set);
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
  r.details = intern_details(fields);

  uint64_t h = fingerprint_;
  h = mix(h, static_cast<uint64_t>(r.t_ns));
  h = mix(h, string_hashes_[raw(r.kind)]);
  h = mix(h, (static_cast<uint64_t>(raw(r.actor)) << 32) | raw(r.from));
  h = mix(h, (static_cast<uint64_t>(raw(r.to)) << 32) | raw(r.conn));
  h = mix(h, raw(r.proc));
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
             set_begin_.capacity() * sizeof(uint32_t);
  for (const auto& s : strings_) n += s.capacity() + sizeof(std::string) * 2 + 32;
  n += set_index_.size() * 48;
  return n;
}

}  // namespace deploysim
