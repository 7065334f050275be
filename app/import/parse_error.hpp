#pragma once
// What the import parsers (nginx, Caddyfile, systemd units, ASGI command lines) say when a file
// cannot be read: a code and its arguments, located. The words come from the message catalogue
// (assets/i18n/*.import_parse.toml) through format_parse_error, so the parsers stay free of
// catalogue plumbing and the tests can compare codes as well as texts.
#include <optional>
#include <string>
#include <vector>

#include "import/source_pos.hpp"

namespace deploysim {
class Messages;
}

namespace deploysim::import {

/// Why a file could not be parsed. Each has a text in [import_parse] (the key is in
/// parse_error.cpp); the arguments fill its `{}` in order. Braces are passed as arguments, not
/// written in the texts (the Korean check reads "{{" as an unfilled placeholder).
enum class ParseErrorCode {
  eof_expecting,         ///< {expected}: the file ended where more was needed.
  unexpected_expecting,  ///< {found, expected}: a token where another was needed.
  unterminated_string,   ///< {quote}: a quoted string runs to the end of the file.
  unclosed_block,        ///< {name, line, "}"}: a block opened at that line has no "}".
  unexpected_close,      ///< {"}"}: a "}" with no block open.
  missing_semicolon,     ///< {directive}: nginx directive not ended by ";".
  after_quote,           ///< {found, "{"}: something glued to a closing quote.
  needs_block,           ///< {directive, "{"}: a block directive written without "{".
  needs_value,           ///< {directive}: a directive (or key, or flag) given no value.
  too_many_values,       ///< {directive}: more values than the directive takes.
  bad_port,              ///< {value}
  bad_number,            ///< {value}
  bad_size,              ///< {value, example}
  bad_duration,          ///< {value, example}
  bad_on_off,            ///< {value}
  too_deep,              ///< {max}: blocks nested deeper than we follow.
  bad_section,           ///< {line}: a systemd "[Section" header that does not close.
  bad_escape,            ///< {sequence}: an escape the format does not have.
  empty_command,         ///< {key}: ExecStart= with only prefixes and no program.
  expecting_directive,   ///< {found}: a ";" or "{" where a directive name should start.
  import_cycle,          ///< {name}: a Caddy snippet imported from inside itself.
  too_many_imports,      ///< {max}: more snippet imports than we follow.
  exec_start_twice,      ///< {type}: a second ExecStart= in a unit that is not Type=oneshot.
};

/// A located reason a file could not be read.
struct ParseError {
  ParseErrorCode code = ParseErrorCode::eof_expecting;
  std::vector<std::string> args;  ///< Filled into the catalogue text in order.
  SourcePos pos;                  ///< Where (file:line:col).
};

/// Either the parsed value or the first error (parsers stop at the first error, as nginx -t does).
template <class T>
struct ParseResult {
  std::optional<T> value;
  std::optional<ParseError> error;
  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
};

/// Something a file says that the simulation does not model: the report lists it as "ignored".
struct Ignored {
  std::string name;  ///< The directive, key or flag ("gzip", "LimitNOFILE", "--log-level").
  std::string in;    ///< Where it sits ("server", "location /api", "Service", "reverse_proxy"; "" at the top).
  SourcePos pos;
};

/// The catalogue key of a code ("import_parse.eof_expecting").
const char* parse_error_key(ParseErrorCode code);
/// "file:line:col: text" in the catalogue's language.
std::string format_parse_error(const ParseError& error, const Messages& messages);

}  // namespace deploysim::import
