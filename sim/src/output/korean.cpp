// Korean particles after values filled in at run time: 이/가, 을/를, 은/는, 과/와, 으로/로
// depend on whether the word before ends in a final consonant (받침), as the word is read.
#include "deploysim/korean.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <utility>

namespace deploysim {
namespace {

// Decodes the UTF-8 code point that ends at `end` (exclusive); returns it and its start.
std::pair<char32_t, size_t> last_code_point(std::string_view s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  const auto b0 = static_cast<unsigned char>(s[start]);
  char32_t c = 0;
  const size_t n = end - start;
  if (n == 1)
    c = b0;
  else if (n == 2)
    c = b0 & 0x1F;
  else if (n == 3)
    c = b0 & 0x0F;
  else
    c = b0 & 0x07;
  for (size_t i = start + 1; i < end; ++i) c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return {c, start};
}

constexpr FinalSound vowel{false, false}, consonant{true, false}, rieul{true, true};

// Digits as they are read: 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구.
constexpr std::array<FinalSound, 10> digit_sound{consonant, rieul,     vowel, consonant, vowel,
                                                 vowel,     consonant, rieul, rieul,     vowel};

// Letter names as Koreans say them in an acronym (에이, 비, 씨, ..., 엘, 엠, 엔, 알, ...).
FinalSound letter_name(char c) {
  switch (std::tolower(static_cast<unsigned char>(c))) {
    case 'l':
    case 'r':  // 엘, 알
      return rieul;
    case 'm':
    case 'n':  // 엠, 엔
      return consonant;
    default:
      return vowel;
  }
}

// Words kept in English in the lessons and narration, and how their last sound is read.
struct Reading {
  std::string_view word;
  FinalSound sound;
};
// Acronyms written in lower case in names ("curl-by-ip", "api-db") are read as letters too.
constexpr Reading known_words[] = {
    {"acme", vowel},
    {"api", vowel},
    {"caddy", vowel},
    {"certbot", consonant},
    {"clienthello", vowel},
    {"daphne", vowel},
    {"docker", vowel},
    {"fastapi", vowel},
    {"gunicorn", consonant},
    {"haproxy", vowel},
    {"hypercorn", consonant},
    {"ingress", vowel},
    {"kubernetes", vowel},
    {"nginx", vowel},
    {"openssl", rieul},
    {"pod", vowel},
    {"serverhello", vowel},
    {"supervisord", vowel},
    {"systemd", vowel},
    {"traefik", consonant},
    {"uvicorn", consonant},
    {"localhost", vowel},
    {"https", vowel},
    {"http", vowel},
    {"url", rieul},
    {"ssl", rieul},
    {"html", rieul},
    {"json", consonant},
    {"toml", rieul},
    {"yaml", rieul},
    {"linux", vowel},
    {"wireshark", vowel},
    {"nameserver", vowel},
    {"resolver", vowel},
    {"worker", vowel},
    {"proxy", vowel},
    {"edge", vowel},
    {"api.example.test", vowel},
    {"starlette", consonant},
    {"sleep", consonant},
    {"ip", vowel},
    {"dns", vowel},
    {"tcp", vowel},
    {"tls", vowel},
    {"db", vowel},
    {"cpu", vowel},
    {"cname", consonant},  // 씨네임, not spelt out letter by letter
    {"check", vowel},      // 체크, not 첵 as the -eck rule of english_word reads it (deck 덱)
    {"healthcheck", vowel},
};

// Units after a number, by their Korean name.
constexpr Reading units[] = {
    {"ms", vowel},    {"s", vowel},  {"us", vowel}, {"ns", vowel},  {"min", consonant},
    {"h", consonant}, {"d", rieul},  {"b", vowel},  {"kib", vowel}, {"mib", vowel},
    {"gib", vowel},   {"kb", vowel}, {"mb", vowel}, {"gb", vowel},  {"rps", vowel},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_vowel_letter(char c) {
  const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == 'a' || l == 'e' || l == 'i' || l == 'o' || l == 'u';
}

// An English word (not an acronym) by its spelling: a rough rule for words not in the list,
// after the way loanwords are written in Hangul (외래어 표기법): final -l is ㄹ; -m, -n, -ng are
// a consonant; -k, -p, -b and -t after a short vowel are one too (북, 앱, 웹, 셋, 봇), but
// after a long vowel or a consonant they get a vowel of their own (루트, 헬프, 테스트, 시크);
// a silent -e leaves the consonant before it (폰, 파일); the others end in a vowel (-d 드, -g 그,
// -s 스, -x 스, -r 어, -y).
FinalSound english_word(std::string_view w) {
  auto at = [&](size_t back) {
    return back < w.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(w[w.size() - 1 - back]))) : ' ';
  };
  const char last = at(0);
  // A short vowel before the final consonant: one vowel letter, not two ("oo" in root, "ee").
  // A doubled consonant after one vowel is short too (app 앱, butt 벗).
  const bool short_vowel = (is_vowel_letter(at(1)) && !is_vowel_letter(at(2))) ||
                           (at(1) == last && is_vowel_letter(at(2)) && !is_vowel_letter(at(3)));
  switch (last) {
    case 'l':
      return rieul;
    case 'm':
    case 'n':
      return consonant;
    case 'g':
      return at(1) == 'n' ? consonant : vowel;  // -ng 잉, -g 그
    case 'k':
      return short_vowel || (at(1) == 'c' && is_vowel_letter(at(2))) || w.size() <= 4 ? consonant : vowel;
    case 'p':
    case 'b':
    case 't':
      if (last == 't' && at(1) == 'u' && at(2) == 'o') return consonant;  // -out 아웃: timeout, layout
      return short_vowel ? consonant : vowel;
    case 'c':
      return consonant;  // -ec 엑, -ic 익, -ac 액: ChangeCipherSpec 스펙, public 퍼블릭
    case 'e':
      // A silent e after vowel-consonant: -me, -ne are a consonant (홈, 폰, 존); -le is ㄹ, after
      // a vowel (파일, 모바일) as after a consonant, whose -le is written 블, 틀, 플 (테이블,
      // 타이틀, 인에이블, 피플); the others end in a vowel (사이트, 노드, 엣지, 서비스).
      if (w.size() >= 3 && !is_vowel_letter(at(1))) {
        if (at(1) == 'm' || at(1) == 'n') return consonant;
        if (at(1) == 'l') return rieul;
      }
      return vowel;
    default:
      return vowel;
  }
}

}  // namespace

