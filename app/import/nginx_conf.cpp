// nginx's configuration syntax, read the way nginx's own ngx_conf_parse does (a token starts a
// quoted string only at its start, `#` starts a comment only at a token's start, `${name}` stays
// in a word), then the directives the simulation models are picked out of the tree.
#include "import/nginx_conf.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>

#include "import/parse_util.hpp"

namespace deploysim::import {

namespace {

using detail::Cursor;
using detail::is_space;
using detail::make_error;
using detail::parse_uint;

constexpr int max_depth = 64;  // nginx itself has no limit; real files nest 3-4 deep

struct Arg {
  std::string text;
  SourcePos pos;
  bool quoted = false;
};

struct Node {
  std::string name;
  SourcePos pos;
  std::vector<Arg> args;
  bool block = false;
  std::vector<Node> children;
  std::vector<std::string> included;  ///< An `include`: the files read in its place (or on their own).
  std::vector<std::string> cycle;     ///< An `include` that reads again a file being read: a.conf, b.conf, a.conf.
};

enum class Kind { word, semi, open, close, eof };

struct Tok {
  Kind kind = Kind::eof;
  std::string text;
  SourcePos pos;
  SourcePos after;  // just past the token: where a missing ";" would go
  bool quoted = false;
};

// The escapes nginx turns into characters; any other backslash stays as written.
void append_unescaped(std::string& out, char c) {
  switch (c) {
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case 'n':
      out += '\n';
      break;
    case '"':
    case '\'':
    case '\\':
      out += c;
      break;
    default:
      out += '\\';
      out += c;
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : c_(text, file) {}

  // The next token, or false with `err` set.
  bool next(Tok& t, std::optional<ParseError>& err) {
    skip_space_and_comments();
    t = Tok{};
    t.pos = c_.pos();
    if (c_.done()) {
      t.kind = Kind::eof;
      t.after = t.pos;
      return true;
    }
    const char ch = c_.peek();
    if (ch == ';' || ch == '{' || ch == '}') {
      t.kind = ch == ';' ? Kind::semi : ch == '{' ? Kind::open : Kind::close;
      t.text = std::string(1, ch);
      c_.advance();
      t.after = c_.pos();
      return true;
    }
    t.kind = Kind::word;
    if (ch == '"' || ch == '\'') return quoted(t, ch, err);
    while (!c_.done()) {
      const char d = c_.peek();
      if (is_space(d) || d == ';' || d == '{' || d == '}') break;
      if (d == '\\') {
        c_.advance();
        if (c_.done()) {
          t.text += '\\';
          break;
        }
        append_unescaped(t.text, c_.peek());
        c_.advance();
        continue;
      }
      if (d == '$' && c_.peek(1) == '{') {  // ${var}: the braces belong to the word
        while (!c_.done() && c_.peek() != '}' && !is_space(c_.peek())) {
          t.text += c_.peek();
          c_.advance();
        }
        if (c_.peek() == '}') {
          t.text += '}';
          c_.advance();
        }
        continue;
      }
      t.text += d;
      c_.advance();
    }
    t.after = c_.pos();
    return true;
  }

 private:
  Cursor c_;

  void skip_space_and_comments() {
    while (!c_.done()) {
      if (is_space(c_.peek())) {
        c_.advance();
      } else if (c_.peek() == '#') {
        while (!c_.done() && c_.peek() != '\n') c_.advance();
      } else {
        break;
      }
    }
  }

  bool quoted(Tok& t, char q, std::optional<ParseError>& err) {
    t.quoted = true;
    c_.advance();
    while (true) {
      if (c_.done()) {
        err = make_error(ParseErrorCode::unterminated_string, t.pos, {std::string(1, q)});
        return false;
      }
      const char d = c_.peek();
      if (d == q) break;
      if (d == '\\') {
        c_.advance();
        if (c_.done()) continue;
        append_unescaped(t.text, c_.peek());
        c_.advance();
        continue;
      }
      t.text += d;
      c_.advance();
    }
    c_.advance();  // the closing quote
    t.after = c_.pos();
    const char d = c_.peek();
    if (!c_.done() && !is_space(d) && d != ';' && d != '{' && d != '}') {
      err = make_error(ParseErrorCode::after_quote, c_.pos(), {std::string(1, d), "{"});
      return false;
    }
    return true;
  }
};

// Directives whose name on a new line means the previous directive lacks its ";" (nginx
// allows arguments over several lines, so only names that cannot be an argument count).
bool is_directive_name(std::string_view w) {
  static constexpr std::array<std::string_view, 30> names = {"listen",
                                                             "server_name",
                                                             "root",
                                                             "index",
                                                             "location",
                                                             "proxy_pass",
                                                             "proxy_set_header",
                                                             "return",
                                                             "ssl_certificate",
                                                             "ssl_certificate_key",
                                                             "ssl_protocols",
                                                             "ssl_ciphers",
                                                             "include",
                                                             "server",
                                                             "upstream",
                                                             "access_log",
                                                             "error_log",
                                                             "proxy_read_timeout",
                                                             "client_max_body_size",
                                                             "add_header",
                                                             "rewrite",
                                                             "try_files",
                                                             "gzip",
                                                             "keepalive",
                                                             "ssl_reject_handshake",
                                                             "proxy_http_version",
                                                             "http",
                                                             "events",
                                                             "least_conn",
                                                             "proxy_redirect"};
  return std::find(names.begin(), names.end(), w) != names.end();
}

bool is_block_directive(std::string_view w) {
  return w == "http" || w == "events" || w == "upstream" || w == "location" || w == "stream" || w == "map" ||
         w == "types" || w == "if" || w == "limit_except" || w == "geo";
}

class TreeParser {
 public:
  // `top`: the block an included file is read in ("" for a file of its own).
  TreeParser(std::string_view text, const std::string& file, std::string top = "")
      : lex_(text, file), top_(std::move(top)) {}

  // Reads the directives of one block (the file itself at depth 0).
  bool block(std::vector<Node>& out, int depth, const Node* parent) {
    Tok t;
    while (true) {
      if (!lex_.next(t, err_)) return false;
      if (t.kind == Kind::eof) {
        if (!parent) return true;
        err_ = make_error(ParseErrorCode::unclosed_block, t.pos, {parent->name, std::to_string(parent->pos.line), "}"});
        return false;
      }
      if (t.kind == Kind::close) {
        if (parent) return true;
        err_ = make_error(ParseErrorCode::unexpected_close, t.pos, {"}"});
        return false;
      }
      if (t.kind != Kind::word) {
        err_ = make_error(ParseErrorCode::expecting_directive, t.pos, {t.text});
        return false;
      }
      Node n;
      n.name = t.text;
      n.pos = t.pos;
      if (!directive(n, depth, parent, t.after)) return false;
      out.push_back(std::move(n));
    }
  }

  std::optional<ParseError> error() const { return err_; }

 private:
  Lexer lex_;
  std::string top_;
  std::optional<ParseError> err_;

  bool directive(Node& n, int depth, const Node* parent, SourcePos after) {
    Tok t;
    uint32_t last_line = n.pos.line;
    while (true) {
      if (!lex_.next(t, err_)) return false;
      switch (t.kind) {
        case Kind::word:
          if (t.pos.line > last_line && !t.quoted && is_directive_name(t.text)) {
            err_ = make_error(ParseErrorCode::missing_semicolon, after, {n.name});
            return false;
          }
          last_line = t.after.line;
          after = t.after;
          n.args.push_back(Arg{t.text, t.pos, t.quoted});
          continue;
        case Kind::semi: {
          const std::string& in = parent ? parent->name : top_;
          const bool server_block = n.name == "server" && (in.empty() || in == "http");
          if (is_block_directive(n.name) || server_block) {
            err_ = make_error(ParseErrorCode::needs_block, t.pos, {n.name, "{"});
            return false;
          }
          return true;
        }
        case Kind::open:
          if (depth + 1 > max_depth) {
            err_ = make_error(ParseErrorCode::too_deep, t.pos, {std::to_string(max_depth)});
            return false;
          }
          n.block = true;
          return block(n.children, depth + 1, &n);
        case Kind::close:
          err_ = make_error(ParseErrorCode::unexpected_expecting, t.pos, {"}", ";"});
          return false;
        case Kind::eof:
          err_ = make_error(ParseErrorCode::eof_expecting, t.pos, {";"});
          return false;
      }
    }
  }
};

// ---- picking the modelled directives out of the tree ----

class Extractor {
 public:
  explicit Extractor(NginxConfig& out) : out_(out) {}
  std::optional<ParseError> err;

  void top(const std::vector<Node>& nodes, bool in_http) {
    for (const Node& n : nodes) {
      if (err) return;
      if (n.name == "http" && !in_http && n.block) {
        out_.http_block = true;
        top(n.children, true);
      } else if (n.name == "server" && n.block) {
        server(n);
      } else if (n.name == "upstream" && n.block) {
        upstream(n);
      } else if (n.name == "include") {
        include(n);
      } else if (in_http && n.name == "proxy_read_timeout") {
        time(n, out_.proxy_read_timeout_ms);
      } else if (in_http && n.name == "client_max_body_size") {
        size(n, out_.client_max_body_size);
      } else if (in_http && n.name == "ssl_protocols") {
        list(n, out_.ssl_protocols);
      } else if (in_http && n.name == "proxy_set_header") {
        set_header(n, out_.set_headers, "http");
      } else {
        ignore(n, in_http ? "http" : "");
      }
    }
  }

 private:
  NginxConfig& out_;

  void ignore(const Node& n, std::string in) { out_.ignored.push_back(Ignored{n.name, std::move(in), n.pos}); }
  void include(const Node& n) {
    if (!one(n)) return;
    // An included file read twice (a snippet in two servers) has its cycle said once.
    if (!n.cycle.empty() && std::any_of(out_.includes.begin(), out_.includes.end(), [&](const NginxInclude& i) {
          return i.pos.str() == n.pos.str() && !i.cycle.empty();
        }))
      return;
    out_.includes.push_back(NginxInclude{n.args[0].text, n.pos, n.included, n.cycle});
  }

  // The directive takes exactly one value.
  bool one(const Node& n) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
    } else if (n.args.size() > 1) {
      err = make_error(ParseErrorCode::too_many_values, n.args[1].pos, {n.name});
    }
    return !err;
  }

