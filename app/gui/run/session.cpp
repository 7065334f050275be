#include "gui/run/session.hpp"

#include <algorithm>
#include <system_error>

#include "common/approx_count.hpp"
#include "gui/platform/page.hpp"

namespace deploysim::gui {

namespace {

using Overrides = std::vector<std::pair<std::string, std::string>>;

// Applies the overrides together (a variant's keys in any order); the first that cannot join the
// ones before it names itself in the error.
LoadResult apply_overrides(const Scenario& base, const Overrides& overrides) { return set_params(base, overrides); }

std::filesystem::file_time_type mtime_of(const std::string& path) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

// Applies the overrides to `base` and simulates, filling `r`.
Session::Result build_with(Session::Result r, const Scenario& base, const Overrides& overrides,
                           Session::Control& control) {
  LoadResult applied = apply_overrides(base, overrides);
  if (applied.error) {
    r.error = std::move(applied.error);
    return r;
  }
  r.overrides = overrides;
  const Options options = control.options_for(*applied.scenario, r);
  r.model = build_model(std::move(*applied.scenario), options);
  r.cancelled = !r.model;
  return r;
}

// Reads the file, applies a variant's keys (as overrides, so the what-if panel shows them) and
// the overrides, and simulates: the job behind open and reload.
Session::Result load_and_build(const std::string& path, const std::string& variant, Overrides overrides, bool keep_time,
                               Session::Control& control) {
  Session::Result r;
  r.path = path;
  r.variant = variant;
  r.mtime = mtime_of(path);
  r.keep_time = keep_time;
  LoadResult loaded = load_scenario_file(path);
  if (loaded.error) {
    r.error = std::move(loaded.error);
    return r;
  }
  auto base = std::make_shared<const Scenario>(std::move(*loaded.scenario));
  r.base = base;
  if (!variant.empty()) {
    const auto v = std::find_if(base->variants.begin(), base->variants.end(),
                                [&](const VariantSpec& s) { return s.name == variant; });
    if (v == base->variants.end()) {
      r.error = ScenarioError{path, 0, 0, "no variant named '" + variant + "' in this scenario"};
      return r;
    }
    overrides.insert(overrides.begin(), v->set.begin(), v->set.end());
  }
  return build_with(std::move(r), *base, overrides, control);
}

// Parses scenario text and simulates: the job behind open_text.
Session::Result load_text_and_build(const std::string& text, const std::string& label, Session::Control& control) {
  Session::Result r;
  r.from_text = true;
  LoadResult loaded = load_scenario_text(text, label);
  if (loaded.error) {
    r.error = std::move(loaded.error);
    return r;
  }
  auto base = std::make_shared<const Scenario>(std::move(*loaded.scenario));
  r.base = base;
  return build_with(std::move(r), *base, {}, control);
}

}  // namespace

Options Session::Control::options() {
  Options o;
  o.cancel = &cancel;
  o.progress = [this](Time now, Time end) {
    progress.store(end.ns() > 0 ? static_cast<double>(now.ns()) / static_cast<double>(end.ns()) : 1.0,
                   std::memory_order_relaxed);
  };
  return o;
}

Options Session::Control::options_for(const Scenario& scenario, Result& r) {
  Options o = options();
  const RunEstimate e = estimate_run(scenario, o);
  o.level = level_that_fits(e, TraceLevel::full, budget);
  events.store(std::max(1.0, e.events), std::memory_order_relaxed);
  trace_bytes.store(e.trace_bytes(o.level), std::memory_order_relaxed);
  r.level = o.level;
  r.full_trace_bytes = e.trace_bytes(TraceLevel::full);
  r.budget = budget;
  return o;
}

void Session::open(const std::string& path, const std::string& variant, const Overrides& overrides) {
  submit({[path, variant, overrides](Control& c) { return load_and_build(path, variant, overrides, false, c); },
          "opening " + path, Kind::load, [path](const Messages& w) { return w.format("session.opening", path); }});
}

void Session::open_text(const std::string& text, const std::string& label) {
  submit({[text, label](Control& c) { return load_text_and_build(text, label, c); }, "opening " + label, Kind::load,
          [label](const Messages& w) { return w.format("session.opening", label); }});
}

void Session::reload() {
  if (path_.empty()) return;
  const std::string path = path_;
  const Overrides overrides = overrides_;
  submit({[path, overrides](Control& c) { return load_and_build(path, {}, overrides, true, c); }, "reloading " + path,
          Kind::load, [path](const Messages& w) { return w.format("session.reloading", path); }});
}

void Session::set_error(std::string text, std::optional<ScenarioError> located) {
  error_ = std::move(text);
  located_ = std::move(located);
  error_shown_ = {};
}

void Session::set_param(const std::string& path, const std::string& toml_value) {
  if (!base_) {
    set_error("no scenario is open: open one before changing " + path);
    return;
  }
  Overrides overrides = requested_overrides_;
  bool replaced = false;
  for (auto& [k, v] : overrides)
    if (k == path) v = toml_value, replaced = true;
  if (!replaced) overrides.emplace_back(path, toml_value);
  requested_overrides_ = overrides;
  auto base = base_;
  submit({[base, overrides](Control& c) {
            Result r;
            r.keep_time = true;
            return build_with(std::move(r), *base, overrides, c);
          },
          "simulating " + path + " = " + toml_value, Kind::simulate,
          [path, toml_value](const Messages& w) { return w.format("session.simulating_set", path, toml_value); }});
}

void Session::compare(const std::string& variant) {
  compare_variant_ = variant;
  if (variant.empty() || !model_) {
    compare_model_.reset();
    return;
  }
  auto current = model_;
  submit({[current, variant](Control& c) {
            Result r;
            r.compare = true;
            LoadResult applied = apply_variant(current->scenario, variant);
            if (applied.error) {
              r.error = std::move(applied.error);
              return r;
            }
            const Options options = c.options_for(*applied.scenario, r);
            r.model = build_model(std::move(*applied.scenario), options);
            r.cancelled = !r.model;
            return r;
          },
          "simulating variant " + variant, Kind::compare,
          [variant](const Messages& w) { return w.format("session.simulating_variant", variant); }});
}

void Session::show(std::shared_ptr<const Model> model) {
  model_ = std::move(model);
  base_ = std::make_shared<const Scenario>(model_->scenario);
  path_ = model_->scenario.source_path;
  overrides_.clear();
  requested_overrides_.clear();
  set_error({});
}

void Session::submit(Job job) {
  if (running_.valid()) {
    // Only the newest request matters; a running job of the same kind is stale now (a newer
    // edit's overrides include the older edit's), so it stops instead of finishing for nothing.
    if (job.kind == running_kind_) control_->cancel = true;
    queued_ = std::move(job);
    return;
  }
  running_label_ = job.label;
  running_text_ = job.text;
  running_kind_ = job.kind;
  running_since_ = std::chrono::steady_clock::now();
  control_ = std::make_shared<Control>();
  control_->budget = trace_budget_;
  user_cancelled_ = false;
  if (worker_threads()) {
    running_ =
        std::async(std::launch::async, [run = std::move(job.run), control = control_]() { return run(*control); });
    return;
  }
  // No worker threads (a browser): the job runs now, and poll() takes its result as usual.
  std::promise<Result> done;
  running_ = done.get_future();
  done.set_value(job.run(*control_));
}

void Session::cancel() {
  if (control_ && running_.valid()) control_->cancel = true, user_cancelled_ = true;
}

std::string Session::busy_estimate(const Messages& words) const {
  if (!control_ || !running_.valid()) return {};
  const double events = control_->events.load(std::memory_order_relaxed);
  if (events <= 0) return {};
  return words.format("progress.gui_estimate", approx_count(words, events),
                      format_bytes(control_->trace_bytes.load(std::memory_order_relaxed)));
}

std::optional<double> Session::seconds_left() const {
  const double p = progress(), elapsed = busy_seconds();
  if (!running_.valid() || p < 0.01 || elapsed < 0.5) return std::nullopt;
  return elapsed * (1 - p) / p;
}

double Session::busy_seconds() const {
  if (!running_.valid()) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - running_since_).count();
}