std::optional<FinalSound> final_sound(std::string_view word) {
  // Skip what is not read: closing brackets, quotes, punctuation, spaces.
  size_t end = word.size();
  while (end > 0) {
    const auto [c, start] = last_code_point(word, end);
    const bool skip = c == ' ' || c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == '.' || c == ',' ||
                      c == '!' || c == '?' || c == ':' || c == ';' || c == '/' || c == '>' || c == 0x201D ||
                      c == 0x2019;  // ” ’
    if (!skip) break;
    end = start;
  }
  if (end == 0) return std::nullopt;
  const std::string_view w = word.substr(0, end);
  const auto [c, start] = last_code_point(w, end);
  if (c >= 0xAC00 && c <= 0xD7A3) {  // a Hangul syllable: 28 finals per (initial, medial)
    const auto fin = (c - 0xAC00) % 28;
    return FinalSound{fin != 0, fin == 8};
  }
  if (c >= '0' && c <= '9') {
    // 10 십, 100 백, 1000 천, 10000 만: a number ending in 0 (other than 0 itself) ends in a
    // consonant; otherwise its last digit is what is heard.
    if (c == '0' && start > 0 && w[start - 1] >= '0' && w[start - 1] <= '9') return consonant;
    return digit_sound[c - '0'];
  }
  // The Latin (or other) word at the end: letters, digits, '-', '_', '.' and '/' joined.
  size_t begin = start;
  while (begin > 0) {
    const char p = w[begin - 1];
    if (!(std::isalnum(static_cast<unsigned char>(p)) || p == '-' || p == '_' || p == '%')) break;
    --begin;
  }
  std::string_view token = w.substr(begin);
  std::string low = lower(token);
  for (const Reading& k : known_words)
    if (low == k.word) return k.sound;
  if (c == '%') return vowel;  // 퍼센트
  // edge-1, worker_2: the last part after '-' or '_'.
  const size_t sep = token.find_last_of("-_");
  if (sep != std::string_view::npos && sep + 1 < token.size()) {
    // A flag's one letter is read as a letter, not as a unit ("-d" 디, not 일).
    const std::string_view part = token.substr(sep + 1);
    if (part.size() == 1 && std::isalpha(static_cast<unsigned char>(part[0]))) return letter_name(part[0]);
    return final_sound(part);
  }
  if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
  // The letters at the end of the token (a word like "v2" was handled as a digit above).
  size_t letters = token.size();
  while (letters > 0 && std::isalpha(static_cast<unsigned char>(token[letters - 1]))) --letters;
  const std::string_view alpha = token.substr(letters);
  low = lower(alpha);
  // A unit after a number, glued or not ("250ms", "90d", "3 GiB"), then a known word.
  for (const Reading& u : units)
    if (low == u.word) return u.sound;
  for (const Reading& k : known_words)
    if (low == k.word) return k.sound;
  const bool acronym =
      std::all_of(alpha.begin(), alpha.end(), [](char ch) { return std::isupper(static_cast<unsigned char>(ch)); });
  if (acronym && alpha.size() <= 6) return letter_name(alpha.back());  // SNI, ALPN, TLS, OOM, TTL
  if (alpha.size() == 1) return letter_name(alpha.back());             // h2c: 씨
  return english_word(alpha);
}

