// Caddy's Caddyfile syntax, read as Caddy's caddyfile lexer and parser do: tokens are split by
// white space, a line ends a directive (unless it ends in a backslash), `{` at the end of a
// line opens a block and `}` closes it; then the directives the simulation models are picked.
#include "import/caddyfile.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

using detail::Cursor;
using detail::is_space;
using detail::make_error;
using detail::parse_uint;

constexpr int max_depth = 64;
constexpr size_t max_imports = 10000;  // snippet imports read in one file

struct Tok {
  std::string text;
  SourcePos pos;
  uint32_t line = 0;   // logical line: a trailing backslash joins two lines into one
  uint32_t chunk = 0;  // which file's text (an imported file's tokens have lines of their own)
  bool quoted = false;
  bool is(std::string_view s) const { return !quoted && text == s; }
};

// Splits the text into tokens, or returns the error.
std::optional<ParseError> lex(std::string_view text, const std::string& file, std::vector<Tok>& out) {
  Cursor c(text, file);
  uint32_t logical = 1;
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == '\n') {
      ++logical;
      c.advance();
      continue;
    }
    if (is_space(ch)) {
      c.advance();
      continue;
    }
    if (ch == '#') {
      while (!c.done() && c.peek() != '\n') c.advance();
      continue;
    }
    if (ch == '\\' && (c.peek(1) == '\n' || (c.peek(1) == '\r' && c.peek(2) == '\n'))) {
      c.advance();  // a line continuation: the next line belongs to this one
      while (c.peek() != '\n') c.advance();
      c.advance();
      continue;
    }
    Tok t;
    t.pos = c.pos();
    t.line = logical;
    if (ch == '"' || ch == '`') {
      t.quoted = true;
      c.advance();
      while (true) {
        if (c.done()) return make_error(ParseErrorCode::unterminated_string, t.pos, {std::string(1, ch)});
        const char d = c.peek();
        if (d == ch) break;
        if (ch == '"' && d == '\\' && (c.peek(1) == '"' || c.peek(1) == '\\')) {
          c.advance();
          t.text += c.peek();
          c.advance();
          continue;
        }
        if (d == '\n') ++logical;  // the token stays on the line it started
        t.text += d;
        c.advance();
      }
      c.advance();
    } else if (ch == '<' && c.peek(1) == '<' && c.peek(2) != '\0' && !is_space(c.peek(2))) {
      // A heredoc: <<MARKER, lines, then MARKER alone on a line.
      std::string marker;
      c.advance();
      c.advance();
      while (!c.done() && !is_space(c.peek())) {
        marker += c.peek();
        c.advance();
      }
      t.quoted = true;
      std::string line;
      bool closed = false;
      while (!c.done()) {
        const char d = c.peek();
        c.advance();
        if (d != '\n') {
          line += d;
          continue;
        }
        ++logical;
        const size_t b = line.find_first_not_of(" \t\r");
        if (b != std::string::npos && line.substr(b) == marker) {
          closed = true;
          break;
        }
        t.text += line + "\n";
        line.clear();
      }
      if (!closed) {
        const size_t b = line.find_first_not_of(" \t\r");
        if (b == std::string::npos || line.substr(b) != marker)
          return make_error(ParseErrorCode::eof_expecting, c.pos(), {marker});
      }
      ++logical;
      out.push_back(std::move(t));
      continue;
    } else {
      while (!c.done() && !is_space(c.peek())) {
        t.text += c.peek();
        c.advance();
      }
    }
    out.push_back(std::move(t));
  }
  return std::nullopt;
}

// Whether toks[i] begins a line of its file.
bool line_start(const std::vector<Tok>& toks, size_t i) {
  return i == 0 || toks[i - 1].line != toks[i].line || toks[i - 1].chunk != toks[i].chunk;
}

// Caddy's `import FILE` (caddyfile/parse.go, doImport): the tokens of the files it names stand
// where the line was, at any level, each keeping its own file and line. A name of a snippet
// defined in these tokens is left for the parser; a file not found is left too, and said.
class FileImports {
 public:
  FileImports(const CaddyFileLookup& lookup, std::vector<CaddyImport>& read) : lookup_(lookup), read_(read) {}

