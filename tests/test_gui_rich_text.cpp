// The layout of prose with `code` spans (gui/widgets/rich_text.hpp): runs split at pairs of
// backticks, lines broken at spaces within the width, a word wider than a line broken between
// UTF-8 characters, '\n' kept, and no character lost or drawn twice.
#include <doctest/doctest.h>

#include <cfloat>
#include <string>
#include <string_view>
#include <vector>

#include "gui/widgets/rich_text.hpp"

using namespace deploysim::gui;

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A fake font: an ASCII byte is 1 unit wide, any other character (Hangul: 3 bytes) 2 units.
float fake_width(std::string_view s) {
  float w = 0;
  for (char c : s)
    if (!continuation(c)) w += static_cast<unsigned char>(c) < 0x80 ? 1.0f : 2.0f;
  return w;
}

// The characters of a layout in order, a '\n' where a line ended at one.
std::string joined(const RichLayout& lay) {
  std::string out;
  for (const RichLine& line : lay.lines) {
    for (const PlacedRun& r : line.runs) out += r.text;
    if (line.hard_break) out += '\n';
  }
  return out;
}

// The text without its paired backticks, as split_code_runs reads it.
std::string unquoted(std::string_view text) {
  std::string out;
  for (const RichRun& r : split_code_runs(text)) out += r.text;
  return out;
}

// Runs as one string, each code run in brackets: "adds [X-Forwarded-For] and [http2 on]."
template <typename Run>
std::string marked(const std::vector<Run>& runs) {
  std::string s;
  for (const Run& r : runs) s += r.code ? "[" + std::string(r.text) + "]" : std::string(r.text);
  return s;
}

// How many characters a line shows, about (a run's trailing spaces, which a break hides, not
// counted).
int visible_chars(const RichLine& line) {
  int n = 0;
  for (const PlacedRun& r : line.runs)
    if (r.width > 0)
      for (char c : r.text.substr(0, r.text.find_last_not_of(" \t") + 1)) n += !continuation(c);
  return n;
}

// Checks what holds for every layout: nothing lost, lines within the width unless one character
// alone is wider, runs in order without overlapping (a code run's padding included), no run
// starting or ending inside a UTF-8 character.
void check_layout(std::string_view text, float wrap, float pad) {
  INFO("text: ", std::string(text), "  width: ", wrap, "  pad: ", pad);
  const RichLayout lay = layout_rich_text(text, wrap, fake_width, pad);
  REQUIRE(!lay.lines.empty());
  CHECK(joined(lay) == unquoted(text));
  float widest = 0;
  for (const RichLine& line : lay.lines) {
    INFO("line: ", marked(line.runs));
    if (visible_chars(line) > 1) CHECK(line.width <= wrap);
    widest = std::max(widest, line.width);
    float edge = 0;
    for (const PlacedRun& r : line.runs) {
      const float pad_here = r.code && r.width > 0 ? pad : 0;
      CHECK(r.x - pad_here >= edge - 1e-4f);
      edge = r.x + r.width + pad_here;
      // Its width is its text's, but for the spaces hidden at a break.
      const std::string_view trimmed = r.text.substr(0, r.text.find_last_not_of(" \t") + 1);
      CHECK(r.width <= fake_width(r.text) + 1e-4f);
      if (r.width > 0) CHECK(r.width >= fake_width(trimmed) - 1e-4f);
      REQUIRE(!r.text.empty());
      CHECK(!continuation(r.text.front()));
      const char* after = r.text.data() + r.text.size();
      if (after < text.data() + text.size()) CHECK(!continuation(*after));
    }
    CHECK(line.width == doctest::Approx(edge));
  }
  CHECK(lay.width == doctest::Approx(widest));
}

}  // namespace

TEST_CASE("runs split at pairs of backticks") {
  SUBCASE("text without backticks is one plain run") {
    const auto runs = split_code_runs("plain words, nothing else");
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].text == "plain words, nothing else");
    CHECK_FALSE(runs[0].code);
    CHECK(split_code_runs("").empty());
  }
  SUBCASE("a pair is a code run, without its backticks") {
    CHECK(marked(split_code_runs("adds `X-Forwarded-For` and `http2 on`.")) ==
          "adds [X-Forwarded-For] and [http2 on].");
  }
  SUBCASE("a code run at either end, and two in a row") { CHECK(marked(split_code_runs("`a``b`")) == "[a][b]"); }
  SUBCASE("an unpaired backtick stays literal") {
    CHECK(marked(split_code_runs("a `b` c `d")) == "a [b] c `d");
    CHECK(unquoted("it's a ` alone") == "it's a ` alone");
  }
  SUBCASE("an empty pair stays literal") {
    CHECK(unquoted("x `` y") == "x `` y");
    CHECK(split_code_runs("x `` y").size() == 1);
    CHECK(unquoted("``x`") == "``x`");
  }
  SUBCASE("quotes and brackets inside code are kept") {
    const auto runs = split_code_runs("run `pip install \"uvicorn[standard]\"`");
    REQUIRE(runs.size() == 2);
    CHECK(runs[1].text == "pip install \"uvicorn[standard]\"");
    CHECK(runs[1].code);
  }
}

