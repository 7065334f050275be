#pragma once
// nginx configuration files (nginx.conf, conf.d/*.conf, sites-available/*): our own reader of
// nginx's syntax (directives `name args;`, blocks `{}`, `#` comments, quoted strings), keeping what
// the simulation models with where each value was written. `include` reads in its place the files
// that the caller finds for it (among those given to the import), as nginx reads them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "import/parse_error.hpp"
#include "import/source_pos.hpp"

namespace deploysim::import {

/// One `listen` directive: `listen 443 ssl http2 default_server;`, `listen [::]:80;`.
struct NginxListen {
  Located<std::string> address;  ///< The host part ("", "127.0.0.1", "[::]"); "unix:/path" for a socket.
  Located<int> port;             ///< 80 when only an address is given (nginx's default).
  bool ssl = false;
  bool http2 = false;
  bool default_server = false;  ///< `default_server` (or the old `default`).
  SourcePos pos;
};

/// `return CODE [URL|TEXT];` (also `return URL;`, which nginx sends as 302).
struct NginxReturn {
  int code = 0;
  std::string target;  ///< The URL or text ("https://$host$request_uri"), "" when none.
};

/// `location [=|~|~*|^~] PATH { ... }`.
struct NginxLocation {
  Located<std::string> path;
  std::string modifier;             ///< "", "=", "~", "~*" or "^~".
  Located<std::string> proxy_pass;  ///< "http://api_backend" or "http://127.0.0.1:8000/".
  Located<int64_t> proxy_read_timeout_ms;
  Located<uint64_t> client_max_body_size;  ///< Bytes; 0 means no limit.
  Located<NginxReturn> ret;
  std::vector<NginxLocation> locations;  ///< Nested locations.
  /// `proxy_set_header` at this level: the header names, and where the first is written. nginx
  /// inherits the directives of the level above only when a level has none of its own.
  std::vector<Located<std::string>> set_headers;
  SourcePos pos;
};

/// One `server { ... }` block.
struct NginxServer {
  std::vector<NginxListen> listens;  ///< Empty: nginx listens on *:80.
  Located<std::vector<std::string>> server_names;
  Located<std::string> ssl_certificate;
  Located<std::string> ssl_certificate_key;
  Located<std::vector<std::string>> ssl_protocols;  ///< {"TLSv1.2", "TLSv1.3"}.
  Located<bool> ssl_reject_handshake;
  Located<bool> ssl_on;      ///< `ssl on|off;` (deprecated in nginx 1.15.0, removed in 1.25.1).
  Located<bool> http2;       ///< `http2 on|off;` (nginx 1.25.1+, in place of `listen ... http2`).
  Located<NginxReturn> ret;  ///< A server-level `return` (the http->https redirect).
  std::vector<NginxLocation> locations;
  Located<int64_t> proxy_read_timeout_ms;
  Located<uint64_t> client_max_body_size;
  /// `proxy_set_header` at this level: the header names, and where the first is written. nginx
  /// inherits the directives of the level above only when a level has none of its own.
  std::vector<Located<std::string>> set_headers;
  SourcePos pos;  ///< Where `server` is written.
};

/// One `server ADDR [params];` line of an upstream.
struct NginxUpstreamServer {
  Located<std::string> address;  ///< "127.0.0.1:8001", "app:8000", "unix:/run/app.sock".
  int weight = 1;
  Located<std::string> weight_text;  ///< "weight=5" as written, and where; unset when not written.
  int max_fails = 1;
  int64_t fail_timeout_ms = 10000;
  std::string fails_text;  ///< "max_fails=3 fail_timeout=30s" as written; empty when neither is.
  bool backup = false;
  bool down = false;
  /// Parameters we do not model ("resolve", "slow_start=30s", "max_conns=10"), each where written.
  std::vector<Located<std::string>> other;
};

/// `upstream NAME { ... }`.
struct NginxUpstream {
  Located<std::string> name;
  std::vector<NginxUpstreamServer> servers;
  Located<std::string> balancing;  ///< "least_conn", "ip_hash", "hash", "random"; unset: round robin.
  Located<int> keepalive;          ///< Idle keepalive connections per worker.
  Located<std::string> sticky;     ///< `sticky cookie srv_id expires=1h;` as written after `sticky`.
  SourcePos pos;
};

/// An `include` directive: the files read for it (followed only when the importer was given them).
struct NginxInclude {
  std::string path;
  SourcePos pos;
  std::vector<std::string> files;  ///< The files it names that were given, as the report names them.
  /// Reading them comes back to a file being read (nginx has no check and recurses until it
  /// fails): that file, the ones between, and it again ("a.conf", "b.conf", "a.conf"); else empty.
  std::vector<std::string> cycle;
};

/// A file an `include` names, found among the files given to the import.
struct NginxIncludedFile {
  std::string name;  ///< As the report names it.
  std::string text;
  /// Read as an nginx file of its own (conf.d/*.conf, which nginx.conf's http {} includes): not
  /// read again in place of the include.
  bool own = false;
};

/// The files of `include PATTERN` written in the file `from`, in the order nginx reads them.
using NginxIncludeFinder =
    std::function<std::vector<NginxIncludedFile>(const std::string& pattern, const std::string& from)>;

/// What a file holds. Server blocks are taken inside `http {}` and at the top level (a
/// sites-available file is only server blocks).
struct NginxConfig {
  std::vector<NginxUpstream> upstreams;
  std::vector<NginxServer> servers;
  std::vector<NginxInclude> includes;
  Located<int64_t> proxy_read_timeout_ms;           ///< At http level (the servers' default).
  Located<uint64_t> client_max_body_size;           ///< At http level.
  Located<std::vector<std::string>> ssl_protocols;  ///< At http level (Debian's nginx.conf sets it there).
  /// `proxy_set_header` at this level: the header names, and where the first is written. nginx
  /// inherits the directives of the level above only when a level has none of its own.
  std::vector<Located<std::string>> set_headers;
  std::vector<Ignored> ignored;  ///< Directives we do not model, in file order.
  bool http_block = false;       ///< The file holds `http { }` (nginx.conf), else it is included in one.
};

using NginxResult = ParseResult<NginxConfig>;

/// Parses one file's text (`file` names it in positions). Never throws. `find` gives the files of
/// an `include`, whose directives are read in its place, each at its own file's line (nginx's
/// ngx_conf_include); without it, or when it finds none, the include is only recorded.
NginxResult parse_nginx_conf(std::string_view text, const std::string& file, const NginxIncludeFinder& find = {});

/// nginx's time notation ("60", "60s", "1m30s", "500ms", "1h") in milliseconds.
std::optional<int64_t> parse_nginx_time_ms(std::string_view text);
/// nginx's size notation ("10m", "512k", "1g", "100") in bytes.
std::optional<uint64_t> parse_nginx_size(std::string_view text);

}  // namespace deploysim::import