  std::optional<ParseError> expand(std::vector<Tok>& toks, std::vector<std::string>& stack) {
    std::set<std::string> snippets;
    for (size_t i = 0; i + 1 < toks.size(); ++i)
      if (line_start(toks, i) && !toks[i].quoted && toks[i].text.size() > 2 && toks[i].text.starts_with('(') &&
          toks[i].text.ends_with(')') && toks[i + 1].is("{"))
        snippets.insert(toks[i].text.substr(1, toks[i].text.size() - 2));
    std::vector<Tok> out;
    for (size_t i = 0; i < toks.size();) {
      const Tok& t = toks[i];
      size_t end = i + 1;
      while (end < toks.size() && !line_start(toks, end) && !toks[end].is("}") && !toks[end].is("{")) ++end;
      if (!line_start(toks, i) || !t.is("import") || end == i + 1 || snippets.count(toks[i + 1].text)) {
        out.push_back(t);
        ++i;
        continue;
      }
      const std::vector<CaddyImportedFile> files = lookup_(toks[i + 1].text, t.pos.file);
      if (files.empty()) {  // the parser records it as not read
        out.insert(out.end(), toks.begin() + static_cast<std::ptrdiff_t>(i),
                   toks.begin() + static_cast<std::ptrdiff_t>(end));
        i = end;
        continue;
      }
      CaddyImport record{toks[i + 1].text, t.pos, {}};
      for (const CaddyImportedFile& f : files) {
        if (std::find(stack.begin(), stack.end(), f.name) != stack.end())
          return make_error(ParseErrorCode::import_cycle, t.pos, {f.name});
        if (++count_ > max_imports)
          return make_error(ParseErrorCode::too_many_imports, t.pos, {std::to_string(max_imports)});
        std::vector<Tok> more;
        if (auto e = lex(f.text, f.name, more)) return e;
        const uint32_t chunk = ++chunks_;
        for (Tok& m : more) m.chunk = chunk;
        stack.push_back(f.name);
        if (auto e = expand(more, stack)) return e;
        stack.pop_back();
        out.insert(out.end(), more.begin(), more.end());
        record.files.push_back(f.name);
      }
      read_.push_back(std::move(record));
      i = end;
    }
    toks = std::move(out);
    return std::nullopt;
  }

 private:
  const CaddyFileLookup& lookup_;
  std::vector<CaddyImport>& read_;
  uint32_t chunks_ = 0;
  size_t count_ = 0;
};

// One logical line number per line of each file's text, in the order the tokens now stand.
void renumber(std::vector<Tok>& toks) {
  uint32_t n = 0, prev_line = 0, prev_chunk = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (i == 0 || toks[i].line != prev_line || toks[i].chunk != prev_chunk) ++n;
    prev_line = toks[i].line;
    prev_chunk = toks[i].chunk;
    toks[i].line = n;
  }
}

struct Node {
  std::string name;
  SourcePos pos;
  std::vector<Tok> args;
  std::vector<Node> children;
  bool block = false;
};

class Parser {
 public:
  Parser(std::vector<Tok> toks, SourcePos end) : t_(std::move(toks)), end_(std::move(end)) {}
  std::optional<ParseError> err;

  // Directives until the "}" that closes `parent` (or the end of the file when parent is null).
  void directives(std::vector<Node>& out, const Node* parent, int depth) {
    while (i_ < t_.size() && !err) {
      const Tok& t = t_[i_];
      if (t.is("}")) {
        if (parent) {
          ++i_;
          return;
        }
        err = make_error(ParseErrorCode::unexpected_close, t.pos, {"}"});
        return;
      }
      if (t.is("{")) {
        err = make_error(ParseErrorCode::expecting_directive, t.pos, {"{"});
        return;
      }
      Node n;
      n.name = t.text;
      n.pos = t.pos;
      ++i_;
      line_rest(n, depth);
      out.push_back(std::move(n));
    }
    if (parent && !err)
      err =
          make_error(ParseErrorCode::unclosed_block, end_pos(), {parent->name, std::to_string(parent->pos.line), "}"});
  }

