#pragma once
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "deploysim/estimate.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/scenario.hpp"
#include "gui/run/model.hpp"

namespace deploysim::gui {

/// The open scenario and its simulation, with loading and re-simulation on a worker thread so
/// the UI never waits for a run. Only the UI thread calls these methods.
class Session {
 public:
  /// What a finished job tells the loop.
  struct Arrival {
    bool model = false;        ///< A new main model arrived.
    bool keep_time = false;    ///< ... and the playhead should stay at its time.
    bool compare = false;      ///< A new compare model arrived.
    bool failed = false;       ///< The job ended in an error (error() says which).
    std::string path = {};     ///< The file the job opened ("" for what-if and compare jobs).
    std::string variant = {};  ///< The variant it applied when it opened the file.
    /// Something to say in the status line about the job (its trace was bounded, it was
    /// cancelled), in a language; empty when nothing.
    std::function<std::string(const Messages&)> note = {};
  };

  /// Opens a scenario file, with one of its variants applied when `variant` is not empty and then
  /// `overrides` (parse + simulate off the UI thread, in one job). On error the old one stays.
  void open(const std::string& path, const std::string& variant = {},
            const std::vector<std::pair<std::string, std::string>>& overrides = {});
  /// Opens scenario text that is on no disk (an import): `label` names it in errors; no file is
  /// watched or reloaded afterwards. On error the old one stays.
  void open_text(const std::string& text, const std::string& label);
  /// Re-reads the current file.
  void reload();
  /// Changes one parameter by path and re-simulates, keeping the playhead time.
  void set_param(const std::string& path, const std::string& toml_value);
  /// Runs a variant of the current scenario for side-by-side metrics ("" = compare off).
  void compare(const std::string& variant);
  /// Shows an already-built model (tests, benchmarks, the dev fixture).
  void show(std::shared_ptr<const Model> model);

  /// Collects finished work; call once per frame.
  Arrival poll();
  /// Re-opens the file when it changed on disk (checked at most once a second; `now`: at once),
  /// keeping the overrides and the playhead's time; a broken edit leaves the run as it was.
  void watch_file(bool now = false);
  /// Blocks until no job is running or queued (script driver only; the UI never calls it).
  Arrival wait_idle();

  /// Whether a job is running.
  bool busy() const { return running_.valid(); }
  /// Seconds the running job has taken so far.
  double busy_seconds() const;
  /// How far the running job's simulation is, 0..1 (simulated time / duration).
  double progress() const { return control_ ? control_->progress.load(std::memory_order_relaxed) : 0.0; }
  /// Asks the running job to stop (its result is dropped; a queued job still runs).
  void cancel();
  /// The running job's size estimate ("about 630 M events, trace 1.2 GiB"), "" before it is known.
  std::string busy_estimate(const Messages& words) const;
  /// Wall seconds the running job still needs, from its progress so far (nullopt: too early).
  std::optional<double> seconds_left() const;
  /// The trace memory a run may take (default_trace_memory_budget()); a bigger trace is recorded
  /// at a lower level (full, outcomes, none) and the arrival's note says so.
  void set_trace_budget(uint64_t bytes) { trace_budget_ = bytes; }
  /// What the running job does ("simulating workers = 1").
  const std::string& busy_label() const { return running_label_; }
  /// The same in `words`' language, for the window.
  std::string busy_text(const Messages& words) const { return running_text_ ? running_text_(words) : running_label_; }
  /// The current model (an empty one before the first scenario opens).
  const Model& model() const { return model_ ? *model_ : empty_model(); }
  /// The compare model, when compare mode is on.
  const Model* compare_model() const { return compare_model_.get(); }
  /// The compare variant's name.
  const std::string& compare_variant() const { return compare_variant_; }
  /// The last error (file:line:column: message), empty when the last job succeeded.
  const std::string& error() const { return error_; }
  /// The same in `words`' language (Messages::error), for the window; translated once per error
  /// and language, since the window asks every frame.
  const std::string& error_text(const Messages& words) const {
    if (error_shown_.first != words.lang())
      error_shown_ = {words.lang(), located_ ? located_->to_string(words) : words.error(error_)};
    return error_shown_.second;
  }
  /// The file the current scenario came from.
  const std::string& path() const { return path_; }
  /// Parameter overrides applied on top of the file, in order.
  const std::vector<std::pair<std::string, std::string>>& overrides() const { return overrides_; }

