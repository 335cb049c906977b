#include <doctest/doctest.h>

#include <string>

#include "tracewire/core/trace_state.hpp"

using namespace tracewire;

TEST_SUITE("core") {
  TEST_CASE("TraceState parses the W3C examples and keeps member order") {
    auto state = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    REQUIRE(state.size() == 2);
    CHECK(state.members()[0].key == "rojo");
    CHECK(state.get("congo") == std::string_view("t61rcWkgMzE"));
    CHECK(state.to_header() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  }

  TEST_CASE("TraceState skips empty members and optional whitespace") {
    auto state = TraceState::parse(" a=1 ,, \t b=2\t,");
    REQUIRE(state.size() == 2);
    CHECK(state.to_header() == "a=1,b=2");
  }

  TEST_CASE("TraceState key: Level 2 grammar (lcalpha / DIGIT) 0*255(keychar), keychar with @") {
    // "A key MUST begin with a lowercase letter or a digit and contain up to 256 characters
    // including lowercase letters, digits, underscores, dashes, asterisks, forward slashes,
    // and at signs" — Level 1's tenant@system form (one @, system id <= 14) is gone.
    for (const std::string& key :
         {std::string("fw529a3039@dt"), std::string("1tenant@sys"), std::string("foo@"), std::string("foo@@bar"),
          std::string("a@b@c"), std::string("tenant@1sys"), std::string("t@vvvvvvvvvvvvvvv"), std::string("0"),
          std::string("a_-*/@"), std::string(256, 'a'), std::string(241, 't') + "@" + std::string(14, 'v'),
          std::string(242, 't') + "@v", "t@" + std::string(254, 'v')}) {
      CAPTURE(key);
      CHECK(TraceState::is_valid_key(key));
      CHECK(TraceState::parse(key + "=1").get(key) == std::string_view("1"));
    }
    // the first character is lcalpha or DIGIT; no uppercase, no other punctuation; 1..256 long
    for (const std::string& key :
         {std::string("Upper"), std::string("_a"), std::string("@foo"), std::string("*a"), std::string("/a"),
          std::string("-a"), std::string("foo.bar"), std::string("foo bar"), std::string("fOo"), std::string(""),
          std::string(257, 'a'), "t@" + std::string(255, 'v'), std::string("caf\xc3\xa9")}) {
      CAPTURE(key);
      CHECK_FALSE(TraceState::is_valid_key(key));
      CHECK(TraceState::parse("ok=1," + key + "=1").empty());
    }
  }

  TEST_CASE("TraceState value: up to 256 printable ASCII except , and =, not ending in a space") {
    // value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
    std::string every;
    for (int c = 0x20; c <= 0x7e; ++c) {
      if (c != ',' && c != '=') every += static_cast<char>(c);
    }
    CHECK(TraceState::is_valid_value(every));
    CHECK(TraceState::is_valid_value("hello world"));
    CHECK(TraceState::is_valid_value(" leading"));  // "All leading spaces MUST be preserved"
    CHECK(TraceState::parse("a= leading").get("a") == std::string_view(" leading"));
    CHECK(TraceState::is_valid_value(std::string(256, 'v')));
    for (const std::string& value :
         {std::string(""), std::string("trailing "), std::string("x=y"), std::string("x,y"), std::string("\x01"),
          std::string("tab\there"), std::string("\x7f"), std::string("caf\xc3\xa9"), std::string(257, 'v')}) {
      CAPTURE(value);
      CHECK_FALSE(TraceState::is_valid_value(value));
    }
    // "All trailing spaces are considered to be optional whitespace characters not part of the value"
    CHECK(TraceState::parse("a=trailing  ").get("a") == std::string_view("trailing"));
    CHECK(TraceState::parse("a=x=y").empty());
    CHECK(TraceState::parse("a=").empty());
    CHECK(TraceState::parse("a=\x01").empty());
    CHECK(TraceState::parse("a=" + std::string(257, 'v')).empty());
  }

  TEST_CASE("TraceState: an invalid member or over 32 members drop the whole list; duplicates keep the first") {
    // "If the tracestate header cannot be parsed the vendor MAY discard the entire header"
    // (what the official suite expects for a bad key or value and for 33 members)
    CHECK(TraceState::parse("a=1,B=2").empty());
    CHECK(TraceState::parse("a=1,b").empty());
    std::string header;
    for (int i = 0; i < 32; ++i) header += "k" + std::to_string(i) + "=v,";
    CHECK(TraceState::parse(header).size() == 32);
    CHECK(TraceState::parse(header + "k32=v").empty());
    // Duplicates: "Adding a key/value pair MUST NOT result in the same key being present
    // multiple times" is the sender's duty (w3c/trace-context#477); "vendors MAY also discard
    // duplicate keys". The leftmost occurrence (the most recently updated) is kept.
    CHECK(TraceState::parse("a=1,a=2").to_header() == "a=1");
    CHECK(TraceState::parse("a=1,b=2,a=3").to_header() == "a=1,b=2");
    CHECK(TraceState::parse("a=1,b=2,a=3").get("a") == std::string_view("1"));
    // the 32-member limit counts what was received, duplicates included
    CHECK(TraceState::parse(header + "k0=w").empty());
  }

  TEST_CASE("TraceState accepts the members vendors write, in order") {
    // Datadog, OpenTelemetry sampling, New Relic (tenant@system key), Dynatrace, Elastic
    const std::string header =
        "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-0,ot=th:8;rv:9b8233f7e3a151,"
        "33@nr=0-0-33-5043-27ddd2d8890283b4-5569065a5b1313bd-1-0.100000-1518469636025,"
        "7f2e5f2b-4c2c0d3a@dt=fw4;0;0;0;0;0;0;ab,es=s:0.5";
    const TraceState state = TraceState::parse(header);
    REQUIRE(state.size() == 5);
    CHECK(state.members()[2].key == "33@nr");
    CHECK(state.get("ot") == std::string_view("th:8;rv:9b8233f7e3a151"));
    CHECK(state.get("7f2e5f2b-4c2c0d3a@dt") == std::string_view("fw4;0;0;0;0;0;0;ab"));
    CHECK(state.header() == header);
  }

  TEST_CASE("TraceState checks every character of a long list, wherever it falls") {
    // Long lists are scanned several bytes at a time; a bad byte at any position of any
    // value, or a space inside one, must be seen exactly as in a short list.
    const std::string before = "congo=t61rcWkgMzE,rojo=";
    const std::string value = "00f067aa0ba902b7-00f067aa0ba902b7-00f067aa";  // 42 characters
    const std::string after = ",vendor3=abc";
    for (std::size_t at = 0; at < value.size(); ++at) {
      for (const char bad : {'\x01', '\t', '\x1f', '\x7f', '\x80', '\xff', '='}) {
        if (bad == '\t' && at + 1 == value.size()) continue;  // a tab after the value is whitespace
        std::string broken = value;
        broken[at] = bad;
        CAPTURE(at);
        CAPTURE(static_cast<int>(static_cast<unsigned char>(bad)));
        CHECK(TraceState::parse(before + broken + after).empty());
        CHECK(TraceState::parse(before + broken).empty());  // the value ends the list
      }
      std::string spaced = value;
      spaced[at] = ' ';
      const TraceState kept = TraceState::parse(before + spaced + after);
      const std::size_t end = spaced.find_last_not_of(' ') + 1;  // trailing spaces are whitespace
      CHECK(kept.get("rojo") == std::string_view(spaced).substr(0, end));
      CHECK(kept.get("vendor3") == std::string_view("abc"));
    }
  }

  TEST_CASE("TraceState keeps its own copy of the members, joined canonically") {
    std::string header = " b=2 ,, a=1\t,b=3,  c=x y  ";
    const TraceState state = TraceState::parse(header);
    header.assign(header.size(), '#');  // the input goes away: nothing may point into it
    REQUIRE(state.size() == 3);
    CHECK(state.header() == "b=2,a=1,c=x y");
    CHECK(state.members()[0].key == "b");
    CHECK(state.members()[0].value == "2");
    CHECK(state.members()[2].value == "x y");
    for (const auto& member : state.members()) {
      CHECK(member.key.data() >= state.header().data());
      CHECK(member.value.data() + member.value.size() <= state.header().data() + state.header().size());
    }
  }

  TEST_CASE("TraceState set moves the key to the front; remove drops it; copies are independent") {
    auto state = TraceState::parse("a=1,b=2,c=3");
    auto updated = state.set("b", "9");
    CHECK(updated.to_header() == "b=9,a=1,c=3");
    CHECK(state.to_header() == "a=1,b=2,c=3");
    CHECK(updated.remove("a").to_header() == "b=9,c=3");
    CHECK(state.set("BAD", "1") == state);
    CHECK(TraceState().set("ot", "th:8").to_header() == "ot=th:8");
  }

  TEST_CASE("TraceState truncation keeps 512 characters and drops whole members, long ones first") {
    // "Vendors SHOULD propagate at least 512 characters of a combined header"
    std::string exactly_512 = "a=" + std::string(254, 'x') + ",b=" + std::string(253, 'y');
    REQUIRE(exactly_512.size() == 512);
    CHECK(TraceState::parse(exactly_512).to_header() == exactly_512);
    CHECK(TraceState::propagated_length == 512);

    // "the vendor MUST truncate whole entries. Entries larger than 128 characters long SHOULD
    // be removed first. Then entries SHOULD be removed starting from the end"
    std::string long_value(200, 'x');
    std::string header = "a=1,long=" + long_value;
    for (int i = 0; i < 40 && header.size() < 600; ++i) header += ",k" + std::to_string(i) + "=" + std::string(20, 'y');
    auto state = TraceState::parse(header);
    REQUIRE(state.size() > 2);
    std::string truncated = state.to_header(512);
    CHECK(truncated.size() <= 512);
    CHECK(truncated.find("long=") == std::string::npos);
    CHECK(truncated.rfind("a=1,", 0) == 0);
    auto reparsed = TraceState::parse(truncated);
    CHECK(reparsed.size() == state.size() - 1);  // dropping the long member was enough
    for (const auto& member : reparsed.members()) CHECK(state.get(member.key) == std::string_view(member.value));

    // of several long members, the longest goes first, and only as many as needed
    const std::string m150 = "m150=" + std::string(145, 'p');
    const std::string m200 = "m200=" + std::string(195, 'q');
    const std::string m140 = "m140=" + std::string(135, 'r');
    const std::string tail = "z=" + std::string(100, 's');
    const TraceState several = TraceState::parse(m150 + "," + m200 + "," + m140 + "," + tail);
    REQUIRE(several.header().size() == 150 + 200 + 140 + 102 + 3);
    CHECK(several.to_header(512) == m150 + "," + m140 + "," + tail);
    CHECK(several.to_header(300) == m140 + "," + tail);
    // every long member goes before any short one, then members go from the end
    CHECK(several.to_header(140) == tail);
    CHECK(several.to_header(100).empty());
    // short members only: from the end
    const TraceState shorts = TraceState::parse("a=" + std::string(100, '1') + ",b=" + std::string(100, '2') + ",c=3");
    CHECK(shorts.to_header(208) == "a=" + std::string(100, '1') + ",b=" + std::string(100, '2'));
    CHECK(shorts.to_header(104) == "a=" + std::string(100, '1'));
  }
}