  // The rest of a directive's line: its arguments, and its block when the line ends with "{".
  void line_rest(Node& n, int depth) {
    const uint32_t line = t_[i_ - 1].line;
    while (i_ < t_.size() && t_[i_].line == line) {
      const Tok& a = t_[i_];
      if (a.is("}")) return;  // `}` closing the enclosing block on the same line
      if (a.is("{") && (i_ + 1 == t_.size() || t_[i_ + 1].line != line || t_[i_ + 1].is("}"))) {
        ++i_;
        if (depth + 1 > max_depth) {
          err = make_error(ParseErrorCode::too_deep, a.pos, {std::to_string(max_depth)});
          return;
        }
        n.block = true;
        directives(n.children, &n, depth + 1);
        return;
      }
      n.args.push_back(a);
      ++i_;
    }
  }

  bool at_end() const { return i_ >= t_.size(); }
  const Tok& peek() const { return t_[i_]; }
  size_t index() const { return i_; }
  void skip() { ++i_; }

  const SourcePos& end_pos() const { return end_; }

 private:
  std::vector<Tok> t_;
  SourcePos end_;  // the end of the file, where "expecting }" points
  size_t i_ = 0;
};

std::optional<ParseError> parse_address(std::string raw, const SourcePos& pos, CaddyAddress& a) {
  a.raw = raw;
  a.pos = pos;
  std::string_view v = a.raw;
  if (const size_t s = v.find("://"); s != std::string_view::npos) {
    a.scheme = std::string(v.substr(0, s));
    v.remove_prefix(s + 3);
  }
  if (const size_t slash = v.find('/'); slash != std::string_view::npos) {
    a.path = std::string(v.substr(slash));
    v = v.substr(0, slash);
  }
  std::string_view port;
  if (v.starts_with('[')) {
    const size_t close = v.find(']');
    if (close == std::string_view::npos) return make_error(ParseErrorCode::bad_port, pos, {raw});
    a.host = std::string(v.substr(0, close + 1));
    if (close + 1 < v.size() && v[close + 1] == ':') port = v.substr(close + 2);
  } else if (const size_t colon = v.rfind(':'); colon != std::string_view::npos && v.find('}', colon) == v.npos) {
    a.host = std::string(v.substr(0, colon));
    port = v.substr(colon + 1);
    if (port.empty()) return make_error(ParseErrorCode::bad_port, pos, {raw});
  } else {
    a.host = std::string(v);
  }
  if (!port.empty() && !(port.starts_with('{') && port.ends_with('}'))) {  // {$PORT} stays unknown
    const auto p = parse_uint(port, 65535);
    if (!p || *p == 0) return make_error(ParseErrorCode::bad_port, pos, {std::string(port)});
    a.port = static_cast<int>(*p);
  }
  return std::nullopt;
}

// `{args[N]}` and `{args.N}` in a snippet's tokens: the import line's arguments (Caddy's
// caddyfile parser, doImport; an index past them is left empty, as its replacer does).
std::string with_args(const std::string& text, const std::vector<Tok>& args) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t len = 0, index = 0;
    if (text.compare(i, 6, "{args[") == 0 || text.compare(i, 6, "{args.") == 0) {
      size_t k = i + 6;
      while (k < text.size() && k < i + 10 && text[k] >= '0' && text[k] <= '9') index = index * 10 + (text[k++] - '0');
      const bool bracket = text[i + 5] == '[';
      if (k > i + 6 && k < text.size() && (bracket ? text.compare(k, 2, "]}") == 0 : text[k] == '}'))
        len = k + (bracket ? 2 : 1) - i;
    }
    if (len == 0) {
      out += text[i++];
      continue;
    }
    if (index + 1 < args.size()) out += args[index + 1].text;  // args[0] is the snippet's name
    i += len;
  }
  return out;
}

