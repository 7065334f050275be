// Time: the durations teachers write in scenario files and the way the UI prints them.
#include <doctest/doctest.h>

#include "deploysim/time.hpp"

using namespace deploysim;
using namespace deploysim::literals;

TEST_CASE("factories and literals agree") {
  CHECK(ms(1500) == s(1) + 500_ms);
  CHECK(minutes(2) == 120_s);
  CHECK(hours(36) == 129600_s);
  CHECK(days(90).ns() == 90LL * 86400 * 1000000000);
  CHECK(1_us == ns(1000));
  CHECK(s(3) / ms(1) == 3000);
  CHECK(-(5_ms) < Time{});
  CHECK(ms(20).seconds() == doctest::Approx(0.02));
}

TEST_CASE("parse_duration accepts what the scenario format documents") {
  CHECK(parse_duration("250ms") == ms(250));
  CHECK(parse_duration("1.5s") == ms(1500));
  CHECK(parse_duration("10m") == minutes(10));
  CHECK(parse_duration("10min") == minutes(10));
  CHECK(parse_duration("36h") == hours(36));
  CHECK(parse_duration("90d") == days(90));
  CHECK(parse_duration("-30d") == -days(30));
  CHECK(parse_duration("+12h") == hours(12));
  CHECK(parse_duration("0") == Time{});
  CHECK(parse_duration("-0") == Time{});
  CHECK(parse_duration("40us") == us(40));
  // What the program prints can be pasted back: the micro sign, and the Greek mu people type.
  CHECK(parse_duration("40\xC2\xB5s") == us(40));
  CHECK(parse_duration("40\xCE\xBCs") == us(40));
  CHECK(parse_duration("7ns") == ns(7));
  CHECK(parse_duration("0.001ms") == us(1));
  CHECK(parse_duration("2.25d") == hours(54));
  SUBCASE("fractions are exact, not rounded through a double") {
    CHECK(parse_duration("0.1s") == ms(100));
    CHECK(parse_duration("1.000000001s") == ns(1000000001));
    CHECK(parse_duration("1.0000000019s") == ns(1000000001));  // truncated below 1 ns
  }
  SUBCASE("the largest representable durations") {
    CHECK(parse_duration("9223372036854775807ns") == Time::max());
    CHECK(parse_duration("106751d") == days(106751));
  }
}

TEST_CASE("parse_duration rejects anything else") {
  for (const char* bad : {"",    "abc", "5",     "5 ms",  " 5ms", "5ms ", "5MS",   "5sec", "ms",   "-",    "+",
                          ".5s", "1.s", "1..5s", "1e3ms", "5ms5", "--5s", "0x10s", "5µ",   "5µ s", "1,5s", "5m30s"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
  SUBCASE("overflow is an error, not a wrapped value") {
    CHECK_FALSE(parse_duration("9223372036854775808ns").has_value());
    CHECK_FALSE(parse_duration("106752d").has_value());
    CHECK_FALSE(parse_duration("99999999999999999999999999d").has_value());
    CHECK_FALSE(parse_duration("-106752d").has_value());
  }
}

TEST_CASE("format_time reads like a person would say it") {
  CHECK(format_time(Time{}) == "0 s");
  CHECK(format_time(ns(750)) == "750 ns");
  CHECK(format_time(us(40)) == "40 \xC2\xB5s");
  CHECK(format_time(ns(1500)) == "1.5 \xC2\xB5s");
  CHECK(format_time(ms(40)) == "40 ms");
  CHECK(format_time(us(12500)) == "12.5 ms");
  CHECK(format_time(ns(999999999)) == "999.999 ms");
  CHECK(format_time(ms(1250)) == "1.25 s");
  CHECK(format_time(s(2)) == "2 s");
  // From a minute on, whole seconds read as minutes and seconds (the GUI audit: "60.000초").
  CHECK(format_time(s(60)) == "1 min");
  CHECK(format_time(s(90)) == "1 min 30 s");
  CHECK(format_time(ms(90100)) == "90.1 s");
  CHECK(format_time(ms(59999)) == "59.999 s");
  CHECK(format_time(s(125)) == "2 min 5 s");
  CHECK(format_time(minutes(10)) == "10 min");
  CHECK(format_time(hours(36)) == "36 h");
  CHECK(format_time(hours(5) + minutes(3)) == "5 h 3 min");
  CHECK(format_time(days(3) + hours(4)) == "3 d 4 h");
  CHECK(format_time(days(90)) == "90 d");
  CHECK(format_time(-days(30)) == "-30 d");
  CHECK(format_time(-ms(40)) == "-40 ms");
  CHECK(format_time(Time::max()) == "106751 d 23 h");
  CHECK(format_time(ns(INT64_MIN)) == "-106751 d 23 h");
}

TEST_CASE("format_span names a run's length in the unit a person sets it in") {
  const TimeUnits en;
  const TimeUnits ko{"{} ns", "{} µs", "{} ms", "{}초", "{}분", "{}시간", "{}일"};
  CHECK(format_span(s(60), en) == "1 min");
  CHECK(format_span(s(60), ko) == "1분");
  CHECK(format_span(s(90), en) == "90 s");
  CHECK(format_span(hours(1), ko) == "1시간");
  CHECK(format_span(hours(36), en) == "36 h");
  CHECK(format_span(days(120), ko) == "120일");
  CHECK(format_span(Time{} - days(30), en) == "-30 d");
  CHECK(format_span(ms(1500), en) == "1.5 s");  // not whole seconds: as format_time says it
  CHECK(format_span(Time{}, en) == "0 s");
}

TEST_CASE("format and parse round trip on the units teachers use") {
  for (Time t : {ms(40), days(90), Time{} - days(30), hours(36), minutes(10), us(12)}) {
    CAPTURE(t.ns());
    std::string text = format_time(t);
    std::erase(text, ' ');
    CHECK(parse_duration(text) == t);
  }
}

TEST_CASE("parse_formatted_time reads what format_time wrote in English, and nothing else") {
  for (const Time t : {ns(500), us(50), ms(12) + us(500), ms(40), ms(1250), s(125), hours(36), days(3) + hours(4),
                       Time{} - days(30), Time{} - (minutes(5) + s(3)), Time{}}) {
    const auto back = parse_formatted_time(format_time(t));
    REQUIRE_MESSAGE(back, format_time(t));
    CHECK(*back == t);
  }
  for (const char* not_one :
       {"5s", "5.000 s", "2.080 s", "1 min 0 s", "90 s", "abc s", "s", "", "1 min 30", "-1 min -3 s", "1 h 30 min 5 s"})
    CHECK_MESSAGE(!parse_formatted_time(not_one), not_one);
}
