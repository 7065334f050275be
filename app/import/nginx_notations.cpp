// nginx's notations for times and sizes, as its own readers take them (ngx_parse_time,
// ngx_parse_size): what `proxy_read_timeout 90s;` and `client_max_body_size 10m;` mean.
#include "import/nginx_conf.hpp"
#include "import/parse_util.hpp"

namespace deploysim::import {

using detail::parse_uint;

std::optional<int64_t> parse_nginx_time_ms(std::string_view s) {
  // nginx's units (ngx_parse_time): ms s m h d w M y; a bare number is seconds; parts may be
  // written together ("1m30s") or apart ("1h 30m").
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    const auto n = parse_uint(s.substr(i, j - i), 1000000000);
    if (!n) return std::nullopt;
    int64_t unit = 1000;
    if (s.substr(j).starts_with("ms")) {
      unit = 1;
      j += 2;
    } else if (j < s.size() && s[j] != ' ') {
      switch (s[j]) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60 * 1000;
          break;
        case 'h':
          unit = 3600 * 1000;
          break;
        case 'd':
          unit = 86400LL * 1000;
          break;
        case 'w':
          unit = 7 * 86400LL * 1000;
          break;
        case 'M':
          unit = 30 * 86400LL * 1000;
          break;
        case 'y':
          unit = 365 * 86400LL * 1000;
          break;
        default:
          return std::nullopt;
      }
      ++j;
    }
    total += static_cast<int64_t>(*n) * unit;
    if (total > 100LL * 365 * 86400 * 1000) return std::nullopt;
    any = true;
    i = j;
  }
  if (!any) return std::nullopt;
  return total;
}

std::optional<uint64_t> parse_nginx_size(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t mult = 1;
  switch (s.back()) {
    case 'k':
    case 'K':
      mult = 1024;
      break;
    case 'm':
    case 'M':
      mult = 1024 * 1024;
      break;
    case 'g':
    case 'G':
      mult = 1024ULL * 1024 * 1024;
      break;
    default:
      break;
  }
  if (mult != 1) s.remove_suffix(1);
  const auto n = parse_uint(s, (1ULL << 50) / mult);
  if (!n) return std::nullopt;
  return *n * mult;
}

}  // namespace deploysim::import