  // The header it sets (the forwarded ones are mapped, the others said to be left out).
  void set_header(const Node& n, std::vector<Located<std::string>>& out, const std::string& in) {
    if (n.args.size() < 2) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    std::string name = n.args[0].text;
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.push_back({name, n.pos, true});
    if (name != "x-forwarded-proto" && name != "x-forwarded-for")
      out_.ignored.push_back(Ignored{n.name + " " + n.args[0].text, in, n.pos});
  }
  void text(const Node& n, Located<std::string>& out) {
    if (one(n)) out = {n.args[0].text, n.pos, true};
  }
  void time(const Node& n, Located<int64_t>& out) {
    if (!one(n)) return;
    if (auto ms = parse_nginx_time_ms(n.args[0].text)) {
      out = {*ms, n.pos, true};
    } else {
      err = make_error(ParseErrorCode::bad_duration, n.args[0].pos, {n.args[0].text, "60s"});
    }
  }
  void size(const Node& n, Located<uint64_t>& out) {
    if (!one(n)) return;
    if (auto b = parse_nginx_size(n.args[0].text)) {
      out = {*b, n.pos, true};
    } else {
      err = make_error(ParseErrorCode::bad_size, n.args[0].pos, {n.args[0].text, "10m"});
    }
  }
  void list(const Node& n, Located<std::vector<std::string>>& out) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    out = {{}, n.pos, true};
    for (const Arg& a : n.args) out.value.push_back(a.text);
  }
  void ret(const Node& n, Located<NginxReturn>& out) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    if (n.args.size() > 2) {
      err = make_error(ParseErrorCode::too_many_values, n.args[2].pos, {n.name});
      return;
    }
    NginxReturn r;
    const bool numeric = !n.args[0].text.empty() && std::all_of(n.args[0].text.begin(), n.args[0].text.end(),
                                                                [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
      const auto code = parse_uint(n.args[0].text, 999);
      if (!code) {
        err = make_error(ParseErrorCode::bad_number, n.args[0].pos, {n.args[0].text});
        return;
      }
      r.code = static_cast<int>(*code);
      if (n.args.size() == 2) r.target = n.args[1].text;
    } else if (n.args.size() == 1) {
      r.code = 302;  // `return URL;` is a temporary redirect
      r.target = n.args[0].text;
    } else {
      err = make_error(ParseErrorCode::bad_number, n.args[0].pos, {n.args[0].text});
      return;
    }
    out = {r, n.pos, true};
  }

