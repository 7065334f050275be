// A Dockerfile's HEALTHCHECK, CMD, ENTRYPOINT, ENV and ARG instructions, read as BuildKit's
// Dockerfile frontend reads the file (moby/buildkit frontend/dockerfile/parser): parser directives
// at the top (`# escape=`), an instruction continued over lines ending with the escape character
// (comment and empty lines among them skipped), instructions in any case, stages begun by FROM,
// and the HEALTHCHECK options with Docker's defaults (Dockerfile reference, "HEALTHCHECK":
// interval 30s, timeout 30s, start period 0s, retries 3; only the last HEALTHCHECK takes effect).
// ENV and ARG values are replaced as the frontend's shell lexer replaces them (frontend/dockerfile/
// shell/lex.go; Dockerfile reference, "Environment replacement").
#include "import/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "import/import_model.hpp"
#include "import/parse_util.hpp"

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
std::vector<Instruction> instructions(std::string_view text, const std::string& file, char& escape) {
  std::vector<std::string_view> lines;
  for (size_t at = 0; at <= text.size();) {
    const size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  escape = '\\';
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
  // ENV is the image's, so a stage built FROM this one starts with it; ARG is this stage's only
  // ("An ARG instruction goes out of scope at the end of the build stage where it was defined").
  std::map<std::string, DockerEnvVar> env;
  std::vector<DockerLine> env_lines;
  std::map<std::string, DockerArgUse> args;
  std::map<std::string, SourcePos> arg_lines;  // also the base stages' (they are built too)
};

using Vars = std::map<std::string, std::string>;

// Docker's environment replacement in an ENV or ARG value, as BuildKit's shell lexer processes a
// word: quotes removed ('...' as written; "..." with its variables replaced, the escape character
// keeping a following `"`, `$` or itself), outside quotes the escape character keeps the next
// character, $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word} (the word
// replaced in turn); an unset variable is empty. Other modifiers (${NAME#pattern}, ...) stay as
// written. `used` gets each name looked up.
class Lexer {
 public:
  Lexer(std::string_view s, char escape, const Vars& vars, std::vector<std::string>& used)
      : s_(s), escape_(escape), vars_(vars), used_(used) {}

  // The word up to `stop` outside quotes (left unread) or the end.
  std::string word(char stop = 0) {
    std::string out;
    while (i_ < s_.size() && !(stop && s_[i_] == stop)) {
      const char ch = s_[i_++];
      if (ch == '\'') {
        const size_t end = std::min(s_.find('\'', i_), s_.size());
        out += s_.substr(i_, end - i_);
        i_ = std::min(end + 1, s_.size());
      } else if (ch == '"') {
        out += double_quoted();
      } else if (ch == '$') {
        out += dollar();
      } else if (ch == escape_ && i_ < s_.size()) {
        out += s_[i_++];
      } else if (ch != escape_) {  // an escape character at the end is dropped
        out += ch;
      }
    }
    return out;
  }

 private:
  std::string double_quoted() {
    std::string out;
    while (i_ < s_.size()) {
      const char ch = s_[i_++];
      if (ch == '"') break;
      if (ch == '$')
        out += dollar();
      else if (ch == escape_ && i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '$' || s_[i_] == escape_))
        out += s_[i_++];
      else
        out += ch;
    }
    return out;  // unterminated: docker build refuses the file; the text so far
  }

  std::optional<std::string> lookup(const std::string& name) {
    used_.push_back(name);
    const auto it = vars_.find(name);
    return it == vars_.end() ? std::nullopt : std::optional(it->second);
  }

  // After a `$`.
  std::string dollar() {
    const size_t start = i_;
    const bool braces = i_ < s_.size() && s_[i_] == '{';
    if (braces) ++i_;
    while (i_ < s_.size() && detail::env_name_char(s_[i_])) ++i_;
    const std::string name(s_.substr(start + (braces ? 1 : 0), i_ - start - (braces ? 1 : 0)));
    if (!braces) return name.empty() ? "$" : lookup(name).value_or("");
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return lookup(name).value_or("");
    }
    const bool colon = i_ < s_.size() && s_[i_] == ':';
    const char mod = i_ + (colon ? 1 : 0) < s_.size() ? s_[i_ + (colon ? 1 : 0)] : '\0';
    if (!name.empty() && (mod == '-' || mod == '+' || mod == '?')) {
      i_ += colon ? 2 : 1;
      const std::string alt = word('}');
      if (i_ < s_.size()) ++i_;  // the `}`
      const std::optional<std::string> v = lookup(name);
      const bool set = v && !(colon && v->empty());
      if (mod == '-') return set ? *v : alt;
      if (mod == '+') return set ? alt : "";
      return v.value_or("");  // `?`: docker build stops when it is unset
    }
    const size_t end = std::min(s_.find('}', i_), s_.size());
    i_ = std::min(end + 1, s_.size());
    return "$" + std::string(s_.substr(start, i_ - start));
  }

  std::string_view s_;
  size_t i_ = 0;
  char escape_;
  const Vars& vars_;
  std::vector<std::string>& used_;
};