TEST_CASE("a text that fits is one line, code runs padded") {
  const RichLayout lay = layout_rich_text("ab `cd` e", FLT_MAX, fake_width, 1.0f);
  REQUIRE(lay.lines.size() == 1);
  const auto& runs = lay.lines[0].runs;
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].text == "ab ");
  CHECK(runs[0].x == 0);
  CHECK(runs[0].width == 3);
  CHECK(runs[1].text == "cd");
  CHECK(runs[1].code);
  CHECK(runs[1].x == 4);  // 3, and the padding
  CHECK(runs[2].text == " e");
  CHECK(runs[2].x == 7);
  CHECK(lay.width == 9);
  CHECK_FALSE(lay.lines[0].hard_break);
}

TEST_CASE("lines break at spaces within the width") {
  const RichLayout lay = layout_rich_text("aaa bbb ccc", 7, fake_width);
  REQUIRE(lay.lines.size() == 2);
  CHECK(lay.lines[0].runs[0].text == "aaa bbb ");  // the space at the break is kept, taking no room
  CHECK(lay.lines[0].width == 7);
  CHECK(lay.lines[1].runs[0].text == "ccc");
  CHECK(lay.lines[1].runs[0].x == 0);
  CHECK(lay.width == 7);

  // A code span's inner spaces are places to break too; a span and the particle after it
  // ("`X-Forwarded-For`와") are one word.
  const RichLayout ko = layout_rich_text("프록시가 `X-Forwarded-For`와 헤더를", 20, fake_width);
  REQUIRE(ko.lines.size() == 3);
  CHECK(ko.lines[1].runs.size() == 2);
  CHECK(ko.lines[1].runs[0].text == "X-Forwarded-For");
  CHECK(ko.lines[1].runs[1].text == "와 ");
  CHECK(ko.lines[1].width == 17);
  const RichLayout span = layout_rich_text("then `listen 443 ssl http2` it", 16, fake_width);
  REQUIRE(span.lines.size() == 2);
  CHECK(span.lines[0].runs[1].text == "listen 443 ");
  CHECK(span.lines[0].width == 15);
  CHECK(span.lines[1].runs[0].text == "ssl http2");
  CHECK(span.lines[1].runs[0].code);
  CHECK(span.lines[1].runs[1].text == " it");
}

TEST_CASE("a code run's padding counts against the width") {
  // "ab `cd`" is 4 characters and 2 of padding: at width 5 the span goes to the next line.
  const RichLayout lay = layout_rich_text("ab `cd`", 5, fake_width, 1.0f);
  REQUIRE(lay.lines.size() == 2);
  CHECK(lay.lines[1].runs[0].text == "cd");
  CHECK(lay.lines[1].runs[0].x == 1);
  CHECK(layout_rich_text("ab `cd`", 7, fake_width, 1.0f).lines.size() == 1);
}

TEST_CASE("a word wider than a line is broken between characters") {
  const RichLayout lay = layout_rich_text("see `abcdefghij` now", 4, fake_width);
  REQUIRE(lay.lines.size() == 5);
  CHECK(lay.lines[0].runs[0].text == "see ");
  CHECK(lay.lines[1].runs[0].text == "abcd");
  CHECK(lay.lines[2].runs[0].text == "efgh");
  CHECK(lay.lines[3].runs[0].text == "ij");
  CHECK(lay.lines[3].runs[0].code);
  CHECK(lay.lines[4].runs[0].text == "now");

  // Hangul, 3 bytes and 2 units a character: two to a line, never split.
  const RichLayout ko = layout_rich_text("`가나다라마`", 5, fake_width);
  REQUIRE(ko.lines.size() == 3);
  CHECK(ko.lines[0].runs[0].text == "가나");
  CHECK(ko.lines[1].runs[0].text == "다라");
  CHECK(ko.lines[2].runs[0].text == "마");

  // Narrower than one character: one a line.
  const RichLayout one = layout_rich_text("가나", 1, fake_width);
  REQUIRE(one.lines.size() == 2);
  CHECK(one.lines[0].runs[0].text == "가");
  CHECK(one.lines[0].width == 2);
}

