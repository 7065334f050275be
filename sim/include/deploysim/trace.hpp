#pragma once
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "deploysim/ids.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

/// The type of a detail value.
enum class FieldType : uint8_t { integer, string, time, boolean };

/// One detail of a record as stored: key and value, strings interned in the trace.
struct Field {
  Sym key = Sym::none;          ///< Interned key.
  FieldType type = FieldType::integer;  ///< How to read value.
  int64_t value = 0;            ///< The integer, the Sym of a string, ns of a time, 0/1.
  bool operator==(const Field&) const = default;
};

/// A detail value as passed by a model: implicit from integers, strings, Time and bool.
struct FieldValue {
  FieldType type;                ///< Which member is meaningful.
  int64_t number = 0;            ///< integer / time ns / bool.
  std::string_view text;         ///< string.
  FieldValue(int v) : type(FieldType::integer), number(v) {}
  FieldValue(long v) : type(FieldType::integer), number(v) {}
  FieldValue(long long v) : type(FieldType::integer), number(v) {}
  FieldValue(unsigned v) : type(FieldType::integer), number(v) {}
  FieldValue(unsigned long v) : type(FieldType::integer), number(static_cast<int64_t>(v)) {}
  FieldValue(unsigned long long v) : type(FieldType::integer), number(static_cast<int64_t>(v)) {}
  FieldValue(bool v) : type(FieldType::boolean), number(v ? 1 : 0) {}
  FieldValue(Time v) : type(FieldType::time), number(v.ns()) {}
  FieldValue(std::string_view v) : type(FieldType::string), text(v) {}
  FieldValue(const char* v) : type(FieldType::string), text(v) {}
  FieldValue(const std::string& v) : type(FieldType::string), text(v) {}
};

/// A detail as passed by a model: `{"sni", "api.example.test"}`.
struct FieldArg {
  std::string_view key;  ///< Detail key.
  FieldValue value;      ///< Detail value.
};

/// One trace record as stored: trivially copyable, strings interned (about 56 bytes).
struct Record {
  int64_t t_ns = 0;                 ///< When it happened (a message: when it was sent).
  int64_t dur_ns = 0;               ///< A message's flight time (0 for local events).
  Sym kind = Sym::none;             ///< Dotted kind, e.g. "tls.client_hello".
  Sym narration = Sym::none;        ///< Narration key (defaults to the kind).
  NodeId actor = NodeId::none;      ///< Who did it.
  NodeId from = NodeId::none;       ///< Message source (none for local events).
  NodeId to = NodeId::none;         ///< Message destination.
  ConnId conn = ConnId::none;       ///< Connection it belongs to.
  ProcId proc = ProcId::none;       ///< Process it concerns.
  RecordId cause = RecordId::none;  ///< The record that caused it.
  uint32_t details = 0;             ///< Index of its detail set in the trace (0 = empty).
  Stage stage = Stage::client;      ///< Timeline lane.
  /// When it happened.
  Time t() const { return ns(t_ns); }
  /// When a message arrives (t + dur).
  Time end() const { return ns(t_ns + dur_ns); }
  /// Whether it is a message between two nodes (animated on the canvas).
  bool is_message() const { return from != NodeId::none && to != NodeId::none && from != to; }
};

/// What a model says when it appends a record.
struct RecordSpec {
  Time t{};                          ///< When.
  std::string_view kind{};           ///< Dotted kind.
  Stage stage = Stage::client;       ///< Lane.
  NodeId actor = NodeId::none;       ///< Who.
  NodeId from = NodeId::none;        ///< Message source.
  NodeId to = NodeId::none;          ///< Message destination.
  Time dur{};                        ///< Message flight time.
  ConnId conn = ConnId::none;        ///< Connection.
  ProcId proc = ProcId::none;        ///< Process.
  RecordId cause = RecordId::none;   ///< Cause.
  std::string_view narration{};      ///< Narration key; empty means the kind.
};

/// How much a run records: everything, one record per request outcome and lifecycle
/// events (for million-request what-ifs), or nothing but metrics.
enum class TraceLevel : uint8_t { full, outcomes, none };

