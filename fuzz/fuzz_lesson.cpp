// A lesson file as `deploysim check LESSON` and the GUI's lesson list read it: load (parse, keys,
// sources, step targets, questions, the course), then check it against a run of its scenario.
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "deploysim/assets.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/simulate.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

namespace {

// Runs of the lessons' scenarios by (file, variant): each is simulated once per process, and
// only its start (a checked lesson's targets and answers then resolve against a shorter trace,
// which exercises the same code; the fuzzer's time goes to the lesson text).
const Run* cached_run(const Lesson& lesson) {
  static std::map<std::pair<std::string, std::string>, std::optional<Run>> runs;
  const auto key = std::make_pair(lesson.scenario_path, lesson.variant);
  auto it = runs.find(key);
  if (it == runs.end()) {
    std::optional<Run> run;
    const LoadResult sc = load_lesson_scenario(lesson);
    if (sc.scenario) {
      // At most its first minute and 20000 events (as fuzz_simulate): a variant no shipped
      // lesson uses is run for the first time inside libFuzzer's 1 s per input.
      std::atomic<bool> stop{false};
      uint64_t events = 0;
      Options o;
      o.until = std::min(sc.scenario->info.duration, s(60));
      o.progress_every = 1024;
      o.cancel = &stop;
      o.progress = [&](Time, Time) {
        events += o.progress_every;
        if (events >= 20000) stop = true;
      };
      run = simulate(*sc.scenario, o);
    } else {
      require(sc.error.has_value(), "a lesson's scenario gives a scenario or an error");
    }
    it = runs.emplace(key, std::move(run)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace

void init_lesson() {
  (void)shipped_sources();
  for (const std::string& file : list_lessons())
    if (const LessonLoad l = load_lesson_file(file); l.lesson) (void)cached_run(*l.lesson);
}

int run_lesson(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Named as a shipped lesson would be, so that prerequisites resolve as they do for one.
  static const std::string path = (std::filesystem::path(assets_dir()) / "lessons" / "fuzz-lesson.toml").string();
  const LessonLoad l = load_lesson_text(text, path);
  require(l.lesson.has_value() != l.error.has_value(), "a lesson load gives a lesson or an error");
  if (l.error) {
    require(!l.error->message.empty() && !l.error->to_string().empty(), "a lesson error has a message");
    return 0;
  }
  // Only scenario files: a lesson naming a device or a directory is not what this target is about.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(l.lesson->scenario_path, ec)) return 0;
  if (const Run* run = cached_run(*l.lesson))
    for (const LessonIssue& issue : check_lesson(*l.lesson, run->trace, run->metrics))
      require(!issue.where.message.empty(), "a lesson issue has a message");
  return 0;
}

}  // namespace deploysim::fuzz
