// The import parsers' error texts, through the catalogue ([import_parse] in
// assets/i18n/*.import_parse.toml). Each key is a literal here, as tests/test_messages.cpp
// looks for the keys the code names.
#include "import/parse_error.hpp"

#include <fmt/args.h>

#include "deploysim/messages.hpp"

namespace deploysim::import {

const char* parse_error_key(ParseErrorCode code) {
  switch (code) {
    case ParseErrorCode::eof_expecting:
      return "import_parse.eof_expecting";
    case ParseErrorCode::unexpected_expecting:
      return "import_parse.unexpected_expecting";
    case ParseErrorCode::unterminated_string:
      return "import_parse.unterminated_string";
    case ParseErrorCode::unclosed_block:
      return "import_parse.unclosed_block";
    case ParseErrorCode::unexpected_close:
      return "import_parse.unexpected_close";
    case ParseErrorCode::missing_semicolon:
      return "import_parse.missing_semicolon";
    case ParseErrorCode::after_quote:
      return "import_parse.after_quote";
    case ParseErrorCode::needs_block:
      return "import_parse.needs_block";
    case ParseErrorCode::needs_value:
      return "import_parse.needs_value";
    case ParseErrorCode::too_many_values:
      return "import_parse.too_many_values";
    case ParseErrorCode::bad_port:
      return "import_parse.bad_port";
    case ParseErrorCode::bad_number:
      return "import_parse.bad_number";
    case ParseErrorCode::bad_size:
      return "import_parse.bad_size";
    case ParseErrorCode::bad_duration:
      return "import_parse.bad_duration";
    case ParseErrorCode::bad_on_off:
      return "import_parse.bad_on_off";
    case ParseErrorCode::too_deep:
      return "import_parse.too_deep";
    case ParseErrorCode::bad_section:
      return "import_parse.bad_section";
    case ParseErrorCode::bad_escape:
      return "import_parse.bad_escape";
    case ParseErrorCode::empty_command:
      return "import_parse.empty_command";
    case ParseErrorCode::expecting_directive:
      return "import_parse.expecting_directive";
    case ParseErrorCode::import_cycle:
      return "import_parse.import_cycle";
    case ParseErrorCode::too_many_imports:
      return "import_parse.too_many_imports";
    case ParseErrorCode::exec_start_twice:
      return "import_parse.exec_start_twice";
  }
  return "import_parse.eof_expecting";
}

std::string format_parse_error(const ParseError& error, const Messages& messages) {
  const std::string& text = messages(parse_error_key(error.code));
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  for (const std::string& a : error.args) args.push_back(a);
  std::string body;
  try {
    body = fmt::vformat(text, args);
  } catch (const fmt::format_error&) {
    body = text;  // a catalogue text with more {} than the code gives: show it unfilled
  }
  return error.pos.str() + ": " + body;
}

}  // namespace deploysim::import