/// Append-only trace of a run with interned strings, deduplicated detail sets and an
/// incremental 64-bit fingerprint over every field of every record (time, duration, kind,
/// narration, stage, actor, from, to, conn, proc, cause and the details' text and values).
/// The fingerprint depends only on content, never on the order strings were interned in.
class Trace {
public:
  Trace();
  /// Copies records, strings and indexes (the string index is rebuilt for the copy).
  Trace(const Trace& o);
  /// Copies like the copy constructor.
  Trace& operator=(const Trace& o);
  /// Moves without copying records.
  Trace(Trace&&) noexcept = default;
  /// Moves without copying records.
  Trace& operator=(Trace&&) noexcept = default;

  /// Appends a record; returns its id (= seq).
  RecordId append(const RecordSpec& spec, std::initializer_list<FieldArg> fields = {});
  /// Appends a record whose details are given as a span.
  RecordId append(const RecordSpec& spec, std::span<const FieldArg> fields);

  /// Interns a node name (first call defines its index).
  NodeId node(std::string_view name);
  /// The name of a node.
  std::string_view node_name(NodeId id) const;
  /// Number of nodes.
  size_t node_count() const { return node_names_.size(); }
  /// Finds a node by name without adding it (NodeId::none when absent).
  NodeId find_node(std::string_view name) const;

  /// Interns a string.
  Sym intern(std::string_view s);
  /// Finds an interned string without adding it.
  Sym find_sym(std::string_view s) const;
  /// The text of an interned string.
  std::string_view str(Sym s) const;

  /// Number of records.
  size_t size() const { return records_.size(); }
  /// Whether there are no records.
  bool empty() const { return records_.empty(); }
  /// A record by index.
  const Record& operator[](size_t i) const { return records_[i]; }
  /// A record by id.
  const Record& at(RecordId id) const { return records_[raw(id)]; }
  /// All records.
  std::span<const Record> records() const { return records_; }
  /// The details of a record.
  std::span<const Field> details(const Record& r) const;
  /// A string detail of a record by key ("" when absent or not a string).
  std::string_view detail_str(const Record& r, std::string_view key) const;
  /// An integer/time/bool detail of a record by key (fallback when absent).
  int64_t detail_int(const Record& r, std::string_view key, int64_t fallback = 0) const;
  /// The kind text of a record.
  std::string_view kind(const Record& r) const { return str(r.kind); }
  /// The narration key of a record.
  std::string_view narration(const Record& r) const { return str(r.narration); }

  /// The running fingerprint over all records so far.
  uint64_t fingerprint() const { return fingerprint_; }
  /// The fingerprint as 16 lower-case hex digits.
  std::string fingerprint_hex() const;

  /// Approximate heap bytes held (records, details, strings, indexes).
  size_t memory_bytes() const;
  /// Number of distinct detail sets stored (set 0, the empty set, included).
  size_t detail_set_count() const { return set_begin_.size() - 1; }
  /// Number of interned strings.
  size_t string_count() const { return strings_.size(); }
  /// The most details one record may carry; append throws std::length_error beyond it.
  static constexpr size_t max_details = 16;
  /// Reserves room for n records.
  void reserve(size_t n) { records_.reserve(n); }

private:
  uint32_t intern_details(std::span<const FieldArg> fields, uint64_t& stable_hash);
  void grow_set_table();

  struct StrHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Record> records_;
  std::deque<std::string> strings_;             // Sym -> text (a deque: views into it stay valid)
  std::vector<uint64_t> string_hashes_;         // Sym -> FNV-1a of the text (for fingerprints)
  std::unordered_map<std::string_view, Sym, StrHash, std::equal_to<>> string_index_;
  std::vector<std::string> node_names_;
  std::unordered_map<std::string, NodeId, StrHash, std::equal_to<>> node_index_;
  std::vector<Field> fields_;                   // all detail sets, concatenated
  std::vector<uint32_t> set_begin_;             // detail set -> first field (size+1 entries)
  std::vector<uint64_t> set_hash_;              // detail set -> hash of its text (stable)
  std::vector<uint32_t> set_table_;             // open addressing: detail set ids, 0 = empty
  uint64_t fingerprint_;
};

}  // namespace deploysim
