#include "scenario/scenario_reader.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "scenario/scenario_values.hpp"

namespace deploysim {

std::string ScenarioError::to_string() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

}  // namespace deploysim

namespace deploysim::detail {

namespace {
constexpr std::string_view duration_form = R"(a duration such as "250ms", "1.5s", "10m", "36h" or "90d")";
constexpr std::string_view size_form = R"(a size such as "512MiB", "3GiB" or "300MB")";

std::string quoted_list(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", n);
  return out;
}
}  // namespace

SourcePos LoadContext::pos(const toml::source_region& src) const {
  if (src.path) {
    const auto it = overrides.find(*src.path);
    if (it != overrides.end()) return it->second;
  }
  return SourcePos{src.begin.line, src.begin.column};
}

SourcePos LoadContext::at(const std::string& key_path) const {
  const auto it = where.find(key_path);
  return it == where.end() ? SourcePos{} : it->second;
}

void LoadContext::fail(SourcePos p, const std::string& message) const {
  throw LoadFailure{ScenarioError{file, p.line, p.column, prefix + message}};
}

void LoadContext::fail(const toml::source_region& src, const std::string& message) const { fail(pos(src), message); }

std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: {
      const auto& s = node.as_string()->get();
      return s.size() > 60 ? fmt::format("string \"{}...\"", s.substr(0, 60)) : fmt::format("\"{}\"", s);
    }
    case toml::node_type::integer:
      return fmt::format("integer {}", node.as_integer()->get());
    case toml::node_type::floating_point:
      return fmt::format("number {}", node.as_floating_point()->get());
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    default:
      return "nothing";
  }
}

std::string override_source_name(size_t index) { return fmt::format("\x01override-{}", index); }

TableReader::TableReader(LoadContext& ctx, const toml::table& table, std::string path, std::string what)
    : ctx_(ctx), table_(table), path_(std::move(path)), what_(std::move(what)) {
  ctx_.where.emplace(path_, ctx_.pos(table_.source()));
}

const toml::node* TableReader::node(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const toml::node* n = table_.get(key);
  if (n) ctx_.where[path_ + "." + std::string(key)] = ctx_.pos(n->source());
  return n;
}

std::string TableReader::name_of(std::string_view key) const { return fmt::format("'{}' in {}", key, what_); }

void TableReader::fail(std::string_view key, const std::string& message) const {
  const toml::node* n = table_.get(key);
  if (n) ctx_.fail(n->source(), message);
  ctx_.fail(pos(), message);
}

void TableReader::fail(const std::string& message) const { ctx_.fail(pos(), message); }

void TableReader::missing(std::string_view key, const std::string& message) const {
  for (const auto& [k, v] : table_) {
    if (std::find(known_.begin(), known_.end(), k.str()) != known_.end()) continue;
    if (edit_distance(k.str(), key) <= (key.size() <= 5 ? 1u : 2u)) {
      const SourcePos p = k.source().begin.line ? ctx_.pos(k.source()) : ctx_.pos(v.source());
      ctx_.fail(p, fmt::format("{}; is '{}' a misspelling of '{}'?", message, k.str(), key));
    }
  }
  ctx_.fail(pos(), message);
}

void TableReader::wrong(std::string_view key, const toml::node& n, std::string_view expected) const {
  ctx_.fail(n.source(), fmt::format("{} must be {}, got {}", name_of(key), expected, describe(n)));
}

std::optional<std::string> TableReader::string(std::string_view key, std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) wrong(key, *n, fmt::format("a string (e.g. {})", example));
  return n->as_string()->get();
}

void TableReader::translations(std::string_view key, Translations& tr) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : table_)
    if (const auto tk = translated_key(k.str()); tk && tk->first == key) keys.emplace_back(k.str());
  // "kr" reads as Kanuri's code; a teacher who writes it means Korean. With no '_ko' beside it the
  // Korean window would silently show the English, so it is an error rather than a second language.
  const std::string kr = fmt::format("{}_kr", key), ko = fmt::format("{}_ko", key);
  if (std::find(keys.begin(), keys.end(), kr) != keys.end() && std::find(keys.begin(), keys.end(), ko) == keys.end())
    fail(kr, fmt::format("'{}' in {}: Korean's language code is ko, not kr (Korea's country code); write '{}'", kr,
                         what_, ko));
  for (const std::string& k : keys)
    if (auto text = string(k, fmt::format(R"({} = "...")", k)))
      tr.fields[std::string(key)][k.substr(key.size() + 1)] = std::move(*text);
}

