#include "deploysim/trace_json.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

// Section index: 1. writer  2. positions  3. streaming reader (SAX state machine)  4. entry points

namespace deploysim {

using nlohmann::json;

// ---------------------------------------------------------------------------------- 1. writer

namespace {

// nlohmann does the escaping; invalid UTF-8 is replaced rather than thrown on.
std::string quoted(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void write_trace_json(std::ostream& out, const Trace& trace, std::string_view scenario, uint64_t seed) {
  // Streamed rather than built as a DOM: a trace of millions of records would need gigabytes.
  std::vector<std::string> nodes(trace.node_count());
  for (size_t i = 0; i < nodes.size(); ++i) nodes[i] = quoted(trace.node_name(static_cast<NodeId>(i)));
  std::vector<std::string> syms;  // escaped text of each Sym, computed once
  auto sym = [&](Sym s) -> const std::string& {
    const size_t i = raw(s);
    if (i >= syms.size()) syms.resize(i + 1);
    if (syms[i].empty()) syms[i] = quoted(trace.str(s));
    return syms[i];
  };
  auto node = [&](NodeId n) -> std::string_view {
    return n == NodeId::none || raw(n) >= nodes.size() ? "null" : std::string_view(nodes[raw(n)]);
  };
  auto id = [](uint32_t v) { return v == UINT32_MAX ? std::string("null") : std::to_string(v); };

  fmt::memory_buffer buf;
  auto flush = [&] {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  fmt::format_to(std::back_inserter(buf),
                 "{{\n  \"schema\": \"{}\",\n  \"scenario\": {},\n  \"seed\": {},\n"
                 "  \"fingerprint\": \"{}\",\n  \"nodes\": [",
                 trace_schema, quoted(scenario), seed, trace.fingerprint_hex());
  for (size_t i = 0; i < nodes.size(); ++i) fmt::format_to(std::back_inserter(buf), "{}{}", i ? ", " : "", nodes[i]);
  fmt::format_to(std::back_inserter(buf), "],\n  \"roles\": [");
  for (size_t i = 0; i < nodes.size(); ++i)
    fmt::format_to(std::back_inserter(buf), "{}\"{}\"", i ? ", " : "",
                   node_role_name(trace.node_role(static_cast<NodeId>(i))));
  fmt::format_to(std::back_inserter(buf), "],\n  \"hosts\": [");
  for (size_t i = 0; i < nodes.size(); ++i)
    fmt::format_to(std::back_inserter(buf), "{}{}", i ? ", " : "", trace.node_host(static_cast<NodeId>(i)));
  fmt::format_to(std::back_inserter(buf), "],\n  \"records\": [");
  for (size_t i = 0; i < trace.size(); ++i) {
    const Record& r = trace[i];
    fmt::format_to(std::back_inserter(buf),
                   "{}\n    {{\"seq\": {}, \"t_ns\": {}, \"dur_ns\": {}, \"kind\": {}, \"stage\": \"{}\", "
                   "\"actor\": {}, \"from\": {}, \"to\": {}, \"conn\": {}, \"proc\": {}, \"detail\": {{",
                   i ? "," : "", i, r.t_ns, r.dur_ns, sym(r.kind), stage_name(r.stage), node(r.actor), node(r.from),
                   node(r.to), id(raw(r.conn)), id(raw(r.proc)));
    bool first = true;
    for (const Field& f : trace.details(r)) {
      fmt::format_to(std::back_inserter(buf), "{}{}: ", first ? "" : ", ", sym(f.key));
      first = false;
      switch (f.type) {
        case FieldType::integer:
          fmt::format_to(std::back_inserter(buf), "{}", f.value);
          break;
        case FieldType::string:
          buf.append(sym(static_cast<Sym>(f.value)));
          break;
        case FieldType::time:
          fmt::format_to(std::back_inserter(buf), "{{\"ns\": {}}}", f.value);
          break;
        case FieldType::boolean:
          buf.append(std::string_view(f.value ? "true" : "false"));
          break;
      }
    }
    fmt::format_to(std::back_inserter(buf), "}}, \"cause\": {}, \"narration\": {}", id(raw(r.cause)), sym(r.narration));
    // The typed facts, only where the record has them.
    if (r.state != ProcState::none)
      fmt::format_to(std::back_inserter(buf), ", \"state\": \"{}\"", proc_state_name(r.state));
    if (r.outcome != Outcome::none)
      fmt::format_to(std::back_inserter(buf), ", \"outcome\": \"{}\"", r.outcome == Outcome::ok ? "ok" : "failed");
    if (r.failure != FailureCause::none)
      fmt::format_to(std::back_inserter(buf), ", \"failure\": \"{}\"", failure_cause_name(r.failure));
    if (r.reports_failure) buf.append(std::string_view(", \"reports_failure\": true"));
    buf.push_back('}');
    if (buf.size() > (1 << 16)) flush();
  }
  fmt::format_to(std::back_inserter(buf), "{}]\n}}\n", trace.empty() ? "" : "\n  ");
  flush();
}

std::string trace_to_json(const Trace& trace, std::string_view scenario, uint64_t seed) {
  std::ostringstream out;
  write_trace_json(out, trace, scenario, seed);
  return std::move(out).str();
}

std::string TraceJsonError::to_string() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

// ------------------------------------------------------------------------------- 2. positions

namespace {

// An input iterator for nlohmann's parser that publishes how far the parser has read, so the
// SAX handler can say where a value is (nlohmann 3.11 reports positions only for syntax errors).
struct TrackingIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  const char** cursor = nullptr;
  reference operator*() const { return *p; }
  TrackingIterator& operator++() {
    *cursor = ++p;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p == o.p; }
  bool operator!=(const TrackingIterator& o) const { return p != o.p; }
};

bool is_scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-';
}

// Where the token that ends at `end` (bytes consumed by the parser) starts. A string ends at its
// closing quote; a number is followed by one delimiter the lexer had to read to see its end.
size_t token_start(std::string_view text, size_t end) {
  if (end == 0 || end > text.size()) return std::min(end, text.size());
  if (text[end - 1] == '"' && end >= 2) {
    for (size_t q = end - 1; q-- > 0;) {
      if (text[q] != '"') continue;
      size_t slashes = 0;
      while (q > slashes && text[q - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 0) return q;
    }
    return 0;
  }
  size_t p = end;
  if (!is_scalar_char(text[p - 1])) --p;
  while (p > 0 && is_scalar_char(text[p - 1])) --p;
  return p;
}

}  // namespace

// ------------------------------------------------------------------- 3. streaming reader (SAX)

namespace {

struct DetailValue {
  std::string key;
  FieldType type = FieldType::integer;
  int64_t number = 0;
  std::string text;
};

struct PendingRecord {
  size_t offset = 0;  // where its '{' is
  std::vector<std::string> seen;
  int64_t seq = -1, t_ns = 0, dur_ns = 0;
  std::string kind, narration;
  bool has_narration = false;
  RecordSpec spec;  // stage, actor, from, to, conn, proc, cause as read; the rest at close
  std::vector<DetailValue> details;
};

// One scalar JSON value as the SAX callbacks deliver it.
struct Scalar {
  enum class Type { null, boolean, integer, floating, string } type = Type::null;
  bool negative = false;
  uint64_t magnitude = 0;  // integers: |value|
  bool flag = false;
  std::string text;
  const char* name() const {
    switch (type) {
      case Type::null:
        return "null";
      case Type::boolean:
        return "a boolean";
      case Type::integer:
        return "an integer";
      case Type::floating:
        return "a fractional number";
      case Type::string:
        return "a string";
    }
    return "a value";
  }
};

constexpr const char* record_keys[] = {"seq",       "t_ns",  "dur_ns",  "kind",    "stage",          "actor",
                                       "from",      "to",    "conn",    "proc",    "detail",         "cause",
                                       "narration", "state", "outcome", "failure", "reports_failure"};
constexpr const char* top_keys[] = {"schema", "scenario", "seed", "fingerprint", "nodes", "roles", "hosts", "records"};

// The value of an enum whose names `name_of` gives, among its first `count` values.
template <class E, class NameOf>
std::optional<E> enum_named(std::string_view name, NameOf name_of, int count) {
  for (int i = 0; i < count; ++i)
    if (std::string_view(name_of(static_cast<E>(i))) == name) return static_cast<E>(i);
  return std::nullopt;
}
template <class E, class NameOf>
std::string enum_names(NameOf name_of, int first, int count) {
  std::string s;
  for (int i = first; i < count; ++i) s += fmt::format("{}\"{}\"", s.empty() ? "" : ", ", name_of(static_cast<E>(i)));
  return s;
}
constexpr int node_role_count = static_cast<int>(NodeRole::other) + 1;
constexpr int proc_state_count = static_cast<int>(ProcState::stopping) + 1;
constexpr int failure_cause_count = static_cast<int>(FailureCause::gateway_timeout) + 1;

class Reader {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  Reader(std::string_view text, std::string_view file) : text_(text), file_(file), cursor_(text.data()) {}

  TraceReadResult run() {
    TrackingIterator first{text_.data(), &cursor_}, last{text_.data() + text_.size(), &cursor_};
    bool ok = false;
    try {
      ok = json::sax_parse(first, last, this);
    } catch (const std::exception& e) {  // defensive: nlohmann reports through parse_error
      if (!error_) fail_at(consumed(), fmt::format("unreadable trace: {}", e.what()));
    }
    if (ok && !error_) finish();
    TraceReadResult result;
    if (error_) {
      result.error = std::move(error_);
    } else {
      result.file = TraceFile{std::move(trace_), std::move(scenario_), seed_};
    }
    return result;
  }

  // SAX interface ------------------------------------------------------------------------
  bool null() { return scalar(Scalar{}); }
  bool boolean(bool v) {
    Scalar s;
    s.type = Scalar::Type::boolean;
    s.flag = v;
    return scalar(std::move(s));
  }
  bool number_integer(number_integer_t v) {
    Scalar s;
    s.type = Scalar::Type::integer;
    s.negative = v < 0;
    s.magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    return scalar(std::move(s));
  }
  bool number_unsigned(number_unsigned_t v) {
    Scalar s;
    s.type = Scalar::Type::integer;
    s.magnitude = v;
    return scalar(std::move(s));
  }
  bool number_float(number_float_t, const string_t&) {
    Scalar s;
    s.type = Scalar::Type::floating;
    return scalar(std::move(s));
  }
  bool string(string_t& v) {
    Scalar s;
    s.type = Scalar::Type::string;
    s.text = std::move(v);
    return scalar(std::move(s));
  }
  bool binary(binary_t&) { return fail_at(consumed(), "binary values are not JSON"); }
  bool start_object(std::size_t);
  bool key(string_t& k);
  bool end_object();
  bool start_array(std::size_t);
  bool end_array();
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    if (auto p = what.find(": "); p != std::string::npos && what.find("parse error") != std::string::npos)
      what = what.substr(p + 2);
    else if (auto q = what.find("] "); q != std::string::npos)
      what = what.substr(q + 2);
    return fail_at(position > 0 ? position - 1 : 0, "invalid JSON: " + what);
  }

 private:
  enum class State {
    top_begin,
    top_key,
    top_value,
    nodes,
    roles,
    hosts,
    records,
    rec_key,
    rec_value,
    detail_key,
    detail_value,
    time_key,
    time_value,
    done
  };

  size_t consumed() const { return static_cast<size_t>(cursor_ - text_.data()); }

  bool fail_at(size_t offset, std::string message) {
    if (error_) return false;
    offset = std::min(offset, text_.size());
    uint32_t line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    error_ = TraceJsonError{std::string(file_), line, column, std::move(message)};
    return false;
  }
  bool fail_here(std::string message) { return fail_at(token_start(text_, consumed()), std::move(message)); }
  bool fail_key(std::string message) { return fail_at(key_offset_, std::move(message)); }

  static std::string expected_one_of(std::span<const char* const> keys) {
    std::string s;
    for (const char* k : keys) s += fmt::format("{}\"{}\"", s.empty() ? "" : ", ", k);
    return s;
  }

  // Converts an integer scalar to int64 in [lo, hi], or reports `what` was expected.
  bool to_int(const Scalar& v, int64_t lo, int64_t hi, const std::string& what, int64_t& out) {
    if (v.type != Scalar::Type::integer) return fail_here(fmt::format("{}: expected {}, got {}", key_, what, v.name()));
    const bool fits = v.negative ? v.magnitude <= static_cast<uint64_t>(INT64_MAX) + 1
                                 : v.magnitude <= static_cast<uint64_t>(INT64_MAX);
    const int64_t n = v.negative ? static_cast<int64_t>(0 - v.magnitude) : static_cast<int64_t>(v.magnitude);
    if (!fits || n < lo || n > hi)
      return fail_here(
          fmt::format("{}: {} out of range (expected {})", key_, v.negative ? "negative value" : "value", what));
    out = n;
    return true;
  }
  // An optional uint32 id: null or an integer below UINT32_MAX.
  bool to_id(const Scalar& v, uint32_t& out) {
    if (v.type == Scalar::Type::null) {
      out = UINT32_MAX;
      return true;
    }
    int64_t n = 0;
    if (!to_int(v, 0, UINT32_MAX - 1, "null or an integer from 0 to 4294967294", n)) return false;
    out = static_cast<uint32_t>(n);
    return true;
  }
  bool to_node(const Scalar& v, NodeId& out) {
    if (v.type == Scalar::Type::null) {
      out = NodeId::none;
      return true;
    }
    if (v.type != Scalar::Type::string)
      return fail_here(fmt::format("{}: expected a node name or null, got {}", key_, v.name()));
    out = trace_.find_node(v.text);
    if (out == NodeId::none) return fail_here(fmt::format("{}: unknown node \"{}\" (not in \"nodes\")", key_, v.text));
    return true;
  }

  bool scalar(Scalar v);
  bool top_scalar(Scalar& v);
  bool record_scalar(Scalar& v);
  bool detail_scalar(Scalar& v);
  bool close_record();
  void finish();

  std::string_view text_;
  std::string_view file_;
  const char* cursor_;
  std::optional<TraceJsonError> error_;
  State state_ = State::top_begin;
  std::string key_;  // the key whose value comes next
  size_t key_offset_ = 0;
  std::vector<std::string> top_seen_;
  bool have_nodes_ = false, have_schema_ = false;
  std::vector<NodeRole> roles_;  // node facts, applied to the trace at the end
  std::vector<int32_t> hosts_;
  size_t array_offset_ = 0;
  std::string fingerprint_;
  size_t fingerprint_offset_ = 0;
  Trace trace_;
  std::string scenario_;
  uint64_t seed_ = 0;
  PendingRecord rec_;
  bool time_has_ns_ = false;
  size_t time_offset_ = 0;
};

bool Reader::scalar(Scalar v) {
  switch (state_) {
    case State::top_begin:
      return fail_here("expected a JSON object holding a deploysim trace");
    case State::top_value:
      state_ = State::top_key;
      return top_scalar(v);
    case State::nodes:
      if (v.type != Scalar::Type::string || v.text.empty())
        return fail_here(fmt::format("nodes: expected a non-empty node name, got {}", v.name()));
      if (trace_.find_node(v.text) != NodeId::none)
        return fail_here(fmt::format("nodes: \"{}\" is listed twice", v.text));
      trace_.node(v.text);
      return true;
    case State::roles: {
      const auto role =
          v.type == Scalar::Type::string ? enum_named<NodeRole>(v.text, node_role_name, node_role_count) : std::nullopt;
      if (!role)
        return fail_here(fmt::format("roles: expected one of {}, got {}",
                                     enum_names<NodeRole>(node_role_name, 0, node_role_count),
                                     v.type == Scalar::Type::string ? "\"" + v.text + "\"" : v.name()));
      if (roles_.size() >= trace_.node_count())
        return fail_here(fmt::format("roles: more roles than the {} nodes", trace_.node_count()));
      roles_.push_back(*role);
      return true;
    }
    case State::hosts: {
      int64_t host = 0;
      if (!to_int(v, -1, INT32_MAX, "a host index, or -1 for none", host)) return false;
      if (hosts_.size() >= trace_.node_count())
        return fail_here(fmt::format("hosts: more hosts than the {} nodes", trace_.node_count()));
      hosts_.push_back(static_cast<int32_t>(host));
      return true;
    }
    case State::records:
      return fail_here(fmt::format("records: expected a record object, got {}", v.name()));
    case State::rec_value:
      state_ = State::rec_key;
      return record_scalar(v);
    case State::detail_value:
      state_ = State::detail_key;
      return detail_scalar(v);
    case State::time_value: {
      state_ = State::time_key;
      int64_t n = 0;
      if (!to_int(v, INT64_MIN, INT64_MAX, "an integer number of nanoseconds", n)) return false;
      rec_.details.back().number = n;
      time_has_ns_ = true;
      return true;
    }
    default:
      return fail_here("unexpected value");
  }
}

bool Reader::top_scalar(Scalar& v) {
  if (key_ == "schema") {
    if (v.type != Scalar::Type::string || v.text != trace_schema)
      return fail_here(fmt::format("schema: expected \"{}\"", trace_schema));
    have_schema_ = true;
  } else if (key_ == "scenario") {
    if (v.type != Scalar::Type::string) return fail_here(fmt::format("scenario: expected a string, got {}", v.name()));
    scenario_ = std::move(v.text);
  } else if (key_ == "seed") {
    if (v.type != Scalar::Type::integer || v.negative)
      return fail_here(fmt::format("seed: expected a non-negative integer, got {}", v.name()));
    seed_ = v.magnitude;
  } else if (key_ == "fingerprint") {
    const bool hex = v.type == Scalar::Type::string && v.text.size() == 16 &&
                     std::all_of(v.text.begin(), v.text.end(),
                                 [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!hex) return fail_here("fingerprint: expected 16 lower-case hex digits");
    fingerprint_ = std::move(v.text);
    fingerprint_offset_ = token_start(text_, consumed());
  } else {
    return fail_here(fmt::format("{}: expected an array, got {}", key_, v.name()));
  }
  return true;
}

bool Reader::record_scalar(Scalar& v) {
  PendingRecord& r = rec_;
  int64_t n = 0;
  uint32_t id = 0;
  if (key_ == "seq") {
    if (!to_int(v, 0, UINT32_MAX - 1, "the record's index", n)) return false;
    if (static_cast<size_t>(n) != trace_.size())
      return fail_here(
          fmt::format("seq: expected {} (records are numbered from 0 in order), got {}", trace_.size(), n));
    r.seq = n;
  } else if (key_ == "t_ns") {
    return to_int(v, INT64_MIN, INT64_MAX, "an integer number of nanoseconds", r.t_ns);
  } else if (key_ == "dur_ns") {
    return to_int(v, 0, INT64_MAX, "a non-negative integer number of nanoseconds", r.dur_ns);
  } else if (key_ == "kind" || key_ == "narration") {
    if (v.type != Scalar::Type::string || v.text.empty())
      return fail_here(
          fmt::format("{}: expected a non-empty string such as \"tls.client_hello\", got {}", key_, v.name()));
    if (key_ == "kind")
      r.kind = std::move(v.text);
    else
      r.narration = std::move(v.text), r.has_narration = true;
  } else if (key_ == "stage") {
    if (v.type != Scalar::Type::string) return fail_here(fmt::format("stage: expected a stage name, got {}", v.name()));
    r.spec.stage = stage_from_name(v.text.c_str());
    if (r.spec.stage == Stage::count) {
      std::string names;
      for (size_t i = 0; i < static_cast<size_t>(Stage::count); ++i)
        names += fmt::format("{}{}", i ? ", " : "", stage_name(static_cast<Stage>(i)));
      return fail_here(fmt::format("stage: unknown stage \"{}\" (expected one of {})", v.text, names));
    }
  } else if (key_ == "actor") {
    return to_node(v, r.spec.actor);
  } else if (key_ == "from") {
    return to_node(v, r.spec.from);
  } else if (key_ == "to") {
    return to_node(v, r.spec.to);
  } else if (key_ == "conn") {
    if (!to_id(v, id)) return false;
    r.spec.conn = static_cast<ConnId>(id);
  } else if (key_ == "proc") {
    if (!to_id(v, id)) return false;
    r.spec.proc = static_cast<ProcId>(id);
  } else if (key_ == "cause") {
    if (!to_id(v, id)) return false;
    if (id != UINT32_MAX && id >= trace_.size())
      return fail_here(
          fmt::format("cause: expected null or the seq of an earlier record (below {}), got {}", trace_.size(), id));
    r.spec.cause = static_cast<RecordId>(id);
  } else if (key_ == "state") {
    const auto st = v.type == Scalar::Type::string ? enum_named<ProcState>(v.text, proc_state_name, proc_state_count)
                                                   : std::nullopt;
    if (!st || *st == ProcState::none)
      return fail_here(
          fmt::format("state: expected one of {}", enum_names<ProcState>(proc_state_name, 1, proc_state_count)));
    r.spec.state = *st;
  } else if (key_ == "outcome") {
    if (v.type != Scalar::Type::string || (v.text != "ok" && v.text != "failed"))
      return fail_here("outcome: expected \"ok\" or \"failed\"");
    r.spec.outcome = v.text == "ok" ? Outcome::ok : Outcome::failed;
  } else if (key_ == "failure") {
    const auto f = v.type == Scalar::Type::string
                       ? enum_named<FailureCause>(v.text, failure_cause_name, failure_cause_count)
                       : std::nullopt;
    if (!f || *f == FailureCause::none)
      return fail_here(fmt::format("failure: expected one of {}",
                                   enum_names<FailureCause>(failure_cause_name, 1, failure_cause_count)));
    r.spec.failure = *f;
  } else if (key_ == "reports_failure") {
    if (v.type != Scalar::Type::boolean)
      return fail_here(fmt::format("reports_failure: expected true or false, got {}", v.name()));
    r.spec.reports_failure = v.flag;
  } else {  // detail
    return fail_here(fmt::format("detail: expected an object, got {}", v.name()));
  }
  return true;
}

bool Reader::detail_scalar(Scalar& v) {
  DetailValue& d = rec_.details.back();
  switch (v.type) {
    case Scalar::Type::integer:
      d.type = FieldType::integer;
      return to_int(v, INT64_MIN, INT64_MAX, "a 64-bit integer", d.number);
    case Scalar::Type::string:
      d.type = FieldType::string;
      d.text = std::move(v.text);
      return true;
    case Scalar::Type::boolean:
      d.type = FieldType::boolean;
      d.number = v.flag ? 1 : 0;
      return true;
    default:
      return fail_here(fmt::format("detail \"{}\": expected an integer, a string, a boolean or {{\"ns\": N}}, got {}",
                                   d.key, v.name()));
  }
}

bool Reader::start_object(std::size_t) {
  const size_t at = consumed() > 0 ? consumed() - 1 : 0;
  switch (state_) {
    case State::top_begin:
      state_ = State::top_key;
      return true;
    case State::records:
      rec_ = PendingRecord{};
      rec_.offset = at;
      state_ = State::rec_key;
      return true;
    case State::rec_value:
      if (key_ != "detail") return fail_at(at, fmt::format("{}: expected a scalar value, got an object", key_));
      state_ = State::detail_key;
      return true;
    case State::detail_value:
      rec_.details.back().type = FieldType::time;
      time_has_ns_ = false;
      time_offset_ = at;
      state_ = State::time_key;
      return true;
    case State::top_value:
      return fail_at(at, fmt::format("{}: expected {}, got an object", key_,
                                     key_ == "nodes" || key_ == "roles" || key_ == "hosts" || key_ == "records"
                                         ? "an array"
                                         : "a scalar value"));
    default:
      return fail_at(at, "unexpected object");
  }
}

bool Reader::key(string_t& k) {
  key_offset_ = token_start(text_, consumed());
  switch (state_) {
    case State::top_key:
      if (std::find(std::begin(top_keys), std::end(top_keys), k) == std::end(top_keys))
        return fail_key(fmt::format("unknown key \"{}\" (expected one of {})", k, expected_one_of(top_keys)));
      if (std::find(top_seen_.begin(), top_seen_.end(), k) != top_seen_.end())
        return fail_key(fmt::format("duplicate key \"{}\"", k));
      top_seen_.push_back(k);
      state_ = State::top_value;
      break;
    case State::rec_key:
      if (std::find(std::begin(record_keys), std::end(record_keys), k) == std::end(record_keys))
        return fail_key(fmt::format("unknown record key \"{}\" (expected one of {})", k, expected_one_of(record_keys)));
      if (std::find(rec_.seen.begin(), rec_.seen.end(), k) != rec_.seen.end())
        return fail_key(fmt::format("duplicate key \"{}\" in a record", k));
      rec_.seen.push_back(k);
      state_ = State::rec_value;
      break;
    case State::detail_key:
      if (rec_.details.size() == Trace::max_details)
        return fail_key(fmt::format("a record carries at most {} details", Trace::max_details));
      for (const auto& d : rec_.details)
        if (d.key == k) return fail_key(fmt::format("duplicate detail \"{}\"", k));
      rec_.details.emplace_back();
      rec_.details.back().key = k;
      state_ = State::detail_value;
      break;
    case State::time_key:
      if (k != "ns") return fail_key(fmt::format("a time detail is {{\"ns\": N}}; unexpected key \"{}\"", k));
      if (time_has_ns_) return fail_key("duplicate key \"ns\"");
      state_ = State::time_value;
      break;
    default:
      return fail_key("unexpected key");
  }
  key_ = std::move(k);
  return true;
}

bool Reader::end_object() {
  switch (state_) {
    case State::top_key:
      state_ = State::done;
      return true;
    case State::rec_key:
      state_ = State::records;
      return close_record();
    case State::detail_key:
      state_ = State::rec_key;
      key_ = "detail";
      return true;
    case State::time_key:
      if (!time_has_ns_)
        return fail_at(time_offset_, fmt::format("detail \"{}\": a time is {{\"ns\": N}}; \"ns\" is missing",
                                                 rec_.details.back().key));
      state_ = State::detail_key;
      return true;
    default:
      return fail_at(consumed() - 1, "unexpected end of object");
  }
}

bool Reader::start_array(std::size_t) {
  const size_t at = consumed() > 0 ? consumed() - 1 : 0;
  if (state_ == State::top_value && key_ == "nodes") {
    state_ = State::nodes;
    have_nodes_ = true;
    return true;
  }
  if (state_ == State::top_value && (key_ == "roles" || key_ == "hosts")) {
    if (!have_nodes_) return fail_at(at, fmt::format("{}: \"nodes\" must come before \"{}\"", key_, key_));
    state_ = key_ == "roles" ? State::roles : State::hosts;
    array_offset_ = at;
    return true;
  }
  if (state_ == State::top_value && key_ == "records") {
    if (!have_nodes_) return fail_at(at, "records: \"nodes\" must come before \"records\"");
    state_ = State::records;
    return true;
  }
  if (state_ == State::top_begin) return fail_at(at, "expected a JSON object holding a deploysim trace, got an array");
  return fail_at(at, fmt::format("{}: expected {}, got an array", key_,
                                 state_ == State::top_value ? "a scalar value" : "a scalar value or an object"));
}

bool Reader::end_array() {
  if (state_ != State::nodes && state_ != State::records && state_ != State::roles && state_ != State::hosts)
    return fail_at(consumed() - 1, "unexpected end of array");
  const size_t read = state_ == State::roles ? roles_.size() : hosts_.size();
  if ((state_ == State::roles || state_ == State::hosts) && read != trace_.node_count())
    return fail_at(array_offset_,
                   fmt::format("{}: expected one per node ({}), got {}", key_, trace_.node_count(), read));
  state_ = State::top_key;
  return true;
}

bool Reader::close_record() {
  PendingRecord& r = rec_;
  for (const char* required : {"seq", "t_ns", "kind", "stage"})
    if (std::find(r.seen.begin(), r.seen.end(), required) == r.seen.end())
      return fail_at(r.offset, fmt::format("record {}: missing \"{}\"", trace_.size(), required));
  RecordSpec spec = r.spec;
  spec.t = ns(r.t_ns);
  spec.dur = ns(r.dur_ns);
  spec.kind = r.kind;
  if (r.has_narration && r.narration != r.kind) spec.narration = r.narration;
  std::vector<FieldArg> fields;
  fields.reserve(r.details.size());
  for (const DetailValue& d : r.details) {
    FieldValue value = d.type == FieldType::string ? FieldValue(std::string_view(d.text)) : FieldValue(0);
    value.type = d.type;
    value.number = d.number;
    fields.push_back(FieldArg{DetailKey::runtime(d.key), value});
  }
  trace_.append(spec, fields);
  return true;
}

void Reader::finish() {
  for (const char* required : {"schema", "fingerprint", "nodes", "records"}) {
    if (std::find(top_seen_.begin(), top_seen_.end(), required) == top_seen_.end()) {
      fail_at(
          0, fmt::format(
                 "missing \"{}\" (a deploysim-trace/1 file has schema, scenario, seed, fingerprint, nodes and records)",
                 required));
      return;
    }
  }
  if (!have_schema_) return;
  for (size_t i = 0; i < trace_.node_count(); ++i) {
    const NodeId n = static_cast<NodeId>(i);
    trace_.node(trace_.node_name(n), i < roles_.size() ? roles_[i] : NodeRole::other,
                i < hosts_.size() ? hosts_[i] : -1);
  }
  if (fingerprint_ != trace_.fingerprint_hex())
    fail_at(fingerprint_offset_,
            fmt::format("fingerprint: the records hash to {}, not {} (the file was edited or is corrupt)",
                        trace_.fingerprint_hex(), fingerprint_));
}

}  // namespace

// ----------------------------------------------------------------------------- 4. entry points

TraceReadResult read_trace_json(std::string_view text, std::string_view file_name) {
  Reader reader(text, file_name);
  return reader.run();
}

TraceReadResult read_trace_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    TraceReadResult r;
    r.error = TraceJsonError{path, 0, 0, "cannot open the file for reading"};
    return r;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return read_trace_json(text, path);
}

}  // namespace deploysim
