// systemd unit files, read as systemd's config parser does (systemd.syntax(7)): a backslash at a
// line's end joins the next line (comment lines in between are skipped), `#` and `;` start
// comment lines, "KEY=" with nothing resets a list; then the settings the simulation models.
// Defaults are systemd's (systemd.service(5), systemd.unit(5), systemd-system.conf(5)).
#include "import/systemd_unit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

using detail::make_error;
using detail::parse_uint;

using detail::trim;

uint32_t chars(std::string_view s) {
  return static_cast<uint32_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A number with an optional fraction ("1", "1.5"), as systemd's spans and sizes allow.
std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 24 || s.front() == '.' || s.back() == '.') return std::nullopt;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) return std::nullopt;
  if (std::count(s.begin(), s.end(), '.') > 1) return std::nullopt;
  const std::string copy(s);
  return std::strtod(copy.c_str(), nullptr);
}

std::string normalize_signal(std::string_view v) {
  static constexpr std::pair<int, std::string_view> numbered[] = {
      {1, "SIGHUP"}, {2, "SIGINT"}, {3, "SIGQUIT"}, {9, "SIGKILL"}, {10, "SIGUSR1"}, {12, "SIGUSR2"}, {15, "SIGTERM"}};
  if (const auto n = parse_uint(v, 64)) {
    for (const auto& [num, name] : numbered)
      if (static_cast<uint64_t>(num) == *n) return std::string(name);
    return std::string(v);
  }
  if (v.starts_with("SIG")) return std::string(v);
  return "SIG" + std::string(v);
}

struct Entry {
  std::string section, key, value;
  SourcePos key_pos, value_pos;
};

class Reader {
 public:
  Reader(std::string_view text, const std::string& file, std::vector<SkippedLine>& skipped)
      : text_(text), file_(file), skipped_(skipped) {}
  std::optional<ParseError> err;

