#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <iterator>
#include <optional>
#include <memory>
#include <vector>

#include "deploysim/chunked.hpp"
#include "deploysim/facts.hpp"
#include "deploysim/ids.hpp"
#include "deploysim/time.hpp"

namespace deploysim {

/// The type of a detail value.
enum class FieldType : uint8_t { integer, string, time, boolean };

/// One detail of a record as stored: key and value, strings interned in the trace.
struct Field {
  Sym key = Sym::none;                  ///< Interned key.
  FieldType type = FieldType::integer;  ///< How to read value.
  int64_t value = 0;                    ///< The integer, the Sym of a string, ns of a time, 0/1.
  bool operator==(const Field&) const = default;
};

/// A detail value as passed by a model: implicit from integers, strings, Time and bool.
struct FieldValue {
  FieldType type;         ///< Which member is meaningful.
  uint8_t unused_[7]{};   ///< Named padding, always zero: the trace compares details as bytes.
  int64_t number = 0;     ///< integer / time ns / bool.
  std::string_view text;  ///< string.
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

/// A detail's key as a model passes it. A literal (or a constant view of one) is fixed: its
/// address never holds other text, so the trace knows it by its address; a key made at run time
/// goes through `DetailKey::runtime`, and the trace compares its text.
class DetailKey {
 public:
  /// A literal key: `{"sni", ...}`.
  template <size_t N>
  consteval DetailKey(const char (&s)[N])
      : data_(s), size_(static_cast<uint32_t>(std::char_traits<char>::length(s))), fixed_(1) {}
  /// A constant view (a literal's text).
  consteval DetailKey(std::string_view s) : data_(s.data()), size_(static_cast<uint32_t>(s.size())), fixed_(1) {}
  /// A key made at run time (read from a file, composed).
  static DetailKey runtime(std::string_view s);
  /// Its text.
  std::string_view view() const { return {data_, size_}; }
  /// Its first character.
  const char* data() const { return data_; }
  /// Its length.
  size_t size() const { return size_; }
  /// Whether it is a constant (its address never holds other text).
  bool fixed() const { return fixed_ != 0; }

 private:
  friend class Trace;  // rebuilds a queued record's keys (trace_background.cpp)
  DetailKey() = default;
  const char* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t fixed_ = 0;  // 32 bits, not bool: no padding, the trace compares details as bytes
};

/// A detail as passed by a model: `{"sni", "api.example.test"}`.
struct FieldArg {
  DetailKey key;     ///< Detail key.
  FieldValue value;  ///< Detail value.
};

/// The most details one record may carry (Trace::max_details).
inline constexpr size_t max_record_details = 24;

/// The details of one record, decoded from the trace's compact storage: a value that holds its
/// fields (iterate it, index it, ask its size), valid after the trace changes.
class Details {
 public:
  /// First field.
  const Field* begin() const { return fields_.data(); }
  /// One past the last field.
  const Field* end() const { return fields_.data() + size_; }
  /// Number of fields.
  size_t size() const { return size_; }
  /// Whether there are none.
  bool empty() const { return size_ == 0; }
  /// A field by position.
  const Field& operator[](size_t i) const { return fields_[i]; }

