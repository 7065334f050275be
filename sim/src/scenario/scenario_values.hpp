#pragma once
// Parsers for the value notations of scenario files (sizes, rates, calendar times, names, IPs)
// and the did-you-mean helper. Private to sim/src; no toml++ here.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace deploysim::detail {

/// "512MiB", "3GiB", "300MB", "1.5GiB", "0" -> bytes; nullopt when not a size.
std::optional<uint64_t> parse_size(std::string_view text);
/// "50/s", "2/min", "120/h", "0.5/s" -> events per second; nullopt when not a rate.
std::optional<double> parse_rate(std::string_view text);
/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/// True for a dotted DNS name of letters, digits and hyphens (a leading "*." when wildcard_ok).
bool is_dns_name(std::string_view name, bool wildcard_ok);
/// True for a dotted-quad IPv4 address.
bool is_ipv4(std::string_view text);
/// True for an IPv6 address.
bool is_ipv6(std::string_view text);
/// Lower-case ASCII copy.
std::string to_lower(std::string_view text);
/// Edit distance counting insertions, deletions, substitutions and adjacent swaps (case-insensitive).
size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates);
/// The notation of a duration written in words or with a space ("15 minutes", "3 days", "5 min",
/// "1.5 hours" -> "15min", "3d", "5min", "1.5h"); nullopt for anything else. For error hints.
std::optional<std::string> duration_notation(std::string_view text);
/// A duration written in several units ("-89d20h", "1h30m", "2 days 3 hours") in the one unit the
/// notation takes, the largest that says it exactly ("-2156h", "90min", "51h"); nullopt for
/// anything else. For error hints: the notation has one unit per duration.
std::optional<std::string> one_unit_duration(std::string_view text);
/// A key that is a language code ("ko", or "kr" for it) where a teacher wrote a [ko] table: the
/// error message that says translations are `<key>_ko` keys; nullopt for any other key.
std::optional<std::string> translation_table_error(std::string_view key, std::string_view where);
/// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);
/// True when `name` equals `pattern` or matches a "*.example.test" wildcard one label deep.
bool domain_matches(std::string_view pattern, std::string_view name);
/// True when `name` is `origin` or a name below it.
bool in_zone(std::string_view name, std::string_view origin);

}  // namespace deploysim::detail
