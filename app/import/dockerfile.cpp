// A Dockerfile's HEALTHCHECK instructions, read as BuildKit's Dockerfile frontend reads the file
// (moby/buildkit frontend/dockerfile/parser): parser directives at the top (`# escape=`), an
// instruction continued over lines ending with the escape character (comment and empty lines
// among them skipped), instructions in any case, stages begun by FROM, and the HEALTHCHECK
// options with Docker's defaults (Dockerfile reference, "HEALTHCHECK": interval 30s, timeout 30s,
// start period 0s, retries 3; only the last HEALTHCHECK takes effect).
#include "import/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "import/import_model.hpp"

namespace deploysim::import {

// A namespace of its own: the unity build compiles this file with others that have helpers too.
namespace dockerfile_detail {
namespace {

struct Instruction {
  std::string text;  // the whole instruction on one line, continuations joined
  SourcePos pos;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  for (const char c : s) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// The instructions of the file, each on one line.
std::vector<Instruction> instructions(std::string_view text, const std::string& file) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= text.size();) {
    const size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  char escape = '\\';
  size_t i = 0;
  // Parser directives: `# name=value` lines at the very top; the first other line ends them.
  for (; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    const size_t eq = t.find('=');
    if (!t.starts_with('#') || eq == std::string::npos) break;
    const std::string name = lower(trim(std::string_view(t).substr(1, eq - 1)));
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) break;
    const std::string value = trim(std::string_view(t).substr(eq + 1));
    if (name == "escape" && (value == "`" || value == "\\")) escape = value[0];
  }
  std::vector<Instruction> out;
  Instruction cur;
  bool open = false;
  for (; i < lines.size(); ++i) {
    const std::string t = trim(lines[i]);
    if (t.empty() || t.starts_with('#')) continue;  // also inside a continued instruction
    if (!open) {
      cur = Instruction{"", SourcePos{file, static_cast<uint32_t>(i + 1), 1}};
      open = true;
    }
    std::string part = std::string(lines[i]);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t' || part.back() == '\r')) part.pop_back();
    if (part.ends_with(escape)) {
      part.pop_back();
      cur.text += part;
      continue;
    }
    cur.text += part;
    out.push_back(std::move(cur));
    open = false;
  }
  if (open) out.push_back(std::move(cur));
  return out;
}

struct Stage {
  std::string name;  // lower case, as stage names are compared
  std::optional<DockerHealthcheck> check;
  std::optional<DockerCommand> cmd, entrypoint;
  std::vector<std::string> shell = {"/bin/sh", "-c"};
  bool cmd_set = false;  // a CMD of this stage (not its base's): an ENTRYPOINT after it keeps it
};

// The exec form: a JSON array of strings ("[\"uvicorn\", \"app:app\"]"); nullopt when the text is
// not one, which Docker then runs as the shell form.
std::optional<std::vector<std::string>> json_words(std::string_view t) {
  size_t i = 0;
  const auto space = [&] {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')) ++i;
  };
  space();
  if (i >= t.size() || t[i] != '[') return std::nullopt;
  ++i;
  std::vector<std::string> out;
  space();
  if (i < t.size() && t[i] == ']') {
    ++i;
    space();
    return i == t.size() ? std::optional(out) : std::nullopt;
  }
  for (;;) {
    space();
    if (i >= t.size() || t[i] != '"') return std::nullopt;
    std::string w;
    for (++i;; ++i) {
      if (i >= t.size()) return std::nullopt;
      if (t[i] == '"') break;
      if (t[i] != '\\') {
        w += t[i];
        continue;
      }
      if (++i >= t.size()) return std::nullopt;
      const char e = t[i];
      if (e == 'n')
        w += '\n';
      else if (e == 't')
        w += '\t';
      else if (e == 'u' && i + 4 < t.size()) {  // \u00XX: an ASCII character; others kept as written
        const unsigned long code = std::strtoul(std::string(t.substr(i + 1, 4)).c_str(), nullptr, 16);
        if (code < 0x80)
          w += static_cast<char>(code);
        else
          w += "\\u" + std::string(t.substr(i + 1, 4));
        i += 4;
      } else
        w += e;  // \" \\ \/
    }
    ++i;
    out.push_back(std::move(w));
    space();
    if (i < t.size() && t[i] == ',') {
      ++i;
      continue;
    }
    if (i < t.size() && t[i] == ']') {
      ++i;
      space();
      return i == t.size() ? std::optional(out) : std::nullopt;
    }
    return std::nullopt;
  }
}

// A CMD or ENTRYPOINT: `rest` is the text after the instruction's name.
DockerCommand command_of(const Instruction& in, std::string_view rest, const std::vector<std::string>& shell) {
  DockerCommand c;
  c.pos = in.pos;
  c.written = trim(in.text);
  if (auto words = json_words(rest)) {
    c.argv = std::move(*words);
  } else {
    c.argv = shell;
    c.argv.push_back(trim(rest));
  }
  return c;
}

// A HEALTHCHECK's options and form; nullopt when it has neither NONE nor CMD (docker build
// refuses it).
std::optional<DockerHealthcheck> healthcheck(const Instruction& in, const std::vector<std::string>& w) {
  DockerHealthcheck h;
  h.pos = in.pos;
  for (const std::string& word : w)
    h.written += (h.written.empty() ? "" : " ") + word;  // one line, as the report quotes it
  size_t i = 1;
  for (; i < w.size() && w[i].starts_with("--"); ++i) {
    const size_t eq = w[i].find('=');
    const std::string name = lower(w[i].substr(2, eq == std::string::npos ? std::string::npos : eq - 2));
    const std::string value = eq == std::string::npos ? "" : w[i].substr(eq + 1);
    const auto ms = parse_compose_duration_ms(value);
    if (name == "interval" && ms && *ms > 0) h.interval_ms = *ms;
    if (name == "timeout" && ms && *ms > 0) h.timeout_ms = *ms;
    if (name == "start-period" && ms) h.start_period_ms = *ms;
    if (name == "retries")
      if (const auto n = port_number(value); n && *n <= 1000) h.retries = *n;  // 0 keeps Docker's 3
  }
  if (i >= w.size()) return std::nullopt;
  const std::string form = lower(w[i]);
  if (form == "none")
    h.none = true;
  else if (form != "cmd")
    return std::nullopt;
  return h;
}

}  // namespace
}  // namespace dockerfile_detail