std::string TableReader::required_string(std::string_view key, std::string_view example) {
  auto v = string(key, example);
  if (!v) missing(key, fmt::format("{} needs '{}' (e.g. {})", what_, key, example));
  if (v->empty()) fail(key, fmt::format("{} must not be empty (e.g. {})", name_of(key), example));
  return *v;
}

std::optional<std::string> TableReader::dns_name(std::string_view key, bool wildcard_ok, bool empty_is_unset) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const std::string_view form = wildcard_ok ? R"(a domain name such as "api.example.test" or "*.example.test")"
                                            : R"(a domain name such as "api.example.test")";
  if (!n->is_string()) wrong(key, *n, form);
  std::string name = to_lower(n->as_string()->get());
  if (name.empty() && empty_is_unset) return name;
  if (name.ends_with('.') && name.size() > 1) name.pop_back();
  if (!is_dns_name(name, wildcard_ok)) wrong(key, *n, form);
  return name;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) wrong(key, *n, "true or false");
  return n->as_boolean()->get();
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t lo, int64_t hi, std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto expected = fmt::format("an integer from {} to {} (e.g. {})", lo, hi, example);
  if (!n->is_integer()) wrong(key, *n, expected);
  const int64_t v = n->as_integer()->get();
  if (v < lo || v > hi) wrong(key, *n, expected);
  return v;
}

std::optional<double> TableReader::number(std::string_view key, double hi, std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto expected = fmt::format("a number from 0 to {} (e.g. {})", hi, example);
  double v = 0;
  if (n->is_integer())
    v = static_cast<double>(n->as_integer()->get());
  else if (n->is_floating_point())
    v = n->as_floating_point()->get();
  else
    wrong(key, *n, expected);
  if (!(v >= 0 && v <= hi)) wrong(key, *n, expected);
  return v;
}

std::optional<Time> TableReader::duration(std::string_view key, std::optional<Time> min) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (n->is_integer() && n->as_integer()->get() == 0) return Time{};
  if (!n->is_string()) wrong(key, *n, duration_form);
  const auto t = parse_duration(n->as_string()->get());
  if (!t) {
    // Several units ("-89d20h") get the one unit that says the same: the notation takes one.
    if (const auto one = one_unit_duration(n->as_string()->get()))
      ctx_.fail(n->source(), fmt::format("{} must be {}, got {} (one unit per duration: did you mean '{}'?)",
                                         name_of(key), duration_form, describe(*n), *one));
    // Prose ("15 minutes", "3 days") gets the notation it means.
    if (const auto hint = duration_notation(n->as_string()->get()))
      ctx_.fail(n->source(), fmt::format("{} must be {}, got {} (did you mean '{}'?)", name_of(key), duration_form,
                                         describe(*n), *hint));
    wrong(key, *n, duration_form);
  }
  if (min && *t < *min) {
    if (*min == Time{}) wrong(key, *n, "a duration that is not negative");
    wrong(key, *n, fmt::format("a duration of at least {}", format_time(*min)));
  }
  return t;
}

std::optional<Time> TableReader::positive_duration(std::string_view key) {
  auto t = duration(key, Time{});
  if (t && *t == Time{}) wrong(key, *table_.get(key), "a duration greater than zero");
  return t;
}

std::optional<uint64_t> TableReader::size(std::string_view key, bool positive) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) wrong(key, *n, size_form);
  const auto bytes = parse_size(n->as_string()->get());
  if (!bytes) wrong(key, *n, size_form);
  if (positive && *bytes == 0) wrong(key, *n, "a size greater than zero");
  return bytes;
}

std::optional<size_t> TableReader::choice(std::string_view key, std::initializer_list<std::string_view> names) {
  return choice(key, std::span<const std::string_view>(names.begin(), names.size()));
}

