#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace deploysim {

/// The texts one after another with `sep` between them: the trace's comma lists ("h2,http/1.1")
/// and the lists in messages ("a, b").
inline std::string join_with(const std::vector<std::string>& texts, std::string_view sep) {
  std::string out;
  for (const std::string& t : texts) {
    if (&t != texts.data()) out += sep;
    out += t;
  }
  return out;
}

}  // namespace deploysim
