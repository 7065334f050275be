// `deploysim handout LESSON --format md|html [--lang en|ko] [-o PATH]`: a lesson as a handout.
// The canvas (and the sequence diagram) at each step is rendered by the GUI's script driver under
// the current display; without one the handout says so and has no images.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "deploysim/columns.hpp"
#include "cli/commands.hpp"
#include "cli/handout.hpp"
#include "cli/tour.hpp"
#include "deploysim/glossary.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/lesson.hpp"
#include "deploysim/narration.hpp"
#include "deploysim/simulate.hpp"

namespace deploysim::cli {

namespace {

namespace fs = std::filesystem;

// Events shown before a step's own: enough to see what led to it, few enough for a page.
constexpr size_t events_per_step = 5;

struct HandoutOptions {
  std::string lesson;
  std::string format = "html";
  std::string lang = "en";
  std::string output;
  bool worksheet = false;
};

// The command's own sentences, from the catalogue ([handout]).
enum class Note { no_display, no_gui };

const std::string& note(Note n, const Messages& m) {
  return m(n == Note::no_display ? "handout.no_display" : "handout.no_gui");
}

std::vector<std::string> cite(const Lesson& lesson, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    const Source* src = find_source(lesson.own_sources, id);
    out.push_back(src ? fmt::format("{} <{}>", src->title, src->url) : id);
  }
  return out;
}

// The GUI script that renders the canvas (and, for a step on a connection, the sequence diagram)
// at every step into `dir`; fills the steps' image paths. The lesson opens from its file (a
// teacher's own lesson is not among the shipped ones the window lists by id); the script fails
// when it does not open, rather than draw the empty window.
std::string render_script(const Lesson& lesson, const Run& run, const std::string& lang, const fs::path& dir,
                          std::vector<HandoutStep>& steps) {
  std::error_code ec;
  std::string script = fmt::format("language {}\nlesson {}\n", lang, fs::absolute(lesson.source_path, ec).string());
  for (size_t s = 0; s < lesson.steps.size(); ++s) {
    if (s > 0) script += "lesson next\n";
    script += "frames 3\n";
    steps[s].canvas_png = (dir / fmt::format("step-{:02}-canvas.png", s + 1)).string();
    script += fmt::format("capture Topology {}\n", steps[s].canvas_png);
    const auto target = resolve_step_target(run.trace, lesson.steps[s].target);
    if (target && run.trace[*target].conn != ConnId::none) {
      steps[s].sequence_png = (dir / fmt::format("step-{:02}-sequence.png", s + 1)).string();
      script += fmt::format("capture Sequence {}\n", steps[s].sequence_png);
    }
  }
  return script;
}

int make_handout(const HandoutOptions& o, const ScriptedGui& gui) {
  std::string err;
  const auto words = Messages::load(o.lang, &err);
  if (!words) {
    std::fprintf(stderr, "deploysim: %s\n", err.c_str());
    return 2;
  }
  const std::string file = resolve_lesson(o.lesson);
  const auto loaded = load_lesson_scenario(file, *words);
  if (!loaded) return 2;
  const Lesson& lesson = loaded->lesson;
  const auto narrator = Narrator::load(o.lang, &err);
  const GlossaryLoad glossary = load_glossary();
  if (!narrator || glossary.error) {
    std::fprintf(stderr, "%s\n", narrator ? glossary.error->to_string(*words).c_str() : ("deploysim: " + err).c_str());
    return 2;
  }
  const Run run = simulate(loaded->scenario);

  Handout h;
  h.lang = o.lang;
  h.worksheet = o.worksheet;
  h.id = lesson.id;
  h.title = lesson.tr.pick("title", lesson.title, o.lang);
  h.summary = lesson.tr.pick("summary", lesson.summary, o.lang);
  h.scenario = fs::path(lesson.scenario_path).filename().string();
  if (!lesson.variant.empty())
    h.scenario = words->format("handout.variant", h.scenario, variant_title(loaded->scenario, lesson.variant, o.lang));
  h.objectives = lesson.objectives_for(o.lang);
  h.minutes = lesson.minutes;
  h.prerequisites = lesson.prerequisites;
  std::string all_text = h.title + "\n" + h.summary + "\n";
  size_t next = 0;
  for (const LessonStep& step : lesson.steps) {
    HandoutStep hs;
    hs.text = step.tr.pick("text", step.text, o.lang);
    hs.sources = cite(lesson, step.sources);
    const auto target = resolve_step_target(run.trace, step.target);
    if (step.question) hs.questions.push_back(handout_question(*step.question, run, target, *words));
    if (target && *target + 1 > next) {
      const size_t end = *target + 1, from = end - next > events_per_step ? end - events_per_step : next;
      if (from > next)
        hs.events.push_back(words->format(from - next == 1 ? "cli.earlier_one" : "cli.earlier", from - next));
      for (size_t i = from; i < end; ++i)
        hs.events.push_back(fmt::format("{}  {} {}", align_columns(words->time(run.trace[i].t()), 12),
                                        pad_columns(words->stage(run.trace[i].stage), 10),
                                        narrator->narrate(run.trace, run.trace[i])));
      next = end;
    }
    all_text += hs.text + "\n";
    for (const HandoutQuestion& q : hs.questions) all_text += q.prompt + "\n" + q.explain + "\n";
    h.steps.push_back(std::move(hs));
  }
  const Metrics& mx = run.metrics;
  h.outcome = words->format("handout.outcome_value", mx.requests, 100.0 * mx.availability_ratio());
  h.real_life = lesson.real_life.tr.pick("text", lesson.real_life.text, o.lang);
  h.commands = lesson.real_life.commands;
  h.real_life_sources = cite(lesson, lesson.real_life.sources);
  all_text += h.real_life;
  for (const GlossaryEntry* g : glossary_terms_in(glossary.entries, all_text, o.lang))
    h.glossary.push_back(
        {g->tr.pick("term", g->term, o.lang), g->tr.pick("text", g->text, o.lang), cite(lesson, g->sources)});

  const std::string ext = o.format == "md" ? "md" : "html";
  const fs::path out =
      o.output.empty() ? fs::path(fmt::format("{}-{}.{}", lesson.id, o.lang, ext)) : fs::path(o.output);
  std::error_code ec;
  // Markdown links its pictures from a folder beside it; HTML carries them inside.
  const fs::path images = o.format == "md" ? fs::path(fs::path(out).replace_extension().string() + "-images")
                                           : fs::temp_directory_path(ec) /
                                                 fmt::format("deploysim-handout-{:x}",
                                                             std::hash<std::string>{}(fs::absolute(out, ec).string()));
  fs::create_directories(images, ec);
  ScriptedGuiResult rendered = ScriptedGuiResult::failed;
  if (gui) {
    const std::string script = render_script(lesson, run, o.lang, images, h.steps);
    const fs::path script_file = images / "render.txt";
    std::ofstream(script_file) << script;
    rendered = gui(script_file.string());
    fs::remove(script_file, ec);
  }
  // The window opened but did not draw the lesson at every step (it refused the lesson, a
  // picture could not be written): a handout of empty windows would mislead a class.
  bool missing = false;
  for (const HandoutStep& s : h.steps)
    for (const std::string* png : {&s.canvas_png, &s.sequence_png})
      missing = missing || (rendered == ScriptedGuiResult::ok && !png->empty() && !fs::exists(*png, ec));
  if ((gui && rendered == ScriptedGuiResult::failed) || missing) {
    fs::remove_all(images, ec);
    std::fprintf(stderr, "deploysim: %s\n", words->format("handout.render_failed", file).c_str());
    return 1;
  }
  for (HandoutStep& s : h.steps)
    for (std::string* png : {&s.canvas_png, &s.sequence_png})
      if (rendered != ScriptedGuiResult::ok) png->clear();
  if (rendered != ScriptedGuiResult::ok) {
    h.images_note = note(gui ? Note::no_display : Note::no_gui, *words);
    std::fprintf(stderr, "deploysim: %s\n", h.images_note.c_str());
  }
  const fs::path base = out.has_parent_path() ? out.parent_path() : fs::current_path(ec);
  const std::string text =
      o.format == "md" ? handout_markdown(h, *words, fs::absolute(base, ec).string()) : handout_html(h, *words);
  if (o.format != "md" || fs::is_empty(images, ec)) fs::remove_all(images, ec);
  std::ofstream f(out, std::ios::binary);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "%s\n", words->format("cli.cannot_write_handout", out.string()).c_str());
    return 1;
  }
  std::printf("%s\n", out.string().c_str());
  return 0;
}

}  // namespace

void register_handout_command(CLI::App& app, Context& ctx, ScriptedGui gui) {
  auto* cmd = app.add_subcommand("handout", ctx.words("cli_help.handout"));
  auto o = std::make_shared<HandoutOptions>();
  cmd->add_option("lesson", o->lesson, ctx.words("cli_help.handout_lesson"))->required();
  cmd->add_option("--format", o->format, ctx.words("cli_help.handout_format"))->check(CLI::IsMember({"md", "html"}));
  o->lang = ctx.words.lang();  // unless --lang says otherwise
  cmd->add_option("--lang", o->lang, ctx.words("cli_help.handout_lang"))->check(CLI::IsMember(Messages::languages()));
  cmd->add_option("-o,--output", o->output, ctx.words("cli_help.handout_output"));
  cmd->add_flag("--worksheet", o->worksheet, ctx.words("cli_help.handout_worksheet"));
  cmd->callback([&ctx, o, gui] { ctx.exit_code = make_handout(*o, gui); });
}

}  // namespace deploysim::cli
