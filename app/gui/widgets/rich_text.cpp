#include "gui/widgets/rich_text.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <utility>

#include <imgui_internal.h>

namespace deploysim::gui {

std::vector<RichRun> split_code_runs(std::string_view text) {
  std::vector<RichRun> runs;
  size_t start = 0;  // where the current plain run began
  size_t from = 0;   // where to look for the next backtick
  for (size_t open; (open = text.find('`', from)) != std::string_view::npos;) {
    const size_t close = text.find('`', open + 1);
    if (close == std::string_view::npos) break;  // unpaired: literal
    from = close + 1;
    if (close == open + 1) continue;  // "``": literal
    if (open > start) runs.push_back({text.substr(start, open - start), false});
    runs.push_back({text.substr(open + 1, close - open - 1), true});
    start = from;
  }
  if (start < text.size()) runs.push_back({text.substr(start), false});
  return runs;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// The bytes of the UTF-8 character at s[i]: its lead byte and the continuation bytes after it, so
// that a break never falls inside a multi-byte character (Hangul is three bytes).
size_t char_length(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() && n < 4 && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

// A word or a stretch of spaces within one run, measured.
struct Piece {
  std::string_view text;
  bool code = false;
  float w = 0;
};

// The greedy line breaker: a word (which may span runs: a Korean particle follows a code span
// with no space) goes on the current line when it fits with the spaces before it, else on the
// next one.
class Layouter {
 public:
  Layouter(float wrap, const MeasureText& width, float pad) : wrap_(wrap), width_(width), pad_(pad) {}

  void feed(const RichRun& r) {
    const std::string_view t = r.text;
    for (size_t i = 0; i < t.size();) {
      if (t[i] == '\n') {
        flush_word();
        hide_spaces();
        end_line(true);
        ++i;
        continue;
      }
      const bool space = is_space(t[i]);
      size_t j = i + 1;
      while (j < t.size() && t[j] != '\n' && is_space(t[j]) == space) ++j;
      const std::string_view s = t.substr(i, j - i);
      if (space) {
        flush_word();
        spaces_.push_back({s, r.code, width_(s)});
      } else {
        word_.push_back({s, r.code, width_(s)});
      }
      i = j;
    }
  }

  RichLayout finish() {
    flush_word();
    hide_spaces();
    // A final '\n' opens no empty line, as in ImGui's text; an empty text is one empty line.
    if (!line_.runs.empty() || out_.lines.empty()) end_line(false);
    return std::move(out_);
  }

 private:
  // Whether `p` continues the line's last run: same kind, and right after it in the text.
  bool joins(const Piece& p) const {
    if (line_.runs.empty() || closed_) return false;
    const PlacedRun& last = line_.runs.back();
    return last.code == p.code && last.text.data() + last.text.size() == p.text.data();
  }

  // The room the spaces and the word after them take on the current line.
  float room(bool with_spaces) const {
    const char* end = nullptr;
    bool code = false;
    if (!line_.runs.empty() && !closed_) {
      end = line_.runs.back().text.data() + line_.runs.back().text.size();
      code = line_.runs.back().code;
    }
    float w = 0;
    auto add = [&](const Piece& p) {
      const bool continues = end == p.text.data() && code == p.code;
      w += p.w + (p.code && !continues ? 2 * pad_ : 0);
      end = p.text.data() + p.text.size();
      code = p.code;
    };
    if (with_spaces) std::for_each(spaces_.begin(), spaces_.end(), add);
    std::for_each(word_.begin(), word_.end(), add);
    return w;
  }

  // Appends `p` to the line; `visible` false: the spaces at a break, kept in the text, no room.
  void place(const Piece& p, bool visible = true) {
    const float w = visible ? p.w : 0;
    if (joins(p)) {
      PlacedRun& last = line_.runs.back();
      last.text = std::string_view(last.text.data(), last.text.size() + p.text.size());
      last.width += w;
      x_ += w;
      return;
    }
    const float pad = p.code && visible ? pad_ : 0;
    line_.runs.push_back({x_ + pad, w, p.text, p.code});
    closed_ = closed_ && !visible;  // hidden spaces end the run before; what follows may join this one
    x_ += w + 2 * pad;
  }

  void hide_spaces() {
    for (const Piece& p : spaces_) place(p, false);
    closed_ = closed_ || !spaces_.empty();  // a run's hidden spaces are at its end, never drawn
    spaces_.clear();
  }

  void end_line(bool hard) {
    line_.width = x_;
    line_.hard_break = hard;
    out_.width = std::max(out_.width, x_);
    out_.lines.push_back(std::move(line_));
    line_ = RichLine{};
    x_ = 0;
    closed_ = false;
  }

  void flush_word() {
    if (word_.empty()) return;
    if (x_ + room(true) <= wrap_) {
      for (const Piece& p : spaces_) place(p);
      spaces_.clear();
    } else {
      // No room for the spaces at a break; a line's leading ones take none either when the word
      // after them does not fit (a line of spaces alone would be wider than the width).
      const bool empty = x_ <= 0;
      hide_spaces();
      if (!empty) end_line(false);
    }
    if (x_ + room(false) <= wrap_) {
      for (const Piece& p : word_) place(p);
    } else {
      break_word();
    }
    word_.clear();
  }

  // A word wider than what is left of an empty line: as many characters on each line as fit, at
  // least one, broken where a reader expects it when there is such a place on the line: after a
  // '/', '_', '-', '.', ',' or ':' ("edge-1/" "systemd", "restart_" "scheduled") or before a
  // '(' (a Korean gloss is written attached to its word); else between any two characters.
  void break_word() {
    std::vector<Piece> chars;
    for (const Piece& p : word_)
      for (size_t i = 0; i < p.text.size();) {
        const std::string_view c = p.text.substr(i, char_length(p.text, i));
        chars.push_back({c, p.code, width_(c)});
        i += c.size();
      }
    auto after = [](const Piece& c) {
      return c.text.size() == 1 && std::string_view("/_-.,:").find(c.text[0]) != std::string_view::npos;
    };
    for (size_t i = 0; i < chars.size();) {
      float x = x_;
      size_t end = i;
      for (; end < chars.size(); ++end) {
        const Piece& c = chars[end];
        const bool continues = end > i ? chars[end - 1].code == c.code &&
                                             chars[end - 1].text.data() + chars[end - 1].text.size() == c.text.data()
                                       : joins(c);
        const float w = c.w + (c.code && !continues ? 2 * pad_ : 0);
        if (x + w > wrap_) break;
        x += w;
      }
      if (end == i) {
        if (x_ > 0) {
          end_line(false);
          continue;
        }
        end = i + 1;
      } else if (end < chars.size()) {
        for (size_t k = end; k >= i + 2; --k)
          if (after(chars[k - 1]) || chars[k].text == "(") {
            end = k;
            break;
          }
      }
      for (size_t k = i; k < end; ++k) place(chars[k]);
      i = end;
      if (i < chars.size()) end_line(false);
    }
  }

  float wrap_;
  const MeasureText& width_;
  float pad_;
  RichLayout out_;
  RichLine line_;
  float x_ = 0;          // the line's right edge so far, a code run's closing padding included
  bool closed_ = false;  // the line's last run ends with hidden spaces: nothing joins it
  std::vector<Piece> spaces_, word_;
};

// The room on each side of a code run's text for its background.
float code_pad(float font_size) { return std::round(font_size * 0.2f); }

MeasureText font_width(ImFont* font, float size) {
  // The font's own unrounded widths: ImGui::CalcTextSize rounds each up to a pixel, and a line of
  // many pieces would drift from where its merged runs are drawn.
  return [font, size](std::string_view s) {
    return font->CalcTextSizeA(size, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
  };
}

bool same_color(const ImVec4& a, const ImVec4& b) { return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w; }

}  // namespace

RichLayout layout_rich_text(std::string_view text, float wrap_width, const MeasureText& width, float code_pad,
                            bool code_spans) {
  Layouter layouter(wrap_width, width, code_pad);
  if (code_spans) {
    for (const RichRun& r : split_code_runs(text)) layouter.feed(r);
  } else if (!text.empty()) {
    layouter.feed({text, false});
  }
  return layouter.finish();
}

ImVec2 rich_text_size(std::string_view text, float wrap_width) {
  const float size = ImGui::GetFontSize();
  const RichLayout lay = layout_rich_text(text, wrap_width, font_width(ImGui::GetFont(), size), code_pad(size));
  return ImVec2(std::ceil(lay.width), size * static_cast<float>(lay.lines.size()));
}

namespace {

void draw_text(std::string_view text, bool code_spans) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (window->SkipItems) return;
  // As ImGui::TextWrapped: wrapped at the pushed wrap position, else at the content region's edge,
  // and placed on the baseline of a framed widget before it on the line (ItemSize's 0).
  const float wrap_pos = window->DC.TextWrapPos < 0 ? 0.0f : window->DC.TextWrapPos;
  const float wrap_width = ImGui::CalcWrapWidthForPos(window->DC.CursorPos, wrap_pos);
  ImFont* font = ImGui::GetFont();
  const float size = ImGui::GetFontSize();
  const float pad = code_pad(size);
  const RichLayout lay = layout_rich_text(text, wrap_width, font_width(font, size), pad, code_spans);
  const ImVec2 block(std::ceil(lay.width), size * static_cast<float>(lay.lines.size()));
  const ImVec2 origin(window->DC.CursorPos.x, window->DC.CursorPos.y + window->DC.CurrLineTextBaseOffset);
  const ImRect bb(origin, ImVec2(origin.x + block.x, origin.y + block.y));
  ImGui::ItemSize(block, 0.0f);
  if (!ImGui::ItemAdd(bb, 0)) return;

  // Code in light violet, apart from the white text, the stage colours and the lesson's blue and
  // amber headings; on a pale background that a projector's washed-out black still shows. In a
  // dimmed text (the narration's context lines) the code is dimmed too.
  ImVec4 code = ImVec4(0.80f, 0.74f, 1.0f, 1.0f);
  const ImVec4 current = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  const ImVec4 disabled = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  if (same_color(current, disabled))
    code = ImVec4((code.x + current.x) / 2, (code.y + current.y) / 2, (code.z + current.z) / 2, current.w);
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 code_col = ImGui::GetColorU32(code);
  const ImU32 back_col = ImGui::GetColorU32(ImVec4(0.55f, 0.5f, 0.85f, 0.22f));
  const float rounding = std::round(size * 0.25f);
  ImDrawList* dl = window->DrawList;
  const float clip_top = dl->GetClipRectMin().y, clip_bottom = dl->GetClipRectMax().y;
  float y = origin.y;
  for (const RichLine& line : lay.lines) {
    if (y + size >= clip_top && y <= clip_bottom)
      for (const PlacedRun& r : line.runs) {
        if (r.width <= 0) continue;  // only the spaces at a break
        const float x = std::floor(origin.x + r.x);
        if (r.code) dl->AddRectFilled(ImVec2(x - pad, y), ImVec2(x + r.width + pad, y + size - 1), back_col, rounding);
        dl->AddText(font, size, ImVec2(x, y), r.code ? code_col : text_col, r.text.data(),
                    r.text.data() + r.text.size());
      }
    y += size;
  }
}

}  // namespace

void rich_text(std::string_view text) { draw_text(text, true); }

void wrapped_text(std::string_view text) { draw_text(text, false); }

}  // namespace deploysim::gui
