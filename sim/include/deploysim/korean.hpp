#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <set>

namespace deploysim {

/// How the last sound of a word as a Korean reader says it ends: with a final consonant
/// (받침) or not, and whether that consonant is ㄹ (which takes 로, not 으로).
struct FinalSound {
  bool consonant = false;  ///< 받침: 책 ("책이"), "OOM" (엠: "OOM이"), "10" (십: "10과").
  bool rieul = false;      ///< The consonant is ㄹ: 서울, "1" (일), "TTL" (엘): "서울로".
};

/// The last sound of `word` as it is read in Korean: a Hangul syllable by its final consonant,
/// digits by how the number is read (1 일, 2 이, 10 십, 100 백), Latin letters by how the
/// word or acronym is said (traefik 트래픽, nginx 엔진엑스, ALPN 에이엘피엔, SNI 에스엔아이),
/// and units by their Korean name (ms 밀리초, GiB 기비바이트). Trailing punctuation and
/// closing brackets are skipped. nullopt when nothing readable is left.
std::optional<FinalSound> final_sound(std::string_view word);

/// The particle of a pair that follows `word`: pair is one of "이/가", "을/를", "은/는",
/// "과/와", "와/과", "으로/로", "이랑/랑", "이나/나", "아/야" (either order of the first four
/// accepted; the form after a final consonant comes first in Korean grammar books). An unknown
/// pair, or a word with no readable last sound, gives the pair's second form ("가", "를", ...),
/// the form after a vowel.
std::string_view particle_for(std::string_view word, std::string_view pair);

/// `word` followed by the particle of `pair` that fits it: with_particle("traefik", "이/가") is
/// "traefik이", with_particle("nginx", "이/가") "nginx가".
std::string with_particle(std::string_view word, std::string_view pair);

/// What a Korean reader would see as wrong in a text shown in Korean, one line per problem:
/// - an English word that is not kept in English (`kept`: SNI, ClientHello, the scenario's own
///   names, ...). Technical literals are not words: anything with a digit or one of . / _ - : @
///   = % inside (api.example.test, /items/1, X-Forwarded-For, h2, edge-1);
/// - an unfilled placeholder ("{actor}", "{}");
/// - a dual particle ("이(가)", "(으)로");
/// - a particle after a Latin or digit word that does not fit how it is read ("phone가");
/// - a percent sign set apart from its number ("99 %" for "99%").
/// Code in backticks and an English gloss in brackets right after a Korean word
/// ("핸드셰이크(handshake)") are not checked for English words.
std::vector<std::string> korean_text_problems(std::string_view text, const std::set<std::string, std::less<>>& kept);

}  // namespace deploysim
