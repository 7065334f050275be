// A lesson as a printed handout: Markdown for editing, or one HTML page a teacher prints to PDF
// from a browser (images inline as data: URIs, the answers on a page of their own).
#include "cli/handout.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace deploysim::cli {

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  return out;
}

// A lesson's prose escaped, its `code` spans (which the window draws as code) as <code>; an
// unpaired backtick stays a backtick.
std::string html_prose(const std::string& s) {
  std::string out;
  size_t at = 0;
  for (size_t open = s.find('`'); open != std::string::npos; open = s.find('`', at)) {
    const size_t close = s.find('`', open + 1);
    if (close == std::string::npos) break;
    out +=
        html_escape(s.substr(at, open - at)) + "<code>" + html_escape(s.substr(open + 1, close - open - 1)) + "</code>";
    at = close + 1;
  }
  return out + html_escape(s.substr(at));
}

std::string base64(const std::string& bytes) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? table[v & 63] : '=';
  }
  return out;
}

std::string data_uri(const std::string& png) {
  std::ifstream in(png, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return "data:image/png;base64," + base64(bytes.str());
}

// Questions numbered through the handout: (step, question) in order.
template <typename F>
void each_question(const Handout& h, F&& f) {
  int n = 0;
  for (size_t s = 0; s < h.steps.size(); ++s)
    for (const HandoutQuestion& q : h.steps[s].questions) f(++n, s, q);
}

}  // namespace

std::string choice_letter(size_t i) { return std::string(1, static_cast<char>('A' + i % 26)); }

HandoutQuestion handout_question(const Question& q, const Run& run, std::optional<size_t> target,
                                 const Messages& words) {
  const std::string& lang = words.lang();
  HandoutQuestion out;
  out.prompt = q.tr.pick("prompt", q.prompt, lang);
  out.explain = q.tr.pick("explain", q.explain, lang);
  for (const QuestionChoice& c : q.choices) out.choices.push_back(c.tr.pick("text", c.text, lang));
  out.truth = read_answer(run.trace, run.metrics, q.answer, target.value_or(0)).value;
  out.answer = "?";
  if (out.truth && q.type == QuestionType::choice) {
    out.right = right_choice(q, *out.truth);
    if (out.right) out.answer = fmt::format("{}. {}", choice_letter(*out.right), out.choices[*out.right]);
  } else if (out.truth) {
    out.answer = out.truth->numeric ? number_with_unit(out.truth->text, *out.truth, words) : out.truth->text;
    if (out.truth->numeric) out.unit = unit_word(out.truth->unit, words);
  }
  return out;
}