  /// What a job hands back to the UI thread.
  struct Result {
    std::shared_ptr<const Model> model;
    std::optional<ScenarioError> error;
    std::string path;
    std::string variant;  ///< Applied when the file was opened.
    std::filesystem::file_time_type mtime{};
    bool compare = false;
    bool keep_time = false;
    std::vector<std::pair<std::string, std::string>> overrides;
    std::shared_ptr<const Scenario> base;
    bool cancelled = false;               ///< Stopped by a newer request: dropped.
    TraceLevel level = TraceLevel::full;  ///< The level it recorded at (lower than full: bounded).
    double full_trace_bytes = 0;          ///< Estimated full trace, when bounded.
    uint64_t budget = 0;                  ///< The budget it was bounded to.
    bool from_text = false;               ///< Opened from text (open_text): no file behind it.
  };

  /// Shared between the UI thread and one job: progress out, cancel in.
  struct Control {
    std::atomic<double> progress{0};     ///< Simulated time / duration.
    std::atomic<bool> cancel{false};     ///< Set by the UI thread.
    std::atomic<double> events{0};       ///< Estimated events of the run (0: not estimated yet).
    std::atomic<double> trace_bytes{0};  ///< Estimated trace memory at the level it runs at.
    uint64_t budget = 0;                 ///< Trace memory allowed (set before the job starts).
    /// simulate() options that report into this control.
    Options options();
    /// The same for running `scenario`: estimated first, at the richest trace level that fits
    /// the budget (noted in `r`).
    Options options_for(const Scenario& scenario, Result& r);
  };

 private:
  /// What a job does: a newer job of the same kind supersedes (cancels) a running one.
  enum class Kind { load, simulate, compare };
  struct Job {
    std::function<Result(Control&)> run;
    std::string label;
    Kind kind = Kind::load;
    std::function<std::string(const Messages&)> text;  ///< `label` in a language.
  };
  void submit(Job job);
  /// The error shown (empty: none), and the located error it is when it is one.
  void set_error(std::string text, std::optional<ScenarioError> located = std::nullopt);
  Arrival take(Result r);

  std::shared_ptr<const Scenario> base_;  // as read from the file, before overrides
  std::vector<std::pair<std::string, std::string>> requested_overrides_;
  std::shared_ptr<const Model> model_;
  std::shared_ptr<const Model> compare_model_;
  std::string compare_variant_;
  std::string path_;
  std::filesystem::file_time_type mtime_{};
  std::vector<std::pair<std::string, std::string>> overrides_;
  std::string error_;
  std::optional<ScenarioError> located_;                     ///< error_ when it is a located error of a file.
  mutable std::pair<std::string, std::string> error_shown_;  ///< Language, error_text (UI thread).
  std::future<Result> running_;
  std::shared_ptr<Control> control_;
  Kind running_kind_ = Kind::load;
  std::string running_label_;
  std::function<std::string(const Messages&)> running_text_;
  std::chrono::steady_clock::time_point running_since_{};
  std::optional<Job> queued_;
  std::chrono::steady_clock::time_point last_watch_{};
  uint64_t trace_budget_ = default_trace_memory_budget();
  bool bounded_ = false;         ///< The shown run's trace was bounded (its note is in the status line).
  bool user_cancelled_ = false;  ///< cancel() was asked for the running job (not a newer edit).
};

}  // namespace deploysim::gui
