// The inspector's TLS byte view: the decoder's English counts ("21 schemes") in the learner's
// words, other decoded values as they are.
#include <doctest/doctest.h>

#include <string>

#include "deploysim/messages.hpp"
#include "gui/widgets/tls_bytes.hpp"

using namespace deploysim;
using namespace deploysim::gui;

namespace {

Messages catalogue(const char* lang) {
  std::string error;
  auto words = Messages::load(lang, &error, std::string(DEPLOYSIM_ASSETS_DIR) + "/i18n");
  REQUIRE_MESSAGE(words.has_value(), error);
  return std::move(*words);
}

}  // namespace

TEST_CASE("decoded counts read in the learner's language") {
  const Messages ko = catalogue("ko");
  CHECK(decoded_value("21 schemes", ko) == "서명 방식 21개");
  CHECK(decoded_value("3 types", ko) == "인증서 유형 3개");
  CHECK(decoded_value("1 identity", ko) == "PSK 식별자 1개");
  CHECK(decoded_value("2 identities", ko) == "PSK 식별자 2개");
  CHECK(decoded_value("selected identity 0", ko) == "0번 식별자 선택");
  CHECK(decoded_value("192 bytes", ko) == "192바이트");
  const Messages en = catalogue("en");
  CHECK(decoded_value("21 schemes", en) == "21 schemes");
}

TEST_CASE("other decoded values stay as decoded") {
  const Messages ko = catalogue("ko");
  for (const char* v :
       {"x25519, secp256r1", "h2, http/1.1", "TLS 1.3, TLS 1.2", "", "0x0304", "21", "api.example.test"})
    CHECK(decoded_value(v, ko) == v);
}
