// The scenario checker's own address parser accepts exactly what the system's inet_pton
// accepts (it replaced inet_pton so the scenario layer makes no system call).
#include <string>

#include <doctest/doctest.h>

#include "core/rng.hpp"
#include "scenario/scenario_values.hpp"

#if __has_include(<arpa/inet.h>)
#include <arpa/inet.h>
#define DEPLOYSIM_HAVE_INET_PTON 1
#endif

using namespace deploysim;
using detail::is_ipv4;
using detail::is_ipv6;

TEST_CASE("IPv4 and IPv6 literals as a scenario author writes them") {
  CHECK(is_ipv4("203.0.113.10"));
  CHECK(is_ipv4("0.0.0.0"));
  CHECK(is_ipv4("255.255.255.255"));
  CHECK_FALSE(is_ipv4("256.1.1.1"));
  CHECK_FALSE(is_ipv4("1.2.3"));
  CHECK_FALSE(is_ipv4("1.2.3.4.5"));
  CHECK_FALSE(is_ipv4("01.2.3.4"));
  CHECK_FALSE(is_ipv4("1.2.3.4 "));
  CHECK_FALSE(is_ipv4("api.example.test"));
  CHECK(is_ipv6("2001:db8::10"));
  CHECK(is_ipv6("::"));
  CHECK(is_ipv6("::1"));
  CHECK(is_ipv6("::ffff:192.0.2.1"));
  CHECK(is_ipv6("1:2:3:4:5:6:7:8"));
  CHECK_FALSE(is_ipv6("1:2:3:4:5:6:7:8:9"));
  CHECK_FALSE(is_ipv6("1:2:3:4:5:6:7::8"));
  CHECK_FALSE(is_ipv6("2001:db8:::1"));
  CHECK_FALSE(is_ipv6(":1"));
  CHECK_FALSE(is_ipv6("1:"));
  CHECK_FALSE(is_ipv6("12345::"));
  CHECK_FALSE(is_ipv6("203.0.113.10"));
}

#if DEPLOYSIM_HAVE_INET_PTON
TEST_CASE("the parser agrees with inet_pton on random strings of address characters") {
  Rng rng(7, 11);
  const std::string alphabet = "0123456789abcdefABCDEFg:.::..";
  int v4 = 0, v6 = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string s;
    const uint64_t len = rng.below(24);
    for (uint64_t k = 0; k < len; ++k) s += alphabet[rng.below(alphabet.size())];
    // Bias towards near-valid text: sometimes start from a valid address and mutate one char.
    if (n % 3 == 0) {
      s = n % 2 ? "2001:db8:0:1:2:3:4:5" : "192.168.10.254";
      s[rng.below(s.size())] = alphabet[rng.below(alphabet.size())];
    }
    unsigned char buf[16];
    const bool want4 = inet_pton(AF_INET, s.c_str(), buf) == 1;
    const bool want6 = inet_pton(AF_INET6, s.c_str(), buf) == 1;
    CAPTURE(s);
    REQUIRE(is_ipv4(s) == want4);
    REQUIRE(is_ipv6(s) == want6);
    v4 += want4;
    v6 += want6;
  }
  // The inputs reached both answers for both families (the comparison is not vacuous).
  CHECK(v4 > 100);
  CHECK(v6 > 100);
}
#endif