 private:
  friend class Trace;
  std::array<Field, max_record_details> fields_{};
  size_t size_ = 0;
};

/// One trace record, decoded from the trace's compact storage (a value: the trace stores
/// records packed into 16 bytes and hands out copies of this struct).
struct Record {
  int64_t t_ns = 0;                           ///< When it happened (a message: when it was sent).
  int64_t dur_ns = 0;                         ///< A message's flight time (0 for local events).
  Sym kind = Sym::none;                       ///< Dotted kind, e.g. "tls.client_hello".
  Sym narration = Sym::none;                  ///< Narration key (defaults to the kind).
  NodeId actor = NodeId::none;                ///< Who did it.
  NodeId from = NodeId::none;                 ///< Message source (none for local events).
  NodeId to = NodeId::none;                   ///< Message destination.
  ConnId conn = ConnId::none;                 ///< Connection it belongs to.
  ProcId proc = ProcId::none;                 ///< Process it concerns.
  RecordId cause = RecordId::none;            ///< The record that caused it.
  uint32_t details = 0;                       ///< Index of its detail set in the trace (0 = empty).
  Stage stage = Stage::client;                ///< Timeline lane.
  ProcState state = ProcState::none;          ///< A lifecycle record: the state it puts its processes in.
  Outcome outcome = Outcome::none;            ///< A request's outcome record: ok or failed.
  FailureCause failure = FailureCause::none;  ///< A failed outcome: why.
  bool reports_failure = false;  ///< It reports something gone wrong (drawn red): an alert, NXDOMAIN, a 5xx, a crash...
  /// When it happened.
  Time t() const { return ns(t_ns); }
  /// When a message arrives (t + dur).
  Time end() const { return ns(t_ns + dur_ns); }
  /// Whether it is a message between two nodes (animated on the canvas).
  bool is_message() const { return from != NodeId::none && to != NodeId::none && from != to; }
};

/// What a model says when it appends a record.
struct RecordSpec {
  Time t{};                                   ///< When.
  std::string_view kind{};                    ///< Dotted kind.
  Stage stage = Stage::client;                ///< Lane.
  NodeId actor = NodeId::none;                ///< Who.
  NodeId from = NodeId::none;                 ///< Message source.
  NodeId to = NodeId::none;                   ///< Message destination.
  Time dur{};                                 ///< Message flight time.
  ConnId conn = ConnId::none;                 ///< Connection.
  ProcId proc = ProcId::none;                 ///< Process.
  RecordId cause = RecordId::none;            ///< Cause.
  std::string_view narration{};               ///< Narration key; empty means the kind.
  ProcState state = ProcState::none;          ///< A lifecycle record: the state it puts its processes in.
  Outcome outcome = Outcome::none;            ///< A request's outcome record: ok or failed.
  FailureCause failure = FailureCause::none;  ///< A failed outcome: why.
  bool reports_failure = false;               ///< It reports something gone wrong (an alert, a 5xx, a crash...).
};

/// How much a run records: everything, one record per request outcome and lifecycle
/// events (for million-request what-ifs), or nothing but metrics.
enum class TraceLevel : uint8_t { full, outcomes, none };

class Trace;

/// A random-access iterator over a trace's records; dereferencing decodes a Record by value.
class RecordIterator {
 public:
  using iterator_concept = std::random_access_iterator_tag;   ///< C++20 category.
  using iterator_category = std::random_access_iterator_tag;  ///< Legacy category (algorithms).
  using value_type = Record;                                  ///< What it yields.
  using difference_type = std::ptrdiff_t;                     ///< Distance type.
  using reference = Record;                                   ///< Records are yielded by value.
  using pointer = void;                                       ///< No addressable records.
  RecordIterator() = default;
  /// The iterator at record index i of trace t.
  RecordIterator(const Trace* t, size_t i) : t_(t), i_(static_cast<difference_type>(i)) {}
  /// The record it points at.
  Record operator*() const;
  /// The record n positions on.
  Record operator[](difference_type n) const { return *(*this + n); }
  /// The record index it points at.
  size_t index() const { return static_cast<size_t>(i_); }
  /// Steps forward.
  RecordIterator& operator++() {
    ++i_;
    return *this;
  }
  /// Steps forward (postfix).
  RecordIterator operator++(int) {
    auto o = *this;
    ++i_;
    return o;
  }
  /// Steps back.
  RecordIterator& operator--() {
    --i_;
    return *this;
  }
  /// Steps back (postfix).
  RecordIterator operator--(int) {
    auto o = *this;
    --i_;
    return o;
  }
  /// Moves by n.
  RecordIterator& operator+=(difference_type n) {
    i_ += n;
    return *this;
  }
  /// Moves back by n.
  RecordIterator& operator-=(difference_type n) {
    i_ -= n;
    return *this;
  }
  /// n positions on.
  friend RecordIterator operator+(RecordIterator a, difference_type n) { return a += n; }
  /// n positions on.
  friend RecordIterator operator+(difference_type n, RecordIterator a) { return a += n; }
  /// n positions back.
  friend RecordIterator operator-(RecordIterator a, difference_type n) { return a -= n; }
  /// Distance between two iterators of the same trace.
  friend difference_type operator-(const RecordIterator& a, const RecordIterator& b) { return a.i_ - b.i_; }
  /// Same position.
  friend bool operator==(const RecordIterator& a, const RecordIterator& b) { return a.i_ == b.i_; }
  /// Ordered by position.
  friend auto operator<=>(const RecordIterator& a, const RecordIterator& b) { return a.i_ <=> b.i_; }

