// Korean particles after run-time values: chosen from how the value is read, never the dual
// form "이(가)" and never a fixed one.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "deploysim/korean.hpp"
#include "deploysim/messages.hpp"
#include "deploysim/time.hpp"

using namespace deploysim;

TEST_CASE("a particle follows the last sound of the word as it is read") {
  // Hangul by its final consonant; ㄹ takes 로.
  CHECK(with_particle("책", "이/가") == "책이");
  CHECK(with_particle("서버", "이/가") == "서버가");
  CHECK(with_particle("서울", "으로/로") == "서울로");
  CHECK(with_particle("집", "으로/로") == "집으로");
  CHECK(with_particle("5분", "을/를") == "5분을");
  CHECK(with_particle("90일", "이/가") == "90일이");
  // The examples: digits and Latin by how they are said.
  CHECK(with_particle("/items/1", "을/를") == "/items/1을");                  // 일
  CHECK(with_particle("traefik", "이/가") == "traefik이");                    // 트래픽
  CHECK(with_particle("edge-1", "이/가") == "edge-1이");                      // 일
  CHECK(with_particle("curl-by-ip", "이/가") == "curl-by-ip가");              // 아이피
  CHECK(with_particle("orders-db", "을/를") == "orders-db를");                // 디비
  CHECK(with_particle("203.0.113.10", "과/와") == "203.0.113.10과");          // 십
  CHECK(with_particle("nginx", "이/가") == "nginx가");                        // 엔진엑스
  CHECK(with_particle("ClientHello", "은/는") == "ClientHello는");            // 헬로
  CHECK(with_particle("SNI", "으로/로") == "SNI로");                          // 아이
  CHECK(with_particle("ALPN", "을/를") == "ALPN을");                          // 엔
  CHECK(with_particle("OOM", "이/가") == "OOM이");                            // 엠
  CHECK(with_particle("CNAME", "과/와") == "CNAME과");                        // 씨네임
  CHECK(with_particle("TTL", "으로/로") == "TTL로");                          // 엘: ㄹ takes 로
  CHECK(with_particle("Uvicorn", "이/가") == "Uvicorn이");                    // 유비콘
  CHECK(with_particle("api.example.test", "을/를") == "api.example.test를");  // 테스트
  CHECK(with_particle("3 GiB", "이/가") == "3 GiB가");                        // 기비바이트
  CHECK(with_particle("250ms", "이/가") == "250ms가");                        // 밀리초
  CHECK(with_particle("HTTP 502", "으로/로") == "HTTP 502로");                // 오백이
  CHECK(with_particle("HTTP 503", "으로/로") == "HTTP 503으로");              // 오백삼
  CHECK(with_particle("0", "이/가") == "0이");                                // 영
  CHECK(with_particle("2", "이/가") == "2가");                                // 이
  CHECK(with_particle("100", "을/를") == "100을");                            // 백
  CHECK(with_particle("7", "과/와") == "7과");                                // 칠
  CHECK(with_particle("certbot", "이/가") == "certbot이");                    // 서트봇
  CHECK(with_particle("worker-2", "이/가") == "worker-2가");
  CHECK(with_particle("api (443)", "으로/로") == "api (443)으로");  // the bracket is not read
  CHECK(with_particle("file", "으로/로") == "file로");              // 파일: ㄹ
  CHECK(with_particle("enable", "을/를") == "enable을");            // 인에이블: 블 ends in ㄹ
  CHECK(with_particle("title", "와/과") == "title과");              // 타이틀
  CHECK(with_particle("table", "으로/로") == "table로");            // 테이블로: ㄹ takes 로
  CHECK(with_particle("readTimeout", "이/가") == "readTimeout이");  // 리드타임아웃
  CHECK(with_particle("HEALTHCHECK", "이/가") == "HEALTHCHECK가");  // 헬스체크: check is 체크, not 첵
  CHECK(with_particle("check", "을/를") == "check를");
  CHECK(with_particle("stack", "이/가") == "stack이");  // 스택: -ack keeps its consonant
}

