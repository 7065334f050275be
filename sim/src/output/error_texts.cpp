// Located error messages in the learner's language: English shapes with `{}` values, matched
// whole, first fit wins; each value is translated again (nested messages).
#include "deploysim/error_texts.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "deploysim/korean.hpp"
#include "output/toml_text.hpp"

namespace deploysim {

namespace {

// The English shape's literal text around its values: `{}` separates them, `{{`/`}}` is a
// literal brace. n values give n + 1 pieces.
std::vector<std::string> pieces_of(std::string_view en) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < en.size(); ++i) {
    const char c = en[i];
    if (c == '{' && i + 1 < en.size() && en[i + 1] == '}') {
      out.emplace_back();
      ++i;
      continue;
    }
    if ((c == '{' || c == '}') && i + 1 < en.size() && en[i + 1] == c) ++i;
    out.back() += c;
  }
  return out;
}

// Whether `text` is piece 0, a value, piece 1, ..., the last piece. Each value is one or more
// characters of one line, as few as fit (the first value that lets the rest fit wins, then the
// second's, ...): what the regular expression `^a(.+?)b(.+?)c$` matched, without compiling
// hundreds of them at every start. Failed (piece, position) pairs are remembered, so a long
// message that no shape fits costs polynomial time, not exponential.
class ShapeMatch {
 public:
  ShapeMatch(std::string_view text, const std::vector<std::string>& pieces, std::vector<std::string_view>& values)
      : text_(text), pieces_(pieces), values_(values) {}
  bool operator()() {
    if (!text_.starts_with(pieces_.front())) return false;  // most shapes stop here
    if (pieces_.size() == 1) return text_.size() == pieces_.front().size();
    if (!text_.ends_with(pieces_.back()) || text_.size() < pieces_.front().size() + pieces_.back().size()) return false;
    return from(pieces_.front().size(), 0);
  }

 private:
  std::string_view text_;
  const std::vector<std::string>& pieces_;
  std::vector<std::string_view>& values_;
  std::vector<bool> failed_;  // by value index and position, allocated at the first failure

  // Value k starts at `at`, piece k + 1 follows it, and so on to the end.
  bool from(size_t at, size_t k) {
    const size_t n = text_.size() + 1;
    if (!failed_.empty() && failed_[k * n + at]) return false;
    const size_t line_end = std::min(text_.find_first_of("\r\n", at), text_.size());
    const std::string& next = pieces_[k + 1];
    if (k + 2 == pieces_.size()) {  // the last value: up to the last piece, which ends the text
      const size_t end = text_.size() - next.size();
      if (end <= at || end > line_end) return false;
      values_[k] = text_.substr(at, end - at);
      return true;
    }
    for (size_t end = at + 1; end <= line_end;) {
      end = text_.find(next, end);
      if (end == std::string_view::npos || end > line_end) break;
      values_[k] = text_.substr(at, end - at);
      if (from(end + next.size(), k + 1)) return true;
      ++end;
    }
    if (failed_.empty()) failed_.assign(n * (pieces_.size() - 1), false);
    failed_[k * n + at] = true;
    return false;
  }
};

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
    s.pieces = pieces_of(s.en);
    // Every value must be used, by position, and no other.
    for (size_t v = 0; v + 1 < s.pieces.size(); ++v)
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
  if (depth > 0 && units_)
    if (const auto t = parse_formatted_time(message)) return format_time(*t, *units_);
  std::vector<std::string_view> found;
  for (const Shape& s : shapes_) {
    found.assign(s.pieces.size() - 1, {});
    if (!ShapeMatch(message, s.pieces, found)()) continue;
    std::vector<std::string> values;
    for (std::string_view v : found) values.push_back(translate(v, depth + 1));
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
  return std::string(message);
}

}  // namespace deploysim
