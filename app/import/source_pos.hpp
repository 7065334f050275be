#pragma once
// Where a value of an imported file came from: the report and the scenario's comments cite it
// (`# from deploy/k8s/api.yaml:23`).
#include <cstdint>
#include <string>

namespace deploysim::import {

/// A place in an imported file (line and column from 1; 0 when unknown).
struct SourcePos {
  std::string file;   ///< The path as the user gave it (or relative to the folder they gave).
  uint32_t line = 0;  ///< Line, from 1.
  uint32_t col = 0;   ///< Column, from 1.
  /// "file:line" (":col" too when known), as the report and the comments print it.
  std::string str() const {
    std::string s = file;
    if (line) s += ":" + std::to_string(line);
    if (line && col) s += ":" + std::to_string(col);
    return s;
  }
  bool operator==(const SourcePos&) const = default;
};

/// A value read from a file, with where it was read.
template <class T>
struct Located {
  T value{};         ///< The value.
  SourcePos pos;     ///< Where it was.
  bool set = false;  ///< Whether the file gave it (false: absent; value is the default).
};

}  // namespace deploysim::import