// The words of an ENV or ARG instruction, split at blanks outside quotes, quotes and escapes kept
// for the lexer (BuildKit's parseWords).
std::vector<std::string> kv_words(std::string_view s, char escape) {
  std::vector<std::string> out;
  std::string w;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (!quote && (ch == ' ' || ch == '\t' || ch == '\r')) {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
      continue;
    }
    if (ch == escape && i + 1 < s.size()) {
      w += ch;
      w += s[++i];
      continue;
    }
    if (quote && ch == quote)
      quote = 0;
    else if (!quote && (ch == '"' || ch == '\''))
      quote = ch;
    w += ch;
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// The variables an ENV or ARG value is replaced from: the stage's ARGs with a value, its ENV over
// them ("Environment variables defined using the ENV instruction always override an ARG
// instruction of the same name").
Vars vars_of(const std::map<std::string, DockerArgUse>& args, const std::map<std::string, DockerEnvVar>& env) {
  Vars v;
  for (const auto& [name, a] : args)
    if (a.from != DockerArgUse::From::empty) v[name] = a.value;
  for (const auto& [name, e] : env) v[name] = e.value;
  return v;
}

// ARG NAME[=default] ...: a build argument wins over the default; a stage's ARG without a default
// takes the value of the ARG of that name before the first FROM (`global`), else it has none.
void read_arg(const Instruction& in, std::string_view rest, char escape,
              const std::map<std::string, std::string>& build_args, const std::map<std::string, DockerArgUse>* global,
              std::map<std::string, DockerArgUse>& scope, const std::map<std::string, DockerEnvVar>& env,
              std::map<std::string, SourcePos>& lines) {
  for (const std::string& word : kv_words(rest, escape)) {
    const size_t eq = word.find('=');
    DockerArgUse a;
    a.name = word.substr(0, eq);
    a.pos = in.pos;
    if (a.name.empty()) continue;
    if (const auto b = build_args.find(a.name); b != build_args.end()) {
      a.from = DockerArgUse::From::build_arg;
      a.value = b->second;
    } else if (eq != std::string::npos) {
      std::vector<std::string> used;
      a.from = DockerArgUse::From::default_value;
      a.value = Lexer(std::string_view(word).substr(eq + 1), escape, vars_of(scope, env), used).word();
    } else if (global && global->count(a.name)) {
      a = global->at(a.name);
    }
    scope[a.name] = a;
    lines.emplace(a.name, in.pos);
  }
}

// ENV NAME=value ... or the legacy ENV NAME value (the rest of the line its value): each value
// replaced from the variables before the instruction ("ENV abc=bye def=$abc" gives def the abc
// before it). False when it sets nothing.
bool read_env(const Instruction& in, std::string_view rest, char escape, Stage& s) {
  const std::vector<std::string> words = kv_words(rest, escape);
  if (words.empty()) return false;
  std::vector<std::pair<std::string, std::string>> kvs;
  if (words.front().find('=') == std::string::npos) {
    const size_t sp = rest.find_first_of(" \t");
    if (sp == std::string_view::npos) return false;  // docker build refuses ENV NAME alone
    kvs.emplace_back(std::string(rest.substr(0, sp)), trim(rest.substr(sp)));
  } else {
    for (const std::string& w : words)
      if (const size_t eq = w.find('='); eq != std::string::npos && eq > 0)
        kvs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  const DockerLine line{in.pos, join_words(words_of(in.text))};
  const std::map<std::string, DockerEnvVar> before = s.env;
  const Vars vars = vars_of(s.args, before);
  for (const auto& [name, raw] : kvs) {
    std::vector<std::string> used;
    DockerEnvVar e{Lexer(raw, escape, vars, used).word(), line, {}};
    for (const std::string& u : used) {
      if (const auto it = before.find(u); it != before.end())
        e.args.insert(e.args.end(), it->second.args.begin(), it->second.args.end());
      else if (const auto a = s.args.find(u); a != s.args.end())
        e.args.push_back(a->second);
    }
    s.env[name] = std::move(e);
  }
  s.env_lines.push_back(line);
  return true;
}

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
  h.written = join_words(w);  // one line, as the report quotes it
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

DockerfileHealth read_dockerfile_health(std::string_view text, const std::string& file, const std::string& target,
                                        const std::map<std::string, std::string>& build_args) {
  using namespace dockerfile_detail;
  std::vector<Stage> stages;
  std::vector<DockerHealthcheck> all;
  std::vector<DockerLine> all_env;
  std::map<std::string, DockerArgUse> global_args;  // before the first FROM: for FROM lines and a stage's ARG
  std::map<std::string, SourcePos> global_arg_lines;
  DockerfileHealth out;
  char escape = '\\';
  for (const Instruction& in : instructions(text, file, escape)) {
    const std::vector<std::string> w = words_of(in.text);
    if (w.empty()) continue;
    const std::string op = lower(w[0]);
    // The text after the instruction's name.
    const size_t name_end = in.text.find_first_of(" \t", in.text.find_first_not_of(" \t"));
    const size_t at = name_end == std::string::npos ? name_end : in.text.find_first_not_of(" \t", name_end);
    const std::string_view rest = at == std::string::npos ? std::string_view() : std::string_view(in.text).substr(at);
    if (op == "from") {
      Stage s;
      std::vector<std::string> args;
      for (size_t i = 1; i < w.size(); ++i)
        if (!w[i].starts_with("--")) args.push_back(w[i]);  // --platform=...
      if (args.size() >= 3 && lower(args[1]) == "as") s.name = lower(args[2]);
      // A stage built FROM an earlier one starts as that image, with its HEALTHCHECK and ENV.
      if (!args.empty())
        for (auto it = stages.rbegin(); it != stages.rend(); ++it)
          if (!it->name.empty() && it->name == lower(args[0])) {
            s.check = it->check;
            s.cmd = it->cmd;
            s.entrypoint = it->entrypoint;
            s.shell = it->shell;
            s.env = it->env;
            s.env_lines = it->env_lines;
            s.arg_lines = it->arg_lines;
            break;
          }
      stages.push_back(std::move(s));
    } else if (op == "arg") {
      if (stages.empty())
        read_arg(in, rest, escape, build_args, nullptr, global_args, {}, global_arg_lines);
      else
        read_arg(in, rest, escape, build_args, &global_args, stages.back().args, stages.back().env,
                 stages.back().arg_lines);
    } else if (op == "env" && !stages.empty()) {
      // An ENV that sets nothing (a name alone) records no line.
      if (read_env(in, rest, escape, stages.back())) all_env.push_back(stages.back().env_lines.back());
    } else if (op == "expose") {
      out.exposes.push_back(DockerLine{in.pos, join_words(w)});
    } else if (op == "healthcheck" && !stages.empty()) {
      if (auto h = healthcheck(in, w)) {
        h->stage = stages.back().name;
        stages.back().check = *h;
        all.push_back(*h);
      }
    } else if ((op == "cmd" || op == "entrypoint" || op == "shell") && !stages.empty()) {
      Stage& s = stages.back();
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
  out.env = built->env;
  out.env_lines = built->env_lines;
  out.arg_lines = built->arg_lines;
  out.arg_lines.insert(global_arg_lines.begin(), global_arg_lines.end());
  for (const DockerLine& l : all_env)
    if (std::none_of(out.env_lines.begin(), out.env_lines.end(), [&](const DockerLine& e) { return e.pos == l.pos; }))
      out.env_other_stages.push_back(l);
  for (const Stage& s : stages) out.stages.push_back(s.name);
  for (const DockerHealthcheck& h : all)
    if (!out.effective || h.pos != out.effective->pos) out.unused.push_back(h);
  return out;
}

}  // namespace deploysim::import