DockerfileHealth read_dockerfile_health(std::string_view text, const std::string& file, const std::string& target) {
  using namespace dockerfile_detail;
  std::vector<Stage> stages;
  std::vector<DockerHealthcheck> all;
  for (const Instruction& in : instructions(text, file)) {
    const std::vector<std::string> w = words_of(in.text);
    if (w.empty()) continue;
    const std::string op = lower(w[0]);
    if (op == "from") {
      Stage s;
      std::vector<std::string> args;
      for (size_t i = 1; i < w.size(); ++i)
        if (!w[i].starts_with("--")) args.push_back(w[i]);  // --platform=...
      if (args.size() >= 3 && lower(args[1]) == "as") s.name = lower(args[2]);
      // A stage built FROM an earlier one starts as that image, with its HEALTHCHECK.
      if (!args.empty())
        for (auto it = stages.rbegin(); it != stages.rend(); ++it)
          if (!it->name.empty() && it->name == lower(args[0])) {
            s.check = it->check;
            s.cmd = it->cmd;
            s.entrypoint = it->entrypoint;
            s.shell = it->shell;
            break;
          }
      stages.push_back(std::move(s));
    } else if (op == "healthcheck" && !stages.empty()) {
      if (auto h = healthcheck(in, w)) {
        h->stage = stages.back().name;
        stages.back().check = *h;
        all.push_back(*h);
      }
    } else if ((op == "cmd" || op == "entrypoint" || op == "shell") && !stages.empty()) {
      Stage& s = stages.back();
      const size_t name_end = in.text.find_first_of(" \t", in.text.find_first_not_of(" \t"));
      const size_t at = name_end == std::string::npos ? name_end : in.text.find_first_not_of(" \t", name_end);
      const std::string_view rest = at == std::string::npos ? std::string_view() : std::string_view(in.text).substr(at);
      if (op == "shell") {
        if (auto words = json_words(rest); words && !words->empty()) s.shell = std::move(*words);
      } else if (op == "cmd") {
        s.cmd = command_of(in, rest, s.shell);
        s.cmd_set = true;
      } else {
        s.entrypoint = command_of(in, rest, s.shell);
        if (!s.cmd_set) s.cmd.reset();
      }
    }
  }
  DockerfileHealth out;
  if (stages.empty()) return out;
  const Stage* built = &stages.back();
  if (!target.empty()) {
    const auto it = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) { return s.name == lower(target); });
    out.target_found = it != stages.end();
    if (it != stages.end()) built = &*it;
  }
  out.stage = built->name;
  out.effective = built->check;
  out.cmd = built->cmd;
  out.entrypoint = built->entrypoint;
  for (const Stage& s : stages) out.stages.push_back(s.name);
  for (const DockerHealthcheck& h : all)
    if (!out.effective || h.pos != out.effective->pos) out.unused.push_back(h);
  return out;
}

}  // namespace deploysim::import