  void listen(const Node& n, NginxServer& s) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    NginxListen l;
    l.pos = n.pos;
    const Arg& a = n.args[0];
    std::string_view v = a.text;
    std::string host;
    std::string_view port;
    if (v.starts_with("unix:")) {
      host = std::string(v);
    } else if (v.starts_with('[')) {
      const size_t close = v.find(']');
      if (close == std::string_view::npos) {
        err = make_error(ParseErrorCode::bad_port, a.pos, {a.text});
        return;
      }
      host = std::string(v.substr(0, close + 1));
      if (close + 1 < v.size()) {
        if (v[close + 1] != ':') {
          err = make_error(ParseErrorCode::bad_port, a.pos, {a.text});
          return;
        }
        port = v.substr(close + 2);
      }
    } else if (parse_uint(v)) {
      port = v;
    } else if (const size_t colon = v.rfind(':'); colon != std::string_view::npos) {
      host = std::string(v.substr(0, colon));
      port = v.substr(colon + 1);
    } else {
      host = std::string(v);
    }
    l.address = {host, a.pos, !host.empty()};
    l.port = {80, a.pos, false};  // nginx listens on 80 when only an address is given
    if (!port.empty() || (v.ends_with(':') && !v.starts_with("unix:"))) {
      const auto p = parse_uint(port, 65535);
      if (!p || *p == 0) {
        err = make_error(ParseErrorCode::bad_port, a.pos, {std::string(port)});
        return;
      }
      l.port = {static_cast<int>(*p), a.pos, true};
    }
    for (size_t i = 1; i < n.args.size(); ++i) {
      const std::string& p = n.args[i].text;
      if (p == "ssl")
        l.ssl = true;
      else if (p == "http2")
        l.http2 = true;
      else if (p == "default_server" || p == "default")
        l.default_server = true;
      else
        out_.ignored.push_back(Ignored{"listen " + p, "server", n.args[i].pos});
    }
    s.listens.push_back(std::move(l));
  }

  void location(const Node& n, std::vector<NginxLocation>& out, int depth) {
    if (n.args.empty()) {
      err = make_error(ParseErrorCode::needs_value, n.pos, {n.name});
      return;
    }
    NginxLocation loc;
    loc.pos = n.pos;
    size_t at = 0;
    const std::string& first = n.args[0].text;
    if (n.args.size() >= 2 && (first == "=" || first == "~" || first == "~*" || first == "^~")) {
      loc.modifier = first;
      at = 1;
    }
    if (n.args.size() > at + 1) {
      err = make_error(ParseErrorCode::too_many_values, n.args[at + 1].pos, {n.name});
      return;
    }
    loc.path = {n.args[at].text, n.args[at].pos, true};
    const std::string in = "location " + loc.path.value;
    for (const Node& c : n.children) {
      if (err) return;
      if (c.name == "proxy_pass")
        text(c, loc.proxy_pass);
      else if (c.name == "proxy_read_timeout")
        time(c, loc.proxy_read_timeout_ms);
      else if (c.name == "client_max_body_size")
        size(c, loc.client_max_body_size);
      else if (c.name == "proxy_set_header")
        set_header(c, loc.set_headers, in);
      else if (c.name == "return")
        ret(c, loc.ret);
      else if (c.name == "location" && c.block && depth < max_depth)
        location(c, loc.locations, depth + 1);
      else if (c.name == "include")
        include(c);
      else
        ignore(c, in);
    }
    out.push_back(std::move(loc));
  }

  void server(const Node& n) {
    NginxServer s;
    s.pos = n.pos;
    for (const Node& c : n.children) {
      if (err) return;
      if (c.name == "listen")
        listen(c, s);
      else if (c.name == "server_name")
        list(c, s.server_names);
      else if (c.name == "ssl_certificate")
        text(c, s.ssl_certificate);
      else if (c.name == "ssl_certificate_key")
        text(c, s.ssl_certificate_key);
      else if (c.name == "ssl_protocols")
        list(c, s.ssl_protocols);
      else if (c.name == "ssl_reject_handshake")
        on_off(c, s.ssl_reject_handshake);
      else if (c.name == "ssl")
        on_off(c, s.ssl_on);
      else if (c.name == "http2")
        on_off(c, s.http2);
      else if (c.name == "return")
        ret(c, s.ret);
      else if (c.name == "location" && c.block)
        location(c, s.locations, 1);
      else if (c.name == "proxy_read_timeout")
        time(c, s.proxy_read_timeout_ms);
      else if (c.name == "client_max_body_size")
        size(c, s.client_max_body_size);
      else if (c.name == "proxy_set_header")
        set_header(c, s.set_headers, "server");
      else if (c.name == "include")
        include(c);
      else
        ignore(c, "server");
    }
    out_.servers.push_back(std::move(s));
  }

  void on_off(const Node& n, Located<bool>& out) {
    if (!one(n)) return;
    if (n.args[0].text == "on" || n.args[0].text == "off") {
      out = {n.args[0].text == "on", n.pos, true};
    } else {
      err = make_error(ParseErrorCode::bad_on_off, n.args[0].pos, {n.args[0].text});
    }
  }

  void upstream(const Node& n) {
    if (!one(n)) return;
    NginxUpstream u;
    u.name = {n.args[0].text, n.pos, true};
    u.pos = n.pos;
    const std::string in = "upstream " + u.name.value;
    for (const Node& c : n.children) {
      if (err) return;
      if (c.name == "server") {
        if (c.args.empty()) {
          err = make_error(ParseErrorCode::needs_value, c.pos, {c.name});
          return;
        }
        NginxUpstreamServer us;
        us.address = {c.args[0].text, c.pos, true};
        for (size_t i = 1; i < c.args.size(); ++i) {
          const Arg& a = c.args[i];
          const size_t eq = a.text.find('=');
          const std::string key = a.text.substr(0, eq);
          const std::string val = eq == std::string::npos ? "" : a.text.substr(eq + 1);
          if (key == "weight" || key == "max_fails") {
            const auto v = parse_uint(val, 1000000);
            if (!v) {
              err = make_error(ParseErrorCode::bad_number, a.pos, {val});
              return;
            }
            // nginx refuses weight=0 ("invalid parameter", ngx_http_upstream_server).
            if (key == "weight" && *v == 0) {
              err = make_error(ParseErrorCode::bad_number, a.pos, {val});
              return;
            }
            (key == "weight" ? us.weight : us.max_fails) = static_cast<int>(*v);
            if (key == "weight") us.weight_text = {a.text, a.pos, true};
            if (key == "max_fails") us.fails_text += (us.fails_text.empty() ? "" : " ") + a.text;
          } else if (key == "fail_timeout") {
            const auto ms = parse_nginx_time_ms(val);
            if (!ms) {
              err = make_error(ParseErrorCode::bad_duration, a.pos, {val, "10s"});
              return;
            }
            us.fail_timeout_ms = *ms;
            us.fails_text += (us.fails_text.empty() ? "" : " ") + a.text;
          } else if (a.text == "backup") {
            us.backup = true;
          } else if (a.text == "down") {
            us.down = true;
          } else {
            us.other.push_back({a.text, a.pos, true});
          }
        }
        u.servers.push_back(std::move(us));
      } else if (c.name == "least_conn" || c.name == "ip_hash" || c.name == "hash" || c.name == "random") {
        u.balancing = {c.name, c.pos, true};
      } else if (c.name == "sticky" && !c.args.empty()) {  // session affinity (nginx 1.29.6)
        std::string words;
        for (const Arg& a : c.args) words += (words.empty() ? "" : " ") + a.text;
        u.sticky = {words, c.pos, true};
      } else if (c.name == "keepalive") {
        if (!one(c)) return;
        const auto v = parse_uint(c.args[0].text, 1000000);
        if (!v) {
          err = make_error(ParseErrorCode::bad_number, c.args[0].pos, {c.args[0].text});
          return;
        }
        u.keepalive = {static_cast<int>(*v), c.pos, true};
      } else if (c.name == "include") {
        include(c);
      } else {
        ignore(c, in);
      }
    }
    out_.upstreams.push_back(std::move(u));
  }
};

