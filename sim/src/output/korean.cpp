// Korean particles after values filled in at run time: 이/가, 을/를, 은/는, 과/와, 으로/로
// depend on whether the word before ends in a final consonant (받침), as the word is read.
#include "deploysim/korean.hpp"

#include <algorithm>
#include <array>
#include <cctype>
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
constexpr Reading known_words[] = {
    {"acme", vowel},          {"api", vowel},
    {"caddy", vowel},         {"certbot", consonant},
    {"clienthello", vowel},   {"daphne", vowel},
    {"docker", vowel},        {"fastapi", vowel},
    {"gunicorn", consonant},  {"haproxy", vowel},
    {"hypercorn", consonant}, {"ingress", vowel},
    {"kubernetes", vowel},    {"nginx", vowel},
    {"openssl", rieul},       {"pod", vowel},
    {"serverhello", vowel},   {"supervisord", vowel},
    {"systemd", vowel},       {"traefik", consonant},
    {"uvicorn", consonant},   {"localhost", vowel},
    {"https", vowel},         {"http", vowel},
    {"url", rieul},           {"ssl", rieul},
    {"html", rieul},          {"json", consonant},
    {"toml", rieul},          {"yaml", rieul},
    {"linux", vowel},         {"wireshark", vowel},
    {"nameserver", vowel},    {"resolver", vowel},
    {"worker", vowel},        {"proxy", vowel},
    {"edge", vowel},          {"api.example.test", vowel},
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
// the others end in a vowel (-d 드, -g 그, -s 스, -x 스, -r 어, -e, -y).
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
      return short_vowel ? consonant : vowel;
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
  if (sep != std::string_view::npos && sep + 1 < token.size()) return final_sound(token.substr(sep + 1));
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

}  // namespace deploysim
