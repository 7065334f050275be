// Located error messages in the learner's language: English shapes with `{}` values, matched
// whole, first fit wins; each value is translated again (nested messages).
#include "deploysim/error_texts.hpp"

#include <iterator>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "deploysim/korean.hpp"
#include "output/toml_text.hpp"

namespace deploysim {

namespace {

// The English shape as an anchored pattern: literal text escaped, each `{}` one or more
// characters (as few as fit), `{{`/`}}` a literal brace.
std::string pattern_of(std::string_view en, size_t& values) {
  std::string out = "^";
  values = 0;
  for (size_t i = 0; i < en.size(); ++i) {
    const char c = en[i];
    if (c == '{' && i + 1 < en.size() && en[i + 1] == '}') {
      out += "(.+?)";
      ++values;
      ++i;
      continue;
    }
    if ((c == '{' || c == '}') && i + 1 < en.size() && en[i + 1] == c) ++i;
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

// Closing marks a particle goes after: 'x'가, not 'x가'.
bool closing_mark(char c) { return c == '\'' || c == '"' || c == ')' || c == ']' || c == '`'; }

}  // namespace

std::optional<ErrorTexts> ErrorTexts::parse(std::string_view text, const std::string& name, const std::string& lang,
                                            std::string* error) {
  const auto parsed = parse_toml_text(text, name, error);
  if (!parsed) return std::nullopt;
  auto fail = [&](const toml::source_region& at, const std::string& what) {
    if (error) *error = fmt::format("{}:{}:{}: {}", name, at.begin.line, at.begin.column, what);
    return std::nullopt;
  };
  ErrorTexts out;
  const toml::array* list = (*parsed)["error"].as_array();
  if (!list) return fail(parsed->source(), "expected [[error]] tables with en and " + lang);
  for (const toml::node& node : *list) {
    const toml::table* t = node.as_table();
    const auto en = t ? (*t)["en"].value<std::string>() : std::nullopt;
    const auto tr = t ? (*t)[lang].value<std::string>() : std::nullopt;
    if (!en || !tr) return fail(node.source(), fmt::format("an [[error]] needs en and {} as texts", lang));
    Shape s;
    s.en = *en;
    s.translation = *tr;
    try {
      s.pattern = std::regex(pattern_of(s.en, s.values));
    } catch (const std::regex_error&) {
      return fail(node.source(), "this shape cannot be matched: " + s.en);
    }
    // Every value must be used, by position, and no other.
    for (size_t v = 0; v < s.values; ++v)
      if (s.translation.find(fmt::format("{{{}", v)) == std::string::npos)
        return fail((*t)[lang].node()->source(),
                    fmt::format("the {} text does not use value {{{}}} of: {}", lang, v, s.en));
    out.shapes_.push_back(std::move(s));
  }
  return out;
}

void ErrorTexts::append(ErrorTexts&& more) {
  shapes_.insert(shapes_.end(), std::make_move_iterator(more.shapes_.begin()),
                 std::make_move_iterator(more.shapes_.end()));
}

std::vector<std::string> ErrorTexts::shapes() const {
  std::vector<std::string> out;
  for (const Shape& s : shapes_) out.push_back(s.en);
  return out;
}

std::string ErrorTexts::translate(std::string_view message) const { return translate(message, 0); }

std::string ErrorTexts::translate(std::string_view message, int depth) const {
  if (depth > 4) return std::string(message);
  const std::string text(message);
  std::smatch m;
  for (const Shape& s : shapes_) {
    if (!std::regex_match(text, m, s.pattern)) continue;
    std::vector<std::string> values;
    for (size_t v = 1; v < m.size(); ++v) values.push_back(translate(m[v].str(), depth + 1));
    std::string out;
    const std::string& tr = s.translation;
    for (size_t i = 0; i < tr.size(); ++i) {
      const char c = tr[i];
      if ((c == '{' || c == '}') && i + 1 < tr.size() && tr[i + 1] == c) {
        out += c;
        ++i;
        continue;
      }
      const size_t close = c == '{' ? tr.find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        out += c;
        continue;
      }
      const std::string_view field(tr.data() + i + 1, close - i - 1);
      const size_t colon = field.find(':');
      const std::string_view index = field.substr(0, colon);
      size_t v = 0;
      bool number = !index.empty();
      for (char d : index) number = number && d >= '0' && d <= '9', v = v * 10 + static_cast<size_t>(d - '0');
      if (!number || v >= values.size()) {
        out.append(tr, i, close - i + 1);
        i = close;
        continue;
      }
      out += values[v];
      i = close;
      if (colon != std::string_view::npos) {
        // The particle after any closing mark that follows the value in the text.
        while (i + 1 < tr.size() && closing_mark(tr[i + 1])) out += tr[++i];
        out += particle_for(values[v], field.substr(colon + 1));
      }
    }
    return out;
  }
  return text;
}

}  // namespace deploysim