// The files of the cycle an include of `f` closes: from f's place in `reading` (the files being
// read, outermost first) to f again.
std::vector<std::string> cycle_to(const std::vector<std::string>& reading, const std::string& f) {
  std::vector<std::string> out(std::find(reading.begin(), reading.end(), f), reading.end());
  out.push_back(f);
  return out;
}

// Whether nginx, reading a file of its own (conf.d/*.conf, which the importer reads on its own),
// would come back to one of the first `outer` files of `reading`: the cycle, else none. Its text is
// read here for its includes only; a cycle within it is said where it is read on its own.
std::vector<std::string> cycle_through(const std::string& text, const std::string& name, const NginxIncludeFinder& find,
                                       std::vector<std::string>& reading, size_t outer) {
  std::vector<Node> nodes;
  TreeParser parser(text, name, "");
  if (!parser.block(nodes, 0, nullptr) || reading.size() > static_cast<size_t>(max_depth)) return {};
  const auto walk = [&](const auto& self, const std::vector<Node>& list) -> std::vector<std::string> {
    for (const Node& n : list) {
      if (n.block) {
        if (auto c = self(self, n.children); !c.empty()) return c;
        continue;
      }
      if (n.name != "include" || n.args.size() != 1) continue;
      for (const NginxIncludedFile& f : find(n.args[0].text, n.pos.file)) {
        const auto at = std::find(reading.begin(), reading.end(), f.name);
        if (at != reading.end()) {
          if (static_cast<size_t>(at - reading.begin()) < outer) return cycle_to(reading, f.name);
          continue;
        }
        reading.push_back(f.name);
        auto c = cycle_through(f.text, f.name, find, reading, outer);
        reading.pop_back();
        if (!c.empty()) return c;
      }
    }
    return {};
  };
  return walk(walk, nodes);
}

