#pragma once
// Caddyfiles: our own reader of Caddy's syntax (an optional global options block first, then site
// blocks named by their addresses, directives one a line with arguments and nested `{}` blocks,
// `#` comments, "quoted" and `backtick` strings), keeping what the simulation models with where
// each value was written. `import` of a snippet reads the snippet there; of a file, is recorded.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "import/parse_error.hpp"
#include "import/source_pos.hpp"

namespace deploysim::import {

/// One site address: "api.example.test", ":443", "http://www.example.test:8080/path".
struct CaddyAddress {
  std::string raw;
  std::string scheme;  ///< "http", "https" or "" (Caddy then serves HTTPS and redirects HTTP).
  std::string host;    ///< "" for ":443".
  int port = 0;        ///< 0 when not written (443, or 80 for http://).
  std::string path;    ///< "" or "/api/*".
  SourcePos pos;
};

/// `reverse_proxy [MATCHER] UPSTREAMS... { to ...; lb_policy ...; health_uri ... }`.
struct CaddyReverseProxy {
  std::string matcher;  ///< "", "/api/*", "@api", "*".
  std::string written;  ///< What the file writes for the matcher: "reverse_proxy /api/*", "handle_path /v2/*".
  std::vector<Located<std::string>> upstreams;  ///< "localhost:8001", "http://app:8000", "unix//run/app.sock".
  Located<std::string> lb_policy;               ///< "round_robin", "least_conn", ...
  Located<std::string> health_uri;
  SourcePos pos;
};

/// `tls ...` in a site.
struct CaddyTls {
  Located<std::string> email;              ///< `tls ops@example.test`.
  Located<bool> internal;                  ///< `tls internal` (Caddy's own CA).
  Located<std::string> internal_lifetime;  ///< `issuer internal { lifetime 7d }`: its leaf certificates' lifetime.
  Located<std::string> cert_file;          ///< `tls cert.pem key.pem`.
  Located<std::string> key_file;
  Located<bool> off;                            ///< `tls off` (Caddy 1). An http:// (or :80) address has no TLS either.
  Located<std::vector<std::string>> protocols;  ///< `protocols tls1.2 tls1.3` in the block.
  Located<std::string> dns;  ///< `dns PROVIDER ...` in the block (or in `issuer acme { }`): the DNS-01 challenge.
  SourcePos pos;
};

/// One site block.
struct CaddySite {
  std::vector<CaddyAddress> addresses;
  std::vector<CaddyReverseProxy> reverse_proxies;  ///< Also those inside handle/route blocks.
  Located<CaddyTls> tls;
  Located<std::vector<std::string>> encode;  ///< {"zstd", "gzip"}.
  SourcePos pos;
};

/// An `import` line (a snippet or a file; the importer follows files it was given).
struct CaddyImport {
  std::string target;
  SourcePos pos;
  std::vector<std::string> files;  ///< The files read in its place (a glob may name several).
};

/// A file an `import` names, as the caller found it: its name in positions, and its text.
struct CaddyImportedFile {
  std::string name;
  std::string text;
};

/// Finds the files `import PATTERN` in the file `from` names: relative to `from`'s folder, a glob
/// matching several (in name order, as Caddy's filepath.Glob); none when they are not at hand.
using CaddyFileLookup =
    std::function<std::vector<CaddyImportedFile>(const std::string& pattern, const std::string& from)>;

/// What a Caddyfile holds.
struct CaddyConfig {
  Located<std::string> email;       ///< Global `email`: the ACME account.
  Located<std::string> acme_ca;     ///< Global `acme_ca` (a staging or private ACME directory).
  Located<std::string> auto_https;  ///< Global `auto_https off|disable_redirects|...`.
  Located<std::string> acme_dns;    ///< Global `acme_dns PROVIDER ...`: DNS-01 for every site.
  std::vector<CaddySite> sites;
  std::vector<std::string> snippets;      ///< Names of `(name) { }` snippets.
  std::vector<CaddyImport> imports;       ///< Files not found, and snippets not defined above the line.
  std::vector<CaddyImport> files_read;    ///< `import FILE` whose files were read in its place.
  std::vector<CaddyImport> snippet_uses;  ///< `import NAME` of a snippet, read where it stands.
  std::vector<Ignored> ignored;
};

using CaddyResult = ParseResult<CaddyConfig>;

/// Parses one Caddyfile's text (`file` names it in positions), with the files its `import` lines
/// name when `lookup` finds them (their tokens stand for the line, as in Caddy). Never throws.
CaddyResult parse_caddyfile(std::string_view text, const std::string& file, const CaddyFileLookup& lookup = {});

}  // namespace deploysim::import