 private:
  const Trace* t_ = nullptr;
  difference_type i_ = 0;
};

/// The records of a trace as a random-access range (`for (const Record& r : trace.records())`).
class RecordRange {
 public:
  /// The first `n` records of `t`.
  RecordRange(const Trace* t, size_t n) : t_(t), n_(n) {}
  /// First record.
  RecordIterator begin() const { return {t_, 0}; }
  /// One past the last record.
  RecordIterator end() const { return {t_, n_}; }
  /// Number of records.
  size_t size() const { return n_; }
  /// Whether there are none.
  bool empty() const { return n_ == 0; }
  /// A record by index.
  Record operator[](size_t i) const { return *RecordIterator(t_, i); }

 private:
  const Trace* t_;
  size_t n_;
};

/// Append-only trace of a run with interned strings, deduplicated detail sets and an
/// incremental 64-bit fingerprint over every field of every record (time, duration, kind,
/// narration, stage, actor, from, to, conn, proc, cause and the details' text and values) but
/// the typed facts (state, outcome, failure, reports_failure, node roles and hosts), which the
/// models set from the same inputs and which are left out so that fingerprints stay comparable.
/// The fingerprint depends only on content, never on the order strings were interned in.
/// Storage is compact: a record is 16 bytes in fixed-size chunks (no reallocation copies); its
/// kind, narration, stage, actor, from, to, proc, typed facts and flight time are one interned
/// "class" (few distinct ones per run), its time is an offset from its group of 256 records and
/// its cause a distance back; a record that does not fit (a time 4.29 s or more after its
/// group's first, a cause far back, a run with 65,535 classes) keeps them in a side table.
/// Detail sets are deduplicated and stored as bytes: the keys and types once per layout, the
/// values as variable-length integers.
class Trace {
 public:
  Trace();
  /// Copies records, strings and indexes (the string index is rebuilt for the copy); not while
  /// `o` is in the background.
  Trace(const Trace& o);
  /// Copies like the copy constructor.
  Trace& operator=(const Trace& o);
  /// Moves without copying records (not while in the background).
  Trace(Trace&&) noexcept;
  /// Moves without copying records (neither trace in the background).
  Trace& operator=(Trace&&) noexcept;
  /// Waits for a background writer (see begin_background).
  ~Trace();

  /// Appends a record; returns its id (= seq).
  RecordId append(const RecordSpec& spec, std::initializer_list<FieldArg> fields = {});
  /// Appends a record whose details are given as a span.
  RecordId append(const RecordSpec& spec, std::span<const FieldArg> fields);

  /// Interns a node name (first call defines its index); a new node's role is `other`.
  NodeId node(std::string_view name);
  /// Interns a node with what it is and the host it runs on (index into Scenario::hosts, -1:
  /// none). A node first interned without them (role `other`) takes them now.
  NodeId node(std::string_view name, NodeRole role, int32_t host = -1);
  /// What a node is.
  NodeRole node_role(NodeId id) const;
  /// The host a node runs on (index into Scenario::hosts), -1 when none.
  int32_t node_host(NodeId id) const;
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
  /// A record by index (decoded; a value, not a reference into the trace).
  Record operator[](size_t i) const;
  /// A record by id.
  Record at(RecordId id) const { return (*this)[raw(id)]; }
  /// The time of a record by index (cheaper than decoding the whole record).
  int64_t t_ns(size_t i) const {
    const Packed& p = records_[i];
    return p.cls == wide_class ? wide_of(i).t : group_base_[i >> group_bits] + p.t;
  }
  /// All records (a random-access range yielding records by value).
  RecordRange records() const { return {this, size()}; }
  /// The details of a record (decoded: a value).
  Details details(const Record& r) const;
  /// A string detail of a record by key ("" when absent or not a string).
  std::string_view detail_str(const Record& r, std::string_view key) const;
  /// An integer/time/bool detail of a record by key (fallback when absent).
  int64_t detail_int(const Record& r, std::string_view key, int64_t fallback = 0) const;
  /// The kind text of a record.
  std::string_view kind(const Record& r) const { return str(r.kind); }
  /// The narration key of a record.
  std::string_view narration(const Record& r) const { return str(r.narration); }
  /// The index of the nth record (from 1) whose kind or narration key is `s`, if there is one
  /// (one pass that decodes no record: a lesson step's `kind:` target).
  std::optional<size_t> find_nth(Sym s, long nth) const;