// nginx's `include` (ngx_conf_include): the directives of the files it names, read in its place
// and in the context where it is written. Each file's nodes name that file's lines. nginx has no
// check for a file that includes itself, directly or through others: it opens and reads it again
// until it fails (ngx_conf_parse keeps each file open while it reads it). Here a file already being
// read is not read again, and the include that closes the cycle holds it.
std::optional<ParseError> expand_includes(std::vector<Node>& nodes, const std::string& in,
                                          const NginxIncludeFinder& find, std::vector<std::string>& reading) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].block) {
      if (auto err = expand_includes(nodes[i].children, nodes[i].name, find, reading)) return err;
      continue;
    }
    if (nodes[i].name != "include" || nodes[i].args.size() != 1) continue;
    std::vector<Node> read;
    for (const NginxIncludedFile& f : find(nodes[i].args[0].text, nodes[i].pos.file)) {
      if (std::find(reading.begin(), reading.end(), f.name) != reading.end()) {
        if (nodes[i].cycle.empty()) nodes[i].cycle = cycle_to(reading, f.name);
        continue;
      }
      nodes[i].included.push_back(f.name);
      if (f.own) {
        // Read on its own, but nginx reads it here: it may lead back to a file being read.
        reading.push_back(f.name);
        auto c = cycle_through(f.text, f.name, find, reading, reading.size() - 1);
        reading.pop_back();
        if (nodes[i].cycle.empty()) nodes[i].cycle = std::move(c);
        continue;
      }
      std::vector<Node> inner;
      TreeParser parser(f.text, f.name, in);
      if (!parser.block(inner, 0, nullptr)) return parser.error();
      reading.push_back(f.name);
      if (auto err = expand_includes(inner, in, find, reading)) return err;
      reading.pop_back();
      std::move(inner.begin(), inner.end(), std::back_inserter(read));
    }
    const size_t n = read.size();
    nodes.insert(nodes.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::make_move_iterator(read.begin()),
                 std::make_move_iterator(read.end()));
    i += n;
  }
  return std::nullopt;
}

}  // namespace

NginxResult parse_nginx_conf(std::string_view text, const std::string& file, const NginxIncludeFinder& find) {
  NginxResult result;
  std::vector<Node> nodes;
  TreeParser parser(text, file);
  if (!parser.block(nodes, 0, nullptr)) {
    result.error = parser.error();
    return result;
  }
  if (find) {
    std::vector<std::string> reading{file};
    if (auto err = expand_includes(nodes, "", find, reading)) {
      result.error = err;
      return result;
    }
  }
  NginxConfig config;
  Extractor ex(config);
  ex.top(nodes, false);
  if (ex.err) {
    result.error = ex.err;
    return result;
  }
  result.value = std::move(config);
  return result;
}

}  // namespace deploysim::import