  // Every assignment in file order, or stops at the first error.
  std::vector<Entry> entries() {
    std::vector<Entry> out;
    std::string section;
    size_t at = 0;
    uint32_t line_no = 0;
    while (at < text_.size() && !err) {
      // One logical line: physical lines joined by trailing backslashes.
      std::string_view first = next_line(at, line_no);
      const uint32_t start_line = line_no;
      std::string_view t = trim(first);
      if (t.empty() || t.front() == '#' || t.front() == ';') continue;
      const uint32_t indent = chars(first.substr(0, static_cast<size_t>(t.data() - first.data()))) + 1;
      std::string logical(t);
      while (!logical.empty() && logical.back() == '\\' && at < text_.size()) {
        logical.back() = ' ';
        std::string_view more = trim(next_line(at, line_no));
        while ((more.starts_with('#') || more.starts_with(';')) && at < text_.size())
          more = trim(next_line(at, line_no));
        if (more.starts_with('#') || more.starts_with(';')) break;
        logical += more;
      }
      const SourcePos pos{file_, start_line, indent};
      if (logical.front() == '[') {
        const std::string_view l = trim(logical);
        if (l.back() != ']' || l.size() < 3) {
          err = make_error(ParseErrorCode::bad_section, pos, {std::string(l)});
          break;
        }
        section = std::string(l.substr(1, l.size() - 2));
        continue;
      }
      // systemd's config parser warns and skips a line without '=' or before any section; only
      // a broken section header keeps the unit from loading.
      const size_t eq = logical.find('=');
      if (eq == std::string::npos) {
        skipped_.push_back({SkippedLine::Why::no_equals, logical, {}, pos});
        continue;
      }
      Entry e;
      e.section = section;
      e.key = std::string(trim(std::string_view(logical).substr(0, eq)));
      if (section.empty()) {
        skipped_.push_back({SkippedLine::Why::outside_section, e.key, {}, pos});
        continue;
      }
      const std::string_view rest = std::string_view(logical).substr(eq + 1);
      const std::string_view value = trim(rest);
      e.value = std::string(value);
      e.key_pos = pos;
      e.value_pos = pos;
      e.value_pos.col += chars(std::string_view(logical).substr(0, eq + 1)) +
                         chars(rest.substr(0, static_cast<size_t>(value.data() - rest.data())));
      if (value.empty()) e.value_pos.col = pos.col + chars(std::string_view(logical).substr(0, eq + 1));
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  std::string_view text_;
  const std::string& file_;
  std::vector<SkippedLine>& skipped_;

  std::string_view next_line(size_t& at, uint32_t& line_no) {
    const size_t nl = text_.find('\n', at);
    const size_t end = nl == std::string_view::npos ? text_.size() : nl;
    std::string_view l = text_.substr(at, end - at);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    at = end + 1;
    ++line_no;
    return l;
  }
};

class Builder {
 public:
  explicit Builder(SystemdUnit& u) : u_(u) {}
  std::optional<ParseError> err;

  void apply(const Entry& e) {
    const std::string& k = e.key;
    const bool unit = e.section == "Unit", service = e.section == "Service", install = e.section == "Install";
    if (unit && k == "Description")
      text(e, u_.description);
    else if ((unit || service) && k == "StartLimitBurst")
      number(e, u_.start_limit_burst);
    // systemd's load-fragment-gperf.gperf.in: [Unit] StartLimitIntervalSec= and its legacy alias
    // StartLimitInterval=; [Service] keeps only the old StartLimitInterval= (and
    // StartLimitBurst=). A [Service] StartLimitIntervalSec= is an unknown key there: systemd
    // logs a warning and skips the line.
    else if ((unit && (k == "StartLimitIntervalSec" || k == "StartLimitInterval")) ||
             (service && k == "StartLimitInterval")) {
      span(e, u_.start_limit_interval);
      if (u_.start_limit_interval.set) u_.start_limit_interval_key = k;
    } else if (service && k == "StartLimitIntervalSec")
      u_.skipped.push_back({SkippedLine::Why::wrong_section, e.key, e.value, e.key_pos});
    else if (service && k == "ExecStart")
      exec(e);
    else if (service && k == "Type")
      text(e, u_.type);
    else if (service && k == "WorkingDirectory")
      text(e, u_.working_directory);
    else if (service && k == "User")
      text(e, u_.user);
    else if (service && k == "Restart")
      restart(e);
    else if (service && k == "OOMPolicy")
      oom_policy(e);
    else if (service && k == "RestartSec")
      span(e, u_.restart_sec);
    else if (service && (k == "TimeoutStopSec" || k == "TimeoutSec"))
      span(e, u_.timeout_stop);
    else if (service && k == "KillSignal")
      signal(e);
    else if (service && (k == "MemoryMax" || (k == "MemoryLimit" && !memory_max_written_)))
      memory(e);
    else if (service && k == "Environment")
      environment(e);
    else if (service && k == "EnvironmentFile")
      env_file(e);
    else if (service && k == "RestartSteps")
      number(e, u_.restart_steps);
    else if (service && k == "RestartMaxDelaySec")
      span(e, u_.restart_max_delay);
    // systemd.unit(5) [Install]: `systemctl enable` links the unit into each of these targets'
    // .wants/, .requires/ or .upholds/ directory alike.
    else if (install && k == "WantedBy")
      install_hook(e, u_.wanted_by);
    else if (install && k == "RequiredBy")
      install_hook(e, u_.required_by);
    else if (install && k == "UpheldBy")
      install_hook(e, u_.upheld_by);
    else
      u_.ignored.push_back(Ignored{k, e.section, e.key_pos});
  }

 private:
  SystemdUnit& u_;
  bool memory_max_written_ = false;

  void text(const Entry& e, Located<std::string>& out) { out = {e.value, e.key_pos, !e.value.empty()}; }

  // What systemd does with a value its key's parser refuses: a warning, and the line is skipped.
  void skip(const Entry& e) { u_.skipped.push_back({SkippedLine::Why::bad_value, e.key, e.value, e.key_pos}); }

  // systemd.service(5)'s values; anything else (an empty value too) is skipped by systemd.
  void restart(const Entry& e) {
    static constexpr std::string_view values[] = {"no",          "on-success", "on-failure", "on-abnormal",
                                                  "on-watchdog", "on-abort",   "always"};
    if (std::find(std::begin(values), std::end(values), e.value) == std::end(values))
      skip(e);
    else
      u_.restart = {e.value, e.key_pos, true};
  }

  void oom_policy(const Entry& e) {
    if (e.value == "continue" || e.value == "stop" || e.value == "kill")
      u_.oom_policy = {e.value, e.key_pos, true};
    else
      skip(e);
  }

  void number(const Entry& e, Located<int>& out) {
    if (e.value.empty()) {
      out = {};
      return;
    }
    const auto n = parse_uint(e.value, 1000000000);
    if (!n) return skip(e);
    out = {static_cast<int>(*n), e.key_pos, true};
  }

  void span(const Entry& e, Located<TimeSpan>& out) {
    if (e.value.empty()) {
      out = {};
      return;
    }
    const auto t = parse_systemd_timespan(e.value);
    if (!t) return skip(e);
    out = {*t, e.key_pos, true};
  }

  void memory(const Entry& e) {
    if (e.key == "MemoryMax") memory_max_written_ = true;
    if (e.value.empty()) {
      u_.memory_max = {};
      return;
    }
    const auto b = parse_systemd_bytes(e.value);
    if (!b) return skip(e);
    u_.memory_max = {*b, e.key_pos, true};
  }

  void signal(const Entry& e) {
    if (e.value.empty()) {
      u_.kill_signal = {};
      return;
    }
    u_.kill_signal = {normalize_signal(e.value), e.key_pos, true};
  }

  bool words(const Entry& e, std::vector<std::string>& out) {
    if (const auto bad = split_systemd_words(e.value, out)) {
      SourcePos p = e.value_pos;
      p.col += chars(std::string_view(e.value).substr(0, bad->second));
      const std::string what = bad->first == ParseErrorCode::unterminated_string
                                   ? std::string(1, e.value[bad->second])
                                   : std::string(std::string_view(e.value).substr(bad->second, 2));
      err = make_error(bad->first, p, {what});
      return false;
    }
    return true;
  }

  void exec(const Entry& e) {
    if (e.value.empty()) {
      u_.exec_start.clear();
      return;
    }
    std::string_view v = e.value;
    std::string prefixes;
    while (!v.empty() && std::string_view("-@+!:|").find(v.front()) != std::string_view::npos) {
      prefixes += v.front();
      v.remove_prefix(1);
    }
    Entry rest = e;
    rest.value = std::string(v);
    rest.value_pos.col += static_cast<uint32_t>(prefixes.size());
    std::vector<std::string> all;
    if (!words(rest, all)) return;
    // A lone ";" separates command lines (systemd.service(5), Type=oneshot).
    std::vector<std::vector<std::string>> commands(1);
    for (std::string& w : all) {
      if (w == ";")
        commands.emplace_back();
      else
        commands.back().push_back(std::move(w));
    }
    for (std::vector<std::string>& c : commands) {
      const bool at = prefixes.find('@') != std::string::npos;
      if (c.empty() || (at && c.size() < 2)) {
        err = make_error(ParseErrorCode::empty_command, e.value_pos, {e.key});
        return;
      }
      ExecCommand x;
      x.prefixes = prefixes;
      x.pos = e.key_pos;
      x.path = c.front();
      x.argv.assign(c.begin() + (at ? 1 : 0), c.end());
      u_.exec_start.push_back(std::move(x));
    }
  }

  void environment(const Entry& e) {
    if (e.value.empty()) {
      u_.environment.clear();
      return;
    }
    std::vector<std::string> ws;
    if (!words(e, ws)) return;
    for (const std::string& w : ws) {
      const size_t eq = w.find('=');
      if (eq == std::string::npos || eq == 0) {
        u_.ignored.push_back(Ignored{"Environment " + w, e.section, e.key_pos});  // systemd too ignores it
        continue;
      }
      u_.environment.push_back({{w.substr(0, eq), w.substr(eq + 1)}, e.key_pos, true});
    }
  }

  void env_file(const Entry& e) {
    if (e.value.empty())
      u_.environment_files.clear();
    else
      u_.environment_files.push_back({e.value, e.key_pos, true});
  }

  void install_hook(const Entry& e, Located<std::vector<std::string>>& out) {
    if (e.value.empty()) {
      out = {};
      return;
    }
    std::vector<std::string> ws;
    if (!words(e, ws)) return;
    if (!out.set) out = {{}, e.key_pos, true};
    out.value.insert(out.value.end(), ws.begin(), ws.end());
  }
};

}  // namespace

std::optional<TimeSpan> parse_systemd_timespan(std::string_view s) {
  s = trim(s);
  if (s == "infinity") return TimeSpan{0, true};
  static constexpr std::pair<std::string_view, double> units[] = {{"usec", 1},
                                                                  {"us", 1},
                                                                  {"\xC2\xB5s", 1},
                                                                  {"msec", 1e3},
                                                                  {"ms", 1e3},
                                                                  {"seconds", 1e6},
                                                                  {"second", 1e6},
                                                                  {"sec", 1e6},
                                                                  {"s", 1e6},
                                                                  {"minutes", 60e6},
                                                                  {"minute", 60e6},
                                                                  {"min", 60e6},
                                                                  {"months", 2629800e6},
                                                                  {"month", 2629800e6},
                                                                  {"M", 2629800e6},
                                                                  {"m", 60e6},
                                                                  {"hours", 3600e6},
                                                                  {"hour", 3600e6},
                                                                  {"hr", 3600e6},
                                                                  {"h", 3600e6},
                                                                  {"days", 86400e6},
                                                                  {"day", 86400e6},
                                                                  {"d", 86400e6},
                                                                  {"weeks", 604800e6},
                                                                  {"week", 604800e6},
                                                                  {"w", 604800e6},
                                                                  {"years", 31557600e6},
                                                                  {"year", 31557600e6},
                                                                  {"y", 31557600e6}};
  if (s.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
    const auto n = parse_decimal(s.substr(i, j - i));
    if (!n) return std::nullopt;
    size_t k = j;
    while (k < s.size() && s[k] == ' ') ++k;  // "5 s" is allowed
    size_t u = k;
    while (u < s.size() && s[u] != ' ' && s[u] != '\t' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    const std::string_view unit = s.substr(k, u - k);
    double mult = 1e6;  // a bare number is seconds
    if (!unit.empty()) {
      const auto it = std::find_if(std::begin(units), std::end(units), [&](const auto& p) { return p.first == unit; });
      if (it == std::end(units)) return std::nullopt;
      mult = it->second;
      i = u;
    } else {
      i = j;
    }
    total += *n * mult;
    if (!(total < 1e17)) return std::nullopt;  // beyond any real setting; keeps the cast defined
  }
  return TimeSpan{static_cast<int64_t>(std::llround(total)), false};
}

std::optional<ByteLimit> parse_systemd_bytes(std::string_view s) {
  s = trim(s);
  if (s == "infinity") return ByteLimit{0, true, -1};
  if (s.ends_with('%')) {
    const auto p = parse_decimal(s.substr(0, s.size() - 1));
    if (!p || *p > 100) return std::nullopt;
    return ByteLimit{0, false, *p};
  }
  double mult = 1;
  if (!s.empty()) {
    constexpr std::string_view suffixes = "KMGTPE";
    if (const size_t at = suffixes.find(s.back()); at != std::string_view::npos) {
      mult = std::pow(1024.0, static_cast<double>(at + 1));
      s.remove_suffix(1);
    } else if (s.back() == 'B') {
      s.remove_suffix(1);
    }
  }
  const auto n = parse_decimal(s);
  if (!n) return std::nullopt;
  const double bytes = *n * mult;
  if (!(bytes < 1.8e19)) return std::nullopt;
  return ByteLimit{static_cast<uint64_t>(bytes), false, -1};
}

std::optional<std::pair<ParseErrorCode, size_t>> split_systemd_words(std::string_view s,
                                                                     std::vector<std::string>& words) {
  size_t i = 0;
  while (true) {
    while (i < s.size() && detail::is_space(s[i])) ++i;
    if (i >= s.size()) return std::nullopt;
    std::string w;
    char quote = 0;
    size_t quote_at = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (!quote && detail::is_space(c)) break;
      if (!quote && (c == '"' || c == '\'')) {
        quote = c;
        quote_at = i;
        continue;
      }
      if (quote && c == quote) {
        quote = 0;
        continue;
      }
      if (c != '\\') {
        w += c;
        continue;
      }
      if (i + 1 >= s.size()) return std::make_pair(ParseErrorCode::bad_escape, i);
      const char e = s[++i];
      switch (e) {
        case 'a':
          w += '\a';
          break;
        case 'b':
          w += '\b';
          break;
        case 'f':
          w += '\f';
          break;
        case 'n':
          w += '\n';
          break;
        case 'r':
          w += '\r';
          break;
        case 't':
          w += '\t';
          break;
        case 'v':
          w += '\v';
          break;
        case 's':
          w += ' ';
          break;
        case '\\':
        case '"':
        case '\'':
        case ';':
          w += e;
          break;
        case 'x': {
          const auto hex = [](char h) {
            return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
          };
          if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2]))
            return std::make_pair(ParseErrorCode::bad_escape, i - 1);
          w += static_cast<char>(std::strtol(std::string(s.substr(i + 1, 2)).c_str(), nullptr, 16));
          i += 2;
          break;
        }
        default:
          return std::make_pair(ParseErrorCode::bad_escape, i - 1);
      }
    }
    if (quote) return std::make_pair(ParseErrorCode::unterminated_string, quote_at);
    words.push_back(std::move(w));
  }
}