Node with_args(Node n, const std::vector<Tok>& args) {
  n.name = with_args(n.name, args);
  for (Tok& t : n.args) t.text = with_args(t.text, args);
  for (Node& c : n.children) c = with_args(std::move(c), args);
  return n;
}

class Extractor {
 public:
  Extractor(CaddyConfig& out, const std::map<std::string, std::vector<Node>>& snippets)
      : out_(out), snippets_(snippets) {}
  std::optional<ParseError> err;

  void global(const std::vector<Node>& nodes) {
    for (const Node& n : nodes) {
      if (n.name == "email")
        first(n, out_.email);
      else if (n.name == "acme_ca")
        first(n, out_.acme_ca);
      else if (n.name == "auto_https")
        first(n, out_.auto_https);
      else if (n.name == "acme_dns")
        first(n, out_.acme_dns);
      else if (n.name == "import")
        import(n);
      else
        ignore(n, "global");
      if (err) return;
    }
  }

  void site(CaddySite& s, const std::vector<Node>& nodes, int depth) {
    for (const Node& n : nodes) {
      if (err) return;
      if (n.name == "reverse_proxy")
        reverse_proxy(s, n);
      else if (n.name == "tls")
        tls(s, n);
      else if (n.name == "encode")
        encode(s, n);
      else if (n.name == "import" && snippet(n)) {
        // A snippet's directives, where it is imported; Caddy refuses a cycle of imports.
        const std::string& name = n.args[0].text;
        if (std::find(active_.begin(), active_.end(), name) != active_.end()) {
          err = make_error(ParseErrorCode::import_cycle, n.pos, {name});
          return;
        }
        if (++expansions_ > max_imports) {  // snippets importing each other twice over grow exponentially
          err = make_error(ParseErrorCode::too_many_imports, n.pos, {std::to_string(max_imports)});
          return;
        }
        active_.push_back(name);
        if (active_.size() == 1) via_ = n.pos;
        site(s, imported(n), depth + 1);
        active_.pop_back();
        if (active_.empty()) via_.reset();
      } else if (n.name == "import")
        import(n);
      else if ((n.name == "handle" || n.name == "handle_path" || n.name == "route") && depth < max_depth) {
        // Blocks of directives; a reverse_proxy inside one with a matcher (`handle_path /api/*`)
        // serves that matcher's paths.
        const size_t before = s.reverse_proxies.size();
        site(s, n.children, depth + 1);
        if (!n.args.empty())
          for (size_t i = before; i < s.reverse_proxies.size(); ++i)
            if (CaddyReverseProxy& rp = s.reverse_proxies[i]; rp.matcher.empty()) {
              rp.matcher = n.args[0].text;
              rp.written = n.name + " " + rp.matcher;
              rp.pos = at(n);
            }
      } else
        ignore(n, "site");
    }
  }