Session::Arrival Session::take(Result r) {
  Arrival a;
  a.path = r.path;
  a.variant = r.variant;
  if (r.cancelled) {
    requested_overrides_ = queued_ ? requested_overrides_ : overrides_;
    // Cancelled by the user (not superseded by a newer edit): the panels keep the previous run.
    if (user_cancelled_) a.note = [](const Messages& w) { return w("progress.gui_cancelled"); };
  } else if (r.error) {
    set_error(r.error->to_string(), *r.error);
    requested_overrides_ = overrides_;
    a.failed = true;
    if (r.compare) {  // no such variant (any more): compare is off, not left on an older run
      compare_variant_.clear();
      compare_model_.reset();
    }
  } else if (r.compare) {
    compare_model_ = std::move(r.model);
    a.compare = true;
    set_error({});
  } else if (r.model) {
    // Another file (or text): its variants are its own, so a comparison with the last one ends;
    // the same file read again, or a what-if of it, is compared again below.
    if (r.from_text || (!r.path.empty() && r.path != path_)) {
      compare_variant_.clear();
      compare_model_.reset();
    }
    model_ = std::move(r.model);
    if (r.base) base_ = std::move(r.base);
    if (!r.path.empty()) {
      path_ = r.path;
      mtime_ = r.mtime;
    }
    if (r.from_text) {  // nothing on disk to reload or watch
      path_.clear();
      mtime_ = {};
    }
    overrides_ = r.overrides;
    requested_overrides_ = overrides_;
    a.model = true;
    a.keep_time = r.keep_time;
    if (r.level == TraceLevel::full && bounded_) a.note = [](const Messages&) { return std::string(); };
    bounded_ = r.level != TraceLevel::full;
    if (r.level != TraceLevel::full)
      a.note = [level = r.level, full = r.full_trace_bytes, budget = r.budget](const Messages& w) {
        auto word = [&](TraceLevel l) -> const std::string& {
          return w(l == TraceLevel::full       ? "progress.level_full"
                   : l == TraceLevel::outcomes ? "progress.level_outcomes"
                                               : "progress.level_none");
        };
        return w.format("progress.gui_bounded", word(level), word(TraceLevel::full), format_bytes(full),
                        format_bytes(static_cast<double>(budget)));
      };
    set_error({});
    if (!compare_variant_.empty()) compare(compare_variant_);
  }
  return a;
}

Session::Arrival Session::poll() {
  Arrival a;
  if (!running_.valid() || running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return a;
  a = take(running_.get());
  control_.reset();
  if (queued_) {
    Job next = std::move(*queued_);
    queued_.reset();
    submit(std::move(next));
  }
  return a;
}

Session::Arrival Session::wait_idle() {
  Arrival all;
  while (running_.valid()) {
    running_.wait();
    const Arrival a = poll();
    all.model |= a.model;
    all.keep_time = a.model ? a.keep_time : all.keep_time;
    all.compare |= a.compare;
    if (a.note) all.note = a.note;
    if (!a.path.empty()) all.path = a.path, all.variant = a.variant, all.failed = a.failed;
  }
  return all;
}

void Session::watch_file(bool now) {
  const auto t_now = std::chrono::steady_clock::now();
  if (path_.empty() || running_.valid() || (!now && t_now - last_watch_ < std::chrono::seconds(1))) return;
  last_watch_ = t_now;
  const auto t = mtime_of(path_);
  if (t != std::filesystem::file_time_type{} && t != mtime_) {
    mtime_ = t;
    reload();
  }
}

}  // namespace deploysim::gui