  /// The running fingerprint over all records so far.
  uint64_t fingerprint() const { return fingerprint_; }
  /// The fingerprint as 16 lower-case hex digits.
  std::string fingerprint_hex() const;

  /// Heap bytes held (records, shapes, details, strings, indexes), from capacities.
  size_t memory_bytes() const;
  /// Number of distinct detail sets stored (set 0, the empty set, included).
  size_t detail_set_count() const { return set_begin_.size(); }
  /// Number of distinct record shapes (kind, narration, stage, actor, from, to, proc, facts).
  size_t shape_count() const { return shapes_.size(); }
  /// Number of interned strings.
  size_t string_count() const { return strings_.size(); }
  /// Bytes one record occupies in the trace's record storage (details and shapes shared).
  static constexpr size_t record_bytes = 16;
  /// The most details one record may carry; append throws std::length_error beyond it.
  static constexpr size_t max_details = max_record_details;
  /// Reserves room for n records.
  void reserve(size_t n) { records_.reserve(n); }

  /// From now on, append() copies what it is given into a queue and a second thread stores it
  /// (interning, detail sets, fingerprint), so a long run's simulation and the storing of its
  /// trace share two cores. append() still returns each record's id at once, and the trace ends
  /// up with the same records, texts and fingerprint. Until end_background(), only append() and
  /// node() may be called. On one core, or in a build without threads, it changes nothing.
  void begin_background();
  /// Waits until every queued record is stored and stops the second thread. Rethrows what
  /// storing a record threw (a trace over its limits), unless `rethrow` is false.
  void end_background(bool rethrow = true);
  /// Whether a second thread stores the records (between begin_ and end_background).
  bool in_background() const { return bg_ != nullptr; }

 private:
  // A record as stored. t: ns after the first record of its group (group_base_); back: records
  // back to its cause (0: none); cls: its class (shape and flight time), or wide_class when its
  // time, cause and class are in wide_ instead.
  struct Packed {
    uint32_t t, conn, details;
    uint16_t cls, back;
  };
  struct Shape {
    Sym kind, narration;
    NodeId actor, from, to;
    ProcId proc;
    Stage stage;
    ProcState state;
    Outcome outcome;
    FailureCause failure;
    bool reports_failure;
    bool operator==(const Shape&) const = default;
  };
  // A shape with a flight time: what a record's cls names.
  struct Class {
    Shape shape;
    int64_t dur;
    uint32_t shape_id;
  };
  // A record that does not fit Packed: index ascending.
  struct Wide {
    uint32_t index, shape, cause;
    int64_t t, dur;
  };
  // One key of a detail layout (the keys and types of a set, in order).
  struct LayoutKey {
    Sym key;
    FieldType type;
    bool operator==(const LayoutKey&) const = default;
  };
  static constexpr unsigned group_bits = 8;
  static constexpr uint16_t wide_class = UINT16_MAX;
  static constexpr size_t max_set_bytes = 6 + max_record_details * 10;  // layout and values as varints