std::string_view particle_for(std::string_view word, std::string_view pair) {
  struct Pair {
    std::string_view after_consonant, after_vowel;
    bool rieul_takes_vowel_form;  // 으로/로: 서울로, not 서울으로
  };
  static constexpr Pair pairs[] = {
      {"이", "가", false},  {"을", "를", false},   {"은", "는", false},   {"과", "와", false},
      {"으로", "로", true}, {"이랑", "랑", false}, {"이나", "나", false}, {"아", "야", false},
  };
  const size_t slash = pair.find('/');
  if (slash == std::string_view::npos) return pair;
  const std::string_view a = pair.substr(0, slash), b = pair.substr(slash + 1);
  for (const Pair& p : pairs) {
    if (!((a == p.after_consonant && b == p.after_vowel) || (a == p.after_vowel && b == p.after_consonant))) continue;
    const auto sound = final_sound(word);
    if (!sound) return p.after_vowel;
    if (!sound->consonant || (p.rieul_takes_vowel_form && sound->rieul)) return p.after_vowel;
    return p.after_consonant;
  }
  return b;
}

std::string with_particle(std::string_view word, std::string_view pair) {
  std::string out(word);
  out += particle_for(word, pair);
  return out;
}

namespace {

bool is_hangul(char32_t c) { return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x3130 && c <= 0x318F); }

// The code point that starts at `i` and its length.
std::pair<char32_t, size_t> code_point_at(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  if (i + n > s.size()) return {0xFFFD, 1};
  char32_t c = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {c, n};
}

// ASCII that belongs to a word or a technical literal (not spaces, brackets, quotes, commas).
bool literal_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("./_-:@=%+#&*~?!'").find(c) != std::string_view::npos;
}

// The pair a particle (possibly with 는, 도, 의, 서 after it) belongs to, or "" when the
// Hangul after a Latin word is not a particle this check knows.
std::string_view particle_pair_of(std::string_view word) {
  struct Form {
    std::string_view form, pair;
    bool alone;  // only as the whole word: 이/가/은/는/을/를 start many words
  };
  static constexpr Form forms[] = {
      {"으로", "으로/로", false}, {"로", "으로/로", false}, {"이", "이/가", true}, {"가", "이/가", true},
      {"을", "을/를", true},      {"를", "을/를", true},    {"은", "은/는", true}, {"는", "은/는", true},
      {"과", "과/와", false},     {"와", "과/와", false},
  };
  for (const Form& f : forms) {
    if (word == f.form) return f.pair;
    if (f.alone || !word.starts_with(f.form)) continue;
    const std::string_view rest = word.substr(f.form.size());
    if (rest == "는" || rest == "도" || rest == "의" || rest == "서" || rest == "부터") return f.pair;
  }
  return {};
}