std::string handout_markdown(const Handout& h, const Messages& m, const std::string& base_dir) {
  std::string md = fmt::format("# {}\n\n", h.title);
  md += fmt::format("{}: ______________________  {}: ____________\n\n", m("handout.name"), m("handout.date"));
  if (!h.summary.empty()) md += h.summary + "\n\n";
  if (h.minutes > 0)
    md += fmt::format("**{}:** {}  \n", m("handout.minutes"), m.format("handout.minutes_value", h.minutes));
  if (!h.prerequisites.empty())
    md += fmt::format("**{}:** {}  \n", m("handout.prerequisites"), fmt::join(h.prerequisites, ", "));
  md += fmt::format("**{}:** `{}`\n\n", m("handout.scenario"), h.scenario);
  if (!h.objectives.empty()) {
    md += fmt::format("## {}\n\n", m("handout.objectives"));
    for (const std::string& o : h.objectives) md += fmt::format("- {}\n", o);
    md += "\n";
  }
  if (!h.images_note.empty()) md += fmt::format("> **{}**\n\n", h.images_note);
  auto rel = [&](const std::string& p) { return std::filesystem::relative(p, base_dir).generic_string(); };
  // What a step shows: its key events, pictures, text and sources.
  auto body = [&](const HandoutStep& st) {
    std::string out;
    if (!st.events.empty()) {
      out += fmt::format("**{}**\n\n", m("handout.events"));
      for (const std::string& e : st.events) out += fmt::format("    {}\n", e);
      out += "\n";
    }
    if (!st.canvas_png.empty()) out += fmt::format("![{}]({})\n\n", m("handout.canvas"), rel(st.canvas_png));
    if (!st.sequence_png.empty()) out += fmt::format("![{}]({})\n\n", m("handout.sequence"), rel(st.sequence_png));
    out += st.text + "\n\n";
    if (!st.sources.empty()) out += fmt::format("*{}: {}*\n\n", m("handout.sources"), fmt::join(st.sources, "; "));
    return out;
  };
  int qn = 0;
  for (size_t s = 0; s < h.steps.size(); ++s) {
    const HandoutStep& st = h.steps[s];
    md += fmt::format("## {} {}\n\n", m("handout.step"), s + 1);
    for (const HandoutQuestion& q : st.questions) {
      md += fmt::format("**{} {}.** {}\n\n", m("handout.question"), ++qn, q.prompt);
      for (size_t c = 0; c < q.choices.size(); ++c) md += fmt::format("- [ ] {}. {}\n", choice_letter(c), q.choices[c]);
      // A number is written in on a line that says its unit ("____ ms"), as the window's box does.
      md += !q.choices.empty() ? "\n"
            : q.unit.empty()   ? "\n______________________\n\n"
                               : fmt::format("\n______________________ {}\n\n", q.unit);
    }
    md += h.worksheet && !st.questions.empty() ? fmt::format("*{}*\n\n", m("handout.worksheet_step")) : body(st);
  }
  if (!h.outcome.empty()) md += fmt::format("**{}:** {}\n\n", m("handout.outcome"), h.outcome);
  if (!h.real_life.empty()) {
    md += fmt::format("## {}\n\n{}\n\n", m("handout.real_life"), h.real_life);
    if (!h.commands.empty()) {
      md += fmt::format("{}:\n\n", m("handout.commands"));
      for (const std::string& c : h.commands) md += fmt::format("    $ {}\n", c);
      md += "\n";
    }
    if (!h.real_life_sources.empty())
      md += fmt::format("*{}: {}*\n\n", m("handout.sources"), fmt::join(h.real_life_sources, "; "));
  }
  if (!h.glossary.empty()) {
    md += fmt::format("## {}\n\n", m("handout.glossary"));
    for (const HandoutTerm& t : h.glossary)
      md += fmt::format("**{}**: {} *({})*\n\n", t.term, t.text, fmt::join(t.sources, "; "));
  }
  if (qn > 0) {
    md += fmt::format("\n---\n\n## {}\n\n*{}*\n\n", m("handout.answers"), m("handout.no_answers"));
    each_question(h, [&](int n, size_t s, const HandoutQuestion& q) {
      md += fmt::format("{}. **{}** {}\n\n", n, q.answer, q.explain);
      // A worksheet's step follows its last question's answer.
      if (h.worksheet && &q == &h.steps[s].questions.back())
        md += fmt::format("### {}\n\n{}", m.format("handout.answer_step", s + 1), body(h.steps[s]));
    });
  }
  return md;
}