  // What a caller passed for a record, but for its time, connection, cause and details: the
  // addresses and lengths of its texts, its ids, flight time and facts. No padding, so that two
  // are compared as bytes.
  struct RecordHead {
    const char* kind;
    const char* narration;
    uint32_t kind_len, narration_len;
    NodeId actor, from, to;
    ProcId proc;
    int64_t dur;
    uint64_t facts;  // stage, state, outcome, failure, reports_failure and the number of details
  };
  // The most details a remembered record carries (the ClientHello has 14); records with more
  // take the slow path.
  static constexpr size_t memo_fields = 16;
  // A detail as a memo entry remembers it: the caller's key and value (a number, or a string's
  // first eight bytes and in tail its last eight), a word of the key's length, type, fixedness
  // and string length, and what they were interned as. 40 bytes, so a record's details take few
  // cache lines.
  struct MemoField {
    const char* key;
    uint64_t value;
    uint64_t tail;
    uint64_t word;
    Sym key_sym, value_sym;
  };
  // A record memo entry (trace_memo.cpp): what a caller passed but the details (head) and what
  // it gave, in two cache lines; its details are in memo_fields_ at slot * memo_fields.
  struct alignas(64) RecordMemo {
    RecordHead head;
    Sym kind, narration;
    uint32_t cls, shape_id, set, layout;  // layout + 1
    uint64_t details_hash;
    uint32_t check;  // bit i: detail i has a key made at run time or a long string, whose text a hit compares
  };
  // The tags of a slot pair: the hash that chose it, per way (0: empty), and the way hit or
  // filled last. Apart from the entries, so that choosing a way reads one cache line.
  struct MemoPair {
    uint64_t tag[2];
    uint64_t mru;
  };
  // The memo starts at 2^8 slots (two ways a pair) and doubles each time it has missed twice
  // as many records as it has slots, up to 2^13 (5.3 MB, of which a hit reads the pair's tags,
  // its entry's two lines and its details' 32 bytes each): a trace of few distinct records (a
  // lesson's) keeps a small one, a run of many clients and workers gets the big one early.
  static constexpr unsigned record_memo_min_bits = 8, record_memo_max_bits = 13;
  // A record's interned parts, from the memo or from interning them.
  struct Resolved {
    Sym kind, narration;
    uint32_t cls, shape_id, details;
    uint64_t details_hash;
  };

  void resolve(const RecordSpec& spec, std::span<const FieldArg> fields, Resolved& out);
  RecordId store(const RecordSpec& spec, std::span<const FieldArg> fields);
  RecordId queue(const RecordSpec& spec, std::span<const FieldArg> fields);
  static bool same_head(const RecordHead& a, const RecordHead& b);
  void resolve_slow(const RecordSpec& spec, std::span<const FieldArg> fields, Resolved& out, Field* tmp,
                    uint32_t& layout);
  uint32_t intern_details_slow(std::span<const FieldArg> fields, Sym kind, uint64_t& stable_hash, Field* tmp,
                               uint32_t& layout);
  uint32_t finish_details(const Field* tmp, size_t n, uint32_t layout, Sym kind, uint64_t& stable_hash);
  uint32_t intern_class(const Shape& s, int64_t dur, uint32_t& shape_id);
  uint32_t intern_shape(const Shape& s);
  uint32_t intern_layout(const Field* f, size_t n, Sym kind);
  uint32_t store_set(const uint8_t* bytes, size_t n);
  bool same_set(uint32_t set, const uint8_t* bytes, size_t n) const;
  uint64_t set_hash(const Field* f, size_t n) const;
  const Wide& wide_of(size_t i) const;
  Record decode_wide(size_t i, const Packed& p) const;
  void grow_set_table();
  void grow_shape_table();
  void grow_class_table();