// Nouns the texts put particles after, for a check by their final sound: "복제본가" for
// "복제본이" slipped through where a template's noun had been another. Checked only where the
// Hangul word starts with one and the rest is a particle, so longer words are left alone.
constexpr std::string_view checked_nouns[] = {
    "복제본", "인증서",       "워커",     "프로세스", "유닛",       "서비스", "프록시", "요청",   "연결",
    "파드",   "노드",         "호스트",   "컨테이너", "클라이언트", "서버",   "도메인", "레코드", "핸드셰이크",
    "매니저", "아비터",       "업스트림", "브라우저", "시나리오",   "세션",   "티켓",   "헤더",   "버전",
    "잠금",   "마이그레이션", "응답",     "메모리",   "이름",       "주소",   "포트",
};

}  // namespace

std::vector<std::string> korean_text_problems(std::string_view text, const std::set<std::string, std::less<>>& kept) {
  std::vector<std::string> out;
  for (std::string_view dual :
       {"이(가)", "가(이)", "을(를)", "를(을)", "은(는)", "는(은)", "(으)로", "와(과)", "과(와)"})
    if (text.find(dual) != std::string_view::npos) out.push_back(fmt::format("dual particle \"{}\"", dual));
  if (const size_t b = text.find_first_of("{}"); b != std::string_view::npos)
    out.push_back(
        fmt::format("unfilled placeholder near \"{}\"", text.substr(b, std::min<size_t>(16, text.size() - b))));
  // Korean writes the percent sign next to its number ("25%"), as its lessons and news do.
  for (size_t at = text.find(" %"); at != std::string_view::npos; at = text.find(" %", at + 2))
    if (at > 0 && text[at - 1] >= '0' && text[at - 1] <= '9') {
      size_t b = at;
      while (b > 0 && ((text[b - 1] >= '0' && text[b - 1] <= '9') || text[b - 1] == '.')) --b;
      out.push_back(fmt::format("\"{} %\" should be \"{}%\"", text.substr(b, at - b), text.substr(b, at - b)));
    }
  // The Hangul word at `at`, when it starts with a particle, must be the one `word` takes.
  const auto check_particle = [&](std::string_view word, size_t at) {
    size_t h = at;
    while (h < text.size()) {
      const auto [c, n] = code_point_at(text, h);
      if (!is_hangul(c)) break;
      h += n;
    }
    const std::string_view after = text.substr(at, h - at);
    const std::string_view pair = particle_pair_of(after);
    if (pair.empty()) return;
    const std::string_view want = particle_for(word, pair);
    if (!after.starts_with(want) || (want == "로" && after.starts_with("으로")) ||
        (pair == "으로/로" && want == "으로" && !after.starts_with("으로")))
      out.push_back(fmt::format("particle \"{}{}\" should be \"{}{}\"", word, after, word, want));
  };
  size_t i = 0;
  char32_t before = 0;  // the code point before i
  while (i < text.size()) {
    // Code in backticks (`systemctl enable app`) is quoted as typed; an English term in
    // brackets right after its Korean one is its gloss: 핸드셰이크(handshake).
    const size_t close = text[i] == '`'                        ? text.find('`', i + 1)
                         : text[i] == '(' && is_hangul(before) ? text.find(')', i)
                                                               : std::string_view::npos;
    if (close != std::string_view::npos) {
      // A particle right after code is read after the code's last word: `migrate`를.
      if (text[i] == '`') check_particle(text.substr(i + 1, close - i - 1), close + 1);
      i = close + 1;
      before = static_cast<unsigned char>(text[close]);
      continue;
    }
    if (!literal_char(text[i])) {
      const auto [c, n] = code_point_at(text, i);
      if (is_hangul(c) && !is_hangul(before))
        for (std::string_view noun : checked_nouns)
          if (text.substr(i).starts_with(noun)) {
            check_particle(noun, i + noun.size());
            break;
          }
      before = c;
      i += n;
      continue;
    }
    size_t end = i;
    while (end < text.size() && literal_char(text[end])) ++end;
    // Sentence punctuation after a word is not part of it ("TLS.", "SNI:", "무엇인가요?").
    // Quotes around it are not either ('Host'); the one inside Let's is.
    size_t word_end = end, word_begin = i;
    while (word_end > i && std::string_view(".:!?'").find(text[word_end - 1]) != std::string_view::npos) --word_end;
    while (word_begin < word_end && text[word_begin] == '\'') ++word_begin;
    const std::string_view token = text.substr(word_begin, word_end - word_begin);
    // "50µs": a unit after µ is a literal too.
    const bool literal =
        token.find_first_of("0123456789./_-:@=%+#&*~?!") != std::string_view::npos || token.empty() || before == 0xB5;
    if (!literal && !kept.count(token)) out.push_back(fmt::format("English word \"{}\"", token));
    // A particle right after the word: read the Hangul word that follows.
    if (end == word_end && !token.empty()) check_particle(token, end);
    before = static_cast<unsigned char>(text[end - 1]);
    i = end;
  }
  // A particle after a closing quote or bracket: '워커 3개'를 by what is quoted, 기관(CA)이 and
  // `enable`(부팅할 때마다)를 by what comes before the brackets (the bracketed part is not read),
  // 프로브 (failureThreshold 30)을 by the brackets' last word when a space sets them apart.
  const auto opening = [&](size_t close) {  // the '(' that matches the ')' at `close`
    int depth = 0;
    for (size_t o = close + 1; o-- > 0;) {
      if (text[o] == ')') ++depth;
      if (text[o] == '(' && --depth == 0) return o;
    }
    return std::string_view::npos;
  };
  // What is read before the '(' at `o`: a word, `code`, or 'a quoted name'.
  const auto before_bracket = [&](size_t o) -> std::string_view {
    const char q = text[o - 1];
    if (q == '`' || q == '\'') {
      const size_t open = text.rfind(q, o - 2);
      return open == std::string_view::npos ? std::string_view{} : text.substr(open + 1, o - 2 - open);
    }
    size_t w = o;
    while (w > 0 && text[w - 1] != ' ' && text[w - 1] != '(' && text[w - 1] != '\'' && text[w - 1] != '`') --w;
    return text.substr(w, o - w);
  };
  const auto read_as = [&](std::string_view s) {  // a gloss at the end is not read
    if (s.ends_with(')'))
      if (const size_t o = s.rfind('('); o != std::string_view::npos && o > 0 && s[o - 1] != ' ') return s.substr(0, o);
    return s;
  };
  bool in_quote = false;
  size_t quote_open = 0;
  for (size_t p = 0; p + 1 < text.size(); ++p) {
    const bool hangul_next = is_hangul(code_point_at(text, p + 1).first);
    if (text[p] == '\'') {
      // An apostrophe inside a Latin word (Let's) is not a quote.
      if (p > 0 && std::isalpha(static_cast<unsigned char>(text[p - 1])) &&
          std::isalpha(static_cast<unsigned char>(text[p + 1])))
        continue;
      const std::string_view quoted = text.substr(quote_open + 1, p - quote_open - 1);
      if (in_quote && hangul_next && !quoted.empty()) check_particle(read_as(quoted), p + 1);
      in_quote = !in_quote;
      quote_open = p;
    } else if (text[p] == ')' && hangul_next) {
      const size_t o = opening(p);
      if (o == std::string_view::npos) continue;
      const std::string_view word = o > 0 && text[o - 1] != ' ' ? before_bracket(o) : text.substr(o + 1, p - o - 1);
      if (!word.empty()) check_particle(read_as(word), p + 1);
    }
  }
  return out;
}

}  // namespace deploysim