TEST_CASE("a unit symbol spaced from its number takes the particle of the unit's Korean name") {
  // Korean text puts a space between a number and a unit symbol (국립국어원; the SI brochure)
  // and joins a unit written in Hangul: "250 ms", "50 µs", "600 MiB", but "5분", "90일".
  CHECK(with_particle("250 ms", "을/를") == "250 ms를");  // 밀리초
  CHECK(with_particle("250 ms", "이/가") == "250 ms가");
  CHECK(with_particle("12.500 ms", "으로/로") == "12.500 ms로");
  CHECK(with_particle("50 µs", "이/가") == "50 µs가");      // 마이크로초
  CHECK(with_particle("500 ns", "을/를") == "500 ns를");    // 나노초
  CHECK(with_particle("600 MiB", "과/와") == "600 MiB와");  // 메비바이트
  CHECK(with_particle("1.5 KB", "이/가") == "1.5 KB가");    // 킬로바이트
  // The Korean catalogue writes durations by that rule.
  std::string error;
  const auto ko = Messages::load("ko", &error);
  REQUIRE_MESSAGE(ko, error);
  CHECK(ko->time(ms(246)) == "246 ms");
  CHECK(ko->time(Time::from_ns(12500000)) == "12.5 ms");
  CHECK(ko->time(us(50)) == "50 µs");
  CHECK(ko->time(ns(500)) == "500 ns");
  CHECK(ko->time(s(125)) == "2분 5초");
  CHECK(ko->time(days(90)) == "90일");
  CHECK(with_particle(ko->time(ms(250)), "을/를") == "250 ms를");
  // The text check reads the unit after the space as the word the particle follows.
  const std::set<std::string, std::less<>> kept{"ms", "MiB"};
  CHECK(korean_text_problems("첫 재시작 지연은 250 ms가 아니라 50 µs로 줄고 600 MiB를 씁니다", kept).empty());
  CHECK(korean_text_problems("250 ms이 걸립니다", kept) ==
        std::vector<std::string>{"particle \"ms이\" should be \"ms가\""});
}

TEST_CASE("either order of a pair is accepted; an unknown pair or word gives the vowel form") {
  CHECK(particle_for("책", "가/이") == "이");
  CHECK(particle_for("서버", "를/을") == "를");
  CHECK(particle_for("", "이/가") == "가");
  CHECK(particle_for("!!", "을/를") == "를");
  CHECK(particle_for("책", "에") == "에");
}

TEST_CASE("English words not in the list follow the loanword spelling") {
  CHECK(with_particle("root", "은/는") == "root는");        // 루트: a long vowel before -t
  CHECK(with_particle("bot", "이/가") == "bot이");          // 봇
  CHECK(with_particle("app", "을/를") == "app을");          // 앱
  CHECK(with_particle("web", "이/가") == "web이");          // 웹
  CHECK(with_particle("help", "을/를") == "help를");        // 헬프
  CHECK(with_particle("test", "이/가") == "test가");        // 테스트
  CHECK(with_particle("browser", "이/가") == "browser가");  // 브라우저
  // A silent e: the consonant before it is heard.
  CHECK(with_particle("phone", "이/가") == "phone이");                        // 폰
  CHECK(with_particle("home", "은/는") == "home은");                          // 홈
  CHECK(with_particle("mobile", "으로/로") == "mobile로");                    // 모바일
  CHECK(with_particle("node", "이/가") == "node가");                          // 노드
  CHECK(with_particle("site", "을/를") == "site를");                          // 사이트
  CHECK(with_particle("ChangeCipherSpec", "과/와") == "ChangeCipherSpec과");  // 스펙
  CHECK(with_particle("h2c", "으로/로") == "h2c로");                          // 씨
  CHECK(with_particle("Starlette", "은/는") == "Starlette은");                // 스탈렛
  CHECK(with_particle("laptop", "이/가") == "laptop이");                      // 랩톱
  CHECK(with_particle("client", "이/가") == "client가");                      // 클라이언트
  CHECK(with_particle("back", "으로/로") == "back으로");                      // 백
  CHECK(with_particle("cluster", "이/가") == "cluster가");                    // 클러스터
  CHECK(with_particle("tld.test", "은/는") == "tld.test는");
}