  void import(const Node& n) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    out_.imports.push_back(CaddyImport{n.args[0].text, n.pos, {}});
  }

 private:
  CaddyConfig& out_;
  const std::map<std::string, std::vector<Node>>& snippets_;
  std::vector<std::string> active_;  // the snippets being read, outermost first
  size_t expansions_ = 0;
  // The outermost `import` of the snippet being read: what the snippet gives the site (a
  // reverse_proxy, tls, encode) is said at that line, where its arguments are written.
  std::optional<SourcePos> via_;

  const SourcePos& at(const Node& n) const { return via_ ? *via_ : n.pos; }

  // `import NAME ARGS...` of a snippet defined above it (Caddy looks snippets up as it reads, so
  // one defined further down is taken for a file).
  bool snippet(const Node& n) const { return !n.args.empty() && snippets_.count(n.args[0].text) > 0; }

  std::vector<Node> imported(const Node& n) {
    out_.snippet_uses.push_back(CaddyImport{n.args[0].text, n.pos, {}});
    std::vector<Node> nodes;
    for (const Node& x : snippets_.at(n.args[0].text)) nodes.push_back(with_args(x, n.args));
    return nodes;
  }

  // Said once at its own line, however many times its snippet is imported.
  void ignore(const Node& n, std::string in) {
    const bool said = std::any_of(out_.ignored.begin(), out_.ignored.end(),
                                  [&](const Ignored& i) { return i.name == n.name && i.in == in && i.pos == n.pos; });
    if (!said) out_.ignored.push_back(Ignored{n.name, std::move(in), n.pos});
  }

  void first(const Node& n, Located<std::string>& out) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    out = {n.args[0].text, n.pos, true};
  }

  void reverse_proxy(CaddySite& s, const Node& n) {
    CaddyReverseProxy rp;
    rp.pos = at(n);
    size_t first_upstream = 0;
    if (!n.args.empty()) {
      const std::string& a = n.args[0].text;
      if (a.starts_with('/') || a.starts_with('@') || a == "*") {
        rp.matcher = a;
        rp.written = "reverse_proxy " + a;
        first_upstream = 1;
      }
    }
    for (size_t i = first_upstream; i < n.args.size(); ++i)
      rp.upstreams.push_back({n.args[i].text, via_ ? *via_ : n.args[i].pos, true});
    for (const Node& c : n.children) {
      if (c.name == "to") {
        for (const Tok& a : c.args) rp.upstreams.push_back({a.text, via_ ? *via_ : a.pos, true});
      } else if (c.name == "lb_policy") {
        first(c, rp.lb_policy);
      } else if (c.name == "health_uri") {
        first(c, rp.health_uri);
      } else {
        ignore(c, "reverse_proxy");
      }
      if (err) return;
    }
    if (rp.upstreams.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    s.reverse_proxies.push_back(std::move(rp));
  }

  void tls(CaddySite& s, const Node& n) {
    CaddyTls t;
    t.pos = at(n);
    if (n.args.size() > 2) {
      err = make_error(ParseErrorCode::too_many_values, n.args[2].pos, {n.name});
      return;
    }
    if (n.args.size() == 2) {
      t.cert_file = {n.args[0].text, n.args[0].pos, true};
      t.key_file = {n.args[1].text, n.args[1].pos, true};
    } else if (n.args.size() == 1) {
      const std::string& a = n.args[0].text;
      if (a == "internal")
        t.internal = {true, n.pos, true};
      else if (a == "off")
        t.off = {true, n.pos, true};
      else if (a.find('@') != std::string::npos)
        t.email = {a, n.args[0].pos, true};
      else {
        err = make_error(ParseErrorCode::needs_value, n.pos, {n.name + " " + a});
        return;
      }
    }
    for (const Node& c : n.children) {
      if (c.name == "protocols" && !c.args.empty()) {
        t.protocols = {{}, c.pos, true};
        for (const Tok& a : c.args) t.protocols.value.push_back(a.text);
      } else if (c.name == "issuer" && !c.args.empty() && c.args[0].text == "internal") {
        t.internal = {true, c.pos, true};
        for (const Node& x : c.children)
          if (x.name == "lifetime" && !x.args.empty())
            t.internal_lifetime = {x.args[0].text, x.args[0].pos, true};
          else
            ignore(x, "tls issuer internal");
      } else if (c.name == "dns" && !c.args.empty()) {
        t.dns = {c.args[0].text, c.pos, true};
      } else if (c.name == "issuer" && !c.args.empty() && c.args[0].text == "acme" &&
                 std::any_of(c.children.begin(), c.children.end(), [](const Node& x) { return x.name == "dns"; })) {
        for (const Node& x : c.children)
          if (x.name == "dns" && !x.args.empty())
            t.dns = {x.args[0].text, x.pos, true};
          else
            ignore(x, "tls issuer acme");
      } else {
        ignore(c, "tls");
      }
    }
    s.tls = {std::move(t), at(n), true};
  }

  void encode(CaddySite& s, const Node& n) {
    s.encode = {{}, at(n), true};
    for (const Tok& a : n.args) s.encode.value.push_back(a.text);
    for (const Node& c : n.children) s.encode.value.push_back(c.name);
    if (s.encode.value.empty()) s.encode.value = {"zstd", "gzip"};  // `encode` alone: Caddy's default formats
  }
};

}  // namespace