SystemdResult parse_systemd_unit(std::string_view text, const std::string& file, const std::vector<DropIn>& drop_ins) {
  SystemdResult result;
  SystemdUnit u;
  std::vector<Entry> entries;
  std::vector<std::string> order{file};  // the files in reading order, for the skipped lines
  for (size_t i = 0; i <= drop_ins.size(); ++i) {
    const std::string& name = i == 0 ? file : drop_ins[i - 1].file;
    if (i > 0) order.push_back(name);
    Reader reader(i == 0 ? text : drop_ins[i - 1].text, name, u.skipped);
    std::vector<Entry> more = reader.entries();
    if (reader.err) {
      result.error = reader.err;
      return result;
    }
    entries.insert(entries.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  u.type = {"simple", {}, false};
  u.restart = {"no", {}, false};
  u.restart_sec = {TimeSpan{100000, false}, {}, false};
  u.start_limit_burst = {5, {}, false};
  u.start_limit_interval = {TimeSpan{10000000, false}, {}, false};
  u.timeout_stop = {TimeSpan{90000000, false}, {}, false};
  u.kill_signal = {"SIGTERM", {}, false};
  Builder b(u);
  for (const Entry& e : entries) {
    b.apply(e);
    if (b.err) {
      result.error = b.err;
      return result;
    }
  }
  const auto rank = [&](const SkippedLine& k) {
    return std::pair(std::find(order.begin(), order.end(), k.pos.file) - order.begin(), k.pos.line);
  };
  std::stable_sort(u.skipped.begin(), u.skipped.end(),
                   [&](const SkippedLine& a, const SkippedLine& b) { return rank(a) < rank(b); });
  // systemd.service(5): "Unless Type= is oneshot, exactly one command must be given": a unit
  // with two (a drop-in that adds an ExecStart= without first resetting it with an empty one)
  // is refused at load.
  if (u.exec_start.size() > 1 && u.type.value != "oneshot") {
    result.error = make_error(ParseErrorCode::exec_start_twice, u.exec_start[1].pos, {u.type.value});
    return result;
  }
  for (const auto& [key, hook] : {std::pair{"WantedBy", &u.wanted_by}, std::pair{"RequiredBy", &u.required_by},
                                  std::pair{"UpheldBy", &u.upheld_by}}) {
    if (!hook->set) continue;
    bool boot = false;
    for (const std::string& t : hook->value) boot |= t == "multi-user.target" || t == "default.target";
    if ((boot && !u.enabled_on_boot) || u.install_key.empty()) {
      u.install_key = key;
      u.install_pos = hook->pos;
    }
    u.enabled_on_boot |= boot;
  }
  if (!u.exec_start.empty()) {
    std::map<std::string, std::string> env;
    for (const auto& kv : u.environment) env[kv.value.first] = kv.value.second;
    const ExecCommand& x = u.exec_start.back();
    std::vector<std::string> argv = x.argv;
    if (!argv.empty()) argv[0] = x.path;  // the program run, whatever argv[0] says
    AsgiResult a = parse_asgi_command(argv, x.pos, env);
    if (a.error) {
      result.error = a.error;
      return result;
    }
    if (a.value && a.value->server != AsgiServer::unknown) u.asgi = std::move(a.value);
  }
  result.value = std::move(u);
  return result;
}

bool environment_file_matches(std::string_view input, std::string_view path) {
  if (path.starts_with('-')) path.remove_prefix(1);  // "-": a missing file is no error
  if (path.empty()) return false;
  if (input == path) return true;
  const std::string rooted = "/" + std::string(input);
  return path.starts_with('/') && rooted.ends_with(path);
}

}  // namespace deploysim::import