std::optional<size_t> TableReader::choice(std::string_view key, std::span<const std::string_view> names) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  if (n->is_string()) {
    const auto& s = n->as_string()->get();
    size_t i = 0;
    for (auto name : names) {
      if (s == name) return i;
      ++i;
    }
    const std::vector<std::string> candidates(names.begin(), names.end());
    ctx_.fail(n->source(), fmt::format("{} must be {}{}, got {}{}", name_of(key), names.size() == 1 ? "" : "one of ",
                                       quoted_list(names), describe(*n), did_you_mean(s, candidates)));
  }
  wrong(key, *n, fmt::format("one of {}", quoted_list(names)));
}

std::optional<std::vector<std::string>> TableReader::strings(std::string_view key, std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto expected = fmt::format("an array of strings (e.g. {})", example);
  if (!n->is_array()) wrong(key, *n, expected);
  std::vector<std::string> out;
  for (const auto& e : *n->as_array()) {
    if (!e.is_string())
      ctx_.fail(e.source(), fmt::format("{} must be {}, got {} in it", name_of(key), expected, describe(e)));
    out.push_back(e.as_string()->get());
  }
  return out;
}

std::optional<std::vector<std::string>> TableReader::dns_names(std::string_view key, bool wildcard_ok,
                                                               std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return std::nullopt;
  const auto expected = fmt::format("an array of domain names (e.g. {})", example);
  if (!n->is_array()) wrong(key, *n, expected);
  std::vector<std::string> out;
  for (const auto& e : *n->as_array()) {
    std::string name = e.is_string() ? to_lower(e.as_string()->get()) : std::string();
    if (name.ends_with('.') && name.size() > 1) name.pop_back();
    if (!e.is_string() || !is_dns_name(name, wildcard_ok))
      ctx_.fail(e.source(), fmt::format("{} must be {}, got {} in it", name_of(key), expected, describe(e)));
    if (std::find(out.begin(), out.end(), name) != out.end())
      ctx_.fail(e.source(), fmt::format("{} names '{}' twice", name_of(key), name));
    out.push_back(std::move(name));
  }
  return out;
}

const toml::table* TableReader::table(std::string_view key, std::string_view example) {
  const toml::node* n = node(key);
  if (!n) return nullptr;
  if (!n->is_table()) wrong(key, *n, fmt::format("a table (e.g. {})", example));
  return n->as_table();
}

std::vector<std::pair<const toml::table*, std::string>> TableReader::tables(std::string_view key,
                                                                            std::string_view example) {
  std::vector<std::pair<const toml::table*, std::string>> out;
  const toml::node* n = node(key);
  if (!n) return out;
  const auto expected = fmt::format("an array of tables (e.g. {})", example);
  if (!n->is_array()) wrong(key, *n, expected);
  const std::string base = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  size_t i = 0;
  for (const auto& e : *n->as_array()) {
    if (!e.is_table())
      ctx_.fail(e.source(), fmt::format("{} must be {}, got {} in it", name_of(key), expected, describe(e)));
    out.emplace_back(e.as_table(), fmt::format("{}[{}]", base, i++));
  }
  return out;
}

void TableReader::reject(std::string_view key, std::string_view why) {
  known_.emplace_back(key);
  if (table_.get(key)) fail(key, fmt::format("{} does not apply here: {}", name_of(key), why));
}

void TableReader::finish() {
  for (const auto& [k, v] : table_) {
    if (std::find(known_.begin(), known_.end(), k.str()) != known_.end()) continue;
    const SourcePos at = k.source().begin.line ? ctx_.pos(k.source()) : ctx_.pos(v.source());
    if (const auto ko = translation_table_error(k.str(), what_)) ctx_.fail(at, *ko);
    std::string hint = did_you_mean(k.str(), known_);
    if (hint.empty()) {
      hint = " (expected one of: ";
      for (size_t i = 0; i < known_.size(); ++i) hint += (i ? ", " : "") + known_[i];
      hint += ")";
    }
    ctx_.fail(at, fmt::format("unknown key '{}' in {}{}", k.str(), what_, hint));
  }
}

}  // namespace deploysim::detail