CaddyResult parse_caddyfile(std::string_view text, const std::string& file, const CaddyFileLookup& lookup) {
  CaddyResult result;
  std::vector<Tok> toks;
  if (auto e = lex(text, file, toks)) {
    result.error = e;
    return result;
  }
  CaddyConfig config;
  if (lookup) {
    std::vector<std::string> stack{file};
    FileImports files(lookup, config.files_read);
    if (auto e = files.expand(toks, stack)) {
      result.error = e;
      return result;
    }
    renumber(toks);
  }
  std::map<std::string, std::vector<Node>> snippets;
  Extractor ex(config, snippets);
  Cursor end(text, file);
  while (!end.done()) end.advance();
  Parser p(std::move(toks), end.pos());
  // The global options block: a "{" alone on the first line.
  if (!p.at_end() && p.peek().is("{")) {
    Node global;
    global.name = "{";
    global.pos = p.peek().pos;
    p.skip();
    p.directives(global.children, &global, 1);
    if (!p.err) ex.global(global.children);
  }
  bool first_site = true;
  while (!p.at_end() && !p.err && !ex.err) {
    // `import FILE` between sites (a file not found; a found one's tokens stand here instead).
    if (p.peek().is("import")) {
      Node n;
      n.name = "import";
      n.pos = p.peek().pos;
      const uint32_t line = p.peek().line;
      for (p.skip(); !p.at_end() && p.peek().line == line; p.skip()) n.args.push_back(p.peek());
      ex.import(n);
      continue;
    }
    // The address line(s): addresses separated by commas and/or spaces; a trailing comma
    // carries the list to the next line.
    CaddySite site;
    site.pos = p.peek().pos;
    std::vector<std::pair<std::string, SourcePos>> addrs;
    bool open = false;
    uint32_t line = p.peek().line;
    while (!p.at_end() && p.peek().line == line) {
      const Tok t = p.peek();
      if (t.is("{")) {
        p.skip();
        open = true;
        break;
      }
      if (t.is("}")) {
        p.err = make_error(ParseErrorCode::unexpected_close, t.pos, {"}"});
        break;
      }
      p.skip();
      size_t start = 0;
      while (start <= t.text.size()) {
        const size_t comma = t.text.find(',', start);
        const std::string part = t.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) {
          SourcePos pos = t.pos;
          pos.col += static_cast<uint32_t>(start);
          addrs.emplace_back(part, pos);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (t.text.ends_with(',') && !p.at_end() && p.peek().line != line) line = p.peek().line;
    }
    if (p.err) break;
    std::vector<Node> body;
    if (open) {
      Node holder;
      holder.name = addrs.empty() ? "{" : addrs.front().first;
      holder.pos = site.pos;
      p.directives(body, &holder, 1);
    } else if (first_site) {
      p.directives(body, nullptr, 1);  // a single site may leave out its braces
    } else {
      result.error = make_error(ParseErrorCode::eof_expecting, p.end_pos(), {"{"});
      return result;
    }
    if (p.err) break;
    first_site = false;
    if (addrs.size() == 1 && addrs[0].first.starts_with('(') && addrs[0].first.ends_with(')')) {
      config.snippets.push_back(addrs[0].first.substr(1, addrs[0].first.size() - 2));
      snippets[config.snippets.back()] = std::move(body);
      continue;
    }
    if (addrs.size() == 1 && addrs[0].first.starts_with("&(")) continue;  // a named route
    for (auto& [raw, pos] : addrs) {
      CaddyAddress a;
      if (auto e = parse_address(raw, pos, a)) {
        result.error = e;
        return result;
      }
      site.addresses.push_back(std::move(a));
    }
    if (site.addresses.empty()) {
      result.error = make_error(ParseErrorCode::needs_value, site.pos, {"{"});
      return result;
    }
    ex.site(site, body, 1);
    config.sites.push_back(std::move(site));
  }
  if (p.err) {
    result.error = p.err;
  } else if (ex.err) {
    result.error = ex.err;
  } else {
    result.value = std::move(config);
  }
  return result;
}

}  // namespace deploysim::import
