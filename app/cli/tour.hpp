#pragma once
#include <string>

namespace deploysim::cli {

/// What `deploysim tour` (and the no-display fallback) runs.
struct TourOptions {
  std::string lesson;       ///< Lesson id, part of one, or a file ("" = the first lesson).
  std::string lang = "en";  ///< Narration language.
  bool pause = true;        ///< Wait for Enter between steps when on a terminal.
  bool sources = false;     ///< Print the sources of every step's claims.
};

/// Simulates the lesson's scenario and narrates it step by step; returns the exit code.
int run_tour(const TourOptions& options);

}  // namespace deploysim::cli