TEST_CASE("a word wider than a line breaks where a reader expects, when it can") {
  auto lines = [](std::string_view text, float wrap, float pad = 0) {
    std::vector<std::string> out;
    for (const RichLine& line : layout_rich_text(text, wrap, fake_width, pad).lines) {
      std::string s;
      for (const PlacedRun& r : line.runs) s += r.text;
      out.push_back(s);
    }
    return out;
  };
  using V = std::vector<std::string>;
  // The inspector's names at a narrow column: after '/', '_', '-', '.', ':'; not mid-word.
  CHECK(lines("edge-1/systemd", 10) == V{"edge-1/", "systemd"});
  CHECK(lines("restart_scheduled", 12) == V{"restart_", "scheduled"});
  CHECK(lines("127.0.0.1:8000", 10) == V{"127.0.0.1:", "8000"});
  CHECK(lines("api.example.test", 13) == V{"api.example.", "test"});
  CHECK(lines("`api.example.test`", 13, 1.0f) == V{"api.", "example.", "test"});
  // Before a gloss's '(' (Korean writes it attached to the word).
  CHECK(lines("Gateway(게이트웨이)", 12) == V{"Gateway", "(게이트웨이)"});
  // Where the line holds none, or only one right at its start, between characters as before.
  CHECK(lines("/abcdefgh", 4) == V{"/abc", "defg", "h"});
  CHECK(lines("abc.defghijk", 3) == V{"abc", ".de", "fgh", "ijk"});
  // A word that fits a line of its own moves there whole, whatever it holds.
  CHECK(lines("see edge-1/systemd", 14) == V{"see ", "edge-1/systemd"});
}

TEST_CASE("without code spans, backticks are text") {
  const RichLayout lay = layout_rich_text("a `b` c", FLT_MAX, fake_width, 1.0f, false);
  REQUIRE(lay.lines.size() == 1);
  REQUIRE(lay.lines[0].runs.size() == 1);
  CHECK(lay.lines[0].runs[0].text == "a `b` c");
  CHECK_FALSE(lay.lines[0].runs[0].code);
  CHECK(lay.width == 7);
  CHECK(layout_rich_text("", FLT_MAX, fake_width, 0, false).lines.size() == 1);
}

TEST_CASE("a newline starts a line") {
  const RichLayout lay = layout_rich_text("one `a\nb` two\n\nthree", FLT_MAX, fake_width);
  REQUIRE(lay.lines.size() == 4);
  CHECK(lay.lines[0].hard_break);
  CHECK(lay.lines[0].runs.back().text == "a");
  CHECK(lay.lines[1].runs[0].text == "b");
  CHECK(lay.lines[1].runs[0].code);
  CHECK(lay.lines[2].runs.empty());
  CHECK(lay.lines[2].hard_break);
  CHECK_FALSE(lay.lines[3].hard_break);
  CHECK(layout_rich_text("a\n", FLT_MAX, fake_width).lines.size() == 1);
  CHECK(layout_rich_text("", FLT_MAX, fake_width).lines.size() == 1);
}

TEST_CASE("every layout keeps every character, within the width") {
  const char* texts[] = {
      "Step 7: the TLS termination proxy decrypts the request and forwards it to the app on 127.0.0.1:8000 "
      "as plain HTTP/1.1, adding `X-Forwarded-For` and `X-Forwarded-Proto: https` headers.",
      "7단계: TLS 종료 프록시는 요청을 복호화하여 127.0.0.1:8000의 앱에 평문 HTTP/1.1로 전달하면서 "
      "`X-Forwarded-For`와 `X-Forwarded-Proto: https` 헤더를 붙입니다.",
      "Install it with `pip install \"uvicorn[standard]\"` and start `uvicorn app:app --workers 4`.",
      "nginx (`http2 on` since 1.25.1; before that `listen 443 ssl http2`)",
      "`Out of memory: Killed process`",
      "a `lone backtick, and ``, and\ttabs  and   spaces \n indented `code\nover lines` end\n",
      "```",
      "edge-1/systemd restart_scheduled 502 Bad Gateway(게이트웨이) 127.0.0.1:8000 `a.b/c_d-e(f)`(g)",
      "  leading spaces and a verylongwordthatneedsbreaking`withcode`attached",
      "",
  };
  for (const char* t : texts)
    for (const float wrap : {1.0f, 3.0f, 7.0f, 12.0f, 20.0f, 33.0f, 60.0f, 1000.0f})
      for (const float pad : {0.0f, 1.0f}) check_layout(t, wrap, pad);
}