  struct StrHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Recently interned strings by the address and length of the caller's text: callers pass the
  // same literals and spec strings again and again, and a hit needs a compare, not a hash. Two
  // ways per set, 32 KiB in all: the hundred-odd texts of a request path rarely evict each other
  // (a direct-mapped table of 256 sent a third of the lookups to the hash map).
  struct RecentSym {
    const char* data = nullptr;
    uint32_t size = 0;
    Sym sym = Sym::none;
  };
  static constexpr unsigned recent_set_bits = 10;
  std::array<RecentSym, 2 << recent_set_bits> recent_{};
  std::vector<const char*> sym_text_;  // Sym -> its text in strings_ (which never moves it)
  // Records and detail sets in 2 MiB chunks (the first chunk grows by doubling, so a small trace
  // stays small). Ordinary pages: asking for huge ones (MADV_HUGEPAGE) made the kernel compact
  // memory on the page faults, which cost a 1M-request run more time than the faults it saved.
  template <class T, unsigned Bits>
  using BigChunked = Chunked<T, Bits>;
  BigChunked<Packed, 17> records_;
  std::vector<int64_t> group_base_;  // group of 2^group_bits records -> time of its first record
  std::vector<Wide> wide_;
  std::vector<Class> classes_;
  std::vector<uint32_t> class_table_;  // open addressing: class id + 1, 0 = empty
  std::vector<Shape> shapes_;
  std::vector<uint32_t> shape_table_;    // open addressing: shape id + 1, 0 = empty
  std::deque<std::string> strings_;      // Sym -> text (a deque: views into it stay valid)
  std::vector<uint64_t> string_hashes_;  // Sym -> FNV-1a of the text (for fingerprints)
  std::unordered_map<std::string_view, Sym, StrHash, std::equal_to<>> string_index_;
  std::vector<std::string> node_names_;
  std::vector<NodeRole> node_roles_;
  std::vector<int32_t> node_hosts_;
  std::unordered_map<std::string, NodeId, StrHash, std::equal_to<>> node_index_;
  // Detail sets as bytes: the layout id, then each value (strings as their Sym, other values
  // zigzag-encoded), all as LEB128 varints. A set never spans two chunks.
  BigChunked<uint8_t, 21> set_bytes_;
  BigChunked<uint32_t, 19> set_begin_;  // detail set -> its first byte
  std::vector<LayoutKey> layout_keys_;  // all layouts' keys, one after the other
  std::vector<uint32_t> layout_begin_;  // layout -> first key; layout_begin_[id + 1] ends it
  std::vector<uint32_t> layout_table_;  // open addressing: layout id + 1, 0 = empty
  std::vector<uint32_t> kind_layout_;   // per record kind: its last layout + 1 (most kinds have one)
  std::vector<uint64_t> set_table_;     // open addressing: hash << 32 | set id, 0 = empty
  size_t set_entries_ = 0;              // sets listed in set_table_
  // Per record kind: detail sets in a row that were new. A kind whose sets are all unique (a
  // latency in each) skips the lookup for 63 of every 64 sets: a set stored twice costs a
  // little memory, a lookup in a big table costs a cache miss per record.
  std::vector<uint32_t> new_sets_in_a_row_;
  // Recent records by what the caller passed (trace_memo.cpp): most records repeat an earlier
  // one's texts, ids and details, and a hit costs a compare of those instead of interning,
  // hashing and looking up each. Allocated at the first record, empty in a copy.
  std::vector<RecordMemo> record_memo_;
  std::vector<MemoField> memo_fields_;  // memo_fields per entry
  std::vector<MemoPair> memo_pairs_;
  unsigned record_memo_bits_ = 0;  // log2 of its slots (0: not allocated yet)
  size_t record_memo_misses_ = 0;  // since it last grew
  uint64_t fingerprint_;
  // The second thread and its queue while in the background (trace_background.cpp).
  struct Background;
  struct BackgroundEnd {
    void operator()(Background* b) const;
  };
  // A cache line of its own: append() reads it on every record while the second thread writes
  // the members around it.
  alignas(64) std::unique_ptr<Background, BackgroundEnd> bg_;
  char bg_line_end_[64 - sizeof(std::unique_ptr<Background, BackgroundEnd>)]{};
};

inline Record Trace::operator[](size_t i) const {
  const Packed& p = records_[i];
  if (p.cls == wide_class) return decode_wide(i, p);
  const Class& c = classes_[p.cls];
  const Shape& s = c.shape;
  Record r;
  r.t_ns = group_base_[i >> group_bits] + p.t;
  r.dur_ns = c.dur;
  r.kind = s.kind;
  r.narration = s.narration;
  r.actor = s.actor;
  r.from = s.from;
  r.to = s.to;
  r.conn = static_cast<ConnId>(p.conn);
  r.proc = s.proc;
  r.cause = p.back == 0 ? RecordId::none : static_cast<RecordId>(i - p.back);
  r.details = p.details;
  r.stage = s.stage;
  r.state = s.state;
  r.outcome = s.outcome;
  r.failure = s.failure;
  r.reports_failure = s.reports_failure;
  return r;
}

inline Record RecordIterator::operator*() const { return (*t_)[static_cast<size_t>(i_)]; }

}  // namespace deploysim
