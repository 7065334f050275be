// Exercise files and learners' settings files as `deploysim exercise` and the GUI's Exercise panel
// read them. The first byte chooses: even, the rest is an exercise file (load: keys, scenario,
// [start], [[param]], goals, [solution] against set_param), then its solution applied to its
// scenario; odd, the rest is a learner's settings file, checked against a shipped exercise (the
// byte's other bits pick it) and applied. Grading's simulation is the simulate target's work.
#include <filesystem>
#include <string>
#include <vector>

#include "deploysim/assets.hpp"
#include "deploysim/exercise.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/messages.hpp"
#include "fuzz_entry.hpp"

namespace deploysim::fuzz {

namespace {

const SourceCatalogue& catalogue() {
  static const SourceCatalogue sources = [] {
    SourcesLoad l = load_sources();
    require(!l.error, "the shipped source catalogue loads");
    return std::move(l.sources);
  }();
  return sources;
}

const std::vector<Exercise>& shipped() {
  static const std::vector<Exercise> all = [] {
    std::vector<Exercise> out;
    for (const std::string& f : list_exercises()) {
      ExerciseLoad l = load_exercise_file(f, &catalogue());
      require(l.exercise.has_value(), "every shipped exercise loads");
      out.push_back(std::move(*l.exercise));
    }
    require(!out.empty(), "exercises are shipped");
    return out;
  }();
  return all;
}

void check_error(const ScenarioError& e) {
  require(!e.message.empty(), "an exercise error has a message");
  require(!e.to_string().empty() && !e.to_string(shipped_messages("ko")).empty(), "an exercise error has a text");
}

// What the grader does before it simulates: every setting checked, then applied.
void apply(const Exercise& ex, const std::vector<ExerciseSetting>& settings) {
  for (const ExerciseSetting& s : settings)
    if (const auto refused = check_setting(ex, s)) check_error(*refused);
  const LoadResult r = exercise_scenario(ex, settings);
  require(r.scenario.has_value() != r.error.has_value(), "applied settings give a scenario or an error");
  if (r.error) check_error(*r.error);
}

}  // namespace

void init_exercise() {
  (void)shipped_messages("ko");
  (void)shipped();
}

int run_exercise(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    static const std::string path = (std::filesystem::path(assets_dir()) / "exercises" / "fuzz-exercise.toml").string();
    const ExerciseLoad l = load_exercise_text(text, path, &catalogue());
    require(l.exercise.has_value() != l.error.has_value(), "an exercise load gives an exercise or an error");
    if (l.error) {
      check_error(*l.error);
      return 0;
    }
    // The loader promised that the solution keeps to the params and that set_param takes it.
    for (const ExerciseSetting& s : l.exercise->solution)
      require(!check_setting(*l.exercise, s), "a loaded exercise's solution keeps to its params");
    apply(*l.exercise, l.exercise->solution);
    return 0;
  }
  const SettingsFile f = load_settings_text(text, "learner.toml");
  if (f.error) {
    check_error(*f.error);
    return 0;
  }
  const std::vector<Exercise>& all = shipped();
  apply(all[(data[0] >> 1) % all.size()], f.settings);
  return 0;
}

}  // namespace deploysim::fuzz
