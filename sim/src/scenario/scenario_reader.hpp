#pragma once
// Reading one TOML table of a scenario file into plain data: typed getters that know the
// expected form of each value, a record of where every key was written, and the check that no
// key was left unread (unknown keys get a did-you-mean hint). Private to sim/src.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "deploysim/text.hpp"
#include "deploysim/scenario.hpp"

namespace deploysim::detail {

/// Thrown inside the loader only; the public API turns it into a LoadResult.
struct LoadFailure {
  ScenarioError error;
};

/// State of one load: file name, override origins, positions of every key read.
struct LoadContext {
  std::string file;
  std::string prefix;  ///< Prepended to every message ("in variant 'x': ").
  /// Override values are parsed as small documents of their own; errors in them are reported at
  /// the file position recorded here (the variant's entry, or the key they replace).
  std::unordered_map<std::string, SourcePos> overrides;
  std::map<std::string, SourcePos> where;  ///< "service[1].host" -> position of its value.

  /// The file position of a node (an override value maps to its origin).
  SourcePos pos(const toml::source_region& src) const;
  /// Position recorded for a canonical key path, or {} when it was not written.
  SourcePos at(const std::string& key_path) const;
  /// Throws a located error.
  [[noreturn]] void fail(SourcePos pos, const std::string& message) const;
  /// Throws an error located at a node.
  [[noreturn]] void fail(const toml::source_region& src, const std::string& message) const;
};

/// "string \"x\"", "integer 5", "a table" ... for messages.
std::string describe(const toml::node& node);
/// The source path that marks an override value parsed from text.
std::string override_source_name(size_t index);

/// A view of one TOML table that reads keys by type and then insists that nothing was left.
class TableReader {
 public:
  /// `path` is the canonical key path ("service[1]"), `what` how messages name it ("[[service]]").
  TableReader(LoadContext& ctx, const toml::table& table, std::string path, std::string what);

  /// The node at `key` (marked as read), or nullptr.
  const toml::node* node(std::string_view key);
  /// True when the key is written (marks it as read).
  bool has(std::string_view key) { return node(key) != nullptr; }

  /// A string value.
  std::optional<std::string> string(std::string_view key, std::string_view example);
  /// The translations of a text key: every `<key>_<lang>` string (`name_ko`, `description_ko`),
  /// by language code (two or three lower-case letters), so a language is added in the file only.
  void translations(std::string_view key, Translations& tr);
  /// A string that must be given.
  std::string required_string(std::string_view key, std::string_view example);
  /// A lower-cased DNS name. With `empty_is_unset`, `""` is accepted and read as "" (the key's
  /// documented default), so a variant can set it back.
  std::optional<std::string> dns_name(std::string_view key, bool wildcard_ok, bool empty_is_unset = false);
  /// A boolean.
  std::optional<bool> boolean(std::string_view key);
  /// An integer within [lo, hi].
  std::optional<int64_t> integer(std::string_view key, int64_t lo, int64_t hi, std::string_view example);
  /// A non-negative number (integer or float) up to `hi`.
  std::optional<double> number(std::string_view key, double hi, std::string_view example);
  /// A duration ("250ms"); `min` is the smallest allowed value (nullopt: any sign).
  std::optional<Time> duration(std::string_view key, std::optional<Time> min);
  /// A strictly positive duration.
  std::optional<Time> positive_duration(std::string_view key);
  /// A size ("512MiB"); `positive` forbids "0".
  std::optional<uint64_t> size(std::string_view key, bool positive);
  /// One of `names`; returns the index.
  std::optional<size_t> choice(std::string_view key, std::initializer_list<std::string_view> names);
  /// One of `names` (a table's column); returns the index.
  std::optional<size_t> choice(std::string_view key, std::span<const std::string_view> names);
  /// An array of strings.
  std::optional<std::vector<std::string>> strings(std::string_view key, std::string_view example);
  /// An array of domain names (each checked like dns_name, located at the element; no repeats).
  std::optional<std::vector<std::string>> dns_names(std::string_view key, bool wildcard_ok, std::string_view example);
  /// A table (inline or not).
  const toml::table* table(std::string_view key, std::string_view example);
  /// An array of tables (`[[x]]` or an inline array of `{ ... }`); each with its canonical path.
  std::vector<std::pair<const toml::table*, std::string>> tables(std::string_view key, std::string_view example);
  /// Rejects a key that does not apply here (e.g. restart_sec for Docker), with the reason.
  void reject(std::string_view key, std::string_view why);

  /// Errors out on the first key that no getter asked for.
  void finish();
  /// Fails at a key's value.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  /// Fails because `key` is missing; points at a likely misspelling of it when the table has one.
  [[noreturn]] void missing(std::string_view key, const std::string& message) const;
  /// Fails at the table itself.
  [[noreturn]] void fail(const std::string& message) const;
  /// "'workers' in [[service]]".
  std::string name_of(std::string_view key) const;
  /// Position of the table.
  SourcePos pos() const { return ctx_.pos(table_.source()); }
  /// Canonical path of the table.
  const std::string& path() const { return path_; }
  /// The context.
  LoadContext& ctx() const { return ctx_; }

 private:
  [[noreturn]] void wrong(std::string_view key, const toml::node& n, std::string_view expected) const;

  LoadContext& ctx_;
  const toml::table& table_;
  std::string path_;
  std::string what_;
  std::vector<std::string> known_;
};

}  // namespace deploysim::detail