std::string handout_html(const Handout& h, const Messages& m) {
  auto e = html_escape;
  auto p = html_prose;
  std::string b;
  b += fmt::format(
      "<h1>{}</h1>\n<p class=\"who\">{}: <span class=\"blank\"></span> {}: <span class=\"blank short\">"
      "</span></p>\n",
      e(h.title), m("handout.name"), m("handout.date"));
  if (!h.summary.empty()) b += fmt::format("<p class=\"summary\">{}</p>\n", p(h.summary));
  b += "<dl class=\"facts\">";
  if (h.minutes > 0)
    b += fmt::format("<dt>{}</dt><dd>{}</dd>", m("handout.minutes"), m.format("handout.minutes_value", h.minutes));
  if (!h.prerequisites.empty())
    b += fmt::format("<dt>{}</dt><dd>{}</dd>", m("handout.prerequisites"),
                     e(fmt::format("{}", fmt::join(h.prerequisites, ", "))));
  b += fmt::format("<dt>{}</dt><dd><code>{}</code></dd></dl>\n", m("handout.scenario"), e(h.scenario));
  if (!h.objectives.empty()) {
    b += fmt::format("<h2>{}</h2>\n<ul>", m("handout.objectives"));
    for (const std::string& o : h.objectives) b += fmt::format("<li>{}</li>", p(o));
    b += "</ul>\n";
  }
  if (!h.images_note.empty()) b += fmt::format("<p class=\"note\">{}</p>\n", p(h.images_note));
  // What a step shows: its key events, pictures, text and sources.
  auto body = [&](const HandoutStep& st) {
    std::string out;
    if (!st.events.empty()) {
      out += fmt::format("<h3>{}</h3><pre class=\"events\">", m("handout.events"));
      for (const std::string& ev : st.events) out += e(ev) + "\n";
      out += "</pre>\n";
    }
    for (const auto& [png, caption] :
         {std::pair{st.canvas_png, m("handout.canvas")}, std::pair{st.sequence_png, m("handout.sequence")}})
      if (!png.empty())
        out += fmt::format("<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n", data_uri(png),
                           caption, caption);
    out += fmt::format("<p class=\"text\">{}</p>\n", p(st.text));
    if (!st.sources.empty())
      out += fmt::format("<p class=\"sources\">{}: {}</p>\n", m("handout.sources"),
                         e(fmt::format("{}", fmt::join(st.sources, "; "))));
    return out;
  };
  int qn = 0;
  for (size_t s = 0; s < h.steps.size(); ++s) {
    const HandoutStep& st = h.steps[s];
    b += fmt::format("<section class=\"step\"><h2>{} {}</h2>\n", m("handout.step"), s + 1);
    for (const HandoutQuestion& q : st.questions) {
      b += fmt::format("<div class=\"question\"><p><b>{} {}.</b> {}</p>", m("handout.question"), ++qn, p(q.prompt));
      if (q.choices.empty())
        b += q.unit.empty() ? "<p class=\"blank-line\"></p>"
                            : fmt::format("<p><span class=\"blank\"></span> {}</p>", p(q.unit));
      for (size_t c = 0; c < q.choices.size(); ++c)
        b += fmt::format("<p class=\"choice\">&#9744; {}. {}</p>", choice_letter(c), p(q.choices[c]));
      b += "</div>\n";
    }
    b += h.worksheet && !st.questions.empty()
             ? fmt::format("<p class=\"note\">{}</p>\n", p(m("handout.worksheet_step")))
             : body(st);
    b += "</section>\n";
  }
  if (!h.outcome.empty())
    b += fmt::format("<p class=\"outcome\"><b>{}:</b> {}</p>\n", m("handout.outcome"), p(h.outcome));
  if (!h.real_life.empty()) {
    b += fmt::format("<section class=\"real-life\"><h2>{}</h2><p>{}</p>\n", m("handout.real_life"), p(h.real_life));
    if (!h.commands.empty()) {
      b += fmt::format("<p>{}:</p><pre>", m("handout.commands"));
      for (const std::string& c : h.commands) b += "$ " + e(c) + "\n";
      b += "</pre>";
    }
    if (!h.real_life_sources.empty())
      b += fmt::format("<p class=\"sources\">{}: {}</p>", m("handout.sources"),
                       e(fmt::format("{}", fmt::join(h.real_life_sources, "; "))));
    b += "</section>\n";
  }
  if (!h.glossary.empty()) {
    b += fmt::format("<section class=\"glossary\"><h2>{}</h2><dl>", m("handout.glossary"));
    for (const HandoutTerm& t : h.glossary)
      b += fmt::format("<dt>{}</dt><dd>{} <span class=\"sources\">({})</span></dd>", e(t.term), p(t.text),
                       e(fmt::format("{}", fmt::join(t.sources, "; "))));
    b += "</dl></section>\n";
  }
  if (qn > 0) {
    b += fmt::format("<section class=\"answers\"><h2>{}</h2><p class=\"note\">{}</p><ol>", m("handout.answers"),
                     m("handout.no_answers"));
    each_question(h, [&](int, size_t s, const HandoutQuestion& q) {
      b += fmt::format("<li><b>{}</b> {}", e(q.answer), p(q.explain));
      // A worksheet's step follows its last question's answer.
      if (h.worksheet && &q == &h.steps[s].questions.back())
        b += fmt::format("<h3>{}</h3>\n{}", e(m.format("handout.answer_step", s + 1)), body(h.steps[s]));
      b += "</li>";
    });
    b += "</ol></section>\n";
  }
  // Print: A4 margins, a step never split from its figure, the answers on a page of their own.
  static constexpr const char* css = R"(
body { font-family: "Noto Sans CJK KR", "NanumGothic", "DejaVu Sans", sans-serif; max-width: 50em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #111; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #999; margin-top: 1.5em; }
.who { color: #444; } .blank { display: inline-block; width: 14em; border-bottom: 1px solid #333; }
.blank.short { width: 7em; } .blank-line { border-bottom: 1px solid #333; height: 1.6em; width: 60%; }
.facts dt { font-weight: bold; float: left; clear: left; margin-right: 0.5em; } .facts dd { margin-left: 0; }
.note { border-left: 4px solid #b35900; padding: 0.3em 0.8em; background: #fff4e5; }
.question { border: 1px solid #555; padding: 0.2em 0.8em; margin: 0.8em 0; }
pre { background: #f4f4f4; padding: 0.5em; white-space: pre-wrap; font-size: 0.85em; }
figure { margin: 0.8em 0; } img { max-width: 100%; border: 1px solid #888; }
figcaption, .sources { font-size: 0.8em; color: #555; }
.glossary dt { font-weight: bold; margin-top: 0.5em; }
.answers { page-break-before: always; break-before: page; }
@media print { body { margin: 0; max-width: none; } .step, figure { break-inside: avoid; page-break-inside: avoid; } }
@page { size: A4; margin: 15mm; }
)";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
      h.lang, e(h.title), css, b);
}

}  // namespace deploysim::cli
